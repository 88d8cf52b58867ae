"""The search bar above the list: the query as typed, the facets chosen, and what is
wrong with the query when it cannot be read (the column marked in the query itself)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.highlighter import Highlighter
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from reader.listing import facets_caption
from reader.search import QueryError
from reader.text.sanitize import strip_control

PLACEHOLDER = 'Search: words "phrases" -not area: after:2019'


class _ErrorMark(Highlighter):
    """Marks the column a query error points at, in the input's own text."""

    def __init__(self, owner: QueryInput) -> None:
        self._owner = owner

    def highlight(self, text: Text) -> None:
        position = self._owner.error_position
        if position is not None and position < len(text):
            style = self._owner.get_component_rich_style("query-input--error")
            text.stylize(style, position, position + 1)


class QueryInput(Input):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"query-input--error"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id, compact=True, select_on_focus=False)
        self.error_position: int | None = None
        self.highlighter = _ErrorMark(self)

    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit comes here, pastes too, and a paste can hold anything: control
        # characters must not reach the screen (tabs and newlines become spaces).
        super().replace(strip_control(text).replace("\t", " ").replace("\n", " "), start, end)

    def mark_error(self, position: int | None) -> None:
        if position != self.error_position:
            self.error_position = position
            self.refresh()


class SearchBar(Vertical):
    """Shown while a query or facets are active, or while the query is being typed."""

    BINDING_GROUP_TITLE = "Search bar"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.clear_search", "Clear search", id="search.clear"),
        Binding("down", "screen.focus_list", "To the results", show=False, id="search.results"),
        Binding("ctrl+s", "screen.save_search", "Save search", id="search.save"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-row"):
            yield Static(Content("/"), id="search-prompt")
            yield QueryInput(id="search-input")
        yield Static(id="search-facets", markup=False)
        yield Static(id="search-error", markup=False)

    def on_mount(self) -> None:
        self.show_facets(())
        self.show_error(None)

    @property
    def input(self) -> QueryInput:
        return self.query_one("#search-input", QueryInput)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the query shown (posts Input.Changed like typing does)."""
        self.input.value = text
        self.input.cursor_position = len(text)

    @property
    def has_error(self) -> bool:
        """Whether the bar says the query cannot be read."""
        return bool(self.query_one("#search-error", Static).display)

    def show_facets(self, terms: Sequence[str]) -> None:
        facets = self.query_one("#search-facets", Static)
        facets.display = bool(terms)
        facets.update(Content("+ " + facets_caption(terms)) if terms else Content(""))

    def show_error(self, error: QueryError | None) -> None:
        """The error's message, column and hint under the bar; None clears it."""
        box = self.query_one("#search-error", Static)
        box.display = error is not None
        self.input.mark_error(error.position if error is not None else None)
        if error is None:
            box.update(Content(""))
            return
        lines = [f"{error.message} at column {error.column}"]
        if error.hint:
            lines.append(f"hint: {error.hint}")
        lines.append("(showing the previous results)")
        box.update(Content("\n".join(lines)))
