"""Time and memory of the reader on the hostile corpus (tests/hostile/corpus.py).

    python bench/hostile.py [--small] [--keep DIR]

Builds the corpus (with the heavy files unless --small) in a temporary folder, then
prints, for `reader check --json` through a fresh index, the same index again, and
--no-cache: wall time and the peak resident memory of the biggest process (the command
or one of its worker processes). Then the time to render and lay out the biggest
articles, as the article panel does. Figures, not assertions: the tests only guard
against hangs and blow-ups.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hostile.corpus import build_corpus, restore_modes  # noqa: E402

from reader.loading import load_article  # noqa: E402
from reader.model import Article  # noqa: E402
from reader.tui.document import layout  # noqa: E402
from reader.tui.markdown_render import render_markdown  # noqa: E402

_MEASURE = """
import resource, sys
from reader.cli import main
status = main(sys.argv[1:])
who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
sys.stderr.write(f"\\npeak-rss-kb {max(resource.getrusage(w).ru_maxrss for w in who)}\\n")
sys.exit(status)
"""


def check(root: Path, cache: Path, *flags: str) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, "check", "--json", *flags, str(root)],
        capture_output=True,
        env={**os.environ, "READER_CACHE_DIR": str(cache)},
        check=False,
    )
    elapsed = time.perf_counter() - start
    peak_kb = int(result.stderr.decode().strip().splitlines()[-1].split()[-1])
    return elapsed, peak_kb // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="leave out the heavy files")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reader-hostile-") as temporary:
        root = (args.keep or Path(temporary)) / "hostile"
        start = time.perf_counter()
        corpus = build_corpus(root, big=not args.small)
        size = sum(
            os.lstat(os.path.join(folder, name)).st_size
            for folder, _, files in os.walk(root)
            for name in files
        )
        print(
            f"corpus: {len(corpus.entries):,} files, {size / 1e6:.0f} MB, "
            f"built in {time.perf_counter() - start:.1f} s"
        )
        cache = Path(temporary) / "cache"
        for label, flags in (
            ("index, cold", ()),
            ("index, warm", ()),
            ("--no-cache", ("--no-cache",)),
        ):
            elapsed, peak_mb = check(root, cache, *flags)
            print(f"reader check --json ({label}): {elapsed:.1f} s, peak RSS {peak_mb} MB")
        names = ["body/many_items.md", "body/many_lines.md", "body/long_word.md"]
        if not args.small:
            names += ["big/body_15mb_line.md", "big/body_15mb_items.md", "big/body_15mb_lines.md"]
        for name in names:
            item = load_article(root / name, root)
            assert isinstance(item, Article), item
            start = time.perf_counter()
            blocks, _ = render_markdown(item.body, item.title)
            lines = layout(blocks, 80).lines
            print(
                f"render + layout {name} ({len(item.body) / 1e6:.1f} MB): "
                f"{time.perf_counter() - start:.2f} s, {len(lines):,} lines"
            )
        restore_modes(root)


if __name__ == "__main__":
    main()
