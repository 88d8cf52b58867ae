"""The walk of a folder in a helper process (reader.loading.folder_scan) finds what the
walk in this process finds, and `reader search` that overlaps it with a search of the
index as it was answers as if it had walked first: a file changed a moment before the
command, or an index written meanwhile by another reader of the folder, is seen."""

from __future__ import annotations

import contextlib
import importlib
import json
import marshal
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from reader import cli as cli_module
from reader import cli_search, launch
from reader.articles import open_store
from reader.cli import main
from reader.index import ArticleIndex
from reader.loading import folder_scan, walk
from reader.loading.folder_scan import FolderScan, PendingScan, _decoded, scan
from reader.model import LoadProblem
from reader.paths import index_path

sync_module = importlib.import_module("reader.index.sync")


@contextlib.contextmanager
def early_walk(argv: list[str]) -> Iterator[None]:
    """The walk reader.launch begins for the command line `argv`, stopped at the end."""
    walk.start_early_walk(argv)
    try:
        yield
    finally:
        walk.stop_early_walk()


scan_folder = sync_module.scan_folder
walk_folder = sync_module.walk_folder


def odd_folder(root: Path) -> Path:
    """Nested folders, hidden files and folders, names that are escaped in ids, a link
    to a file, a dangling link and a file that is no article."""
    (root / "a" / "b").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "z.md").write_text("# Z\n\nKent.\n")
    (root / "a" / "one.md").write_text("# One\n\nKent patrols.\n")
    (root / "a" / "b" / "two.txt").write_text("Two\n\nKent roads.\n")
    (root / "a" / "tab\tname.md").write_text("# Tab\n\nKent.\n")
    (root / "a" / ".secret.md").write_text("# Secret\n")
    (root / ".hidden" / "three.md").write_text("# Three\n")
    (root / "notes.rst").write_text("Not an article\n")
    (root / "link.md").symlink_to(root / "z.md")
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    return root


@pytest.mark.parametrize("helpers", [1, 2, 3, 5])
def test_the_helpers_find_what_a_walk_here_finds(tmp_path: Path, helpers: int) -> None:
    """One helper, or several taking parts of the folder (and this process the parts
    they have not taken): the same files, ids, order, links and folders entered."""
    root = odd_folder(tmp_path / "news")
    for name in ("c", "d", "e"):
        (root / name / "deeper").mkdir(parents=True)
        (root / name / f"{name}.md").write_text(f"# {name}\n\nKent.\n")
        (root / name / "deeper" / "x.md").write_text("# X\n\nKent.\n")
    here = scan(root)
    assert "a/tab\\x09name.md" in here.states and here.states["dangling.md"][1:] == (-1, -1)
    assert here.links and not any("secret" in file_id for file_id in here.states)
    with PendingScan(root, helpers) as pending:
        apart = pending.result()
    assert apart == here
    assert list(apart.states) == list(here.states)  # the same order too
    # A link into another part's folder: one walk enters that folder once (under the
    # link's name, the first met), two would enter it twice: no walk from the helpers.
    (root / "a" / "to-e").symlink_to(root / "e" / "deeper")
    here = scan(root)
    assert "a/to-e/x.md" in here.states and "e/deeper/x.md" not in here.states
    with PendingScan(root, helpers) as pending:
        apart = pending.result()
    assert apart == (here if helpers == 1 else None)
    # As the sync's own scan has it.
    problems: list[Any] = []
    links: list[str] = []
    assert sync_module.scan_folder(root, problems, links) == here.states
    assert (problems, links) == (here.problems, here.links)


def entry_stats(root: Path, part: tuple[int, int] = (0, 1)) -> dict[str, Any]:
    """stat_files as each file's directory entry stats it (its whole path), the first
    of two ids spelt alike kept."""
    states: dict[str, Any] = {}
    for _folder, listing in walk.listed_folders(root, part=part):
        for entry, file_id in listing:
            states.setdefault(file_id, (entry.path, *walk.entry_state(entry)))
    return states


