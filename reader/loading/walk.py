"""The stat walk that tells which files of a folder changed since the index last saw them
(reader.index.sync compares it with the index), and the same walk run in helper
processes, so that a command does its other work meanwhile on the other core: `reader
search` queries the index as it is while the folder is walked, then walks the parts of it
no helper has taken yet, and queries again only when the walk found a change (the answer
is as fresh as if it had walked first).

A helper imports this module and the file-name escaping, nothing else of the reader and
little of the standard library (no dataclasses, typing or pathlib: with them a helper
began walking 44 ms after it was spawned, now 16 ms; at 100,000 files a helper walking
half of them spent 0.23 s of CPU, half of it its stat calls, each by the file's name in
its folder), and sends back its walks as one marshal value. `reader` (reader.launch)
spawns the helpers of `reader search` from here before it imports the rest of itself.
reader.loading.folder_scan hands the walks to the rest of the reader as FolderScans.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from operator import attrgetter, itemgetter

from reader.loading.ignore import Ignores, folder_ignored, folder_ignores
from reader.text.names import escape_name, unsafe_name

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    import subprocess
    from collections.abc import Iterable, Iterator, Sequence

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".txt"})
_SUFFIX_TUPLE = tuple(ARTICLE_SUFFIXES)
_name = attrgetter("name")


def is_article_name(name: str) -> bool:
    # endswith on a tuple: this runs once per file on every open, so it is kept cheap.
    return not name.startswith(".") and name.lower().endswith(_SUFFIX_TUPLE)


# An article file's directory entry (its stat() is cached) and id.
ListedFile = tuple[os.DirEntry[str], str]
# A folder a walk could not list: its path (escaped: escape_name) and what was wrong.
FolderTrouble = tuple[str, str]
# (path, size, mtime_ns) of a file found under the root.
FileState = tuple[str, int, int]
# Which index a walk was compared with, and when: its info rows `created` and
# `generation` (any write of its rows moves the second; a rebuilt index has another first).
IndexVersion = tuple[str, int]


def folder_listings(
    root: str | os.PathLike[str],
    problems: list[FolderTrouble] | None = None,
    links: list[str] | None = None,
) -> Iterator[list[ListedFile]]:
    """The article files under the folder `root`, a folder at a time, in a stable order
    (reader.loading.discover.find_files has them one at a time): a walk that stats
    100,000 files makes no FoundFile for each. See listed_folders."""
    for _folder, files in listed_folders(root, problems, links):
        yield files


def listed_folders(
    root: str | os.PathLike[str],
    problems: list[FolderTrouble] | None = None,
    links: list[str] | None = None,
    part: tuple[int, int] = (0, 1),
    entered: list[tuple[int, int]] | None = None,
    shares: list[list[str]] | None = None,
    root_listing: RootListing | None = None,
) -> Iterator[tuple[str, list[ListedFile]]]:
    """The article files under the folder `root`, a folder at a time, each listing with
    the path of its folder: the one walk folder_listings and stat_files make.

    Recursive, sorted by name at each level (files before subfolders); hidden files and
    folders are skipped, and those the folders' ignore files leave out (see
    reader.loading.ignore); symlinks are followed but each real folder is entered once, so
    a link loop ends. A folder that cannot be listed is added to `problems`; the path of
    every symlink met (to a file or a folder) to `links`.

    `part` (k, n) walks the k-th of n parts: the root's subfolders are shared out in n
    runs, in order, and the first part has the root's own files, links and trouble too;
    the n parts one after the other are the whole walk, as long as no folder is entered
    by two of them (through a link: `entered` gets the (device, inode) of each folder
    entered, to check). `shares` gets the n runs, each as its folders' id prefixes
    (`name/`), once the root is listed. `root_listing`: the root's listing kept for the
    walks of other parts of it (see walk_parts), or to be kept there."""
    number, parts = part
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str, Ignores]] = [(os.fspath(root), "", ())]
    at_root = True
    while stack:
        folder, prefix, ignores = stack.pop()
        # The root's files, links and trouble are the first part's.
        mine = number == 0 or not at_root
        try:
            info = os.stat(folder)
            identity = (info.st_dev, info.st_ino)
            if identity in seen:
                continue
            seen.add(identity)
            if entered is not None and mine:  # (every part enters the root)
                entered.append(identity)
            listed = root_listing if at_root and root_listing is not None else None
            entries = sorted_entries(folder) if not listed else []
        except OSError as error:
            # Unreadable, gone since it was listed, or deeper than the system's path limit.
            if problems is not None and mine:
                reason = error.strerror or type(error).__name__
                problems.append((escape_name(folder), f"cannot list folder: {reason}"))
            continue
        if listed is None:
            ignores = _ignores_here(folder, entries, prefix, ignores)
            subfolders, files = _sorted_out(entries, prefix, links if mine else None, ignores)
        else:
            # The root's entries are sorted out once for every part walked here: a root
            # of 50,000 files would otherwise be gone through again for each part.
            if not listed:
                root_links: list[str] = []
                ignores = _ignores_here(folder, entries, prefix, ignores)
                sorted_out = _sorted_out(entries, prefix, root_links, ignores)
                listed.append((*sorted_out, root_links, ignores))
            subfolders, files, root_links, ignores = listed[0]
            if links is not None and mine:
                links.extend(root_links)
        if at_root:
            at_root = False
            count = len(subfolders)
            runs = [subfolders[count * k // parts : count * (k + 1) // parts] for k in range(parts)]
            if shares is not None:
                shares[:] = [[prefix for _path, prefix in run] for run in runs]
            subfolders = runs[number]
            if not mine:
                files = []
        yield folder, files
        stack.extend((path, sub_prefix, ignores) for path, sub_prefix in reversed(subfolders))


def _ignores_here(
    folder: str, entries: list[os.DirEntry[str]], prefix: str, outer: Ignores
) -> Ignores:
    """The ignore rules in force in `folder` (see reader.loading.ignore): its ignore
    files' are looked for among its hidden entries only."""
    hidden = [entry.name for entry in entries if entry.name[0] == "."]
    return folder_ignores(folder, hidden, prefix, outer) if hidden else outer


