"""The timeline (t) following a query typed into the reader, headless (Pilot, 120x40):

    python bench/tui_timeline.py --corpus DIR [--query "drones kent"] [--runs 3]

Without the timeline (the reference), then with it, types QUERY a key every 80 ms (a
brisk typist) and prints the median of --runs: the longest the UI thread was busy (how
late a 10 ms tick of its event loop came, while typing and until the results are in: a
key would have waited that long), and the time from the last key to the final query's
results all listed (the reference) or to their timeline drawn (the search bar's 0.15 s
pause, the search, the rest of the results after the best 200, the count in its
worker). Open the corpus once with the reader first (or this indexes it).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
from pathlib import Path

from reader.tui.app import ReaderApp

KEY_GAP = 0.08


async def one_run(corpus: Path, query: str, shown: bool) -> tuple[float, float, int]:
    app = ReaderApp(corpus, fresh=True)  # no query resumed from an earlier visit
    async with app.run_test(size=(120, 40)) as pilot:
        while app.session.loading is not None:
            await pilot.pause(0.05)
        timeline = app.main.timeline
        if shown:
            await pilot.press("t")
            while timeline.timeline is None:
                await pilot.pause(0.02)
        await pilot.press("slash")
        bar = app.main.search_bar.input
        session = app.session

        def done() -> bool:
            line = timeline.timeline
            return (
                session.shown_listing.text == query
                and session.shown_generation == session.generation
                and not session.partial
                and (not shown or (line is not None and line.total == session.result_total))
            )

        # Keys typed into the bar as a person types them (Pilot's press waits for the
        # screen to settle after each, which hides what this measures); the UI thread's
        # longest stall is how late a 10 ms tick of its event loop came.
        slowest = last_key = 0.0
        for key in query:
            bar.insert_text_at_cursor(key)
            tick = last_key = time.perf_counter()
            while time.perf_counter() - tick < KEY_GAP:
                before = time.perf_counter()
                await asyncio.sleep(0.01)
                slowest = max(slowest, time.perf_counter() - before - 0.01)
        deadline = last_key + 120
        while not done():
            if time.perf_counter() > deadline:
                line = timeline.timeline
                raise SystemExit(
                    f"no timeline for {session.listing.text!r} after 120 s: "
                    f"generation {session.shown_generation}/{session.generation}, "
                    f"partial {session.partial}, total {session.result_total}, "
                    f"timeline {line.total if line is not None else None}"
                )
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            slowest = max(slowest, time.perf_counter() - before - 0.01)
        after = time.perf_counter() - last_key
    app.close_store()
    return slowest * 1000, after * 1000, session.result_total


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--query", default="drones kent")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        "load:",
        uptime(),
        flush=True,
    )
    for shown in (False, True):
        what = "with the timeline" if shown else "without it (reference)"
        keys, afters = [], []
        for _ in range(args.runs):
            slowest, after, total = asyncio.run(one_run(args.corpus, args.query, shown))
            keys.append(slowest)
            afters.append(after)
        print(
            f"{what}: UI thread busy at most {statistics.median(keys):.0f} ms, last key to "
            f"{'timeline' if shown else 'results'} {statistics.median(afters):.0f} ms "
            f"(median of {args.runs}; {total:,} articles; all: "
            f"{', '.join(f'{a:.0f}' for a in afters)} ms)",
            flush=True,
        )
    print(
        "load:",
        uptime(),
        flush=True,
    )


if __name__ == "__main__":
    main()
