"""Asked before a link whose host is internationalised opens: `www.pаypal.com` (its `а`
Cyrillic) looks like another site, so the host is shown as the browser gets it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.links import Link, shown_url


class ConfirmOpen(ModalScreen[bool]):
    """y or Enter opens the link, n or Esc does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Open", id="confirm-open.open"),
        Binding("n,escape,q", "answer(False)", "Cancel", id="confirm-open.cancel"),
    ]

    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        host = self.link.idn_host or ""
        intro = (
            "This link's host is written with letters beyond ASCII (or in punycode): "
            "it may imitate another site's. The browser would go to:\n\n"
        )
        text = intro + host + "\n\n" + shown_url(self.link.written)
        # Text from the file: Content, never markup.
        content = Content(text, [Span(len(intro), len(intro) + len(host), "bold")])
        with Vertical(id="confirm-open-dialog") as dialog:
            dialog.border_title = "Open this link?"
            dialog.border_subtitle = "y / Enter opens · n / Esc cancels"
            yield Static(content, id="confirm-open-text")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
