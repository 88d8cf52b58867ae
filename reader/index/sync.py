"""Bring the index up to date with the folder: stat every file, re-read only what changed.

Cold loads parse in worker processes (both cores), and each worker writes its own batch
to the database in one short transaction, so bodies never cross a pipe; the parent only
gets the small summaries it needs for the list, as each batch lands.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from reader.index.db import OpenedIndex, connect, in_chunks, write_transaction
from reader.index.rows import (
    ARTICLE_SELECT,
    DELETE_FIELD,
    DELETE_SEARCH,
    FIRST_METADATA_SLOT,
    INSERT_ARTICLE,
    INSERT_FIELD,
    INSERT_SEARCH,
    INSERT_TEXT,
    SearchRows,
    article_from_row,
    article_rows,
    field_key_text,
    field_rowid,
    key_prefixes,
    search_rows,
)
from reader.loading import file_at, find_files, is_article_name, load_article
from reader.model import Article, ArticleSummary, LoadProblem

# Below this many files to read, a process pool costs more than it saves.
POOL_THRESHOLD = 400
CHUNK_SIZE = 256

SummaryBatch = Callable[[list[ArticleSummary], int, int], None]


@dataclass
class SyncReport:
    """What a sync did: counts for the notice the UI shows."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    total_files: int = 0
    # False when the sync stopped early (the database was locked): what was written stays.
    complete: bool = True


# (path, size, mtime_ns) of a file found under the root.
_FileState = tuple[str, int, int]


def scan_folder(
    root: Path, problems: list[LoadProblem], links: list[str] | None = None
) -> dict[str, _FileState]:
    """Every article file under root by id, with size and mtime (stat only, no reads).

    A file that cannot be stat'ed (a dangling link, a link loop) gets size -1: read once,
    the loader reports what is wrong with it, and it counts as changed again only when
    it can be stat'ed (a refresh must not announce the same broken link every time).
    """
    states: dict[str, _FileState] = {}
    for found in find_files(root, problems, links):
        try:
            info = found.entry.stat() if found.entry is not None else os.stat(found.path)
            states[found.id] = (found.path, info.st_size, info.st_mtime_ns)
        except OSError:
            states[found.id] = (found.path, -1, -1)
    return states


def scan_paths(
    root: Path, paths: Collection[str], has_files_under: Callable[[str], bool]
) -> dict[str, _FileState | None] | None:
    """The article files at `paths` (what file events reported) by id, with size and
    mtime, None for those no longer there; other files named are no articles and left
    out. None when a path may hide more (a folder created, or gone with articles the
    index has under `has_files_under(prefix)`) or is not where a scan would find it (see
    file_at): then only a whole scan will do."""
    states: dict[str, _FileState | None] = {}
    for path in paths:
        found = file_at(root, path)
        if found is None or "\ufffd" in path:  # or a name the events could not spell
            return None
        try:
            exists = bool(os.lstat(path))
        except FileNotFoundError:
            exists = False
        except OSError:
            return None
        if exists and (os.path.isdir(path) or os.path.islink(path)):
            return None  # a folder; a link, whose target may be listed under its name too
        if has_files_under(found.id + "/"):
            return None  # was a folder of articles: moved, deleted, or a file now
        if not is_article_name(os.path.basename(path)):
            continue  # a file that is no article (an editor's test file, a backup)
        if not exists:
            states[found.id] = None
            continue
        try:
            info = os.stat(path)
        except OSError:  # a dangling link, a link loop: as scan_folder has it
            states[found.id] = (path, -1, -1)
            continue
        states[found.id] = (path, info.st_size, info.st_mtime_ns)
    return states


