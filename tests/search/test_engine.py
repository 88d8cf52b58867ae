"""The in-memory engine: what matches where, dates, prefixes, ranking, order, flags."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from reader.loading import parse_article
from reader.model import Article
from reader.search import QueryError, SearchEngine


def article(name: str, text: str) -> Article:
    return parse_article(text, path=Path(name), article_id=name)


def front(name: str, body: str = "Body.", **metadata: str) -> Article:
    lines = "".join(f"{key}: {value}\n" for key, value in metadata.items())
    return article(name, f"---\n{lines}---\n{body}\n")


def ids(engine: SearchEngine, query: str, **options: object) -> list[str]:
    return [result.article.id for result in engine.search(query, **options)]  # type: ignore[arg-type]


def test_a_word_is_found_in_title_body_initiatives_and_metadata() -> None:
    engine = SearchEngine(
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
    engine = SearchEngine(
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
    engine = SearchEngine(
        [front("a.md", title="X", body="The **chief**\n[constable](https://x.example) spoke.")]
    )
    assert ids(engine, '"chief constable"') == ["a.md"]


def test_fields_look_only_in_their_own_text() -> None:
    engine = SearchEngine(
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
    engine = SearchEngine(
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
    engine = SearchEngine([front("eve.md", date="2019-12-31T23:30:00-05:00")])
    assert ids(engine, "date:2019-12-31") == ["eve.md"]
    assert ids(engine, "after:2020") == []


def test_prefix_matching_for_the_last_word_only() -> None:
    engine = SearchEngine(
        [front("a.md", title="Police patrols"), front("b.md", title="Political talk")]
    )
    assert sorted(ids(engine, "pol", prefix_last=True)) == ["a.md", "b.md"]
    assert ids(engine, "pol") == []
    assert ids(engine, "pol ", prefix_last=True) == []
    assert ids(engine, "pol patrols", prefix_last=True) == []
    assert ids(engine, "patrols pol", prefix_last=True) == ["a.md"]
    assert ids(engine, '"police pat"', prefix_last=True) == []
    assert ids(engine, "police pat", prefix_last=True) == ["a.md"]


def test_score_is_bm25_of_weighted_field_hits() -> None:
    # "drones": title 4 + body 1 + metadata title 0.5 = 5.5 weighted hits; the article has
    # 6 tokens, the average is (6 + 4 + 4) / 3; 1 article of 3 has the word.
    engine = SearchEngine(
        [
            front("a.md", title="Kent drones", body="Drones flew."),
            front("b.md", title="Essex", body="Nothing here."),
            front("c.md", title="Surrey", body="Quiet day."),
        ]
    )
    (result,) = engine.search("drones")
    norm = 1.2 * (1 - 0.75 + 0.75 * 6 / (14 / 3))
    idf = math.log((3 - 1 + 0.5) / (1 + 0.5))
    assert result.score == pytest.approx(idf * 5.5 * 2.2 / (5.5 + norm), rel=1e-12)


def test_a_word_in_half_the_articles_or_more_gets_the_least_idf() -> None:
    # As in SQLite FTS5's bm25(): ln((N - n + 0.5) / (n + 0.5)) is 0 here, so 1e-6.
    engine = SearchEngine(
        [front("a.md", title="Kent drones", body="Drones flew."), front("b.md", title="Essex")]
    )
    (result,) = engine.search("drones")
    norm = 1.2 * (1 - 0.75 + 0.75 * 6 / ((6 + 3) / 2))
    assert result.score == pytest.approx(1e-6 * 5.5 * 2.2 / (5.5 + norm), rel=1e-12)


def test_each_break_between_initiatives_or_metadata_values_counts_as_a_token() -> None:
    # Tokens: title 1, body 5 ("intro one two three four"), initiatives 4 + 1 break,
    # metadata values "Kent", "a", "b" 3 + 2 breaks: 16 in all.
    body = "Intro.\n\n * one two\n * three four\n"
    long = front("long.md", title="Kent", body=body, tags="[a, b]")
    short = front("short.md", title="Essex", body="Nothing.")
    other = front("other.md", title="Surrey", body="Nothing.")
    engine = SearchEngine([long, short, other])
    (result,) = engine.search("kent")
    average = (16 + 3 + 3) / 3
    norm = 1.2 * (1 - 0.75 + 0.75 * 16 / average)
    idf = math.log((3 - 1 + 0.5) / (1 + 0.5))
    assert result.score == pytest.approx(idf * 4.5 * 2.2 / (4.5 + norm), rel=1e-12)


def test_title_and_initiative_hits_outrank_body_hits() -> None:
    filler = "Other words here to keep lengths alike. " * 3
    engine = SearchEngine(
        [
            front("body.md", title="News", body=f"Burglary. {filler}"),
            front("title.md", title="Burglary", body=f"News. {filler}"),
            front("initiative.md", title="News", body=f"{filler}\n\n * Burglary\n"),
            front("none.md", title="Nothing", body=filler),
        ]
    )
    assert ids(engine, "burglary") == ["title.md", "initiative.md", "body.md"]


def test_ties_go_to_the_newest_then_the_lowest_id() -> None:
    engine = SearchEngine(
        [
            front("b.md", title="Kent", date="2019-01-01"),
            front("a.md", title="Kent", date="2019-01-01"),
            front("new.md", title="Kent", date="2021-01-01"),
            # The same number of tokens as the others, so the same score.
            front("undated.md", title="Kent", note="2019 01 01"),
        ]
    )
    results = engine.search("kent")
    assert len({result.score for result in results}) == 1
    assert [result.article.id for result in results] == ["new.md", "a.md", "b.md", "undated.md"]


def test_queries_without_words_use_the_fallback_order_and_have_no_score() -> None:
    engine = SearchEngine(
        [
            front("old.md", title="Zebra", date="2018-01-01", area="Kent"),
            front("new.md", title="Aardvark", date="2020-01-01", area="Kent"),
        ]
    )
    results = engine.search("area:kent")
    assert [r.article.id for r in results] == ["new.md", "old.md"]
    assert [r.score for r in results] == [None, None]
    assert ids(engine, "area:kent", fallback_order="title") == ["new.md", "old.md"]
    assert ids(engine, "area:kent", fallback_order="oldest") == ["old.md", "new.md"]
    assert ids(engine, "") == ["new.md", "old.md"]


def test_a_sort_order_other_than_relevance_still_reports_scores() -> None:
    engine = SearchEngine(
        [
            front("z.md", title="Zebra kent kent", date="2018-01-01"),
            front("a.md", title="Aardvark kent", date="2020-01-01"),
        ]
    )
    by_relevance = engine.search("kent")
    by_title = engine.search("kent", order="title")
    assert [r.article.id for r in by_relevance] == ["z.md", "a.md"]
    assert [r.article.id for r in by_title] == ["a.md", "z.md"]
    assert dict((r.article.id, r.score) for r in by_title) == dict(
        (r.article.id, r.score) for r in by_relevance
    )


def test_is_flags_are_answered_by_the_callers_test() -> None:
    engine = SearchEngine([front("a.md", title="One"), front("b.md", title="Two")])
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
    engine = SearchEngine([front("a.md", title="One")])
    with pytest.raises(QueryError):
        engine.search("title:")
    with pytest.raises(ValueError, match="unknown order"):
        engine.search("one", order="sideways")


def test_metadata_keys_of_the_folder_are_fields() -> None:
    engine = SearchEngine([front("a.md", title="One", Publisher="Kent Police")])
    assert "publisher" in engine.metadata_keys
    assert ids(engine, "publisher:kent") == ["a.md"]
    with pytest.raises(QueryError, match="unknown field"):
        engine.search("og.locale:en")


def test_empty_collection() -> None:
    engine = SearchEngine([])
    assert engine.search("") == []
    assert engine.search("police -kent after:2019") == []


def test_repeated_searches_agree() -> None:
    engine = SearchEngine(
        [
            front(f"{n}.md", title=f"Kent {'drones ' * n}", date=f"20{10 + n}-01-01")
            for n in range(6)
        ]
    )
    first = engine.search('kent drones -"kent drones drones"')
    engine.prepare()
    assert engine.search('kent drones -"kent drones drones"') == first
