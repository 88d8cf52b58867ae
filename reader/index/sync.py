"""Bring the index up to date with the folder: stat every file, re-read only what changed.

Reading and folding run in worker processes when there are many files (both cores); this
process writes, a batch at a time: the batch's rows in one short SQLite transaction (the
list shows them at once, and they can be opened), then its documents to the full-text
writer, which commits about once a second and at the end (a tantivy commit costs some
30 ms whatever it holds, so not one per batch). A search finds an article once the commit
after its batch is made.

The two halves agree at each commit: the info row `text_commit` holds the full-text
commit stamp the rows match, and -1 while rows are written that the next commit will
match. A reader killed in between leaves a mismatch that the next open rebuilds (see
reader.index.db.open_index). One writer at a time: a sync holds the full-text writer's
lock throughout, and compares the folder with the index under it.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reader.index.archives import (
    archive_batches,
    archive_key,
    scan_archive,
    unchanged_states,
)
from reader.index.archives import remember as remember_archive
from reader.index.db import (
    Database,
    OpenedIndex,
    connect,
    in_chunks,
    next_generation,
    read_info,
    text_writer,
    write_transaction,
)
from reader.index.duplicates import PendingBands, bands_missing, write_missing, write_pending
from reader.index.duplicates import forget as forget_signature
from reader.index.duplicates import store as store_signatures
from reader.index.rows import (
    INSERT_ARTICLE,
    INSERT_TEXT,
    PreparedArticle,
    prepare,
    read_summary_rows,
    text_document,
)
from reader.index.text_index import TextWriter
from reader.loading.archive import is_archive
from reader.loading.discover import file_at, folder_listings_with_problems, listing_problems
from reader.loading.folder_scan import FolderScan, PendingScan, digest_rows
from reader.loading.ignore import Ignores, ignored_at
from reader.loading.walk import (
    FileState,
    FolderTrouble,
    cores_free,
    entry_state,
    index_version,
    is_article_name,
    known_states,
    path_state,
    stat_files,
)
from reader.model import Article, ArticleSummary, LoadProblem
from reader.text.tokens import keys_of

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Below this many files to read, a process pool costs more than it saves.
POOL_THRESHOLD = 400
# Articles read per task in a worker and written per transaction (each costs a round of
# pickling and a commit).
CHUNK_SIZE = 512
# The first tasks of a big read are smaller, doubling up to CHUNK_SIZE: the first rows
# reach the list after 64 articles are read, not 512 (0.05 s, not 0.4 s, on a busy core).
FIRST_CHUNK_SIZE = 64
# The last tasks are smaller too, each about a share of what is left, down to this: a
# worker handed the last 512 of 1,100 long pages read alone for a second while the other
# had nothing left to do.
LAST_CHUNK_SIZE = 16
# The full-text writer commits when this long has passed since its last commit.
COMMIT_SECONDS = 1.0
# What this process reads is written (and listed) at least this often: 64 release notes
# took 0.6 s to read on a busy core, and 366 docs pages, read at once, 3 s.
HERE_BATCH_SECONDS = 0.2
# Fewer files than POOL_THRESHOLD are read by a pool all the same, with a core free, once
# those left would take this long here (docs pages: 5-8 ms each): a pool's start costs
# 0.3-0.5 s of CPU. The time a file takes is known once this many are read after the
# first batch.
POOL_AFTER_SECONDS = 1.0
POOL_TIMED_FILES = 8
# The first chunk of a big read is read here only this long while the workers start;
# what is left of it goes to them HANDED_PIECE_SIZE files a task.
WORKERS_START_SECONDS = 0.5
HANDED_PIECE_SIZE = 4
# The files a pool takes over from this process are cut in this many tasks a worker, of
# about as many bytes each.
TASKS_A_WORKER = 4

# (rows written, files read so far, files to read: None while the walk is finding them)
SummaryBatch = Callable[[list[ArticleSummary], int, int | None], None]


@dataclass
class SyncReport:
    """What a sync (or a refresh of the store) found changed in the folder."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    total_files: int = 0
    # False when the sync stopped early (the index was busy): what was written stays.
    complete: bool = True

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class Listed:
    """The articles a caller was given (the rows of its list), by rowid, and the index's
    generation then. Another reader of the folder may write to the index meanwhile (a
    window of its own); a sync tells the caller what that changed, as its own changes."""

    ids: dict[int, str]
    generation: int


