"""j/k/g/G in the dialogs' lists (facets, load problems), as in the reader's own lists.

Textual's OptionList (and SelectionList) move with the arrow keys only; someone who moves
with j and k everywhere else would press them here too.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList

__all__ = ["ListKeys"]


class ListKeys:
    """Mixed into a screen: j, k, g and G move the cursor of its focused option list."""

    LIST_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "list_cursor('down')", "Down", show=False, id="dialog-list.down"),
        Binding("k", "list_cursor('up')", "Up", show=False, id="dialog-list.up"),
        Binding("g", "list_cursor('first')", "First", show=False, id="dialog-list.first"),
        Binding("G", "list_cursor('last')", "Last", show=False, id="dialog-list.last"),
    ]

    def action_list_cursor(self, where: str) -> None:
        assert isinstance(self, Screen)
        focused = self.focused
        if not isinstance(focused, OptionList):
            return
        moves = {
            "down": focused.action_cursor_down,
            "up": focused.action_cursor_up,
            "first": focused.action_first,
            "last": focused.action_last,
        }
        moves[where]()
