"""The reader's long work, run in Textual thread workers by the main screen.

Each function here runs in a worker's thread, reads what it needs from the session and
posts what it found as a message (reader.tui.messages); none changes what is shown. The
screen starts them (and starts the next refresh or save when one ends), so one refresh
and one save run at a time, without locks. Cancelling a worker (a newer search, the
screen closing) is seen through the worker's `is_cancelled` or `cancelled_event`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from threading import Event

from textual.message import Message
from textual.worker import Worker

from reader.articles import ArticleStore, open_store
from reader.listing import Listing
from reader.model import ListRow
from reader.search import QueryError, SearchStopped
from reader.stats import timeline
from reader.tui.messages import (
    ExportWritten,
    FacetsCounted,
    FolderChanged,
    FolderRefreshed,
    LoadFailed,
    LoadFinished,
    LoadProgress,
    ResultsFailed,
    ResultsReady,
    RowKeys,
    SavedSearchesCounted,
    StateSaved,
    StoreOpened,
    TimelineCounted,
    WatchStopped,
)
from reader.tui.overview import ExportRequest, count_saved_searches, export_list, export_notice
from reader.tui.results import ResultsRequest, RowMerger, count_facets, list_results
from reader.tui.session import ReaderSession
from reader.watch import watch_folder

Post = Callable[[Message], object]

# How often the loader hands a batch of articles to the list.
BATCH_SECONDS = 0.25
# A warm open lists this many newest articles (screens of them) while it reads the rest.
FIRST_ROWS = 200


class _Cancelled(Exception):
    """Raised inside the loader's progress callback to stop a cancelled load."""


def load_folder(session: ReaderSession, post: Post, worker: Worker[None]) -> None:
    """Load the reading state, open the store (its cached rows at once), then read what
    is new or changed in the folder, posting the rows as they come."""
    try:
        session.state.load()
    except OSError as error:
        session.state.warnings.append(f"cannot read the reading state: {error}")
    resume = None if session.fresh else session.state.folder(session.root)
    marks = session.marks
    try:
        store = open_store(session.root, use_cache=session.use_cache)
        first = store.first_rows(FIRST_ROWS)
        if len(first) == FIRST_ROWS and session.starts_among(first, resume):
            # The newest screens of a big folder now; all of them take a while.
            marks.update_rows(first)
            post(StoreOpened(store, first, resume, complete=False))
        rows = store.rows()
        # Made now (sharing the rows just read), the first search does not wait for it.
        store.searcher()
    except OSError as error:
        post(LoadFailed(str(error)))
        return
    marks.update_rows(rows)
    post(StoreOpened(store, rows, resume))
    merger = RowMerger(rows)
    last_post = time.monotonic()
    keys: RowKeys = []  # of the rows merged since the last message
    # An empty list (a first load) is handed its first rows at once: they make it usable.
    listed_any = bool(rows)

    def on_batch(batch: Sequence[ListRow], done: int, total: int | None) -> None:
        nonlocal last_post, keys, listed_any
        if worker.is_cancelled:
            raise _Cancelled
        merger.add(batch)
        keys += marks.keys_of(batch)
        now = time.monotonic()
        if now - last_post >= BATCH_SECONDS or done == total or not listed_any:
            post(LoadProgress(done, total, merger.rows(), keys))
            keys = []
            last_post = now
            listed_any = listed_any or bool(batch)

    try:
        report = store.refresh(on_batch)
        merger.remove(report.removed)
        problems = store.problems()
        warned = store.warnings()
    except _Cancelled:
        return
    except OSError as error:
        post(LoadFailed(str(error)))
        return
    post(LoadFinished(merger.rows(), problems, warned, keys, report.removed, merger))


def watch(session: ReaderSession, post: Post, stop: Event) -> None:
    """Tell the screen of every change in the folder until `stop` is set (the worker
    cancelled): the paths file events named, or none when any file may have changed."""
    try:
        for changed in watch_folder(session.root, stop):
            post(FolderChanged(changed))
    except Exception as error:  # no live reload is no reason to end the reader
        post(WatchStopped(str(error)))