def scan_folder(
    root: Path, problems: list[LoadProblem], links: list[str] | None = None
) -> dict[str, FileState]:
    """Every article file under root by id, with size and mtime (stat only, no reads):
    see stat_files; an archive's members as scan_archive lists them."""
    if is_archive(root):
        return scan_archive(root, problems)
    troubles: list[FolderTrouble] = []
    states = stat_files(root, troubles, links)
    problems += listing_problems(troubles)
    return states


def scan_paths(
    root: Path, paths: Collection[str], has_files_under: Callable[[str], bool]
) -> dict[str, FileState | None] | None:
    """The article files at `paths` (what file events reported) by id, with size and
    mtime, None for those no longer there; other files named are no articles and left
    out. None when a path may hide more (a folder created, or gone with articles the
    index has under `has_files_under(prefix)`) or is not where a scan would find it (see
    file_at): then only a whole scan will do."""
    states: dict[str, FileState | None] = {}
    ignores: dict[str, Ignores] = {}
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
        if ignored_at(str(root), found.id, exists and os.path.isdir(path), ignores):
            continue  # (`npm install` in a site's folder: its node_modules/ is left out)
        if exists and (os.path.isdir(path) or os.path.islink(path)):
            return None  # a folder; a link, whose target may be listed under its name too
        if has_files_under(found.id + "/"):
            return None  # was a folder of articles: moved, deleted, or a file now
        if not is_article_name(os.path.basename(path)):
            continue  # a file that is no article (an editor's test file, a backup)
        if not exists:
            states[found.id] = None
            continue
        states[found.id] = (path, *path_state(path))
    return states


def sync(
    index: OpenedIndex,
    root: Path,
    *,
    on_batch: SummaryBatch | None = None,
    workers: int | None = None,
    changed_paths: Collection[str] | None = None,
    report: SyncReport | None = None,
    listed: Listed | None = None,
    scan: PendingScan | None = None,
) -> SyncReport:
    """Make the index match the folder. `on_batch(summaries, done, total)` is called
    as each batch of new or changed articles is written (`total` None while the folder
    is still being walked: reading begins meanwhile). With `changed_paths` (from file
    events) only those are looked at, when that is enough to be sure (see scan_paths);
    else the whole folder is walked, and every file the index has stat'ed. With
    `listed`, what other writers changed since is reported too (and handed to
    `on_batch`), and `listed` kept up to date. `scan`, a
    walk of the folder started earlier (and after the last change to be seen), stands
    in for the whole scan when it succeeded. Raises
    TextIndexBusy (or sqlite3.Error, see reader.index.db.is_locked) when another writer
    keeps the index past the busy timeout; a `report` passed in then says what was done
    before (the batches written). A whole walk removes the files gone from the folder
    once every file it found is read: a sync stopped before leaves them to the next."""
    report = SyncReport() if report is None else report
    writer = text_writer(index.text)
    connection = writing_connection(index.database)
    try:
        if listed is not None:
            _others_changes(connection, listed, report, on_batch)
        _sync(connection, writer, root, on_batch, workers, changed_paths, report, listed, scan)
        if writer.pending:
            _commit(connection, writer)
        if listed is not None:
            listed.generation = read_info(connection, "generation")
    except BaseException:
        # What was written to SQLite must be searchable: commit the full-text writer's
        # share of it too (if that fails, the marker left says to rebuild).
        if writer.pending:
            try:
                _commit(connection, writer)
            except Exception:
                writer.rollback()
        raise
    finally:
        writer.close()
        connection.close()
    return report


def writing_connection(database: Database) -> sqlite3.Connection:
    """A connection for a sync's writes: it checkpoints the write-ahead log (copies its
    pages into the database and syncs the file to disk) once the log holds
    CHECKPOINT_PAGES pages, not SQLite's 1,000: a page a cold load changes again and
    again (an index's) is copied once, not once a batch (writing 100,000 articles:
    38 -> 28 s, 24.6 -> 21.8 s of CPU). The log is emptied when the last connection
    to the index closes, as before."""
    connection = connect(database)
    connection.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
    return connection


# 40 MB of 4 KB pages.
CHECKPOINT_PAGES = 10_000


def add_articles(index: OpenedIndex, articles: Iterable[Article]) -> list[ArticleSummary]:
    """Index articles made in memory (reader.loading.parse_article, say), as a sync
    would had it read them from files of those ids; their list rows."""
    loaded: list[_Loaded] = [
        (article.id, str(article.path), True, prepare(article)) for article in articles
    ]
    writer = text_writer(index.text)
    connection = connect(index.database)
    try:
        summaries = _store(connection, writer, loaded)
        _commit(connection, writer)
    finally:
        writer.close()
        connection.close()
    return summaries


