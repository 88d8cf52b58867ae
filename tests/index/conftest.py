"""Every index test keeps its cache in its own temporary folder, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("READER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    return folder


def write(root: Path, name: str, title: str, body: str = "Body.", **metadata: str) -> Path:
    """An article file with `---` front matter."""
    lines = "".join(f"{key}: {value}\n" for key, value in metadata.items())
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\n{lines}---\n{body}\n", encoding="utf-8")
    return path
