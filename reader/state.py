"""What the reader remembers between sessions: read and starred marks, and where you were.

Marks are kept under each article's `state_key` (reader.model): its URL when it has one,
else its path in the folder and a hash of its body, so they survive moving the folder.

On disk: `state.json` holds the state as of some moment, and `state.json.journal` every
change since, one JSON line each, appended and synced. A save appends only what changed,
so it costs the same with 100 marks or 100,000 (rewriting a 17 MB file took 1.7 s); now
and then `compact` folds the journal into a new state.json, the slow part done outside
the lock. Replaying a line twice does no harm (merging is by time, the later change
wins), so a kill at any moment loses nothing that was saved.

Several readers may run at once: every write of either file happens under one lock, and
a save first reads what the others appended since (or everything, when another reader
compacted meanwhile), so one reader never erases another's marks. One reader may also
save in a thread while its UI thread goes on marking: changes made meanwhile are kept and
saved next time.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.atomic import (
    append_durably,
    atomic_write,
    commit_write,
    locked,
    move_aside,
    prepare_write,
)
from reader.paths import state_dir

STATE_VERSION = 1
STATE_FILE = "state.json"
JOURNAL_SUFFIX = ".journal"
# The journal is folded into state.json once it is bigger than this and than state.json
# (so compacting costs, over time, a constant per change).
COMPACT_BYTES = 256 * 1024
# A temp file this old beside the state was left by a reader killed while writing it.
STALE_TEMP_SECONDS = 600.0


@dataclass
class Mark:
    """An article's flags, each with the time it last changed (for merging)."""

    read: bool = False
    read_at: float = 0.0
    starred: bool = False
    starred_at: float = 0.0

    def merged(self, other: Mark) -> Mark:
        """Field by field, the later change wins."""
        read = self if self.read_at >= other.read_at else other
        starred = self if self.starred_at >= other.starred_at else other
        return Mark(read.read, read.read_at, starred.starred, starred.starred_at)


@dataclass
class FolderState:
    """Where the user was in one folder, restored when it is opened again."""

    selected: str | None = None
    scroll: float = 0.0
    query: str = ""
    facets: list[str] = field(default_factory=list)
    sort: str | None = None
    updated: float = 0.0


@dataclass
class SavedSearch:
    """A query kept under a name (`reader search @name`, the reader's Searches), with its
    facets and sort. Deleting keeps a `deleted` record, so the deletion wins over an
    older copy another reader still has."""

    name: str
    query: str = ""
    facets: list[str] = field(default_factory=list)
    sort: str | None = None
    updated: float = 0.0
    deleted: bool = False


Marks = dict[str, Mark]
Folders = dict[str, FolderState]
# Saved searches by their name case-folded (names differing only in case are one).
Searches = dict[str, SavedSearch]
# What identifies one version of state.json: a compaction elsewhere replaces it.
FileIdentity = tuple[int, int, int]


