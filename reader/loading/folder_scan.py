"""The stat walk that tells which files of a folder changed since the index last saw them
(reader.index.sync compares it with the index), and the same walk run in a helper
process, so that a command does its other work meanwhile on the other core: `reader
search` queries the index as it is while the folder is walked, and queries again only
when the walk found a change (the answer is as fresh as if it had walked first).

The helper imports only this module and what it needs to list files (no SQLite, no
tantivy, no markdown), and sends back the walk as one marshal value. Any trouble with it
(it cannot start, dies, sends nothing) makes `result()` None, and the caller walks the
folder itself.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from reader.loading.discover import find_files, folder_listings
from reader.model import LoadProblem

if TYPE_CHECKING:
    import sqlite3
    import subprocess
    from collections.abc import Iterator, Sequence

# (path, size, mtime_ns) of a file found under the root.
FileState = tuple[str, int, int]


def stat_files(
    root: Path,
    problems: list[LoadProblem],
    links: list[str] | None = None,
    *,
    part: tuple[int, int] = (0, 1),
    entered: list[tuple[int, int]] | None = None,
    shares: list[list[str]] | None = None,
) -> dict[str, FileState]:
    """Every article file under the folder (or file) `root` by id, with its size and
    mtime (stat only, no reads; see entry_state); of a folder, only the `part` of it
    folder_listings walks."""
    states: dict[str, FileState] = {}
    if not root.is_dir():
        for found in find_files(root):  # the one file, under its id
            states[found.id] = (found.path, *path_state(found.path))
        return states
    listings = folder_listings(root, problems, links, part=part, entered=entered, shares=shares)
    for listing in listings:
        for entry, file_id in listing:
            if file_id in states:
                continue  # two names spelt alike once escaped: the first, as a sync has it
            size, mtime_ns = entry_state(entry)
            states[file_id] = (entry.path, size, mtime_ns)
    return states


def entry_state(entry: os.DirEntry[str]) -> tuple[int, int]:
    """A listed file's size and mtime (its entry's stat, cached). A file that cannot be
    stat'ed (a dangling link, a link loop) gets (-1, -1): read once, the loader reports
    what is wrong with it, and it counts as changed again only when it can be stat'ed (a
    refresh must not announce the same broken link every time)."""
    try:
        info = entry.stat()
    except OSError:
        return -1, -1
    return info.st_size, info.st_mtime_ns


def path_state(path: str | os.PathLike[str]) -> tuple[int, int]:
    """entry_state of the file at `path`."""
    try:
        info = os.stat(path)
    except OSError:
        return -1, -1
    return info.st_size, info.st_mtime_ns


# Which index a walk was compared with, and when: its info rows `created` and
# `generation` (any write of its rows moves the second; a rebuilt index has another first).
IndexVersion = tuple[str, int]


@dataclass
class FolderScan:
    """What stat_files found: the files, the folders it could not list, the links met,
    and the (device, inode) of each folder it entered.

    A walk compared with the index (`compared_with` its version then) holds in `states`
    only the files new or changed since the index saw them, with the index's (size,
    mtime_ns) of the changed ones in `known`, and in `gone` the files the index has that
    the walk did not find: when nothing changed, no file comes back. Not compared, it
    holds every file."""

    states: dict[str, FileState]
    problems: list[LoadProblem] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    entered: list[tuple[int, int]] = field(default_factory=list)
    known: dict[str, tuple[int, int]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)
    found: int = 0  # files found
    compared_with: IndexVersion | None = None
    digests: list[str] = field(default_factory=list)  # of each part's walk, compared
    # The root's subfolders as the parts shared them out (folder_listings' `shares`).
    shares: list[list[str]] = field(default_factory=list, compare=False)


def scan(root: Path, part: tuple[int, int] = (0, 1), database: str | None = None) -> FolderScan:
    """stat_files of `root` (or of a part of it), with its problems and links; compared
    with the index in the SQLite file `database` when given (see FolderScan)."""
    found = FolderScan({})
    if database is None:
        found.states = stat_files(
            root, found.problems, found.links, part=part, entered=found.entered
        )
        found.found = len(found.states)
        return found
    next(folder_listings(root, part=part, shares=found.shares), None)  # the root only
    # The index as it was before the walk began, held (one read transaction) until it
    # is compared: a file the index got meanwhile (from another reader) is not taken
    # for gone, and the sync takes the walk only if the index is still so.
    with _reading(database) as connection:
        found.compared_with = index_version(connection)
        last_digest = _last_digest(connection, part, found.compared_with)
        shares: list[list[str]] = []
        states = stat_files(
            root, found.problems, found.links, part=part, entered=found.entered, shares=shares
        )
        if shares != found.shares:
            raise ValueError("the folder's subfolders changed during the walk")
        found.found = len(states)
        found.digests = [_digest(states, shares)]
        if found.digests[0] == last_digest:
            # The same files, sizes and times as when the index last matched them all,
            # and the index not written since: nothing to compare.
            return found
        ranges = id_ranges(shares, part[0])
        known = known_states(connection, [_in_range(low, high) for low, high in ranges])
    for file_id, state in states.items():
        before = known.pop(file_id, None)
        if before is None:
            found.states[file_id] = state
        elif before != state[1:]:
            found.states[file_id] = state
            found.known[file_id] = before
    found.gone = list(known)  # what is left
    return found


def _digest(states: dict[str, FileState], shares: list[list[str]]) -> str:
    """A digest of a part's walk: every file's id, path, size and mtime, in order, and
    how the root's subfolders were shared out (marshal's version 2 writes a value the
    same way every time)."""
    import hashlib

    return hashlib.blake2b(marshal.dumps((shares, states), 2), digest_size=20).hexdigest()


def digest_rows(found: FolderScan) -> list[tuple[str, str]]:
    """The index's info rows that remember a compared walk's digests (`found.digests`,
    one a part) as of the generation it was compared at: a later walk of a part with
    the same digest, while the index is at that generation, finds what this one found.
    Written only when the walk found nothing changed and nothing gone."""
    assert found.compared_with is not None
    generation = found.compared_with[1]
    count = len(found.digests)
    return [
        (_digest_key((number, count)), f"{generation} {digest}")
        for number, digest in enumerate(found.digests)
    ]


def _digest_key(part: tuple[int, int]) -> str:
    return f"walk_digest {part[0]}/{part[1]}"


def _last_digest(
    connection: sqlite3.Connection, part: tuple[int, int], version: IndexVersion
) -> str | None:
    """The digest digest_rows remembered for `part`, if of the index at `version`."""
    row = connection.execute("SELECT value FROM info WHERE key = ?", (_digest_key(part),))
    value = row.fetchone()
    generation, _, digest = str(value[0] if value else "").partition(" ")
    return digest if generation == str(version[1]) else None


def joined(parts: list[FolderScan]) -> FolderScan | None:
    """The walk of the whole folder from the walks of its parts, in order; None when a
    folder was entered by two of them (through a link), where one walk enters it once,
    or when they did not see the same root or index."""
    whole = FolderScan({}, compared_with=parts[0].compared_with if parts else None)
    for found in parts:
        if (found.compared_with, found.shares) != (whole.compared_with, parts[0].shares):
            return None
        for file_id, state in found.states.items():
            whole.states.setdefault(file_id, state)  # the first found, as stat_files keeps
        whole.problems += found.problems
        whole.links += found.links
        whole.entered += found.entered
        whole.known.update(found.known)
        whole.gone += found.gone
        whole.found += found.found
        whole.digests += found.digests
    if len(set(whole.entered)) < len(whole.entered):
        return None
    if whole.compared_with is None:
        # (Compared, two parts find no file alike: each answers for ids of its own.)
        whole.found = len(whole.states)
    return whole


def id_ranges(shares: list[list[str]], number: int) -> list[tuple[str, str | None]]:
    """The ids (from, up to; None: no end) part `number` of a walk answers for, as
    folder_listings shared the root's subfolders out (`shares`): every id under its
    subfolders, and for the first part every id under no other part's too (the root's
    files, folders no longer there). Each id is one part's. Raises ValueError when two
    parts have folders of one id (names spelt alike once escaped)."""
    owners: dict[str, int] = {}
    for owner, run in enumerate(shares):
        for prefix in run:
            if owners.setdefault(prefix, owner) != owner:
                raise ValueError(f"two parts have the folder {prefix!r}")

    def under(prefix: str) -> tuple[str, str]:
        return prefix, prefix[:-1] + chr(ord("/") + 1)  # the ids that begin `prefix`

    if number > 0:
        return sorted(under(prefix) for prefix, owner in owners.items() if owner == number)
    ranges: list[tuple[str, str | None]] = []
    low = ""
    for start, end in sorted(under(prefix) for prefix, owner in owners.items() if owner):
        if start > low:
            ranges.append((low, start))
        low = end
    ranges.append((low, None))
    return ranges


def known_states(
    connection: sqlite3.Connection,
    wheres: Sequence[tuple[str, Sequence[str]]] = (("", ()),),
    tables: Sequence[str] = ("articles", "problems"),
) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of every file the index has, as an article or a problem (a
    problem's when both; or only in `tables`), of the ids each of `wheres` (a WHERE
    clause on `id` and its parameters, or "" for all) selects."""
    known: dict[str, tuple[int, int]] = {}
    for table in tables:
        for where, parameters in wheres:
            select = f"SELECT id, size, mtime_ns FROM {table}{where}"
            for file_id, size, mtime_ns in connection.execute(select, parameters):
                if not file_id.endswith("/"):  # a folder's problem, not a file
                    known[file_id] = (size, mtime_ns)
    return known