def _sync(
    connection: sqlite3.Connection,
    writer: TextWriter,
    root: Path,
    on_batch: SummaryBatch | None,
    workers: int | None,
    changed_paths: Collection[str] | None,
    report: SyncReport,
    listed: Listed | None,
    scan: PendingScan | None = None,
) -> None:
    folder_problems: list[LoadProblem] | None = None
    targeted = None
    # The files gone and the count found, when the helpers' walk says them.
    gone_found: tuple[list[str], int] | None = None
    compared: FolderScan | None = None  # the helpers' walk, compared with the index
    if changed_paths is not None and not _has_links(connection):
        # (With links in the folder a file may be listed under another path than the
        # events name, or stand for another file: only a whole scan is sure.)
        targeted = scan_paths(root, changed_paths, partial(_has_files_under, connection))
    if targeted is not None:
        known_articles, known = _known_articles_and_all(connection, targeted)
        current = {file_id: state for file_id, state in targeted.items() if state is not None}
        # A file created and deleted between two looks was never known: nothing to drop.
        gone = (file_id for file_id, state in targeted.items() if state is None)
        _remove_files(
            connection, writer, [file_id for file_id in gone if file_id in known], report, listed
        )
        walk = _Walk([_listed(current)], known, report)
    else:
        folder_problems = []
        links: list[str] = []
        helpers_compare = scan is not None and scan.database is not None
        if not helpers_compare:
            # Read first: a walk running in a helper process (`scan`) goes on meanwhile.
            known_articles, known = _known_articles_and_all(connection)
        # An archive the index has whole, unchanged since: nothing to list or read.
        archive = archive_key(root)
        walked = None if scan is None else scan.result()
        behind = scan is not None and scan.index_generation not in (
            None,
            read_info(connection, "generation"),
        )
        if walked is not None and walked.compared_with not in (None, index_version(connection)):
            behind = True  # (the helpers compared the walk with an older index)
        if behind:
            walked = None  # the index was written since the walk began: it may be older
        if walked is not None and walked.compared_with is not None:
            # The helpers compared the folder with the index as it is: what changed came
            # back, and the files gone; nothing to compare here.
            known = walked.known
            known_articles = _known_files(connection, known, tables=("articles",))
            gone_found = walked.gone, walked.found
            compared = walked
        elif helpers_compare:  # but their walk is not taken: compared here
            known_articles, known = _known_articles_and_all(connection)
        if walked is not None:
            folder_problems += walked.problems
            links += walked.links
            listings: Iterable[list[_Found]] = [_listed(walked.states)]
        elif whole := unchanged_states(connection, archive):
            listings = [_listed(whole)]
        elif not root.is_dir():  # a file, an archive
            listings = [_listed(scan_folder(root, folder_problems, links))]
        else:
            # Walked as it is read: the first folders' files are read meanwhile.
            listings = walk_folder(root, known, folder_problems, links)
        walk = _Walk(listings, known, report)

    done = 0
    last_commit = time.monotonic()
    bands = PendingBands()
    if bands_missing(connection):  # a sync stopped before it wrote them
        with write_transaction(connection):
            write_missing(connection)
            next_generation(connection)  # copies found change: engines' groups are old
    files = iter(walk)
    # Enough to read for a pool? The walk goes on only that far before reading begins.
    first = list(islice(files, POOL_THRESHOLD))
    many = len(first) >= POOL_THRESHOLD
    with _fewer_collections(many):
        # How many files the walk has found so far: the reading sizes its last tasks by it.
        found = walk.found_to_read
        for loaded in _read_batches(chain(first, files), root, workers, many, found):
            summaries = _store(connection, writer, loaded, listed, bands)
            problems = [item for *_, item in loaded if isinstance(item, LoadProblem)]
            report.problems.extend(problems)
            done += len(loaded)
            if on_batch is not None:
                # The total of files to read is known once the walk is over.
                on_batch(summaries, done, walk.to_read if walk.finished else None)
            # The first rows shown, the rest of the walk (0.13 s for 100,000 new files)
            # is made at once, while the workers read: the progress has its total.
            walk.finish()
            if time.monotonic() - last_commit >= COMMIT_SECONDS:
                _commit(connection, writer)
                last_commit = time.monotonic()
    if folder_problems is not None:
        info_rows: list[tuple[str, object]] = [("links", len(links))]
        # Gone from the folder: what the whole walk did not find.
        if gone_found is None:
            report.total_files = len(walk.found)
            unseen = [file_id for file_id in known if file_id not in walk.found]
        else:
            unseen, report.total_files = gone_found
        if compared is not None and not (walk.to_read or unseen):
            version = compared.compared_with
            if version is not None and version[1] == read_info(connection, "generation"):
                # The index matches the folder as the helpers found it: remembered, the
                # next walk that finds the same needs no comparing.
                info_rows += digest_rows(compared)
        _set_info(connection, info_rows)
        _remove_files(connection, writer, unseen, report, listed)
    if bands.rows:
        with write_transaction(connection):
            write_pending(connection, bands)
            next_generation(connection)
    # An article that changed into a problem (grown past the size limit, say) leaves the
    # list as a deleted one does: for the list it is removed, and it is now a problem.
    were_articles = {file_id for file_id in report.changed if file_id in known_articles}
    unlisted = were_articles - set(_known_files(connection, were_articles, tables=("articles",)))
    if unlisted:
        report.removed += [file_id for file_id in report.changed if file_id in unlisted]
        report.changed = [file_id for file_id in report.changed if file_id not in unlisted]
    if folder_problems is not None:  # a whole scan: it knows which folders failed
        _write_folder_problems(connection, folder_problems)
        report.problems = folder_problems + report.problems
        if not folder_problems:
            remember_archive(connection, archive)


