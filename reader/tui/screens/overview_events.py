"""The main screen's views over many articles: the timeline (t), saved searches (Ctrl+S
in the search bar, the Searches section, Enter runs one) and the export (x). What they
compute runs in workers (reader.tui.workers) and comes back as messages; the plain
rules are in reader.tui.overview. MainScreen (screens/main.py) builds on this class.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import OptionList
from textual.worker import get_current_worker

from reader.articles import ArticleStore
from reader.model import ListRow
from reader.ordering import RELEVANCE_CAPTION
from reader.saved_searches import SIGIL, clean_name, describe, listing_of
from reader.state import SavedSearch
from reader.tui.format import display_path, plural
from reader.tui.messages import (
    ExportWritten,
    FolderRefreshed,
    LoadFinished,
    SavedSearchesCounted,
    StateSaved,
    StoreOpened,
    TimelineCounted,
)
from reader.tui.overview import (
    ExportRefused,
    ExportRequest,
    default_export_name,
    export_target,
    narrowed_to,
)
from reader.tui.screens.list_events import ListEvents
from reader.tui.screens.prompt import PromptScreen
from reader.tui.widgets.saved_list import SavedSearchList
from reader.tui.widgets.timeline import TimelineView
from reader.tui.workers import count_saved, count_timeline, write_list

# Marks and files change in bursts: the saved searches are counted again once they rest.
COUNT_DELAY = 0.3


class OverviewEvents(ListEvents):
    """The timeline, the saved searches and the export, on the main screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "toggle_timeline", "Timeline", show=False, id="app.timeline"),
        Binding("x", "export", "Export", show=False, id="app.export"),
        Binding("at", "focus_searches", "Saved searches", show=False, id="app.searches"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.timeline = TimelineView(id="timeline")
        self.saved_list = SavedSearchList(id="saved-searches")
        self._count_timer: Timer | None = None
        # The saved searches as last listed (another reader may save one).
        self._listed_searches: list[SavedSearch] = []

    def on_mount(self) -> None:
        self.timeline.display = False
        self.saved_list.display = False
        self.saved_list.border_title = "Searches"

    # -- the timeline -----------------------------------------------------------------

    def action_toggle_timeline(self) -> None:
        timeline = self.timeline
        if timeline.display:
            timeline.display = False
            self.action_focus_list()
            return
        timeline.display = True
        timeline.show_timeline(None)
        self._count_timeline()
        self.focus_now(timeline)

    def _show_rows(
        self,
        rows: Sequence[ListRow],
        keep: str | None = None,
        at: int | None = None,
        *,
        stay: bool = False,
    ) -> None:
        super()._show_rows(rows, keep, at, stay=stay)
        self._count_timeline()

    def _count_timeline(self) -> None:
        """Count the list's timeline again, once all of the list is in."""
        session = self.session
        if self.timeline.display and not session.partial:
            self._timeline_worker(list(session.results), session.shown_generation)

    @work(thread=True, exclusive=True, group="timeline", description="count the timeline")
    def _timeline_worker(self, rows: list[ListRow], generation: int) -> None:
        count_timeline(rows, generation, self.post_message)

    @on(TimelineCounted)
    def _on_timeline_counted(self, message: TimelineCounted) -> None:
        if message.generation == self.session.shown_generation:
            self.timeline.show_timeline(message.timeline)

    @on(TimelineView.Narrow)
    def _on_timeline_narrow(self, message: TimelineView.Narrow) -> None:
        """Enter on a bar: its period becomes the list's date facet."""
        session = self.session
        if not session.set_facets(narrowed_to(session.listing.facets, message.term)):
            return
        self.state_changed()
        self.search_bar.show_facets(session.listing.facets)
        self._sync_search_bar()
        self._request_keeping_cursor()

    # -- saved searches -----------------------------------------------------------------

    def action_save_search(self) -> None:
        """Ctrl+S in the search bar: name the query, with its facets and sort."""
        self._take_bar_text()
        listing = self.session.listing
        if not listing.filtered:
            self.notify("Type a query (or choose facets) to save it.", severity="warning")
            return
        search = SavedSearch("", listing.text, list(listing.facets), listing.sort)
        explanation = (
            f"Name the search  {describe(search)}  (sorted {self.session.order_caption}). "
            f"It is listed under Searches; `reader search {SIGIL}NAME` runs it from the shell."
        )
        self.app.push_screen(PromptScreen("Save this search", explanation), self._after_name)

    def _after_name(self, text: str | None) -> None:
        if text is None:
            return
        name = clean_name(text)
        if not name:
            self.notify("A saved search needs a name.", severity="warning")
            return
        listing = self.session.listing
        state = self.session.state
        replaced = state.saved_search(name) is not None
        saved = state.save_search(name, listing.text, list(listing.facets), listing.sort)
        self.state_changed()
        self._list_searches()
        what = "Replaced" if replaced else "Saved"
        self.notify(f"{what} {SIGIL}{saved.name}: {describe(saved)}", markup=False, timeout=4)

    def action_focus_searches(self) -> None:
        if not self.session.state.saved_searches():
            self.notify("No saved searches yet: Ctrl+S in the search bar saves one.")
            return
        self._show_sidebar(self.saved_list)

    @on(OptionList.OptionSelected, "#saved-searches")
    def _on_saved_selected(self, message: OptionList.OptionSelected) -> None:
        """Enter on a saved search: list what it finds."""
        search = self.session.state.saved_search(message.option.id or "")
        if search is None:
            return
        session = self.session
        session.listing = listing_of(search)
        self.state_changed()
        self.search_bar.set_text(session.listing.text)
        self.search_bar.show_facets(session.listing.facets)
        self.search_bar.show_error(None)
        self._sync_search_bar()
        self._request_results(keep=None, jump=True)
        self.action_focus_list()

    @on(SavedSearchList.Delete)
    def _on_saved_delete(self, message: SavedSearchList.Delete) -> None:
        if self.session.state.delete_search(message.name):
            self.state_changed()
            self.notify(f"Deleted {SIGIL}{message.name}.", markup=False, timeout=3)
        self._list_searches()
        if not self.saved_list.display:
            self.action_focus_list()

    def _list_searches(self) -> None:
        """Show the saved searches (the section only when there are some); count them."""
        searches = self.session.state.saved_searches()
        self._listed_searches = searches
        self.saved_list.display = bool(searches)
        self.saved_list.show_searches(searches)
        self.count_saved_soon()

    def count_saved_soon(self) -> None:
        """Marks or files changed: count the saved searches again once they rest."""
        if not self._listed_searches or self.session.store is None:
            return
        if self._count_timer is not None:
            self._count_timer.stop()
        self._count_timer = self.set_timer(COUNT_DELAY, self._count_saved_now)

    def _count_saved_now(self) -> None:
        self._count_timer = None
        store = self.session.store
        if store is not None and self.is_attached:
            self._saved_worker(store)

    @work(thread=True, exclusive=True, group="saved-counts", description="count saved searches")
    def _saved_worker(self, store: ArticleStore) -> None:
        count_saved(self.session, store, self.post_message, get_current_worker())

    @on(SavedSearchesCounted)
    def _on_saved_counted(self, message: SavedSearchesCounted) -> None:
        self.saved_list.show_counts(message.counts)

    @on(StoreOpened)
    @on(LoadFinished)
    @on(FolderRefreshed)
    def _on_folder_read(self) -> None:
        # After the base class has taken the rows: its handler runs after this one.
        self.call_later(self._list_searches)

    @on(StateSaved)
    def _on_saved_state(self) -> None:
        # Another reader may have saved or deleted a search: the save brought it in.
        if self.session.state.saved_searches() != self._listed_searches:
            self.call_later(self._list_searches)

    # -- export -------------------------------------------------------------------------

    def action_export(self) -> None:
        """x: write the list (or in the initiatives view, its initiatives) to a file."""
        session = self.session
        if session.store is None:
            self.notify("The folder is still opening.", severity="warning")
            return
        initiatives = session.initiatives
        what = "initiatives of the articles" if initiatives else "articles"
        count = session.result_total if session.listing.filtered else len(session.all_rows)
        explanation = (
            f"Write the {what} listed ({plural(count, 'article')}) to a file: .csv, "
            f".jsonl (JSON Lines) or .md (a Markdown report). A relative name is in "
            f"{display_path(Path.cwd())}; a file of that name is replaced."
        )
        default = default_export_name(datetime.now(), initiatives)
        self.app.push_screen(
            PromptScreen("Export the list", explanation, default), self._after_export_name
        )

    def _after_export_name(self, text: str | None) -> None:
        session = self.session
        if text is None or session.store is None:
            return
        try:
            path, format_name = export_target(text, Path.cwd())
        except ExportRefused as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        # The rows shown when they are all in; else the worker searches for all of them.
        rows = None if session.partial else list(session.results)
        request = ExportRequest(
            path,
            format_name,
            session.shown_listing,
            rows,
            session.initiatives,
            display_path(session.root),
            RELEVANCE_CAPTION if session.ranked else session.order_caption,
        )
        self.notify(f"Exporting to {path}…", markup=False, timeout=2)
        self._export_worker(request)

    @work(thread=True, group="export", description="export the list")
    def _export_worker(self, request: ExportRequest) -> None:
        store = self.session.store
        if store is not None:
            write_list(self.session, store, request, self.post_message)

    @on(ExportWritten)
    def _on_export_written(self, message: ExportWritten) -> None:
        if message.error is not None:
            self.notify(message.error, severity="error", markup=False)
        elif message.notice is not None:
            self.notify(message.notice, markup=False, timeout=6)
