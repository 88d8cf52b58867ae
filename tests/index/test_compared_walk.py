"""The helpers of `reader search` compare their parts of the folder with the index
themselves (reader.loading.folder_scan.scan with a database): a sync given their walk
finds what a sync walking the folder itself finds (the same report, the same rows), for
every kind of change and however the folder is shared out; and a walk whose digest
matches the one remembered when the index last matched the folder is trusted only while
the index is unchanged since."""

from __future__ import annotations

import importlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.index import ArticleIndex
from reader.loading import walk
from reader.loading.folder_scan import PendingScan, scan
from reader.loading.walk import id_ranges
from tests.index.conftest import write

sync_module = importlib.import_module("reader.index.sync")

NAMES = ["top.md", "a/1.md", "a/2.md", "b/1.md", "b/deep/2.md", "c/1.md", "d/1.md", "e/1.md"]


def folder(root: Path) -> Path:
    """Files at the root and in five subfolders (which the helpers share out), one of
    them a problem (a NUL byte)."""
    for number, name in enumerate(NAMES):
        write(root, name, f"Title {number}", body=f"Kent {number}.")
    (root / "b" / "bad.md").write_bytes(b"text\x00with a NUL")
    return root


def touched(path: Path) -> None:
    """The same size, another mtime."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))


CHANGES: dict[str, Callable[[Path], Any]] = {
    "nothing": lambda root: None,
    "changed in one part": lambda root: write(root, "d/1.md", "Changed", body="Longer now."),
    "touched": lambda root: touched(root / "a" / "2.md"),
    "added": lambda root: write(root, "c/new.md", "New"),
    "added at the root": lambda root: write(root, "new.md", "New"),
    "added in a new folder": lambda root: write(root, "f/new.md", "New"),
    "deleted": lambda root: (root / "b" / "1.md").unlink(),
    "deleted at the root": lambda root: (root / "top.md").unlink(),
    "folder deleted": lambda root: shutil.rmtree(root / "e"),
    "problem fixed": lambda root: write(root, "b/bad.md", "Fixed"),
    "article now a problem": lambda root: (root / "c" / "1.md").write_bytes(b"\x00"),
    "everything": lambda root: [
        change(root) for name, change in CHANGES.items() if name not in ("nothing", "everything")
    ],
}


def rows(index: ArticleIndex) -> list[tuple[Any, ...]]:
    assert index.path is not None
    with sqlite3.connect(index.path) as connection:
        articles = connection.execute("SELECT id, title, size, mtime_ns FROM articles ORDER BY id")
        problems = connection.execute("SELECT id, message FROM problems ORDER BY id")
        return articles.fetchall() + problems.fetchall()


def summary(report: Any) -> tuple[Any, ...]:
    return (
        report.added,
        report.changed,
        sorted(report.removed),
        report.total_files,
        [(problem.path, problem.message) for problem in report.problems],
    )


def two_indexes(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[ArticleIndex]:
    """Two indexes of the folder (in two caches), each synced."""
    indexes = []
    for name in ("here", "helpers"):
        monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / name))
        index = ArticleIndex.open(root)
        index.sync(workers=1)
        indexes.append(index)
    return indexes


def helpers_walk(index: ArticleIndex, helpers: int, parts: int | None = None) -> PendingScan:
    assert index.path is not None
    return PendingScan(
        index.root,
        helpers,
        index_generation=index.generation(),
        database=str(index.path),
        parts=parts,
    )


def no_walk_here(*_args: Any) -> Any:
    raise AssertionError("the folder walked here again, the helpers' walk not taken")


@pytest.mark.parametrize("helpers", [1, 2, 3])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_sync_with_the_helpers_comparison_is_a_sync_with_its_own(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, helpers: int
) -> None:
    folder(root)
    here, apart = two_indexes(root, tmp_path, monkeypatch)
    CHANGES[change](root)
    expected = here.sync(workers=1)
    walk = helpers_walk(apart, helpers)
    walked = walk.result()
    assert walked is not None and walked.compared_with is not None
    with monkeypatch.context() as patch:
        patch.setattr(sync_module, "walk_folder", no_walk_here)
        report = apart.sync(workers=1, scan=walk)
    assert summary(report) == summary(expected)
    assert rows(apart) == rows(here)
    # Only what changed came back from the helpers.
    read = set(report.added + report.changed)
    assert read <= set(walked.states) <= read | set(report.removed)  # (now a problem)
    if change == "nothing":
        assert not report.any and report.total_files == len(NAMES) + 1
    if change == "changed in one part":
        assert report.changed == ["d/1.md"] and walked.known.keys() == {"d/1.md"}
    if change == "touched":
        assert report.changed == ["a/2.md"]
    if change == "folder deleted":
        assert report.removed == ["e/1.md"]
    if change == "problem fixed":
        assert report.changed == ["b/bad.md"] and "b/bad.md" in {row[0] for row in rows(apart)}
    if change == "article now a problem":
        assert report.removed == ["c/1.md"]
    here.close()
    apart.close()


def test_the_helpers_parts_answer_for_every_id_once() -> None:
    """id_ranges: whatever the folder's names, each id (under a subfolder of the root,
    at the root, under a folder no longer there) is one part's, the part that walks the
    folder it is under."""
    rng = random.Random(7)
    alphabet = "ab-./_0z\u00e9"
    for _round in range(200):
        names = sorted({"".join(rng.choices(alphabet[:-3] + "z\u00e9", k=rng.randrange(1, 4)))
                        for _ in range(rng.randrange(0, 8))})  # fmt: skip
        names = [name for name in names if "/" not in name and not name.startswith(".")]
        count = rng.randrange(1, 4)
        runs = [
            names[len(names) * k // count : len(names) * (k + 1) // count] for k in range(count)
        ]
        shares = [[f"{name}/" for name in run] for run in runs]
        ranges = [id_ranges(shares, number) for number in range(count)]
        ids = [f"{rng.choice([*names, 'gone', 'x'])}/{rng.choice(alphabet)}.md" for _ in range(20)]
        ids += [f"{rng.choice(alphabet)}{rng.choice(alphabet)}.md" for _ in range(10)]  # root
        for file_id in ids:
            owners = [
                number
                for number, own in enumerate(ranges)
                if any(low <= file_id and (high is None or file_id < high) for low, high in own)
            ]
            assert len(owners) == 1, (file_id, shares)
            folder_name = file_id.split("/")[0] + "/"
            walker = [number for number, run in enumerate(shares) if folder_name in run]
            if "/" in file_id and walker:
                assert owners == walker
            elif "/" not in file_id:
                assert owners == [0]  # the root's files are the first part's


def test_two_parts_with_folders_of_one_id_are_no_walk(root: Path) -> None:
    """Folders spelt alike once escaped, shared to two parts: a walk of the parts could
    not tell which part a file of that id is; the helpers give no walk, the sync walks
    here."""
    with pytest.raises(ValueError, match="two parts"):
        id_ranges([["a/", "c\\x1b/"], ["c\\x1b/", "d/"]], 0)
    for name in ("a", "c\x1b", "c\\x1b", "d"):
        write(root, f"{name}/n.md", name)
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    assert helpers_walk(index, 2).result() is None
    walked = helpers_walk(index, 1).result()  # one part: no sharing
    assert walked is not None and walked.found == 3 and not walked.states
    index.close()


def test_a_walk_is_compared_with_the_index_as_it_was_before_it_began(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another reader indexed a file after the helpers read the index and before the
    sync: the sync does not take their walk (it would drop that file), it walks here."""
    folder(root)
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    walk = helpers_walk(index, 2)
    assert walk.result() is not None
    write(root, "c/late.md", "Late")
    other = ArticleIndex.open(root)
    assert other.sync(workers=1).added == ["c/late.md"]
    other.close()
    walk.index_generation = None  # (only the helpers' own reading of the index is left)
    walked_here: list[int] = []
    walk_folder = sync_module.walk_folder

    def walk_here(*args: Any) -> Any:
        walked_here.append(1)
        return walk_folder(*args)

    monkeypatch.setattr(sync_module, "walk_folder", walk_here)
    report = index.sync(workers=1, scan=walk)
    assert walked_here == [1] and not report.any
    assert "c/late.md" in {row.id for row in index.summaries()}
    index.close()