def _sorted_out(
    entries: list[os.DirEntry[str]],
    prefix: str,
    links: list[str] | None,
    ignores: Ignores = (),
) -> tuple[list[tuple[str, str]], list[ListedFile]]:
    """A folder's entries (sorted), its ids beginning `prefix`: its subfolders (each path
    and id prefix) and its article files, but those `ignores` leaves out; the path of each
    symlink met added to `links`."""
    subfolders: list[tuple[str, str]] = []
    files: list[ListedFile] = []
    names = [entry.name for entry in entries]
    # One look at all the names: escape_name of each (100,000 calls) only when some name
    # needs it.
    escaped = map(escape_name, names) if unsafe_name("/".join(names)) else names
    ignored_here = folder_ignored(ignores, prefix) if ignores else None
    # (This runs once per file of every walk: no call that can be spared.)
    for entry, name, id_name in zip(entries, names, escaped, strict=True):
        if name[0] == ".":  # hidden (a listed name is never empty)
            continue
        if links is not None and entry.is_symlink():
            links.append(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            # A link loop, say: an article-named one is listed so loading reports it.
            is_dir = False
        if is_dir:
            if ignored_here is not None and ignored_here(id_name, True):
                continue
            subfolders.append((entry.path, f"{prefix}{id_name}/"))
        elif name.lower().endswith(_SUFFIX_TUPLE):  # is_article_name, inline
            if ignored_here is not None and ignored_here(id_name, False):
                continue
            files.append((entry, prefix + id_name))
    return subfolders, files


# The root's listing sorted out (its subfolders, files and links met), kept by walk_parts
# for the other parts it walks: empty until the first part's walk puts it in.
RootListing = list[tuple[list[tuple[str, str]], list[ListedFile], list[str], Ignores]]


def sorted_entries(folder: str | os.PathLike[str]) -> list[os.DirEntry[str]]:
    """The entries of `folder`, by name (raises OSError if it cannot be listed)."""
    with os.scandir(folder) as scan:
        return sorted(scan, key=_name)


def stat_files(
    root: str | os.PathLike[str],
    problems: list[FolderTrouble],
    links: list[str] | None = None,
    *,
    part: tuple[int, int] = (0, 1),
    entered: list[tuple[int, int]] | None = None,
    shares: list[list[str]] | None = None,
    root_listing: RootListing | None = None,
) -> dict[str, FileState]:
    """Every article file under the folder (or file) `root` by id, with its size and
    mtime (stat only, no reads; see entry_state); of a folder, only the `part` of it
    listed_folders walks."""
    states: dict[str, FileState] = {}
    if not os.path.isdir(root):  # the one file, under its id
        path = os.fspath(root)
        states[file_root_id(path)] = (path, *path_state(path))
        return states
    stat = os.stat
    for folder, listing in listed_folders(
        root, problems, links, part, entered, shares, root_listing
    ):
        # Each file stat'ed by its name in its folder (opened once): the system looks
        # up one name, not the whole path (50,000 files: 190 against 212 ms of CPU).
        handle = _open_folder(folder) if listing else None
        if handle is None:  # (or gone since it was listed: each file's stat tells)
            for entry, file_id in listing:
                if file_id not in states:  # the first of two ids spelt alike, as a sync
                    states[file_id] = (entry.path, *entry_state(entry))
            continue
        try:
            for entry, file_id in listing:
                if file_id in states:
                    continue  # two names spelt alike once escaped: the first, as a sync has it
                try:  # entry_state, inline
                    info = stat(entry.name, dir_fd=handle)
                except OSError:
                    states[file_id] = (entry.path, -1, -1)
                else:
                    states[file_id] = (entry.path, info.st_size, info.st_mtime_ns)
        finally:
            os.close(handle)
    return states


def _open_folder(folder: str) -> int | None:
    """A handle on `folder` to stat its files by name (os.stat's dir_fd), if the system
    has them and the folder can be opened."""
    if not _STAT_IN_FOLDER:
        return None
    try:
        return os.open(folder, _FOLDER_FLAGS)
    except OSError:
        return None


_STAT_IN_FOLDER = os.stat in os.supports_dir_fd  # (not on Windows)
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def file_root_id(root: str | os.PathLike[str]) -> str:
    """The id of the one article of a root that is a file: its name, escaped."""
    return escape_name(os.path.basename(os.path.normpath(root)))


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


def walk(
    root: str | os.PathLike[str], part: tuple[int, int] = (0, 1), database: str | None = None
) -> dict[str, object]:
    """stat_files of `root` (or of a part of it), with its problems and links; compared
    with the index in the SQLite file `database` when given: the fields of a FolderScan
    (see reader.loading.folder_scan) by name, as plain values, those left out empty."""
    number, parts = part
    return walk_parts(root, parts, [number], database)[0][1]


def walk_parts(
    root: str | os.PathLike[str],
    parts: int,
    numbers: Iterable[int],
    database: str | None = None,
    kept: list[object] | None = None,
) -> list[tuple[int, dict[str, object]]]:
    """walk() of each part of `root` (cut in `parts`) that `numbers` names, as it names
    them (taken one at a time from the queue the helpers share, say), with its number:
    the root is listed once for them all, and they are compared with one snapshot of
    the index. `kept` gets the files walked of each part compared (a helper keeps them
    to its end, see main)."""
    # The index as it was before the walk began, held (one read transaction) until every
    # part is compared: the root is listed after, so a folder the index got meanwhile
    # (from another reader) is listed too and its files are not taken for gone; and the
    # sync takes the walk only if the index is still so.
    connection = None if database is None else reading(database)
    try:
        version = None if connection is None else index_version(connection)
        walks: list[tuple[int, dict[str, object]]] = []
        # (Listed when the first part is walked: a helper may find every part taken.)
        root_listing: RootListing = []
        for number in numbers:
            walked = _walk_part(root, (number, parts), root_listing, connection, version, kept)
            walks.append((number, walked))
    finally:
        if connection is not None:
            connection.close()
    return walks


def _walk_part(
    root: str | os.PathLike[str],
    part: tuple[int, int],
    root_listing: RootListing,
    connection: sqlite3.Connection | None,
    version: IndexVersion | None,
    kept: list[object] | None = None,
) -> dict[str, object]:
    """walk() of `part`, compared with the index's snapshot in `connection` (at `version`)
    if any."""
    problems: list[FolderTrouble] = []
    links: list[str] = []
    entered: list[tuple[int, int]] = []
    shares: list[list[str]] = []
    fields: dict[str, object] = {
        "problems": problems,
        "links": links,
        "entered": entered,
        "shares": shares,
    }
    walked = stat_files(
        root, problems, links, part=part, entered=entered, shares=shares, root_listing=root_listing
    )
    if connection is None or version is None:
        return {**fields, "states": walked, "found": len(walked)}
    if kept is not None:
        kept.append(walked)
    digest = _digest(walked, shares)
    fields.update(found=len(walked), compared_with=version, digests=[digest])
    if digest == _last_digest(connection, part, version):
        # The same files, sizes and times as when the index last matched them all, and
        # the index not written since: nothing to compare.
        return {**fields, "states": {}}
    ranges = id_ranges(shares, part[0])
    known = known_states(connection, [_in_range(low, high) for low, high in ranges])
    states: dict[str, FileState] = {}
    known_before: dict[str, tuple[int, int]] = {}
    for file_id, state in walked.items():
        before = known.pop(file_id, None)
        if before is None:
            states[file_id] = state
        elif before != state[1:]:
            states[file_id] = state
            known_before[file_id] = before
    return {**fields, "states": states, "known": known_before, "gone": list(known)}


def _digest(states: dict[str, FileState], shares: list[list[str]]) -> str:
    """A digest of a part's walk: every file's id, size and mtime, in order, and how the
    root's subfolders were shared out, as marshal's version 2 writes them (the same way
    every time). Not the paths: a file's path is its folder's and its name, which its id
    and the root tell, and a comparison with the index looks at ids, sizes and times only.
    The ids one string (no id holds a NUL: escape_name), the sizes and times two lists of
    ints: 11 ms for 50,000 files, against 19-21 ms for the files' FileStates."""
    try:
        from _blake2 import blake2b  # hashlib's, without its OpenSSL (3 ms to import)
    except ImportError:  # (a Python without it)
        from hashlib import blake2b

    values = states.values()
    walked = ("\0".join(states), [*map(_size, values)], [*map(_mtime, values)])
    return blake2b(marshal.dumps((shares, *walked), 2), digest_size=20).hexdigest()


_size = itemgetter(1)
_mtime = itemgetter(2)


def digest_key(part: tuple[int, int]) -> str:
    """The index's info row that remembers the digest of the walk of `part`."""
    return f"walk_digest {part[0]}/{part[1]}"


def _last_digest(
    connection: sqlite3.Connection, part: tuple[int, int], version: IndexVersion
) -> str | None:
    """The digest remembered for `part` (reader.loading.folder_scan.digest_rows), if of
    the index at `version`."""
    row = connection.execute("SELECT value FROM info WHERE key = ?", (digest_key(part),))
    value = row.fetchone()
    generation, _, digest = str(value[0] if value else "").partition(" ")
    return digest if generation == str(version[1]) else None


def id_ranges(shares: list[list[str]], number: int) -> list[tuple[str, str | None]]:
    """The ids (from, up to; None: no end) part `number` of a walk answers for, as
    listed_folders shared the root's subfolders out (`shares`): every id under its
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


def reading(database: str) -> sqlite3.Connection:
    """A read-only connection to the index in `database`, in one read transaction (one
    snapshot of it) from its first read until it is closed."""
    try:
        from _sqlite3 import connect  # sqlite3's, without its Python part (2 ms to import)
    except ImportError:  # (a Python without it)
        from sqlite3 import connect

    connection = connect(read_only_uri(database), uri=True, timeout=10, isolation_level=None)
    try:
        connection.execute("BEGIN")
    except BaseException:
        connection.close()
        raise
    return connection


def read_only_uri(database: str | os.PathLike[str]) -> str:
    """The SQLite URI that opens the file `database` read-only: its absolute path with
    every byte but letters, digits and `/-._~` written as `%XX` (as pathlib's as_uri, which
    costs an import of pathlib and urllib). Not normalised: `..` after a link is the
    link's parent's, as for the writer that opens the same path."""
    if os.name != "posix":
        from pathlib import Path

        return f"{Path(database).absolute().as_uri()}?mode=ro"
    path = os.fsencode(os.path.join(os.getcwd(), database))  # (joined: unless absolute)
    quoted = "".join(chr(byte) if byte in _URI_PLAIN else f"%{byte:02X}" for byte in path)
    return f"file://{quoted}?mode=ro"


_URI_PLAIN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-._~")


def encoded(walks: list[tuple[int, dict[str, object]]]) -> bytes:
    """walk_parts()'s walks as a helper sends them: marshal data, with the file-system
    encoding their names were decoded with (reader.loading.folder_scan decodes them)."""
    return marshal.dumps({"walks": walks, "encoding": sys.getfilesystemencoding()})


# The parts the helpers cut a folder's walk in (the root's subfolders shared out in runs).
# Each helper, and the command once it has searched (Helpers.walk_here), takes the next
# part not yet taken as soon as it is free: whoever has a core to spare walks more, and
# the last part ends soon after the others. With one part a helper (the command waiting),
# the command imported the reader and searched on the cores the helpers walked on, then
# waited for them: at 100,000 files, 0.65x grep's time against 0.74x (medians of 15).
WALK_PARTS = 16


class Helpers:
    """walk_parts() of a folder, running in helper processes from the moment this is
    made, one per core: the folder is cut in `parts` (WALK_PARTS, or one with one
    helper), which wait in a queue (a pipe holding a byte for each) from which each
    helper takes one at a time, and so does this process when it calls walk_here; each
    part is walked once. Compared with the index in the SQLite file `database` if
    given."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        count: int | None = None,
        database: str | None = None,
        parts: int | None = None,
    ) -> None:
        import subprocess

        self.root = root
        self.database = database
        count = max(1, count if count is not None else (os.cpu_count() or 1))
        self.parts = min(255, parts if parts is not None else WALK_PARTS if count > 1 else 1)
        # The folder this package is in comes first on the helper's path: it runs this
        # very code, without site-packages (-S: quicker to start), isolated (-I: the
        # working folder, where a `marshal.py` may lie, is not on its path).
        package_parent = os.path.dirname(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        )
        code = f"import sys; sys.path.insert(0, {package_parent!r}); from {__name__} import main"
        code += "; main()"
        self._processes: list[subprocess.Popen[bytes]] = []
        self._queue: int | None = None
        try:
            # The queue: a part's number a byte; read to its end once every part is
            # taken (its writing end is closed).
            self._queue, tokens = os.pipe()
            try:
                os.write(tokens, bytes(range(self.parts)))
            finally:
                os.close(tokens)
            for _number in range(count):
                self._processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-I",
                            "-S",
                            "-c",
                            code,
                            os.fsdecode(root),
                            str(self.parts),
                            *([] if database is None else [database]),
                        ],
                        stdin=self._queue,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                    )
                )
        except (OSError, ValueError):  # (no helper, or fewer: the walk is made here)
            self.close()
        except BaseException:  # (interrupted: none is left running)
            self.close()
            raise

    def walk_here(self) -> list[tuple[int, dict[str, object]]]:
        """walk_parts() of the parts no helper has taken yet, walked here, one at a time
        (the helpers go on taking the others): for a caller with nothing else to do
        until the walk is done."""
        if self._queue is None or not self._processes or not os.path.isdir(self.root):
            return []  # (no walk to join: the helpers failed, or report what is wrong)
        return walk_parts(self.root, self.parts, taken_parts(self._queue), self.database)

    def outputs(self) -> list[bytes] | None:
        """What each helper sent, in order, once all have ended; None if any failed (or
        none could start). The helpers are closed after."""
        outputs: list[bytes] = []
        try:
            for process in self._processes:
                data = process.stdout.read() if process.stdout is not None else b""
                if process.wait() != 0 or not data:
                    return None
                outputs.append(data)
        except OSError:
            return None
        finally:
            self.close()
        return outputs or None

    def close(self) -> None:
        """Stop the helpers still running (their walk is not wanted)."""
        processes, self._processes = self._processes, []
        for process in processes:
            if process.poll() is None:
                process.kill()
            if process.stdout is not None:
                process.stdout.close()
            process.wait()
        queue, self._queue = self._queue, None
        if queue is not None:
            os.close(queue)


