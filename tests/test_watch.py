"""Folder watching: created, changed and deleted articles are noticed; polling works too."""

from __future__ import annotations

import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader import watch as watch_module
from reader.watch import watch_folder


def start_watching(
    root: Path, **options: bool
) -> tuple[queue.Queue[frozenset[str]], Callable[[], None]]:
    """Watch `root` in a thread: the queue of what it yields, and a function to stop it."""
    found: queue.Queue[frozenset[str]] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        for paths in watch_folder(root, stop, **options):
            found.put(paths)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    # Before the test changes anything, the watcher must be watching (on a busy machine
    # it may take a while): a probe file is written until the watcher tells of it.
    probe = root / "probe.md"
    deadline = time.monotonic() + 20  # a guard against hanging, not a speed target
    while True:
        probe.write_text(f"{time.monotonic()}\n", "utf-8")
        try:
            if str(probe) in found.get(timeout=0.5):
                break
        except queue.Empty:
            assert time.monotonic() < deadline, "the watcher never started"
    while True:  # until it has said all it will about the probe
        try:
            found.get(timeout=0.5)
        except queue.Empty:
            break

    def end() -> None:
        stop.set()
        thread.join(10)
        assert not thread.is_alive()

    return found, end


@pytest.fixture(params=["events", "polling"])
def polling(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Each test with the system's file events, then with watchfiles' polling."""
    monkeypatch.setattr(watch_module, "POLL_SECONDS", 0.1)
    return bool(request.param == "polling")


@pytest.fixture
def changes(tmp_path: Path, polling: bool) -> Iterator[queue.Queue[frozenset[str]]]:
    found, end = start_watching(tmp_path, force_polling=polling)
    yield found
    end()


def _next(found: queue.Queue[frozenset[str]]) -> frozenset[str]:
    return found.get(timeout=10)  # a guard against hanging, not a speed target


def test_created_changed_and_deleted_files_are_reported(
    tmp_path: Path, changes: queue.Queue[frozenset[str]]
) -> None:
    article = tmp_path / "a.md"
    article.write_text("# One\n", "utf-8")
    assert any(path.endswith("a.md") for path in _next(changes) | _drain(changes))
    # watchfiles' polling compares modification times to the second (README, live
    # reload): the change is made in the next second, as a user's next save would be.
    while int(time.time()) <= int(article.stat().st_mtime):
        time.sleep(0.05)
    article.write_text("# Two\n", "utf-8")
    assert any(path.endswith("a.md") for path in _next(changes))
    article.unlink()
    assert any(path.endswith("a.md") for path in _next(changes))


def test_a_new_folder_is_reported(tmp_path: Path, changes: queue.Queue[frozenset[str]]) -> None:
    # A file written the instant its folder appears may come before the folder is watched;
    # the folder's own event is enough, since the reader then re-checks the whole folder.
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "b.md").write_text("# B\n", "utf-8")
    assert any(path.endswith("news") or path.endswith("b.md") for path in _next(changes))


def test_a_folder_with_a_dot_in_its_name_moved_away_is_reported(
    tmp_path: Path, changes: queue.Queue[frozenset[str]]
) -> None:
    (tmp_path / "v2.0").mkdir()
    (tmp_path / "v2.0" / "c.md").write_text("# C\n", "utf-8")
    _next(changes)
    time.sleep(0.5)  # past the debounce: what follows is a change of its own
    _drain(changes)
    (tmp_path / "v2.0").rename(tmp_path.parent / f"{tmp_path.name}-v2.0")
    assert any(path.endswith("v2.0") for path in _next(changes))


def test_hidden_and_non_article_files_are_ignored(
    tmp_path: Path, changes: queue.Queue[frozenset[str]]
) -> None:
    (tmp_path / ".hidden.md").write_text("x", "utf-8")
    (tmp_path / "picture.png").write_bytes(b"x")
    (tmp_path / "real.txt").write_text("x", "utf-8")
    # Until real.txt is told of (a late word about the probe may come first), then all.
    seen: set[str] = set()
    while not any(path.endswith("real.txt") for path in seen):
        seen |= _next(changes)
    seen |= _drain(changes)
    assert not any(path.endswith((".hidden.md", "picture.png")) for path in seen)


def test_a_folder_inside_a_hidden_folder_is_watched(tmp_path: Path, polling: bool) -> None:
    """A library under ~/.local/share once got no events: the filter skipped any path
    with a dot-folder anywhere in it, not only inside the folder opened."""
    root = tmp_path / ".local" / "share" / "news"
    root.mkdir(parents=True)
    found, end = start_watching(root, force_polling=polling)
    try:
        (root / ".draft.md").write_text("x", "utf-8")  # hidden inside the folder: skipped
        (root / "a.md").write_text("# A\n", "utf-8")
        seen = _next(found) | _drain(found)
        assert str(root / "a.md") in seen
        assert not any(path.endswith(".draft.md") for path in seen)
    finally:
        end()


def test_polling_names_the_changed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Polling once named nothing, so every poll looked at every file again; then it named
    the folder too (its modification time moves with each file made in it), and the
    folder named meant a look at every file all the same."""
    monkeypatch.setattr(watch_module, "POLL_SECONDS", 0.1)
    (tmp_path / "news").mkdir()
    found, end = start_watching(tmp_path, force_polling=True)
    try:
        (tmp_path / "a.md").write_text("# A\n", "utf-8")
        (tmp_path / "news" / "b.md").write_text("# B\n", "utf-8")
        told = [_next(found)]
        time.sleep(0.5)
        while not found.empty():
            told.append(found.get())
        assert set().union(*told) == {str(tmp_path / "a.md"), str(tmp_path / "news" / "b.md")}
        assert frozenset() not in told  # nothing more while nothing changes
        (tmp_path / "a.md").unlink()
        assert str(tmp_path / "a.md") in _next(found)
    finally:
        end()


def _until_everything(found: queue.Queue[frozenset[str]]) -> None:
    """Wait for the empty set that says: look at every file."""
    deadline = time.monotonic() + 10  # a guard against hanging, not a speed target
    while time.monotonic() < deadline:
        if _next(found) == frozenset():
            return
    raise AssertionError("never told to look at every file")


@pytest.mark.parametrize("how", ["recreated", "renamed-into-place", "replaced-while-there"])
def test_the_folder_gone_and_back_is_watched_again(tmp_path: Path, polling: bool, how: str) -> None:
    root = tmp_path / "news"
    root.mkdir()
    (root / "a.md").write_text("# A\n", "utf-8")
    found, end = start_watching(root, force_polling=polling)
    try:
        if how == "replaced-while-there":
            root.rename(tmp_path / "old-news")  # the watch would follow it there
        else:
            shutil.rmtree(root)
            _until_everything(found)  # gone: the list empties
        other = tmp_path / "other"
        other.mkdir()
        (other / "b.md").write_text("# B\n", "utf-8")
        if how == "recreated":
            shutil.copytree(other, root)
        else:
            other.rename(root)
        _until_everything(found)  # back: every file in it is new
        time.sleep(0.5)
        _drain(found)
        (root / "c.md").write_text("# C\n", "utf-8")
        assert str(root / "c.md") in _next(found) | _drain(found)
        if how == "replaced-while-there":
            (tmp_path / "old-news" / "d.md").write_text("# D\n", "utf-8")
            assert not any("d.md" in path for path in _drain(found))
    finally:
        end()


def _drain(found: queue.Queue[frozenset[str]]) -> frozenset[str]:
    time.sleep(0.5)
    seen: set[str] = set()
    while not found.empty():
        seen |= found.get()
    return frozenset(seen)


def _site(root: Path) -> None:
    """A site's repository: pages, a `.git`, and what its `.gitignore` leaves out."""
    (root / ".gitignore").write_text("node_modules/\n_site/\n", "utf-8")
    for folder in ("posts/2024", "node_modules/pkg/docs", "_site/posts", ".git/objects/ab"):
        (root / folder).mkdir(parents=True)
    (root / "posts" / "2024" / "a.md").write_text("# A\n", "utf-8")


def test_the_folders_watched_are_those_the_walk_enters(tmp_path: Path) -> None:
    _site(tmp_path)
    (tmp_path / "linked").symlink_to(tmp_path / "posts")  # one folder: entered once
    assert watch_module.watched_folders(tmp_path) == [
        str(tmp_path),
        str(tmp_path / "linked"),
        str(tmp_path / "linked" / "2024"),
    ]


def _inotify_watches() -> int:
    """How many inotify watches this process holds (Linux: /proc/self/fdinfo)."""
    count = 0
    for info in Path("/proc/self/fdinfo").iterdir():
        try:
            count += info.read_text("utf-8").count("inotify wd:")
        except OSError:
            continue  # closed since it was listed
    return count


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="inotify is Linux's")
def test_folders_left_out_and_hidden_ones_are_not_watched(tmp_path: Path) -> None:
    """A site's node_modules/ may hold tens of thousands of folders: an inotify watch each
    reached the system's limit, and the watcher fell back to polling every file."""
    _site(tmp_path)
    for number in range(40):
        (tmp_path / "node_modules" / f"pkg{number}").mkdir()
    before = _inotify_watches()
    found, end = start_watching(tmp_path)
    try:
        assert _inotify_watches() - before == 3  # the folder, posts/ and posts/2024/
        (tmp_path / "node_modules" / "pkg" / "README.md").write_text("# Pkg\n", "utf-8")
        (tmp_path / ".git" / "objects" / "ab" / "cd").write_text("x", "utf-8")
        (tmp_path / "posts" / "2024" / "b.md").write_text("# B\n", "utf-8")
        seen = _next(found) | _drain(found)
        assert str(tmp_path / "posts" / "2024" / "b.md") in seen
        assert not any("node_modules" in path or ".git" in path for path in seen)
    finally:
        end()


