"""An archive as the sync sees a folder (reader.loading.archive): its article members
listed with their sizes and times, then read, in the archive's order, a batch at a time.

Called from reader.index.sync when the root is an archive; the index and its cache are
the same as a folder's. A member's state is its declared size and time, so a changed
archive re-reads only the members that changed in it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from reader.index.rows import PreparedArticle, prepare
from reader.loading.archive import (
    ArchiveError,
    Listing,
    is_archive,
    list_members,
    read_members,
)
from reader.model import Article, LoadProblem

# The listing of the archive last scanned, by (path, size, mtime): reading follows a scan.
_listed: dict[tuple[str, int, int], Listing] = {}

# As reader.index.sync has them: (path, size, mtime_ns) of a file found; (path, id,
# known) of one to read; (id, path, known, article as written or problem) of one read.
FileState = tuple[str, int, int]
ToRead = tuple[str, str, bool]
Loaded = tuple[str, str, bool, PreparedArticle | LoadProblem | None]


def _key(archive: Path) -> tuple[str, int, int]:
    info = os.stat(archive)
    return (os.fspath(archive), info.st_size, info.st_mtime_ns)


def _listing(archive: Path) -> Listing:
    key = _key(archive)
    listing = _listed.get(key)
    if listing is None:
        listing = list_members(archive)
        _listed.clear()
        _listed[key] = listing
    return listing


def scan_archive(archive: Path, problems: list[LoadProblem]) -> dict[str, FileState]:
    """Every article member by id, with its (shown) path, size and time; an archive
    that cannot be read is one of `problems`, with no members."""
    try:
        listing = _listing(archive)
    except (ArchiveError, OSError) as error:
        problems.append(LoadProblem(archive, str(error)))
        return {}
    if listing.damage is not None:
        problems.append(LoadProblem(archive, listing.damage))
    return {
        member.id: (os.path.join(archive, member.id), member.size, member.mtime_ns)
        for member in listing.members
    }


def archive_batches(
    files: Sequence[ToRead], archive: Path, batch_size: int
) -> Iterator[list[Loaded]]:
    """The members `files` names, loaded with their full-text texts, in batches."""
    known = {file_id: (path, had) for path, file_id, had in files}
    try:
        members = [member for member in _listing(archive).members if member.id in known]
    except (ArchiveError, OSError) as error:
        problem = str(error)
        members = []
        yield [
            (file_id, path, had, LoadProblem(Path(path), problem))
            for file_id, (path, had) in known.items()
        ]
    batch: list[Loaded] = []
    for member, item in read_members(archive, members):
        path, had = known[member.id]
        batch.append((member.id, path, had, prepare(item) if isinstance(item, Article) else item))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- the cache, keyed by the archive's size and time ------------------------------------


def archive_key(root: Path) -> str | None:
    """The archive's size and time as the index records them; None for a folder."""
    if not is_archive(root):
        return None
    info = os.stat(root)
    return f"{info.st_size}:{info.st_mtime_ns}"


def unchanged_states(
    connection: sqlite3.Connection, key: str | None
) -> dict[str, FileState] | None:
    """When the archive is as the last whole sync left it (`key` as recorded then), the
    states the index has of its members, as a scan would find them: nothing is listed
    or read again. Else None."""
    if key is None:
        return None
    row = connection.execute("SELECT value FROM info WHERE key = 'archive'").fetchone()
    if row is None or row[0] != key:
        return None
    states: dict[str, FileState] = {}
    for table in ("articles", "problems"):
        for file_id, size, mtime_ns in connection.execute(
            f"SELECT id, size, mtime_ns FROM {table}"
        ):
            if not file_id.endswith("/"):  # the archive's own problem: it had none
                states[file_id] = ("", size, mtime_ns)
    return states


def remember(connection: sqlite3.Connection, key: str | None) -> None:
    """Record that every member of the archive of `key` is in the index."""
    if key is not None:
        connection.execute("INSERT OR REPLACE INTO info(key, value) VALUES ('archive', ?)", (key,))
