"""Reading state and live reload at scale: what the marks cost, and how soon a file
created, edited or deleted on disk reaches the reader's list.

    python bench/tui_state.py --corpus DIR [--runs 3]

Works on a hard-linked copy of DIR in a temp folder (files are only ever added or
replaced there, never written through a link), with its own cache, state and config
dirs, so the first part includes indexing the copy. Prints:
- marks: keying every row, counting read/starred again (after a save), an is:unread and
  an is:starred search, with a tenth of the articles read;
- the reader (headless, in process): open, then per change the seconds from the file
  operation to the list showing it, and the longest the UI thread spent on one refresh;
- u and * : seconds the UI thread spends per press (mark, count, redraw).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))


def article(title: str, body: str) -> str:
    return (
        f"```yaml\narea: Kent\npublish:\n  date: 09:00 01/01/2030\ntitle: {title}\n```\n\n{body}\n"
    )


def replace_file(path: Path, text: str) -> None:
    temp = path.with_name("." + path.name + ".tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, path)  # a new inode: the corpus behind the hard link is untouched


def bench_marks(root: Path) -> None:
    from reader.articles import open_store
    from reader.state import ReadingState
    from reader.tui.marks import ReadingMarks

    store = open_store(root)
    started = time.perf_counter()
    store.refresh()
    print(f"index the copy: {time.perf_counter() - started:.1f} s")
    rows = store.rows()
    state = ReadingState()
    for row in rows[::10]:
        state.set_read(row.state_key, True)
    for row in rows[::500]:
        state.set_starred(row.state_key, True)
    started = time.perf_counter()
    state.save()
    print(f"save a state of {len(state.marks):,} marks: {time.perf_counter() - started:.3f} s")
    marks = ReadingMarks(state)
    started = time.perf_counter()
    marks.update_rows(rows)
    print(f"key {len(rows):,} rows: {time.perf_counter() - started:.3f} s (loading worker)")
    # A first load keys each batch in its worker and counts it on the UI thread, with the
    # rows it brings (ReadingMarks.add_keys): a batch is what 0.25 s of loading reads.
    batch = ReadingMarks.keys_of(rows[:2_500])
    started = time.perf_counter()
    ReadingMarks(state).add_keys(batch)
    took = time.perf_counter() - started
    print(f"count a batch of {len(batch):,} rows: {took:.4f} s (UI thread)")
    started = time.perf_counter()
    marks.recount()
    print(f"count again: {time.perf_counter() - started:.3f} s (after each save, in its worker)")
    print(f"  {marks.unread_count:,} unread, {marks.starred_count:,} starred")
    searcher = store.searcher()
    for query in ("is:unread", "is:starred", "burglary is:unread"):
        node = searcher.parse(query)
        started = time.perf_counter()
        found = searcher.search(node, flag_test=marks.flag_test)
        total = found.total
        took = time.perf_counter() - started
        print(f"search {query!r}: {took:.3f} s, {total:,} results (results worker)")
    store.close()


async def bench_app(root: Path, runs: int) -> None:
    from tui.helpers import settle

    from reader.tui.app import ReaderApp
    from reader.tui.messages import FolderRefreshed
    from reader.tui.screens import main as main_module
    from reader.tui.screens.folder_events import FolderEvents

    main_module.READ_DELAY = 3600.0  # nothing read behind the bench's back
    app = ReaderApp(root)
    handled: list[float] = []
    original = FolderEvents._take_refresh

    def timed(self: FolderEvents, message: FolderRefreshed) -> None:
        started = time.perf_counter()
        original(self, message)
        handled.append(time.perf_counter() - started)

    FolderEvents._take_refresh = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        print(f"reader open and settled: {time.perf_counter() - started:.1f} s")

        async def until(test: Callable[[], bool]) -> float:
            begin = time.perf_counter()
            while not test():
                await pilot.pause(0.01)
                if time.perf_counter() - begin > 120:
                    raise TimeoutError("the change never reached the list")
            return time.perf_counter() - begin

        def listed(article_id: str) -> bool:
            return any(row.id == article_id for row in app.main.article_list.rows[:50])

        created: list[float] = []
        edited: list[float] = []
        deleted: list[float] = []
        for run in range(runs):
            name = f"zz-bench-live-{run}.md"
            path = root / name
            replace_file(path, article(f"Live {run}", "Created."))
            created.append(await until(lambda name=name: listed(name)))
            replace_file(path, article(f"Live {run} edited", "Edited."))
            edited.append(
                await until(
                    lambda name=name: any(
                        row.id == name and row.title.endswith("edited")
                        for row in app.main.article_list.rows[:50]
                    )
                )
            )
            path.unlink()
            deleted.append(await until(lambda name=name: not listed(name)))
            await settle(pilot)
        for what, times in (("created", created), ("edited", edited), ("deleted", deleted)):
            print(
                f"file {what} -> in the list: median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s"
            )
        print(f"UI thread per refresh (rows, list, notice): max {max(handled) * 1000:.0f} ms")
        await press_times(pilot, app)
    app.close_store()


async def press_times(pilot: object, app: object) -> None:
    from reader.tui.app import ReaderApp

    assert isinstance(app, ReaderApp)
    times: list[float] = []
    for _ in range(20):
        for action in (app.main.action_toggle_read, app.main.action_toggle_star):
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
    print(
        f"u / * on the UI thread: median {statistics.median(times) * 1000:.2f} ms, "
        f"max {max(times) * 1000:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reader-bench-state-") as temp:
        base = Path(temp)
        for name in ("CACHE", "STATE", "CONFIG"):
            os.environ[f"READER_{name}_DIR"] = str(base / name.lower())
        root = base / "corpus"
        started = time.perf_counter()
        subprocess.run(["cp", "-al", str(args.corpus), str(root)], check=True)
        count = sum(1 for _ in root.rglob("*.*"))
        print(f"hard-linked copy of {count:,} files: {time.perf_counter() - started:.1f} s")
        bench_marks(root)
        asyncio.run(bench_app(root, args.runs))
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