def taken_parts(queue: int) -> Iterator[int]:
    """The parts taken from the queue read from the file descriptor `queue` (see
    Helpers), one at a time, until none is left."""
    while token := os.read(queue, 1):
        yield token[0]


# From this many articles in the index on, `reader search` walks the folder in helper
# processes while it searches the index as it is: below, starting them (some 70 ms, 40 ms
# of CPU each) costs more than the walk they spare.
SCAN_APART_ARTICLES = 5_000
# From this many on, whatever the machine's load: the helpers compare the walk with the
# index themselves, and this process only its own share of the parts. Measured when each
# of two helpers walked a fixed half, at a load of 4.3-5 on 2 cores (medians of 7-8, in
# the helpers against walked here): 100,000 files 1.02 s against 1.12 s, 50,000 0.99 s
# against 0.93 s (about even), 10,000 0.46 s against 0.39 s.
SCAN_APART_BUSY_ARTICLES = 50_000


def walk_apart(articles: int) -> bool:
    """Whether `reader search` of a folder whose index has `articles` walks it in the
    helpers."""
    if articles >= SCAN_APART_BUSY_ARTICLES:
        return True
    return articles >= SCAN_APART_ARTICLES and cores_free()


def cores_free() -> bool:
    """Whether the machine has a core to spare: no more tasks of other processes running
    now than its cores less two (this process's one and a helper's). The helpers cost
    CPU (starting them) and gain on a smaller folder only with a free core.

    Now rather than over the last minute: the load average stays up for a minute after
    work that has ended, so a command run just after another (ours) took the machine for
    a busy one and read a folder on one core. Where the system does not say what runs
    now (no /proc), the load average over the last minute is taken: at most the cores
    less one."""
    cores = os.cpu_count() or 1
    others = running_elsewhere()
    if others is not None:
        return others + 2 <= cores
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not told (Windows): as if free
        return cores > 1
    return load + 1 <= cores