# A file the walk found: its id, its path, and its (size, mtime_ns), or None when not
# looked at (the index does not have it: it is read whatever they are).
_Found = tuple[str, str, tuple[int, int] | None]


def _listed(states: dict[str, FileState]) -> list[_Found]:
    """A walk made whole beforehand (scan_folder's), as walk_folder finds files."""
    return [(file_id, path, (size, mtime_ns)) for file_id, (path, size, mtime_ns) in states.items()]


def walk_folder(
    root: Path, known: Collection[str], problems: list[LoadProblem], links: list[str]
) -> Iterator[list[_Found]]:
    """scan_folder of the folder `root`, a folder at a time, stat'ing only the files the
    index has (`known`): a new one is read anyway, and its reader stats it. A cold load
    stats nothing here (100,000 files listed in 0.13 s; 0.66 s with a stat each)."""
    for listing in folder_listings_with_problems(root, problems, links):
        found: list[_Found] = []
        for entry, file_id in listing:
            state = entry_state(entry) if file_id in known else None
            found.append((file_id, entry.path, state))
        yield found


class _Walk:
    """The files to read (new, or changed since the index saw them) as the walk finds
    them, in its order, each once: reading begins while the walk goes on. Adds them to
    the report's `added` and `changed` as it goes."""

    def __init__(
        self,
        listings: Iterable[list[_Found]],
        known: dict[str, tuple[int, int]],
        report: SyncReport,
    ) -> None:
        self._listings = iter(listings)
        self._known = known
        self._report = report
        self._found_to_read: deque[_FileToRead] = deque()
        self.found: set[str] = set()
        self.to_read = 0  # so far
        self.finished = False

    def __iter__(self) -> Iterator[_FileToRead]:
        waiting = self._found_to_read
        while waiting or self._step():
            if waiting:
                yield waiting.popleft()

    def found_to_read(self) -> int:
        return self.to_read

    def finish(self) -> None:
        """Walk the rest of the folder now (its files are read as before)."""
        while self._step():
            pass

    def _step(self) -> bool:
        """Take in the next folder's files; False once the walk is over."""
        listing = next(self._listings, None)
        if listing is None:
            self.finished = True
            return False
        found, known, report = self.found, self._known, self._report
        for file_id, path, state in listing:
            if file_id in found:
                continue  # two names spelt alike once escaped (see escape_name)
            found.add(file_id)
            before = known.get(file_id)
            if before is None:
                report.added.append(file_id)
            elif before != state:
                report.changed.append(file_id)
            else:
                continue
            self.to_read += 1
            self._found_to_read.append((path, file_id, before is not None))
        return True


def _remove_files(
    connection: sqlite3.Connection,
    writer: TextWriter,
    removed: list[str],
    report: SyncReport,
    listed: Listed | None,
) -> None:
    """Remove from the index the files gone from the folder."""
    report.removed += removed
    if removed:
        _store(connection, writer, [(file_id, "", True, None) for file_id in removed], listed)


