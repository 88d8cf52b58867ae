"""The main screen's list side: what the list shows for the query, facets, sort and view
(worked out in a worker as the query is typed, the latest request winning), the search
bar, the facet picker, the sort and the initiatives view. MainScreen (screens/main.py)
builds on it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial

from textual import on, work
from textual.containers import Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input
from textual.widgets.input import Selection

from reader.model import ListRow
from reader.search import MATCH_ALL, Node, highlight_spans, is_ranked
from reader.state import FolderState
from reader.tui.messages import ResultsFailed, ResultsReady
from reader.tui.results import InitiativeRow, ResultsRequest
from reader.tui.screens.facets import FacetScreen
from reader.tui.screens.folder_events import FolderEvents
from reader.tui.session import Panes
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.initiative_list import InitiativeList
from reader.tui.widgets.row_list import Highlighter
from reader.tui.widgets.search_bar import SearchBar
from reader.tui.workers import compute_results

# The search runs once typing pauses this long.
SEARCH_DELAY = 0.15

NO_MATCH_TEXT = "No article matches"


class ListEvents(FolderEvents):
    """Works out and shows what the list holds; the subclass opens its articles."""

    search_bar: SearchBar
    sidebar: Vertical
    panes: Panes
    _search_timer: Timer | None = None
    _hit_keys_shown = False

    # -- what the subclass does ---------------------------------------------------------

    @property
    def active_list(self) -> ArticleList | InitiativeList:
        raise NotImplementedError

    def focus_now(self, widget: Widget) -> None:
        raise NotImplementedError

    def _show_sidebar(self, focus: Widget) -> None:
        raise NotImplementedError

    def action_focus_list(self) -> None:
        raise NotImplementedError

    def _open_row_now(self, row: ListRow | InitiativeRow) -> None:
        raise NotImplementedError

    def _choose(self, article_id: str, *, opened: bool = False) -> None:
        raise NotImplementedError

    # -- what the list shows ----------------------------------------------------------

    def set_all_rows(self, rows: list[ListRow], *, final: bool = False) -> None:
        """Every article (newest first) changed: loading, or the folder changed. Rows
        arriving or leaving never move the cursor off its article (if it left, to the
        next one)."""
        current = self.article_list.article
        keep = self.session.keep_on(current.id if current is not None else None)
        what = self.session.take_rows(rows, final=final, now=time.monotonic())
        if what == "show":
            self._show_rows(rows, keep, stay=True)
        elif what == "request":
            self._request_results(keep=keep)
        self._update_counts()

    def _request_results(self, *, keep: str | None, jump: bool = False) -> None:
        """Work out the list for the current query, facets, sort and view, in a worker."""
        initiative = self.initiative_list.initiative if self.session.initiatives else None
        kept = (initiative.article.id, initiative.number) if initiative is not None else None
        current = self.article_list.article
        request = self.session.request(
            keep, kept, current.id if current is not None else None, jump=jump
        )
        self._compute_results(request, self.session.all_rows)

    def _request_keeping_cursor(self) -> None:
        current = self.article_list.article
        self._request_results(keep=current.id if current is not None else None)

    @property
    def results_pending(self) -> bool:
        return self.session.results_pending(self._search_timer is not None)

    # A description, or Textual would repr() the arguments (100,000 rows) on the UI thread.
    @work(thread=True, exclusive=True, group="results", description="list results")
    def _compute_results(self, request: ResultsRequest, all_rows: list[ListRow]) -> None:
        store = self.session.store
        if store is not None:  # else asked for before the store opened: the load asks again
            compute_results(self.session, request, store, all_rows, self.post_message)

    @on(ResultsReady)
    def _on_results(self, message: ResultsReady) -> None:
        results = message.results
        request = results.request
        session = self.session
        first_part = session.take_results(results)
        if first_part is None:
            return  # a newer request is on its way
        self.search_bar.show_error(None)
        node = results.node if results.node != MATCH_ALL else None
        if node != session.query_node:
            session.query_node = node
            ranked = node if node is not None and is_ranked(node) else None
            self.article_list.set_title_highlighter(_title_hits(ranked) if ranked else None)
            self.initiative_list.set_highlighter(_initiative_hits(ranked) if ranked else None)
            self.article_view.set_query(node)
        if session.ranked != self._hit_keys_shown:
            self._hit_keys_shown = session.ranked
            self.refresh_bindings()  # n / N come and go in the footer (it is rebuilt)
        if results.initiatives is not None:
            self.initiative_list.set_rows(
                results.initiatives,
                at=results.initiative_cursor,
                stay=request.keep_initiative is not None,
            )
        current = self.article_list.article
        current_id = current.id if current is not None else None
        at = session.cursor_for(results, first_part, current_id, self.article_list.cursor)
        # A list worked out again for the same article stays on it (or the next one, if
        # it left); a new query starts at its first result.
        self._show_rows(results.rows, request.keep, at=at, stay=request.keep is not None)
        if request.jump and first_part:
            self._jump_to_first()

    @on(ResultsFailed)
    def _on_results_failed(self, message: ResultsFailed) -> None:
        if not self.session.take_failure(message.request):
            return
        # The previous results stay on screen; the bar says what is wrong with the query.
        self.search_bar.show_error(message.error)
        if message.request.jump:
            self.app.bell()

    def _show_rows(
        self,
        rows: Sequence[ListRow],
        keep: str | None = None,
        at: int | None = None,
        *,
        stay: bool = False,
    ) -> None:
        session = self.session
        session.show_rows(rows)
        if session.loading is None:
            self.article_list.empty_message = (
                NO_MATCH_TEXT if session.all_rows else "No articles in this folder"
            )
        self.article_list.set_rows(rows, keep=keep, at=at, stay=stay)
        self._update_counts()

    def _update_counts(self) -> None:
        """The sidebar's title and count line: "132 of 4,210 · by relevance"."""
        title, counts = self.session.counts_caption(self.initiative_list.rows)
        self.sidebar.border_title = title
        self.sidebar.border_subtitle = counts

    # -- the search bar ---------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _on_query_changed(self) -> None:
        self._take_bar_text()

    def _take_bar_text(self) -> None:
        """The query is the bar's text now (not a change event's, which may come late:
        after Escape cleared the bar, or after Enter typed right behind the last key);
        its search runs once typing pauses."""
        if not self.session.set_text(self.search_bar.text):
            return
        self.state_changed()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        self._search_timer = None
        if self.is_attached:
            self._request_results(keep=None)  # new words: the cursor starts at the first

    @on(Input.Submitted, "#search-input")
    def _on_query_submitted(self) -> None:
        """Enter in the search bar."""
        self._take_bar_text()
        session = self.session
        waiting = self._search_timer is not None or session.shown_generation != session.generation
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if waiting:
            # To the list at once (keys typed next are commands, not query), to its first
            # result when the results are in.
            self._request_results(keep=None, jump=True)
            self.action_focus_list()
        elif self.search_bar.has_error:
            self.app.bell()  # the query cannot be read: stay in the bar
        else:
            self._jump_to_first()

    @on(Input.Blurred, "#search-input")
    def _sync_search_bar(self) -> None:
        """The bar shows while it is in use or a query or facets are active."""
        bar = self.search_bar
        bar.display = bool(bar.has_focus_within or self.session.listing.filtered or bar.text)

    def _jump_to_first(self) -> None:
        """Enter in the search bar: the first result, shown, with the list focused."""
        active = self.active_list
        if not active.rows:
            self.notify("Nothing matches.", severity="warning", timeout=3)
            return
        self.session.user_moved = True
        active.move_to(0)
        current = active.current
        if current is not None:
            self._open_row_now(current)
            self._choose(article_of(current).id)
        self.action_focus_list()

    def action_search(self) -> None:
        bar = self.search_bar
        bar.display = True
        self._show_sidebar(bar.input)
        # The query is selected: what is typed replaces it (the last visit's query came
        # back, and `/` then `drone` searched `title:archivedrone`); → or End edits it.
        bar.input.selection = Selection(0, len(bar.text))

    def action_clear_search(self) -> None:
        """Escape in the bar: no query, no facets, the whole list (on the same article)."""
        current = self.article_list.article
        session = self.session
        was_filtered = session.listing.filtered or session.shown_listing.filtered
        self._clear_search(keep=current.id if current is not None else None, again=was_filtered)
        self.action_focus_list()

    def _clear_search(self, *, keep: str | None, again: bool) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        session = self.session
        session.listing = session.listing.cleared()
        self.state_changed()
        bar = self.search_bar
        bar.set_text("")
        bar.show_facets(())
        bar.show_error(None)
        if again:
            self._request_results(keep=keep)
        self._sync_search_bar()

    def resume(self, folder: FolderState) -> None:
        """Back where the user was in this folder last time (unless they moved or typed
        already): the query, facets and sort now, in the bar too; the article (and its
        scroll) as soon as it is among the rows."""
        if not self.session.resume_folder(folder):
            return
        listing = self.session.listing
        self.state_changed()
        self.search_bar.set_text(listing.text)
        self.search_bar.show_facets(listing.facets)
        self._sync_search_bar()

    # -- facets, sort, initiatives ------------------------------------------------------

    def action_facets(self) -> None:
        session = self.session
        # Only the best results may be in yet: then the picker searches for all of them.
        shown = None if session.partial else session.results
        count = partial(session.facet_counts, all_rows=session.all_rows)
        self.app.push_screen(FacetScreen(session.shown_listing, shown, count), self._after_facets)

    def _after_facets(self, terms: tuple[str, ...] | None) -> None:
        if not self.session.set_facets(terms):
            return
        self.state_changed()
        self.search_bar.show_facets(self.session.listing.facets)
        self._sync_search_bar()
        self._request_keeping_cursor()

    def action_sort(self) -> None:
        session = self.session
        session.listing = session.listing.next_sort()
        self.state_changed()
        if session.ranked:
            self.notify(
                f"Sorted {session.order_caption} when the query has no words; "
                "by relevance while it has.",
                timeout=3,
            )
        self._request_keeping_cursor()

    def action_initiatives(self) -> None:
        """Switch between the articles and one row per initiative of them."""
        articles, initiatives = self.article_list, self.initiative_list
        had_focus = self.focused is self.active_list
        session = self.session
        session.initiatives = not session.initiatives
        # On the sidebar, not the screen: a screen class restyles every widget.
        self.sidebar.set_class(session.initiatives, "-initiatives")
        articles.display = not session.initiatives
        initiatives.display = session.initiatives
        if session.initiatives:
            initiatives.set_rows([])
            self._request_keeping_cursor()
        else:
            row = initiatives.initiative
            if row is not None and articles.select_id(row.article.id):
                session.user_moved = True
            initiatives.set_rows([])
        self._update_counts()
        if had_focus:
            self.focus_now(self.active_list)
        elif session.initiatives and not self.panes.sidebar:
            # The list asked for is hidden (one pane at a time on a narrow terminal).
            self.action_focus_list()


def article_of(row: ListRow | InitiativeRow) -> ListRow:
    return row.article if isinstance(row, InitiativeRow) else row


def _title_hits(node: Node) -> Highlighter:
    return lambda title: highlight_spans(title, node, field="title")


def _initiative_hits(node: Node) -> Highlighter:
    return lambda text: highlight_spans(text, node, field="initiative")
