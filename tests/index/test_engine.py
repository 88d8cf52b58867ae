"""The index's search engine beyond the shared equivalence test: limits and totals, every
order, `is:` states, the lazy results, full articles, and the stored text's tokens."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.index.engine as index_engine
from reader.index import ArticleIndex, IndexSearchEngine
from reader.index.rows import SEPARATOR
from reader.loading import load_article
from reader.loading.folder import load_library
from reader.model import Article, article_to_dict
from reader.ordering import SORT_ORDERS
from reader.search import (
    SEARCH_ORDERS,
    And,
    Or,
    QueryError,
    SearchEngine,
    SearchStopped,
    Term,
    metadata_keys,
    tokenize,
)
from reader.search import query as query_module
from reader.text.tokens import index_text as token_text
from tests.index.conftest import write
from tests.search.test_equivalence import (
    ARTICLE_COUNT,
    SEED,
    make_file,
    make_prefix_query,
    make_query,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Article]]:
    """The equivalence test's generated folder, loaded in memory too."""
    folder = tmp_path_factory.mktemp("generated")
    rng = random.Random(SEED)
    for number in range(ARTICLE_COUNT):
        name, text = make_file(rng, number)
        (folder / name).write_text(text, encoding="utf-8")
    return folder, load_library(folder).articles


@pytest.fixture
def engines(
    generated: tuple[Path, list[Article]],
) -> tuple[IndexSearchEngine, SearchEngine, list[Article]]:
    folder, articles = generated
    index = ArticleIndex.open(folder)
    index.sync(workers=1)
    index.summaries()  # the engine then shares the list rows (the equivalence test does not)
    return index.engine(), SearchEngine(articles), articles


def pairs(results: object) -> list[tuple[str, float | None]]:
    return [(article.id, score) for article, score in results]  # type: ignore[attr-defined]


def test_limits_totals_and_orders_agree_with_the_whole_search(
    engines: tuple[IndexSearchEngine, SearchEngine, list[Article]],
) -> None:
    engine, memory, articles = engines
    rng = random.Random(SEED + 2)
    for number in range(120):
        prefix = number % 3 == 2
        query = (make_prefix_query if prefix else make_query)(rng, articles).render()
        order = SEARCH_ORDERS[number % len(SEARCH_ORDERS)]
        fallback = SORT_ORDERS[number % len(SORT_ORDERS)]
        options = {"order": order, "fallback_order": fallback, "prefix_last": prefix}
        expected = pairs(memory.search(query, **options))  # type: ignore[arg-type]
        whole = engine.search(query, **options)  # type: ignore[arg-type]
        assert pairs(whole) == expected, (query, order)
        assert whole.total == len(expected)
        for limit in (1, 7, 50):
            limited = engine.search(query, limit=limit, **options)  # type: ignore[arg-type]
            assert pairs(limited) == expected[:limit], (query, order, limit)
            assert limited.total == len(expected), (query, order, limit)


def test_is_states_come_from_the_callers_test_by_article_id(root: Path) -> None:
    write(root, "a.md", "Kent drones", date="2020-01-01")
    write(root, "b.md", "Kent patrols", date="2021-01-01")
    write(root, "c.md", "Essex", date="2022-01-01")
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    engine = index.engine()
    memory = SearchEngine(load_library(root).articles)
    starred = {"a.md", "c.md"}
    asked: set[tuple[str, str]] = set()

    def flag_test(article_id: str, name: str) -> bool:
        asked.add((article_id, name))
        return name == "starred" and article_id in starred

    def ids(query: str) -> list[str]:
        found = pairs(engine.search(query, flag_test=flag_test))
        assert found == pairs(memory.search(query, flag_test=flag_test)), query
        return [article_id for article_id, _score in found]

    assert ids("is:starred") == ["c.md", "a.md"]
    assert ids("-is:starred") == ["b.md"]
    assert ids("kent is:starred") == ["a.md"]
    # Equal scores for the two Kent articles (newest first); Essex matches with score 0.
    assert ids("kent OR is:starred") == ["b.md", "a.md", "c.md"]
    assert ids("is:read OR drones") == ["a.md"]
    assert asked >= {("a.md", "starred"), ("b.md", "read")}
    starred.discard("a.md")  # state changes between searches are seen
    assert ids("is:starred") == ["c.md"]
    with pytest.raises(ValueError, match="flag_test"):
        engine.search("is:starred")


def test_results_are_read_lazily_as_a_sequence(
    engines: tuple[IndexSearchEngine, SearchEngine, list[Article]],
) -> None:
    engine, memory, _articles = engines
    results = engine.search("police")
    expected = pairs(memory.search("police"))
    assert len(results) == results.total == len(expected) > 10
    assert pairs(results) == expected
    assert (results[0][0].id, results[0][1]) == expected[0]
    assert (results[-1][0].id, results[-1][1]) == expected[-1]
    assert pairs(results[2:5]) == expected[2:5]
    assert results.ids() == [article_id for article_id, _score in expected]
    unranked = engine.search("area:kent")
    assert all(score is None for _summary, score in unranked)


def test_the_engine_knows_the_folders_metadata_keys(
    engines: tuple[IndexSearchEngine, SearchEngine, list[Article]],
) -> None:
    engine, _memory, articles = engines
    assert engine.metadata_keys == metadata_keys(articles)


