"""What the reader is doing in one folder: plain Python, no Textual.

The main screen (reader.tui.screens.main) shows a session and asks it what to do; the
workers (reader.tui.workers) fill it. It holds the folder's rows and problems, what the
user asked the list to show (query, facets, sort, the initiatives view) and what the
list shows now (the results of which request), where the user was last time (resume),
which article the user chose (the read rule), the paths changed on disk since the last
refresh, and the reading state with its marks. Each decision the screen used to make
inline is a method here, so it can be tested without a terminal (tests/tui/test_session.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reader.articles import ArticleStore
from reader.config import Config
from reader.index import SyncReport
from reader.listing import Listing
from reader.model import Article, ListRow, LoadProblem
from reader.ordering import ORDER_CAPTIONS, RELEVANCE_CAPTION, SORT_ORDERS
from reader.search import Node, is_ranked
from reader.search.query import flags_of
from reader.state import FolderState, ReadingState
from reader.tui.format import plural
from reader.tui.marks import ReadingMarks
from reader.tui.results import (
    FacetCounts,
    InitiativeRows,
    Results,
    ResultsRequest,
    RowMerger,
    SortedRows,
    count_facets,
)
from reader.tui.results import position as position_of

# While files stream in, an active query is run again at most this often.
RESEARCH_SECONDS = 1.0
# Terminal widths (columns) below which the metadata pane starts hidden and takes the
# list's place when shown (three panes left the article 22 columns at 80), and below
# which only one pane is shown at a time.
WIDE = 100
COMPACT = 60

# -- panes ---------------------------------------------------------------------------------


def width_class(width: int) -> str:
    """ "compact" (one pane at a time), "medium" (two panes: the article and the list or
    the metadata pane) or "wide"."""
    return "compact" if width < COMPACT else "medium" if width < WIDE else "wide"


@dataclass(frozen=True)
class Panes:
    """Which panes are shown; `compact`: one at a time."""

    sidebar: bool = True
    article: bool = True
    metadata: bool = True
    compact: bool = False


@dataclass(frozen=True)
class PaneChoice:
    """What the user chose with b and m (None: what suits the width), at one width."""

    width: str = ""
    sidebar: bool | None = None
    metadata: bool | None = None

    @property
    def narrow(self) -> bool:
        """Below WIDE: the sidebar and the metadata pane take each other's place."""
        return self.width in ("compact", "medium")

    def metadata_visible(self, config: Config) -> bool:
        if self.metadata is not None:
            return self.metadata
        return self.width == "wide" and config.show_metadata

    def sidebar_visible(self, config: Config) -> bool:
        if self.sidebar is not None:
            return self.sidebar
        return self.width != "compact" and config.show_sidebar

    def panes(self, config: Config) -> Panes:
        compact = self.width == "compact"
        metadata = self.metadata_visible(config)
        sidebar = self.sidebar_visible(config) and not (self.narrow and metadata)
        # Compact terminals show one pane at a time.
        article = not compact or not (sidebar or metadata)
        return Panes(sidebar, article, metadata, compact)

    def with_sidebar(self, shown: bool) -> PaneChoice:
        """The sidebar shown (or hidden); below WIDE it takes the metadata pane's place
        (on a compact terminal, the article's too)."""
        metadata = False if shown and self.narrow else self.metadata
        return replace(self, sidebar=shown, metadata=metadata)

    def with_metadata(self, shown: bool) -> PaneChoice:
        """The metadata pane shown (or hidden); below WIDE it takes the sidebar's place."""
        sidebar = False if shown and self.narrow else self.sidebar
        return replace(self, metadata=shown, sidebar=sidebar)

    def article_only(self) -> PaneChoice:
        """On a compact terminal the article takes the place of the other panes."""
        if self.width != "compact":
            return self
        return replace(self, sidebar=False, metadata=False)


# -- the session -----------------------------------------------------------------------------