def test_a_new_folder_is_watched_from_then_on(
    tmp_path: Path, changes: queue.Queue[frozenset[str]]
) -> None:
    (tmp_path / "news").mkdir()
    assert str(tmp_path / "news") in _next(changes) | _drain(changes)
    (tmp_path / "news" / "deeper").mkdir()
    assert str(tmp_path / "news" / "deeper") in _next(changes) | _drain(changes)
    (tmp_path / "news" / "deeper" / "b.md").write_text("# B\n", "utf-8")
    assert str(tmp_path / "news" / "deeper" / "b.md") in _next(changes) | _drain(changes)


def test_what_a_new_folder_had_before_its_watch_was_set_is_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, polling: bool
) -> None:
    """A file written into a new folder between its folder's event and the watch set on
    it gives no event of its own: the new folder is named again once it is watched."""
    found, end = start_watching(tmp_path, force_polling=polling)
    walked = watch_module.watched_folders

    def slow_walk(root: Path) -> list[str]:
        folders = walked(root)
        if (tmp_path / "news").is_dir():  # written while the watch is being set again
            (tmp_path / "news" / "b.md").write_text("# B\n", "utf-8")
        return folders

    monkeypatch.setattr(watch_module, "watched_folders", slow_walk)
    try:
        (tmp_path / "news").mkdir()
        seen: list[frozenset[str]] = []
        while not seen or str(tmp_path / "news") not in seen[-1]:
            seen.append(_next(found))
        # Named once for its own event, then again once it is watched.
        while len([paths for paths in seen if str(tmp_path / "news") in paths]) < 2:
            seen.append(_next(found))
        assert (tmp_path / "news" / "b.md").exists()
    finally:
        end()


