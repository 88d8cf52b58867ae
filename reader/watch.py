"""Notice when article files under a folder are created, changed or deleted.

`watch_folder` blocks (run it in a thread) and yields each time something changed, a
moment after it happened (changes close together arrive as one). It uses the operating
system's file events through watchfiles (inotify on Linux); where those are unavailable
it polls instead: the caller then refreshes and learns from the refresh whether anything
actually changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

from reader.loading import is_article_name

# Changes within this many milliseconds are reported together.
DEBOUNCE_MS = 300
# How often to look again when the operating system gives no events.
POLL_SECONDS = 2.0


def _relevant(change: object, path: str) -> bool:
    """An article file, or a folder that may hold (or have held) some; not hidden ones.
    Anything deleted counts: a folder gone (`v2.0`) is no longer there to be told apart
    from a file."""
    parts = Path(path).parts
    if any(part.startswith(".") for part in parts[1:]):
        return False
    name = parts[-1] if parts else ""
    deleted = getattr(change, "name", None) == "deleted"  # watchfiles.Change, imported late
    return deleted or is_article_name(name) or "." not in name or os.path.isdir(path)


def watch_folder(
    root: Path, stop: threading.Event, *, force_polling: bool = False
) -> Iterator[frozenset[str]]:
    """Yield the changed paths (empty when polling, which cannot tell) until `stop` is set."""
    root = Path(os.path.abspath(root))
    watched = root if root.is_dir() else root.parent
    if not force_polling:
        try:
            from watchfiles import watch

            for changes in watch(
                watched,
                stop_event=stop,
                debounce=DEBOUNCE_MS,
                step=50,
                watch_filter=_relevant,
                raise_interrupt=False,
            ):
                paths = frozenset(path for _change, path in changes)
                if root.is_dir() or str(root) in paths:
                    yield paths
            return
        except (OSError, RuntimeError, ImportError):
            pass  # no file events here (an inotify limit, a network file system): poll
    while not stop.wait(POLL_SECONDS):
        yield frozenset()
