"""Textual's Markdown widget against the reader's own renderer, on a 5 KB and a 1 MB article.

    python bench/tui_markdown.py [--huge PATH]

The 1 MB article comes from `python bench/generate.py --count 1 --huge --out DIR`
(made in a temporary folder when --huge is not given).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Markdown

from reader.loading import load_article
from reader.model import Article
from reader.resources import samples_dir
from reader.tui.document import layout
from reader.tui.markdown_render import render_markdown
from reader.tui.widgets.article_view import ArticleView

SEED = "000_98cd3e962c103980.txt"


def load(path: Path) -> Article:
    article = load_article(path, path.parent)
    assert isinstance(article, Article), article
    return article


class MarkdownApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Markdown()


class TimedView(ArticleView):
    """Notes when each (partial or full) layout reaches the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.applied: list[tuple[float, int]] = []

    def on_layout_applied(self) -> None:
        self.applied.append((time.perf_counter(), len(self.lines)))


class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TimedView()


async def markdown_widget(body: str) -> tuple[float, float]:
    """Seconds until Markdown.update returns, and until the screen has settled."""
    app = MarkdownApp()
    async with app.run_test(size=(100, 40)) as pilot:
        widget = app.query_one(Markdown)
        started = time.perf_counter()
        await widget.update(body)
        updated = time.perf_counter() - started
        await pilot.pause()
        return updated, time.perf_counter() - started


async def article_view(article: Article) -> tuple[float, float, float]:
    """Seconds the UI thread is busy in show_article, until the first screen of text
    is laid out, and until the whole article is laid out."""
    app = ViewApp()
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.query_one(TimedView)
        started = time.perf_counter()
        view.show_article(article)
        busy = time.perf_counter() - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        full = [moment for moment, lines in view.applied if lines > 40]
        return busy, full[0] - started, full[-1] - started


def renderer(article: Article) -> tuple[float, float]:
    started = time.perf_counter()
    blocks, _ = render_markdown(article.body, article.title)
    parsed = time.perf_counter() - started
    layout(blocks, 80)
    return parsed, time.perf_counter() - started - parsed


async def measure(huge: Path) -> None:
    for name, path in (("5 KB seed", samples_dir() / SEED), ("1 MB generated", huge)):
        article = load(path)
        size = len(article.body.encode()) / 1024
        # The reader's view first: the Markdown widget leaves thousands of objects behind
        # that slow whatever runs after it in the same process.
        parsed, wrapped = renderer(article)
        busy, first, done = await article_view(article)
        updated, settled = await markdown_widget(article.body)
        print(f"{name} ({size:,.0f} KB body):")
        print(
            f"  Markdown widget: update() {updated * 1000:,.0f} ms, "
            f"settled {settled * 1000:,.0f} ms"
        )
        print(
            f"  reader renderer: parse {parsed * 1000:,.1f} ms + layout at 80 columns "
            f"{wrapped * 1000:,.1f} ms"
        )
        print(
            f"  ArticleView: show_article() {busy * 1000:,.1f} ms on the UI thread; "
            f"first screen of text {first * 1000:,.0f} ms; all laid out {done * 1000:,.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge", type=Path, help="a 1 MB article file")
    args = parser.parse_args()
    if args.huge is not None:
        asyncio.run(measure(args.huge))
        return
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as folder:
        generator = Path(__file__).with_name("generate.py")
        subprocess.run(
            [sys.executable, str(generator), "--count", "1", "--huge", "--out", folder],
            check=True,
            capture_output=True,
        )
        asyncio.run(measure(Path(folder) / "huge_1mb.txt"))


if __name__ == "__main__":
    main()
