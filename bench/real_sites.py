"""What reading real sites' markup costs per file: loading, the indexed text, rendering.

    python bench/real_sites.py [--repeat N] [--folder DIR]

For each sample under sample_articles/sites/ (or each file of DIR), the median over N
runs of: loading the file (parse_article: metadata, initiatives, word count, which reads
the body's text), the body's text again as search takes it right after (cached), the same
body's text from cold, and rendering it (render_markdown + layout at 80 columns). The
seed article, whose body has none of this markup, is the reference: its body is its own
text, with no parse. Figures are in microseconds and MB/s of the files' bytes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from reader.loading import parse_article
from reader.loading.article import decode
from reader.loading.body import _cached_body_text, _cached_short_plain, body_text
from reader.loading.discover import is_mdx
from reader.resources import samples_dir
from reader.tui.document import layout
from reader.tui.markdown_render import render_markdown


def median_us(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def measure(path: Path, repeat: int) -> tuple[int, float, float, float, float]:
    data = path.read_bytes()
    decoded = decode(data)
    assert not isinstance(decoded, str)
    text = decoded[0]
    mdx = is_mdx(path)

    def load() -> object:
        _cached_body_text.cache_clear()
        _cached_short_plain.cache_clear()
        return parse_article(text, path=path, article_id=path.name)

    article = parse_article(text, path=path, article_id=path.name)
    body = article.body

    def cold_text() -> object:
        _cached_body_text.cache_clear()
        _cached_short_plain.cache_clear()
        return body_text(body, mdx=mdx)

    def render() -> object:
        blocks, _count = render_markdown(body, article.title, mdx=mdx)
        return layout(blocks, 80)

    loading = median_us(load, repeat)
    parse_article(text, path=path, article_id=path.name)
    cached = median_us(lambda: body_text(body, mdx=mdx), repeat)
    cold = median_us(cold_text, repeat)
    rendering = median_us(render, repeat)
    return len(data), loading, cached, cold, rendering


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.folder:
        files = sorted(p for p in args.folder.rglob("*") if p.suffix in (".md", ".mdx"))
    else:
        files = [samples_dir() / "000_98cd3e962c103980.txt"]
        files += sorted(p for p in (samples_dir() / "sites").rglob("*") if p.is_file())
    print(f"load average {os.getloadavg()[0]:.1f}; median of {args.repeat} runs, µs")
    print(f"{'file':44} {'bytes':>6} {'load':>8} {'text (cached)':>14} {'text (cold)':>12} "
          f"{'render':>8} {'load MB/s':>10}")  # fmt: skip
    total_bytes = total_load = 0.0
    for path in files:
        size, loading, cached, cold, rendering = measure(path, args.repeat)
        total_bytes += size
        total_load += loading
        name = str(path.relative_to(path.parents[1] if args.folder is None else args.folder))
        print(
            f"{name[-44:]:44} {size:>6} {loading:>8.0f} {cached:>14.1f} {cold:>12.0f} "
            f"{rendering:>8.0f} {size / loading:>10.2f}"
        )
    print(f"all: {total_bytes / total_load:.2f} MB/s loading")


if __name__ == "__main__":
    main()
