"""The facet picker: areas and years of the current results with their counts.

Space toggles a facet and stays, Enter toggles the one under the cursor and closes, Esc
closes; the choices then become `area:` / `date:` terms of the query. Counts arrive from
a worker after the screen opens (counting 100,000 results takes a moment).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from reader.tui.results import FacetCounts
from reader.tui.screens.list_keys import ListKeys


class FacetScreen(ListKeys, ModalScreen[tuple[str, ...] | None]):
    """Returns the facet terms chosen when closed (None if closed before counts came)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Choose and close", priority=True, id="facets.choose"),
        Binding("escape,f,q", "done", "Done", id="facets.done"),
        Binding("c", "clear", "Clear all", id="facets.clear"),
        Binding("h,l", "other_list", "Areas / years", show=False, id="facets.other"),
        *ListKeys.LIST_BINDINGS,
    ]

    def __init__(self, chosen: Sequence[str]) -> None:
        super().__init__()
        self.chosen = tuple(chosen)
        self.counts: FacetCounts | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="facets-dialog") as dialog:
            dialog.border_title = "Facets"
            dialog.border_subtitle = "Space toggles · Enter chooses · c clears · Esc done"
            yield Static(Content("Counting…"), id="facets-summary")
            with Horizontal(id="facets-lists"):
                areas: SelectionList[str] = SelectionList(id="facet-areas")
                areas.border_title = "Areas"
                yield areas
                years: SelectionList[str] = SelectionList(id="facet-years")
                years.border_title = "Years"
                yield years

    def _lists(self) -> list[SelectionList[str]]:
        return [
            self.query_one("#facet-areas", SelectionList),
            self.query_one("#facet-years", SelectionList),
        ]

    def show_counts(self, counts: FacetCounts) -> None:
        self.counts = counts
        self.query_one("#facets-summary", Static).update(Content(counts.summary))
        for selection_list, items in zip(self._lists(), (counts.areas, counts.years), strict=True):
            selection_list.clear_options()
            selection_list.add_options(
                [
                    # Area names come from files: Content, never markup.
                    Selection(Content(f"{label} ({count:,})"), term, term in self.chosen)
                    for term, label, count in items
                ]
            )
            if items:
                selection_list.highlighted = 0
        self._lists()[0].focus()

    def selected(self) -> tuple[str, ...]:
        """The chosen terms: those chosen before (in their order), then new ones."""
        picked = [term for selection_list in self._lists() for term in selection_list.selected]
        kept = [term for term in self.chosen if term in picked]
        return tuple(kept + [term for term in picked if term not in kept])

    def action_choose(self) -> None:
        focused = self.focused
        if isinstance(focused, SelectionList) and focused.highlighted is not None:
            focused.toggle(focused.get_option_at_index(focused.highlighted))
        self.action_done()

    def action_done(self) -> None:
        self.dismiss(self.selected() if self.counts is not None else None)

    def action_other_list(self) -> None:
        areas, years = self._lists()
        (areas if self.focused is years else years).focus()

    def action_clear(self) -> None:
        for selection_list in self._lists():
            selection_list.deselect_all()
