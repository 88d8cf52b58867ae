"""What a worker process holds when its first task comes: run in workers by
tests/index/test_walk_into_reading.py. Imports nothing of the reader's itself."""

from __future__ import annotations

import os
import sys

READING_MODULES = ("reader.loading.article", "reader.markdown", "markdown_it")


def worker_start() -> tuple[int, list[str]]:
    """The worker's parent, and which of READING_MODULES it has imported."""
    return os.getppid(), [name for name in READING_MODULES if name in sys.modules]


def busy(seconds: float) -> float:
    """Spend `seconds` of CPU; the CPU this process has spent in all."""
    import time

    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return time.process_time()
