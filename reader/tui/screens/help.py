"""The help screen: every key binding, read from the live bindings (keymaps included)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.tui.document import Block, styled
from reader.tui.widgets.document_view import DocumentView

KEY_COLUMN = 16
DESCRIPTION_COLUMN = 22
# (section title, [(keys, description, binding id), ...])
KeySections = list[tuple[str, list[tuple[str, str, str]]]]


def live_bindings(node: DOMNode) -> BindingsMap:
    """The node's bindings as they work now. Textual applies the app's keymap (set_keymap)
    to a copy of each node's bindings when it looks a key up; do the same, so remapped
    keys show as they work."""
    bindings = node._bindings.copy()
    bindings.apply_keymap(node.app._keymap)
    return bindings


def action_keys(node: DOMNode, action: str) -> list[str]:
    """The keys bound to `action` on `node` now, as shown: ["]"], ["u"]."""
    keys: list[str] = []
    for _key, binding in live_bindings(node):
        display = node.app.get_key_display(binding)
        if binding.action == action and display not in keys:
            keys.append(display)
    return keys


def binding_sections(
    app: App[Any], nodes: Iterable[tuple[str, DOMNode | type[DOMNode]]]
) -> KeySections:
    """The bindings of each node (of its class, for a dialog not open now), one row per
    binding id with its keys joined: ("j ↓", "Next article", "list.next"). A row an
    earlier section showed (the same binding, keys and words) is not repeated."""
    sections: KeySections = []
    seen: set[tuple[str, str, str]] = set()
    for title, node in nodes:
        if isinstance(node, type):
            bindings = node._merge_bindings()
            bindings.apply_keymap(app._keymap)
        else:
            bindings = live_bindings(node)
        by_binding: dict[str, tuple[list[str], str, str]] = {}
        for _key, binding in bindings:
            if binding.system or not binding.description:
                continue
            keys, _, _ = by_binding.setdefault(
                binding.id or binding.action, ([], binding.description, binding.id or "")
            )
            display = app.get_key_display(binding)
            if display not in keys:
                keys.append(display)
        rows = []
        for name, (keys, description, binding_id) in by_binding.items():
            shown = " ".join(keys)
            if (name, shown, description) not in seen:
                seen.add((name, shown, description))
                rows.append((shown, description, binding_id))
        if rows:
            sections.append((title, rows))
    return sections


def help_blocks(sections: KeySections) -> list[Block]:
    blocks: list[Block] = []
    for title, rows in sections:
        blocks.append(Block(styled(title, "group"), gap_before=1))
        for keys, description, binding_id in rows:
            label = keys if len(keys) < KEY_COLUMN else keys[: KEY_COLUMN - 2] + "…"
            prefix = Content("  ") + styled(label.ljust(KEY_COLUMN), "key")
            text = Content(description.ljust(DESCRIPTION_COLUMN)) + styled(binding_id, "key")
            blocks.append(Block(text, prefix=prefix, indent=Content(" " * (KEY_COLUMN + 2))))
    return blocks


class HelpScreen(ModalScreen[None]):
    """Keys for the list, the article, and everywhere."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: KeySections, intro: Sequence[str] = ()) -> None:
        super().__init__()
        self._sections = sections
        self._intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            close = action_keys(self, "dismiss")  # as the config may have remapped it
            dialog.border_subtitle = f"{close[0]} to close" if close else ""
            yield Static(Content("\n".join(self._intro)), id="help-intro")
            yield DocumentView(id="help-keys")

    def on_mount(self) -> None:
        view = self.query_one("#help-keys", DocumentView)
        view.set_blocks(help_blocks(self._sections))
        view.focus()