@contextlib.contextmanager
def _fewer_collections(many: bool) -> Iterator[None]:
    """With `many` files to read, the garbage collector runs less often meanwhile (as in
    the workers): each batch brings thousands of new objects, mostly acyclic, and a
    collection every 700 of them cost a fifth of this process's CPU in a cold load of
    10,000 articles (0.6 s; 0.17 s so). The thresholds are the process's: put back
    after."""
    if not many:
        yield
        return
    before = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _others_changes(
    connection: sqlite3.Connection,
    listed: Listed,
    report: SyncReport,
    on_batch: SummaryBatch | None,
) -> None:
    """Report what other writers changed since `listed` was read, as added, changed and
    removed articles (the rows through `on_batch`). Called with the writer's lock held:
    no one writes meanwhile."""
    if read_info(connection, "generation") == listed.generation:
        return
    now = dict(connection.execute("SELECT rowid, id FROM articles").fetchall())
    before = listed.ids
    new = [rowid for rowid in now if rowid not in before]
    gone = {before[rowid] for rowid in before if rowid not in now}
    summaries = [summary for _rowid, summary in _summaries_of(connection, new)]
    for summary in summaries:
        (report.changed if summary.id in gone else report.added).append(summary.id)
    present = set(now.values())
    report.removed.extend(sorted(file_id for file_id in gone if file_id not in present))
    listed.ids = now
    if summaries and on_batch is not None:
        on_batch(summaries, 0, 0)


def _summaries_of(
    connection: sqlite3.Connection, rowids: Sequence[int]
) -> list[tuple[int, ArticleSummary]]:
    found: list[tuple[int, ArticleSummary]] = []
    for chunk in in_chunks(rowids):
        found.extend(read_summary_rows(connection, chunk))
    return found


def _commit(connection: sqlite3.Connection, writer: TextWriter) -> None:
    """Commit the full-text writer, then record in SQLite the commit the rows match."""
    stamp = writer.commit()
    with write_transaction(connection):
        connection.execute("UPDATE info SET value = ? WHERE key = 'text_commit'", (stamp,))
        next_generation(connection)


