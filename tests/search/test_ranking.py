"""Ranking users expect (issue 13, item 7): BM25 as the base, and more for an exact
title and for the query's words close together, over scattered hits in short articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.index import ArticleIndex, SearchEngine
from tests.search.ranking_corpus import write_docs_site, write_release_blog
from tests.search.test_engine import engine_of, front, ids

FILLER = "Other words here to keep the text going along. "


def folder_engine(root: Path) -> SearchEngine:
    index = ArticleIndex.temporary(root, in_memory=True)
    index.sync(workers=1)
    return index.engine()


@pytest.mark.parametrize("typing", [False, True])
def test_the_post_titled_as_the_query_comes_first(tmp_path: Path, typing: bool) -> None:
    write_release_blog(tmp_path)
    found = ids(folder_engine(tmp_path), "ruby 3.3.0 released", prefix_last=typing)
    assert found[0] == "2023-12-25-ruby-3-3-0-released.md"
    assert len(found) > 70  # the scattered hits still match


@pytest.mark.parametrize("typing", [False, True])
def test_the_page_titled_with_the_word_comes_first(tmp_path: Path, typing: bool) -> None:
    write_docs_site(tmp_path)
    found = ids(folder_engine(tmp_path), "multilingual", prefix_last=typing)
    assert found[0] == "multilingual.md"


def unrelated(count: int) -> list:
    """Articles without the query's words, as most of a folder is."""
    return [front(f"other{n}.md", title=f"Other {n}", body=FILLER * 5) for n in range(count)]


def test_words_side_by_side_rank_above_scattered_hits_in_short_articles() -> None:
    gap = " of the day with the whole team and all "  # 8 words: not close
    body = f"Chief{gap}constable{gap}chief{gap}constable."
    scattered = [front(f"short{n}.md", title="Notes", body=body) for n in range(5)]
    near = front("near.md", title="Annual report", body=FILLER * 8 + "The chief constable spoke.")
    engine = engine_of([*scattered, near, *unrelated(40)])
    assert ids(engine, "chief constable")[0] == "near.md"
    assert ids(engine, "chief constable", prefix_last=True)[0] == "near.md"
    # A word or two between them still counts as close; far apart does not.
    apart = front("near.md", title="Annual report", body=FILLER * 8 + "Chief deputy constable.")
    engine = engine_of([*scattered, apart, *unrelated(40)])
    assert ids(engine, "chief constable")[0] == "near.md"
    far = front("near.md", title="Annual report", body=f"Chief. {FILLER * 8} Constable.")
    engine = engine_of([*scattered, far, *unrelated(40)])
    assert ids(engine, "chief constable")[-1] == "near.md"


def test_the_query_as_a_phrase_in_the_title_ranks_above_its_words_apart() -> None:
    gap = " of the day with the whole team and all "
    apart = [
        front(
            f"apart{n}.md",
            title="Chief's notes on a constable",
            body=f"Chief{gap}constable{gap}chief{gap}constable.",
        )
        for n in range(3)
    ]
    exact = front("exact.md", title="Chief Constable", body=FILLER * 10)
    engine = engine_of([*apart, exact, *unrelated(40)])
    assert ids(engine, "chief constable")[0] == "exact.md"


def test_closeness_only_adds_to_the_score_never_to_what_matches() -> None:
    engine = engine_of(
        [
            front("both.md", title="Chief constable", body="x"),
            front("one.md", title="Chief inspector", body="x"),
            front("none.md", title="Other", body="x"),
        ]
    )
    assert ids(engine, "chief constable") == ["both.md"]
    assert sorted(ids(engine, "chief -constable")) == ["one.md"]
    assert sorted(ids(engine, "chief OR constable")) == ["both.md", "one.md"]
