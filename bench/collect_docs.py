"""A folder of real markdown from documentation installed on this machine, to measure on.

    python bench/collect_docs.py --out DIR [SOURCE...]

Copies every `.md`, `.mdx` and `.markdown` file under each SOURCE folder into DIR (each
SOURCE's files under a folder named after it), keeping their paths. With no SOURCE, the
documentation Debian's nodejs and npm packages install, where present: Node.js's API
pages, changelogs and contributors' guides (/usr/share/doc/nodejs), npm's docs and
undici's (/usr/lib/node_modules/npm): real docs pages, with what generated ones lack
(HTML comments before each section, `{Object}` types, REPL sessions in fenced code,
no-break spaces, link definitions, contributors' names in many scripts). Prints the
count of files and their size.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

INSTALLED_DOCS = [
    Path("/usr/share/doc/nodejs"),
    Path("/usr/lib/node_modules/npm/docs/content"),
    Path("/usr/lib/node_modules/npm/node_modules/undici/docs"),
]
SUFFIXES = {".md", ".mdx", ".markdown"}


def collect(out: Path, sources: list[Path]) -> list[Path]:
    """Copy the markdown files of `sources` into `out`; the copies."""
    copied = []
    for source in sources:
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.suffix.lower() not in SUFFIXES or not path.is_file():
                continue
            target = out / source.name / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied.append(target)
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("sources", type=Path, nargs="*")
    args = parser.parse_args()
    copied = collect(args.out, args.sources or INSTALLED_DOCS)
    size = sum(path.stat().st_size for path in copied)
    print(f"{len(copied):,} files, {size / 1e6:.1f} MB in {args.out}")
    if not copied:
        raise SystemExit("no markdown found: name the folders of documentation to copy")


if __name__ == "__main__":
    main()
