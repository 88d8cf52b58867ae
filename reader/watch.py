"""Notice when article files under a folder are created, changed or deleted.

`watch_folder` blocks (run it in a thread) and yields each time something changed, a
moment after it happened (changes close together arrive as one). It uses the operating
system's file events through watchfiles (inotify on Linux); where those are unavailable
it falls back to watchfiles' own polling, which names the changed paths too. The folder
itself deleted, recreated or replaced by another is noticed within about a second, and
watched again once it is back.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from reader.loading import is_article_name

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
    """The watch filter: an article file, or a folder that may hold (or have held) some;
    nothing hidden inside the watched folder (hidden folders above it, as in
    ~/.local/share/news, are the user's choice). Anything deleted counts: a folder gone
    (`v2.0`) is no longer there to be told apart from a file."""
    depth = len(watched.parts)
    root_path = str(root)

    def relevant(change: Change, path: str) -> bool:
        if path == root_path:
            return True  # the file opened, or the folder itself
        parts = Path(path).parts
        if any(part.startswith(".") for part in parts[depth:]):
            return False
        name = parts[-1] if parts else ""
        deleted = change.name == "deleted"
        return deleted or is_article_name(name) or "." not in name or os.path.isdir(path)

    return relevant


def watch_folder(
    root: Path, stop: threading.Event, *, force_polling: bool = False
) -> Iterator[frozenset[str]]:
    """Yield the changed paths until `stop` is set; an empty set when anything may have
    changed (the folder was deleted, or is back): then every file is to be looked at."""
    root = Path(os.path.abspath(root))
    watched = root.parent if root.is_file() else root
    relevant = relevant_to(root, watched)
    polling = force_polling
    lost = False  # the folder went away (or was replaced) since it was last watched
    while not stop.is_set():
        armed_on = _identity(watched)
        if armed_on is None:
            lost = True
            if stop.wait(CHECK_FOLDER_SECONDS):
                return
            continue
        if lost:
            lost = False
            yield frozenset()  # a folder in its place again: every file in it is new
        try:
            for changes in _changes(watched, relevant, stop, polling):
                paths = frozenset(path for _change, path in changes)
                if watched != root:
                    paths = paths & {str(root)}
                if paths:
                    yield paths
                named = any(path == str(watched) for _change, path in changes)
                now = _identity(watched)
                if named or now != armed_on:  # deleted, moved away, or another in its place
                    lost = True
                    if now is None:
                        yield frozenset()  # gone: the list empties
                    break
        except FileNotFoundError:
            lost = True  # gone between the look and the watch
        except (OSError, RuntimeError):
            if polling:
                raise
            polling = True  # no file events here (an inotify limit, a network file system)


def _changes(
    folder: Path, relevant: Callable[[Change, str], bool], stop: threading.Event, polling: bool
) -> Iterator[set[tuple[Change, str]]]:
    """watchfiles' changes under `folder`, and an empty set every CHECK_FOLDER_SECONDS
    without any."""
    from watchfiles import watch  # imported here: only the reader watches folders

    yield from watch(
        folder,
        stop_event=stop,
        debounce=DEBOUNCE_MS,
        step=50,
        watch_filter=relevant,
        raise_interrupt=False,
        rust_timeout=int(CHECK_FOLDER_SECONDS * 1000),
        yield_on_timeout=True,
        force_polling=polling or None,  # None: WATCHFILES_FORCE_POLLING may still ask for it
        poll_delay_ms=int(POLL_SECONDS * 1000),
    )


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at this path now (device, inode), or None when there is none."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None
