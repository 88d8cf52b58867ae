"""The whole article can be read: the last line of every shape of article reaches the
screen with G, End and Space, at every terminal size, and the screen shows the lines the
scroll position says (Textual repaints a scrolled view only when its rounded position
changes, so a view must draw from that rounded position)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running, screen_text, settle

PARAGRAPHS = "\n\n".join(f"Line {n}" for n in range(1, 41))

# Each shape ends the article with a different kind of block.
SHAPES = {
    "paragraphs": "\n\n".join(f"Line {n}" for n in range(1, 61)),
    "list": PARAGRAPHS + "\n\n" + "\n".join(f"* Item {n}" for n in range(1, 21)),
    "code": PARAGRAPHS + "\n\n```\n" + "\n".join(f"code {n}" for n in range(1, 21)) + "\n```",
    "table": PARAGRAPHS
    + "\n\n| name | value |\n|---|---|\n"
    + "\n".join(f"| row {n} | {n * 7} |" for n in range(1, 21)),
}
LAST_LINES = {"paragraphs": "Line 60", "list": "Item 20", "code": "code 20", "table": "140"}


def pane_rows(pilot: Pilot[int], widget: Widget) -> list[str]:
    """The text of the screen rows inside the widget's content region, as drawn."""
    region = widget.content_region
    rows = screen_text(pilot).splitlines()[region.y : region.bottom]
    return [row[region.x : region.right] for row in rows]


@pytest.fixture
def shapes(write_articles: WriteArticles) -> Path:
    # Dated apart so the list order (newest first) is the order of SHAPES.
    return write_articles(
        {
            f"{name}.md": fenced(name, body, date=f"09:00 {28 - number:02d}/01/2020")
            for number, (name, body) in enumerate(SHAPES.items())
        }
    )


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (150, 45), (200, 60)])
async def test_the_last_line_of_every_article_shape_can_be_read(
    shapes: Path, size: tuple[int, int]
) -> None:
    async with running(shapes, size=size) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        for number, name in enumerate(SHAPES):
            app.main.article_list.move_to(number)
            await settle(pilot)
            await pilot.press("enter")
            assert view.article is not None and view.article.title == name
            assert view.lines[-1].content.plain.strip().endswith(LAST_LINES[name])
            pages = len(view.lines) // view.scrollable_content_region.height + 1
            # G and End are one binding: End, and Space page by page, on one shape.
            ways = [["G"], ["end"], ["space"] * pages] if name == "paragraphs" else [["G"]]
            for keys in ways:
                view.scroll_home(animate=False, immediate=True)
                await pilot.pause()
                await pilot.press(*keys)  # waits for the scroll animation to end
                assert view.scroll_y == view.max_scroll_y > 0, (name, keys[0])
                rows = pane_rows(pilot, view)
                assert rows[-1].strip().endswith(LAST_LINES[name]), (name, keys[0], rows)
            await pilot.press("h")


async def test_the_list_draws_the_rows_its_scroll_position_says(
    write_articles: WriteArticles,
) -> None:
    folder = write_articles(
        {
            f"{n:02d}.md": fenced(f"Title {n}", "Body.", date=f"09:00 {n + 1:02d}/01/2020")
            for n in range(28)
        }
    )
    async with running(folder, size=(100, 24)) as pilot:
        app = reader(pilot)
        rows = app.main.article_list
        # As a drag of the scrollbar does: a fractional position, then a whole one that
        # rounds the same (so no repaint in between).
        for position in (9.6, 10.0):
            rows.scroll_to(y=position, animate=False, immediate=True)
            await pilot.pause(0.1)
        assert rows.scroll_offset.y == 10
        top_row = rows.rows[10 // 2].title
        assert top_row in pane_rows(pilot, rows)[0]