def _in_range(low: str, high: str | None) -> tuple[str, Sequence[str]]:
    """known_states' WHERE clause for the ids from `low` up to `high` (None: no end)."""
    if high is not None:
        return " WHERE id >= ? AND id < ?", (low, high)
    return (" WHERE id >= ?", (low,)) if low else ("", ())


def index_version(connection: sqlite3.Connection) -> IndexVersion:
    """The index's IndexVersion now."""
    rows = dict(connection.execute("SELECT key, value FROM info WHERE key IN (?, ?)", _VERSION))
    return str(rows.get("created", "")), int(rows.get("generation", 0))


_VERSION = ("created", "generation")


@contextlib.contextmanager
def _reading(database: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the index in `database`, in one read transaction (one
    snapshot of it) from its first read to the end."""
    import sqlite3

    uri = f"{Path(database).as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
    try:
        connection.execute("BEGIN")
        yield connection
    finally:
        connection.close()


class PendingScan:
    """`scan(root)` of a folder, running in helper processes from the moment this is
    made: one per core, each walking a part of the folder (the root's subfolders shared
    out in runs)."""

    def __init__(
        self,
        root: Path,
        helpers: int | None = None,
        *,
        index_generation: int | None = None,
        database: str | None = None,
    ) -> None:
        import subprocess

        # The index's generation when the walk began: a sync takes the walk only while
        # the index is still there (another reader may index a change the walk missed).
        self.index_generation = index_generation
        # The index's SQLite file: each helper compares its part with it (see scan).
        self.database = database

        count = max(1, helpers if helpers is not None else (os.cpu_count() or 1))
        self._result: FolderScan | None = None
        self._done = False
        # The folder this package is in comes first on the helper's path: it runs this
        # very code, without site-packages (-S: quicker to start), isolated (-I: the
        # working folder, where a `dataclasses.py` may lie, is not on its path).
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        code = f"import sys; sys.path.insert(0, {package_parent!r}); from {__name__} import main"
        code += "; main()"
        self._processes: list[subprocess.Popen[bytes]] = []
        try:
            for number in range(count):
                self._processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-I",
                            "-S",
                            "-c",
                            code,
                            os.fsdecode(root),
                            str(number),
                            str(count),
                            *([] if database is None else [database]),
                        ],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                    )
                )
        except (OSError, ValueError):
            self.close()

    def result(self) -> FolderScan | None:
        """The helpers' walk, waited for; None if any failed (walk the folder instead)."""
        if self._done:
            return self._result
        self._done = True
        parts: list[FolderScan] = []
        try:
            for process in self._processes:
                stdout: IO[bytes] | None = process.stdout
                data = stdout.read() if stdout is not None else b""
                if process.wait() != 0 or not data:
                    return None
                parts.append(_decoded(data))
            self._result = joined(parts) if parts else None
        except (OSError, ValueError, EOFError, TypeError):
            self._result = None
        finally:
            self.close()
        return self._result

    def close(self) -> None:
        """Stop the helpers still running (their walk is not wanted)."""
        self._done = True
        processes, self._processes = self._processes, []
        for process in processes:
            if process.poll() is None:
                process.kill()
            if process.stdout is not None:
                process.stdout.close()
            process.wait()

    def __enter__(self) -> PendingScan:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# From this many articles in the index on, `reader search` walks the folder in helper
# processes while it searches the index as it is: below, starting them (some 70 ms, 40 ms
# of CPU each) costs more than the walk they spare.
SCAN_APART_ARTICLES = 5_000
# From this many on, whatever the machine's load: the helpers compare the walk with the
# index themselves, so this process does nothing a file. At a load of 4.3-5 on 2 cores
# (medians of 7-8, in the helpers against walked here): 100,000 files 1.02 s against
# 1.12 s, 50,000 0.99 s against 0.93 s (about even), 10,000 0.46 s against 0.39 s.
SCAN_APART_BUSY_ARTICLES = 50_000


def walk_apart(articles: int) -> bool:
    """Whether `reader search` of a folder whose index has `articles` walks it in the
    helpers."""
    if articles >= SCAN_APART_BUSY_ARTICLES:
        return True
    return articles >= SCAN_APART_ARTICLES and cores_free()


def cores_free() -> bool:
    """Whether the machine has a core to spare (its load average over the last minute is
    at most its cores less one). The helpers cost CPU (starting them) and gain on a
    smaller folder only with a free core."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not told (Windows): as if free
        return cores > 1
    return load + 1 <= cores


_early: PendingScan | None = None


@contextlib.contextmanager
def early_walk(argv: Sequence[str]) -> Iterator[None]:
    """While in this, the walk `reader search` (its command line `argv`) would start for
    a big indexed folder is already running: begun before the rest of the reader is
    imported (0.12 s), it is taken by started_walk, and stopped at the end if not.

    A guess from the command line, made without its parser: the one argument naming a
    folder, that folder's index in the cache. A wrong guess costs only the walk, which
    started_walk stops."""
    global _early
    _early = _start_early(argv)
    try:
        yield
    finally:
        scan, _early = _early, None
        if scan is not None:
            scan.close()


def started_walk(database: str | None) -> PendingScan | None:
    """The walk early_walk began, if of the folder whose index is in `database` (the
    caller closes it); any other is stopped."""
    global _early
    scan, _early = _early, None
    if scan is None:
        return None
    if database is not None and scan.database == database:  # (named by root's real path)
        return scan
    scan.close()
    return None


def _start_early(argv: Sequence[str]) -> PendingScan | None:
    """The walk early_walk begins, or None. A guess, and only a head start: any trouble
    making it (a cache folder that cannot be looked in, say) is left to the command,
    which meets it again and says what it is."""
    try:
        return _guessed_walk(argv)
    except Exception:
        return None


def _guessed_walk(argv: Sequence[str]) -> PendingScan | None:
    # (Not at the top: the helpers import this module without site-packages.)
    from reader.paths import index_path

    if not argv or argv[0] != "search" or "--no-cache" in argv:
        return None
    folders = [arg for arg in argv[1:] if not arg.startswith("-") and os.path.isdir(arg)]
    if len(folders) != 1:
        return None
    root = Path(folders[0])
    database = index_path(root)
    if not database.is_file():
        return None
    with _reading(str(database)) as connection:
        generation = index_version(connection)[1]
        count = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    if not walk_apart(count):
        return None
    return PendingScan(root, index_generation=generation, database=str(database))


def _encoded(found: FolderScan) -> bytes:
    problems = [(str(problem.path), problem.message) for problem in found.problems]
    encoding = sys.getfilesystemencoding()
    return marshal.dumps(
        (
            encoding,
            found.states,
            problems,
            found.links,
            found.entered,
            found.known,
            found.gone,
            found.found,
            found.compared_with,
            found.digests,
            found.shares,
        )
    )


def _decoded(data: bytes) -> FolderScan:
    (
        encoding,
        states,
        problems,
        links,
        entered,
        known,
        gone,
        count,
        compared_with,
        digests,
        shares,
    ) = marshal.loads(data)
    # Names decoded otherwise would be other ids: every file would look new.
    if encoding != sys.getfilesystemencoding() or not isinstance(states, dict):
        raise TypeError("not a folder scan of this process's names")
    problems = [LoadProblem(Path(path), message) for path, message in problems]
    return FolderScan(
        states,
        problems,
        list(links),
        [tuple(folder) for folder in entered],
        known,
        gone,
        count,
        None if compared_with is None else tuple(compared_with),
        digests,
        shares,
    )


def main() -> None:
    """A helper: walk the part (its number, of how many: the second and third arguments)
    of the folder named by the first, compared with the index in the SQLite file named
    by the fourth if any, and write it to stdout."""
    # A short life making 100,000 tuples that all live to the end: nothing to collect.
    gc.disable()
    root = Path(sys.argv[1])
    if not root.is_dir():  # a file, an archive: not this walk's to list
        sys.exit(1)
    part = (int(sys.argv[2]), int(sys.argv[3]))
    database = sys.argv[4] if len(sys.argv) > 4 else None
    sys.stdout.buffer.write(_encoded(scan(root, part, database)))
    sys.stdout.buffer.flush()