class ReaderSession:
    """One folder being read: see the module's docstring."""

    def __init__(
        self,
        root: Path,
        config: Config,
        *,
        use_cache: bool = True,
        fresh: bool = False,
        state: ReadingState | None = None,
    ) -> None:
        self.root = root
        self.config = config
        self.use_cache = use_cache
        # --fresh: ignore where the user was in this folder (and overwrite it on exit).
        self.fresh = fresh
        self.store: ArticleStore | None = None
        # Loaded by the loading worker, before the first rows are shown.
        self.state = state if state is not None else ReadingState()
        self.marks = ReadingMarks(self.state)
        self.state_warnings_shown = 0
        self.notices_shown = 0

        # The folder: every article, newest first; what could not be loaded.
        self.all_rows: list[ListRow] = []
        self.problems: list[LoadProblem] = []
        self.warned: list[tuple[str, tuple[str, ...]]] = []
        # (done, total) while the folder is read (total None while it is still being
        # walked); None once read (or failed).
        self.loading: tuple[int, int | None] | None = (0, 0)
        # Only the newest rows of a warm open are listed yet.
        self.rows_partial = False

        # What the user asked for, and what the list shows (the last query that parsed).
        self.listing = Listing(sort=config.default_sort)
        self.shown_listing = self.listing
        self.initiatives = False
        self.results: Sequence[ListRow] = []
        # How many articles the query matches (the list may show only the best so far).
        self.result_total = 0
        self.query_node: Node | None = None
        self.generation = 0
        self.shown_generation = 0
        self.partial = False
        # The article under the list's cursor when results were last asked for: results
        # that arrive after the user moved keep the article moved to.
        self.article_at_request: str | None = None
        self.sorted = SortedRows()
        self.last_research = 0.0

        # Where the user was last time (selection, scroll, query...), until they move.
        self.resume: FolderState | None = None
        self.resume_scroll: float | None = None
        self.user_moved = False
        # The article the user chose to read: the only one the read delay can mark read.
        # Rows arriving or leaving, a search, resuming choose nothing.
        self.chosen: str | None = None
        # A query using is: to run again once the user moves on (see marks_changed).
        self.flags_rerun_pending = False
        # (generation, cursor): a list re-run after a mark changed keeps the cursor's row
        # number when the article left the results.
        self.marks_rerun: tuple[int, int] | None = None

        # Live reload: paths file events named since the last refresh took them (None:
        # every file is to be looked at); the rows the refreshes merge into (from the
        # load); keys of rows a refresh merged and has not posted yet.
        self.changed_paths: set[str] | None = set()
        self.merger: RowMerger | None = None
        self.refresh_keys: list[tuple[str, str]] = []
        self.refreshing = False
        self.refresh_wanted = False

        # One save at a time: a save wanted while one runs is made when it ends.
        self.saving = False
        self.save_wanted = False
        self.finished = False
        self.last_save_error: str | None = None
        # The worker's save and the last one, made on leaving, never write at once.
        self._one_save = threading.Lock()

    # -- opening the folder ------------------------------------------------------------------

    def starts_among(self, rows: Sequence[ListRow], resume: FolderState | None) -> bool:
        """Whether the list starts the same with only these newest `rows`: newest first,
        nothing filtered, and the article to resume on among them (were it not, the first
        would be shown, and read, for nothing)."""
        sort = self.config.default_sort
        if resume is not None and resume.sort in SORT_ORDERS:
            sort = resume.sort
        if sort != "newest":
            return False
        if resume is None:
            return True
        if resume.query or resume.facets:
            return False
        return resume.selected is None or any(row.id == resume.selected for row in rows)

    def resume_folder(self, folder: FolderState) -> bool:
        """Back where the user was in this folder last time: the query, facets and sort
        now, the article (and its scroll) as soon as it is among the rows. Not if they
        have moved or typed already (False)."""
        if self.user_moved or self.listing != Listing(sort=self.config.default_sort):
            return False
        sort = folder.sort if folder.sort in SORT_ORDERS else self.listing.sort
        self.listing = Listing(folder.query, (), sort).with_facets(folder.facets)
        self.resume = folder
        self.resume_scroll = folder.scroll or None
        return True

    def keep_on(self, current: str | None) -> str | None:
        """The article the cursor stays on while rows arrive or leave: until the user
        moves, the one they were on last time (as soon as it is listed)."""
        resume = self.resume
        if not self.user_moved and resume is not None and resume.selected is not None:
            return resume.selected
        return current

    def scroll_to_resume(self, article_id: str) -> float | None:
        """Where to scroll `article_id` as it is first shown: the resumed scroll, once."""
        resume = self.resume
        if resume is None or article_id != resume.selected:
            return None
        scroll, self.resume_scroll = self.resume_scroll, None
        return scroll

    def take_rows(self, rows: list[ListRow], *, final: bool, now: float) -> str | None:
        """Every article (newest first) changed: "show" them as they are, "request" the
        list worked out again for the query (at most every RESEARCH_SECONDS while files
        stream in, and once they are all in), or None for not yet."""
        self.all_rows = rows
        listing = self.listing
        if not listing.filtered and listing.sort == "newest" and not self.initiatives:
            self.cancel_results()
            self.shown_listing = listing
            return "show"
        if final or now - self.last_research >= RESEARCH_SECONDS:
            self.last_research = now
            return "request"
        return None

    def take_folder(
        self, problems: list[LoadProblem], warned: list[tuple[str, tuple[str, ...]]]
    ) -> None:
        self.problems = problems
        self.warned = warned

    def new_notices(self) -> list[str]:
        """What the store had to do (a rebuilt cache...) not yet told, each once."""
        if self.store is None:
            return []
        notices = self.store.notices
        new = notices[self.notices_shown :]
        self.notices_shown = len(notices)
        return new

    def new_state_warnings(self) -> list[str]:
        warnings = self.state.warnings
        new = warnings[self.state_warnings_shown :]
        self.state_warnings_shown = len(warnings)
        return new

    def initiatives_of(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The initiatives view's texts, read from the store as rows are drawn."""
        return self.store.initiatives(ids) if self.store is not None else {}

    def article(self, row: ListRow) -> Article | None:
        """The full article for a list row: the row itself in memory, else the store's."""
        if isinstance(row, Article):
            return row
        return self.store.article(row.id) if self.store is not None else None

    def row(self, article_id: str) -> ListRow | None:
        return next((row for row in self.all_rows if row.id == article_id), None)

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- what the list shows -----------------------------------------------------------------

    @property
    def ranked(self) -> bool:
        """Whether the list is ordered by relevance: the query has words to find."""
        return self.query_node is not None and is_ranked(self.query_node)

    @property
    def order_caption(self) -> str:
        """The sort asked for, as the count line says it: "newest first"."""
        return ORDER_CAPTIONS.get(self.listing.sort, self.listing.sort)

    def set_text(self, text: str) -> bool:
        """The query typed is now `text`; False when it already was."""
        if text == self.listing.text:
            return False
        self.listing = self.listing.with_text(text)
        return True

    def set_facets(self, terms: tuple[str, ...] | None) -> bool:
        """The facets chosen in the picker (None: closed before counts came)."""
        if terms is None or terms == self.listing.facets:
            return False
        self.listing = self.listing.with_facets(terms)
        return True

    def request(
        self,
        keep: str | None,
        keep_initiative: tuple[str, int] | None,
        current: str | None,
        *,
        jump: bool = False,
    ) -> ResultsRequest:
        """A new request for the list (older ones are no longer wanted): keep the cursor
        on `keep` (and on the initiative `keep_initiative` in the initiatives view);
        `current` is the article under the cursor now; `jump`: Enter in the search bar."""
        self.generation += 1
        if keep_initiative is None and keep is not None:
            keep_initiative = (keep, 0)
        self.article_at_request = current
        return ResultsRequest(
            self.generation, self.listing, keep, keep_initiative, self.initiatives, jump
        )

    def cancel_results(self) -> None:
        """Results still being computed are for a list no longer wanted."""
        self.generation += 1
        self.shown_generation = self.generation
        self.partial = False

    def results_pending(self, typing: bool) -> bool:
        """Whether the list is still to change for what was asked: typing has not paused
        yet, a search is running, or only the best results are shown so far."""
        return typing or self.shown_generation != self.generation or self.partial

    def take_results(self, results: Results) -> bool | None:
        """Results arrived: None when a newer request is on its way; else whether they
        are the first for their request (not the rest after the best of them)."""
        request = results.request
        if request.generation != self.generation:
            return None
        first_part = self.shown_generation != request.generation
        self.shown_generation = request.generation
        self.partial = results.partial
        self.result_total = results.total
        self.shown_listing = request.listing
        return first_part

    def cursor_for(
        self, results: Results, first_part: bool, current: str | None, cursor: int
    ) -> int | None:
        """Where the cursor goes in the results (None: on the request's `keep`, if any).
        The rest after the best results start with the same rows: the cursor stays at
        `cursor`. The user moved (to `current`) while they were worked out: it stays there.
        The article left the results after a mark (u under is:unread): the next one."""
        request = results.request
        at = results.cursor if first_part else cursor
        moved = current is not None and current != self.article_at_request
        if first_part and moved and not request.jump and current is not None:
            found = position_of((row.id for row in results.rows), current)
            at = found if found is not None else at
        rerun = self.marks_rerun
        if at is None and rerun is not None and rerun[0] == request.generation:
            at = min(rerun[1], len(results.rows) - 1)
        return at

    def take_failure(self, request: ResultsRequest) -> bool:
        """The request's query cannot be read: False when a newer request replaced it."""
        if request.generation != self.generation:
            return False
        self.shown_generation = request.generation
        return True

    def show_rows(self, rows: Sequence[ListRow]) -> None:
        self.results = rows
        if not self.partial:
            self.result_total = len(rows)

    def facet_counts(
        self, listing: Listing, shown: Sequence[ListRow] | None, *, all_rows: Sequence[ListRow]
    ) -> FacetCounts | None:
        """The facet picker's counts for the list `listing` gives (`shown`: its rows, or
        None to search for them); None before the store opened. Any thread."""
        store = self.store
        if store is None:
            return None
        return count_facets(store, listing, shown, all_rows, self.marks.has_flag)

    def counts_caption(self, initiative_rows: Sequence[object]) -> tuple[str, str]:
        """The sidebar's title and count line: ("Articles", "132 of 4,210 · by relevance")."""
        listing = self.shown_listing
        order = RELEVANCE_CAPTION if self.ranked else ORDER_CAPTIONS.get(listing.sort, listing.sort)
        if self.initiatives:
            if isinstance(initiative_rows, InitiativeRows):
                count = (
                    f"{len(initiative_rows):,} in "
                    f"{plural(initiative_rows.article_count, 'article')}"
                )
            else:
                count = "collecting…"
            return "Initiatives", f"{count} · {order}"
        shown = self.result_total if listing.filtered else len(self.results)
        total = len(self.all_rows)
        count = f"{shown:,} of {total:,}" if listing.filtered else f"{total:,}"
        if self.rows_partial:
            count = "reading the list…"
        return "Articles", f"{count} · {order}"

    # -- the read rule -----------------------------------------------------------------------

    def choose(self, article_id: str) -> bool:
        """The user chose this article (moved to it, opened it, scrolled it); True when
        it was not the chosen one already (a read delay running is for another)."""
        if self.chosen == article_id:
            return False
        self.chosen = article_id
        return True

    def shown(self, article: Article) -> bool:
        """`article` is now in the panel: True when its read delay is to start (the user
        chose it); one the reader put there unasked un-chooses the one chosen."""
        if article.id == self.chosen:
            return self.reads_on_view(article)
        self.chosen = None  # chosen, but another article took the panel first
        return False

    def reads_on_view(self, article: ListRow) -> bool:
        """Whether showing `article` for the read delay marks it read (mark_read_on)."""
        return self.config.mark_read_on == "view" and not self.marks.is_read(article)

    def read_on_open(self, article: ListRow) -> bool:
        """Opened (Enter, the palette...): marked read now when mark_read_on is "open";
        True when the mark changed."""
        return self.config.mark_read_on == "open" and self.marks.mark_read(article)

    def read_after_delay(self, article: Article, shown: Article | None) -> bool:
        """The read delay ended: read, if it is still shown and still the chosen one;
        True when the mark changed."""
        return shown is article and self.chosen == article.id and self.marks.mark_read(article)

    def marks_changed(self, *, rerun_now: bool) -> bool:
        """Read or starred marks changed: True when the list is to be worked out again now
        (a query with is:). After an article is read by being shown, the list of such a
        query is worked out again when the user moves on (it would vanish from under
        them as they read it)."""
        if self.query_node is None or not flags_of(self.query_node):
            return False
        if rerun_now:
            return True
        self.flags_rerun_pending = True
        return False

    def moved(self) -> bool:
        """The user moved the cursor: True when a list re-run is due (see marks_changed)."""
        self.user_moved = True
        rerun, self.flags_rerun_pending = self.flags_rerun_pending, False
        return rerun

    # -- where the user is -------------------------------------------------------------------

    def folder_state(self, selected: str | None, shown: str | None, scroll: float) -> FolderState:
        """Where the user is now, as the next visit should find it: `selected` under the
        cursor, `shown` in the panel, scrolled to line `scroll`."""
        resume = self.resume
        if not self.user_moved and resume is not None and resume.selected is not None:
            selected = resume.selected  # perhaps not loaded yet: keep it for next time
        if shown is None or shown != selected:
            # Not the article shown: the scroll it had last time, if it is that one.
            on_resumed = resume is not None and selected == resume.selected
            scroll = resume.scroll if resume is not None and on_resumed else 0.0
        listing = self.listing
        facets = list(listing.facets)
        return FolderState(selected, float(scroll), listing.text, facets, listing.sort)

    def record_folder(self, folder: FolderState) -> None:
        """Keep `folder` as where the user is in this folder (saved with the marks)."""
        if self.store is None:
            return  # the folder never opened: keep what the last visit saved
        if replace(self.state.folder(self.root), updated=0.0) != folder:
            self.state.set_folder(self.root, folder)

    def start_saving(self) -> bool:
        """A save is wanted: True when it is to start now, False when one runs (it is
        made again when that one ends: saves coalesce instead of queueing)."""
        if self.finished:
            return False
        if self.saving:
            self.save_wanted = True
            return False
        self.saving = True
        self.save_wanted = False
        return True

    def saved(self) -> bool:
        """The running save ended: True when another is to start now."""
        self.saving = False
        if not self.finished and (self.save_wanted or self.state.unsaved):
            self.saving = True
            self.save_wanted = False
            return True
        return False

    def save(self) -> str | None:
        """Save the reading state (any thread); what went wrong, if anything. Two never
        write at once: the last, on leaving, waits for a worker's still running."""
        try:
            with self._one_save:
                if self.state.save():
                    self.marks.recount()  # the save brought in marks other readers made
        except (OSError, ValueError) as error:
            return f"Could not save the reading state in {self.state.path}: {error}"
        return None

    # -- live reload -------------------------------------------------------------------------

    def note_changes(self, paths: frozenset[str]) -> None:
        """Files changed: these, or (empty) any may have."""
        if not paths:
            self.changed_paths = None
        elif self.changed_paths is not None:
            self.changed_paths.update(paths)

    def start_refresh(self) -> tuple[bool, set[str] | None]:
        """Whether a refresh of the store is to start now, and the paths it is to look
        at (None: every file). Not before the first load ends (the changes wait for it),
        not while one runs (the next follows it: it may find what this one was too early
        for), not when no change is waiting."""
        if self.merger is None or self.store is None or self.finished:
            return False, None
        if self.refreshing:
            self.refresh_wanted = True
            return False, None
        changed, self.changed_paths = self.changed_paths, set()
        if changed is not None and not changed:
            return False, None  # an earlier refresh took these changes
        self.refreshing = True
        self.refresh_wanted = False
        return True, changed

    def refreshed(self, complete: bool) -> bool:
        """A refresh ended (`complete`: it dealt with every path it took, else the next
        looks at every file so none is lost); True when another is wanted now (changes
        came while it ran)."""
        self.refreshing = False
        if not complete:
            self.changed_paths = None
        return self.refresh_wanted

    def take_refresh_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        self.refresh_keys.extend(keys)


def changes_text(report: SyncReport) -> str:
    """What a refresh found: "2 new, 1 changed, 1 removed"."""
    parts = [
        f"{len(ids):,} {what}"
        for ids, what in (
            (report.added, "new"),
            (report.changed, "changed"),
            (report.removed, "removed"),
        )
        if ids
    ]
    return ", ".join(parts)
