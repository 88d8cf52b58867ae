"""Fixtures for the hostile-input tests: the corpus of tests/hostile/corpus.py on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.corpus import HostileCorpus, build_corpus, restore_modes


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[HostileCorpus]:
    """The quick hostile corpus (about 200 files) in a fresh folder."""
    built = build_corpus(tmp_path / "hostile")
    yield built
    restore_modes(built.root)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileCorpus]:
    """The whole corpus with the heavy files (50 MB body, 10,000 empty files...), built
    once per module: about 150 MB on disk."""
    built = build_corpus(tmp_path_factory.mktemp("big") / "hostile", big=True)
    yield built
    restore_modes(built.root)
