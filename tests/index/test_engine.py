"""The index's search engine: limits and totals, every order, `is:` states, the lazy
results, full articles, the stored text's tokens, stopping, and bounded queries."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.index import ArticleIndex, SearchEngine, text_index
from reader.index.rows import index_each
from reader.loading import load_article
from reader.loading.folder import load_library
from reader.model import Article, article_to_dict
from reader.ordering import SEARCH_ORDERS, SORT_ORDERS, sort_articles
from reader.search import And, Node, Not, Or, QueryError, SearchStopped, Term
from reader.search import query as query_module
from reader.text.tokens import MAX_TOKEN_BYTES, index_text, metadata_keys, tokenize
from tests.index.conftest import write
from tests.index.reference import (
    ARTICLE_COUNT,
    SEED,
    make_file,
    make_prefix_query,
    make_query,
    ref_matches,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Article]]:
    """The reference test's generated folder, loaded in memory too."""
    folder = tmp_path_factory.mktemp("generated")
    rng = random.Random(SEED)
    for number in range(ARTICLE_COUNT):
        name, text = make_file(rng, number)
        (folder / name).write_text(text, encoding="utf-8")
    return folder, load_library(folder).articles


@pytest.fixture
def engines(generated: tuple[Path, list[Article]]) -> tuple[SearchEngine, list[Article]]:
    folder, articles = generated
    index = ArticleIndex.open(folder)
    index.sync(workers=1)
    index.summaries()  # the engine then shares the list rows
    return index.engine(), articles


def pairs(results: object) -> list[tuple[str, float | None]]:
    return [(article.id, score) for article, score in results]  # type: ignore[attr-defined]


def test_limits_totals_and_orders_agree_with_the_whole_search(
    engines: tuple[SearchEngine, list[Article]],
) -> None:
    engine, articles = engines
    rng = random.Random(SEED + 2)
    for number in range(120):
        prefix = number % 3 == 2
        tree = (make_prefix_query if prefix else make_query)(rng, articles)
        query = tree.render()
        order = SEARCH_ORDERS[number % len(SEARCH_ORDERS)]
        fallback = SORT_ORDERS[number % len(SORT_ORDERS)]
        options = {"order": order, "fallback_order": fallback, "prefix_last": prefix}
        whole = engine.search(query, **options)  # type: ignore[arg-type]
        expected = pairs(whole)
        matches = ref_matches(tree, articles)
        ranked = expected and expected[0][1] is not None
        if order == "relevance" and ranked:
            assert sorted(whole.ids()) == sorted(article.id for article in matches), query
        else:
            sort = fallback if order == "relevance" else order
            wanted = [article.id for article in sort_articles(matches, sort)]
            assert whole.ids() == wanted, (query, order, fallback)
        assert whole.total == len(expected)
        for limit in (1, 7, 50):
            limited = engine.search(query, limit=limit, **options)  # type: ignore[arg-type]
            assert pairs(limited) == expected[:limit], (query, order, limit)
            assert limited.total == len(expected), (query, order, limit)


def test_an_engine_without_the_list_rows_finds_what_one_with_them_finds(
    generated: tuple[Path, list[Article]], engines: tuple[SearchEngine, list[Article]]
) -> None:
    """`reader search` makes its engine without the list rows: a search for the best few
    reads the order of its own matches only, and the results (ties newest first), totals
    and every order are the same."""
    shared, articles = engines
    own = ArticleIndex.open(generated[0])
    try:
        engine = own.engine()
        assert engine._newest is None  # (read only when a search wants it)
        rng = random.Random(SEED + 3)
        for number in range(60):
            prefix = number % 3 == 2
            query = (make_prefix_query if prefix else make_query)(rng, articles).render()
            order = SEARCH_ORDERS[number % len(SEARCH_ORDERS)]
            options = {"order": order, "prefix_last": prefix}
            for limit in (1, 7, 50, None):
                expected = shared.search(query, limit=limit, **options)  # type: ignore[arg-type]
                found = engine.search(query, limit=limit, **options)  # type: ignore[arg-type]
                assert pairs(found) == pairs(expected), (query, order, limit)
                assert found.total == expected.total
    finally:
        own.close()


