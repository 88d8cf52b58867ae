"""The plain rules behind the timeline, saved searches and export (reader.tui.overview)
and the timeline's bars, without a terminal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from reader.articles import open_store
from reader.state import SavedSearch
from reader.tui.overview import (
    ExportRefused,
    count_saved_searches,
    default_export_name,
    export_target,
    narrowed_to,
)
from reader.tui.widgets.timeline import bar_glyphs
from tui.conftest import WriteArticles
from tui.helpers import fenced


def test_a_period_replaces_the_date_facets_and_keeps_the_others() -> None:
    facets = ("area:kent", "date:2019", "area:essex", "date:2020")
    assert narrowed_to(facets, "date:2019-09") == ("area:kent", "area:essex", "date:2019-09")
    assert narrowed_to((), "date:2019") == ("date:2019",)


@pytest.mark.parametrize(
    ("typed", "name", "format_name"),
    [
        ("out.csv", "out.csv", "csv"),
        ("  Out.JSONL ", "Out.JSONL", "jsonl"),
        ("notes/report.md", "notes/report.md", "md"),
        ("x.ndjson", "x.ndjson", "jsonl"),
    ],
)
def test_an_export_name_is_relative_to_the_folder_the_reader_started_in(
    typed: str, name: str, format_name: str
) -> None:
    assert export_target(typed, Path("/work")) == (Path("/work") / name, format_name)


def test_an_export_name_with_home_and_absolute_paths() -> None:
    assert export_target("/tmp/a.csv", Path("/work"))[0] == Path("/tmp/a.csv")
    assert export_target("~/a.md", Path("/work"))[0] == Path.home() / "a.md"


@pytest.mark.parametrize("typed", ["", "   ", "out.xlsx", "out", "csv"])
def test_an_export_name_without_a_format_is_refused(typed: str) -> None:
    with pytest.raises(ExportRefused):
        export_target(typed, Path("/work"))


def test_the_default_export_name_says_what_and_when() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5)
    assert default_export_name(when, False) == "reader-articles-2026-01-02-030405.csv"
    assert default_export_name(when, True) == "reader-initiatives-2026-01-02-030405.csv"


def test_bars_fill_in_eighths_from_the_bottom() -> None:
    assert bar_glyphs(10, 10, rows=2) == ["█", "█"]
    assert bar_glyphs(5, 10, rows=2) == [" ", "█"]
    assert bar_glyphs(3, 8, rows=2) == [" ", "▆"]  # 6 of 16 eighths
    assert bar_glyphs(1, 1000, rows=2) == [" ", "▁"]  # never invisible
    assert bar_glyphs(0, 10, rows=2) == [" ", " "]


def test_saved_searches_are_counted_with_their_facets_and_unread(
    write_articles: WriteArticles,
) -> None:
    folder = write_articles(
        {
            "a.md": fenced("Kent burglary", "Burglary.", area="Kent", url="https://e.org/a"),
            "b.md": fenced("Essex burglary", "Burglary.", area="Essex", url="https://e.org/b"),
            "c.md": fenced("Kent drones", "Drones.", area="Kent", url="https://e.org/c"),
        }
    )
    store = open_store(folder, use_cache=False)
    try:
        store.refresh()
        read = {"a.md"}

        def has_flag(article_id: str, flag: str) -> bool:
            return (article_id in read) == (flag == "read")

        searches = [
            SavedSearch("all burglary", "burglary"),
            SavedSearch("kent burglary", "burglary", ["area:kent"]),
            SavedSearch("kent", "", ["area:kent"]),
            SavedSearch("unread", "is:unread"),
            SavedSearch("broken", "nosuchfield:x"),
        ]
        counts = count_saved_searches(store, searches, has_flag)
    finally:
        store.close()
    assert [(c.search.name, c.total, c.unread) for c in counts] == [
        ("all burglary", 2, 1),
        ("kent burglary", 1, 0),
        ("kent", 2, 1),
        ("unread", 2, 2),
        ("broken", None, None),
    ]
    assert counts[-1].error is not None and "nosuchfield" in counts[-1].error