def sync(
    index: OpenedIndex,
    root: Path,
    *,
    on_batch: SummaryBatch | None = None,
    workers: int | None = None,
    changed_paths: Collection[str] | None = None,
    report: SyncReport | None = None,
) -> SyncReport:
    """Make the index match the folder. `on_batch(summaries, done, total)` is called
    as each batch of new or changed articles is written. With `changed_paths` (from file
    events) only those are looked at, when that is enough to be sure (see scan_paths);
    else every file is stat'ed. Raises sqlite3.Error (see reader.index.db.is_locked)
    when the database stays locked past the busy timeout; a `report` passed in then
    says what was done before (the files removed from the index)."""
    connection = index.connection
    report = SyncReport() if report is None else report
    folder_problems: list[LoadProblem] | None = None
    targeted = None
    if changed_paths is not None and not _has_links(connection):
        # (With links in the folder a file may be listed under another path than the
        # events name, or stand for another file: only a whole scan is sure.)
        targeted = scan_paths(root, changed_paths, partial(_has_files_under, connection))
    if targeted is not None:
        known = _known_files(connection, targeted)
        current = {file_id: state for file_id, state in targeted.items() if state is not None}
        # A file created and deleted between two looks was never known: nothing to drop.
        gone = (file_id for file_id, state in targeted.items() if state is None)
        removed = [file_id for file_id in gone if file_id in known]
    else:
        folder_problems = []
        links: list[str] = []
        current = scan_folder(root, folder_problems, links)
        connection.execute(
            "INSERT OR REPLACE INTO info(key, value) VALUES ('links', ?)", (len(links),)
        )
        report.total_files = len(current)
        known = _known_files(connection)
        removed = [file_id for file_id in known if file_id not in current]

    to_read: list[str] = []
    for file_id, (_path, size, mtime_ns) in current.items():
        before = known.get(file_id)
        if before is None:
            report.added.append(file_id)
            to_read.append(file_id)
        elif before != (size, mtime_ns):
            report.changed.append(file_id)
            to_read.append(file_id)
    report.removed = removed
    if removed:
        _write_removals(connection, root, removed)

    # Whether the index has each file already: a new one has nothing to remove first.
    paths = [(current[file_id][0], file_id, file_id in known) for file_id in to_read]
    total = len(paths)
    done = 0
    listed = set(_known_files(connection, report.changed, tables=("articles",)))
    for summaries, problems in _read_batches(paths, root, index.path, workers):
        report.problems.extend(problems)
        done += len(summaries) + len(problems)
        if on_batch is not None:
            on_batch(summaries, done, total)
    # An article that changed into a problem (grown past the size limit, say) leaves the
    # list as a deleted one does: for the list it is removed, and it is now a problem.
    unlisted = listed - set(_known_files(connection, listed, tables=("articles",)))
    if unlisted:
        report.changed = [file_id for file_id in report.changed if file_id not in unlisted]
        report.removed += [file_id for file_id in to_read if file_id in unlisted]
    if folder_problems is not None:  # a whole scan: it knows which folders failed
        _write_folder_problems(connection, folder_problems)
        report.problems = folder_problems + report.problems
    return report


def _known_files(
    connection: sqlite3.Connection,
    ids: Collection[str] | None = None,
    tables: Sequence[str] = ("articles", "problems"),
) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every file the index has, as an article or a problem (or
    only in `tables`); or of those of `ids` it has."""
    if ids is None:
        queries: list[tuple[str, list[str]]] = [("", [])]
    else:
        queries = [
            (f" WHERE id IN ({','.join('?' * len(chunk))})", list(chunk))
            for chunk in in_chunks(list(ids))
        ]
    known: dict[str, tuple[int, int]] = {}
    for table in tables:
        for where, parameters in queries:
            select = f"SELECT id, size, mtime_ns FROM {table}{where}"
            for file_id, size, mtime_ns in connection.execute(select, parameters):
                if not file_id.endswith("/"):  # a folder's problem (_write_folder_problems)
                    known[file_id] = (size, mtime_ns)
    return known


def _has_links(connection: sqlite3.Connection) -> bool:
    """Whether the last whole scan met a symlink in the folder."""
    row = connection.execute("SELECT value FROM info WHERE key = 'links'").fetchone()
    return row is None or bool(row[0])  # never scanned whole: as if it had


def _has_files_under(connection: sqlite3.Connection, prefix: str) -> bool:
    """Whether the index has a file (article or problem) whose id starts with `prefix`,
    a folder's id and `/`."""
    end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return any(
        connection.execute(
            f"SELECT 1 FROM {table} WHERE id >= ? AND id < ? LIMIT 1", (prefix, end)
        ).fetchone()
        for table in ("articles", "problems")
    )