def test_equal_scores_among_the_best_few_come_newest_first(root: Path) -> None:
    """Read in name order (a.md first), listed newest first (e.md): the engine without
    the list rows orders ties by the whole order too."""
    for number, name in enumerate(("a.md", "b.md", "c.md", "d.md", "e.md")):
        write(root, name, "Kent", date=f"2020-01-0{number + 1}")
    index = ArticleIndex.open(root)
    try:
        index.sync(workers=1)
        engine = index.engine()
        assert engine.search("kent", limit=2).ids() == ["e.md", "d.md"]
        assert engine.search("kent").ids() == ["e.md", "d.md", "c.md", "b.md", "a.md"]
    finally:
        index.close()


def test_a_match_sqlite_no_longer_has_is_left_out_of_the_best_few(root: Path) -> None:
    """(Deleted by a sync, in the full-text index until its next commit.)"""
    for name in ("a.md", "b.md", "c.md"):
        write(root, name, f"Kent {name}")
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    path = index.path
    assert path is not None
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DELETE FROM articles WHERE id = 'b.md'")
    connection.close()
    engine = index.engine()
    for limit in (1, 2, 5, None):
        results = engine.search("kent", limit=limit)
        assert "b.md" not in results.ids() and results.total == 2
        assert len(results) == min(limit or 2, 2)
    index.close()


def test_is_states_come_from_the_callers_test_by_article_id(root: Path) -> None:
    write(root, "a.md", "Kent drones", date="2020-01-01")
    write(root, "b.md", "Kent patrols", date="2021-01-01")
    write(root, "c.md", "Essex", date="2022-01-01")
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    engine = index.engine()
    starred = {"a.md", "c.md"}
    asked: set[tuple[str, str]] = set()

    def flag_test(article_id: str, name: str) -> bool:
        asked.add((article_id, name))
        return name == "starred" and article_id in starred

    def ids(query: str) -> list[str]:
        return engine.search(query, flag_test=flag_test).ids()

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
    engines: tuple[SearchEngine, list[Article]],
) -> None:
    engine, _articles = engines
    results = engine.search("police")
    expected = [(row.id, score) for row, score in list(results)]
    assert len(results) == results.total == len(expected) > 10
    assert pairs(results) == expected
    assert (results[0][0].id, results[0][1]) == expected[0]
    assert (results[-1][0].id, results[-1][1]) == expected[-1]
    assert pairs(results[2:5]) == expected[2:5]
    assert results.ids() == [article_id for article_id, _score in expected]
    unranked = engine.search("area:kent")
    assert all(score is None for _summary, score in unranked)


def test_the_engine_knows_the_folders_metadata_keys(
    engines: tuple[SearchEngine, list[Article]],
) -> None:
    engine, articles = engines
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


def index_tokens(text: str) -> list[str]:
    """What the full-text index's tokenizer reads from `text`, in order."""
    return _ANALYZER.analyze(text)


_ANALYZER = text_index._analyzer()


texts = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(
            list(
                "aAzZ09éÉe\u0301ßﬁΣσς½_-' .İı東京脆弱性한국어ガｶﾞ\u1100\u1161\u11a8・"
                "\u00a0\u2019…ⅫＡ\u13a0\uab70"
            )
        ),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_the_index_reads_exactly_our_tokens_from_the_stored_text(text: str) -> None:
    assert index_tokens(index_text(text)) == tokenize(text)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_a_long_text_dense_with_accents_or_cjk_is_stored_as_a_short_one(text: str) -> None:
    """Long texts dense with non-ASCII characters (many distinct ones: one translate)."""
    repeats = 70_000 // (len(text) + 1) + 1
    # A word between the copies: a CJK run at the end of one and the start of the next
    # are apart, no break token between them (reader.text.tokens.RUN_BREAK).
    long = (text + " x ") * repeats
    assert index_text(long) == (index_text(text) + " x ") * repeats


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(texts, st.text(alphabet="ab\x00 é", max_size=8)), max_size=6))
def test_many_texts_stored_in_one_call_are_each_stored_as_on_their_own(
    many: list[str],
) -> None:
    """index_each joins texts by NUL: index_text must keep NUL as it is (it does not fold
    ASCII) and no token may run across it; a text holding NUL itself takes the slow way."""
    assert index_each(many) == [index_text(text) for text in many]


