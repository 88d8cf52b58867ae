"""What the reader remembers between sessions: read and starred marks, and where you were.

Marks are kept under each article's `state_key` (reader.model): its URL when it has one,
else its path in the folder and a hash of its body, so they survive moving the folder.
Several readers may run at once: `save` takes a lock, re-reads the file and merges field
by field (the later change wins), so one reader never erases another's marks. One reader
may also save in a thread while its UI thread goes on marking: changes made meanwhile are
kept and saved next time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reader.storage import atomic_write, locked, move_aside, state_dir

STATE_VERSION = 1
STATE_FILE = "state.json"


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


class ReadingState:
    """Marks and per-folder positions, loaded from and saved to one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else state_dir() / STATE_FILE
        self.marks: dict[str, Mark] = {}
        self.folders: dict[str, FolderState] = {}
        self.warnings: list[str] = []
        self._dirty_marks: set[str] = set()
        self._dirty_folders: set[str] = set()
        # Guards the dicts and dirty sets; never held over file I/O.
        self._lock = threading.Lock()

    # Reading and writing -----------------------------------------------------------

    def load(self) -> ReadingState:
        with locked(self.path):
            self.marks, self.folders = self._read_file()
        return self

    def save(self) -> None:
        """Merge this session's changes into the file on disk, atomically."""
        with self._lock:
            if not self._dirty_marks and not self._dirty_folders:
                return
            dirty_marks = {key: self.marks.get(key, Mark()) for key in self._dirty_marks}
            dirty_folders = {key: self.folders[key] for key in self._dirty_folders}
            self._dirty_marks.clear()
            self._dirty_folders.clear()
        try:
            with locked(self.path):
                marks, folders = self._read_file()
                for key, ours in dirty_marks.items():
                    marks[key] = ours.merged(marks[key]) if key in marks else ours
                for key, ours_folder in dirty_folders.items():
                    theirs = folders.get(key)
                    if theirs is None or ours_folder.updated >= theirs.updated:
                        folders[key] = ours_folder
                atomic_write(self.path, _serialise(marks, folders))
        except BaseException:
            with self._lock:  # not saved: still to save
                self._dirty_marks.update(dirty_marks)
                self._dirty_folders.update(dirty_folders)
            raise
        with self._lock:
            # What changed while the file was written is newer than the file: keep it.
            for key in self._dirty_marks:
                marks[key] = self.marks.get(key, Mark())
            for key in self._dirty_folders:
                folders[key] = self.folders[key]
            self.marks, self.folders = marks, folders

    def _read_file(self) -> tuple[dict[str, Mark], dict[str, FolderState]]:
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return {}, {}
        except OSError as error:
            self.warnings.append(f"cannot read {self.path}: {error.strerror}; starting afresh")
            return {}, {}
        try:
            return _deserialise(json.loads(text))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            kept = move_aside(self.path)
            self.warnings.append(
                f"reading state {self.path} was damaged ({error}); kept as {kept.name}, "
                "starting afresh"
            )
            return {}, {}

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


def _serialise(marks: dict[str, Mark], folders: dict[str, FolderState]) -> str:
    data = {
        "version": STATE_VERSION,
        "marks": {key: asdict(mark) for key, mark in sorted(marks.items())},
        "folders": {key: asdict(folder) for key, folder in sorted(folders.items())},
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A folder named in bytes that are not UTF-8 holds lone surrogates, which UTF-8
        # cannot encode but JSON escapes (and reads back): all ASCII then.
        text = json.dumps(data, ensure_ascii=True, indent=1) + "\n"
    return text


def _deserialise(data: Any) -> tuple[dict[str, Mark], dict[str, FolderState]]:
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError(f"not a version {STATE_VERSION} state file")
    marks = {
        str(key): Mark(
            read=bool(value["read"]),
            read_at=float(value["read_at"]),
            starred=bool(value["starred"]),
            starred_at=float(value["starred_at"]),
        )
        for key, value in data["marks"].items()
    }
    folders = {
        str(key): FolderState(
            selected=value.get("selected"),
            scroll=float(value.get("scroll", 0.0)),
            query=str(value.get("query", "")),
            facets=[str(term) for term in value.get("facets", [])],
            sort=value.get("sort"),
            updated=float(value.get("updated", 0.0)),
        )
        for key, value in data["folders"].items()
    }
    return marks, folders
