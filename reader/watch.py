"""Notice when article files under a folder are created, changed or deleted.

`watch_folder` blocks (run it in a thread) and yields each time something changed, a
moment after it happened (changes close together arrive as one). It uses the operating
system's file events through watchfiles (inotify on Linux); where those are unavailable
it falls back to watchfiles' own polling, which names the changed paths too. The folder
itself deleted, recreated or replaced by another is noticed within about a second, and
watched again once it is back.

Only the folders a walk enters are watched, each on its own (`watched_folders`): not the
hidden ones (`.git`, whose every commit would wake the watcher) nor those the ignore files
leave out (a site's `node_modules/` can hold tens of thousands of folders: an inotify
watch each, enough to reach the system's limit and fall back to polling every file). So
the watch is set again when a folder comes or goes (a new one is watched from then on),
and when an ignore file changes (then every file is to be looked at: which are left out
may have changed).
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.loading import is_article_name
from reader.loading.discover import file_at
from reader.loading.ignore import IGNORE_FILES, ignored_at, reading_ignore_files
from reader.loading.walk import listed_folders

if TYPE_CHECKING:
    from watchfiles import Change

# Changes within this many milliseconds are reported together.
DEBOUNCE_MS = 300
# How often to look again when the operating system gives no events.
POLL_SECONDS = 2.0
# How often to make sure the folder watched is still there and still the same folder
# (a watch follows the folder it was set on, not its name), and to look for it once gone.
CHECK_FOLDER_SECONDS = 1.0


def relevant_to(root: Path, watched: Path) -> Callable[[Change, str], bool]:
    """The watch filter: an article file, or a folder that may hold (or have held) some, or
    an ignore file (while ignore files are read); nothing else hidden inside the watched
    folder (hidden folders above it, as in ~/.local/share/news, are the user's choice).
    Anything deleted counts: a folder gone (`v2.0`) is no longer there to be told apart
    from a file."""
    depth = len(watched.parts)
    root_path = str(root)
    ignore_files = IGNORE_FILES if reading_ignore_files() else ()

    def relevant(change: Change, path: str) -> bool:
        if path == root_path:
            return True  # the file opened, or the folder itself
        parts = Path(path).parts
        inside = parts[depth:]
        if any(part.startswith(".") for part in inside[:-1]):
            return False
        if inside and inside[-1].startswith("."):
            return inside[-1] in ignore_files
        name = parts[-1] if parts else ""
        deleted = change.name == "deleted"
        return deleted or is_article_name(name) or "." not in name or os.path.isdir(path)

    return relevant


def watch_folder(
    root: Path, stop: threading.Event, *, force_polling: bool = False
) -> Iterator[frozenset[str]]:
    """Yield the changed paths until `stop` is set; an empty set when anything may have
    changed (the folder was deleted, or is back, or an ignore file changed): then every
    file is to be looked at."""
    root = Path(os.path.abspath(root))
    watched = root.parent if root.is_file() else root
    relevant = relevant_to(root, watched)
    polling = force_polling
    lost = False  # the folder went away (or was replaced) since it was last watched
    folders: frozenset[str] = frozenset()
    while not stop.is_set():
        armed_on = _identity(watched)
        if armed_on is None:
            lost = True
            if stop.wait(CHECK_FOLDER_SECONDS):
                return
            continue
        if lost:
            lost = False
            folders = frozenset()
            yield frozenset()  # a folder in its place again: every file in it is new
        # A file opened: only its own folder. (A folder walked: see the module's doc.)
        now_watched = frozenset(watched_folders(root)) if watched == root else frozenset()
        if folders and now_watched - folders:
            # Come since the last watch was set: what was written into them before this
            # one was set is found by a look at them now.
            yield now_watched - folders
        folders = now_watched
        try:
            for changes in _changes(sorted(folders) or [str(watched)], relevant, stop, polling):
                # A watched folder's own "modified" (polling reports one for each file
                # made or deleted in it, which names itself) says nothing more.
                paths = frozenset(
                    path
                    for change, path in changes
                    if not (change.name == "modified" and path in folders and os.path.isdir(path))
                )
                if watched != root:
                    paths = paths & {str(root)}
                ignore_changed = any(os.path.basename(path) in IGNORE_FILES for path in paths)
                if ignore_changed:
                    yield frozenset()  # which files are left out may have changed
                elif paths:
                    yield paths
                named = any(
                    path == str(watched) and change.name == "deleted" for change, path in changes
                )
                now = _identity(watched)
                if named or now != armed_on:  # deleted, moved away, or another in its place
                    lost = True
                    if now is None:
                        yield frozenset()  # gone: the list empties
                    break
                if folders and (ignore_changed or _folders_changed(root, paths, folders)):
                    break  # watched again, as the walk now finds the folders
        except FileNotFoundError:
            lost = True  # gone between the look and the watch
        except (OSError, RuntimeError):
            if polling:
                raise
            polling = True  # no file events here (an inotify limit, a network file system)


def watched_folders(root: Path) -> list[str]:
    """The folders a walk of `root` enters: itself and those below it, but hidden ones and
    those the ignore files leave out (see reader.loading.walk.listed_folders)."""
    return [folder for folder, _files in listed_folders(root)]


def _folders_changed(root: Path, paths: frozenset[str], folders: frozenset[str]) -> bool:
    """Whether some of `paths` is a folder the walk enters and not watched (made, or moved
    in), or a watched one gone. (A site's build writing `_site/` again, left out, is not.)"""
    for path in paths:
        if path in folders:
            if not os.path.isdir(path):
                return True
        elif os.path.isdir(path):
            found = file_at(root, path)
            if found is None or not ignored_at(str(root), found.id, True):
                return True
    return False


def _changes(
    folders: list[str],
    relevant: Callable[[Change, str], bool],
    stop: threading.Event,
    polling: bool,
) -> Iterator[set[tuple[Change, str]]]:
    """watchfiles' changes in `folders` (each watched on its own, not what is below it),
    and an empty set every CHECK_FOLDER_SECONDS without any."""
    from watchfiles import watch  # imported here: only the reader watches folders

    yield from watch(
        *folders,
        stop_event=stop,
        debounce=DEBOUNCE_MS,
        step=50,
        watch_filter=relevant,
        raise_interrupt=False,
        rust_timeout=int(CHECK_FOLDER_SECONDS * 1000),
        yield_on_timeout=True,
        force_polling=polling or None,  # None: WATCHFILES_FORCE_POLLING may still ask for it
        poll_delay_ms=int(POLL_SECONDS * 1000),
        recursive=False,
    )


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at this path now (device, inode), or None when there is none."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None
