"""The persistent index on an existing folder: build, open, search, fetch.

    python bench/index_search.py --corpus /tmp/c100k [--cache DIR] [--runs 5] [--json]

Reports: cold build (empty cache to fully indexed, unless the cache already holds the
folder) and the size of the index on disk, warm open to the list rows, warm sync (stat
only), making the engine; then for 20 fixed queries (words, phrases, fields, dates,
negation, common words) the first run and the median of --runs runs of the full search,
and the median for the best 200 with the count (what the reader lists first), with
p50/p95 over the queries; then fetching full articles and making snippets for a large
result set, as `reader search --json` must. It uses only what every version of the index
has had (ArticleIndex, engine().search), so the same script measures an older commit in
the same run: `PYTHONPATH=OLD_CHECKOUT python bench/index_search.py ...`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from reader.index import ArticleIndex
from reader.search import snippets

QUERIES = [
    "police",
    "burglary",
    '"road safety"',
    '"knife crime" kent',
    "title:drones",
    "area:kent",
    "og.locale:en_gb",
    "after:2024-06",
    "date:2019-09",
    "burglary -kent",
    "drones OR cameras",
    "initiative:volunteers",
    "naïve café",
    '"county lines" after:2020',
    "-police",
    "polic",  # run with prefix_last, as while typing
    "officers volunteers schools",
    "url:sussex",
    '(kent OR essex) "missing persons"',
    'body:"scam calls" before:2015',
]
PREFIX_QUERIES = {"polic"}
# The best results the reader lists first, with the total (reader.tui.results.FIRST_RESULTS).
PAGE = 200


def _tantivy_version() -> str:
    try:
        import tantivy
    except ImportError:
        return "-"
    return str(getattr(tantivy, "__version__", "?"))


def timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, help="index cache folder (default: a new one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cache = args.cache or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    os.environ["READER_CACHE_DIR"] = str(cache)
    figures: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{_tantivy_version()}",
        "corpus": str(args.corpus),
    }

    start = time.perf_counter()
    index = ArticleIndex.open(args.corpus)
    report = index.sync()
    figures["build_s"] = round(time.perf_counter() - start, 2)
    figures["built"] = len(report.added) + len(report.changed)
    index.close()
    files = [path for path in cache.rglob("*") if path.is_file()]
    figures["index_mb"] = round(sum(path.stat().st_size for path in files) / 1e6, 1)
    figures["load"] = os.getloadavg()[0]

    start = time.perf_counter()
    index = ArticleIndex.open(args.corpus)
    rows = index.summaries()
    figures["warm_open_list_s"] = round(time.perf_counter() - start, 3)
    figures["articles"] = len(rows)
    _, figures["warm_sync_s"] = timed(index.sync)
    engine, figures["engine_s"] = timed(index.engine)
    # As the reader does once its list is loaded: the collector then never walks the
    # 100,000 rows again (a full collection of them costs ~100 ms).
    gc.freeze()

    per_query: dict[str, dict[str, float]] = {}
    for query in QUERIES:
        prefix = query in PREFIX_QUERIES
        node = engine.parse(query, prefix_last=prefix)
        results, first = timed(lambda node=node: engine.search(node))
        times = [timed(lambda node=node: engine.search(node))[1] for _ in range(args.runs)]
        page = [
            timed(lambda node=node: engine.search(node, limit=PAGE))[1] for _ in range(args.runs)
        ]
        per_query[query] = {
            "results": len(results),
            "first_ms": round(first * 1000, 1),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "page_ms": round(statistics.median(page) * 1000, 1),
        }
    medians = [entry["median_ms"] for entry in per_query.values()]
    firsts = [entry["first_ms"] for entry in per_query.values()]
    pages = [entry["page_ms"] for entry in per_query.values()]
    figures["queries"] = per_query
    figures["search_p50_ms"] = percentile(medians, 0.5)
    figures["search_p95_ms"] = percentile(medians, 0.95)
    figures["search_first_run_p50_ms"] = percentile(firsts, 0.5)
    figures["search_first_run_p95_ms"] = percentile(firsts, 0.95)
    figures[f"first_{PAGE}_p50_ms"] = percentile(pages, 0.5)
    figures[f"first_{PAGE}_p95_ms"] = percentile(pages, 0.95)

    node = engine.parse("burglary")
    results = engine.search(node)
    ids = [summary.id for summary, _score in results]
    articles, fetch = timed(lambda: index.articles(ids))
    figures["bulk_fetch"] = {"articles": len(articles), "s": round(fetch, 2)}
    sample = articles[:2000]
    _, made = timed(lambda: [snippets(article, node) for article in sample])
    figures["snippets_ms_per_article"] = round(made / len(sample) * 1000, 3)

    index.close()
    figures["load_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        if key == "queries":
            print(f"queries (results, first run ms, median ms, median ms for the first {PAGE}):")
            for query, entry in per_query.items():
                print(
                    f"  {query:40} {entry['results']:>7,} {entry['first_ms']:>8.1f}"
                    f" {entry['median_ms']:>8.1f} {entry['page_ms']:>8.1f}"
                )
        else:
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