def test_a_folder_left_out_made_again_sets_no_new_watch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site's build writing `_site/` again on every save is no reason to walk the folder."""
    _site(tmp_path)
    found, end = start_watching(tmp_path)
    walks: list[Path] = []
    walked = watch_module.watched_folders

    def counted(root: Path) -> list[str]:
        walks.append(root)
        return walked(root)

    monkeypatch.setattr(watch_module, "watched_folders", counted)
    try:
        shutil.rmtree(tmp_path / "_site")
        (tmp_path / "_site").mkdir()
        (tmp_path / "c.md").write_text("# C\n", "utf-8")
        seen = _next(found) | _drain(found)
        assert str(tmp_path / "c.md") in seen
        assert walks == []
        (tmp_path / "pages").mkdir()  # a folder the walk enters: watched again
        assert str(tmp_path / "pages") in _next(found) | _drain(found)
        assert walks == [tmp_path]
    finally:
        end()


def test_an_ignore_file_changed_means_every_file_is_looked_at(
    tmp_path: Path, polling: bool
) -> None:
    _site(tmp_path)
    found, end = start_watching(tmp_path, force_polling=polling)
    try:
        time.sleep(1.1)  # polling sees modification times to the second
        (tmp_path / ".gitignore").write_text("_site/\n", "utf-8")  # node_modules/ taken back
        _until_everything(found)
        _drain(found)
        (tmp_path / "node_modules" / "pkg" / "docs" / "d.md").write_text("# D\n", "utf-8")
        assert str(tmp_path / "node_modules" / "pkg" / "docs" / "d.md") in _next(found) | _drain(
            found
        )
    finally:
        end()


def test_an_ignore_file_is_not_looked_at_when_ignore_files_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_NO_IGNORE", "1")
    _site(tmp_path)
    found, end = start_watching(tmp_path)
    try:
        (tmp_path / ".gitignore").write_text("_site/\n", "utf-8")
        (tmp_path / "node_modules" / "pkg" / "docs" / "d.md").write_text("# D\n", "utf-8")
        seen = [_next(found)]
        while str(tmp_path / "node_modules" / "pkg" / "docs" / "d.md") not in seen[-1]:
            seen.append(_next(found))
        assert frozenset() not in seen
    finally:
        end()
