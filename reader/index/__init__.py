"""The persistent index of a folder: list rows and article texts in SQLite, the full text
in tantivy (reader.index.text_index), per opened root.

    index = ArticleIndex.open(root)         # the cached list is readable at once
    rows = index.summaries()                # newest first, no bodies
    report = index.sync(on_batch=progress)  # stat the folder, re-read what changed
    engine = index.engine()                 # queries
    for summary, score in engine.search(engine.parse("burglary after:2019")):
        ...
    article = index.article(summary.id)     # the body comes from the index when opened
    index.close()

Trouble with the cache is never fatal: a damaged, foreign, old-schema or half-written index
is rebuilt, one locked by another program is replaced by a temporary index for this
session, each with a line in `notices` for the user. Only when no index can be made
anywhere does `open` raise IndexUnavailable, and when the cache cannot be written (its
disk is full) `open` or `sync` raise IndexFull (the caller then makes a temporary index in
memory: `ArticleIndex.temporary(root, in_memory=True)`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from reader.index.db import (
    BUSY_TIMEOUT_SECONDS,
    IndexLocked,
    OpenedIndex,
    connect,
    in_chunks,
    is_damage,
    is_full,
    is_locked,
    open_index,
    open_memory_index,
    read_info,
    remove_index,
)
from reader.index.engine import FoundIds, SearchEngine, SearchResult, SearchResults
from reader.index.rows import (
    ARTICLE_SELECT,
    PRINTED_SELECT,
    ArticlePaths,
    PrintedArticle,
    article_from_row,
    printed_from_row,
    read_summary_rows,
    unpack_content,
)
from reader.index.sync import (
    Listed,
    SummaryBatch,
    SyncReport,
    add_articles,
    read_problems,
    sync,
)
from reader.index.text_index import TextIndexBusy, TextIndexError
from reader.loading.archive import is_archive
from reader.loading.folder_scan import PendingScan
from reader.loading.walk import read_only_uri
from reader.model import Article, ArticleSummary, LoadProblem, fold_path
from reader.text.tokens import metadata_leaves

__all__ = [
    "ArticleIndex",
    "FacetValues",
    "FoundIds",
    "IndexFull",
    "IndexUnavailable",
    "SearchEngine",
    "SearchResult",
    "SearchResults",
    "SyncReport",
]


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Metadata values by article id, then by folded key.
FacetValues = dict[str, dict[str, tuple[str, ...]]]
_TEXT_JOIN = "FROM articles a JOIN article_text t ON t.rowid = a.rowid"
_T = TypeVar("_T")


class IndexUnavailable(Exception):
    """No index could be made, not even a temporary one."""


class IndexFull(IndexUnavailable):
    """The index cache cannot be written: its disk is full, or fails to write (see
    reader.index.db.is_full). `removed`: files a failed sync had already taken out of
    the index."""

    def __init__(self, error: BaseException, removed: Sequence[str] = ()) -> None:
        if "I/O" in str(error) or (isinstance(error, OSError) and error.errno == errno.EIO):
            super().__init__(f"the index cache could not be written ({error})")
        else:
            super().__init__(f"the disk holding the index cache is full ({error})")
        self.removed = list(removed)


def read_articles(
    connection: sqlite3.Connection, ids: Sequence[str], root: Path, root_is_dir: bool
) -> dict[str, Article]:
    """The full articles of those of `ids` the index has, by id, a few queries for any
    number."""
    rows = _rows_of(connection, ARTICLE_SELECT, ids)
    return {row[0]: article_from_row(row, root, root_is_dir) for row in rows}


def _rows_of(connection: sqlite3.Connection, select: str, ids: Sequence[str]) -> Iterator[Any]:
    """The rows of `SELECT {select}` (whose first column is a.id) of those of `ids` the
    index has, a statement for each few hundred."""
    for chunk in in_chunks(ids):
        marks = ", ".join("?" * len(chunk))
        yield from connection.execute(f"SELECT {select} WHERE a.id IN ({marks})", tuple(chunk))


@dataclass(frozen=True)
class ArticleSource:
    """An index's articles as another process reads them (a worker printing search
    results): plain values, so it pickles."""

    database: str
    root: str
    root_is_dir: bool

    def printed(self, ids: Sequence[str]) -> list[PrintedArticle]:
        """What `search --json` prints of each of `ids` (reader.index.rows.PrintedArticle),
        in that order; ids the index does not have are left out."""
        paths = ArticlePaths(Path(self.root), self.root_is_dir)
        # Read-only: a file removed meanwhile is an error, not a new empty index.
        uri = read_only_uri(self.database)
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            rows = _rows_of(connection, PRINTED_SELECT, ids)
            by_id = {row[0]: printed_from_row(row, paths) for row in rows}
        finally:
            connection.close()
        return [by_id[article_id] for article_id in ids if article_id in by_id]


class ArticleIndex:
    """The index of one root: its list rows, full articles, problems and search engine."""

    def __init__(self, root: Path, opened: OpenedIndex, temporary_dir: Path | None) -> None:
        self.root = root
        # An archive's members are shown as files in it (reader.loading.archive).
        self._root_is_dir = root.is_dir() or is_archive(root)
        self._opened = opened
        self.notices: list[str] = list(opened.notices)
        self._lock = threading.RLock()
        # One reader of the whole list at a time (it holds no connection lock meanwhile).
        self._rows_lock = threading.Lock()
        self._rows: list[tuple[int, ArticleSummary]] | None = None
        self._data_version = -1
        # facet_values' answer, its keys and the data_version it was read at.
        self._facet_values: tuple[tuple[str, ...], int, FacetValues] | None = None
        self._engine: SearchEngine | None = None
        # The rows summaries() last gave, kept up to date by each sync, which reports
        # what another reader of the folder wrote meanwhile.
        self._listed: Listed | None = None
        self._temporary_dir = temporary_dir
        if temporary_dir is not None:
            # Removed at close, or at the latest when the program ends.
            self._remove_folder = weakref.finalize(
                self, shutil.rmtree, temporary_dir, ignore_errors=True
            )

    @classmethod
    def open(cls, root: Path) -> ArticleIndex:
        """The index for `root` (a folder or one file) in the cache, made or repaired as
        needed.

        Raises FileNotFoundError when `root` does not exist, IndexFull when the cache
        cannot be written, IndexUnavailable when no index can be made for it.
        """
        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
        try:
            return cls(root, open_index(root), None)
        except IndexLocked as error:
            notice = f"{error}; using a temporary index for this session"
        except (OSError, sqlite3.Error, TextIndexError) as error:
            if is_full(error):
                raise IndexFull(error) from error
            notice = f"cannot use the index cache ({error}); using a temporary index"
        return cls.temporary(root, notice)

    @classmethod
    def temporary(
        cls, root: Path, notice: str | None = None, *, in_memory: bool = False
    ) -> ArticleIndex:
        """A new empty index of `root` for this session only: in a temporary folder
        (removed at close), or in memory (nothing written to disk). `notice` says why."""
        root = Path(root)
        if not root.exists():
            raise FileNotFoundError(f"no such file or folder: {root}")
        what = notice or "a temporary index"
        if in_memory:
            try:
                opened = open_memory_index(root)
            except (OSError, sqlite3.Error, TextIndexError) as error:
                raise IndexUnavailable(f"{what}, but not even in memory: {error}") from error
            folder = None
        else:
            try:
                folder = Path(tempfile.mkdtemp(prefix="reader-index-"))
            except OSError as error:
                raise IndexUnavailable(f"{what}, but no temporary folder: {error}") from error
            try:
                opened = open_index(root, folder / "index.sqlite3")
            except (OSError, sqlite3.Error, TextIndexError) as error:
                shutil.rmtree(folder, ignore_errors=True)
                raise IndexUnavailable(f"{what}, but that failed too: {error}") from error
        if notice is not None:
            opened.notices.insert(0, notice)
        return cls(root, opened, folder)

    @property
    def path(self) -> Path | None:
        """The database file (None for an index in memory)."""
        return self._opened.path

    # -- trouble -----------------------------------------------------------------------------

    def _repairing(self, action: Callable[[], _T], otherwise: _T) -> _T:
        """`action()`; if it finds the index damaged, the index is rebuilt (empty: the
        next sync fills it), with a notice, and `otherwise` returned. A lock, a full disk
        or anything else is raised as it is."""
        try:
            return action()
        except (sqlite3.DatabaseError, TextIndexError) as error:
            if not is_damage(error):
                raise
            self._rebuild(
                f"the index cache was damaged ({error}); rebuilt it, and the next sync "
                "fills it again"
            )
            return otherwise

    def _rebuild(self, notice: str) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            self._opened.connection.close()
            path = self._opened.path
            if path is None:
                self._opened = open_memory_index(self.root)
            else:
                remove_index(path)
                self._opened = open_index(self.root, path)
            self.notices.append(notice)
            self._forget_cached_rows()

    # -- keeping it up to date ---------------------------------------------------------------

    def sync(
        self,
        on_batch: SummaryBatch | None = None,
        workers: int | None = None,
        changed_paths: Collection[str] | None = None,
        scan: PendingScan | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the folder (walk it, stat'ing every file the
        index has, or look only at `changed_paths` when file events named them; re-read
        new and changed ones, in worker processes when there are many, while the walk
        goes on; drop deleted ones). `scan`: the stat of
        every file, begun in helper processes (reader.loading.walk.Helpers).

        `on_batch(summaries, done, total)` is called as each batch is written (`total`
        None while the folder is still being walked). An index another writer keeps
        past the busy timeout stops the sync with a notice (`complete` is False); one
        found damaged is rebuilt from the folder, with a notice. Raises IndexFull when
        the cache cannot be written (what it held stays readable).
        """
        done = SyncReport()
        try:
            report = self._repairing(
                lambda: self._sync(on_batch, workers, changed_paths, done, scan), None
            )
        except (OSError, sqlite3.Error, TextIndexBusy) as error:
            if is_full(error):
                self._give_back_space()
                raise IndexFull(error, done.removed) from error
            if is_locked(error):
                self.notices.append(
                    "the index cache is busy (another program is writing to it); "
                    "some changes in the folder are not shown yet"
                )
                return SyncReport(complete=False)
            raise
        if report is None:  # it was damaged, and is rebuilt: every file again
            report = self._sync(on_batch, workers, None, SyncReport(), scan)
        return report

    def _sync(
        self,
        on_batch: SummaryBatch | None,
        workers: int | None,
        changed_paths: Collection[str] | None,
        report: SyncReport,
        scan: PendingScan | None = None,
    ) -> SyncReport:
        # A long sync in a worker thread never holds up summaries(), article() or a
        # search on another thread: it writes on a connection of its own.
        report = sync(
            self._opened,
            self.root,
            on_batch=on_batch,
            workers=workers,
            changed_paths=changed_paths,
            report=report,
            listed=self._listed,
            scan=scan,
        )
        if report.added or report.changed or report.removed:
            self._forget_cached_rows()
        return report

    def add(self, articles: Iterable[Article]) -> None:
        """Index articles made in memory (by reader.loading.parse_article, say) as if
        read from files of their ids: a search over any articles, files or not."""
        with self._lock:
            add_articles(self._opened, articles)
            self._forget_cached_rows()

    def _give_back_space(self) -> None:
        """After a write that did not fit: empty the write-ahead log, whose pages the
        failed write may have grown (else the disk stays full for every later run)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._opened.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _forget_cached_rows(self) -> None:
        with self._lock:
            self._rows = None
            self._facet_values = None

    # -- reading -----------------------------------------------------------------------------

    def _summary_rows(self) -> list[tuple[int, ArticleSummary]]:
        """(rowid, summary) newest first, read again only when the database changed."""
        with self._rows_lock:

            def read() -> tuple[list[tuple[int, ArticleSummary]], int]:
                with self._lock:
                    version = self._opened.connection.execute("PRAGMA data_version").fetchone()
                    if self._rows is not None and version[0] == self._data_version:
                        return self._rows, version[0]
                # The whole list takes a while (0.6 s at 100,000 articles): opening an
                # article meanwhile need not wait.
                with self._connection_apart() as connection:
                    connection.execute("BEGIN")  # the rows and their generation together
                    try:
                        rows = read_summary_rows(connection)
                        generation = read_info(connection, "generation")
                    finally:
                        connection.execute("COMMIT")
                with self._lock:
                    self._listed = Listed({rowid: row.id for rowid, row in rows}, generation)
                return rows, version[0]

            none: tuple[list[tuple[int, ArticleSummary]], int] = ([], -1)
            rows, version = self._repairing(read, none)
            with self._lock:
                self._rows, self._data_version = rows, version
            return rows

    def summaries(self) -> list[ArticleSummary]:
        """Every indexed article as a list row, newest first (then by id)."""
        return [summary for _rowid, summary in self._summary_rows()]

    def file_states(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of the file of every article the index has, by id."""
        with self._lock:
            rows = self._opened.connection.execute("SELECT id, size, mtime_ns FROM articles")
            return {file_id: (size, mtime_ns) for file_id, size, mtime_ns in rows}

    def generation(self) -> int:
        """The index's generation: it goes up with every write of its rows."""

        def read() -> int:
            with self._lock:
                return read_info(self._opened.connection, "generation")

        return self._repairing(read, -1)

    def article_count(self) -> int:
        """How many articles the index has."""

        def read() -> int:
            with self._lock:
                row = self._opened.connection.execute("SELECT count(*) FROM articles").fetchone()
                return int(row[0])

        return self._repairing(read, 0)

    def newest(self, limit: int) -> list[ArticleSummary]:
        """The first `limit` rows of `summaries()`, read on their own: a screenful to show
        while the whole list (0.6 s at 100,000 articles) is read."""
        with self._lock:
            rows = read_summary_rows(self._opened.connection, limit=limit)
        return [summary for _rowid, summary in rows]

    def problems(self) -> list[LoadProblem]:
        """Files that could not be read, as of the last sync."""

        def read() -> list[LoadProblem]:
            with self._lock:
                return read_problems(self._opened.connection)

        return self._repairing(read, [])

    def article(self, article_id: str) -> Article | None:
        """The full article (body, metadata) as indexed, or None if the index lacks it."""
        found = self.articles([article_id])
        return found[0] if found else None

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """Full articles for `ids`, in that order, a few queries for any number; ids the
        index does not have are left out."""

        def read() -> dict[str, Article]:
            with self._lock:
                return read_articles(self._opened.connection, ids, self.root, self._root_is_dir)

        none: dict[str, Article] = {}
        by_id = self._repairing(read, none)
        return [by_id[article_id] for article_id in ids if article_id in by_id]

    def source(self) -> ArticleSource | None:
        """Where another process reads this index's articles; None for an index in
        memory, which only this process can read."""
        path = self._opened.path
        if path is None:
            return None
        return ArticleSource(str(path), str(self.root), self._root_is_dir)

    def initiatives(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The initiatives of each of `ids` the index has, by id (no Article is made)."""
        found: dict[str, tuple[str, ...]] = {}
        for chunk in in_chunks(ids):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT a.id, t.content {_TEXT_JOIN} WHERE a.id IN ({marks})"
            rows = self._read_text(sql, tuple(chunk))
            found.update(
                (file_id, tuple(json.loads(unpack_content(content)[1])))
                for file_id, content in rows
            )
        return found

    def metadata(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The metadata block of each of `ids` the index has, by id (no Article is made)."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in in_chunks(ids):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT a.id, t.metadata {_TEXT_JOIN} WHERE a.id IN ({marks})"
            rows = self._read_text(sql, tuple(chunk))
            found.update((file_id, json.loads(data)) for file_id, data in rows)
        return found

    def facet_values(self, keys: tuple[str, ...]) -> FacetValues:
        """For each article with any, the values of the metadata keys `keys` (folded,
        dotted), by id then key: a list's items one by one, as written. Read again only
        when the database changed (1 s at 100,000 articles; on a connection of its own)."""
        with self._lock:
            version = self._opened.connection.execute("PRAGMA data_version").fetchone()[0]
            cached = self._facet_values
            if cached is not None and cached[:2] == (keys, version):
                return cached[2]
        wanted = set(keys)
        tops = {key.partition(".")[0] for key in keys}
        # Only rows whose JSON holds one of the top keys (LIKE ignores ASCII case, as
        # folding does): most rows have none. 100,000 without any: 1.7 s parsing each, 1.1.
        holds = " OR ".join("t.metadata LIKE ? ESCAPE '\\'" for _top in sorted(tops))
        patterns = tuple(f'%"{_like_escaped(top)}":%' for top in sorted(tops))
        sql = f"SELECT a.id, t.metadata {_TEXT_JOIN} WHERE {holds or 'FALSE'}"

        def read() -> FacetValues:
            found: FacetValues = {}
            with self._connection_apart() as connection:
                for file_id, text in connection.execute(sql, patterns):
                    metadata = json.loads(text)
                    chosen = {
                        key: value for key, value in metadata.items() if fold_path(key) in tops
                    }
                    if not chosen:
                        continue
                    values: dict[str, list[str]] = {}
                    for key, value in metadata_leaves(chosen):
                        if key in wanted and value.strip():
                            values.setdefault(key, []).append(value.strip())
                    if values:
                        found[file_id] = {key: tuple(items) for key, items in values.items()}
            return found

        none: FacetValues = {}
        values = self._repairing(read, none)
        with self._lock:
            self._facet_values = (keys, version, values)
        return values

    def warnings(self) -> list[tuple[str, tuple[str, ...]]]:
        """(id, warnings) of every article that loaded with warnings, by id.

        Read on a connection of its own: the scan passes every article's text (0.7 s at
        100,000), and article() on another thread must not wait for it meanwhile."""
        sql = f"SELECT a.id, t.warnings {_TEXT_JOIN} WHERE t.warnings != '[]' ORDER BY a.id"

        def read() -> list[tuple[str, str]]:
            with self._connection_apart() as connection:
                return connection.execute(sql).fetchall()

        none: list[tuple[str, str]] = []
        rows = self._repairing(read, none)
        return [(file_id, tuple(json.loads(items))) for file_id, items in rows]

    @contextmanager
    def _connection_apart(self) -> Iterator[sqlite3.Connection]:
        """A connection of its own, for long work that must not hold the index's lock
        (the one connection article() and the list share) while it runs."""
        connection = connect(self._opened.database)
        try:
            yield connection
        finally:
            connection.close()

    def _read_text(self, sql: str, params: tuple[str, ...]) -> list[tuple[str, bytes]]:
        def read() -> list[tuple[str, bytes]]:
            with self._lock:
                return self._opened.connection.execute(sql, params).fetchall()

        return self._repairing(read, [])

    def engine(self) -> SearchEngine:
        """The search engine over this index (one per index; each search sees the index
        as it is then). Made after summaries(), it shares the list rows read for them."""
        with self._lock:
            if self._engine is None:
                self._engine = SearchEngine(self._opened.database, self._opened.text, self._rows)
            return self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
            self._opened.connection.close()
            if self._temporary_dir is not None:
                self._remove_folder()

    def __enter__(self) -> ArticleIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
