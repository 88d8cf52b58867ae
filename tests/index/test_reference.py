"""The engine against the brute-force reference (tests/index/reference.py), on a generated
folder and generated queries: the same matches, and the order the README promises.

A seeded generator writes ~200 articles in every metadata format (accents, case, ligatures,
punctuation, bullets, links, dates in several shapes, undated ones) and ~400 queries as
trees; each tree is rendered to text for the engine and evaluated directly by the
reference. Matches must be the same set. Without words to rank by they come newest first
(then by id), as the reference orders them; with words, best first, with equal scores
newest first then by id (the scores themselves are tantivy's BM25, see
reader.index.translate, and test_engine.py checks them on small cases).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.index import ArticleIndex
from reader.loading import parse_article
from reader.model import Article
from tests.index.reference import (
    ARTICLE_COUNT,
    QUERY_COUNT,
    SEED,
    make_file,
    make_prefix_query,
    make_query,
    ref_matches,
    ref_ranked_leaves,
)


@pytest.fixture(scope="module")
def corpus_files() -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    return [make_file(rng, number) for number in range(ARTICLE_COUNT)]


@pytest.fixture(scope="module")
def corpus(corpus_files: list[tuple[str, str]]) -> list[Article]:
    return [parse_article(text, path=Path(name), article_id=name) for name, text in corpus_files]


def test_corpus_is_varied(corpus: list[Article]) -> None:
    """The generator gives what the comparison needs: guard against it silently narrowing."""
    assert len({a.metadata_format for a in corpus}) == 4
    assert sum(a.published is None for a in corpus) > 10
    assert sum(bool(a.initiatives) for a in corpus) > 50
    assert sum(a.published is not None and a.published.tzinfo is not None for a in corpus) > 10


def test_engine_matches_reference(
    corpus: list[Article],
    corpus_files: list[tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in corpus_files:
        (folder / name).write_text(text, encoding="utf-8")
    index = ArticleIndex.open(folder)
    index.sync(workers=1)
    engine = index.engine()
    rng = random.Random(SEED + 1)
    compared = nonempty = 0
    for number in range(QUERY_COUNT):
        prefix_mode = number % 4 == 3
        query = make_prefix_query(rng, corpus) if prefix_mode else make_query(rng, corpus)
        text = query.render()
        got = [(row.id, score) for row, score in engine.search(text, prefix_last=prefix_mode)]
        expected = [article.id for article in ref_matches(query, corpus)]
        if not list(ref_ranked_leaves(query)):
            assert got == [(article_id, None) for article_id in expected], text
        else:
            assert sorted(article_id for article_id, _ in got) == sorted(expected), text
            place = {article_id: position for position, article_id in enumerate(expected)}
            keys = [(-score, place[article_id]) for article_id, score in got]  # type: ignore[operator]
            assert keys == sorted(keys), text  # best first; equal scores newest first
        compared += 1
        nonempty += bool(expected) and len(expected) < len(corpus)
    assert compared == QUERY_COUNT
    # Most queries must select something but not everything, or the comparison proves little.
    assert nonempty > QUERY_COUNT // 2
    index.close()
