"""Fixtures shared by the loader, library and CLI tests."""

from __future__ import annotations

import os
import shutil
import sqlite3
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from reader.resources import samples_dir

# Property tests draw the same examples on every run, so a run (CI's included) passes or
# fails on the code, not on the draw; HYPOTHESIS_PROFILE=explore draws new ones each run,
# to hunt (what it finds is pinned with @example).
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

SEED_NAME = "000_98cd3e962c103980.txt"

WriteFile = Callable[[str, str | bytes], Path]


@pytest.fixture(autouse=True)
def private_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's cache, state or configuration."""
    home = tmp_path_factory.mktemp("user")
    for name, folder in (("CACHE", "cache"), ("STATE", "state"), ("CONFIG", "config")):
        monkeypatch.setenv(f"READER_{name}_DIR", str(home / folder))


@pytest.fixture(autouse=True)
def no_real_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test opens a real web browser, or depends on which ones the machine has (with
    lynx installed, `o` would hand it the terminal): as far as tests know there is none,
    unless a test says otherwise."""

    def none_found(using: str | None = None) -> webbrowser.BaseBrowser:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none_found)


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text (UTF-8, newlines untouched) or bytes to a file under tmp_path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def seed_file(tmp_path: Path) -> Path:
    """A copy of the reference article in a folder of its own."""
    folder = tmp_path / "seed"
    folder.mkdir()
    return Path(shutil.copy(samples_dir() / SEED_NAME, folder / SEED_NAME))


CacheDiskFull = Callable[[int], None]


@pytest.fixture
def cache_disk_full(monkeypatch: pytest.MonkeyPatch) -> CacheDiskFull:
    """`full(pages)`: from then on no database file grows past `pages` pages (or the size
    it has, if bigger): SQLite answers SQLITE_FULL, "database or disk is full", and rolls
    the transaction back itself, as it does when the disk is full. A database in memory
    (an index that gave way to one) is on no disk: it is not limited."""

    def full(pages: int) -> None:
        connect = sqlite3.connect

        def limited(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            connection = connect(database, *args, **kwargs)
            if "vfs=memdb" not in str(database):
                connection.execute(f"PRAGMA max_page_count = {pages}")
            return connection

        monkeypatch.setattr(sqlite3, "connect", limited)

    return full
