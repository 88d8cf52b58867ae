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
    root: Path,
    problems: list[LoadProblem],
    links: list[str] | None = None,
    *,
    part: tuple[int, int] = (0, 1),
    entered: list[tuple[int, int]] | None = None,
) -> dict[str, FileState]:
    """Every article file under the folder (or file) `root` by id, with its size and
    mtime (stat only, no reads; see entry_state); of a folder, only the `part` of it
    folder_listings walks."""
    states: dict[str, FileState] = {}
    if not root.is_dir():
        for found in find_files(root):  # the one file, under its id
            states[found.id] = (found.path, *path_state(found.path))
        return states
    for listing in folder_listings(root, problems, links, part=part, entered=entered):
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


@dataclass
class FolderScan:
    """What stat_files found: the files, the folders it could not list, the links met,
    and the (device, inode) of each folder it entered."""

    states: dict[str, FileState]
    problems: list[LoadProblem] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    entered: list[tuple[int, int]] = field(default_factory=list)


def scan(root: Path, part: tuple[int, int] = (0, 1)) -> FolderScan:
    """stat_files of `root` (or of a part of it), with its problems and links."""
    found = FolderScan({})
    found.states = stat_files(root, found.problems, found.links, part=part, entered=found.entered)
    return found


def joined(parts: list[FolderScan]) -> FolderScan | None:
    """The walk of the whole folder from the walks of its parts, in order; None when a
    folder was entered by two of them (through a link), where one walk enters it once."""
    whole = FolderScan({})
    for found in parts:
        for file_id, state in found.states.items():
            whole.states.setdefault(file_id, state)  # the first found, as stat_files keeps
        whole.problems += found.problems
        whole.links += found.links
        whole.entered += found.entered
    if len(set(whole.entered)) < len(whole.entered):
        return None
    return whole


class PendingScan:
    """`scan(root)` of a folder, running in helper processes from the moment this is
    made: one per core, each walking a part of the folder (the root's subfolders shared
    out in runs)."""

    def __init__(
        self, root: Path, helpers: int | None = None, *, index_generation: int | None = None
    ) -> None:
        import subprocess

        # The index's generation when the walk began: a sync takes the walk only while
        # the index is still there (another reader may index a change the walk missed).
        self.index_generation = index_generation

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


def _encoded(found: FolderScan) -> bytes:
    problems = [(str(problem.path), problem.message) for problem in found.problems]
    encoding = sys.getfilesystemencoding()
    return marshal.dumps((encoding, found.states, problems, found.links, found.entered))


def _decoded(data: bytes) -> FolderScan:
    encoding, states, problems, links, entered = marshal.loads(data)
    # Names decoded otherwise would be other ids: every file would look new.
    if encoding != sys.getfilesystemencoding() or not isinstance(states, dict):
        raise TypeError("not a folder scan of this process's names")
    problems = [LoadProblem(Path(path), message) for path, message in problems]
    return FolderScan(states, problems, list(links), [tuple(folder) for folder in entered])


def main() -> None:
    """A helper: walk the part (its number, of how many: the second and third arguments)
    of the folder named by the first, and write it to stdout."""
    # A short life making 100,000 tuples that all live to the end: nothing to collect.
    gc.disable()
    root = Path(sys.argv[1])
    if not root.is_dir():  # a file, an archive: not this walk's to list
        sys.exit(1)
    part = (int(sys.argv[2]), int(sys.argv[3]))
    sys.stdout.buffer.write(_encoded(scan(root, part)))
    sys.stdout.buffer.flush()
