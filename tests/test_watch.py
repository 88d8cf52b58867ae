"""Folder watching: created, changed and deleted articles are noticed; polling works too."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import watch as watch_module
from reader.watch import watch_folder


@pytest.fixture
def changes(tmp_path: Path) -> Iterator[queue.Queue[frozenset[str]]]:
    found: queue.Queue[frozenset[str]] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        for paths in watch_folder(tmp_path, stop):
            found.put(paths)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.3)  # let the watcher start before the test changes anything
    yield found
    stop.set()
    thread.join(10)
    assert not thread.is_alive()


def _next(found: queue.Queue[frozenset[str]]) -> frozenset[str]:
    return found.get(timeout=10)  # a guard against hanging, not a speed target


def test_created_changed_and_deleted_files_are_reported(
    tmp_path: Path, changes: queue.Queue[frozenset[str]]
) -> None:
    article = tmp_path / "a.md"
    article.write_text("# One\n", "utf-8")
    assert any(path.endswith("a.md") for path in _next(changes) | _drain(changes))
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
    seen = _next(changes) | _drain(changes)
    assert any(path.endswith("real.txt") for path in seen)
    assert not any(path.endswith((".hidden.md", "picture.png")) for path in seen)


def test_polling_when_there_are_no_file_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_module, "POLL_SECONDS", 0.05)
    stop = threading.Event()
    ticks = 0
    for paths in watch_folder(tmp_path, stop, force_polling=True):
        assert paths == frozenset()
        ticks += 1
        if ticks == 3:
            stop.set()
    assert ticks == 3


def _drain(found: queue.Queue[frozenset[str]]) -> frozenset[str]:
    time.sleep(0.5)
    seen: set[str] = set()
    while not found.empty():
        seen |= found.get()
    return frozenset(seen)