class ReadingState:
    """Marks and per-folder positions, loaded from and saved to state.json and its
    journal."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_dir() / STATE_FILE
        self.journal_path = self.path.with_name(self.path.name + JOURNAL_SUFFIX)
        self.marks: Marks = {}
        self.folders: Folders = {}
        self.searches: Searches = {}
        self.warnings: list[str] = []
        self._dirty_marks: set[str] = set()
        self._dirty_folders: set[str] = set()
        self._dirty_searches: set[str] = set()
        # Guards the dicts and dirty sets; never held over file I/O.
        self._lock = threading.Lock()
        # What of the files this state holds (read under the file lock only): the
        # state.json read, the journal's id and how far into it.
        self._snapshot: FileIdentity | None = None
        self._snapshot_bytes = 0
        self._journal_id: str | None = None
        self._journal_end = 0
        self._compacting = threading.Lock()

    # Reading and writing -----------------------------------------------------------

    def load(self) -> ReadingState:
        with locked(self.path):
            self._reload()
        return self

    @property
    def unsaved(self) -> bool:
        """Changes not yet handed to save."""
        return bool(self._dirty_marks or self._dirty_folders or self._dirty_searches)

    def save(self) -> bool:
        """Write this session's changes (appended to the journal) and bring in what other
        readers saved meanwhile; True when anything of theirs came in."""
        with self._lock:
            if not self.unsaved:
                return False
        with locked(self.path):
            journal = self._journal_header()
            if (
                _identity(self.path) is not None
                and journal is not None
                and not self._current(journal)
            ):
                # Another reader compacted: reading everything again takes a second for
                # 100,000 marks, so the changes go to disk first.
                self._journal_end = _whole_lines_end(self.journal_path)
                self._append_changes()
                self._reload()
                return True
            came_in = self._catch_up()
            if self._snapshot is None:
                # The first save (or state.json was lost): write it whole, and a journal.
                self._write_whole()
                return came_in
            if self._journal_id is None:
                self._new_journal(b"")  # state.json of a reader before the journal
            self._append_changes()
        return came_in

    @property
    def wants_compaction(self) -> bool:
        return self._journal_end > max(COMPACT_BYTES, self._snapshot_bytes)

    def compact(self) -> None:
        """Fold the journal into a new state.json. Writing it (a second for 100,000
        marks) is done outside the lock, so other readers' saves and this one's do not
        wait; what they append meanwhile starts the new journal."""
        if not self._compacting.acquire(blocking=False):
            return  # already under way in another thread
        try:
            with locked(self.path):
                self._catch_up()
                if self._snapshot is None or self._journal_id is None:
                    return  # nothing to fold: the next save writes state.json whole
                # What is folded is exactly what the files hold: the changes not yet
                # saved are appended first, so state.json never knows more than they do.
                marks, folders, searches = self._append_changes(copy=True)
                folded = (self._snapshot, self._journal_id)
                folded_to = self._journal_end
            temp = prepare_write(self.path, _serialise(marks, folders, searches))
            try:
                with locked(self.path):
                    self._catch_up()
                    if (self._snapshot, self._journal_id) != folded:
                        return  # another reader compacted (or rewrote state.json) meanwhile
                    tail = _read_bytes(self.journal_path, folded_to, self._journal_end)
                    commit_write(temp, self.path)
                    self._snapshot, self._snapshot_bytes = _identity(self.path), _size(self.path)
                    self._new_journal(tail)
                    _remove_stale_temps(self.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temp)
        finally:
            self._compacting.release()

    # The files, always under the file lock ------------------------------------------

    def _reload(self) -> None:
        """Read state.json and the whole journal; changes not yet saved stay on top."""
        marks, folders, searches, self._snapshot = self._read_file()
        self._snapshot_bytes = _size(self.path) if self._snapshot is not None else 0
        self._journal_id, self._journal_end, records = self._read_journal()
        _merge(marks, folders, records, searches)
        with self._lock:
            for key in self._dirty_marks:
                ours = self.marks.get(key, Mark())
                marks[key] = ours.merged(marks[key]) if key in marks else ours
            for key in self._dirty_folders:
                _merge_folder(folders, key, self.folders[key])
            for key in self._dirty_searches:
                _merge_search(searches, key, self.searches[key])
            self.marks, self.folders, self.searches = marks, folders, searches

    def _catch_up(self) -> bool:
        """Bring in what other readers wrote since this one last looked: the journal's new
        lines, or everything when another reader compacted (a new state.json or
        journal). True when anything came in."""
        header = self._journal_header()
        if not self._current(header):
            self._reload()
            return True
        if header is None:
            return False
        data = _read_bytes(self.journal_path, self._journal_end, None)
        whole = data[: data.rfind(b"\n") + 1]
        if not whole:
            return False
        self._journal_end += len(whole)
        records = self._parse_lines(whole)
        with self._lock:
            _merge(self.marks, self.folders, records, self.searches)
        return True

    def _current(self, journal: str | None) -> bool:
        """Whether state.json and the journal (of this id) are the ones this state read."""
        return journal == self._journal_id and _identity(self.path) == self._snapshot

    def _append_changes(self, *, copy: bool = False) -> tuple[Marks, Folders, Searches]:
        """Append the changes not yet saved; with `copy`, returns every mark, folder and
        saved search as they were then (else nothing)."""
        with self._lock:
            marks, folders, searches = self._take_changes()
            everything = (
                (dict(self.marks), dict(self.folders), dict(self.searches))
                if copy
                else ({}, {}, {})
            )
        lines = [_mark_line(key, mark) for key, mark in marks.items()]
        lines += [_folder_line(key, folder) for key, folder in folders.items()]
        lines += [_search_line(key, search) for key, search in searches.items()]
        if not lines:
            return everything
        try:
            self._journal_end = append_durably(
                self.journal_path, "".join(lines).encode("ascii"), self._journal_end
            )
        except BaseException:
            self._keep_changes(marks, folders, searches)
            raise
        return everything

    def _write_whole(self) -> None:
        with self._lock:
            marks, folders, searches = self._take_changes()
            everything = (dict(self.marks), dict(self.folders), dict(self.searches))
        try:
            atomic_write(self.path, _serialise(*everything))
            self._snapshot, self._snapshot_bytes = _identity(self.path), _size(self.path)
            self._new_journal(b"")
        except BaseException:
            self._keep_changes(marks, folders, searches)
            raise

    def _new_journal(self, lines: bytes) -> None:
        """Replace the journal by a new one (a new id tells other readers) of `lines`."""
        import uuid  # with platform, 3 ms a command that writes no state need not spend

        journal = uuid.uuid4().hex
        data = _header_line(journal) + lines
        atomic_write(self.journal_path, data)
        self._journal_id, self._journal_end = journal, len(data)

    def _take_changes(self) -> tuple[Marks, Folders, Searches]:
        """The changes to save, no longer dirty (call with self._lock held)."""
        marks = {key: self.marks.get(key, Mark()) for key in self._dirty_marks}
        folders = {key: self.folders[key] for key in self._dirty_folders}
        searches = {key: self.searches[key] for key in self._dirty_searches}
        self._dirty_marks.clear()
        self._dirty_folders.clear()
        self._dirty_searches.clear()
        return marks, folders, searches

    def _keep_changes(self, marks: Marks, folders: Folders, searches: Searches) -> None:
        """Not saved: still to save."""
        with self._lock:
            self._dirty_marks.update(marks)
            self._dirty_folders.update(folders)
            self._dirty_searches.update(searches)

    def _read_file(self) -> tuple[Marks, Folders, Searches, FileIdentity | None]:
        try:
            with open(self.path, "rb") as handle:
                identity = _identity_of(os.fstat(handle.fileno()))
                data = handle.read()
        except FileNotFoundError:
            return {}, {}, {}, None
        except OSError as error:
            self.warnings.append(f"cannot read {self.path}: {error.strerror}; starting afresh")
            return {}, {}, {}, None
        try:
            return (*_deserialise(json.loads(data.decode("utf-8"))), identity)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
            kept = move_aside(self.path)
            self.warnings.append(
                f"reading state {self.path} was damaged ({error}); kept as {kept.name}, "
                "starting afresh"
            )
            return {}, {}, {}, None

    def _journal_header(self) -> str | None:
        """The journal's id (None when there is none, or it is damaged)."""
        try:
            with open(self.journal_path, "rb") as handle:
                first = handle.readline(256)
        except FileNotFoundError:
            return None
        return _header_id(first)

    def _read_journal(self) -> tuple[str | None, int, list[Record]]:
        """The journal's id, where its whole lines end, and its records."""
        try:
            data = self.journal_path.read_bytes()
        except FileNotFoundError:
            return None, 0, []
        except OSError as error:
            self.warnings.append(f"cannot read {self.journal_path}: {error.strerror}")
            return None, 0, []
        first = data[: data.find(b"\n") + 1]
        journal = _header_id(first)
        if journal is None:
            if data:
                kept = move_aside(self.journal_path)
                self.warnings.append(
                    f"reading state journal {self.journal_path} was damaged; kept as {kept.name}"
                )
            return None, 0, []
        whole = data[: data.rfind(b"\n") + 1]
        return journal, len(whole), self._parse_lines(whole[len(first) :])

    def _parse_lines(self, data: bytes) -> list[Record]:
        records: list[Record] = []
        damaged = 0
        for line in data.splitlines():
            try:
                records.append(_record(json.loads(line)))
            except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
                damaged += 1
        if damaged:
            self.warnings.append(
                f"{damaged} damaged line{'s' if damaged > 1 else ''} of {self.journal_path} skipped"
            )
        return records

    # Marks -------------------------------------------------------------------------

    def mark(self, key: str) -> Mark:
        return self.marks.get(key) or Mark()

    def is_read(self, key: str) -> bool:
        mark = self.marks.get(key)
        return mark is not None and mark.read

    def is_starred(self, key: str) -> bool:
        mark = self.marks.get(key)
        return mark is not None and mark.starred

    def set_read(self, key: str, read: bool) -> None:
        with self._lock:
            mark = self.mark(key)
            if mark.read != read:
                self.marks[key] = Mark(read, time.time(), mark.starred, mark.starred_at)
                self._dirty_marks.add(key)

    def set_starred(self, key: str, starred: bool) -> None:
        with self._lock:
            mark = self.mark(key)
            if mark.starred != starred:
                self.marks[key] = Mark(mark.read, mark.read_at, starred, time.time())
                self._dirty_marks.add(key)

    # Folders -----------------------------------------------------------------------

    def folder(self, root: Path) -> FolderState:
        return self.folders.get(_folder_key(root)) or FolderState()

    def set_folder(self, root: Path, folder: FolderState) -> None:
        folder.updated = time.time()
        key = _folder_key(root)
        with self._lock:
            self.folders[key] = folder
            self._dirty_folders.add(key)

    # Saved searches ----------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        found = [search for search in self.searches.values() if not search.deleted]
        return sorted(found, key=lambda search: (search.name.casefold(), search.name))

    def saved_search(self, name: str) -> SavedSearch | None:
        """The saved search of this name (in any case), if there is one."""
        search = self.searches.get(name.casefold())
        return search if search is not None and not search.deleted else None

    def save_search(
        self, name: str, query: str, facets: list[str], sort: str | None
    ) -> SavedSearch:
        """Keep a query under `name`, replacing any of the same name (in any case)."""
        search = SavedSearch(name, query, list(facets), sort, time.time())
        key = name.casefold()
        with self._lock:
            self.searches[key] = search
            self._dirty_searches.add(key)
        return search

    def delete_search(self, name: str) -> bool:
        """Forget the saved search of this name; False when there is none."""
        key = name.casefold()
        with self._lock:
            search = self.searches.get(key)
            if search is None or search.deleted:
                return False
            self.searches[key] = SavedSearch(search.name, updated=time.time(), deleted=True)
            self._dirty_searches.add(key)
        return True


