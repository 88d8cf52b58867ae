"""The facet picker: areas, years, tags, categories, languages and top folders of the
current results with their counts, one list each (only those the folder has values for).

Space toggles a facet and stays, Enter toggles the one under the cursor and closes, Esc
closes; the choices then become `area:` / `date:` / `tags:` … terms of the query. Counts
arrive from the screen's worker after it opens (counting 100,000 results takes a moment),
and the lists with them; counts come again after every tick: each list counts what the
others' ticks leave (see count_facets).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.styles import RulesMap
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual, VisualType
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from reader.listing import Listing
from reader.model import ListRow
from reader.tui.messages import FacetsCounted
from reader.tui.results import FacetCounts
from reader.tui.screens.list_keys import ListKeys


class FacetPrompt(Visual):
    """`Kent (312)`, cut to the width by the name, never by the count."""

    def __init__(self, label: str, count: int) -> None:
        # Area names come from files: Content, never markup.
        self.label = Content(label)
        self.count = Content(f" ({count:,})")

    def fitted(self, width: int) -> Content:
        room = width - self.count.cell_length
        if self.label.cell_length <= room:
            return self.label + self.count
        return self.label.truncate(max(1, room), ellipsis=True) + self.count

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        line = self.fitted(width)
        segments = [Segment(text, part.rich_style) for text, part in line.render(style, end="")]
        return [Strip(segments).crop_extend(0, width, style.rich_style)]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.label.cell_length + self.count.cell_length

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1


class FacetChoice(Selection[str]):
    """One area or year: its term is the value (and the option's id)."""

    def __init__(self, term: str, label: str, count: int, ticked: bool) -> None:
        super().__init__(Content(label), term, ticked, id=term)
        self._facet_prompt = FacetPrompt(label, count)

    @property
    def prompt(self) -> VisualType:
        return self._facet_prompt


class FacetList(SelectionList[str]):
    """One field's values (`field`: area, date, tags…). Space ticks the row the cursor
    is on when Space is pressed (SelectionList ticks the row it is on when a message
    gets round to it: after `j Space j j` typed at once, the last). Empty, it does not
    take the focus."""

    def __init__(self, field: str, heading: str, choices: Sequence[FacetChoice]) -> None:
        super().__init__(*choices, id=LIST_IDS.get(field, f"facet-{field}"))
        self.field = field
        self.border_title = heading

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))

    def allow_focus(self) -> bool:
        return self.option_count > 0


# The ids of the lists of the built-in fields; the others are facet-FIELD.
LIST_IDS = {"area": "facet-areas", "date": "facet-years"}

# Counts the areas and years of the list a listing gives (`shown`: its rows, or None to
# search for them); None when there is nothing to count yet (ReaderSession.facet_counts).
CountFacets = Callable[[Listing, Sequence[ListRow] | None], FacetCounts | None]


