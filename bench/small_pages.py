"""What loading one small page costs, in CPU time, against an older checkout in the same run.

    python bench/small_pages.py --folder DIR [--before OLD_CHECKOUT] [--rounds 5]

Each round runs, in fresh processes one after the other (this checkout, then the older
one with PYTHONPATH pointing at it), a pass over every article file under DIR: each
loaded as the index's sync loads it (reader.loading.load_article, with its id), and its
metadata block read alone (split_metadata and read_block on the decoded text). A
process makes one pass to warm up, then five, and gives the least CPU time
(time.process_time) per page: on a machine shared with other work, the pass least
disturbed. Printed: each round's figures, the medians of all rounds with MB/s of the
files' bytes, and the median of the rounds' ratios (this checkout's time over the
older one's). Only what every version of the loader has is
used, so the older checkout runs the same code. Make a folder of small site pages with
`python bench/generate_markdown.py --sites --out DIR`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PASSES = 5


def measure(folder: Path) -> dict[str, float]:
    """In this process: CPU µs per page of loading, and of the metadata block alone."""
    from reader.loading import body, find_files, load_article
    from reader.loading.article import decode
    from reader.loading.body import _cached_body_text
    from reader.loading.metadata import read_block
    from reader.loading.split import split_metadata

    files = [(Path(found.path), found.id) for found in find_files(folder)]
    size = sum(path.stat().st_size for path, _id in files)
    texts = []
    for path, _id in files:
        decoded = decode(path.read_bytes())
        assert not isinstance(decoded, str)
        texts.append(decoded[0])

    def load_all() -> None:
        _cached_body_text.cache_clear()  # (each file is read once in a sync)
        if hasattr(body, "_cached_short_plain"):  # (not in older checkouts)
            body._cached_short_plain.cache_clear()
        for path, file_id in files:
            load_article(path, folder, file_id)

    def blocks_all() -> None:
        for text in texts:
            split = split_metadata(text)
            if split.block is not None:
                read_block(split.block, split.format, split.block_line)

    figures: dict[str, float] = {"files": len(files), "bytes": size}
    for name, action in (("load", load_all), ("metadata", blocks_all)):
        action()
        times = []
        for _ in range(PASSES):
            started = time.process_time()
            action()
            times.append(time.process_time() - started)
        figures[name] = min(times) / len(files) * 1e6
    return figures


def run(checkout: Path, folder: Path) -> dict[str, float]:
    environment = dict(os.environ, PYTHONPATH=str(checkout))
    output = subprocess.run(
        [sys.executable, __file__, "--folder", str(folder), "--child"],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        cwd=checkout,
    ).stdout
    return json.loads(output)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--before", type=Path, help="an older checkout to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.folder)))
        return
    here = Path(__file__).resolve().parents[1]
    checkouts = {"this": here} | ({"before": args.before.resolve()} if args.before else {})
    results: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    print(f"load average {os.getloadavg()[0]:.1f}; CPU µs a page, least of {PASSES} passes")
    for number in range(args.rounds):
        line = []
        for name, checkout in checkouts.items():
            figures = run(checkout, args.folder)
            results[name].append(figures)
            line.append(f"{name}: load {figures['load']:.0f}, metadata {figures['metadata']:.0f}")
        print(f"round {number + 1}: " + "; ".join(line), flush=True)
    for name, rounds in results.items():
        load = statistics.median(figures["load"] for figures in rounds)
        block = statistics.median(figures["metadata"] for figures in rounds)
        first = rounds[0]
        rate = first["bytes"] / first["files"] / load
        print(
            f"{name}: {first['files']:.0f} files, load {load:.0f} µs a page ({rate:.2f} MB/s), "
            f"metadata block {block:.0f} µs"
        )
    if args.before:
        for key in ("load", "metadata"):
            ratios = [
                this[key] / before[key]
                for this, before in zip(results["this"], results["before"], strict=True)
            ]
            print(f"{key}: this / before, median of the rounds: {statistics.median(ratios):.2f}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
