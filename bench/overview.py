"""The timeline, saved searches and export on a corpus, in one process:

    python bench/overview.py --corpus DIR [--query "police burglary"] [--runs 3]

- timeline while typing: for each prefix of QUERY as the search bar sends it (the last
  word a prefix), the full search the list runs and the timeline counted from its rows
  (what `t` adds to each refresh), median of --runs;
- saved searches: counting the totals and unread of five saved searches (what the
  Searches section does after a mark or a file change);
- export: rows per second writing every article (and every initiative) as CSV, JSON Lines
  and Markdown to a file, and the process's peak RSS before and after.

Open the corpus once with the reader first (or this indexes it: minutes at 100k). Figures
depend on the machine's load: the script prints `uptime` with them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from reader.articles import open_store
from reader.export import write_export, write_file
from reader.listing import Listing, listing_node
from reader.model import ListRow
from reader.search import Node
from reader.state import SavedSearch
from reader.stats import timeline
from reader.tui.overview import SavedCount, count_saved_searches


def median_ms(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--query", default="police burglary")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())

    start = time.perf_counter()
    store = open_store(args.corpus)
    store.refresh()
    rows = store.rows()
    searcher = store.searcher()
    print(f"opened {len(rows):,} articles in {time.perf_counter() - start:.1f} s")
    print(f"peak RSS after opening: {peak_mb():.0f} MB")

    print("\ntimeline while typing (ms, median of runs): prefix, results, search, timeline")
    for end in range(1, len(args.query) + 1):
        typed = args.query[:end]
        if typed.endswith(" "):
            continue
        node = listing_node(Listing(typed), lambda text: searcher.parse(text, prefix_last=True))
        found: list[ListRow] = []

        def search(node: Node = node, found: list[ListRow] = found) -> None:
            found[:] = [row for row, _score in searcher.search(node, order="newest")]

        search_ms = median_ms(args.runs, search)
        line_ms = median_ms(args.runs, partial(timeline, found))
        print(f"  {typed!r:24} {len(found):>8,} {search_ms:8.1f} {line_ms:8.1f}")
    every_ms = median_ms(args.runs, lambda: timeline(rows))
    print(f"  every article: timeline {every_ms:.1f} ms")

    searches = [
        SavedSearch("burglary", "burglary"),
        SavedSearch("kent", "", ["area:kent"]),
        SavedSearch("drones 2019", "drones", ["date:2019"]),
        SavedSearch("phrase", '"county lines"'),
        SavedSearch("unread burglary", "burglary is:unread"),
    ]

    def never(article_id: str, flag: str) -> bool:
        return flag == "unread"

    counted: list[SavedCount] = []

    def count() -> None:
        counted[:] = count_saved_searches(store, searches, never)

    saved_ms = median_ms(args.runs, count)
    totals = ", ".join(f"{c.search.name} {c.total or 0:,}" for c in counted)
    print(f"\nsaved searches: 5 counted in {saved_ms:.0f} ms ({totals})")

    print("\nexport of every article (rows/s, MB written, peak RSS after)")
    with tempfile.TemporaryDirectory() as folder:
        for initiatives in (False, True):
            for format_name in ("csv", "jsonl", "md"):
                path = Path(folder) / f"out.{format_name}"
                start = time.perf_counter()
                write = partial(
                    write_export,
                    rows=rows,
                    initiatives_of=store.initiatives,
                    format_name=format_name,
                    initiatives=initiatives,
                )
                written = write_file(path, write)
                seconds = time.perf_counter() - start
                size = os.path.getsize(path) / 1e6
                what = "initiatives" if initiatives else "articles"
                print(
                    f"  {what:11} {format_name:5} {written.rows:>9,} rows in {seconds:5.1f} s: "
                    f"{written.rows / seconds:>9,.0f} rows/s, {size:6.0f} MB, "
                    f"peak RSS {peak_mb():.0f} MB"
                )
    store.close()
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