def refresh_folder(
    session: ReaderSession, store: ArticleStore, changed: set[str] | None, post: Post
) -> None:
    """Bring the store up to date with the folder (looking only at `changed`, when file
    events named the paths) and post every row. One runs at a time (the screen sees to
    it), after the first load: the merger is this worker's alone while it runs."""
    merger = session.merger
    assert merger is not None
    keys: RowKeys = []

    def on_batch(batch: Sequence[ListRow], _done: int, _total: int | None) -> None:
        merger.add(batch)
        keys.extend(session.marks.keys_of(batch))

    try:
        report = store.refresh(on_batch, changed)
        merger.remove(report.removed)
        problems = store.problems()
        warned = store.warnings() if report.any else None
    except Exception as error:  # a failed reload must not end the reader
        post(FolderRefreshed(None, None, [], None, keys, complete=False, error=str(error)))
        return
    rows = merger.rows()
    post(FolderRefreshed(rows, report, problems, warned, keys, complete=report.complete))


def save_state(session: ReaderSession, post: Post) -> None:
    """Save the reading state, then fold its journal when it has grown."""
    error = session.save()
    post(StateSaved(error))
    if error is None and session.state.wants_compaction:
        with contextlib.suppress(OSError, ValueError):
            session.state.compact()  # saves may run meanwhile; a failure: next time


def compute_results(
    session: ReaderSession,
    request: ResultsRequest,
    store: ArticleStore,
    all_rows: list[ListRow],
    post: Post,
) -> None:
    """Work out the list for `request`: the best results first when there are many. A
    newer request (typing went on) stops it: the engine is wanted for the newer query."""

    def wanted() -> bool:
        return request.generation == session.generation

    def show_best(best: object) -> bool:
        post(ResultsReady(best))  # type: ignore[arg-type]
        return wanted()

    try:
        results = list_results(
            request,
            store,
            all_rows,
            sorted_all=lambda order: session.sorted.get(all_rows, order),
            flag_test=session.marks.has_flag,
            show_best=show_best,
            should_stop=lambda: not wanted(),
        )
    except QueryError as error:
        post(ResultsFailed(request, error))
        return
    except SearchStopped:
        return
    if results is not None:
        post(ResultsReady(results))


def facet_counts(
    session: ReaderSession,
    store: ArticleStore,
    listing: Listing,
    shown: Sequence[ListRow] | None,
    all_rows: Sequence[ListRow],
    post: Post,
) -> None:
    """Count the areas and years of the list `listing` gives, for the facet picker."""
    counts = count_facets(store, listing, shown, all_rows, session.marks.has_flag)
    post(FacetsCounted(counts, listing.facets))


def count_timeline(rows: Sequence[ListRow], generation: int, post: Post) -> None:
    """The timeline of the list shown (by month, or by year over a long span)."""
    post(TimelineCounted(timeline(rows), generation))


def count_saved(
    session: ReaderSession, store: ArticleStore, post: Post, worker: Worker[None]
) -> None:
    """Every saved search's total and unread counts; a newer count stops this one."""
    searches = session.state.saved_searches()
    try:
        counts = count_saved_searches(
            store, searches, session.marks.has_flag, should_stop=lambda: worker.is_cancelled
        )
    except SearchStopped:
        return
    post(SavedSearchesCounted(counts))


def write_list(
    session: ReaderSession, store: ArticleStore, request: ExportRequest, post: Post
) -> None:
    """Write the list (or its initiatives) to the file `x` was given."""
    try:
        written = export_list(store, request, session.marks.has_flag)
    except OSError as error:
        post(ExportWritten(None, f"Could not write {request.path}: {error.strerror or error}"))
        return
    except QueryError as error:
        post(ExportWritten(None, f"Could not export: {error.message}"))
        return
    notice = export_notice(written, request.initiatives, request.path, request.format_name)
    post(ExportWritten(notice))
