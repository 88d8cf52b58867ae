"""What long markdown costs the loader (and, with --render, the article panel): CPU and
peak RSS above the baseline, each file loaded in a child forked for it.

    python bench/long_markdown.py [--render] [--shapes] [FILE ...]

FILE: real long pages (Node's CHANGELOG_V20.md, fs.md: /work/proto/corpora/realnode).
--shapes adds 16 MB bodies of the block shapes that cost most a line (footnotes,
definition lists, empty items, headings, lines of nested lists and quotes, reference
definitions, a wide table): the markdown limit (reader.limits.MAX_MARKDOWN_MARKS) is
what bounds them. Run it from a checkout of each version, alternating, for ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from reader.loading import load_article
from reader.model import Article

BODY = 16 * 1024 * 1024 - 1024
TITLED = "---\ntitle: Shape\n---\n\n"
SHAPES = {
    "footnotes": TITLED + "[^a]: b\n",
    "definitions": TITLED + "a\n: b\n\n",
    "empty_items": "-\n",  # no title: the body's first heading is looked for
    "headings": "# h\n",
    "nested_lists": TITLED + "- " * 18 + "a\n",
    "nested_mixed": TITLED + "> - " * 9 + "a\n",
    "references": TITLED + "[a]: b\n",
    "bullets": TITLED + "* item text\n",
}


def shape(name: str) -> str:
    unit = SHAPES[name]
    head = TITLED if unit.startswith(TITLED) else ""
    unit = unit.removeprefix(head)
    return head + unit * (BODY // len(unit))


def wide_table() -> str:
    row = "|" + "a|" * 30_000 + "\n"
    return TITLED + row + "|" + "-|" * 30_000 + "\n" + row * 200


def measure(path: Path, render: bool) -> dict[str, object]:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    item = load_article(path, path.parent)
    out: dict[str, object] = {"file": path.name, "load_s": round(time.process_time() - start, 3)}
    if isinstance(item, Article):
        out["initiatives"] = len(item.initiatives)
        out["plain_text"] = any("longer than the reader formats" in w for w in item.warnings)
    out["load_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024
    if render and isinstance(item, Article):
        from reader.tui.document import layout
        from reader.tui.markdown_render import render_markdown

        start = time.process_time()
        blocks, _count = render_markdown(item.body, item.title)
        out["render_s"] = round(time.process_time() - start, 3)
        start = time.process_time()
        out["screen_lines"] = len(layout(blocks, 100).lines)
        out["layout_s"] = round(time.process_time() - start, 3)
        out["render_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024
    return out


def in_child(path: Path, render: bool) -> str:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.write(write, json.dumps(measure(path, render)).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode() or json.dumps({"file": path.name, "outcome": "died"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--render", action="store_true", help="render and lay out too")
    parser.add_argument("--shapes", action="store_true", help="the costliest block shapes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = list(args.files)
        if args.shapes:
            for name in SHAPES:
                (Path(folder) / f"{name}.md").write_text(shape(name), "utf-8")
            (Path(folder) / "wide_table.md").write_text(wide_table(), "utf-8")
            files += sorted(Path(folder).iterdir())
        print(f"load: {os.getloadavg()[0]:.1f}", file=sys.stderr)
        for path in files:
            print(in_child(path, args.render), flush=True)


if __name__ == "__main__":
    main()
