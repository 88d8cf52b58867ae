"""The Searches section above the article list: each saved search with how many articles
it finds and how many of those are unread; Enter runs one, d deletes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.saved_searches import SIGIL
from reader.state import SavedSearch
from reader.tui.overview import SavedCount


def count_text(count: SavedCount | None) -> str:
    """ "132 · 12 unread", "counting…", or "cannot run here"."""
    if count is None:
        return "counting…"
    if count.error is not None:
        return "cannot run here"
    assert count.total is not None and count.unread is not None
    return f"{count.total:,} · {count.unread:,} unread"


class SavedSearchList(OptionList):
    """The saved searches, by name; the screen hands it their counts as they come."""

    BINDING_GROUP_TITLE = "Searches"
    COMPONENT_CLASSES: ClassVar[set[str]] = OptionList.COMPONENT_CLASSES | {"saved-list--counts"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next search", show=False, id="searches.next"),
        Binding("k", "cursor_up", "Previous search", show=False, id="searches.previous"),
        Binding("d,delete", "delete", "Delete search", show=False, id="searches.delete"),
        Binding("escape", "screen.focus_list", "To the list", show=False, id="searches.list"),
    ]

    class Delete(Message):
        """d on a saved search."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.searches: list[SavedSearch] = []
        self.counts: dict[str, SavedCount] = {}

    def show_searches(self, searches: Sequence[SavedSearch]) -> None:
        """List these searches (counts as known so far); the cursor stays on its name."""
        current = self.current_name
        self.searches = list(searches)
        self._redraw(current)

    def show_counts(self, counts: Sequence[SavedCount]) -> None:
        self.counts = {count.search.name.casefold(): count for count in counts}
        self._redraw(self.current_name)

    @property
    def current_name(self) -> str | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.searches):
            return None
        return self.searches[index].name

    def _redraw(self, current: str | None) -> None:
        self.clear_options()
        width = max((len(search.name) for search in self.searches), default=0) + 1
        options = []
        for search in self.searches:
            count = self.counts.get(search.name.casefold())
            stale = count is not None and count.search != search
            counts = count_text(None if stale else count)
            # Names and queries are the user's (or pasted): Content, never markup.
            prompt = Content(f"{SIGIL}{search.name}".ljust(width + 1)) + Content.styled(
                counts, ".saved-list--counts"
            )
            options.append(Option(prompt, id=search.name))
        self.add_options(options)
        names = [search.name for search in self.searches]
        if current in names:
            self.highlighted = names.index(current)
        elif names:
            self.highlighted = 0

    def action_delete(self) -> None:
        name = self.current_name
        if name is not None:
            self.post_message(self.Delete(name))
