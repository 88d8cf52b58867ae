"""Fixtures for the Textual interface tests: folders of articles."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.helpers import fenced

WriteArticles = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture(autouse=True)
def one_batch_for_a_few_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of a few dozen quick files is read in one batch, as it is whenever
    they take less than HERE_BATCH_SECONDS to read: these tests press keys in the
    list a loaded folder gives, and a machine busy with the suite on both cores may
    otherwise list the first file alone first (the cursor then stays on it; see
    tests/index/test_walk_into_reading.py for the batches)."""
    sync = importlib.import_module("reader.index.sync")
    monkeypatch.setattr(sync, "HERE_BATCH_SECONDS", 60.0)


@pytest.fixture
def write_articles(tmp_path: Path) -> WriteArticles:
    """Write {file name: text or raw bytes} into a fresh folder and return the folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "articles"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return folder

    return write


@pytest.fixture
def three_articles(write_articles: WriteArticles) -> Path:
    """Three dated articles: newest 'Gamma' (with 2 initiatives), 'Beta', oldest 'Alpha'."""
    return write_articles(
        {
            "a.md": fenced("Alpha", "Alpha body text.", date="09:00 01/01/2018", area="Kent"),
            "b.md": fenced(
                "Beta",
                "Beta body.",
                date="09:00 01/01/2019",
                area="Essex",
                url="file:///etc/passwd",
            ),
            "c.md": fenced(
                "Gamma",
                "Intro.\n\n* First initiative text\n* Second initiative text\n\nOutro.",
                date="09:00 01/01/2020",
                area="Surrey",
                url="https://example.org/gamma",
            ),
        }
    )