def _write_folder_problems(connection: sqlite3.Connection, problems: Sequence[LoadProblem]) -> None:
    """Keep the folders that could not be listed as problems (ids: their path and `/`),
    so `problems()` reports them too; each sync replaces the last sync's."""
    rows = [(f"{problem.path}/", str(problem.path), problem.message) for problem in problems]
    if not rows and not connection.execute("SELECT 1 FROM problems WHERE id LIKE '%/'").fetchone():
        return
    with write_transaction(connection):
        connection.execute("DELETE FROM problems WHERE id LIKE '%/'")
        connection.executemany(
            "INSERT OR REPLACE INTO problems(id, path, message, size, mtime_ns) "
            "VALUES (?, ?, ?, -1, -1)",
            rows,
        )


def _write_removals(connection: sqlite3.Connection, root: Path, ids: Sequence[str]) -> None:
    with write_transaction(connection):
        writer = _Writer(connection, root)
        for file_id in ids:
            writer.forget(file_id)
        writer.finish()


class _Writer:
    """Adds and removes articles inside one transaction the caller holds.

    Keeps the full-text tables and the per-key article counts of `field_keys` in step
    with the `articles` rows. Removals are written at once; additions are gathered and
    written by `finish()` (one executemany per table is much quicker than a statement
    per row), which also writes the key counts.
    """

    def __init__(self, connection: sqlite3.Connection, root: Path) -> None:
        self.connection = connection
        self.root = root
        self.key_counts: Counter[str] = Counter()
        self.key_ids: dict[str, int] = {}
        self.key_texts: dict[tuple[int, str], str] = {}
        row = connection.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()
        self.last_rowid = int(row[0])
        self.summaries: list[tuple[object, ...]] = []
        self.texts: list[tuple[object, ...]] = []
        self.searched: list[tuple[object, ...]] = []
        self.fields: list[tuple[int, str, str]] = []

    def _key_id(self, key: str) -> int:
        """The id of a metadata key in field_keys, adding the key if it is new."""
        key_id = self.key_ids.get(key)
        if key_id is None:
            connection = self.connection
            row = connection.execute("SELECT id FROM field_keys WHERE key = ?", (key,)).fetchone()
            if row is None:
                row = connection.execute(
                    "INSERT INTO field_keys(key, id, articles) "
                    "VALUES (?, (SELECT coalesce(max(id), 0) + 1 FROM field_keys), 0) "
                    "RETURNING id",
                    (key,),
                ).fetchone()
            key_id = self.key_ids[key] = int(row[0])
        return key_id

    def _field_rows(self, rowid: int, rows: SearchRows) -> list[tuple[int, str, str]]:
        texts = self.key_texts
        found = []
        for slot, key, text in rows.fields:
            # Built-in fields (slots 0 and 1) are named by their key; metadata by ids.
            kind = min(slot, FIRST_METADATA_SLOT)
            key_text = texts.get((kind, key))
            if key_text is None:
                ids = {prefix: self._key_id(prefix) for prefix in key_prefixes(key)}
                key_text = texts[kind, key] = field_key_text(slot, key, ids)
            found.append((field_rowid(rowid, slot), key_text, text))
        return found

    def add(self, article: Article, rows: SearchRows) -> None:
        self.last_rowid += 1
        rowid = self.last_rowid
        summary, text = article_rows(article, rowid)
        self.summaries.append(summary)
        self.texts.append(text)
        self.searched.append((rowid, *rows.columns))
        self.fields.extend(self._field_rows(rowid, rows))
        self.key_counts.update(rows.keys)

    def forget(self, file_id: str) -> None:
        """Remove an article (or a recorded problem) by id, if the index has it."""
        connection = self.connection
        connection.execute("DELETE FROM problems WHERE id = ?", (file_id,))
        row = connection.execute(
            f"SELECT a.rowid, {ARTICLE_SELECT} WHERE a.id = ?", (file_id,)
        ).fetchone()
        if row is None:
            return
        rowid = row[0]
        rows = search_rows(article_from_row(row[1:], self.root, root_is_dir=True))
        connection.execute(DELETE_SEARCH, (rowid, *rows.columns))
        connection.executemany(DELETE_FIELD, self._field_rows(rowid, rows))
        connection.execute("DELETE FROM articles WHERE rowid = ?", (rowid,))
        connection.execute("DELETE FROM article_text WHERE rowid = ?", (rowid,))
        self.key_counts.subtract(rows.keys)

    def add_problem(self, file_id: str, problem: LoadProblem, size: int, mtime_ns: int) -> None:
        self.connection.execute(
            "INSERT INTO problems(id, path, message, size, mtime_ns) VALUES (?, ?, ?, ?, ?)",
            (file_id, str(problem.path), problem.message, size, mtime_ns),
        )

    def finish(self) -> None:
        connection = self.connection
        connection.executemany(INSERT_ARTICLE, self.summaries)
        connection.executemany(INSERT_TEXT, self.texts)
        connection.executemany(INSERT_SEARCH, self.searched)
        connection.executemany(INSERT_FIELD, self.fields)
        for pending in (self.summaries, self.texts, self.searched, self.fields):
            pending.clear()
        changes = [(count, key) for key, count in self.key_counts.items() if count]
        if changes:
            connection.executemany(
                "UPDATE field_keys SET articles = articles + ? WHERE key = ?", changes
            )
        connection.execute("DELETE FROM field_keys WHERE articles <= 0")
        self.key_counts.clear()
        connection.execute("UPDATE info SET value = value + 1 WHERE key = 'generation'")


