"""The help screen: every key binding, read from the live bindings (keymaps included)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType, Keymap
from textual.containers import Vertical
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from reader.tui.document import Block, styled
from reader.tui.widgets.document_view import DocumentView

KEY_COLUMN = 16
DESCRIPTION_COLUMN = 22
# (section title, [(keys, description, binding id), ...])
KeySections = list[tuple[str, list[tuple[str, str, str]]]]
# Whose keys a section lists: a node, a class of nodes (a dialog not open now), or bindings.
KeySource = DOMNode | type[DOMNode] | Sequence[BindingType]


def declared_bindings(cls: type[DOMNode]) -> BindingsMap:
    """The bindings a node of class `cls` has: the BINDINGS of the reader's classes it
    derives from, and of Textual's App and Screen (the keys that work everywhere, and
    those that move the focus), with the app's keymap not yet applied. The reader's
    widgets built on Textual's (ScrollView, Input) take none of those classes' keys."""
    bindings: list[BindingType] = []
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("reader.") or klass in (App, Screen):
            bindings.extend(klass.__dict__.get("BINDINGS", ()))
    return BindingsMap(bindings)


def keymap_of(app: App[Any]) -> Keymap:
    """The keymap the reader's app applies (ReaderApp.keymap); none for another app."""
    keymap = getattr(app, "keymap", None)
    return keymap if isinstance(keymap, Mapping) else {}


def live_bindings(source: KeySource, app: App[Any]) -> BindingsMap:
    """The bindings of a node (of a node of a class; or these bindings) as they work
    now, remapped keys included."""
    if isinstance(source, type):
        bindings = declared_bindings(source)
    elif isinstance(source, DOMNode):
        bindings = declared_bindings(type(source))
    else:
        bindings = BindingsMap(source)
    bindings.apply_keymap(keymap_of(app))
    return bindings


def action_keys(node: DOMNode, action: str) -> list[str]:
    """The keys bound to `action` on `node` now, as shown: ["]"], ["u"]."""
    keys: list[str] = []
    for _key, binding in live_bindings(node, node.app):
        display = node.app.get_key_display(binding)
        if binding.action == action and display not in keys:
            keys.append(display)
    return keys


def binding_sections(app: App[Any], sources: Iterable[tuple[str, KeySource]]) -> KeySections:
    """The bindings of each source, one row per binding id with its keys joined:
    ("j ↓", "Next article", "list.next"). A row an earlier section showed (the same
    binding, keys and words) is not repeated."""
    sections: KeySections = []
    seen: set[tuple[str, str, str]] = set()
    for title, source in sources:
        by_binding: dict[str, tuple[list[str], str, str]] = {}
        for _key, binding in live_bindings(source, app):
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
