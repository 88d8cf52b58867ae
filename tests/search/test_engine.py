"""The search engine on a few articles made in memory: what matches where, dates,
prefixes, ranking, order, flags."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pytest

from reader.index import ArticleIndex, SearchEngine
from reader.loading import parse_article
from reader.model import Article
from reader.search import QueryError


def engine_of(articles: Iterable[Article]) -> SearchEngine:
    """The engine over an index (in memory) of these articles."""
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(articles)
    return index.engine()


def article(name: str, text: str) -> Article:
    return parse_article(text, path=Path(name), article_id=name)


def front(name: str, body: str = "Body.", **metadata: str) -> Article:
    lines = "".join(f"{key}: {value}\n" for key, value in metadata.items())
    return article(name, f"---\n{lines}---\n{body}\n")


def ids(engine: SearchEngine, query: str, **options: object) -> list[str]:
    return engine.search(query, **options).ids()  # type: ignore[arg-type]


def test_a_word_is_found_in_title_body_initiatives_and_metadata() -> None:
    engine = engine_of(
        [
            front("title.md", title="Drones over Kent"),
            front("body.md", title="A", body="We bought drones."),
            front("initiative.md", title="B", body="Plans:\n\n * More drones\n"),
            front("meta.md", title="C", tags="[drones]"),
            front("none.md", title="D", body="Nothing."),
        ]
    )
    assert sorted(ids(engine, "DRONES")) == ["body.md", "initiative.md", "meta.md", "title.md"]
    assert ids(engine, "drone") == []  # whole words unless asked for a prefix


def test_a_phrase_never_runs_from_one_text_into_the_next() -> None:
    engine = engine_of(
        [
            front(
                "a.md",
                title="Chief",
                body="Constable spoke.\n\n * one chief\n\nBreak.\n\n * constable\n",
            ),
            front("b.md", title="X", body="The chief constable spoke."),
            front("c.md", title="Y", tags="[chief, constable]"),
        ]
    )
    assert ids(engine, '"chief constable"') == ["b.md"]
    assert sorted(ids(engine, "chief constable")) == ["a.md", "b.md", "c.md"]
    assert ids(engine, 'initiative:"chief constable"') == []


def test_a_phrase_runs_on_across_lines_and_markup_within_the_body() -> None:
    engine = engine_of(
        [front("a.md", title="X", body="The **chief**\n[constable](https://x.example) spoke.")]
    )
    assert ids(engine, '"chief constable"') == ["a.md"]


def test_fields_look_only_in_their_own_text() -> None:
    engine = engine_of(
        [
            front("t.md", title="Drones", body="Nothing.", area="Essex"),
            front("b.md", title="Other", body="Drones.", area="Kent", url="https://kent.example/a"),
            front(
                "i.md",
                title="Other",
                body="Intro.\n\n * Gang work\n * Glasgow visit\n",
                og="{locale: en_GB, type: website}",
                tags="[knife crime, drones]",
            ),
        ]
    )
    assert ids(engine, "title:drones") == ["t.md"]
    assert ids(engine, "body:drones") == ["b.md"]
    assert ids(engine, "area:kent") == ["b.md"]
    assert ids(engine, "url:kent.example") == ["b.md"]
    assert ids(engine, "initiative:gang") == ["i.md"]
    assert ids(engine, 'initiative:"work glasgow"') == []  # two initiatives, not one
    assert ids(engine, "initiative:work initiative:glasgow") == ["i.md"]
    assert ids(engine, "OG.Locale:en_gb") == ["i.md"]
    assert ids(engine, "og:website") == ["i.md"]  # every og.* value
    assert ids(engine, 'tags:"knife crime"') == ["i.md"]
    assert ids(engine, 'tags:"crime drones"') == []  # two list items, not one


def test_date_filters_are_inclusive_and_skip_undated_articles() -> None:
    engine = engine_of(
        [
            front("2019-08-31.md", date="2019-08-31"),
            front("2019-09-01.md", date="2019-09-01"),
            front("2019-09-30.md", date="2019-09-30"),
            front("2020-12-31.md", date="2020-12-31 23:59"),
            front("undated.md", title="No date"),
        ]
    )
    assert ids(engine, "date:2019-09", order="oldest") == ["2019-09-01.md", "2019-09-30.md"]
    assert ids(engine, "after:2019-09", order="oldest") == [
        "2019-09-01.md",
        "2019-09-30.md",
        "2020-12-31.md",
    ]
    assert ids(engine, "before:2020", order="oldest") == [
        "2019-08-31.md",
        "2019-09-01.md",
        "2019-09-30.md",
        "2020-12-31.md",
    ]
    assert ids(engine, "after:2019-09-30 before:2019-09-30") == ["2019-09-30.md"]
    # Negating a date filter is its complement: the undated article is "not in 2019".
    assert sorted(ids(engine, "-date:2019")) == ["2020-12-31.md", "undated.md"]


def test_dates_compare_as_written_not_in_utc() -> None:
    engine = engine_of([front("eve.md", date="2019-12-31T23:30:00-05:00")])
    assert ids(engine, "date:2019-12-31") == ["eve.md"]
    assert ids(engine, "after:2020") == []


def test_prefix_matching_for_the_last_word_only() -> None:
    engine = engine_of(
        [front("a.md", title="Police patrols"), front("b.md", title="Political talk")]
    )
    assert sorted(ids(engine, "pol", prefix_last=True)) == ["a.md", "b.md"]
    assert ids(engine, "pol") == []
    assert ids(engine, "pol ", prefix_last=True) == []
    assert ids(engine, "pol patrols", prefix_last=True) == []
    assert ids(engine, "patrols pol", prefix_last=True) == ["a.md"]
    assert ids(engine, '"police pat"', prefix_last=True) == []
    assert ids(engine, "police pat", prefix_last=True) == ["a.md"]


def bm25(frequency: int, length: int, average: float, articles: int, containing: int) -> float:
    """README: one field's BM25 share (tantivy's: its idf is never 0 or less)."""
    idf = math.log(1 + (articles - containing + 0.5) / (containing + 0.5))
    return idf * frequency * 2.2 / (frequency + 1.2 * (1 - 0.75 + 0.75 * length / average))


def test_score_is_the_weighted_sum_of_each_fields_bm25() -> None:
    # "drones" in a.md: once in the title (2 tokens; titles average 4/3), once in the body
    # (2; bodies average 2) and once in the metadata (the title value, 2; metadata
    # averages 4/3). 1 article of 3 has it.
    engine = engine_of(
        [
            front("a.md", title="Kent drones", body="Drones flew."),
            front("b.md", title="Essex", body="Nothing here."),
            front("c.md", title="Surrey", body="Quiet day."),
        ]
    )
    ((_row, score),) = engine.search("drones")
    expected = 4 * bm25(1, 2, 4 / 3, 3, 1) + 1 * bm25(1, 2, 2, 3, 1) + 0.5 * bm25(1, 2, 4 / 3, 3, 1)
    assert score == pytest.approx(expected, rel=1e-6)  # tantivy scores in 32-bit floats


def test_a_word_in_half_the_articles_or_more_still_counts() -> None:
    # The idf is ln(1 + (N - n + 0.5) / (n + 0.5)): ln(2) here, never 0 or less.
    engine = engine_of(
        [front("a.md", title="Kent drones", body="Drones flew."), front("b.md", title="Essex")]
    )
    ((_row, score),) = engine.search("drones")
    # Titles average 3/2 tokens, bodies (2 and 1) 3/2, metadata values (the titles) 3/2.
    expected = 4 * bm25(1, 2, 1.5, 2, 1) + bm25(1, 2, 1.5, 2, 1) + 0.5 * bm25(1, 2, 1.5, 2, 1)
    assert score == pytest.approx(expected, rel=1e-6)
    assert score > 0


def test_each_initiative_and_metadata_value_counts_in_its_own_field() -> None:
    # "kent": the title (1 token; titles average 1) and the first metadata value (the
    # title "Kent"; long.md's values "Kent", "a", "b" are 3 tokens, 5 in all, so an
    # average of 5/3). The initiatives field of long.md holds 4 tokens, body 5: no hit.
    body = "Intro.\n\n * one two\n * three four\n"
    long = front("long.md", title="Kent", body=body, tags="[a, b]")
    short = front("short.md", title="Essex", body="Nothing.")
    other = front("other.md", title="Surrey", body="Nothing.")
    engine = engine_of([long, short, other])
    ((_row, score),) = engine.search("kent")
    assert score == pytest.approx(4 * bm25(1, 1, 1, 3, 1) + 0.5 * bm25(1, 3, 5 / 3, 3, 1), rel=1e-6)
    # A word of an initiative counts in the body (5 tokens; bodies average 7/3) and in
    # the initiatives (4 tokens; 4/3 on average), weighted 1 and 2.
    ((_row, score),) = engine.search("three")
    assert score == pytest.approx(bm25(1, 5, 7 / 3, 3, 1) + 2 * bm25(1, 4, 4 / 3, 3, 1), rel=1e-6)


def test_title_and_initiative_hits_outrank_body_hits() -> None:
    filler = "Other words here to keep lengths alike. " * 3
    engine = engine_of(
        [
            front("body.md", title="News", body=f"Burglary. {filler}"),
            front("title.md", title="Burglary", body=f"News. {filler}"),
            front("initiative.md", title="News", body=f"{filler}\n\n * Burglary\n"),
            front("none.md", title="Nothing", body=filler),
        ]
    )
    assert ids(engine, "burglary") == ["title.md", "initiative.md", "body.md"]


def test_ties_go_to_the_newest_then_the_lowest_id() -> None:
    engine = engine_of(
        [
            front("b.md", title="Kent", date="2019-01-01"),
            front("a.md", title="Kent", date="2019-01-01"),
            front("new.md", title="Kent", date="2021-01-01"),
            # The same number of tokens as the others, so the same score.
            front("undated.md", title="Kent", note="2019 01 01"),
        ]
    )
    results = engine.search("kent")
    assert len({score for _row, score in results}) == 1
    assert results.ids() == ["new.md", "a.md", "b.md", "undated.md"]


def test_queries_without_words_use_the_fallback_order_and_have_no_score() -> None:
    engine = engine_of(
        [
            front("old.md", title="Zebra", date="2018-01-01", area="Kent"),
            front("new.md", title="Aardvark", date="2020-01-01", area="Kent"),
        ]
    )
    results = engine.search("area:kent")
    assert results.ids() == ["new.md", "old.md"]
    assert [score for _row, score in results] == [None, None]
    assert ids(engine, "area:kent", fallback_order="title") == ["new.md", "old.md"]
    assert ids(engine, "area:kent", fallback_order="oldest") == ["old.md", "new.md"]
    assert ids(engine, "") == ["new.md", "old.md"]


def test_a_sort_order_other_than_relevance_still_reports_scores() -> None:
    engine = engine_of(
        [
            front("z.md", title="Zebra kent kent", date="2018-01-01"),
            front("a.md", title="Aardvark kent", date="2020-01-01"),
        ]
    )
    by_relevance = engine.search("kent")
    by_title = engine.search("kent", order="title")
    assert by_relevance.ids() == ["z.md", "a.md"]
    assert by_title.ids() == ["a.md", "z.md"]
    assert dict((row.id, score) for row, score in by_title) == dict(
        (row.id, score) for row, score in by_relevance
    )


def test_is_flags_are_answered_by_the_callers_test() -> None:
    engine = engine_of([front("a.md", title="One"), front("b.md", title="Two")])
    starred = {"b.md"}

    def flag_test(article_id: str, name: str) -> bool:
        return name == "starred" and article_id in starred

    assert ids(engine, "is:starred", flag_test=flag_test) == ["b.md"]
    assert ids(engine, "-is:starred", flag_test=flag_test) == ["a.md"]
    starred.add("a.md")  # state changes between searches are seen
    assert sorted(ids(engine, "is:starred", flag_test=flag_test)) == ["a.md", "b.md"]
    with pytest.raises(ValueError, match="flag_test"):
        engine.search("is:starred")


def test_bad_queries_and_orders_raise() -> None:
    engine = engine_of([front("a.md", title="One")])
    with pytest.raises(QueryError):
        engine.search("title:")
    with pytest.raises(ValueError, match="unknown order"):
        engine.search("one", order="sideways")


def test_metadata_keys_of_the_folder_are_fields() -> None:
    engine = engine_of([front("a.md", title="One", Publisher="Kent Police")])
    assert "publisher" in engine.metadata_keys
    assert ids(engine, "publisher:kent") == ["a.md"]
    with pytest.raises(QueryError, match="unknown field"):
        engine.search("og.locale:en")


def test_empty_collection() -> None:
    engine = engine_of([])
    assert list(engine.search("")) == []
    assert list(engine.search("police -kent after:2019")) == []


def test_repeated_searches_agree() -> None:
    engine = engine_of(
        [
            front(f"{n}.md", title=f"Kent {'drones ' * n}", date=f"20{10 + n}-01-01")
            for n in range(6)
        ]
    )
    first = list(engine.search('kent drones -"kent drones drones"'))
    assert list(engine.search('kent drones -"kent drones drones"')) == first


def test_folder_looks_in_the_folders_of_the_articles_path() -> None:
    engine = engine_of(
        [
            article("news/2019/a.md", "# A\n\nx\n"),
            article("news/b.md", "# B\n\nx\n"),
            article("blog/news-digest/c.md", "# C\n\nx\n"),
            article("d.md", "# D news\n\nx\n"),
        ]
    )
    assert sorted(ids(engine, "folder:news")) == [
        "blog/news-digest/c.md",
        "news/2019/a.md",
        "news/b.md",
    ]
    assert ids(engine, "folder:2019") == ["news/2019/a.md"]
    assert ids(engine, 'folder:"news digest"') == ["blog/news-digest/c.md"]
    assert sorted(ids(engine, "news -folder:news")) == ["d.md"]


@pytest.mark.parametrize("rows_read_first", [False, True])
def test_search_ids_finds_what_search_finds_without_the_list_rows(rows_read_first: bool) -> None:
    # 700 articles: a search for most of them takes every id at once, one for a few reads
    # theirs alone; an engine made after the list rows were read takes them from those.
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(
        front(
            f"{number:03}.md",
            title=f"Report {number}" + (" burglary" if number % 3 else ""),
            body="Drones. " * (1 + number % 5) + ("Kent." if number % 50 == 0 else ""),
            date=f"2020-01-{1 + number % 28:02}",
        )
        for number in range(700)
    )
    if rows_read_first:
        index.summaries()
    engine = index.engine()
    for query, options in [
        ("burglary", {}),
        ("drones", {}),
        ("kent", {}),
        ("burglary", {"limit": 7}),
        ("drones", {"order": "title", "limit": 600}),
        ("", {}),
        ("after:2020-01-20", {"order": "newest"}),
        ("nothing", {}),
    ]:
        results = engine.search(query, **options)  # type: ignore[arg-type]
        found = engine.search_ids(query, **options)  # type: ignore[arg-type]
        assert found.ids == results.ids(), (query, options)
        assert found.scores == [score for _row, score in results], (query, options)
        assert found.total == results.total, (query, options)
    assert len(engine.search_ids("drones").ids) == 700
    assert engine.search_ids("burglary", limit=7).total == 466
