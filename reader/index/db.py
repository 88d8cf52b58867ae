"""The files behind the index: where they live, the SQLite schema, and opening both halves
(checked, made, or rebuilt).

One index per opened root, in the user cache dir: a SQLite database (list rows, article
texts, problems, metadata keys, info) and beside it the full-text index
(reader.index.text_index). WAL mode lets a second reader on the same root read while the
first writes; writes take the write lock for one batch at a time. A file that is corrupt,
of another schema version, or not a database at all is moved aside and rebuilt, with a
notice, never an error; so is an index whose two halves do not match (see open_index).

A temporary index (`--no-cache`, a cache that cannot be used) is the same two halves in a
temporary folder, or in memory (SQLite's `memdb`, tantivy's RAM directory).
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import tantivy

from reader.index.duplicates import TABLES as DUPLICATE_TABLES
from reader.index.text_index import (
    TextIndexBusy,
    TextIndexError,
    TextWriter,
    open_text_index,
    path_of,
    tokens_fingerprint,
)
from reader.paths import index_path
from reader.text.names import escape_name

# 5: the loader reads HTML, template tags, callouts, MDX and dates in paths, and the body
# is indexed as its text (reader.loading.body.body_text). 6: the full text moved from FTS5
# tables to tantivy. 7: MinHash signatures of bodies (reader.index.duplicates). 8: CJK
# runs indexed as bigrams (reader.text.tokens). 9: body and initiatives in one
# compressed `content` value (reader.index.rows.pack_content). 10: a break token between
# CJK runs (reader.text.tokens.RUN_BREAK). 11: a Han or Kana character counts as a word
# (word_count). 12: more date shapes (Astro's `Jul 08 2022`, `2022/07/08`, `2022-7-8`,
# `08.07.2022`: reader.loading.dates), an <img> without alt text in HTML (a load
# problem before), no number as an area (`section: 1`), and a README's `<h1>` or badged
# `# heading` as its title, and a table of contents (a list of links to anchors of the
# page) no initiatives: such articles are read again. 13: navigation (a list of links to
# other files, or a label over one: a changelog's `* Other Versions`) no initiatives; long
# bodies read as markdown whole, up to MAX_MARKDOWN_MARKS lines and block marks
# (reader.limits), not 10,000 lines or 200,000 characters: their initiatives and warnings
# change; PyMdown's `///` blocks, inline marks (`==mark==`, `H~2~O`, `++ctrl++`,
# `:smile:`) and `[TOC]` read as text (reader.markup.pymdownx). Older caches are rebuilt.
SCHEMA_VERSION = 13

_SCHEMA = f"""
-- root, created, tokens (see _check). generation: a count of writes, by which a search
-- engine knows the index has changed. last_rowid: rowids are never used twice, so a
-- full-text document names one version of one article. text_commit: the full-text
-- index's commit stamp that matches these rows, or -1 while rows are written that its
-- next commit will match (see reader.index.sync). No semicolons in comments here.
CREATE TABLE info(key TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    area TEXT,
    published TEXT,
    published_key REAL NOT NULL,
    day INTEGER,
    word_count INTEGER NOT NULL,
    initiative_count INTEGER NOT NULL,
    body_hash TEXT NOT NULL
);
CREATE INDEX articles_day ON articles(day);
-- Newest first, then by id: the list's order, and a search's when it has no words. It
-- holds `day` too, so a date filter over it needs no lookup in the table.
CREATE INDEX articles_newest ON articles(published_key DESC, id, day);
-- Kept apart from `articles` so that reading the list never pages through bodies.
-- content: body and initiatives, compressed (reader.index.rows.pack_content). metadata: JSON.
CREATE TABLE article_text(
    rowid INTEGER PRIMARY KEY,
    content BLOB NOT NULL,
    metadata TEXT NOT NULL,
    description TEXT,
    image TEXT,
    locale TEXT,
    kind TEXT,
    warnings TEXT NOT NULL,
    metadata_format TEXT NOT NULL,
    published_raw TEXT
);
CREATE TABLE problems(
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    message TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL
);
-- Every folded metadata path (and dotted prefix) in the folder, with how many articles
-- have it: the fields a query may name.
CREATE TABLE field_keys(
    key TEXT PRIMARY KEY,
    articles INTEGER NOT NULL
);
{DUPLICATE_TABLES};
PRAGMA user_version = {SCHEMA_VERSION};
"""


# SQLite allows 32,766 parameters in one statement; stay well under.
IDS_PER_STATEMENT = 500

_Item = TypeVar("_Item")


def in_chunks(items: Sequence[_Item], size: int = IDS_PER_STATEMENT) -> Iterator[Sequence[_Item]]:
    """`items` `size` at a time (by default, a statement's worth of parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


# How long to wait for another connection's write to finish before giving up.
BUSY_TIMEOUT_SECONDS = 10.0


def text_writer(text: tantivy.Index) -> TextWriter:
    """The full-text index's one writer, waited for as long as SQLite waits for a lock."""
    return TextWriter(text, BUSY_TIMEOUT_SECONDS)


class IndexLocked(sqlite3.OperationalError):
    """Another program held the index database locked for longer than the busy timeout."""


# What connect() opens: a database file, or the URI of a database in memory.
Database = Path | str


@dataclass
class OpenedIndex:
    # Kept open while the index is: a database in memory lives as long as a connection.
    connection: sqlite3.Connection
    database: Database
    text: tantivy.Index
    notices: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path | None:
        """The database file; None in memory."""
        return self.database if isinstance(self.database, Path) else None


_memory_names = itertools.count()


def memory_database() -> str:
    """A new database in memory that every connection of this process can open (SQLite's
    `memdb`: unlike `:memory:`, shared, and locked as a file is)."""
    return f"file:/reader-index-{os.getpid()}-{next(_memory_names)}?vfs=memdb"


def connect(database: Database) -> sqlite3.Connection:
    timeout = BUSY_TIMEOUT_SECONDS
    connection = sqlite3.connect(
        database,
        timeout=timeout,
        isolation_level=None,
        check_same_thread=False,
        uri=isinstance(database, str),
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        _use_wal(connection, timeout)
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("PRAGMA cache_size = -65536")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def _use_wal(connection: sqlite3.Connection, timeout: float) -> None:
    """Put the database in WAL mode (once per file; it stays so; a database in memory
    keeps its own journal). Switching needs a lock that SQLite does not wait for, so a
    reader that opens the file while another is creating it tries again for up to
    `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not is_locked(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def is_locked(error: BaseException) -> bool:
    """Whether `error` is SQLite giving up on a lock another connection holds, or
    another writer keeping the full-text index."""
    if isinstance(error, TextIndexBusy):
        return True
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error)
    )


# SQLite's primary result codes (sqlite3.h) for an I/O error and a full disk.
_SQLITE_IOERR = 10
_SQLITE_FULL = 13


def is_full(error: BaseException) -> bool:
    """Whether `error` says the cache cannot be written: its disk is full (SQLITE_FULL,
    ENOSPC, a quota or file size limit) or failed to write (SQLITE_IOERR, EIO: tantivy
    keeps no more of why a write in one of its threads failed). Rebuilding the cache would
    not help then."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in (_SQLITE_IOERR, _SQLITE_FULL)
        # Raised again in another process (a sync worker), the code is lost on the way.
        text = str(error)
        return "database or disk is full" in text or "disk I/O error" in text
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
    return False


def is_damage(error: BaseException) -> bool:
    """Whether `error` says the index is damaged (rebuild it), not locked or full."""
    if isinstance(error, TextIndexError):
        return True
    return isinstance(error, sqlite3.DatabaseError) and not is_locked(error) and not is_full(error)


@contextlib.contextmanager
def write_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back if anything fails inside."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        # After a full disk or an I/O error SQLite has rolled back already: a ROLLBACK
        # now would fail too and hide the error that matters.
        if connection.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def next_generation(connection: sqlite3.Connection) -> None:
    """Say that the index's rows changed (in the write transaction that changed them):
    engines and walks made at an older generation know they are behind."""
    connection.execute("UPDATE info SET value = value + 1 WHERE key = 'generation'")


def read_info(connection: sqlite3.Connection, key: str) -> int:
    row = connection.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row is not None else 0


def open_index(root: Path, path: Path | None = None) -> OpenedIndex:
    """Open (creating or rebuilding as needed) the index for `root` in the cache, or at
    the database file `path`.

    A cache file that is not a database, is damaged, or has another schema version is
    replaced by a new empty index, with a notice; so is one whose full-text half is
    missing, damaged, or does not match the database (a reader stopped between writing
    one and the other: see reader.index.sync). Raises IndexLocked when another program
    keeps the file locked past the busy timeout, and OSError or sqlite3.Error when even a
    new index cannot be made (the cache folder is not writable, its disk is full).
    """
    path = index_path(root) if path is None else path
    path.parent.mkdir(parents=True, exist_ok=True)
    notices: list[str] = []
    connection: sqlite3.Connection | None = None
    try:
        connection = connect(path)
        # One read transaction, so that another reader creating the file at this moment
        # is seen either not at all or whole.
        connection.execute("BEGIN")
        try:
            problem = _check(connection, path)
        finally:
            connection.execute("COMMIT")
        if problem == "":
            _create(connection, root, path_of(path))
            problem = None
        if problem is None:
            text = open_text_index(path_of(path), create=False)
            problem = _unmatched(connection, text, path)
            if problem is None:
                return OpenedIndex(connection, path, text, notices)
        notices.append(problem)
        connection.close()
        remove_index(path)
    except TextIndexError as error:
        assert connection is not None
        connection.close()
        notices.append(f"index cache {path.name} was damaged ({error}); rebuilt it")
        remove_index(path)
    except sqlite3.DatabaseError as error:
        if connection is not None:
            connection.close()
        if is_locked(error):
            raise IndexLocked(f"index cache {path.name} is locked by another program") from error
        if is_full(error):
            raise  # not damage: a new file would not fit either
        notices.append(f"index cache {path.name} was unreadable ({error}); rebuilt it")
        _move_aside(path)
    connection = connect(path)
    _create(connection, root, path_of(path))
    return OpenedIndex(connection, path, open_text_index(path_of(path), create=False), notices)


def open_memory_index(root: Path) -> OpenedIndex:
    """A new empty index for `root` in memory: nothing of it is ever written to disk."""
    database = memory_database()
    connection = connect(database)
    text = open_text_index(None, create=True)
    with write_transaction(connection):
        _create_tables(connection, root)
    return OpenedIndex(connection, database, text)


def _check(connection: sqlite3.Connection, path: Path) -> str | None:
    """None for a usable database, "" for a new empty file, else what is wrong with it.

    Cheap checks only (a full integrity check reads the whole file): the schema version,
    the size the header promises, and one read of each table's root. Damage deeper in
    the file shows up as sqlite3.DatabaseError later, and the caller rebuilds then.
    """
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == 0 and _is_empty(connection):
        return ""
    if version != SCHEMA_VERSION:
        return (
            f"index cache {path.name} was made by another version of the reader "
            f"(schema {version}, now {SCHEMA_VERSION}); rebuilt it"
        )
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    if wal_size == 0 and path.stat().st_size < pages * page_size:
        raise sqlite3.DatabaseError("the file is shorter than its header says: truncated")
    row = connection.execute("SELECT value FROM info WHERE key = 'tokens'").fetchone()
    if row is None or row[0] != tokens_fingerprint():
        return (
            f"index cache {path.name} was made by a reader that splits text into words "
            "differently; rebuilt it"
        )
    for table in ("articles", "article_text", "problems", "field_keys", "minhash"):
        connection.execute(f"SELECT max(rowid) FROM {table}").fetchone()
    return None


def _unmatched(connection: sqlite3.Connection, text: tantivy.Index, path: Path) -> str | None:
    """What is wrong when the full-text index is not at the commit the database says
    (a reader was stopped between writing one and the other), else None.

    Asked only when no one writes: with the full-text writer's lock held, so a sync
    running in another reader is never taken for one that stopped (its half-written
    state is its own, and it finishes it)."""
    try:
        writer = TextWriter(text, timeout=0)
    except TextIndexBusy:
        return None
    try:
        if read_info(connection, "text_commit") == writer.committed:
            return None
    finally:
        writer.close()
    return (
        f"index cache {path.name} was left half-written (a reader stopped while writing "
        "it); rebuilt it"
    )


def _is_empty(connection: sqlite3.Connection) -> bool:
    row = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return bool(row[0] == 0)


def _create(connection: sqlite3.Connection, root: Path, text_path: Path) -> None:
    """The schema in a new empty database, and a new full-text index beside it, both
    under the database's write lock: a reader opening the file meanwhile waits, then
    finds both."""
    with write_transaction(connection):
        if _is_empty(connection):
            shutil.rmtree(text_path, ignore_errors=True)  # of an index that was removed
            open_text_index(text_path, create=True)
            _create_tables(connection, root)


def _create_tables(connection: sqlite3.Connection, root: Path) -> None:
    for statement in _statements(_SCHEMA):
        connection.execute(statement)
    connection.execute(
        "INSERT INTO info(key, value) VALUES ('root', ?), ('created', ?), ('tokens', ?), "
        "('generation', 0), ('last_rowid', 0), ('text_commit', 0)",
        # Escaped: SQLite takes no lone surrogates (a root that is not UTF-8).
        (escape_name(os.path.realpath(root)), str(time.time()), tokens_fingerprint()),
    )


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


_SUFFIXES = ("", "-wal", "-shm")


def _move_aside(path: Path) -> None:
    """Keep a broken cache file (the latest one only) for inspection, out of the way."""
    for suffix in _SUFFIXES:
        old = Path(f"{path}{suffix}")
        if old.exists():
            try:
                os.replace(old, Path(f"{path}.broken{suffix}"))
            except OSError:
                old.unlink(missing_ok=True)
    shutil.rmtree(path_of(path), ignore_errors=True)


def remove_index(path: Path) -> None:
    """Delete an index: the database file and the full-text index beside it."""
    for suffix in _SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(path_of(path), ignore_errors=True)