# How many times running_elsewhere looks, RUNNING_PAUSE seconds apart: a task that runs
# for a moment (a kernel thread, a shell's) is not a busy machine.
RUNNING_LOOKS = 5
RUNNING_PAUSE = 0.001


def running_elsewhere() -> int | None:
    """How many tasks outside this process are running or ready to run now (the median of
    RUNNING_LOOKS looks at the kernel's count, less this process's threads running), or
    None where the system does not say (no /proc/loadavg)."""
    counts = []
    for look in range(RUNNING_LOOKS):
        if look:
            time.sleep(RUNNING_PAUSE)
        try:
            with open("/proc/loadavg", "rb") as status:
                # "0.52 0.58 0.59 1/107 6494": the fourth field is running/all tasks
                running = int(status.read().split()[3].split(b"/")[0])
        except (OSError, ValueError, IndexError):
            return None
        counts.append(max(0, running - _threads_running_here()))
    return sorted(counts)[len(counts) // 2]


def _threads_running_here() -> int:
    """How many of this process's threads are running or ready to run (at least the one
    asking): its index writer's and a search's threads are not other work."""
    count = 0
    try:
        threads = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for thread in threads:
        try:
            with open(f"/proc/self/task/{thread}/stat", "rb") as status:
                # "pid (name) STATE ...": the name may hold spaces and parentheses
                state = status.read().rpartition(b")")[2].split(None, 1)[0]
        except (OSError, IndexError):
            continue
        count += state == b"R"
    return max(1, count)


# The walk start_early_walk began, and the index's generation when it began.
_early: tuple[Helpers, int] | None = None


def start_early_walk(argv: Sequence[str]) -> None:
    """Begin the walk `reader search` (its command line `argv`) would make of a big
    indexed folder, before the rest of the reader is imported (0.12 s): taken by
    take_early_walk, stopped by stop_early_walk if not.

    A guess from the command line, made without its parser: the one argument naming a
    folder, that folder's index in the cache. A wrong guess costs only the walk. Any
    trouble making it (a cache folder that cannot be looked in, say) gives no walk and is
    left to the command, which meets it again and says what it is."""
    global _early
    stop_early_walk()
    try:
        _early = _guessed_walk(argv)
    except Exception:
        _early = None


def take_early_walk(database: str | None) -> tuple[Helpers, int] | None:
    """The walk start_early_walk began and the index generation it began at, if of the
    folder whose index is in `database` (the caller closes it); any other is stopped."""
    global _early
    early, _early = _early, None
    if early is None:
        return None
    if database is not None and early[0].database == database:  # (by root's real path)
        return early
    early[0].close()
    return None


def stop_early_walk() -> None:
    """Stop the walk start_early_walk began, if not taken."""
    take_early_walk(None)


def _guessed_walk(argv: Sequence[str]) -> tuple[Helpers, int] | None:
    # (Not at the top: the helpers need none of it. It imports no pathlib: 15 ms more
    # before they start.)
    from reader.paths import guessed_index_path, path_text

    if not argv or argv[0] != "search" or "--no-cache" in argv:
        return None
    folders = [arg for arg in argv[1:] if not arg.startswith("-") and os.path.isdir(arg)]
    if len(folders) != 1:
        return None
    database = guessed_index_path(folders[0])
    if not os.path.isfile(database):
        return None
    connection = reading(database)
    try:
        generation = index_version(connection)[1]
        count = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        connection.close()
    if not walk_apart(count):
        return None
    # The folder as the command names it (a Path, tidied), so that its walk is the same
    # as one the command begins (its files' paths).
    return Helpers(path_text(folders[0]), database=database), generation


def main() -> None:
    """A helper: walk the parts it takes from the queue on its stdin (of how many: the
    second argument) of the folder named by the first, compared with the index in the
    SQLite file named by the third if any, and write them to stdout (encoded)."""
    import gc

    # A short life making 100,000 tuples that all live to the end: nothing to collect.
    gc.disable()
    root = sys.argv[1]
    if not os.path.isdir(root):  # a file, an archive: not this walk's to list
        sys.exit(1)
    parts = int(sys.argv[2])
    database = sys.argv[3] if len(sys.argv) > 3 else None
    kept: list[object] = []
    # The parts, one at a time, from the queue the helpers share (their stdin): unbuffered.
    walks = walk_parts(root, parts, taken_parts(0), database, kept)
    sys.stdout.buffer.write(encoded(walks))
    sys.stdout.buffer.flush()
    # Nor at the end: ended here, without the interpreter's own end, which would look
    # at every object (5 ms) and free them one by one (9 ms for 50,000 files walked).
    os._exit(0)