def flag_test(state: ReadingState, keys: Mapping[str, str]) -> Callable[[str, str], bool]:
    """The `is:read / is:unread / is:starred` test a search engine calls, given the state
    key of each article id."""

    def test(article_id: str, flag: str) -> bool:
        key = keys.get(article_id)
        if key is None:
            return False
        if flag == "read":
            return state.is_read(key)
        if flag == "unread":
            return not state.is_read(key)
        if flag == "starred":
            return state.is_starred(key)
        raise ValueError(f"unknown flag is:{flag}")

    return test


def _folder_key(root: Path) -> str:
    return os.path.realpath(root)


Record = tuple[str, Mark] | tuple[str, FolderState] | tuple[str, SavedSearch]


def _merge(marks: Marks, folders: Folders, records: list[Record], searches: Searches) -> None:
    """Apply journal records (in any order, any number of times: the later change wins)."""
    for key, value in records:
        if isinstance(value, Mark):
            known = marks.get(key)
            marks[key] = value if known is None else known.merged(value)
        elif isinstance(value, SavedSearch):
            _merge_search(searches, key, value)
        else:
            _merge_folder(folders, key, value)


def _merge_folder(folders: Folders, key: str, folder: FolderState) -> None:
    known = folders.get(key)
    if known is None or folder.updated >= known.updated:
        folders[key] = folder


