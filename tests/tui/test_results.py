"""What the app's workers compute for the list: merged rows, results (the index's best
first), against the library's own orders and the search engines."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from reader.articles import open_store
from reader.listing import Listing
from reader.model import ArticleSummary, ListRow
from reader.ordering import sort_articles
from reader.tui.results import FIRST_RESULTS, Results, ResultsRequest, RowMerger, list_results
from tui.conftest import WriteArticles
from tui.helpers import fenced


def summary(article_id: str, title: str, day: int | None) -> ArticleSummary:
    published = datetime(2020, 1, 1) + timedelta(days=day) if day is not None else None
    return ArticleSummary(article_id, title, "Kent", published, None, 0, 0)


def test_merged_rows_stay_newest_first_through_adds_changes_and_removals() -> None:
    cached = sort_articles([summary(f"{n}.md", f"Old {n}", n) for n in range(10)])
    merger = RowMerger(cached)
    assert merger.rows() is cached  # nothing came in: the cached list as it was
    merger.add([summary("3.md", "Changed 3", 30), summary("new.md", "New", None)])
    merger.add([summary("late.md", "Late", 5)])
    merger.remove(["7.md"])
    rows = merger.rows()
    expected = [row for row in cached if row.id not in ("3.md", "7.md")]
    expected += [summary("3.md", "Changed 3", 30), summary("new.md", "New", None)]
    expected.append(summary("late.md", "Late", 5))
    assert rows == sort_articles(expected)
    assert [row.id for row in rows][:1] == ["3.md"] and rows[-1].id == "new.md"


@pytest.fixture
def many(write_articles: WriteArticles) -> Path:
    count = FIRST_RESULTS + 60
    return write_articles(
        {
            f"{n:04d}.md": fenced(
                f"Patrol report {n}",
                "Patrol " * (1 + n % 7) + "notes.",
                date=f"09:00 {1 + n % 28:02d}/{1 + n % 12:02d}/{2010 + n % 10}",
            )
            for n in range(count)
        }
    )


def request(text: str, keep: str | None = None) -> ResultsRequest:
    return ResultsRequest(1, Listing(text=text), keep, None, False)


def test_the_index_gives_its_best_results_first_then_all(many: Path) -> None:
    store = open_store(many)
    store.refresh()
    shown: list[Results] = []

    def show_best(best: Results) -> bool:
        shown.append(best)
        return True

    rows = store.rows()
    results = list_results(
        request("patrol", keep="0005.md"),
        store,
        rows,
        sorted_all=lambda order: sort_articles(rows, order),
        flag_test=lambda _id, _flag: False,
        show_best=show_best,
    )
    assert results is not None and not results.partial
    (best,) = shown
    assert best.partial and len(best.rows) == FIRST_RESULTS
    assert best.total == results.total == len(results.rows) == FIRST_RESULTS + 60
    # The best come first in the full results too, in the same order: the cursor can
    # stay where it was when the rest arrive.
    assert [row.id for row in results.rows[:FIRST_RESULTS]] == [row.id for row in best.rows]
    # The same order as the search engine gives.
    engine_order = [row.id for row, _ in store.searcher().search(store.searcher().parse("patrol"))]
    assert [row.id for row in results.rows] == engine_order
    assert results.cursor == engine_order.index("0005.md")
    store.close()


def test_best_results_no_longer_wanted_stop_the_search(many: Path) -> None:
    store = open_store(many)
    store.refresh()
    rows = store.rows()
    results = list_results(
        request("patrol"),
        store,
        rows,
        sorted_all=lambda order: sort_articles(rows, order),
        flag_test=lambda _id, _flag: False,
        show_best=lambda best: False,  # typing went on meanwhile
    )
    assert results is None
    store.close()


def test_without_the_cache_the_best_come_first_too(many: Path) -> None:
    """--no-cache searches a temporary index, the same engine: the best results first."""
    store = open_store(many, use_cache=False)
    store.refresh()
    rows = store.rows()
    shown: list[Results] = []
    results = list_results(
        request("patrol"),
        store,
        rows,
        sorted_all=lambda order: sort_articles(rows, order),
        flag_test=lambda _id, _flag: False,
        show_best=lambda best: shown.append(best) is None,
    )
    assert results is not None and len(results.rows) == results.total == FIRST_RESULTS + 60
    (best,) = shown
    assert [row.id for row in results.rows[:FIRST_RESULTS]] == [row.id for row in best.rows]
    store.close()


def test_without_a_query_every_row_in_the_sort(many: Path) -> None:
    store = open_store(many)
    store.refresh()
    rows = store.rows()
    asked: list[str] = []

    def sorted_all(order: str) -> list[ListRow]:
        asked.append(order)
        return sort_articles(rows, order)

    newest = list_results(
        ResultsRequest(1, Listing(), None, None, False),
        store,
        rows,
        sorted_all=sorted_all,
        flag_test=lambda _id, _flag: False,
        show_best=lambda best: True,
    )
    assert newest is not None and newest.rows is rows and asked == []
    titled = list_results(
        ResultsRequest(2, Listing(sort="title"), None, None, True),
        store,
        rows,
        sorted_all=sorted_all,
        flag_test=lambda _id, _flag: False,
        show_best=lambda best: True,
    )
    assert titled is not None and asked == ["title"]
    assert titled.initiatives is not None and len(titled.initiatives) == 0
    store.close()
