"""What saving the reading state costs as it grows: the ways of keeping marks, measured.

    python bench/state_save.py [--sizes 1000,10000,100000] [--saves 20]

For a state of N marks, each way is timed for: loading it, saving one changed mark (the
median and the worst of --saves saves, each one a new mark, as a reader saves while you
mark), saving 50 at once, and its size on disk. The ways:
- rewrite: the whole state.json read, merged and written again on every save (the reader
  before the journal);
- journal: reader.state as it is: changed marks appended to state.json.journal, folded
  into state.json now and then (`compact` is that fold);
- sqlite: one row per mark in an SQLite database (WAL, synchronous=FULL), upserted in one
  transaction per save, changes since the last save read back by a sequence number.
Every save is durable (fsync) and runs under the lock another reader would take.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.atomic import atomic_write, locked
from reader.state import Mark, ReadingState, _deserialise, _serialise


def key(number: int) -> str:
    # As long as a real article URL.
    return f"url:https://www.example-police.uk/news/area-{number % 40}/2019/article-{number}"


class Rewrite:
    """The whole file on every save (as reader.state did before the journal)."""

    def __init__(self, path: Path) -> None:
        self.path = path / "state.json"
        self.marks: dict[str, Mark] = {}
        self.dirty: set[str] = set()

    def load(self) -> None:
        with locked(self.path):
            self.marks = self._read()

    def _read(self) -> dict[str, Mark]:
        try:
            return _deserialise(json.loads(self.path.read_text("utf-8")))[0]
        except FileNotFoundError:
            return {}

    def set_read(self, name: str) -> None:
        self.marks[name] = Mark(True, time.time())
        self.dirty.add(name)

    def save(self) -> None:
        with locked(self.path):
            marks = self._read()
            for name in self.dirty:
                mine = self.marks[name]
                marks[name] = mine.merged(marks[name]) if name in marks else mine
            atomic_write(self.path, _serialise(marks, {}))
        self.dirty.clear()
        self.marks = marks

    def size(self) -> int:
        return self.path.stat().st_size


class Journal:
    """reader.state.ReadingState as it is."""

    def __init__(self, path: Path) -> None:
        self.state = ReadingState(path / "state.json")

    def load(self) -> None:
        self.state.load()

    def set_read(self, name: str) -> None:
        self.state.set_read(name, True)

    def save(self) -> None:
        self.state.save()

    def compact(self) -> None:
        self.state.compact()

    def size(self) -> int:
        folder = self.state.path.parent
        return sum(path.stat().st_size for path in folder.glob("state.json*"))


class Sqlite:
    """One row per mark; a save is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path / "state.db"
        self.marks: dict[str, Mark] = {}
        self.dirty: set[str] = set()
        self.seen = 0
        self.connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self.connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, read INT, read_at REAL,"
                " starred INT, starred_at REAL, seq INT)"
            )
            connection.execute("CREATE INDEX IF NOT EXISTS marks_seq ON marks(seq)")
            self.connection = connection
        return self.connection

    def load(self) -> None:
        connection = self._connect()
        self.marks = {}
        self._take(connection.execute("SELECT * FROM marks"))

    def _take(self, rows: sqlite3.Cursor) -> None:
        for name, read, read_at, starred, starred_at, seq in rows:
            self.marks[name] = Mark(bool(read), read_at, bool(starred), starred_at)
            self.seen = max(self.seen, seq)

    def set_read(self, name: str) -> None:
        self.marks[name] = Mark(True, time.time())
        self.dirty.add(name)

    def save(self) -> None:
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            # What other readers saved since: merged in, as the JSON file's readers do.
            self._take(connection.execute("SELECT * FROM marks WHERE seq > ?", (self.seen,)))
            (top,) = connection.execute("SELECT coalesce(max(seq), 0) FROM marks").fetchone()
            for number, name in enumerate(sorted(self.dirty), start=top + 1):
                mark = self.marks[name]
                connection.execute(
                    "INSERT INTO marks VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                    " read = CASE WHEN excluded.read_at >= read_at"
                    " THEN excluded.read ELSE read END,"
                    " read_at = max(read_at, excluded.read_at),"
                    " starred = CASE WHEN excluded.starred_at >= starred_at"
                    " THEN excluded.starred ELSE starred END,"
                    " starred_at = max(starred_at, excluded.starred_at), seq = excluded.seq",
                    (name, mark.read, mark.read_at, mark.starred, mark.starred_at, number),
                )
                self.seen = number
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        self.dirty.clear()

    def size(self) -> int:
        return sum(path.stat().st_size for path in self.path.parent.glob("state.db*"))


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench(kind: type[Rewrite | Journal | Sqlite], count: int, saves: int) -> None:
    with tempfile.TemporaryDirectory(prefix="reader-bench-state-") as temp:
        way = kind(Path(temp))
        way.load()
        for number in range(count):
            way.set_read(key(number))
        first = timed(way.save)
        if isinstance(way, Journal):
            first += timed(way.compact)  # a state that has grown this big is compacted
        fresh = kind(Path(temp))
        load = timed(fresh.load)
        one: list[float] = []
        for number in range(saves):
            fresh.set_read(key(count + number))
            one.append(timed(fresh.save))
        for number in range(50):
            fresh.set_read(key(count + saves + number))
        fifty = timed(fresh.save)
        line = (
            f"{kind.__name__.lower():8} {count:>7,} marks: load {load * 1000:7.1f} ms, "
            f"save 1 mark p50 {statistics.median(one) * 1000:6.1f} / max {max(one) * 1000:6.1f} ms,"
            f" save 50 {fifty * 1000:6.1f} ms, {fresh.size() / 1e6:5.1f} MB"
        )
        if isinstance(fresh, Journal):
            line += f", compact {timed(fresh.compact) * 1000:6.1f} ms"
        print(line + f" (writing the {count:,} first: {first:.2f} s)", flush=True)
        if isinstance(fresh, Journal):
            saves_while_compacting(Path(temp), count)


def saves_while_compacting(folder: Path, count: int) -> None:
    """Another reader (here a thread) saving while one compacts: does it wait?"""
    compacting, saving = Journal(folder), Journal(folder)
    compacting.load()
    saving.load()
    thread = threading.Thread(target=compacting.compact)
    thread.start()
    waits: list[float] = []
    number = 0
    while thread.is_alive():
        number += 1
        saving.set_read(f"while compacting {number}")
        waits.append(timed(saving.save))
    thread.join()
    print(
        f"{'':8} {count:>7,} marks: {len(waits)} saves while another reader compacted, "
        f"p50 {statistics.median(waits) * 1000:.1f} / max {max(waits) * 1000:.1f} ms (the "
        "slowest reads the compacted state whole, after its own lines are on disk)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    for count in (int(size) for size in args.sizes.split(",")):
        for kind in (Rewrite, Journal, Sqlite):
            bench(kind, count, args.saves)


if __name__ == "__main__":
    main()
