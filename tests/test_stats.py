"""Counting articles by month, year, area and tag (reader.stats): the timeline and
`reader stats`, checked against the search engine's own date filters."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.index import ArticleIndex
from reader.loading import parse_article
from reader.model import Article, ArticleSummary
from reader.stats import (
    TIMELINE_MONTHS,
    Count,
    count_areas,
    count_tags,
    horizontal_bar,
    period_counts,
    tags_of,
    timeline,
)


def row(name: str, published: datetime | None, area: str | None = None) -> ArticleSummary:
    return ArticleSummary(name, name, area, published, None, 0, 0)


def test_months_run_from_the_first_to_the_last_with_empty_ones_between() -> None:
    rows = [
        row("a", datetime(2019, 9, 27, 7, 45)),
        row("b", datetime(2019, 9, 1)),
        row("c", datetime(2019, 12, 31, 23, 59)),
        row("d", None),
    ]
    line = timeline(rows)
    assert line.by == "month"
    assert [(bar.key, bar.count) for bar in line.bars] == [
        ("2019-09", 2),
        ("2019-10", 0),
        ("2019-11", 0),
        ("2019-12", 1),
    ]
    assert (line.undated, line.dated, line.total, line.highest) == (1, 3, 4, 2)
    assert line.bars[0].term == "date:2019-09"
    assert line.index_of("2019-12") == 3
    assert line.index_of("2020-01") is None
    assert period_counts(line)[-1] == Count(None, 1)


def test_more_than_eight_years_of_months_is_counted_by_year() -> None:
    first = datetime(2010, 1, 15)
    within = [row("a", first), row("b", datetime(2017, 12, 1))]  # 96 months
    assert timeline(within).by == "month"
    assert len(timeline(within).bars) == TIMELINE_MONTHS
    beyond = [*within, row("c", datetime(2018, 1, 1))]  # 97 months
    line = timeline(beyond)
    assert line.by == "year"
    assert [bar.key for bar in line.bars] == [str(year) for year in range(2010, 2019)]
    assert [bar.count for bar in line.bars] == [1, 0, 0, 0, 0, 0, 0, 1, 1]
    assert line.bars[-1].term == "date:2018"
    # Asked for, either way.
    assert timeline(beyond, "month").by == "month"
    assert len(timeline(within, "year").bars) == 8


def test_no_dated_articles_is_an_empty_timeline() -> None:
    line = timeline([row("a", None), row("b", None)])
    assert line.bars == ()
    assert (line.undated, line.highest) == (2, 0)
    assert timeline([]).total == 0


def test_a_date_is_counted_in_its_own_time_zone() -> None:
    """As `date:` filters compare it: the calendar day the file wrote."""
    eve = datetime(2019, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert [bar.key for bar in timeline([row("a", eve)]).bars] == ["2019-12"]


def test_areas_most_first_then_by_name_and_none_last() -> None:
    rows = [
        row("a", None, "Kent"),
        row("b", None, "Essex"),
        row("c", None, "Kent"),
        row("d", None, None),
        row("e", None, "Devon"),
    ]
    assert count_areas(rows) == [
        Count("Kent", 2),
        Count("Devon", 1),
        Count("Essex", 1),
        Count(None, 1),
    ]


def test_tags_from_lists_strings_and_zola_taxonomies() -> None:
    assert tags_of({"tags": ["maps", "Ruby", "maps"]}) == ["maps", "Ruby"]
    assert tags_of({"Tags": "maps ruby  performance"}) == ["maps", "ruby", "performance"]
    assert tags_of({"tags": "crime prevention, rural crime"}) == [
        "crime prevention",
        "rural crime",
    ]
    assert tags_of({"taxonomies": {"tags": ["forms"], "categories": ["x"]}}) == ["forms"]
    assert tags_of({"tag": "one"}) == ["one"]
    assert tags_of({"title": "no tags", "keywords": ["seo"]}) == []
    assert tags_of({"tags": None}) == []


def test_tag_counts_fold_case_and_count_untagged_articles() -> None:
    counts = count_tags([["Maps", "ruby"], ["maps"], [], ["Ruby", "go"]])
    assert counts == [Count("Maps", 2), Count("ruby", 2), Count("go", 1), Count(None, 1)]


def test_horizontal_bars_in_eighths() -> None:
    assert horizontal_bar(10, 10, 4) == "████"
    assert horizontal_bar(5, 10, 4) == "██"
    assert horizontal_bar(1, 16, 1) == "▏"  # an eighth of a cell
    assert horizontal_bar(1, 1000, 4) == "▏"  # any count shows
    assert horizontal_bar(0, 10, 4) == ""
    assert horizontal_bar(3, 0, 4) == ""


# -- against the engine ------------------------------------------------------------------


def engine_over(articles: list[Article]) -> tuple[ArticleIndex, list[ArticleSummary]]:
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(articles)
    return index, index.summaries()


def dated(name: str, when: str | None) -> Article:
    header = f"date: {when}\n" if when is not None else ""
    text = f"---\ntitle: {name}\n{header}---\nBody.\n"
    return parse_article(text, path=Path(name), article_id=name)


def test_each_bar_counts_what_its_date_term_finds() -> None:
    """The timeline and the query language agree: a month's (and a year's) bar counts
    exactly the articles `date:2019-09` (`date:2019`) finds, time zones and all."""
    rng = random.Random(15)
    written = []
    for number in range(300):
        if number % 37 == 0:
            written.append(dated(f"{number}.md", None))
            continue
        moment = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(4_000_000))
        zone = timezone(timedelta(hours=rng.choice([-11, -5, 0, 1, 9, 14])))
        written.append(dated(f"{number}.md", moment.astimezone(zone).isoformat()))
    index, rows = engine_over(written)
    engine = index.engine()
    for by in ("month", "year"):
        line = timeline(rows, by)
        assert line.total == len(written)
        for bar in line.bars:
            assert engine.search(bar.term).total == bar.count, bar.key
    index.close()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dates(date(1990, 1, 1), date(2030, 12, 31)) | st.none(), max_size=30))
def test_bars_add_up_to_the_dated_articles(days: list[date | None]) -> None:
    rows = [
        row(str(number), datetime(day.year, day.month, day.day) if day else None)
        for number, day in enumerate(days)
    ]
    line = timeline(rows)
    assert line.dated == sum(day is not None for day in days)
    assert line.undated == days.count(None)
    keys = [bar.key for bar in line.bars]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    if line.bars:
        assert line.bars[0].count > 0 and line.bars[-1].count > 0
