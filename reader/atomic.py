"""How the reader writes the files it keeps for the user (state, config): safely.

Every write is atomic (a temp file in the same folder, fsync, os.replace), so a crash or a
kill at any moment leaves either the old file or the new one, never a torn one. A file
that does not parse is moved aside (kept for inspection) and a fresh one is started.
Readers running at once take turns at a read-modify-write through a lock file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Windows opens files as text (newlines rewritten) unless told otherwise.
_BINARY = getattr(os, "O_BINARY", 0)


def atomic_write(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, whole.
    A symlink is written through (its target is replaced and the link stays), and a file
    that was there keeps its permissions."""
    path = Path(os.path.realpath(path))
    commit_write(prepare_write(path, data), path)


def prepare_write(path: Path, data: str | bytes) -> Path:
    """The first half of atomic_write: `data` in a synced temp file beside `path`, for
    commit_write to rename into place (a long write need not hold a lock: the rename is
    the moment it takes effect). The temp file has the permissions `path` has now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None  # a new file: mkstemp's owner-only 0600
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is not None:
            if hasattr(os, "fchmod"):
                os.fchmod(handle, mode)
            else:  # Windows before Python 3.13
                os.chmod(temp_name, mode)
        with os.fdopen(handle, "wb") as temp:
            temp.write(data.encode("utf-8") if isinstance(data, str) else data)
            temp.flush()
            os.fsync(temp.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return Path(temp_name)


def commit_write(temp: Path, path: Path) -> None:
    """The second half of atomic_write: rename the temp file over `path`, durably."""
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    # The rename itself is durable only once the folder is synced.
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def append_durably(path: Path, data: bytes, at: int) -> int:
    """Write `data` to `path` at byte `at`, dropping whatever follows `at` (a line torn by
    a writer that died), and sync it; returns where the file now ends."""
    descriptor = os.open(path, os.O_WRONLY | _BINARY)
    try:
        if os.fstat(descriptor).st_size != at:
            os.ftruncate(descriptor, at)
        # (os.pwrite would do, but Windows has none; this descriptor is ours alone.)
        os.lseek(descriptor, at, os.SEEK_SET)
        written = 0
        while written < len(data):
            written += os.write(descriptor, data[written:])
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return at + len(data)


def move_aside(path: Path) -> Path:
    """Rename a broken file out of the way, keeping it; returns its new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
    os.replace(path, target)
    return target


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock (on `path` + ".lock") for a read-modify-write of `path`.

    Readers running at once take turns, so each one's write starts from the other's; so do
    threads of one reader (each call is a lock of its own). `filelock` takes an OS lock that
    a process killed while holding it gives up: flock on Unix, LockFileEx on Windows.
    """
    # Imported here: filelock (with logging and decimal) costs a command that takes no
    # lock, `reader search` say, 11-25 ms of CPU.
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(path.with_name(path.name + ".lock"), mode=0o600):
        yield
