"""Live reload without file events: what polling costs, and how soon it names a change.

    python bench/watch_poll.py --corpus DIR [--seconds 20]

Where the system gives no file events the reader polls. It used to refresh the whole
folder every 2 s (stat every file, compare with the index: it could not tell what
changed); it now lets watchfiles poll (a Rust thread that stats every file every 2 s and
names what changed), and refreshes only those files. Prints, on DIR (left untouched: the
change is made in a hard-linked copy):
- one whole-folder refresh (the old poll's work) and its share of a core every 2 s;
- the CPU the polling watcher takes over --seconds of nothing changing, as a share of a
  core (the process's CPU time: nothing else runs);
- the seconds from a file created to the watcher naming it (at most POLL_SECONDS plus the
  debounce, by construction).
Name the machine's load (`uptime`) beside the figures: they are CPU shares on a shared box.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def hard_linked_copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=os.link)


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    from reader.articles import open_store
    from reader.watch import POLL_SECONDS, watch_folder

    with tempfile.TemporaryDirectory() as temp:
        os.environ["READER_CACHE_DIR"] = str(Path(temp) / "cache")
        root = Path(temp) / "corpus"
        hard_linked_copy(args.corpus, root)
        files = sum(1 for _ in root.rglob("*.txt")) + sum(1 for _ in root.rglob("*.md"))
        print(f"{files:,} files; load: {os.getloadavg()[0]:.2f}")

        store = open_store(root)
        store.refresh()  # index it once
        durations = []
        for _ in range(3):
            started = time.perf_counter()
            store.refresh()
            durations.append(time.perf_counter() - started)
        store.close()
        whole = sorted(durations)[1]
        print(
            f"whole-folder refresh (the old poll): {whole:.2f} s, "
            f"{whole / POLL_SECONDS:.0%} of a core at one every {POLL_SECONDS:g} s"
        )

        found: queue.Queue[frozenset[str]] = queue.Queue()
        stop = threading.Event()

        def run() -> None:
            for paths in watch_folder(root, stop, force_polling=True):
                found.put(paths)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        time.sleep(POLL_SECONDS * 2)  # the first scan, which builds what later ones compare
        before, started = cpu_seconds(), time.perf_counter()
        time.sleep(args.seconds)
        used, elapsed = cpu_seconds() - before, time.perf_counter() - started
        print(f"watchfiles polling, nothing changing: {used / elapsed:.0%} of a core")

        while not found.empty():
            found.get()
        created = root / "zz-new-article.md"
        started = time.perf_counter()
        created.write_text("# New\n", "utf-8")
        while str(created) not in found.get(timeout=60):
            pass
        print(f"a new file named after {time.perf_counter() - started:.2f} s")
        stop.set()
        thread.join(10)


if __name__ == "__main__":
    main()
