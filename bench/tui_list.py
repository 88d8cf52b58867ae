"""How the article list behaves at 100,000 rows: time to replace the rows, cost per key.

    python bench/tui_list.py [--rows 100000]

Articles are made in memory (no disk), so this measures the widget alone.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import datetime, timedelta
from pathlib import Path

from textual.app import App, ComposeResult

from reader.model import Article
from reader.tui.marks import ReadingMarks
from reader.tui.widgets.article_list import ArticleList


def make_articles(count: int) -> list[Article]:
    start = datetime(2025, 1, 1)
    return [
        Article(
            id=f"{number:06d}.txt",
            path=Path(f"{number:06d}.txt"),
            title=f"Article number {number} about something that happened in a county",
            url=None,
            area=f"Area {number % 40}",
            published=start - timedelta(hours=number),
            description=None,
            image=None,
            locale=None,
            kind=None,
            metadata={},
            body="",
            initiatives=(),
            word_count=0,
        )
        for number in range(count)
    ]


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleList(ReadingMarks())


async def measure(rows: int) -> None:
    articles = make_articles(rows)
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        article_list = app.query_one(ArticleList)
        started = time.perf_counter()
        article_list.set_rows(articles)
        call = time.perf_counter() - started
        await pilot.pause()
        painted = time.perf_counter() - started
        print(
            f"set_rows({rows:,}): {call * 1000:.1f} ms; until the app's first frame "
            f"(its start-up included) {painted * 1000:.1f} ms"
        )

        reordered = list(reversed(articles))
        started = time.perf_counter()
        article_list.set_rows(reordered, keep=articles[rows // 2].id)
        call = time.perf_counter() - started
        print(f"set_rows keeping the selection on one id: {call * 1000:.1f} ms")
        await pilot.pause()

        article_list.focus()
        article_list.set_rows(articles)
        await pilot.pause()
        # Time spent in the widget's own code per key: the action, then drawing lines.
        render_line = article_list.render_line
        spent = [0.0]

        def timed_render_line(y: int) -> object:
            started = time.perf_counter()
            try:
                return render_line(y)
            finally:
                spent[0] += time.perf_counter() - started

        article_list.render_line = timed_render_line  # type: ignore[method-assign]
        presses = 200
        before = article_list.lines_rendered
        action_time = 0.0
        for _ in range(presses):
            started = time.perf_counter()
            article_list.action_cursor_down()
            action_time += time.perf_counter() - started
            await pilot.pause()
        rendered = article_list.lines_rendered - before
        print(
            f"j: action {action_time * 1000 / presses:.2f} ms + drawing "
            f"{spent[0] * 1000 / presses:.2f} ms per key press; "
            f"{rendered / presses:.1f} lines drawn per key (the list scrolls each key "
            "once the cursor reaches the bottom)"
        )
        spent[0] = 0.0
        started = time.perf_counter()
        article_list.action_last()
        action_time = time.perf_counter() - started
        await pilot.pause()
        print(
            f"G (to row {rows:,}): action {action_time * 1000:.2f} ms + drawing "
            f"{spent[0] * 1000:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    asyncio.run(measure(parser.parse_args().rows))


if __name__ == "__main__":
    main()
