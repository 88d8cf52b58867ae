"""The reader on a system without the POSIX-only parts of Python (Windows): every module
imports, and the files it keeps are written with what every system has."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

from reader.atomic import append_durably, atomic_write, locked

# Standard modules that exist only on Unix.
POSIX_ONLY_MODULES = ("fcntl", "termios", "tty", "pwd", "grp", "resource")

IMPORT_EVERY_MODULE = textwrap.dedent(
    f"""
    import importlib, pkgutil, sys
    for name in {POSIX_ONLY_MODULES!r}:
        sys.modules[name] = None  # `import name` now fails, as on Windows
    import reader
    failed = []
    for module in pkgutil.walk_packages(reader.__path__, "reader."):
        if module.name == "reader.__main__":
            continue  # `python -m reader`: importing it runs the reader
        try:
            importlib.import_module(module.name)
        except ImportError as error:
            failed.append(f"{{module.name}}: {{error}}")
    print("\\n".join(failed) or "all imported")
    """
)


def test_every_module_imports_without_the_posix_only_modules() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_MODULE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "all imported"


@pytest.fixture
def without_posix_only_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """os as Windows has it: no pwrite, no fchmod (before Python 3.13)."""
    for name in ("pwrite", "pread", "fchmod"):
        monkeypatch.delattr(os, name, raising=False)


@pytest.mark.usefixtures("without_posix_only_calls")
def test_an_append_cuts_a_torn_tail_and_syncs_without_pwrite(tmp_path: Path) -> None:
    path = tmp_path / "journal"
    path.write_bytes(b"one\ntwo\nhalf a li")
    end = append_durably(path, b"three\n", at=8)
    assert end == 14
    assert path.read_bytes() == b"one\ntwo\nthree\n"
    assert append_durably(path, b"four\n", at=end) == 19
    assert path.read_bytes() == b"one\ntwo\nthree\nfour\n"


@pytest.mark.usefixtures("without_posix_only_calls")
def test_a_rewrite_keeps_the_permissions_without_fchmod(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_the_lock_makes_threads_take_turns(tmp_path: Path) -> None:
    """A reader saves in one thread and compacts in another: each holds the lock alone."""
    path = tmp_path / "state.json"
    order: list[str] = []
    first_in = threading.Event()

    def hold() -> None:
        with locked(path):
            order.append("first in")
            first_in.set()
            time.sleep(0.3)
            order.append("first out")

    def wait_its_turn() -> None:
        first_in.wait()
        with locked(path):
            order.append("second in")

    threads = [threading.Thread(target=hold), threading.Thread(target=wait_its_turn)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first in", "first out", "second in"]


def test_the_reader_starts_no_resource_tracker_where_there_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from multiprocessing import resource_tracker

    from reader.config import Config
    from reader.tui import app

    def unavailable() -> None:
        raise ImportError("No module named '_posixsubprocess'")  # what Windows says

    monkeypatch.setattr(resource_tracker, "ensure_running", unavailable)
    # os.name as Windows has it, for the app only (pathlib would break everywhere else).
    monkeypatch.setattr(app, "os", types.SimpleNamespace(name="nt"), raising=False)
    app.ReaderApp(tmp_path, use_cache=True, config=Config())
