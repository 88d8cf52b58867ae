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
    import subprocess

# (path, size, mtime_ns) of a file found under the root.
FileState = tuple[str, int, int]


def stat_files(
    root: Path, problems: list[LoadProblem], links: list[str] | None = None
) -> dict[str, FileState]:
    """Every article file under the folder (or file) `root` by id, with its size and
    mtime (stat only, no reads).

    A file that cannot be stat'ed (a dangling link, a link loop) gets size -1: read once,
    the loader reports what is wrong with it, and it counts as changed again only when
    it can be stat'ed (a refresh must not announce the same broken link every time).
    """
    states: dict[str, FileState] = {}
    if not root.is_dir():
        for found in find_files(root):  # the one file, under its id
            try:
                info = os.stat(found.path)
                states[found.id] = (found.path, info.st_size, info.st_mtime_ns)
            except OSError:
                states[found.id] = (found.path, -1, -1)
        return states
    for listing in folder_listings(root, problems, links):
        for entry, file_id in listing:
            try:
                info = entry.stat()
                states[file_id] = (entry.path, info.st_size, info.st_mtime_ns)
            except OSError:
                states[file_id] = (entry.path, -1, -1)
    return states


@dataclass
class FolderScan:
    """What stat_files found: the files, the folders it could not list, the links met."""

    states: dict[str, FileState]
    problems: list[LoadProblem] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def scan(root: Path) -> FolderScan:
    """stat_files of `root`, with its problems and links."""
    found = FolderScan({})
    found.states = stat_files(root, found.problems, found.links)
    return found


class PendingScan:
    """`scan(root)` of a folder, running in a helper process from the moment this is
    made."""

    def __init__(self, root: Path) -> None:
        import subprocess

        self._result: FolderScan | None = None
        self._done = False
        # The folder this package is in comes first on the helper's path: it runs this
        # very code, without site-packages (-S: quicker to start).
        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        code = f"import sys; sys.path.insert(0, {package_parent!r}); from {__name__} import main"
        code += "; main()"
        self._process: subprocess.Popen[bytes] | None
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-S", "-c", code, os.fsdecode(root)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError):
            self._process = None

    def result(self) -> FolderScan | None:
        """The helper's walk, waited for; None if it failed (walk the folder instead)."""
        if self._done:
            return self._result
        self._done = True
        process = self._process
        if process is None:
            return None
        stdout: IO[bytes] | None = process.stdout
        try:
            data = stdout.read() if stdout is not None else b""
            status = process.wait()
            if status == 0 and data:
                self._result = _decoded(data)
        except (OSError, ValueError, EOFError, TypeError):
            self._result = None
        finally:
            self.close()
        return self._result

    def close(self) -> None:
        """Stop the helper if it is still running (its walk is not wanted)."""
        self._done = True
        process = self._process
        if process is None:
            return
        self._process = None
        if process.poll() is None:
            process.kill()
        if process.stdout is not None:
            process.stdout.close()
        process.wait()

    def __enter__(self) -> PendingScan:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _encoded(found: FolderScan) -> bytes:
    problems = [(str(problem.path), problem.message) for problem in found.problems]
    encoding = sys.getfilesystemencoding()
    return marshal.dumps((encoding, found.states, problems, found.links))


def _decoded(data: bytes) -> FolderScan:
    encoding, states, problems, links = marshal.loads(data)
    # Names decoded otherwise would be other ids: every file would look new.
    if encoding != sys.getfilesystemencoding() or not isinstance(states, dict):
        raise TypeError("not a folder scan of this process's names")
    return FolderScan(
        states, [LoadProblem(Path(path), message) for path, message in problems], list(links)
    )


def main() -> None:
    """The helper: walk the folder named by the first argument, write it to stdout."""
    # A short life making 100,000 tuples that all live to the end: nothing to collect.
    gc.disable()
    root = Path(sys.argv[1])
    if not root.is_dir():  # a file, an archive: not this walk's to list
        sys.exit(1)
    sys.stdout.buffer.write(_encoded(scan(root)))
    sys.stdout.buffer.flush()
