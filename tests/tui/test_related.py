"""`r` (related articles) and the metadata pane's *also published as*, through Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.index.related import RelatedArticle
from reader.model import Article
from reader.tui.screens.related import RelatedScreen
from tests.index.test_duplicates import edited, story
from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running, search, settle, titles, until

FILLER = "Officers were called to the area on the day and said that. " * 2


def folder(write_articles: WriteArticles) -> Path:
    release = story(3)
    return write_articles(
        {
            "drones.md": fenced(
                "Drone patrols",
                FILLER + "Thermal drones over moorland found rustlers.",
                date="09:00 01/01/2020",
            ),
            "drones2.md": fenced(
                "Drones [/] again",
                FILLER + "Thermal drones team on moorland farms.",
                date="09:00 02/01/2020",
            ),
            "cakes.md": fenced("Cakes", FILLER + "Cakes sold.", date="09:00 03/01/2020"),
            "release.md": fenced("Release", release, date="09:00 01/02/2021", area="Kent"),
            "copy.md": fenced("Copy", edited(release, 2), date="09:00 02/02/2021", area="Essex"),
        }
    )


async def test_r_lists_the_alike_and_enter_reads_one(write_articles: WriteArticles) -> None:
    async with running(folder(write_articles)) as pilot:
        app = reader(pilot)
        app.main.go_to_article("drones.md")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RelatedScreen)
        assert dialog.related is not None
        ids = [item.summary.id for item in dialog.related]
        assert ids[0] == "drones2.md" and "drones.md" not in ids
        assert "thermal" in dialog.related[0].shared
        await pilot.press("enter")  # the first, highlighted
        await settle(pilot)
        assert app.screen is app.main
        assert app.main.shown is not None and app.main.shown.id == "drones2.md"


async def test_escape_closes_the_dialog_and_keeps_the_article(
    write_articles: WriteArticles,
) -> None:
    async with running(folder(write_articles)) as pilot:
        app = reader(pilot)
        app.main.go_to_article("cakes.md")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main
        assert app.main.shown is not None and app.main.shown.id == "cakes.md"


async def test_the_metadata_pane_says_where_else_it_was_published(
    write_articles: WriteArticles,
) -> None:
    async with running(folder(write_articles)) as pilot:
        app = reader(pilot)
        pane = app.main.metadata_pane
        # (The copies are looked up in a worker begun once the article is shown, which
        # a loaded machine may begin after settle has seen no worker left.)
        app.main.go_to_article("copy.md")
        await settle(pilot)
        await until(pilot, lambda: "Also published as" in pane.plain_text(), pane.plain_text)
        text = pane.plain_text()
        assert "Also published as: 1 article" in text
        assert "release.md" in text and "(original)" in text and "This is a copy" in text
        app.main.go_to_article("release.md")
        await settle(pilot)
        await until(pilot, lambda: "This is the original" in pane.plain_text(), pane.plain_text)
        text = pane.plain_text()
        assert "Also published as: 1 article" in text and "copy.md" in text
        assert "This is the original" in text
        app.main.go_to_article("cakes.md")
        await settle(pilot)
        assert "Also published as" not in app.main.metadata_pane.plain_text()


async def test_a_copy_written_while_the_original_is_open_shows_in_its_pane(
    write_articles: WriteArticles,
) -> None:
    """The pane's *also published as* follows the folder: a copy of the article open,
    written while it is open (the article's own file unchanged), shows there once read."""
    root = folder(write_articles)
    copy = (root / "copy.md").read_text()
    (root / "copy.md").unlink()
    async with running(root) as pilot:
        app = reader(pilot)
        pane = app.main.metadata_pane
        app.main.go_to_article("release.md")
        await settle(pilot)
        assert "Also published as" not in pane.plain_text()
        (root / "copy.md").write_text(copy)
        await until(pilot, lambda: "Copy" in titles(app), lambda: titles(app))
        await until(pilot, lambda: "Also published as" in pane.plain_text(), pane.plain_text)
        assert "copy.md" in pane.plain_text() and "This is the original" in pane.plain_text()


async def test_minus_is_duplicate_hides_the_copies(write_articles: WriteArticles) -> None:
    async with running(folder(write_articles)) as pilot:
        app = reader(pilot)
        await search(pilot, "-is:duplicate")
        assert "Copy" not in titles(app) and "Release" in titles(app)
        assert len(titles(app)) == 4


async def test_closing_the_dialog_before_the_answer_comes_is_no_error(
    write_articles: WriteArticles,
) -> None:
    import threading

    release = threading.Event()
    found = threading.Event()

    def slow_find(article: Article) -> list[RelatedArticle]:
        release.wait(10)
        try:  # a real answer, shown (or not) after the dialog closed
            return list(app.session.store.searcher().related(article))  # type: ignore[union-attr]
        finally:
            found.set()

    async with running(folder(write_articles)) as pilot:
        app = reader(pilot)
        app.main.go_to_article("drones.md")
        await settle(pilot)
        assert app.main.shown is not None
        dialog = RelatedScreen(app.main.shown, slow_find)
        await app.push_screen(dialog)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        release.set()
        found.wait(10)
        await settle(pilot)
        assert app.is_running and app.screen is app.main


async def test_an_index_in_trouble_leaves_the_pane_without_copies_not_the_reader(
    write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from reader.index import SearchEngine

    def broken(self: SearchEngine, article_id: str) -> list[object]:
        raise sqlite3.OperationalError("database is locked")

    async with running(folder(write_articles)) as pilot:
        app = reader(pilot)
        monkeypatch.setattr(SearchEngine, "duplicate_group", broken)
        app.main.go_to_article("release.md")  # in a group, and not shown yet
        await settle(pilot)
        assert app.is_running and app.main.shown is not None
        assert "Also published as" not in app.main.metadata_pane.plain_text()