class FacetScreen(ListKeys, ModalScreen[tuple[str, ...] | None]):
    """Returns the facet terms chosen when closed (None if closed before counts came)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Choose and close", priority=True, id="facets.choose"),
        Binding("escape,f,q", "done", "Done", id="facets.done"),
        Binding("c", "clear", "Clear all", id="facets.clear"),
        Binding("h,l", "other_list", "Next list", show=False, id="facets.other"),
        *ListKeys.LIST_BINDINGS,
    ]

    def __init__(
        self, listing: Listing, shown: Sequence[ListRow] | None, count: CountFacets
    ) -> None:
        """`listing`: what the list shows (its facets are the ones ticked at first);
        `shown`: its rows, or None when only the best of them are in yet."""
        super().__init__()
        self.listing = listing
        self.shown = shown
        self._count = count
        self.chosen = listing.facets
        self.counts: FacetCounts | None = None
        # The terms ticked now, whose counts are shown or on their way.
        self.terms = self.chosen

    def compose(self) -> ComposeResult:
        with Vertical(id="facets-dialog") as dialog:
            dialog.border_title = "Facets"
            dialog.border_subtitle = "Space toggles · Enter chooses · c clears · Esc done"
            yield Static(Content("Counting…"), id="facets-summary")
            yield Horizontal(id="facets-lists")  # the lists come with the first counts

    def on_mount(self) -> None:
        self._count_for(self.listing, self.shown)

    @work(thread=True, exclusive=True, group="facets", description="count facets")
    def _count_for(self, listing: Listing, shown: Sequence[ListRow] | None) -> None:
        counts = self._count(listing, shown)
        if counts is not None:
            self.post_message(FacetsCounted(counts, listing.facets))

    @on(FacetsCounted)
    def _on_counted(self, message: FacetsCounted) -> None:
        self.show_counts(message.counts, message.terms)

    def _lists(self) -> list[FacetList]:
        return list(self.query(FacetList))

    def show_counts(self, counts: FacetCounts, terms: Sequence[str] | None = None) -> None:
        """Show the counts for the ticked `terms` (those the screen opened with if None);
        counts for terms no longer ticked are dropped: newer ones are coming. The first
        counts make the lists: one per field the folder has values for."""
        if terms is not None and set(terms) != set(self.terms):
            return
        first = self.counts is None
        self.counts = counts
        self.query_one("#facets-summary", Static).update(Content(counts.summary))
        ticked = set(self.terms)
        if first:
            lists = [
                FacetList(
                    group.field,
                    group.heading,
                    [FacetChoice(term, label, n, term in ticked) for term, label, n in group.items],
                )
                for group in counts.groups
            ]
            container = self.query_one("#facets-lists", Horizontal)
            container.set_class(len(lists) > 2, "-many")
            container.mount_all(lists)
            self.call_after_refresh(self._first_focus)
            return
        focused = self.focused
        by_field = {selection_list.field: selection_list for selection_list in self._lists()}
        for group in counts.groups:
            selection_list = by_field.get(group.field)
            if selection_list is None:
                continue  # the lists are those of the first counts
            items = group.items
            highlighted = selection_list.highlighted
            at = None
            if highlighted is not None and highlighted < selection_list.option_count:
                at = selection_list.get_option_at_index(highlighted).value
            with selection_list.prevent(SelectionList.SelectedChanged):
                selection_list.clear_options()
                selection_list.add_options(
                    [
                        FacetChoice(term, label, count, term in ticked)
                        for term, label, count in items
                    ]
                )
            if items:
                terms_listed = [term for term, _label, _count in items]
                index = terms_listed.index(at) if at in terms_listed else 0
                if highlighted is not None and at not in terms_listed:
                    index = min(highlighted, len(items) - 1)  # its row went: stay near
                selection_list.highlighted = index
        if focused is None or not focused.focusable:
            self._focus_a_list()

    def _first_focus(self) -> None:
        for selection_list in self._lists():
            if selection_list.option_count:
                selection_list.highlighted = 0
        self._focus_a_list()

    def _focus_a_list(self) -> None:
        """The first list with something in it takes the focus."""
        for selection_list in self._lists():
            if selection_list.focusable:
                selection_list.focus()
                return

    def selected(self) -> tuple[str, ...]:
        """The chosen terms: those chosen before (in their order), then new ones."""
        picked = [term for selection_list in self._lists() for term in selection_list.selected]
        kept = [term for term in self.chosen if term in picked]
        return tuple(kept + [term for term in picked if term not in kept])

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        """A tick (by a key or a click): count again for what is ticked now."""
        terms = self.selected()
        if set(terms) != set(self.terms):
            self.terms = terms
            listing = self.listing.with_facets(terms)
            same = listing.facets == self.listing.facets
            self._count_for(listing, self.shown if same else None)

    def action_choose(self) -> None:
        focused = self.focused
        if isinstance(focused, FacetList):
            focused.action_select()
        self.action_done()

    def action_done(self) -> None:
        self.dismiss(self.selected() if self.counts is not None else None)

    def action_other_list(self) -> None:
        """The next list with something in it (after the last, the first)."""
        lists = self._lists()
        at = lists.index(self.focused) if self.focused in lists else -1
        for step in range(1, len(lists)):
            other = lists[(at + step) % len(lists)]
            if other.focusable:
                other.focus()
                return

    def action_clear(self) -> None:
        for selection_list in self._lists():
            selection_list.deselect_all()
