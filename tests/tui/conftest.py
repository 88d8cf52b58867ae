"""Fixtures for the Textual interface tests: folders of articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui.helpers import fenced

WriteArticles = Callable[[dict[str, str | bytes]], Path]


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
