"""Bring the index up to date with the folder: stat every file, re-read only what changed.

Cold loads parse in worker processes (both cores), and each worker writes its own batch
to the database in one short transaction, so bodies never cross a pipe; the parent only
gets the small summaries it needs for the list, as each batch lands.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reader.index.db import OpenedIndex, connect
from reader.index.rows import DELETE_FTS, INSERT_ARTICLE, INSERT_FTS, INSERT_TEXT, article_rows
from reader.loading import find_files, load_article
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


@dataclass(frozen=True, slots=True)
class _FileState:
    path: str
    size: int
    mtime_ns: int


def scan_folder(root: Path, problems: list[LoadProblem]) -> dict[str, _FileState]:
    """Every article file under root by id, with size and mtime (stat only, no reads).

    A file that cannot be stat'ed gets size -1, so it is always re-read and the loader
    reports what is wrong with it.
    """
    states: dict[str, _FileState] = {}
    for found in find_files(root, problems):
        try:
            info = found.entry.stat() if found.entry is not None else os.stat(found.path)
            states[found.id] = _FileState(found.path, info.st_size, info.st_mtime_ns)
        except OSError:
            states[found.id] = _FileState(found.path, -1, -1)
    return states


def sync(
    index: OpenedIndex,
    root: Path,
    *,
    on_batch: SummaryBatch | None = None,
    workers: int | None = None,
) -> SyncReport:
    """Make the index match the folder. `on_batch(summaries, done, total)` is called
    as each batch of new or changed articles is written."""
    connection = index.connection
    report = SyncReport()
    folder_problems: list[LoadProblem] = []
    current = scan_folder(root, folder_problems)
    report.total_files = len(current)
    known = _known_files(connection)

    removed = [file_id for file_id in known if file_id not in current]
    to_read: list[str] = []
    for file_id, state in current.items():
        before = known.get(file_id)
        if before is None:
            report.added.append(file_id)
            to_read.append(file_id)
        elif before != (state.size, state.mtime_ns) or state.size < 0:
            report.changed.append(file_id)
            to_read.append(file_id)
    report.removed = removed
    if removed:
        _write_removals(connection, removed)

    paths = [(current[file_id].path, file_id) for file_id in to_read]
    total = len(paths)
    done = 0
    for summaries, problems in _read_batches(paths, root, index.path, workers):
        report.problems.extend(problems)
        done += len(summaries) + len(problems)
        if on_batch is not None:
            on_batch(summaries, done, total)
    report.problems = folder_problems + report.problems
    return report


def _known_files(connection: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    known: dict[str, tuple[int, int]] = {}
    for table in ("articles", "problems"):
        for file_id, size, mtime_ns in connection.execute(
            f"SELECT id, size, mtime_ns FROM {table}"
        ):
            known[file_id] = (size, mtime_ns)
    return known


def _write_removals(connection: sqlite3.Connection, ids: Sequence[str]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        for file_id in ids:
            _forget(connection, file_id)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _forget(connection: sqlite3.Connection, file_id: str) -> None:
    row = connection.execute("SELECT rowid FROM articles WHERE id = ?", (file_id,)).fetchone()
    if row is not None:
        connection.execute(DELETE_FTS, (row[0],))
        connection.execute("DELETE FROM articles WHERE rowid = ?", (row[0],))
        connection.execute("DELETE FROM article_text WHERE rowid = ?", (row[0],))
    connection.execute("DELETE FROM problems WHERE id = ?", (file_id,))


_Batch = tuple[list[ArticleSummary], list[LoadProblem]]


def _read_batches(
    paths: list[tuple[str, str]], root: Path, database_path: Path, workers: int | None
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
    with ProcessPoolExecutor(max_workers=worker_count, mp_context=context) as pool:
        # Keep only a few chunks in flight so results stream back in order of submission.
        pending: list[Future[_Batch]] = []
        for chunk in chunks:
            pending.append(pool.submit(load_and_store, chunk, str(root), database))
            if len(pending) >= worker_count * 2:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def load_and_store(files: list[tuple[str, str]], root_text: str, database: str) -> _Batch:
    """Parse (path, id) files and write them to the index in one transaction.

    Runs in worker processes; each worker holds the write lock only while writing.
    """
    root = Path(root_text)
    loaded: list[tuple[str, Article | LoadProblem, int, int]] = []
    for path_text, file_id in files:
        path = Path(path_text)
        item = load_article(path, root, file_id)
        if isinstance(item, Article):
            loaded.append((file_id, item, item.size, item.mtime_ns))
        else:
            size, mtime_ns = _stat_or_missing(path)
            loaded.append((file_id, item, size, mtime_ns))

    connection = connect(Path(database))
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            next_rowid = connection.execute("SELECT coalesce(max(rowid), 0) FROM articles")
            rowid = int(next_rowid.fetchone()[0])
            for file_id, item, size, mtime_ns in loaded:
                _forget(connection, file_id)
                if isinstance(item, Article):
                    rowid += 1
                    summary, text = article_rows(item, rowid)
                    connection.execute(INSERT_ARTICLE, summary)
                    connection.execute(INSERT_TEXT, text)
                    connection.execute(INSERT_FTS, text[:5])
                else:
                    connection.execute(
                        "INSERT INTO problems(id, path, message, size, mtime_ns) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (file_id, str(item.path), item.message, size, mtime_ns),
                    )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    summaries = [summarise(item) for _, item, _, _ in loaded if isinstance(item, Article)]
    problems = [item for _, item, _, _ in loaded if isinstance(item, LoadProblem)]
    return summaries, problems


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
    )


def read_summaries(connection: sqlite3.Connection) -> list[ArticleSummary]:
    """Every article in the index, as list rows (no bodies)."""
    rows = connection.execute(
        "SELECT id, title, area, published, url, word_count, initiative_count FROM articles"
    )
    parse = datetime.fromisoformat
    return [
        ArticleSummary(file_id, title, area, parse(published) if published else None, url, words, n)
        for file_id, title, area, published, url, words, n in rows
    ]


def read_problems(connection: sqlite3.Connection) -> list[LoadProblem]:
    """Files recorded as unloadable, as of their last change."""
    rows = connection.execute("SELECT path, message FROM problems ORDER BY id")
    return [LoadProblem(Path(path), message) for path, message in rows]