def test_files_stat_ed_by_name_in_their_folder_are_as_their_entries_stat_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stat_files stats each file by its name in its folder (os.stat's dir_fd): the same
    sizes and times as by its path, (-1, -1) for a dangling link and a link loop, the
    link's target's for a link, the first of two names spelt alike; and the same again
    where the folder cannot be opened, or a system has no dir_fd (each entry's own stat
    then)."""
    root = odd_folder(tmp_path / "news")
    (root / "loop.md").symlink_to(root / "loop.md")
    (root / "a" / "a\\x1b.md").write_text("# Literal\n\nLonger than the other.\n")
    (root / "a" / "a\x1b.md").write_text("# Escape\n")
    (root / "a" / "linked").symlink_to(root / "a" / "b")
    expected = entry_stats(root)
    assert expected["dangling.md"][1:] == expected["loop.md"][1:] == (-1, -1)
    assert expected["link.md"][1:] == expected["z.md"][1:] != (-1, -1)
    assert expected["a/a\\x1b.md"][0] == str(root / "a" / "a\x1b.md")
    for part in ((0, 1), (0, 2), (1, 2)):
        stated = walk.stat_files(root, [], part=part)
        assert list(stated.items()) == list(entry_stats(root, part).items())
    opened: list[str] = []
    open_folder = walk._open_folder

    def counted(folder: str) -> Any:
        opened.append(folder)
        return open_folder(folder)

    monkeypatch.setattr(walk, "_open_folder", counted)
    assert list(walk.stat_files(root, []).items()) == list(expected.items())
    # Every folder with files opened once (a/linked is a/b, entered once).
    assert sorted(opened) == sorted(map(str, (root, root / "a", root / "a" / "b")))
    real_open = os.open

    def refused(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(path) == str(root / "a"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    assert list(walk.stat_files(root, []).items()) == list(expected.items())
    monkeypatch.setattr(walk, "_STAT_IN_FOLDER", False)  # as on Windows: no dir_fd
    assert list(walk.stat_files(root, []).items()) == list(expected.items())


def test_a_folder_gone_during_the_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder listed in its parent and gone before it is listed itself is a
    problem; files listed and gone before they are stat'ed (their folder with them, or
    not) are (-1, -1), as a file that cannot be stat'ed is."""
    root = odd_folder(tmp_path / "news")
    for name in ("c", "d"):
        (root / name).mkdir()
        (root / name / f"{name}.md").write_text("# C\n")
    listed_folders = walk.listed_folders

    def then_gone(*args: Any) -> Iterator[Any]:
        for folder, listing in listed_folders(*args):
            if folder == str(root):
                shutil.rmtree(root / "a")  # listed at the root: gone before it is
            elif folder == str(root / "c"):
                shutil.rmtree(folder)  # listed: gone before its files are stat'ed
            elif folder == str(root / "d"):
                (root / "d" / "d.md").unlink()
            yield folder, listing

    monkeypatch.setattr(walk, "listed_folders", then_gone)
    problems: list[Any] = []
    states = walk.stat_files(root, problems)
    assert problems == [(str(root / "a"), "cannot list folder: No such file or directory")]
    assert states["c/c.md"] == (str(root / "c" / "c.md"), -1, -1)
    assert states["d/d.md"] == (str(root / "d" / "d.md"), -1, -1)
    assert states["z.md"][1:] != (-1, -1) and not any(key.startswith("a/") for key in states)


def test_folders_it_cannot_list_come_back_as_problems() -> None:
    """(Root, as the tests may run, lists any folder: the problems' way back is tested
    on its own.)"""
    states = {"a.md": ("/x/a.md", 3, 4), "b\\xff.md": ("/x/b\udcff.md", -1, -1)}
    locked = ("/x/locked\\x1b", "cannot list folder: Permission denied")
    fields = {"states": states, "problems": [locked], "links": ["/x/link.md"], "found": 2}
    assert _decoded(walk.encoded([(3, fields)])) == [
        (3, FolderScan(states, [LoadProblem(Path(locked[0]), locked[1])], ["/x/link.md"], found=2))
    ]
    # Anything else is no walk (the caller walks the folder itself).
    encoding = sys.getfilesystemencoding()
    for other in (
        {"walks": [(0, fields)], "encoding": "latin-1" if encoding != "latin-1" else "utf-8"},
        {"walks": [(0, {**fields, "states": list(states)})], "encoding": encoding},
        {"walks": [("0", fields)], "encoding": encoding},
        {"walks": (0, fields), "encoding": encoding},
        {**fields, "encoding": encoding},  # (one walk, as a helper sent it before)
    ):
        with pytest.raises(TypeError):
            _decoded(marshal.dumps(other))


def test_a_helper_that_fails_or_is_not_waited_for_gives_no_walk(tmp_path: Path) -> None:
    root = odd_folder(tmp_path / "news")
    # A file is not a folder for it to walk.
    with PendingScan(root / "z.md") as pending:
        assert pending.result() is None
    # Gone before it started.
    with PendingScan(tmp_path / "gone") as pending:
        assert pending.result() is None
    # Stopped before its walk was wanted: no waiting, no walk.
    pending = PendingScan(root)
    pending.close()
    assert pending.result() is None


def changed_folder(root: Path) -> None:
    """Changes of every kind since the index was made."""
    (root / "a" / "one.md").write_text("# One\n\nKent patrols, again and longer.\n")
    (root / "z.md").unlink()
    (root / "a" / "b" / "new.md").write_text("# New\n\nKent news.\n")


def test_a_sync_with_the_helper_s_walk_is_a_sync_with_its_own(tmp_path: Path) -> None:
    root = odd_folder(tmp_path / "news")
    reports = []
    for use_helper in (False, True):
        with ArticleIndex.temporary(root) as index:
            index.sync()
            changed_folder(root)
            walk = PendingScan(root) if use_helper else None
            assert walk is None or walk.result() is not None  # kept for the sync
            report = index.sync(scan=walk)
            reports.append((report, [row.id for row in index.summaries()]))
        odd_folder_reset(root)
    assert reports[0] == reports[1]
    report, _ids = reports[1]
    assert report.changed == ["a/one.md"] and report.added == ["a/b/new.md"]
    assert "z.md" in report.removed


@pytest.mark.parametrize("helpers", [1, 2])
def test_names_spelt_alike_once_escaped_are_one_file_in_every_walk(
    tmp_path: Path, helpers: int
) -> None:
    """`a<ESC>.md` and a literal `a\x1b.md` have one id: every walk keeps the first found
    (a sync with its own walk, one with the helpers' walk); a walk that kept the other
    made each `reader search` find the file changed and read it again."""
    root = tmp_path / "news"
    for folder in (root, root / "b"):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "a\x1b.md").write_text("# Real escape\n\nShorter.\n")
        (folder / "a\\x1b.md").write_text("# Literal backslash\n\nA longer body here.\n")
    # Folders too, which the helpers may walk in different parts.
    for name, title in (("c\x1b", "Real escape"), ("c\\x1b", "Literal backslash")):
        (root / name).mkdir()
        (root / name / "n.md").write_text(f"# {title}\n\nBody of {len(name)}.\n")
    with ArticleIndex.temporary(root) as index:
        first = index.sync(workers=1)
        assert sorted(first.added) == ["a\\x1b.md", "b/a\\x1b.md", "c\\x1b/n.md"]
        assert [row.title for row in index.summaries()] == ["Real escape"] * 3
        with PendingScan(root, helpers) as walk:
            again = index.sync(workers=1, scan=walk)
        assert again.changed == again.added == again.removed == []
        assert [row.title for row in index.summaries()] == ["Real escape"] * 3
    assert [path for path, *_ in scan(root).states.values()] == [
        str(root / "a\x1b.md"),
        str(root / "b" / "a\x1b.md"),
        str(root / "c\x1b" / "n.md"),
    ]


