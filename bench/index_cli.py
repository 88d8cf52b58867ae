"""`reader search WORD PATH --json` on the index, as a whole process, beside grep.

    python bench/index_cli.py --corpus /tmp/c100k [--cache DIR] [--runs 3] WORD [WORD...]

For each word: the wall time of a fresh Python process that opens the index, syncs it
(stat only, when warm), searches, reads the full articles of every result in bulk, makes
their snippets and prints the JSON array `reader search --json` prints; and the wall time
of `grep -rli WORD PATH`. Medians of --runs runs. The cache must already hold the folder
(run bench/index_search.py first) for the warm figure.

`python bench/index_cli.py --search ROOT WORD` is the process being timed.
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


def search(root: Path, word: str) -> None:
    """What `reader search WORD ROOT --json` does on the index."""
    from reader.index import ArticleIndex
    from reader.model import article_to_dict
    from reader.search import snippets

    index = ArticleIndex.open(root)
    index.sync()
    engine = index.engine()
    node = engine.parse(word, flags=())
    results = engine.search(node)
    articles = index.articles(results.ids())
    output = [
        {**article_to_dict(article), "score": score, "snippets": snippets(article, node)}
        for article, (_summary, score) in zip(articles, results, strict=True)
    ]
    json.dump(output, sys.stdout, ensure_ascii=False)
    index.close()


def wall(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    return time.perf_counter() - start, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--search", type=Path, metavar="ROOT", help=argparse.SUPPRESS)
    parser.add_argument("words", nargs="+")
    args = parser.parse_args()
    if args.search is not None:
        search(args.search, args.words[0])
        return
    env = dict(os.environ)
    if args.cache is not None:
        env["READER_CACHE_DIR"] = str(args.cache)
    for word in args.words:
        ours = [
            wall([sys.executable, __file__, "--search", str(args.corpus), word], env)
            for _ in range(args.runs)
        ]
        grep = [wall(["grep", "-rli", word, str(args.corpus)], env) for _ in range(args.runs)]
        print(
            f"{word}: reader search --json {statistics.median(t for t, _ in ours):.2f} s "
            f"({ours[0][1]:,} bytes), grep -rli {statistics.median(t for t, _ in grep):.2f} s "
            f"({grep[0][1]:,} bytes)"
        )


if __name__ == "__main__":
    main()
