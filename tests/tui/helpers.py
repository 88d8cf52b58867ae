"""Helpers for the interface tests: article text, a running reader, the screen as text."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.worker import Worker, WorkerCancelled

from reader.model import Article
from reader.tui.app import ReaderApp
from reader.tui.screens.folder_events import WATCH_GROUP

REPO = Path(__file__).resolve().parents[2]
SEED_ID = "000_98cd3e962c103980.txt"


def fenced(
    title: str,
    body: str,
    *,
    date: str = "09:00 01/01/2020",
    area: str = "Kent",
    url: str | None = "https://example.org/news/item",
    extra: str = "",
) -> str:
    """An article in the seed's format (```yaml block, then markdown)."""
    lines = ["```yaml", f"area: {area}", "publish:", f"  date: {date}", f"title: {title}"]
    if url is not None:
        lines.append(f"url: {url}")
    if extra:
        lines.append(extra)
    lines.append("```")
    return "\n".join(lines) + "\n\n" + body + "\n"


async def settle(pilot: Pilot[int]) -> None:
    """Wait for the folder to load and for workers (loading, searching, rendering) to
    finish, then for the debounced search and article open."""
    app = pilot.app
    await _workers_done(app)
    for _ in range(100):  # a loaded machine can take a while to handle the last message
        if not isinstance(app, ReaderApp) or app.session.loading is None:
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)
    await _workers_done(app)
    await pilot.pause()


# How long a Pilot test lets the reader run for something to happen, at most: a loaded
# machine (the suite on both cores) can take seconds for what takes milliseconds alone.
PATIENCE = 20.0


async def until(
    pilot: Pilot[int], condition: Callable[[], bool], seen: Callable[[], object] = lambda: ""
) -> None:
    """Let the app run until `condition` holds, failing (with `seen()`, what there was
    instead) if it never does."""
    for _ in range(int(PATIENCE / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), f"the reader never got there {seen()}"


def busy_workers(app: App[int]) -> list[Worker[object]]:
    """The workers at work: all but the folder's watcher, which lasts as long as the
    reader does."""
    return [worker for worker in app.workers if worker.group != WATCH_GROUP]


async def _workers_done(app: App[int]) -> None:
    """Wait for the workers; one cancelled meanwhile (a newer search, or list, took its
    place) is waited past, not an error."""
    for _ in range(100):
        try:
            workers = busy_workers(app)
            if workers:
                await app.workers.wait_for_complete(workers)
            return
        except WorkerCancelled:
            continue


def reader(pilot: Pilot[int]) -> ReaderApp:
    app = pilot.app
    assert isinstance(app, ReaderApp)
    return app


def titles(app: ReaderApp) -> list[str]:
    """The titles the article list shows, top to bottom."""
    return [row.title for row in app.main.article_list.rows]


async def search(pilot: Pilot[int], text: str) -> None:
    """Type `text` into the search bar (opening it with / if need be) and let the search
    finish."""
    app = reader(pilot)
    if app.focused is not app.main.search_bar.input:
        await pilot.press("slash")
    await pilot.press(*text)
    await settle(pilot)
    await settle(pilot)


@asynccontextmanager
async def running(root: Path, size: tuple[int, int] = (120, 40)) -> AsyncIterator[Pilot[int]]:
    """A reader on `root`, loaded and settled, in a headless terminal of `size`."""
    app = ReaderApp(root)
    try:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            yield pilot
    finally:
        app.close_store()  # as `reader` does when the app ends


def make_articles(count: int) -> list[Article]:
    """`count` articles in memory, newest first (no files: for list-scale tests)."""
    start = datetime(2025, 1, 1)
    return [
        Article(
            id=f"{number:06d}.md",
            path=Path(f"{number:06d}.md"),
            title=f"Article {number}",
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


def screen_text(pilot: Pilot[int]) -> str:
    """Everything on the terminal, as the text of each line (styles dropped)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