_Batch = tuple[list[ArticleSummary], list[LoadProblem]]
# (path, id, whether the index has it already) of a file to read.
_FileToRead = tuple[str, str, bool]
# (id, path, whether the index had it, the article or why not, its search rows).
_Loaded = tuple[str, str, bool, Article | LoadProblem, SearchRows | None]


def _read_batches(
    paths: list[_FileToRead], root: Path, database_path: Path, workers: int | None
) -> Iterator[_Batch]:
    if not paths:
        return
    database = str(database_path)
    chunks = [paths[start : start + CHUNK_SIZE] for start in range(0, len(paths), CHUNK_SIZE)]
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    if len(paths) < POOL_THRESHOLD or worker_count <= 1:
        for chunk in chunks:
            yield load_and_store(chunk, str(root), database)
        return
    # "spawn": the parent may be a threaded Textual app, where fork is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=worker_count,
        mp_context=context,
        initializer=_share_write_lock,
        initargs=(context.Lock(),),
    ) as pool:
        # Keep only a few chunks in flight so results stream back in order of submission.
        pending: list[Future[_Batch]] = []
        try:
            for chunk in chunks:
                pending.append(pool.submit(load_and_store, chunk, str(root), database))
                if len(pending) >= worker_count * 2:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()
        finally:
            for future in pending:
                future.cancel()


# Workers take turns writing under this lock: a blocked worker wakes the moment the other
# finishes, where SQLite's own busy handler would poll and sleep (up to 100 ms a time).
_write_lock: Any = None


def _share_write_lock(lock: Any) -> None:
    global _write_lock
    _write_lock = lock


