"""The `reader` command: reader.cli's main, with the walk `reader search` makes of a big
indexed folder begun first, in helper processes, while the rest of the reader is imported
(reader.loading.walk.start_early_walk: this module and that one import next to nothing)."""

from __future__ import annotations

import gc
import sys

from reader.loading.walk import start_early_walk, stop_early_walk


def main() -> int:
    # The reader's modules live as long as the command: collecting while importing them
    # frees next to nothing (37 passes, 5-7 ms of CPU, for some 460 objects, kept now),
    # and once frozen no later pass looks at them.
    gc.disable()
    start_early_walk(sys.argv[1:])
    try:
        from reader.cli import main as run

        gc.freeze()
        gc.enable()
        return run()
    finally:
        stop_early_walk()
        # The process ends next: the collection Python makes as it ends would look at
        # every object the reader made (20-30 ms for `reader search`, all of it garbage
        # the exit frees anyway). Files and connections are closed by their owners, and
        # what is freed as the modules are cleared is freed as before.
        gc.freeze()
