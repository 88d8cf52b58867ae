"""Related articles and near-duplicates on a generated corpus: what they cost.

    python bench/generate.py --count 100000 --out /tmp/corpus-100k
    python bench/related_duplicates.py --corpus /tmp/corpus-100k [--copies 200] [--runs 50]

Plants `--copies` near-duplicates (a copy of a random article with a few words changed,
in a folder of its own, dated a day later), then indexes the corpus cold in this process
(workers=1, so every cost is counted in one place) and prints:
- the cold index time, and the share of it spent on duplicate detection: MinHash
  signatures (reader.index.duplicates.signature) and storing them with their bands;
- the first `is:duplicate` search after the index was written (it works out the groups),
  and how many of the planted copies it lists (and anything else it lists);
- `related` for `--runs` random articles: median and 95th percentile.
Machine load (uptime) is printed too: these machines are shared.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from reader.index import ArticleIndex
from reader.index import duplicates as duplicates_module


def plant_copies(corpus: Path, count: int, seed: int) -> set[str]:
    """Copies of `count` random articles with 3 words changed each; their ids."""
    folder = corpus / "planted-copies"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    originals = sorted(path for path in corpus.rglob("*.txt") if folder not in path.parents)
    rng = random.Random(seed)
    ids = set()
    for number, original in enumerate(rng.sample(originals, count)):
        text = original.read_text("utf-8")
        header, _, body = text.partition("```\n\n")
        words = body.split(" ")
        for place in rng.sample(range(len(words)), min(3, len(words))):
            words[place] = "changed"
        name = f"copy-{number:05d}.txt"
        (folder / name).write_text(header + "```\n\n" + " ".join(words), "utf-8")
        ids.add(f"planted-copies/{name}")
    return ids


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, function):  # type: ignore[no-untyped-def]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    planted = plant_copies(args.corpus, args.copies, args.seed)
    print(f"load before: {os.getloadavg()[0]:.1f}")
    signing, storing = Timer(), Timer()
    duplicates_module.signature = signing.wrap(duplicates_module.signature)  # type: ignore[method-assign]
    duplicates_module.store = storing.wrap(duplicates_module.store)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="bench-dup-") as cache:
        os.environ["READER_CACHE_DIR"] = cache
        start = time.perf_counter()
        index = ArticleIndex.open(args.corpus)
        report = index.sync(workers=1)
        cold = time.perf_counter() - start
        articles = len(index.summaries())
        detection = signing.seconds + storing.seconds
        files, problems = report.total_files, len(report.problems)
        print(f"articles: {articles:,} ({files:,} files, {problems} problems)")
        print(f"cold index (workers=1): {cold:.1f} s")
        print(
            f"  duplicate detection: {detection:.1f} s = {detection / cold:.1%} "
            f"(signatures {signing.seconds:.1f} s for {signing.calls:,} bodies, "
            f"{signing.seconds / max(signing.calls, 1) * 1e6:.0f} us each; "
            f"storing with bands {storing.seconds:.1f} s)"
        )
        engine = index.engine()
        start = time.perf_counter()
        copies = set(engine.search("is:duplicate").ids())
        groups = time.perf_counter() - start
        print(f"first is:duplicate (works out the groups): {groups * 1000:.0f} ms")
        found = len(copies & planted)
        print(
            f"  planted copies listed: {found} of {len(planted)}; "
            f"other articles listed: {len(copies - planted)}"
        )
        start = time.perf_counter()
        engine.search("is:duplicate")
        print(f"  again, groups cached: {(time.perf_counter() - start) * 1000:.1f} ms")
        rng = random.Random(args.seed)
        ids = rng.sample([row.id for row in index.summaries()], args.runs)
        times = []
        for article_id in ids:
            article = index.article(article_id)
            assert article is not None
            start = time.perf_counter()
            engine.related(article)
            times.append(time.perf_counter() - start)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"related ({args.runs} articles): median {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms"
        )
        index.close()
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