def test_full_articles_come_back_as_loaded(generated: tuple[Path, list[Article]]) -> None:
    folder, articles = generated
    index = ArticleIndex.open(folder)
    index.sync(workers=1)
    wanted = [articles[5].id, "missing.md", articles[0].id, articles[17].id]
    found = index.articles(wanted)
    assert [article.id for article in found] == [wanted[0], wanted[2], wanted[3]]
    for article in found:
        loaded = load_article(folder / article.id, folder)
        assert isinstance(loaded, Article)
        assert article_to_dict(article, body=True) == article_to_dict(loaded, body=True)
        assert article == loaded
    assert index.article("missing.md") is None
    assert [s.id for s in index.summaries()] == [a.id for a in articles]  # newest first


def test_each_search_sees_the_index_as_it_is_then(root: Path) -> None:
    write(root, "a.md", "Kent drones")
    write(root, "b.md", "Kent patrols")
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    index.summaries()
    engine = index.engine()
    first = engine.search("kent")
    assert sorted(first.ids()) == ["a.md", "b.md"]
    write(root, "c.md", "Kent cameras", tags="[new]")
    (root / "b.md").unlink()
    index.sync(workers=1)
    assert index.engine() is engine
    assert sorted(engine.search("kent").ids()) == ["a.md", "c.md"]
    assert engine.search("tags:new").ids() == ["c.md"]  # a field that did not exist before
    assert sorted(first.ids()) == ["a.md", "b.md"]  # results already made stay as they were


def fts_tokens(text: str) -> list[str]:
    """What SQLite's FTS5 `ascii` tokenizer reads from `text`, in order."""
    with sqlite3.connect(":memory:") as connection:
        connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='ascii')")
        connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        connection.execute("INSERT INTO t(x) VALUES (?)", (text,))
        rows = connection.execute("SELECT term FROM v ORDER BY offset").fetchall()
    return [term for (term,) in rows]


texts = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(list("aAzZ09éÉe\u0301ßﬁΣσς½_-' .İı東京\u00a0\u2019…ⅫＡ")),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_sqlite_reads_exactly_our_tokens_from_the_stored_text(text: str) -> None:
    assert fts_tokens(token_text(text)) == tokenize(text)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_a_long_text_dense_with_accents_or_cjk_is_stored_as_a_short_one(text: str) -> None:
    """Long texts dense with non-ASCII characters take another path (one translate)."""
    repeats = 70_000 // (len(text) + 1) + 1
    long = (text + " ") * repeats
    assert token_text(long) == (token_text(text) + " ") * repeats


def test_the_separator_is_a_token_no_query_can_ask_for() -> None:
    assert tokenize(SEPARATOR) == []
    assert fts_tokens(f"a {SEPARATOR} b") == ["a", SEPARATOR, "b"]


def test_a_search_told_to_stop_stops_and_the_engine_goes_on(
    engines: tuple[IndexSearchEngine, SearchEngine, list[Article]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, memory, _articles = engines
    # 200 articles take fewer steps than SQLite runs between two asks at 100,000.
    monkeypatch.setattr(index_engine, "STOP_CHECK_STEPS", 50)
    query = "police OR kent OR drones"
    expected = pairs(engine.search(query))
    assert len(expected) > 10
    asked: list[int] = []

    def stop_at_once() -> bool:
        asked.append(1)
        return True

    for searcher in (engine, memory):
        with pytest.raises(SearchStopped):
            searcher.search(query, should_stop=stop_at_once)
    assert asked  # SQLite asked while the statement ran
    # The engine (its connection, transaction and caches) is fine for the next search.
    assert pairs(engine.search(query)) == expected
    assert pairs(engine.search(query, should_stop=lambda: False)) == expected
    assert pairs(memory.search(query, should_stop=lambda: False)) == expected


# Openers that nest one level deeper each: a word ANDed with a group, an OR group, a
# negated group (two levels: - and the parenthesis), a group starting with an OR.
NESTINGS = ["police (kent OR ", "police -(kent OR ", "(police OR kent ", "crime (drone "]


def nested_query(rng: random.Random) -> str:
    """A query nested as deep as the parser allows, alternating AND, OR and NOT."""
    opened: list[str] = []
    depth = 0
    while True:
        opener = rng.choice(NESTINGS)
        levels = opener.count("(") + opener.count("-(")
        if depth + levels > query_module.MAX_DEPTH:
            break
        opened.append(opener)
        depth += levels
    return "".join(opened) + "patrol" + ")" * len(opened)


def test_the_deepest_and_widest_queries_the_parser_takes_run_on_the_index(
    engines: tuple[IndexSearchEngine, SearchEngine, list[Article]],
) -> None:
    """Nested 18 deep, a query overflowed SQLite's full-text query parser (an error no
    caller caught); every query within the parser's bounds must run, as in memory."""
    engine, memory, _articles = engines
    rng = random.Random(SEED)
    queries = [nested_query(rng) for _ in range(60)]
    queries.append(" OR ".join(["police", "kent"] * (query_module.MAX_TERMS // 2)))
    queries.append(" ".join(f"({a} OR -{b})" for a, b in [("police", "kent")] * 16))
    for query in queries:
        expected = pairs(memory.search(memory.parse(query)))
        assert pairs(engine.search(engine.parse(query))) == expected, query


def test_a_query_the_full_text_index_cannot_parse_is_a_query_error(
    engines: tuple[IndexSearchEngine, SearchEngine, list[Article]],
) -> None:
    engine, _memory, _articles = engines
    deep = Term("police")
    for _ in range(40):  # deeper than any query the parser makes
        deep = And((Term("kent"), Or((Term("crime"), deep))))
    with pytest.raises(QueryError, match="too complex"):
        engine.search(deep)