def odd_folder_reset(root: Path) -> None:
    (root / "z.md").write_text("# Z\n\nKent.\n")
    (root / "a" / "b" / "new.md").unlink()
    (root / "a" / "one.md").write_text("# One\n\nKent patrols.\n")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def indexed(root: Path) -> Path:
    """The folder, indexed (by a walk here)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sync_module, "walk_folder", walk_folder)
        store = open_store(root)
        store.refresh()
        store.close()
    return root


def no_walk_here(*_args: Any) -> Any:
    raise AssertionError("the folder walked here again, the helpers' walk not taken")


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """`reader search` walks every indexed folder with the helpers (none is too small
    for them) and never walks it again here; the list counts the searches each command
    makes."""
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 1)
    monkeypatch.setattr(sync_module, "walk_folder", no_walk_here)
    searches: list[int] = []
    search = cli_search._search

    def counted(*args: Any) -> Any:
        searches.append(1)
        return search(*args)

    monkeypatch.setattr(cli_search, "_search", counted)
    return searches


QUERIES = [
    ["kent"],
    ["kent", "--json"],
    ["kent", "--json", "--limit", "2"],
    ["patrols OR roads", "--json", "--sort", "oldest"],
    ["nothing-matches", "--json"],
]


def test_search_with_the_walk_apart_prints_what_it_printed(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    searched: list[int],
) -> None:
    root = odd_folder(tmp_path / "news")
    for query in QUERIES:
        with monkeypatch.context() as before:
            before.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 10**9)
            before.setattr(sync_module, "walk_folder", walk_folder)
            expected = run(capsys, "search", *query, str(root))
        searched.clear()
        assert run(capsys, "search", *query, str(root)) == expected, query
        assert searched == [1], "searched again, though nothing changed"


def test_search_sees_a_file_changed_a_moment_before(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, searched: list[int]
) -> None:
    root = indexed(odd_folder(tmp_path / "news"))
    status, out, _ = run(capsys, "search", "kent", str(root), "--json")
    assert status == 0 and "z.md" in {item["id"] for item in json.loads(out)}
    changed_folder(root)
    (root / "a" / "b" / "two.txt").write_text("Two\n\nNo longer about that county.\n")
    searched.clear()
    status, out, _ = run(capsys, "search", "kent", str(root), "--json")
    assert status == 0 and len(searched) == 2  # the first answer was stale
    ids = [item["id"] for item in json.loads(out)]
    assert "a/b/new.md" in ids and "z.md" not in ids and "a/b/two.txt" not in ids
    one = next(item for item in json.loads(out) if item["id"] == "a/one.md")
    assert one["snippets"] == ["One Kent patrols, again and longer."]
    status, out, _ = run(capsys, "search", "longer", str(root), "--json")
    assert {item["id"] for item in json.loads(out)} == {"a/one.md", "a/b/two.txt"}


def test_search_sees_what_another_reader_indexed_meanwhile(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    searched: list[int],
) -> None:
    """The folder changed before the command; another reader of it indexed the change
    after this command's first search and before its refresh: the index is not as the
    first search saw it, so it searches again; and not as it was when the walk began,
    so the walk (which may be older than what was indexed) is not used: the folder is
    walked here."""
    root = indexed(odd_folder(tmp_path / "news"))
    assert run(capsys, "search", "kent", str(root))[0] == 0
    (root / "a" / "b" / "new.md").write_text("# New\n\nKent news.\n")
    refresh = cli_search.refresh_folder
    walked_here: list[int] = []

    def walk_here(*args: Any) -> Any:
        walked_here.append(1)
        return walk_folder(*args)

    def another_reader_first(store: Any, walk: PendingScan | None) -> None:
        with monkeypatch.context() as other:
            other.setattr(sync_module, "walk_folder", walk_folder)
            another = open_store(root)
            assert another.refresh().added == ["a/b/new.md"]
            another.close()
        monkeypatch.setattr(sync_module, "walk_folder", walk_here)
        refresh(store, walk)

    monkeypatch.setattr(cli_search, "refresh_folder", another_reader_first)
    searched.clear()
    status, out, _ = run(capsys, "search", "kent", str(root), "--json")
    assert status == 0 and len(searched) == 2 and walked_here == [1]
    assert "a/b/new.md" in [item["id"] for item in json.loads(out)]


@pytest.mark.parametrize("change", ["added", "removed"])
def test_a_walk_older_than_the_index_undoes_nothing(tmp_path: Path, change: str) -> None:
    """Another reader (the reader's live reload) indexed a change after the walk began:
    a sync given that walk neither drops the new file nor brings back the gone one."""
    root = odd_folder(tmp_path / "news")
    live = open_store(root)
    live.refresh()
    command = open_store(root)
    walk = PendingScan(root, index_generation=command.index_generation())
    assert walk.result() is not None  # the folder as it was
    if change == "added":
        (root / "new.md").write_text("# New\n\nKent news.\n")
        assert live.refresh(changed_paths=["new.md"]).added == ["new.md"]
    else:
        (root / "a" / "one.md").unlink()
        assert live.refresh(changed_paths=["a/one.md"]).removed == ["a/one.md"]
    report = command.refresh(scan=walk)
    assert not report.removed and not report.added and not report.problems
    ids = {row.id for row in command.rows()}
    assert ("new.md" in ids) if change == "added" else ("a/one.md" not in ids)
    live.close()
    command.close()


def test_the_helpers_run_no_code_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module of the standard library's name in the folder `reader search` runs in is
    not what the helper imports (python -I)."""
    root = odd_folder(tmp_path / "news")
    here = tmp_path / "here"
    here.mkdir()
    marker = tmp_path / "ran"
    (here / "dataclasses.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(here)
    with PendingScan(root, 1) as pending:
        assert pending.result() is not None
    assert not marker.exists()


def test_a_bad_query_is_reported_as_before(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    searched: list[int],
) -> None:
    root = indexed(odd_folder(tmp_path / "news"))
    with monkeypatch.context() as before:
        before.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 10**9)
        before.setattr(sync_module, "walk_folder", walk_folder)
        expected = run(capsys, "search", "kent AND (", str(root))
    assert expected[0] != 0 and expected[2].startswith("reader: unclosed")
    searched.clear()
    assert run(capsys, "search", "kent AND (", str(root)) == expected
    assert len(searched) == 2  # the first failed quietly; the second told why


def test_one_file_is_walked_as_itself(tmp_path: Path) -> None:
    root = odd_folder(tmp_path / "news")
    info = (root / "z.md").stat()
    assert scan(root / "z.md").states == {
        "z.md": (str(root / "z.md"), info.st_size, info.st_mtime_ns)
    }
    assert scan(root / "dangling.md").states == {"dangling.md": (str(root / "dangling.md"), -1, -1)}


def test_search_where_the_helpers_cannot_share_the_walk(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link into another helper's part: the command walks the folder itself, and
    prints what it printed before."""
    root = odd_folder(tmp_path / "news")
    for name in ("c", "d"):
        (root / name).mkdir()
        (root / name / f"{name}.md").write_text(f"# {name}\n\nKent.\n")
    (root / "a" / "to-d").symlink_to(root / "d")
    with monkeypatch.context() as before:
        before.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 10**9)
        expected = run(capsys, "search", "kent", str(root), "--json")
    assert "a/to-d/d.md" in expected[1] and '"d/d.md"' not in expected[1]
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 1)
    walks: list[FolderScan | None] = []
    result = PendingScan.result

    def kept(self: PendingScan) -> FolderScan | None:
        walks.append(result(self))
        return walks[-1]

    monkeypatch.setattr(PendingScan, "result", kept)
    start = PendingScan.__init__

    def two_helpers(self: PendingScan, root: Path, helpers: int | None = None, **kw: Any) -> None:
        start(self, root, 2, **kw)

    monkeypatch.setattr(PendingScan, "__init__", two_helpers)
    (root / "c" / "c.md").write_text("# c\n\nKent, changed.\n")
    expected_now = run(capsys, "search", "kent", str(root), "--json")
    assert walks == [None] and "Kent, changed." in expected_now[1]
    with monkeypatch.context() as before:
        before.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 10**9)
        assert run(capsys, "search", "kent", str(root), "--json") == expected_now


@pytest.mark.parametrize("busy_from", [3, 100])
def test_a_busy_machine_walks_a_big_folder_in_the_helpers_still(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    busy_from: int,
) -> None:
    """The helpers compare the walk with the index themselves, so the command does
    nothing a file: a folder of SCAN_APART_BUSY_ARTICLES or more is walked in them at
    any load (quicker than the walk here at a load of 4.5 on 2 cores, 100,000 files); a
    smaller one, with no core free, here. Either way the answer sees a change made a
    moment before."""
    root = indexed(odd_folder(tmp_path / "news"))  # 6 articles
    monkeypatch.setattr(walk, "SCAN_APART_ARTICLES", 1)
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", busy_from)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(walk, "running_elsewhere", lambda: 3)
    if busy_from < 6:
        monkeypatch.setattr(sync_module, "walk_folder", no_walk_here)
    started: list[int | None] = []
    start = PendingScan.__init__

    def counted(self: PendingScan, root: Path, helpers: int | None = None, **kw: Any) -> None:
        started.append(helpers)
        start(self, root, helpers, **kw)

    monkeypatch.setattr(PendingScan, "__init__", counted)
    changed_folder(root)
    status, out, _ = run(capsys, "search", "kent", str(root), "--json")
    assert status == 0 and started == ([None] if busy_from < 6 else [])
    assert "a/b/new.md" in [item["id"] for item in json.loads(out)]
    monkeypatch.setattr(walk, "running_elsewhere", lambda: 0)
    assert walk.cores_free()


def test_a_core_is_free_when_nothing_else_runs_now_whatever_ran_a_minute_ago(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """cores_free looks at what runs now: a load average left high by a command that has
    ended (ours, run just before) does not make a quiet machine a busy one; where the
    system does not say what runs now, the load average decides."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (1.8, 1.5, 1.0))
    monkeypatch.setattr(walk, "running_elsewhere", lambda: 0)
    assert walk.cores_free()
    monkeypatch.setattr(walk, "running_elsewhere", lambda: 1)
    assert not walk.cores_free()
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert walk.cores_free()
    monkeypatch.setattr(walk, "running_elsewhere", lambda: None)
    assert walk.cores_free()  # 1.8 + 1 <= 4
    monkeypatch.setattr(os, "getloadavg", lambda: (3.5, 1.5, 1.0))
    assert not walk.cores_free()


@pytest.mark.skipif(not Path("/proc/loadavg").exists(), reason="the count is Linux's")
def test_another_process_running_counts_and_this_ones_threads_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process busy beside this one is counted among the tasks running elsewhere; this
    process's own threads at work (an index writer's, here compressing without the GIL)
    are not."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        assert walk.running_elsewhere() >= 1
    finally:
        busy.kill()
        busy.wait()
    stop = threading.Event()
    data = os.urandom(1 << 22)

    def compress() -> None:
        while not stop.is_set():
            zlib.compress(data, 6)

    workers = [threading.Thread(target=compress) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.1)
        # The two compressing threads and the one asking run here, nearly always at once,
        # and are left out of the count.
        assert max(walk._threads_running_here() for _ in range(50)) >= 3
        monkeypatch.setattr(walk, "RUNNING_LOOKS", 1)
        elsewhere, running = [], []
        for _ in range(50):
            elsewhere.append(walk.running_elsewhere())
            running.append(int(Path("/proc/loadavg").read_text().split()[3].split("/")[0]))
        assert min(elsewhere) <= min(running) - 2
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def test_the_command_begins_the_walk_before_the_rest_of_the_reader(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reader search WORD FOLDER` (reader.launch) starts the helpers for a big indexed
    folder before it imports the rest of the reader: the search takes that walk (starts
    no other, walks the folder no other way) and answers as a search that walked
    first."""
    root = indexed(odd_folder(tmp_path / "news"))
    events: list[str] = []
    start = walk.Helpers.__init__
    open_folder = cli_search.open_folder_as_indexed

    def counted(self: walk.Helpers, root: Path, *args: Any, **kw: Any) -> None:
        events.append(f"walk {kw.get('database')}")
        start(self, root, *args, **kw)

    def opened(args: Any) -> Any:
        events.append("open")
        return open_folder(args)

    changed_folder(root)
    with monkeypatch.context() as patch:
        patch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 1)
        patch.setattr(sync_module, "walk_folder", no_walk_here)
        patch.setattr(walk.Helpers, "__init__", counted)
        patch.setattr(cli_search, "open_folder_as_indexed", opened)
        patch.setattr(sys, "argv", ["reader", "search", "kent", str(root), "--json"])
        assert launch.main() == 0
        out = capsys.readouterr().out
    assert events == [f"walk {index_path(root)}", "open"]  # begun before the store opens
    assert "a/b/new.md" in [item["id"] for item in json.loads(out)]
    assert run(capsys, "search", "kent", str(root), "--json")[:2] == (0, out)


def test_a_walk_begun_for_another_folder_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk is begun on a guess from the command line: given to the search only if
    it is of the folder (the index) the search opened; else stopped. No guess for other
    commands, small folders, or a command line naming two folders."""
    root = indexed(odd_folder(tmp_path / "news"))
    other = indexed(odd_folder(tmp_path / "other"))
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 1)
    database = str(index_path(root))
    with early_walk(["search", "kent", str(root), "--limit", "2"]):
        assert folder_scan.started_walk(str(index_path(other))) is None
        assert folder_scan.started_walk(database) is None  # (stopped, not kept)
    with early_walk(["search", "kent", str(root)]):
        taken = folder_scan.started_walk(database)
        assert taken is not None and taken.result() is not None
    for argv in (
        ["list", str(root)],
        ["search", str(other), str(root)],
        ["--no-cache", "search", "kent", str(root)],
        ["search", "kent", str(tmp_path / "not indexed")],
    ):
        with early_walk(argv):
            assert folder_scan.started_walk(database) is None, argv
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 10**9)
    with early_walk(["search", "kent", str(root)]):
        assert folder_scan.started_walk(database) is None


def test_trouble_guessing_the_early_walk_is_left_to_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early walk is a head start: a cache folder that cannot be looked in (or any
    other trouble making the guess) gives no walk, never an error before the command
    has parsed its arguments."""
    import reader.paths

    root = indexed(odd_folder(tmp_path / "news"))
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 1)

    def unreadable_cache(_root: str) -> str:
        raise PermissionError(13, "Permission denied", str(tmp_path / "cache"))

    monkeypatch.setattr(reader.paths, "guessed_index_path", unreadable_cache)
    with early_walk(["search", "kent", str(root)]):
        assert folder_scan.started_walk(str(tmp_path / "any.sqlite3")) is None


@pytest.mark.parametrize(
    "name", ["plain", "a space", "what?", "hash#tag", "per%41cent", "odd\udcff"]
)
def test_the_walk_reads_an_index_at_any_path_and_only_reads(tmp_path: Path, name: str) -> None:
    """reader.loading.walk.reading opens the index by a URI written by hand (pathlib's
    costs the helpers two imports): the same URI as pathlib's, for a path with the
    characters a URI gives meaning to, or a byte that is not UTF-8, and read-only."""
    database = tmp_path / name / "index.sqlite3"
    database.parent.mkdir()
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE info(key, value)")
        connection.execute("INSERT INTO info VALUES ('generation', 7)")
        connection.commit()
    assert walk.read_only_uri(str(database)) == f"{database.as_uri()}?mode=ro"
    # `..` after a link is the link's parent's, as the writer opens it: not cut as text.
    (tmp_path / name / "deeper").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / name / "deeper")
    through_link = f"{tmp_path}/link/../index.sqlite3"
    with contextlib.closing(walk.reading(through_link)) as connection:
        assert walk.index_version(connection) == ("", 7)
    connection = walk.reading(str(database))
    try:
        assert walk.index_version(connection) == ("", 7)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("INSERT INTO info VALUES ('x', 1)")
    finally:
        connection.close()


def deep_folder(root: Path) -> Path:
    """odd_folder with more subfolders to share out, some deeper."""
    odd_folder(root)
    for name in ("c", "d", "e", "f", "g"):
        (root / name / "deeper").mkdir(parents=True)
        (root / name / f"{name}.md").write_text(f"# {name}\n\nKent.\n")
        (root / name / "deeper" / "x.md").write_text("# X\n\nKent.\n")
    return root


@pytest.mark.parametrize("parts", [1, 3, 16])
def test_the_parts_walked_in_any_order_by_any_walkers_are_the_walk(
    tmp_path: Path, parts: int
) -> None:
    """walk_parts lists the root once for all the parts it takes (from a queue, one at a
    time): the parts two walkers took, in whatever order, joined by number, are the
    walk of the whole folder, compared or not."""
    root = deep_folder(tmp_path / "news")
    store = open_store(root)
    store.refresh()
    database = str(index_path(root))
    store.close()
    touched = root / "c" / "c.md"
    touched.write_text("# c\n\nKent, again.\n")
    for compared_with in (None, database):
        here = scan(root, database=compared_with)
        queue, tokens = os.pipe()
        os.write(tokens, bytes(reversed(range(parts))))  # last part first
        os.close(tokens)
        first = walk.walk_parts(root, parts, islice(walk.taken_parts(queue), 2), compared_with)
        second = walk.walk_parts(root, parts, walk.taken_parts(queue), compared_with)
        os.close(queue)
        walks = sorted(first + second, key=lambda numbered: numbered[0])
        assert [number for number, _fields in walks] == list(range(parts))
        whole = folder_scan.joined([folder_scan._scan_of(fields) for _number, fields in walks])
        assert whole is not None and list(whole.states) == list(here.states)
        assert replace(whole, digests=[]) == replace(here, digests=[])  # (one a part)
        if compared_with is not None:
            assert list(whole.states) == ["c/c.md"] and whole.found == here.found == 16
            assert len(whole.digests) == parts


@pytest.mark.parametrize("first", ["the command", "the helper"])
def test_the_command_walks_the_parts_the_helpers_have_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """Once it wants the walk, this process takes parts from the helpers' queue too: each
    part is walked once, by whoever took it, and the walk is the same. Made sure of both
    ways: the helper held back until the command has taken every part, or the command
    asking once the helper has taken them all (and ended)."""
    root = deep_folder(tmp_path / "news")
    here = scan(root)
    walked_here: list[int] = []
    sent: list[int] = []
    walk_here, decoded = walk.Helpers.walk_here, folder_scan._decoded
    go = tmp_path / "go"
    if first == "the command":
        held = tmp_path / "held-python"
        held.write_text(f'#!/bin/sh\nwhile [ ! -e "{go}" ]; do sleep 0.01; done\n')
        held.write_text(held.read_text() + f'exec "{sys.executable}" "$@"\n')
        held.chmod(0o755)
        monkeypatch.setattr(sys, "executable", str(held))

    def walked(self: walk.Helpers) -> Any:
        walks = walk_here(self)
        walked_here.extend(number for number, _fields in walks)
        go.touch()
        return walks

    def received(data: bytes) -> Any:
        scans = decoded(data)
        sent.extend(number for number, _scan in scans)
        return scans

    monkeypatch.setattr(walk.Helpers, "walk_here", walked)
    monkeypatch.setattr(folder_scan, "_decoded", received)
    with PendingScan(root, 1, parts=8) as pending:
        if first == "the helper":
            (helper,) = pending._helpers._processes
            deadline = time.monotonic() + 60
            while helper.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
        apart = pending.result()
    assert apart == here and apart is not None and list(apart.states) == list(here.states)
    assert sorted(walked_here + sent) == list(range(8))
    assert (walked_here if first == "the command" else sent) == list(range(8))


def test_the_parts_are_taken_one_at_a_time(tmp_path: Path) -> None:
    """A walker takes the next part only once it has walked the one before: the first
    helper to start takes one part, not every part."""
    root = deep_folder(tmp_path / "news")
    walked: list[int] = []
    listed = walk.listed_folders

    def taken() -> Iterator[int]:
        for number in range(4):
            assert walked == list(range(number)), "a part taken before the last was walked"
            yield number

    def listing(*args: Any) -> Any:
        yield from listed(*args)
        walked.append(args[3][0])  # (the part, once its walk is over)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(walk, "listed_folders", listing)
        walks = walk.walk_parts(root, 4, taken())
    assert [number for number, _fields in walks] == walked == [0, 1, 2, 3]


def six_folders(root: Path) -> Path:
    for name in "abcdef":
        (root / name).mkdir(parents=True)
        (root / name / f"{name}.md").write_text(f"# {name}\n\nKent.\n")
    return root


def test_parts_of_walkers_that_listed_the_root_differently_are_no_walk(tmp_path: Path) -> None:
    """A folder deleted between one walker's listing of the root and another's: they
    cut the root differently, and a folder (b) falls between their parts, so a change to
    it made before the command ran would be neither walked nor gone. No walk, then
    (the command walks the folder itself). (From the review of the queue.)"""
    root = indexed(six_folders(tmp_path / "news"))
    database = str(index_path(root))
    changed = root / "b" / "b.md"
    changed.write_text("# b\n\nKent, changed before the command ran.\n")
    os.utime(changed, ns=(0, 10**18))
    # A helper lists a-f and takes parts 1 and 2 of 3: c d, e f.
    first = walk.walk_parts(root, 3, [1, 2], database)
    shutil.rmtree(root / "d")
    # The command lists a b c e f and takes part 0: a.
    second = walk.walk_parts(root, 3, [0], database)
    walks = sorted(first + second, key=lambda numbered: numbered[0])
    assert folder_scan.joined([folder_scan._scan_of(fields) for _number, fields in walks]) is None


def test_a_folder_another_reader_indexed_just_before_the_snapshot_is_not_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """walk_parts lists the root after it takes its snapshot of the index: a folder
    another reader made and indexed just before is listed, and its files are not taken
    for gone. (From the review of the queue.)"""
    root = indexed(six_folders(tmp_path / "news"))
    database = str(index_path(root))
    reading = walk.reading

    def another_reader_first(path: str) -> Any:
        (root / "aa").mkdir()
        (root / "aa" / "late.md").write_text("# Late\n\nKent.\n")
        indexed(root)
        return reading(path)

    monkeypatch.setattr(walk, "reading", another_reader_first)
    walks = walk.walk_parts(root, 2, [0, 1], database)
    whole = folder_scan.joined([folder_scan._scan_of(fields) for _number, fields in walks])
    assert whole is not None and "aa/late.md" not in whole.gone and not whole.states


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists a process's files")
def test_the_walk_leaves_no_file_open_and_no_helper_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken, stopped, or interrupted while the helpers start: the queue and the helpers'
    pipes are closed, and every helper has ended."""
    root = deep_folder(tmp_path / "news")
    before = set(os.listdir("/proc/self/fd"))
    with PendingScan(root, 2) as pending:
        assert pending.result() is not None
    with PendingScan(root, 2):
        pass
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        if started:
            raise KeyboardInterrupt
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", interrupted)
    with pytest.raises(KeyboardInterrupt):
        walk.Helpers(root, 2)
    assert started and started[0].returncode is not None
    assert set(os.listdir("/proc/self/fd")) - before == set()


def test_trouble_after_the_early_walk_is_taken_stops_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reader search` took the walk reader.launch began, then met trouble before its
    search: the helpers are stopped, not left running."""
    root = indexed(odd_folder(tmp_path / "news"))
    monkeypatch.setattr(walk, "SCAN_APART_BUSY_ARTICLES", 1)
    taken: list[walk.Helpers] = []
    take = walk.take_early_walk

    def took(database: str | None) -> Any:
        early = take(database)
        taken.extend([] if early is None else [early[0]])
        return early

    def trouble(_articles: int) -> bool:
        raise RuntimeError("trouble")

    monkeypatch.setattr(folder_scan, "take_early_walk", took)
    monkeypatch.setattr(cli_search, "walk_apart", trouble)
    with early_walk(["search", "kent", str(root)]), pytest.raises(RuntimeError):
        cli_search.search_fresh(cli_module.build_parser().parse_args(["search", "kent", str(root)]))
    assert taken and not taken[0]._processes and taken[0]._queue is None


def test_no_queue_for_the_parts_is_no_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of file descriptors for the queue: no helpers and no walk (the caller walks
    the folder itself), not an error."""
    root = odd_folder(tmp_path / "news")

    def no_pipe() -> tuple[int, int]:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    with PendingScan(root, 2) as pending:
        assert pending.result() is None


def test_a_root_s_entries_are_sorted_out_once_for_the_parts_walked_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A root of many files and few folders: each part walked in a process goes through
    the root's entries again only if it must (16 parts of a flat folder of 50,000 files
    would go through them 16 times)."""
    root = deep_folder(tmp_path / "news")
    for number in range(30):
        (root / f"flat-{number}.md").write_text("# Flat\n\nKent.\n")
    sorted_out: list[str] = []
    real = walk._sorted_out

    def counted(entries: Any, prefix: str, links: Any, ignores: Any = ()) -> Any:
        sorted_out.append(prefix)
        return real(entries, prefix, links, ignores)

    monkeypatch.setattr(walk, "_sorted_out", counted)
    walks = walk.walk_parts(root, 16, range(16))
    assert sorted_out.count("") == 1  # the root, once
    whole = folder_scan.joined([folder_scan._scan_of(fields) for _number, fields in walks])
    monkeypatch.setattr(walk, "_sorted_out", real)
    here = scan(root)
    assert whole is not None and list(whole.states) == list(here.states)
    assert (whole.links, whole.problems) == (here.links, here.problems)
