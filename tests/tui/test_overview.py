"""The timeline (t), saved searches (Ctrl+S, the Searches section) and the export (x),
driven through Pilot and checked against counts worked out here from the files."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.state import ReadingState
from reader.tui.screens import main as main_module
from reader.tui.screens.prompt import PromptScreen
from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running, search, settle, titles, until

# (file, title, day/month/year, area, body): months with known counts.
ARTICLES = [
    ("a.md", "Burglary in Kent", "03/09/2019", "Kent", "Burglary.\n\n* Patrols\n* Locks"),
    ("b.md", "Kent burglary again", "28/09/2019", "Kent", "Burglary again."),
    ("c.md", "Essex drones", "05/11/2019", "Essex", "Drones."),
    ("d.md", "Essex burglary", "10/01/2020", "Essex", "Burglary.\n\n* Cameras"),
    ("e.md", "=cmd|' /C calc'!A0", "11/01/2020", "Kent", "Burglary, hostile title."),
]


def article(name: str, title: str, body: str, day: str, area: str = "Kent") -> str:
    # Each its own URL: articles of one URL share their reading marks.
    url = f"https://example.org/{name}"
    return fenced(title, body, date=f"09:00 {day}", area=area, url=url)


@pytest.fixture
def folder(write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Only u marks an article read here, however long a busy machine shows one.
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    return write_articles(
        {name: article(name, title, body, day, area) for name, title, day, area, body in ARTICLES}
    )


def months(titles_shown: list[str]) -> Counter[str]:
    """The months of the listed titles, worked out from ARTICLES (not by the reader)."""
    found: Counter[str] = Counter()
    for _name, title, day, _area, _body in ARTICLES:
        if title in titles_shown:
            _d, month, year = day.split("/")
            found[f"{year}-{month}"] += 1
    return found


async def counts_shown(pilot: Pilot[int], counts: dict[str, tuple[int, int]]) -> None:
    """Let the reader run until the Searches section shows `counts`."""
    await until(pilot, lambda: shown_counts(pilot) == counts, lambda: shown_counts(pilot))


def replace_file(path: Path, text: str) -> None:
    temp = path.with_name("." + path.name + ".tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, path)


# -- the timeline ---------------------------------------------------------------------


async def test_the_timeline_counts_the_list_and_follows_the_query(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("t")
        await settle(pilot)
        view = app.main.timeline
        assert view.display and app.focused is view
        assert view.timeline is not None and view.timeline.by == "month"
        bars = {bar.key: bar.count for bar in view.timeline.bars}
        # Every month from the first to the last, the empty ones too.
        assert list(bars) == ["2019-09", "2019-10", "2019-11", "2019-12", "2020-01"]
        assert bars == {"2019-10": 0, "2019-12": 0, **months(titles(app))}
        assert view.current_key == "2020-01"  # the newest
        assert view.border_subtitle == "2020-01: 2 articles"

        await search(pilot, "burglary")
        assert view.timeline is not None
        counts = {bar.key: bar.count for bar in view.timeline.bars if bar.count}
        assert counts == months(titles(app)) and sum(counts.values()) == 4

        # ←/→ move between bars, Enter narrows the list to the bar's month.
        view.focus()
        await pilot.press("left", "left", "left", "right")
        assert view.current_key == "2019-11"
        await pilot.press("left", "left")
        assert view.current_key == "2019-09"
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.listing.facets == ("date:2019-09",)
        assert sorted(titles(app)) == ["Burglary in Kent", "Kent burglary again"]
        assert "date:2019-09" in str(app.main.search_bar.query_one("#search-facets").render())
        # Another bar replaces the month: the bars show the list, so it narrows again.
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert view.timeline is not None and [b.key for b in view.timeline.bars] == ["2019-09"]


async def test_the_timeline_offers_enter_only_with_a_bar(
    write_articles: WriteArticles,
) -> None:
    undated = write_articles(
        {"a.md": "# Notes\n\nNo date here.\n", "b.md": "# More notes\n\nNor here.\n"}
    )

    def narrow_offered(pilot: Pilot[int]) -> bool:
        return any(
            shown.binding.id == "timeline.narrow"
            for shown in reader(pilot).active_bindings.values()
        )

    async with running(undated) as pilot:
        app = reader(pilot)
        await pilot.press("t")
        await settle(pilot)
        view = app.main.timeline
        assert app.focused is view and view.timeline is not None and not view.timeline.bars
        assert not narrow_offered(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.listing.facets == ()

    async with running(
        write_articles(
            {
                name: article(name, title, body, day, area)
                for name, title, day, area, body in ARTICLES
            }
        )
    ) as pilot:
        await pilot.press("t")
        await settle(pilot)
        assert narrow_offered(pilot)


async def test_t_again_hides_the_timeline(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("t")
        assert not app.main.timeline.display
        assert app.focused is app.main.article_list


# -- saved searches ----------------------------------------------------------------------


async def save_search(pilot: Pilot[int], query: str, name: str) -> None:
    await search(pilot, query)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PromptScreen)
    await pilot.press(*name, "enter")
    await settle(pilot)


def shown_counts(pilot: Pilot[int]) -> dict[str, tuple[int | None, int | None]]:
    saved = reader(pilot).main.saved_list
    return {name: (count.total, count.unread) for name, count in saved.counts.items()}


async def test_a_saved_search_keeps_its_counts_through_marks_and_files(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        assert not app.main.saved_list.display  # no section until there is a search
        await save_search(pilot, "burglary", "Burgs")
        await until(pilot, lambda: not app.session.state.unsaved)
        saved = ReadingState().load().saved_search("burgs")  # on disk, as the shell sees it
        assert saved is not None and saved.query == "burglary" and saved.name == "Burgs"
        assert app.main.saved_list.display
        await counts_shown(pilot, {"burgs": (4, 4)})

        # A mark: one fewer unread.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("g", "u")
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.id == "e.md"
        await counts_shown(pilot, {"burgs": (4, 3)})
        # A new file that matches, one that now matches and one that no longer does.
        replace_file(folder / "f.md", article("f.md", "New burglary", "Burglary.", "01/02/2020"))
        replace_file(folder / "c.md", article("c.md", "Essex drones", "Burglary.", "05/11/2019"))
        replace_file(folder / "a.md", article("a.md", "Kent patrols", "Patrols.", "03/09/2019"))
        await counts_shown(pilot, {"burgs": (5, 4)})
        # Enter on it in the Searches section lists what it finds.
        await pilot.press("escape")
        await settle(pilot)
        assert app.session.listing.text == ""
        await pilot.press("at")
        assert app.focused is app.main.saved_list
        await pilot.press("enter")
        await settle(pilot)
        assert app.session.listing.text == "burglary"
        assert sorted(titles(app)) == sorted(
            [
                "Kent burglary again",
                "Essex burglary",
                "=cmd|' /C calc'!A0",
                "New burglary",
                "Essex drones",
            ]
        )
        assert app.main.search_bar.text == "burglary"


async def test_saving_with_a_name_again_replaces_and_d_deletes(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await save_search(pilot, "drones", "mine")
        await pilot.press("escape")
        await settle(pilot)
        await save_search(pilot, "burglary", "MINE")
        state = app.session.state
        assert [(s.name, s.query) for s in state.saved_searches()] == [("MINE", "burglary")]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("at", "d")
        await settle(pilot)
        assert state.saved_searches() == []
        assert not app.main.saved_list.display
        await until(pilot, lambda: not state.unsaved)
        assert ReadingState().load().saved_searches() == []


async def test_ctrl_s_without_a_query_saves_nothing(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("slash", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert app.session.state.saved_searches() == []


async def test_a_saved_search_runs_from_the_shell(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running(folder) as pilot:
        await save_search(pilot, "burglary", "burgs")
        await until(pilot, lambda: not reader(pilot).session.state.unsaved)
    from reader.cli import main

    assert main(["search", "@burgs", str(folder), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert len(found) == 4


# -- export ----------------------------------------------------------------------------


async def export(pilot: Pilot[int], path: Path) -> None:
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PromptScreen)
    await pilot.press("ctrl+u", *str(path), "enter")
    await settle(pilot)


async def test_x_writes_the_list_as_listed(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    async with running(folder) as pilot:
        app = reader(pilot)
        await search(pilot, "burglary")
        await pilot.press("escape")  # back to the list (the query stays)
        await settle(pilot)
        await search(pilot, "burglary")
        listed = [row.id for row in app.main.article_list.rows]
        await pilot.press("down")
        await export(pilot, target)
        await until(pilot, target.exists)
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"), newline="")))
    assert [row["id"] for row in rows] == listed
    hostile = next(row for row in rows if row["id"] == "e.md")
    assert hostile["title"] == "'=cmd|' /C calc'!A0"  # a formula no longer


async def test_x_in_the_initiatives_view_writes_the_initiatives(
    folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.jsonl"
    async with running(folder) as pilot:
        await pilot.press("i")
        await settle(pilot)
        await export(pilot, target)
        await until(pilot, target.exists)
    records = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [(r["article_id"], r["number"], r["initiative"]) for r in records] == [
        ("d.md", 1, "Cameras"),
        ("a.md", 1, "Patrols"),
        ("a.md", 2, "Locks"),
    ]


async def test_x_to_a_name_without_a_format_writes_nothing(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    async with running(folder) as pilot:
        await export(pilot, target)
        await settle(pilot)
        assert not target.exists()
        assert list(tmp_path.glob("out*")) == []
