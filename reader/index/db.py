"""The SQLite file behind the persistent index: where it lives, its schema, and recovery.

One database per opened root, in the user cache dir. WAL mode lets a second reader on the
same root read while the first writes; writes take the write lock for one batch at a time.
A file that is corrupt, of another schema version, or not a database at all is moved
aside and rebuilt, with a notice, never an error.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

SCHEMA_VERSION = 1
APP_NAME = "reader"

# Searchable text is split the same way the in-memory engine splits it (see
# reader.search.text): letters and digits, case-folded, diacritics removed.
TOKENIZER = "unicode61 remove_diacritics 2"

_SCHEMA = f"""
CREATE TABLE info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
    word_count INTEGER NOT NULL,
    initiative_count INTEGER NOT NULL
);
-- Kept apart from `articles` so that reading the list never pages through bodies.
CREATE TABLE article_text(
    rowid INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    initiatives_text TEXT NOT NULL,
    body TEXT NOT NULL,
    metadata_text TEXT NOT NULL,
    description TEXT,
    image TEXT,
    locale TEXT,
    kind TEXT,
    initiatives TEXT NOT NULL,
    warnings TEXT NOT NULL,
    metadata TEXT NOT NULL,
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
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, initiatives_text, body, metadata_text,
    content='article_text', content_rowid='rowid', tokenize='{TOKENIZER}'
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def cache_dir() -> Path:
    """Where index files go: $READER_CACHE_DIR, else the platform's user cache dir."""
    override = os.environ.get("READER_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "index"


def index_path(root: Path) -> Path:
    """The database file for a root: named by a hash of its real path."""
    real = os.path.realpath(root)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return cache_dir() / f"{digest}.sqlite3"


@dataclass
class OpenedIndex:
    connection: sqlite3.Connection
    path: Path
    notices: list[str] = field(default_factory=list)


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 10000")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.execute("PRAGMA cache_size = -65536")
    return connection


def open_index(root: Path) -> OpenedIndex:
    """Open (creating or rebuilding as needed) the index database for `root`.

    Raises sqlite3.Error only when even a fresh database cannot be made (for example the
    cache folder is not writable); callers then run without a cache.
    """
    path = index_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    notices: list[str] = []
    try:
        connection = connect(path)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            connection.execute("SELECT count(*) FROM articles_fts WHERE rowid = 0").fetchone()
            return OpenedIndex(connection, path, notices)
        if version == 0 and _is_empty(connection):
            _create(connection, root)
            return OpenedIndex(connection, path, notices)
        connection.close()
        notices.append(
            f"index cache {path.name} has schema {version}, this reader uses "
            f"{SCHEMA_VERSION}; rebuilding it"
        )
    except sqlite3.DatabaseError as error:
        notices.append(f"index cache {path.name} is unreadable ({error}); rebuilding it")
    _move_aside(path)
    connection = connect(path)
    _create(connection, root)
    return OpenedIndex(connection, path, notices)


def _is_empty(connection: sqlite3.Connection) -> bool:
    row = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return bool(row[0] == 0)


def _create(connection: sqlite3.Connection, root: Path) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        if _is_empty(connection):
            for statement in _statements(_SCHEMA):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO info(key, value) VALUES ('root', ?), ('created', ?)",
                (os.path.realpath(root), str(time.time())),
            )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _move_aside(path: Path) -> None:
    """Keep a broken cache file for inspection instead of deleting it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        old = Path(str(path) + suffix)
        if old.exists():
            try:
                os.replace(old, Path(f"{path}.broken-{stamp}{suffix}"))
            except OSError:
                old.unlink(missing_ok=True)