def test_the_digest_of_an_unchanged_walk_spares_the_comparison_and_no_more(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a sync found the folder as the index has it, a part's walk that finds the
    same files, sizes and times reads nothing of the index; any change to a file, or any
    write to the index since, and it compares again."""
    folder(root)
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    database = str(index.path)

    def compared() -> Any:
        walk = helpers_walk(index, 2, parts=2)
        return index.sync(workers=1, scan=walk), walk.result()

    report, walked = compared()  # compares, finds nothing: remembers the digests
    assert not report.any and walked is not None and len(walked.digests) == 2
    read_index: list[int] = []
    known_states = walk.known_states

    def counted(*args: Any, **kwargs: Any) -> Any:
        read_index.append(1)
        return known_states(*args, **kwargs)

    monkeypatch.setattr(walk, "known_states", counted)
    for number in (0, 1):
        walked = scan(root, (number, 2), database)
        assert not walked.states and not walked.gone
    assert read_index == []
    touched(root / "d" / "1.md")  # in the second part
    assert scan(root, (0, 2), database).states == {}
    assert read_index == []
    assert list(scan(root, (1, 2), database).states) == ["d/1.md"]
    assert read_index == [1]
    report, _walked = compared()
    assert report.changed == ["d/1.md"]
    # The index written since the digests were remembered: they are not trusted. Another
    # reader indexed a change to a file, which was then put back as it was (its bytes
    # and mtime): the walk is the one remembered, the index is not as it was.
    compared()  # remembers them anew
    path = root / "a" / "1.md"
    before, info = path.read_bytes(), path.stat()
    write(root, "a/1.md", "Changed", body="Another body.")
    other = ArticleIndex.open(root)
    assert other.sync(workers=1).changed == ["a/1.md"]
    other.close()
    path.write_bytes(before)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    read_index.clear()
    assert list(scan(root, (0, 2), database).states) == ["a/1.md"]
    assert read_index == [1]
    report, _walked = compared()
    assert report.changed == ["a/1.md"]
    assert [row.title for row in index.summaries() if row.id == "a/1.md"] == ["Title 1"]
    index.close()


def test_the_digest_changes_with_any_file_s_id_size_or_time_and_the_share_out() -> None:
    """A part's digest is of every file's id, size and mtime, in order, and of how the
    root's subfolders were shared out: any one changed, and it is another; the same
    in every process (no randomised str hash)."""
    states = {
        "a/1.md": ("/r/a/1.md", 10, 1_700_000_000_000_000_000),
        "a/2.md": ("/r/a/2.md", -1, -1),
        "b/\\x1b.md": ("/r/b/\x1b.md", 3, 4),
    }
    shares = [["a/"], ["b/"]]
    digest = walk._digest(states, shares)
    assert walk._digest(dict(states), [list(run) for run in shares]) == digest

    def replaced(file_id: str, new_id: str | None = None, **change: int) -> dict[str, Any]:
        path, size, mtime_ns = states[file_id]
        state = (path, change.get("size", size), change.get("mtime_ns", mtime_ns))
        return {(new_id or key if key == file_id else key): (state if key == file_id else value)
                for key, value in states.items()}  # fmt: skip

    others = [
        replaced("a/1.md", size=11),
        replaced("a/1.md", mtime_ns=1_700_000_000_000_000_001),
        replaced("a/2.md", size=0, mtime_ns=-1),
        replaced("a/2.md", "a/3.md"),
        replaced("b/\\x1b.md", "b/\\x1c.md"),
        {key: states[key] for key in reversed(states)},  # another order
        {key: states[key] for key in list(states)[:2]},  # a file fewer
        {**states, "c.md": ("/r/c.md", 0, 0)},  # a file more
    ]
    digests = [walk._digest(other, shares) for other in others]
    digests += [walk._digest(states, other) for other in ([["a/", "b/"], []], [[], ["a/", "b/"]])]
    assert digest not in digests and len(set(digests)) == len(digests)
    code = (
        "import sys; from reader.loading import walk; "
        f"sys.stdout.write(walk._digest({states!r}, {shares!r}))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert done.stdout == digest, done.stderr


def test_a_sync_that_finds_nothing_changed_writes_nothing(root: Path) -> None:
    """Nothing changed: no commit (each costs a checkpoint when the index closes, 20-30
    ms of a `reader search`), neither walking here nor in the helpers, once the links'
    count and the digests are as they were."""
    folder(root)
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    index.sync(workers=1, scan=helpers_walk(index, 2))  # remembers the digests
    assert index.path is not None
    watcher = sqlite3.connect(index.path)
    before = watcher.execute("PRAGMA data_version").fetchone()
    assert not index.sync(workers=1).any
    assert not index.sync(workers=1, scan=helpers_walk(index, 2)).any
    assert watcher.execute("PRAGMA data_version").fetchone() == before
    touched(root / "a" / "1.md")
    assert index.sync(workers=1, scan=helpers_walk(index, 2)).changed == ["a/1.md"]
    assert watcher.execute("PRAGMA data_version").fetchone() != before
    watcher.close()
    index.close()


@pytest.mark.parametrize("helpers", [2, 3])
def test_a_folder_with_no_subfolders_is_the_first_part_s(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helpers: int
) -> None:
    """Files at the root only: the other parts walk nothing and answer for no id; a
    file changed, added or deleted is seen as a sync walking here sees it."""
    for number in range(6):
        write(root, f"{number}.md", f"Title {number}")
    here, apart = two_indexes(root, tmp_path, monkeypatch)
    write(root, "1.md", "Changed", body="Longer now.")
    write(root, "9.md", "New")
    (root / "4.md").unlink()
    expected = here.sync(workers=1)
    with monkeypatch.context() as patch:
        patch.setattr(sync_module, "walk_folder", no_walk_here)
        report = apart.sync(workers=1, scan=helpers_walk(apart, helpers))
    assert summary(report) == summary(expected)
    assert (report.changed, report.added, report.removed) == (["1.md"], ["9.md"], ["4.md"])
    assert rows(apart) == rows(here)
    here.close()
    apart.close()
