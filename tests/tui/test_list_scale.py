"""The lists at 100,000 articles (and 450,000 initiatives): they move, and they draw (and
read) only what is on screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from textual.app import App, ComposeResult

from reader.model import ArticleSummary
from reader.resources import styles_dir
from reader.tui.marks import ReadingMarks
from reader.tui.results import InitiativeRows
from reader.tui.widgets.article_list import ROW_HEIGHT, ArticleList
from reader.tui.widgets.initiative_list import InitiativeList, InitiativeSource
from tui.helpers import make_articles

ROWS = 100_000


class ListApp(App[None]):
    CSS_PATH = styles_dir() / "reader.tcss"

    def compose(self) -> ComposeResult:
        yield ArticleList(ReadingMarks())

    def on_mount(self) -> None:
        self.query_one(ArticleList).focus()


async def test_hundred_thousand_rows_move_and_draw_only_visible_lines() -> None:
    articles = make_articles(ROWS)
    app = ListApp()
    async with app.run_test(size=(60, 30)) as pilot:
        article_list = app.query_one(ArticleList)
        article_list.set_rows(articles)
        await pilot.pause()
        height = article_list.scrollable_content_region.height
        assert article_list.virtual_size.height == ROWS * ROW_HEIGHT
        # One screen's worth of lines was drawn, not 200,000.
        assert 0 < article_list.lines_rendered <= 2 * height

        before = article_list.lines_rendered
        await pilot.press("j", "j", "j")
        assert article_list.cursor == 3
        assert article_list.article is articles[3]
        # A move inside the screen redraws the old and new cursor rows only.
        assert article_list.lines_rendered - before <= 3 * 2 * ROW_HEIGHT

        before = article_list.lines_rendered
        await pilot.press("G")
        await pilot.pause()
        assert article_list.cursor == ROWS - 1
        assert article_list.scroll_y == article_list.max_scroll_y
        assert article_list.lines_rendered - before <= 2 * height
        # The last row is drawn on screen with its title.
        last_line = article_list.render_line(height - 2)
        assert f"Article {ROWS - 1}" in last_line.text

        await pilot.press("pageup")
        assert article_list.cursor < ROWS - 1
        await pilot.press("g")
        assert article_list.cursor == 0
        assert article_list.scroll_y == 0


async def test_set_rows_keeps_the_selected_article() -> None:
    articles = make_articles(ROWS)
    app = ListApp()
    async with app.run_test(size=(60, 30)) as pilot:
        article_list = app.query_one(ArticleList)
        article_list.set_rows(articles)
        await pilot.pause()
        article_list.move_to(50_000)
        chosen = articles[50_000]
        # New rows in another order (later: a search or another sort).
        reordered = list(reversed(articles))
        article_list.set_rows(reordered, keep=chosen.id)
        await pilot.pause()
        assert article_list.article is chosen
        assert article_list.cursor == ROWS - 1 - 50_000
        # The cursor row is on screen.
        top = int(article_list.scroll_y)
        row_line = article_list.cursor * ROW_HEIGHT
        assert top <= row_line < top + article_list.scrollable_content_region.height
        # Rows without the article: the cursor goes to the first row.
        article_list.set_rows(articles[:10], keep="not-there")
        assert article_list.cursor == 0


async def test_title_highlighter_marks_hits() -> None:
    articles = make_articles(5)
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        article_list = app.query_one(ArticleList)
        article_list.set_rows(articles)
        await pilot.pause()
        second_row = ROW_HEIGHT  # not the cursor row
        plain = article_list.render_line(second_row)
        article_list.set_title_highlighter(lambda title: [(0, 7)] if "Article" in title else [])
        await pilot.pause()
        highlighted = article_list.render_line(second_row)
        assert highlighted.text == plain.text
        hit = next(segment for segment in highlighted if segment.text == "Article")
        before = next(segment for segment in plain if "Article" in segment.text)
        assert hit.style is not None and before.style is not None
        # Bold and underlined (kept in 256 colours and with NO_COLOR), in another colour.
        assert hit.style.bold and hit.style.underline and not before.style.underline
        assert hit.style.color != before.style.color


class InitiativesApp(App[None]):
    CSS_PATH = styles_dir() / "reader.tcss"

    def __init__(self, source: InitiativeSource) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        yield InitiativeList(self.source)

    def on_mount(self) -> None:
        self.query_one(InitiativeList).focus()


async def test_half_a_million_initiatives_read_only_the_texts_on_screen() -> None:
    summaries = [
        ArticleSummary(
            id=f"{number:06d}.md",
            title=f"Article {number}",
            area="Kent",
            published=datetime(2025, 1, 1) - timedelta(hours=number),
            url=None,
            word_count=0,
            initiative_count=number % 10,
        )
        for number in range(ROWS)
    ]
    asked: list[str] = []

    def source(ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        asked.extend(ids)
        return {
            article_id: tuple(f"Initiative {n} of {article_id}" for n in range(10))
            for article_id in ids
        }

    rows = InitiativeRows(summaries)
    assert len(rows) == sum(number % 10 for number in range(ROWS))  # 450,000
    assert rows.article_count == ROWS - ROWS // 10
    app = InitiativesApp(source)
    async with app.run_test(size=(80, 30)) as pilot:
        initiatives = app.query_one(InitiativeList)
        initiatives.set_rows(rows)
        await pilot.pause()
        height = initiatives.scrollable_content_region.height
        # The first screen: article 1 has one initiative, article 2 two...
        assert [(row.article.id, row.number) for row in rows[:4]] == [
            ("000001.md", 0),
            ("000002.md", 0),
            ("000002.md", 1),
            ("000003.md", 0),
        ]
        assert "Initiative 0 of 000001.md" in initiatives.render_line(0).text
        # Texts were read for the articles on screen only, in one go.
        assert 0 < len(asked) <= height
        asked.clear()
        await pilot.press("G")
        await pilot.pause()
        assert initiatives.cursor == len(rows) - 1
        last = rows[len(rows) - 1]
        assert (last.article.id, last.number) == (f"{ROWS - 1:06d}.md", 8)
        assert 0 < len(asked) <= height
        bottom = initiatives.render_line(height - 2).text
        assert f"Initiative 8 of {ROWS - 1:06d}.md" in bottom
