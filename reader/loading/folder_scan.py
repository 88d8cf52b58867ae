"""The folder walks of reader.loading.walk (made here or in helper processes) as the rest
of the reader takes them: FolderScans, with the folders that could not be listed as
LoadProblems. Any trouble with the helpers (they cannot start, die, send nothing) makes
`PendingScan.result()` None, and the caller walks the folder itself.
"""

from __future__ import annotations

import gc
import marshal
import sys
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

from reader.loading.discover import listing_problems
from reader.loading.walk import (
    FileState,
    Helpers,
    IndexVersion,
    digest_key,
    take_early_walk,
    walk,
)
from reader.model import LoadProblem

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class FolderScan:
    """What a walk found: the files, the folders it could not list, the links met, and
    the (device, inode) of each folder it entered.

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
    # The root's subfolders as the parts shared them out (listed_folders' `shares`).
    shares: list[list[str]] = field(default_factory=list, compare=False)


def scan(root: Path, part: tuple[int, int] = (0, 1), database: str | None = None) -> FolderScan:
    """reader.loading.walk.walk of `root` (or of a part of it), made here: the files with
    their sizes and times, compared with the index in the SQLite file `database` when
    given (see FolderScan)."""
    return _scan_of(walk(root, part, database))


def _scan_of(fields: dict[str, object]) -> FolderScan:
    """The FolderScan of a walk's fields (walk's value, or a helper's decoded)."""
    problems = listing_problems(fields.pop("problems"))  # type: ignore[arg-type]
    return FolderScan(problems=problems, **fields)  # type: ignore[arg-type]


def digest_rows(found: FolderScan) -> list[tuple[str, str]]:
    """The index's info rows that remember a compared walk's digests (`found.digests`,
    one a part) as of the generation it was compared at: a later walk of a part with
    the same digest, while the index is at that generation, finds what this one found.
    Written only when the walk found nothing changed and nothing gone."""
    assert found.compared_with is not None
    generation = found.compared_with[1]
    count = len(found.digests)
    return [
        (digest_key((number, count)), f"{generation} {digest}")
        for number, digest in enumerate(found.digests)
    ]


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


class PendingScan:
    """`scan(root)` of a folder, running in helper processes from the moment this is
    made (reader.loading.walk.Helpers): one per core, each taking parts of the folder to
    walk, and this process too once it wants the result."""

    def __init__(
        self,
        root: Path,
        helpers: int | None = None,
        *,
        index_generation: int | None = None,
        database: str | None = None,
        parts: int | None = None,
    ) -> None:
        self._take(Helpers(root, helpers, database, parts), index_generation)

    @classmethod
    def of(cls, running: Helpers, index_generation: int | None) -> PendingScan:
        """The PendingScan of helpers already running (begun by start_early_walk)."""
        scan = cls.__new__(cls)
        scan._take(running, index_generation)
        return scan

    def _take(self, helpers: Helpers, index_generation: int | None) -> None:
        # The index's generation when the walk began: a sync takes the walk only while
        # the index is still there (another reader may index a change the walk missed).
        self.index_generation = index_generation
        # The index's SQLite file: each process compares the parts it takes with it (see
        # walk.walk_parts).
        self.database = helpers.database
        self._helpers = helpers
        self._result: FolderScan | None = None
        self._done = False

    def result(self) -> FolderScan | None:
        """The helpers' walk, waited for, with the parts they have not taken yet walked
        here meanwhile; None if any failed (walk the folder instead)."""
        if self._done:
            return self._result
        self._done = True
        helpers = self._helpers
        # What a walk makes lives until the walk is joined: nothing to collect.
        collecting = gc.isenabled()
        gc.disable()
        try:
            walks = [(number, _scan_of(fields)) for number, fields in helpers.walk_here()]
            outputs = helpers.outputs()
            if outputs is None:
                return None
            for data in outputs:
                walks += _decoded(data)
        except Exception:  # (the index unreadable here, say, or a helper's odd output)
            return None
        finally:
            helpers.close()
            if collecting:
                gc.enable()
        walks.sort(key=itemgetter(0))
        if [number for number, _walk in walks] != list(range(helpers.parts)):
            return None  # (a part walked twice or never: no helper would send that)
        self._result = joined([found for _number, found in walks])
        return self._result

    def close(self) -> None:
        """Stop the helpers still running (their walk is not wanted)."""
        self._done = True
        self._helpers.close()

    def __enter__(self) -> PendingScan:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def started_walk(database: str | None) -> PendingScan | None:
    """The walk reader.launch began (start_early_walk), if of the folder whose index is in
    `database` (the caller closes it); any other is stopped."""
    early = take_early_walk(database)
    return None if early is None else PendingScan.of(*early)


def _decoded(data: bytes) -> list[tuple[int, FolderScan]]:
    """A helper's walks (reader.loading.walk.encoded) as FolderScans, with their parts'
    numbers."""
    sent = marshal.loads(data)
    # Names decoded otherwise would be other ids: every file would look new.
    if not isinstance(sent, dict) or sent.get("encoding") != sys.getfilesystemencoding():
        raise TypeError("not a folder scan of this process's names")
    walks = sent.get("walks")
    if not isinstance(walks, list):
        raise TypeError("not a folder scan")
    scans: list[tuple[int, FolderScan]] = []
    for number, fields in walks:
        if not isinstance(number, int) or not isinstance(fields.get("states"), dict):
            raise TypeError("not a folder scan")
        scans.append((number, _scan_of(fields)))
    return scans