def test_a_search_told_to_stop_stops_and_the_engine_goes_on(
    engines: tuple[SearchEngine, list[Article]],
) -> None:
    engine, _articles = engines
    query = "police OR kent OR drones"
    expected = pairs(engine.search(query))
    assert len(expected) > 10
    asked: list[int] = []

    def stop_at_once() -> bool:
        asked.append(1)
        return True

    with pytest.raises(SearchStopped):
        engine.search(query, should_stop=stop_at_once)
    assert asked  # the engine asked while it searched
    # The engine (its connection, transaction and caches) is fine for the next search.
    assert pairs(engine.search(query)) == expected
    assert pairs(engine.search(query, should_stop=lambda: False)) == expected


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
    engines: tuple[SearchEngine, list[Article]],
) -> None:
    """Nested 18 deep, a query overflowed SQLite's full-text query parser (an error no
    caller caught); every query within the parser's bounds must run, and find what the
    same query written flat finds."""
    engine, _articles = engines
    rng = random.Random(SEED)
    queries = [nested_query(rng) for _ in range(60)]
    queries.append(" OR ".join(["police", "kent"] * (query_module.MAX_TERMS // 2)))
    queries.append(" ".join(f"({a} OR -{b})" for a, b in [("police", "kent")] * 16))
    everything = set(engine.search("").ids())

    def matched(node: Node) -> set[str]:
        """The articles `node` matches, put together from its leaves' own matches."""
        if isinstance(node, And):
            found = set(everything)
            for child in node.nodes:
                found &= matched(child)
            return found
        if isinstance(node, Or):
            return set().union(*(matched(child) for child in node.nodes))
        if isinstance(node, Not):
            return everything - matched(node.node)
        return set(engine.search(node).ids())

    for query in queries:
        node = engine.parse(query)
        assert set(engine.search(node).ids()) == matched(node), query


def test_a_query_the_full_text_index_cannot_parse_is_a_query_error(
    engines: tuple[SearchEngine, list[Article]],
) -> None:
    engine, _articles = engines
    deep = Term("police")
    for _ in range(40):  # deeper than any query the parser makes
        deep = And((Term("kent"), Or((Term("crime"), deep))))
    with pytest.raises(QueryError, match="too complex"):
        engine.search(deep)


def test_a_word_longer_than_the_index_takes_is_cut_alike_in_the_index_and_queries(
    root: Path,
) -> None:
    """tantivy refuses terms over 65,530 bytes (it drops them): an article whose only
    word that was could not be found, even by its prefix. Such a token is cut to its
    first MAX_TOKEN_BYTES in the index and in queries alike."""
    word = "กข" * 15_000  # 90,000 bytes in UTF-8 (Thai: CJK would be split in pairs)
    write(root, "long.md", "Long", body=f"{word} end", tags=f"[{word}]")
    write(root, "other.md", "Other", body="Nothing.")
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    engine = index.engine()
    (token,) = tokenize(word)
    assert MAX_TOKEN_BYTES - 4 < len(token.encode()) <= MAX_TOKEN_BYTES  # whole characters
    assert engine.search(Term(token)).ids() == ["long.md"]
    assert engine.search("กขก", prefix_last=True).ids() == ["long.md"]
    assert engine.search("tags:กขก", prefix_last=True).ids() == ["long.md"]
    assert engine.search("end").ids() == ["long.md"]
    index.close()