def load_and_store(files: list[_FileToRead], root_text: str, database: str) -> _Batch:
    """Parse (path, id, known) files and write them to the index in one transaction.

    Runs in worker processes; each worker holds the write lock only while writing.
    """
    root = Path(root_text)
    loaded: list[_Loaded] = []
    for path_text, file_id, known in files:
        item = load_article(Path(path_text), root, file_id)
        # Tokenising is the costly part of indexing: done here, before taking the lock.
        rows = search_rows(item) if isinstance(item, Article) else None
        loaded.append((file_id, path_text, known, item, rows))

    with _write_lock if _write_lock is not None else contextlib.nullcontext():
        _store(loaded, root, database)
    summaries = [summarise(item) for *_, item, _ in loaded if isinstance(item, Article)]
    problems = [item for *_, item, _ in loaded if isinstance(item, LoadProblem)]
    return summaries, problems


def _store(loaded: list[_Loaded], root: Path, database: str) -> None:
    connection = connect(Path(database))
    try:
        with write_transaction(connection):
            writer = _Writer(connection, root)
            # A file new when the folder was scanned may have been indexed since by
            # another reader of the folder: one query for the batch, not two per file.
            unknown = [file_id for file_id, _path, known, _item, _rows in loaded if not known]
            added_since = set(_known_files(connection, unknown)) if unknown else set()
            for file_id, path_text, known, item, rows in loaded:
                if known or file_id in added_since:
                    writer.forget(file_id)
                if isinstance(item, Article):
                    assert rows is not None
                    writer.add(item, rows)
                else:
                    # The path itself: a problem's is escaped for showing.
                    writer.add_problem(file_id, item, *_stat_or_missing(Path(path_text)))
            writer.finish()
    finally:
        connection.close()


def _stat_or_missing(path: Path) -> tuple[int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return -1, -1
    return info.st_size, info.st_mtime_ns


def summarise(article: Article) -> ArticleSummary:
    return ArticleSummary(
        id=article.id,
        title=article.title,
        area=article.area,
        published=article.published,
        url=article.url,
        word_count=article.word_count,
        initiative_count=len(article.initiatives),
        body_hash=article.body_hash,
    )


_SUMMARY_COLUMNS = "rowid, id, title, area, published, url, word_count, initiative_count, body_hash"
# Newest first, then by id: the order of reader.ordering.sort_articles(..., "newest").
_NEWEST = "ORDER BY published_key DESC, id"


def read_summary_rows(
    connection: sqlite3.Connection,
    rowids: Sequence[int] | None = None,
    *,
    limit: int | None = None,
) -> list[tuple[int, ArticleSummary]]:
    """(rowid, list row) for every article in the index (or the newest `limit`), newest
    first; or for the articles with these rowids (a few hundred at a time), unordered."""
    if rowids is None and limit is not None:
        rows = connection.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles {_NEWEST} LIMIT ?", (limit,)
        )
    elif rowids is None:
        rows = connection.execute(f"SELECT {_SUMMARY_COLUMNS} FROM articles {_NEWEST}")
    else:
        marks = ", ".join("?" * len(rowids))
        rows = connection.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles WHERE rowid IN ({marks})", tuple(rowids)
        )
    parse = datetime.fromisoformat
    return [
        (
            rowid,
            ArticleSummary(
                file_id, title, area, parse(date) if date else None, url, words, n, body_hash
            ),
        )
        for rowid, file_id, title, area, date, url, words, n, body_hash in rows
    ]


def read_summaries(connection: sqlite3.Connection) -> list[ArticleSummary]:
    """Every article in the index, as list rows (no bodies), newest first."""
    return [summary for _rowid, summary in read_summary_rows(connection)]


def read_problems(connection: sqlite3.Connection) -> list[LoadProblem]:
    """Files recorded as unloadable, as of their last change."""
    rows = connection.execute("SELECT path, message FROM problems ORDER BY id")
    return [LoadProblem(Path(path), message) for path, message in rows]