def _merge_search(searches: Searches, key: str, search: SavedSearch) -> None:
    known = searches.get(key)
    if known is None or search.updated >= known.updated:
        searches[key] = search


def _search_fields(search: SavedSearch) -> dict[str, Any]:
    return {
        "name": search.name,
        "query": search.query,
        "facets": list(search.facets),
        "sort": search.sort,
        "updated": search.updated,
        "deleted": search.deleted,
    }


def _search_of(value: Mapping[str, Any]) -> SavedSearch:
    return SavedSearch(
        name=str(value["name"]),
        query=str(value.get("query", "")),
        facets=[str(term) for term in value.get("facets", [])],
        sort=value.get("sort"),
        updated=float(value.get("updated", 0.0)),
        deleted=bool(value.get("deleted", False)),
    )


def _mark_fields(mark: Mark) -> dict[str, Any]:
    # Written out, not dataclasses.asdict: that deep-copies, 0.6 s for 100,000 marks.
    return {
        "read": mark.read,
        "read_at": mark.read_at,
        "starred": mark.starred,
        "starred_at": mark.starred_at,
    }


def _folder_fields(folder: FolderState) -> dict[str, Any]:
    return {
        "selected": folder.selected,
        "scroll": folder.scroll,
        "query": folder.query,
        "facets": list(folder.facets),
        "sort": folder.sort,
        "updated": folder.updated,
    }


def _mark_of(value: Mapping[str, Any]) -> Mark:
    return Mark(
        read=bool(value["read"]),
        read_at=float(value["read_at"]),
        starred=bool(value["starred"]),
        starred_at=float(value["starred_at"]),
    )


