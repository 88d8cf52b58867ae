"""The reader's search, facets, sort and initiatives view on a folder, in process (headless
Textual): how long until the list shows the results of each action, and how long the UI
thread was ever held up meanwhile (the longest gap in a 5 ms heartbeat on the event loop:
what a key pressed then would have waited).

    python bench/tui_search.py --corpus DIR [--query "police burglary"] [--no-cache]

Typing is simulated at 12 keys a second, faster than the 150 ms search debounce, so
searches are started while the next key arrives, as they are for a fast typist.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from reader.tui.app import GC_THRESHOLDS, ReaderApp
from reader.tui.screens.folder_events import WATCH_GROUP

KEY_GAP = 1 / 12


class Heartbeat:
    """The longest the event loop went without running a 5 ms sleeper."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    def start(self) -> None:
        self.longest = 0.0
        self._task = asyncio.get_running_loop().create_task(self._beat())

    def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
        return self.longest


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def until(test: Callable[[], bool], timeout: float = 120) -> None:
    start = time.perf_counter()
    while not test():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        await asyncio.sleep(0.001)


async def timed(
    app: ReaderApp, label: str, act: Callable[[], Awaitable[None] | None], *, screen: bool = False
) -> None:
    """Run `act`, then wait for the list to show its results (or a dialog's counts)."""
    beat = Heartbeat()
    beat.start()
    start = time.perf_counter()
    result = act()
    if result is not None:
        await result
    await until(lambda: settled(app))
    if screen:
        await until(lambda: getattr(app.screen, "counts", None) is not None)
    elapsed = time.perf_counter() - start
    await asyncio.sleep(0.05)
    longest = beat.stop()
    sidebar = app.main.sidebar.border_subtitle
    print(f"{label}: {ms(elapsed)} (UI held up at most {ms(longest)})  [{sidebar}]")


async def measure(corpus: Path, query: str, use_cache: bool) -> None:
    app = ReaderApp(corpus, use_cache=use_cache)
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: bool(app.session.all_rows), timeout=600)
        print(f"open to first rows: {ms(time.perf_counter() - started)}")
        await until(lambda: app.session.loading is None, timeout=600)
        # Every worker but the watcher, which lasts as long as the reader.
        await app.workers.wait_for_complete(
            [worker for worker in app.workers if worker.group != WATCH_GROUP]
        )
        rows = len(app.session.all_rows)
        print(f"open to loaded: {ms(time.perf_counter() - started)} ({rows:,} rows)")
        await typing(app, pilot, query)
        await timed(app, "i (initiatives of the results)", app.main.action_initiatives)
        await timed(app, "i (back to the articles)", app.main.action_initiatives)
        await timed(app, "s (sort: relevance stays)", app.main.action_sort)
        await timed(app, "f (facet counts)", app.main.action_facets, screen=True)
        await pilot.press("enter")  # choose the biggest area
        await timed(app, "  chosen: results with the facet", lambda: None)
        await timed(app, "Esc (every article)", app.main.action_clear_search)
        for _ in range(3):
            await timed(app, "s (sort every article)", app.main.action_sort)
        await timed(app, "s (back to newest)", app.main.action_sort)
        await timed(app, "i (initiatives of every article)", app.main.action_initiatives)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


def settled(app: ReaderApp) -> bool:
    """No search waiting for typing to pause, none running, all results in."""
    return not app.main.results_pending


async def typing(app: ReaderApp, pilot: Pilot[int], query: str) -> None:
    searches: list[float] = []
    search_now = app.main._search_now

    def search_started() -> None:
        searches.append(time.perf_counter())
        search_now()

    app.main._search_now = search_started  # type: ignore[method-assign]
    await pilot.press("slash")
    beat = Heartbeat()
    beat.start()
    for char in query:
        pressed = time.perf_counter()
        await pilot.press("space" if char == " " else char)
        await asyncio.sleep(max(0.0, KEY_GAP - (time.perf_counter() - pressed)))
    typed_at = time.perf_counter()
    await until(
        lambda: (
            app.session.shown_generation == app.session.generation and not app.main._search_timer
        )
    )
    first = time.perf_counter() - typed_at
    await until(lambda: settled(app))
    after_last = time.perf_counter() - typed_at
    longest = beat.stop()
    print(
        f"typing {query!r} at 12 keys/s: UI held up at most {ms(longest)}; the best results "
        f"{ms(first)} after the last key, all {ms(after_last)} (searches start 150 ms after "
        "a key)"
    )
    print(f"  [{app.main.query_one('#sidebar').border_subtitle}]")
    # One key at a time, each search left to finish: from the search's start (typing
    # paused for the debounce) to its results in the list.
    await pilot.press("escape")
    await until(lambda: settled(app))
    await pilot.press("slash")
    best, every = [], []
    for char in query:
        await pilot.press("space" if char == " " else char)
        await until(
            lambda: bool(searches) and app.session.shown_generation == app.session.generation
        )
        best.append(time.perf_counter() - searches[-1])
        await until(lambda: settled(app))
        every.append(time.perf_counter() - searches[-1])
        searches.clear()
    print(
        f"each key's search, start to the best results listed: median "
        f"{ms(statistics.median(best))}, max {ms(max(best))}; to all of them: median "
        f"{ms(statistics.median(every))}, max {ms(max(every))}"
    )


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)  # as `reader` runs it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--query", default="police burglary")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    asyncio.run(measure(args.corpus, args.query, not args.no_cache))


if __name__ == "__main__":
    main()