def _known_files(
    connection: sqlite3.Connection,
    ids: Collection[str] | None = None,
    tables: Sequence[str] = ("articles", "problems"),
) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every file the index has, as an article or a problem (or
    only in `tables`); or of those of `ids` it has."""
    if ids is None:
        return known_states(connection, tables=tables)
    wheres = [
        (f" WHERE id IN ({','.join('?' * len(chunk))})", list(chunk))
        for chunk in in_chunks(list(ids))
    ]
    return known_states(connection, wheres, tables)


def _known_articles_and_all(
    connection: sqlite3.Connection, ids: Collection[str] | None = None
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """_known_files of the articles, and of the articles and problems (a problem's when
    a file is both), of every file the index has or of those of `ids`."""
    known_articles = _known_files(connection, ids, tables=("articles",))
    return known_articles, known_articles | _known_files(connection, ids, tables=("problems",))


def _set_info(connection: sqlite3.Connection, rows: Sequence[tuple[str, object]]) -> None:
    """Write the info rows whose values changed, if any: a write, even of the same values,
    costs a commit and a checkpoint when the index closes (20-30 ms)."""
    keys = [key for key, _value in rows]
    marks = ",".join("?" * len(keys))
    now = dict(connection.execute(f"SELECT key, value FROM info WHERE key IN ({marks})", keys))
    changed = [(key, value) for key, value in rows if key not in now or now[key] != value]
    if changed:
        with write_transaction(connection):
            connection.executemany("INSERT OR REPLACE INTO info(key, value) VALUES (?, ?)", changed)


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


# (id, path, whether the index had it, the article as written or why not); the path
# empty and the item None for a file to remove.
_Loaded = tuple[str, str, bool, PreparedArticle | LoadProblem | None]


def _store(
    connection: sqlite3.Connection,
    writer: TextWriter,
    loaded: Sequence[_Loaded],
    listed: Listed | None = None,
    bands: PendingBands | None = None,
) -> list[ArticleSummary]:
    """Write a batch: SQLite in one transaction (removing what the index had of each
    file first), then the full-text writer, uncommitted. The list rows of the articles;
    `listed` gets them too, and loses the rows removed. Near-duplicate bands go to
    `bands`, when given, to be written later (see PendingBands)."""
    documents: list[tuple[int, PreparedArticle]] = []
    deleted: list[int] = []
    key_counts: Counter[str] = Counter()
    with write_transaction(connection):
        last_rowid = read_info(connection, "last_rowid")
        articles, texts = [], []
        for file_id, path_text, known, item in loaded:
            if known:
                rowid = _forget(connection, file_id, key_counts)
                if rowid is not None:
                    deleted.append(rowid)
            if isinstance(item, PreparedArticle):
                last_rowid += 1
                articles.append((last_rowid, *item.summary_row))
                texts.append((last_rowid, *item.text_row))
                key_counts.update(item.texts.keys)
                documents.append((last_rowid, item))
            elif isinstance(item, LoadProblem):
                # The path itself: a problem's is escaped for showing.
                connection.execute(
                    "INSERT INTO problems(id, path, message, size, mtime_ns) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (file_id, str(item.path), item.message, *path_state(path_text)),
                )
        connection.executemany(INSERT_ARTICLE, articles)
        connection.executemany(INSERT_TEXT, texts)
        store_signatures(
            connection,
            [(rowid, prepared.texts.signature) for rowid, prepared in documents],
            bands,
        )
        _count_keys(connection, key_counts)
        connection.execute("UPDATE info SET value = ? WHERE key = 'last_rowid'", (last_rowid,))
        next_generation(connection)
        if deleted or documents:
            connection.execute("UPDATE info SET value = -1 WHERE key = 'text_commit'")
    if listed is not None:
        for rowid in deleted:
            listed.ids.pop(rowid, None)
        listed.ids.update((rowid, prepared.id) for rowid, prepared in documents)
    for rowid in deleted:
        writer.delete(rowid)
    for rowid, prepared in documents:
        writer.add(text_document(rowid, prepared))
    return [prepared.summary() for _rowid, prepared in documents]


def _forget(connection: sqlite3.Connection, file_id: str, key_counts: Counter[str]) -> int | None:
    """Remove an article (or a recorded problem) by id, if the index has it; its rowid."""
    connection.execute("DELETE FROM problems WHERE id = ?", (file_id,))
    row = connection.execute(
        "SELECT a.rowid, t.metadata FROM articles a JOIN article_text t ON t.rowid = a.rowid "
        "WHERE a.id = ?",
        (file_id,),
    ).fetchone()
    if row is None:
        return None
    rowid, metadata = row
    connection.execute("DELETE FROM articles WHERE rowid = ?", (rowid,))
    connection.execute("DELETE FROM article_text WHERE rowid = ?", (rowid,))
    forget_signature(connection, rowid)
    # The field names it added (as IndexTexts.keys has them).
    key_counts.subtract(keys_of(json.loads(metadata)))
    return int(rowid)


def _count_keys(connection: sqlite3.Connection, key_counts: Counter[str]) -> None:
    """Keep field_keys's count of articles with each metadata key in step."""
    changes = [(key, count) for key, count in key_counts.items() if count]
    if changes:
        connection.executemany(
            "INSERT INTO field_keys(key, articles) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET articles = articles + excluded.articles",
            changes,
        )
        connection.execute("DELETE FROM field_keys WHERE articles <= 0")


# (path, id, whether the index has it already) of a file to read.
_FileToRead = tuple[str, str, bool]


def _read_batches(
    paths: Iterable[_FileToRead],
    root: Path,
    workers: int | None,
    many: bool,
    found: Callable[[], int] | None = None,
) -> Iterator[list[_Loaded]]:
    """The files of `paths` read, a batch at a time, in order; by a pool of worker
    processes when there are `many`, or when those left to read here would take longer
    than POOL_AFTER_SECONDS. `paths` is taken as it comes (from the walk), a few batches
    ahead of the reading; `found` is how many it has found so far."""
    root_text = str(root)
    if is_archive(root):
        files = list(paths)
        if files:
            yield from archive_batches(files, root, CHUNK_SIZE)
        return
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    if worker_count <= 1:
        for chunk in _chunks(paths, FIRST_CHUNK_SIZE if many else CHUNK_SIZE):
            yield from _load_files_here(chunk, root_text)
        return
    if not many:
        # Few files (the walk is over): read here, unless they turn out slow to read.
        files = list(paths)
        if not files:
            return  # nothing changed: the reading's imports are not needed
        reading = _load_files_here(files, root_text)
        done = 0
        # The files read after the first batch (whose first file holds the imports
        # reading needs, 0.25 s), and the time their reading took (not their writing).
        timed, spent = -1, 0.0
        while True:
            began = time.monotonic()
            batch = next(reading, None)
            if batch is None:
                return
            if timed >= 0:
                timed, spent = timed + len(batch), spent + time.monotonic() - began
            else:
                timed = 0
            yield batch
            done += len(batch)
            left = len(files) - done
            if timed < POOL_TIMED_FILES or left <= FIRST_CHUNK_SIZE:
                continue
            # (With no core free, the pool's start would only add to the work.)
            if spent / timed * left > POOL_AFTER_SECONDS and cores_free():
                reading.close()
                chunks = _sized_chunks(files[done:], worker_count)
                yield from _pooled_batches(chunks, root_text, worker_count, read_first=False)
                return
    chunks = _chunks(paths, FIRST_CHUNK_SIZE, found, worker_count)
    yield from _pooled_batches(chunks, root_text, worker_count, read_first=True)