def _folder_of(value: Mapping[str, Any]) -> FolderState:
    return FolderState(
        selected=value.get("selected"),
        scroll=float(value.get("scroll", 0.0)),
        query=str(value.get("query", "")),
        facets=[str(term) for term in value.get("facets", [])],
        sort=value.get("sort"),
        updated=float(value.get("updated", 0.0)),
    )


# The journal: a header line naming it, then one line per change. ASCII, so any key
# (even one holding bytes that are not UTF-8, as lone surrogates) is one line.


def _header_line(journal: str) -> bytes:
    return (json.dumps({"journal": journal, "version": STATE_VERSION}) + "\n").encode("ascii")


def _header_id(line: bytes) -> str | None:
    try:
        header = json.loads(line)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("version") != STATE_VERSION:
        return None
    journal = header.get("journal")
    return journal if isinstance(journal, str) else None


def _mark_line(key: str, mark: Mark) -> str:
    return json.dumps({"mark": key, **_mark_fields(mark)}) + "\n"


def _folder_line(key: str, folder: FolderState) -> str:
    return json.dumps({"folder": key, **_folder_fields(folder)}) + "\n"


def _search_line(key: str, search: SavedSearch) -> str:
    return json.dumps({"search": key, **_search_fields(search)}) + "\n"


def _record(data: Any) -> Record:
    if "mark" in data:
        return str(data["mark"]), _mark_of(data)
    if "search" in data:
        return str(data["search"]), _search_of(data)
    return str(data["folder"]), _folder_of(data)


def _identity_of(status: os.stat_result) -> FileIdentity:
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def _identity(path: Path) -> FileIdentity | None:
    try:
        return _identity_of(os.stat(path))
    except FileNotFoundError:
        return None


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def _read_bytes(path: Path, start: int, end: int | None) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read() if end is None else handle.read(end - start)


def _whole_lines_end(path: Path) -> int:
    """Where the file's last whole line ends (what follows was torn by a writer's death)."""
    with open(path, "rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        while end > 0:
            start = max(0, end - 65536)
            handle.seek(start)
            newline = handle.read(end - start).rfind(b"\n")
            if newline >= 0:
                return start + newline + 1
            end = start
    return 0


def _remove_stale_temps(path: Path) -> None:
    """Temp files of writes a kill interrupted (a compaction's is as big as the state)."""
    too_old = time.time() - STALE_TEMP_SECONDS
    for temp in path.parent.glob(f".{path.name}*.tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < too_old:
                temp.unlink()


def _serialise(marks: Marks, folders: Folders, searches: Searches) -> str:
    """state.json: one mark per line, readable (json's indent would take 1.2 s for
    100,000 marks; this, 0.4 s)."""
    ascii_only = False
    while True:
        try:
            return _serialise_as(marks, folders, searches, ascii_only)
        except UnicodeEncodeError:
            # A folder named in bytes that are not UTF-8 holds lone surrogates, which
            # UTF-8 cannot encode but JSON escapes (and reads back): all ASCII then.
            ascii_only = True


def _serialise_as(marks: Marks, folders: Folders, searches: Searches, ascii_only: bool) -> str:
    def entries(items: Iterator[tuple[str, dict[str, Any]]]) -> str:
        lines = [
            f"  {json.dumps(key, ensure_ascii=ascii_only)}: "
            f"{json.dumps(value, ensure_ascii=ascii_only)}"
            for key, value in items
        ]
        return "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"

    mark_items = ((key, _mark_fields(mark)) for key, mark in sorted(marks.items()))
    folder_items = ((key, _folder_fields(folder)) for key, folder in sorted(folders.items()))
    search_items = ((key, _search_fields(search)) for key, search in sorted(searches.items()))
    text = (
        f'{{\n "version": {STATE_VERSION},\n "marks": {entries(mark_items)},\n'
        f' "folders": {entries(folder_items)},\n "searches": {entries(search_items)}\n}}\n'
    )
    text.encode("utf-8")  # raises on lone surrogates: then ASCII
    return text


def _deserialise(data: Any) -> tuple[Marks, Folders, Searches]:
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError(f"not a version {STATE_VERSION} state file")
    marks = {str(key): _mark_of(value) for key, value in data["marks"].items()}
    folders = {str(key): _folder_of(value) for key, value in data["folders"].items()}
    # A state file of a reader before saved searches has none.
    searches = {str(key): _search_of(value) for key, value in data.get("searches", {}).items()}
    return marks, folders, searches
