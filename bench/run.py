"""The benchmark harness: the figures README's Performance section reports.

    python bench/run.py --corpus DIR [--runs 3] [--json] [--skip-cold | --cold-only]

On an existing folder (make one with bench/generate.py), each figure the median of --runs
runs, every measurement in a fresh process:

- cold load: empty index cache to fully indexed (`open_store(root).refresh()`), with the
  time until the first batch of the list is available, peak RSS, the CPU time of the
  process and its workers (steadier than the elapsed time on a busy machine) and MB/s of
  the folder's files indexed (`--cold-only` on a folder of real markdown, say one from
  bench/generate_markdown.py, measures only that);
- warm open: process start to an interactive list in the reader (the Textual app run
  headless at 120x40, until the list has rows and the first article is shown), and
  peak RSS once the folder is checked;
- the size of the index on disk (the cache folder) after the cold load;
- search latency p50 / p95 over 20 fixed queries in one running process (the first run of
  each query, as a user typing it would see, and warm runs), for every result and for
  the best 200 with the count (what the reader lists first);
- article open: reading the 5 KB seed-sized and the 1 MB article from the index and laying
  it out for an 80-column panel;
- `reader search WORD DIR --json` (and, for the first word, `--limit 20`) as a whole
  process beside `grep -rli WORD DIR`.

The machine is noted in the output. Internal modes (`--measure ...`) are the child
processes; they print one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUERIES = [
    "police",
    "burglary",
    "cafe",
    "naïve",
    '"road safety"',
    '"knife crime" kent',
    "drones -cameras",
    "title:drones",
    "area:kent",
    'area:"north yorkshire" fraud',
    "og.locale:en_gb",
    "og.type:website burglary",
    "after:2024-06",
    "date:2019-09",
    "before:2011 speeding",
    "burglary OR shoplifting",
    "(fraud OR scam) -court",
    "initiative:volunteers",
    'body:"county lines" after:2020',
    "-police",
]
# Common words of the generated corpora, and a rare one (the title number of one article).
CLI_WORDS = ["burglary", "drones", "cafe", "742"]
# The best results the reader lists first (reader.tui.results.FIRST_RESULTS).
FIRST = 200


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- child processes ------------------------------------------------------------------------


def measure_cold(root: Path) -> dict[str, Any]:
    from reader.articles import open_store

    start = time.perf_counter()
    first: list[float] = []

    def on_batch(rows: Any, done: int, total: int | None) -> None:
        if not first:
            first.append(time.perf_counter() - start)

    store = open_store(root)
    report = store.refresh(on_batch=on_batch)
    elapsed = time.perf_counter() - start
    rows = len(store.rows())
    store.close()
    own, workers = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {
        "seconds": elapsed,
        "cpu_seconds": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime,
        "first_batch_seconds": first[0] if first else elapsed,
        "articles": rows,
        "files_read": len(report.added) + len(report.changed),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_warm_open(root: Path, started: float) -> dict[str, Any]:
    """Process start (`started`, from the parent) to an interactive list in the app."""
    from reader.tui.app import ReaderApp

    async def drive() -> dict[str, Any]:
        app = ReaderApp(root)
        async with app.run_test(size=(120, 40)) as pilot:
            while not (app.main.article_list.rows and app.main.shown is not None):
                await asyncio.sleep(0.005)
            interactive = time.time() - started
            await pilot.press("j")  # the list answers keys
            while app.session.loading is not None:
                await asyncio.sleep(0.05)
            checked = time.time() - started
            rows = len(app.main.article_list.rows)
        return {"interactive_seconds": interactive, "checked_seconds": checked, "rows": rows}

    result = asyncio.run(drive())
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def measure_search(root: Path, runs: int) -> dict[str, Any]:
    from reader.articles import open_store

    store = open_store(root)
    store.refresh()
    searcher = store.searcher()
    per_query: dict[str, dict[str, Any]] = {}
    for text in QUERIES:
        node = searcher.parse(text)
        start = time.perf_counter()
        results = searcher.search(node)
        first = time.perf_counter() - start
        timings, best = [], []
        for _ in range(runs):
            start = time.perf_counter()
            searcher.search(node)
            timings.append(time.perf_counter() - start)
            start = time.perf_counter()
            searcher.search(node, limit=FIRST)
            best.append(time.perf_counter() - start)
        per_query[text] = {
            "matches": len(results),
            "first_ms": first * 1000,
            "median_ms": statistics.median(timings) * 1000,
            "best_ms": statistics.median(best) * 1000,
        }
    store.close()
    firsts = sorted(entry["first_ms"] for entry in per_query.values())
    medians = sorted(entry["median_ms"] for entry in per_query.values())
    bests = sorted(entry["best_ms"] for entry in per_query.values())
    return {
        "queries": per_query,
        "first_p50_ms": percentile(firsts, 50),
        "first_p95_ms": percentile(firsts, 95),
        "warm_p50_ms": percentile(medians, 50),
        "warm_p95_ms": percentile(medians, 95),
        "best_p50_ms": percentile(bests, 50),
        "best_p95_ms": percentile(bests, 95),
    }


def measure_open(root: Path, runs: int) -> dict[str, Any]:
    from reader.articles import open_store
    from reader.tui.document import layout
    from reader.tui.markdown_render import render_markdown

    store = open_store(root)
    store.refresh()
    rows = store.rows()
    small = rows[0]
    for row in rows[:5000]:  # an article of about 5 KB, like a typical scrape
        candidate = store.article(row.id)
        if candidate is not None and 4500 <= len(candidate.body.encode()) <= 5500:
            small = row
            break
    huge = next((row for row in rows if row.id.endswith("huge_1mb.txt")), None)
    figures: dict[str, Any] = {}
    for label, row in (("5kb", small), ("1mb", huge)):
        if row is None:
            continue
        fetch, render = [], []
        for _ in range(runs):
            start = time.perf_counter()
            article = store.article(row.id)
            middle = time.perf_counter()
            assert article is not None
            blocks, _ = render_markdown(article.body, article.title)
            layout(blocks, 80)
            end = time.perf_counter()
            fetch.append(middle - start)
            render.append(end - middle)
        figures[label] = {
            "bytes": len(article.body.encode()),
            "fetch_ms": statistics.median(fetch) * 1000,
            "layout_ms": statistics.median(render) * 1000,
        }
    store.close()
    return figures


# -- the parent -----------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def child(mode: str, root: Path, env: dict[str, str], *extra: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", mode, "--corpus", str(root), *extra]
    started = time.time()
    command += ["--started", repr(started)]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{output.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_of(results: list[dict[str, Any]], key: str) -> float:
    return statistics.median(result[key] for result in results)


def _tantivy_version() -> str:
    try:
        import tantivy
    except ImportError:
        return "-"
    return str(getattr(tantivy, "__version__", "?"))


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "tantivy": _tantivy_version(),
        "load": os.getloadavg()[0],
        "platform": platform.platform(),
    }


def run_all(root: Path, runs: int, skip_cold: bool, cold_only: bool = False) -> dict[str, Any]:
    cache = Path(tempfile.mkdtemp(prefix="reader-bench-cache-"))
    env = {**os.environ, "READER_CACHE_DIR": str(cache), "READER_STATE_DIR": str(cache / "s")}
    files = sum(1 for _ in root.rglob("*") if _.is_file())
    report: dict[str, Any] = {"corpus": str(root), "files": files, "machine": machine()}
    try:
        if not skip_cold:
            colds = []
            for _ in range(runs):
                shutil.rmtree(cache / "index", ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
                colds.append(child("cold", root, env))
            source_mb = folder_mb(root)
            seconds = median_of(colds, "seconds")
            report["cold"] = {
                "index_mb": folder_mb(cache),
                "source_mb": source_mb,
                "mb_per_second": source_mb / seconds,
                "seconds": seconds,
                "cpu_seconds": median_of(colds, "cpu_seconds"),
                "first_batch_seconds": median_of(colds, "first_batch_seconds"),
                "peak_rss_mb": max(result["peak_rss_mb"] for result in colds),
                "runs": colds,
            }
        else:
            child("cold", root, env)  # the warm figures need a built index
        if cold_only:
            report["load_after"] = os.getloadavg()[0]
            return report
        warms = [child("warm", root, env) for _ in range(runs)]
        report["warm_open"] = {
            "interactive_seconds": median_of(warms, "interactive_seconds"),
            "checked_seconds": median_of(warms, "checked_seconds"),
            "peak_rss_mb": max(result["peak_rss_mb"] for result in warms),
            "runs": warms,
        }
        report["search"] = child("search", root, env, "--runs", str(max(3, runs)))
        report["article_open"] = child("open", root, env, "--runs", str(max(3, runs)))
        reader = str(Path(sys.executable).with_name("reader"))
        cli: dict[str, Any] = {}
        for word, limit in [*((word, []) for word in CLI_WORDS), (CLI_WORDS[0], ["--limit", "20"])]:
            command = [reader, "search", word, str(root), "--json", *limit]
            ours = [timed(command, env) for _ in range(runs)]
            grep = [timed(["grep", "-rli", word, str(root)], env) for _ in range(runs)]
            cli[" ".join([word, *limit])] = {
                "reader_seconds": statistics.median(ours),
                "grep_seconds": statistics.median(grep),
            }
        report["cli_vs_grep"] = cli
        report["load_after"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return report


def print_report(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(f"corpus {report['corpus']}: {report['files']:,} files")
    print(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
        f"SQLite {m['sqlite']}, {m.get('tantivy', 'no tantivy')}; "
        f"load {m.get('load', 0):.1f} -> {report.get('load_after', 0):.1f}"
    )
    if "cold" in report:
        cold = report["cold"]
        print(
            f"cold load to fully indexed  {cold['seconds']:.2f} s  "
            f"(list usable after {cold['first_batch_seconds']:.2f} s; peak RSS "
            f"{cold['peak_rss_mb']:.0f} MB; index {cold['index_mb']:.0f} MB)"
        )
        print(
            f"    {cold['source_mb']:.1f} MB of files at {cold['mb_per_second']:.1f} MB/s; "
            f"CPU {cold['cpu_seconds']:.1f} s (this process and its workers)"
        )
    if "warm_open" not in report:
        return
    warm = report["warm_open"]
    print(
        f"warm open to interactive    {warm['interactive_seconds']:.2f} s  "
        f"(folder checked after {warm['checked_seconds']:.2f} s; peak RSS "
        f"{warm['peak_rss_mb']:.0f} MB)"
    )
    search = report["search"]
    print(
        f"search, first run           p50 {search['first_p50_ms']:.1f} ms  "
        f"p95 {search['first_p95_ms']:.1f} ms"
    )
    print(
        f"search, warm                p50 {search['warm_p50_ms']:.1f} ms  "
        f"p95 {search['warm_p95_ms']:.1f} ms"
    )
    print(
        f"search, warm, best {FIRST}       p50 {search['best_p50_ms']:.1f} ms  "
        f"p95 {search['best_p95_ms']:.1f} ms"
    )
    for text, entry in search["queries"].items():
        print(
            f"    {text:32s} {entry['matches']:>8,} matches  first {entry['first_ms']:7.1f} ms"
            f"  warm {entry['median_ms']:7.1f} ms  best {FIRST} {entry['best_ms']:6.1f} ms"
        )
    for label, entry in report["article_open"].items():
        print(
            f"article open {label:4s}           fetch {entry['fetch_ms']:.1f} ms  "
            f"layout {entry['layout_ms']:.1f} ms  ({entry['bytes']:,} bytes)"
        )
    for word, entry in report["cli_vs_grep"].items():
        print(
            f"reader search {word!r:22s} --json {entry['reader_seconds']:.2f} s   "
            f"grep -rli {entry['grep_seconds']:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--skip-cold", action="store_true", help="build the index once, untimed")
    parser.add_argument("--cold-only", action="store_true", help="only the cold load figures")
    parser.add_argument("--measure", choices=["cold", "warm", "search", "open"])
    parser.add_argument("--started", type=float, default=0.0)
    args = parser.parse_args()
    if args.measure:
        measures = {
            "cold": lambda: measure_cold(args.corpus),
            "warm": lambda: measure_warm_open(args.corpus, args.started),
            "search": lambda: measure_search(args.corpus, args.runs),
            "open": lambda: measure_open(args.corpus, args.runs),
        }
        print(json.dumps(measures[args.measure]()))
        return
    report = run_all(args.corpus, args.runs, args.skip_cold, args.cold_only)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
