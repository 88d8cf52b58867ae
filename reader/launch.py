"""The `reader` command: reader.cli's main, with the walk `reader search` makes of a big
indexed folder begun first, in helper processes, while the rest of the reader is imported
(reader.loading.folder_scan.early_walk)."""

from __future__ import annotations

import sys

from reader.loading.folder_scan import early_walk


def main() -> int:
    with early_walk(sys.argv[1:]):
        from reader.cli import main as run

        return run()
