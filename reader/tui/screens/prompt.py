"""A one-line question over the reader: the name of a saved search (Ctrl+S in the search
bar), the file an export goes to (x)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PromptScreen(ModalScreen[str | None]):
    """Enter answers with the text typed; Esc answers None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, title: str, explanation: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog") as dialog:
            dialog.border_title = self.title_text
            dialog.border_subtitle = "Enter saves · Esc cancels"
            # Names and queries may come from anywhere: Content, never markup.
            yield Static(Content(self.explanation), id="prompt-text")
            yield Input(self.value, id="prompt-input", compact=True, select_on_focus=False)

    def on_mount(self) -> None:
        prompt = self.query_one("#prompt-input", Input)
        prompt.cursor_position = len(self.value)
        prompt.focus()

    @on(Input.Submitted, "#prompt-input")
    def _on_submitted(self, message: Input.Submitted) -> None:
        self.dismiss(message.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