def _pooled_batches(
    chunks: Iterator[list[_FileToRead]], root_text: str, worker_count: int, read_first: bool
) -> Iterator[list[_Loaded]]:
    """_read_batches' batches read by a pool of `worker_count` processes, a chunk a task;
    with `read_first`, the first chunk here while they start, as much of it as is read in
    WORKERS_START_SECONDS: the rest is handed to them in pieces (a few release notes of
    800 KB among the first files kept this process reading for 3 s after the workers had
    done theirs)."""
    with worker_pool(worker_count) as pool:
        here = next(chunks, []) if read_first else []
        calls = ((chunk, root_text) for chunk in chunks)
        ordered = in_order(pool, worker_count, load_files, calls)
        handed: list[Future[list[_Loaded]]] = []
        try:
            # The workers take a while to start (0.25 s; 0.5 s on a busy machine): the
            # first chunk is read here meanwhile, once the next are handed to them.
            following = next(ordered, None)
            reading = _load_files_here(here, root_text)
            read = 0
            stop = time.monotonic() + WORKERS_START_SECONDS
            for batch in reading:
                read += len(batch)
                yield batch
                if time.monotonic() >= stop:
                    reading.close()
                    break
            for piece in in_chunks(here[read:], HANDED_PIECE_SIZE):
                handed.append(pool.submit(load_files, piece, root_text))
            if following is not None:
                yield following[1].result()
            for _call, future in ordered:
                yield future.result()
            for future in handed:
                yield future.result()
        finally:
            ordered.close()  # a read stopped early: the tasks waiting are cancelled first
            for future in handed:
                future.cancel()


