"""The writing side of a cold load alone, at any size: what the sync's own process does.

    python bench/index_writes.py --corpus DIR [--articles 100000]

Reads and prepares 512 articles of the folder once (as the sync's workers do), then
writes --articles of them as a cold sync writes its batches (SQLite rows, near-duplicate
signatures and bands, tantivy documents, a full-text commit about once a second) into a
new index in a temporary folder, each copy under a new id and with a random signature
(so bands spread as real ones do). Prints the elapsed time and the CPU time of the
process (SQLite and tantivy's threads): at 100,000 articles the writing process is as
busy as a worker. It uses only what the sync has had since signatures came in, so
`PYTHONPATH=OLD_CHECKOUT python bench/index_writes.py ...` measures an older commit.
"""

from __future__ import annotations

import argparse
import importlib
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()

    from reader.index.db import connect, open_index, text_writer
    from reader.loading.discover import find_files

    sync = importlib.import_module("reader.index.sync")  # (reader.index.sync: a function)
    try:
        from reader.index.duplicates import PendingBands, write_pending
    except ImportError:  # before bands were kept pending: each batch writes its own
        PendingBands = write_pending = None  # type: ignore[assignment,misc]

    files = [(found.path, found.id, False) for found in find_files(args.corpus, [], [])]
    loaded = sync.load_files(files[:512], str(args.corpus))
    folder = Path(tempfile.mkdtemp(prefix="reader-bench-writes-"))
    try:
        opened = open_index(args.corpus, folder / "index.sqlite3")
        # (the sync's own connection where it has one: see reader.index.sync)
        connection = getattr(sync, "writing_connection", connect)(opened.database)
        writer = text_writer(opened.text)
        pending: Any = PendingBands() if PendingBands is not None else None
        extra = (None, pending) if pending is not None else ()
        pick = random.Random(5)
        start, last_commit = time.perf_counter(), time.monotonic()
        written = copy = 0
        while written < args.articles:
            batch = []
            for file_id, path, known, prepared in loaded[:512]:
                new_id = f"{file_id}#{copy}"
                texts = prepared.texts._replace(signature=pick.randbytes(256))
                row = (new_id, *prepared.summary_row[1:])
                batch.append(
                    (
                        new_id,
                        path,
                        known,
                        prepared._replace(id=new_id, summary_row=row, texts=texts),
                    )
                )
            copy += 1
            sync._store(connection, writer, batch, *extra)
            written += len(batch)
            if time.monotonic() - last_commit >= sync.COMMIT_SECONDS:
                sync._commit(connection, writer)
                last_commit = time.monotonic()
        if pending is not None and pending.rows:
            with sync.write_transaction(connection):
                write_pending(connection, pending)
        sync._commit(connection, writer)
        writer.close()
        elapsed = time.perf_counter() - start
        used = resource.getrusage(resource.RUSAGE_SELF)
        connection.close()
        opened.connection.close()  # the last one: the write-ahead log goes into the file
        size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6
        print(
            f"{written:,} articles written in {elapsed:.1f} s, "
            f"CPU {used.ru_utime + used.ru_stime:.1f} s (reading the 512 included), "
            f"index {size:.0f} MB"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
