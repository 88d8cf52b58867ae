"""The messages the reader's workers post to the main screen.

Workers (reader.tui.workers) read the folder, keep it up to date, save the reading state
and work out the list; each tells the screen what it found with one of these, and only
the screen (on the UI thread) changes what is shown. Widgets post their own messages
(RowList.Selected, Input.Submitted, ArticleView.UserScrolled...), defined beside them.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from reader.articles import ArticleStore
from reader.index import SyncReport
from reader.model import ListRow, LoadProblem
from reader.search import QueryError
from reader.state import FolderState
from reader.stats import Timeline
from reader.tui.overview import SavedCount
from reader.tui.results import FacetCounts, Results, ResultsRequest, RowMerger

# (article id, state key) of rows new or changed since the last message: the reading
# marks take them with the rows (see ReadingMarks.add_keys).
RowKeys = list[tuple[str, str]]
# (article id, its load warnings) of each article loaded with warnings.
Warned = list[tuple[str, tuple[str, ...]]]


class StoreOpened(Message):
    """The store is open: its cached list rows (empty on a first visit), newest first;
    the reading state is loaded, with where the user was last time (None: start fresh).
    Not `complete`: only the newest rows, the rest follows in another StoreOpened."""

    def __init__(
        self,
        store: ArticleStore,
        rows: list[ListRow],
        resume: FolderState | None,
        *,
        complete: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.rows = rows
        self.resume = resume
        self.complete = complete


class LoadProgress(Message):
    """Some new or changed files were read: every row so far, newest first; `done` of
    `total` files to read, `total` None while the folder is still being walked."""

    def __init__(self, done: int, total: int | None, rows: list[ListRow], keys: RowKeys) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.rows = rows
        self.keys = keys


class LoadFinished(Message):
    """The folder is read: every row, what failed and what warned; `merger` keeps the
    rows for the refreshes that follow (live reload)."""

    def __init__(
        self,
        rows: list[ListRow],
        problems: list[LoadProblem],
        warned: Warned,
        keys: RowKeys,
        removed: Sequence[str],
        merger: RowMerger,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.problems = problems
        self.warned = warned
        self.keys = keys
        self.removed = removed
        self.merger = merger


class LoadFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class FolderChanged(Message):
    """Files in the folder were created, changed or deleted: these paths, or (empty)
    any file may have (the watcher polls, or the folder went and came back)."""

    def __init__(self, paths: frozenset[str]) -> None:
        super().__init__()
        self.paths = paths


class FolderRefreshed(Message):
    """A refresh of the store ended: every row now and what changed (None when nothing
    did); `warned` is None when no file changed (the warnings are as they were);
    `complete` is False when it could not look at every path it was given (the
    cache was busy, or it failed: `error`), so the next one looks at every file."""

    def __init__(
        self,
        rows: list[ListRow] | None,
        report: SyncReport | None,
        problems: list[LoadProblem],
        warned: Warned | None,
        keys: RowKeys,
        *,
        complete: bool = True,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.report = report
        self.problems = problems
        self.warned = warned
        self.keys = keys
        self.complete = complete
        self.error = error


class WatchStopped(Message):
    """Watching the folder failed: no live reload from now on."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class StateSaved(Message):
    """The reading state was saved (or not: `error` says why)."""

    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class ResultsReady(Message):
    def __init__(self, results: Results) -> None:
        super().__init__()
        self.results = results


class ResultsFailed(Message):
    def __init__(self, request: ResultsRequest, error: QueryError) -> None:
        super().__init__()
        self.request = request
        self.error = error


class FacetsCounted(Message):
    """The facet picker's counts for the ticked `terms`."""

    def __init__(self, counts: FacetCounts, terms: tuple[str, ...]) -> None:
        super().__init__()
        self.counts = counts
        self.terms = terms


class TimelineCounted(Message):
    """The timeline of the list shown for results request `generation`."""

    def __init__(self, timeline: Timeline, generation: int) -> None:
        super().__init__()
        self.timeline = timeline
        self.generation = generation


class SavedSearchesCounted(Message):
    """Every saved search with its counts now, by name."""

    def __init__(self, counts: list[SavedCount]) -> None:
        super().__init__()
        self.counts = counts


class ExportWritten(Message):
    """`x` wrote its file (`notice` says what and where), or could not (`error`)."""

    def __init__(self, notice: str | None, error: str | None = None) -> None:
        super().__init__()
        self.notice = notice
        self.error = error