def _sized_chunks(files: list[_FileToRead], workers: int) -> Iterator[list[_FileToRead]]:
    """`files` in order, in chunks of about as many bytes each, TASKS_A_WORKER a worker
    (a file bigger than that is a chunk of its own): docs pages and changelogs differ in
    size a hundredfold, so a share by count left one worker reading alone. Each file is
    stat'ed (a few hundred files: a millisecond)."""
    sizes = []
    for path_text, _file_id, _known in files:
        try:
            sizes.append(os.stat(path_text).st_size)
        except OSError:  # its reading says what is wrong
            sizes.append(0)
    share = max(1, sum(sizes) // (workers * TASKS_A_WORKER))
    chunk: list[_FileToRead] = []
    held = 0
    for item, size in zip(files, sizes, strict=True):
        if chunk and held + size > share:
            yield chunk
            chunk, held = [], 0
        chunk.append(item)
        held += size
    if chunk:
        yield chunk


def _chunks(
    items: Iterable[_Item],
    first_size: int,
    found: Callable[[], int] | None = None,
    workers: int = 1,
) -> Iterator[list[_Item]]:
    """`items` in lists of `first_size`, then twice as many each time up to CHUNK_SIZE,
    taken as they come. With `found` (how many items there are so far), a list is also
    at most a `workers`' share of those found and not yet taken (at least
    LAST_CHUNK_SIZE): the workers finish together rather than one reading a whole last
    list alone."""
    iterator = iter(items)
    size = first_size
    taken = 0
    while chunk := list(islice(iterator, size)):
        yield chunk
        taken += len(chunk)
        size = min(size * 2, max(first_size, CHUNK_SIZE))
        if found is not None:
            share = -(-(found() - taken) // workers)
            size = min(size, max(share, LAST_CHUNK_SIZE))


_Item = TypeVar("_Item")


@contextlib.contextmanager
def worker_pool(count: int) -> Iterator[ProcessPoolExecutor]:
    """`count` worker processes, each begun by start_worker. Not forked from this process:
    it may be a threaded Textual app, where fork is unsafe, and no state of it is to be
    copied. Forked, where the system can, from a fresh process that has imported what
    reading needs once (multiprocessing's "forkserver", kept for the next pool): two
    workers spawned each imported it, 0.3-0.45 s of CPU apiece, on the cores the files are
    to be read on (a site of a few hundred pages is read in about a second)."""
    # Imported here: with logging, 12 ms of CPU a command that starts no workers (a
    # search of an index that is up to date) need not spend.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    forking = "forkserver" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if forking else "spawn")
    if forking:
        context.set_forkserver_preload(list(WORKER_MODULES))
        if not _FORKSERVER_STOPPED_AT_EXIT:
            _FORKSERVER_STOPPED_AT_EXIT.append(True)
            atexit.register(_stop_forkserver)
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=start_worker
    ) as pool:
        yield pool


# Whether _stop_forkserver is to run at exit (a list: set once, by the first pool).
_FORKSERVER_STOPPED_AT_EXIT: list[bool] = []


def _stop_forkserver() -> None:
    """The forkserver ends with this process anyway; stopped and waited for here, the CPU
    of the workers it forked (and waited for) counts as this process's children's, as a
    spawned worker's does: what `time`, benchmarks and RUSAGE_CHILDREN read."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # (multiprocessing's own, 3.8-)
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()


def in_order(
    pool: ProcessPoolExecutor,
    workers: int,
    function: Callable[..., _Result],
    calls: Iterable[tuple[Any, ...]],
) -> Generator[tuple[tuple[Any, ...], Future[_Result]], None, None]:
    """Each of `calls` (the arguments of one call of `function`) and its future, in the
    order given, with only a few in flight (two a worker): results stream back in order,
    and a slow consumer does not make them all wait in memory. Those not given back
    when this stops are cancelled."""
    pending: list[tuple[tuple[Any, ...], Future[_Result]]] = []
    try:
        for call in calls:
            pending.append((call, pool.submit(function, *call)))
            if len(pending) >= workers * 2:
                yield pending.pop(0)
        while pending:
            yield pending.pop(0)
    finally:
        for _call, future in pending:
            future.cancel()


_Result = TypeVar("_Result")


def start_worker() -> None:
    """A worker's objects so far (its imports) are never garbage: the collector need not
    look at them again on every pass of a batch. What a batch makes is mostly acyclic, and
    collected less often. markdown-it's debug logging, which no one reads here, is off."""
    from reader.markdown import silence_block_rule_logging

    silence_block_rule_logging()
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)


_GC_THRESHOLDS = (50_000, 20, 20)
# What workers import before their first task (where they are forked: see worker_pool).
WORKER_MODULES = ("reader.index.sync", "reader.loading.article")


def load_files(files: Sequence[_FileToRead], root_text: str) -> list[_Loaded]:
    """Parse (path, id, known) files and make their rows and full-text texts (the costly
    part of indexing: in worker processes when there are many)."""
    return list(_loaded_files(files, root_text))


def _loaded_files(files: Iterable[_FileToRead], root_text: str) -> Iterator[_Loaded]:
    from reader.loading.article import load_article  # not imported by a check alone

    root = Path(root_text)
    for path_text, file_id, known in files:
        item = load_article(Path(path_text), root, file_id)
        prepared = prepare(item) if isinstance(item, Article) else item
        yield file_id, path_text, known, prepared


def _load_files_here(
    files: list[_FileToRead], root_text: str
) -> Generator[list[_Loaded], None, None]:
    """load_files(files) in this process, as batches of what HERE_BATCH_SECONDS reads:
    the list has its first rows soon however slow each file is to read. The first
    file's time is not counted (it holds the imports reading needs, 0.25-0.8 s): a few
    quick files are still one batch, listed at once with the newest first."""
    batch: list[_Loaded] = []
    deadline: float | None = None
    for loaded in _loaded_files(files, root_text):
        batch.append(loaded)
        if deadline is None:
            deadline = time.monotonic() + HERE_BATCH_SECONDS
        elif time.monotonic() >= deadline:
            yield batch
            batch = []
            deadline = time.monotonic() + HERE_BATCH_SECONDS
    if batch:
        yield batch


def read_problems(connection: sqlite3.Connection) -> list[LoadProblem]:
    """Files recorded as unloadable, as of their last change."""
    rows = connection.execute("SELECT path, message FROM problems ORDER BY id")
    return [LoadProblem(Path(path), message) for path, message in rows]
