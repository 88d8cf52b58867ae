"""A whole sync walks the folder as it reads it (reader.index.sync.walk_folder): the
first folders' files are read while the walk goes on. The index it makes must be the one
a walk made first gives (rows, texts, problems, in the same order), whether read here or
by worker processes; files added or deleted during the walk are found or forgotten; and
the progress says the total only once the walk knows it."""

from __future__ import annotations

import contextlib
import importlib
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reader.index import ArticleIndex
from reader.loading.discover import find_files
from reader.loading.folder_scan import scan
from tests.index import worker_probe
from tests.index.conftest import write

sync_module = importlib.import_module("reader.index.sync")


def small_batches(monkeypatch: pytest.MonkeyPatch, pool_from: int = 8) -> None:
    """A pool from `pool_from` files to read, and tasks of 4, 8, then 8 files: the walk
    of a few dozen files runs into the reading as 100,000 would. (What is read here is
    not cut by time: the batches are the tasks.)"""
    monkeypatch.setattr(sync_module, "POOL_THRESHOLD", pool_from)
    monkeypatch.setattr(sync_module, "FIRST_CHUNK_SIZE", 4)
    monkeypatch.setattr(sync_module, "CHUNK_SIZE", 8)
    monkeypatch.setattr(sync_module, "HERE_BATCH_SECONDS", 60.0)


def generated_folder(root: Path, seed: int) -> Path:
    """Nested folders of articles, with a problem (a NUL byte), hidden files and
    folders, names escaped in ids, a link to a file, a link to a folder, a dangling
    link, a link loop and files that are no articles."""
    rng = random.Random(seed)
    words = ["kent", "drones", "night", "patrols", "essex", "burglary", "café", "dogs"]
    folders = ["", "a", "a/b", "a/b/c", "m", "z", "z/deep/er"]
    for number in range(rng.randrange(30, 45)):
        folder = rng.choice(folders)
        name = f"{folder}/{number:02d}.md".lstrip("/")
        body = " ".join(rng.choice(words) for _ in range(rng.randrange(3, 40)))
        write(root, name, f"Title {number}", body=body, area=rng.choice(["Kent", "Essex"]))
    (root / "a" / "bad.md").write_bytes(b"text\x00with a NUL")
    (root / "z" / "tab\tname.txt").write_text("Tabbed\n\nKent roads.\n")
    (root / "m" / os.fsdecode(b"odd\xff.md")).write_bytes(b"# Odd\n\nName.\n")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("# Secret\n")
    (root / "a" / ".draft.md").write_text("# Draft\n")
    (root / "notes.rst").write_text("Not an article\n")
    (root / "link.md").symlink_to(root / "a" / "b" / sorted(os.listdir(root / "a" / "b"))[0])
    (root / "dangling.md").symlink_to(root / "nowhere.md")
    (root / "loop.md").symlink_to(root / "loop.md")
    (root / "linked").symlink_to(root / "m")
    return root


def dump(index: ArticleIndex) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the index's tables, rowids included."""
    assert index.path is not None
    with sqlite3.connect(index.path) as connection:
        return {
            table: connection.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
            for table in ("articles", "article_text", "problems", "field_keys", "minhash")
        }


class WalkedFirst:
    """A walk of the whole folder made before the sync (as a PendingScan's): the sync
    reads only once it has every file."""

    index_generation = None
    database = None  # compared with no index: the sync compares it

    def __init__(self, root: Path) -> None:
        self._walk = scan(root)

    def result(self) -> Any:
        return self._walk


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("workers", [1, 2])
def test_a_cold_load_read_as_walked_gives_the_index_a_walk_first_gives(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, workers: int
) -> None:
    generated_folder(root, seed)
    small_batches(monkeypatch)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "walked-first"))
    first = ArticleIndex.open(root)
    expected = first.sync(workers=workers, scan=WalkedFirst(root))  # type: ignore[arg-type]
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "as-walked"))
    index = ArticleIndex.open(root)
    report = index.sync(workers=workers)
    assert dump(index) == dump(first)
    assert report.added == expected.added == [found.id for found in find_files(root)]
    assert report.problems == expected.problems and report.problems
    assert report.total_files == expected.total_files == len(expected.added)
    assert "dangling.md" in {problem.path.name for problem in report.problems}
    first.close()
    index.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_rows_come_in_the_walks_order_and_the_total_once_it_is_known(
    root: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    for number in range(60):
        write(root, f"{number % 6}/{number:02d}.md", f"Title {number}")
    small_batches(monkeypatch)
    batches: list[tuple[list[str], int, int | None]] = []
    index = ArticleIndex.open(root)
    report = index.sync(
        workers=workers,
        on_batch=lambda rows, done, total: batches.append(([r.id for r in rows], done, total)),
    )
    walked = [found.id for found in find_files(root)]
    assert report.added == walked
    assert [file_id for rows, _done, _total in batches for file_id in rows] == walked
    assert [len(rows) for rows, _done, _total in batches][:3] == [4, 8, 8]
    dones = [done for _rows, done, _total in batches]
    assert dones == sorted(dones) and dones[-1] == 60
    totals = [total for _rows, _done, total in batches]
    # The first batch comes while the folder is still being walked: no total yet; the
    # rest of the walk is made then, and every later batch has the total.
    assert totals == [None] + [60] * (len(totals) - 1)
    index.close()


def test_the_last_tasks_are_a_share_of_what_is_left(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers end together: no task after the first is more than half of the files
    left to read (a worker given the last 512 of 1,100 read alone for a second)."""
    for number in range(60):
        write(root, f"{number % 6}/{number:02d}.md", f"Title {number}")
    small_batches(monkeypatch)
    monkeypatch.setattr(sync_module, "LAST_CHUNK_SIZE", 2)
    sizes: list[int] = []
    index = ArticleIndex.open(root)
    index.sync(workers=2, on_batch=lambda rows, _done, _total: sizes.append(len(rows)))
    assert sum(sizes) == 60
    done = sizes[0]
    for size in sizes[1:]:
        assert size <= max(-(-(60 - done) // 2), 2), sizes
        done += size
    assert max(sizes[-2:]) <= 2
    index.close()


def test_a_read_stopped_early_cancels_its_waiting_tasks_before_the_pool_ends(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync stopped after its first batch (cancelled, the index busy or full) does not
    wait, as the pool shuts down, for tasks no one will take."""
    paths = []
    for number in range(200):
        paths.append(
            (str(write(root, f"{number:03d}.md", f"Title {number}")), f"{number:03d}.md", False)
        )
    small_batches(monkeypatch)
    futures: list[Any] = []
    at_shutdown: list[list[bool]] = []
    pool_of = sync_module.worker_pool

    @contextlib.contextmanager
    def watched_pool(count: int) -> Iterator[Any]:
        with pool_of(count) as pool:
            submit = pool.submit

            def submitted(*args: Any) -> Any:
                futures.append(submit(*args))
                return futures[-1]

            monkeypatch.setattr(pool, "submit", submitted)
            try:
                yield pool
            finally:
                at_shutdown.append(
                    [future.cancelled() or future.running() or future.done() for future in futures]
                )

    monkeypatch.setattr(sync_module, "worker_pool", watched_pool)
    batches = sync_module._read_batches(iter(paths), root, 2, True)
    assert len(next(batches)) == 4
    batches.close()
    assert len(futures) == 4 and at_shutdown == [[True] * 4]
    assert any(future.cancelled() for future in futures)


def test_the_first_files_are_read_before_the_walk_is_over(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = 40
    for number in range(folders * 5):
        write(root, f"{number % folders:02d}/{number:03d}.md", f"Title {number}")
    small_batches(monkeypatch)
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: Any) -> Any:
        if os.fspath(path).startswith(str(root)):
            listed.append(os.fspath(path))
        return scandir(path)

    listed_at_first_batch: list[int] = []

    def on_batch(*_args: Any) -> None:
        if not listed_at_first_batch:
            listed_at_first_batch.append(len(listed))

    monkeypatch.setattr(os, "scandir", counted)
    index = ArticleIndex.open(root)
    index.sync(workers=2, on_batch=on_batch)
    assert len(listed) == folders + 1  # each folder once
    assert listed_at_first_batch[0] < len(listed) // 2
    index.close()


def walk_changing(monkeypatch: pytest.MonkeyPatch, root: Path, before: str, change: Any) -> None:
    """`change()` runs when the walk is about to list the folder `before`."""
    scandir = os.scandir

    def listing(path: Any) -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) == str(root / before):
            change()
        return scandir(path)

    monkeypatch.setattr(os, "scandir", listing)


@pytest.mark.parametrize("workers", [1, 2])
def test_files_added_and_deleted_during_the_walk(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """A file added to or deleted from a folder not walked yet is found or not; one
    deleted after it was listed is a problem until the next sync forgets it; every file
    is there once, and the next sync leaves the index a fresh one would make."""
    for number in range(40):
        write(root, f"a/{number:02d}.md", f"Title {number}", body="Kent drones.")
    write(root, "z/gone.md", "Gone", body="Kent drones.")
    write(root, "z/stays.md", "Stays", body="Kent drones.")
    small_batches(monkeypatch)

    def change() -> None:
        (root / "z" / "gone.md").unlink()
        write(root, "z/new.md", "New", body="Kent drones.")
        (root / "a" / "39.md").unlink()  # listed already, read later

    with monkeypatch.context() as during:
        walk_changing(during, root, "z", change)
        index = ArticleIndex.open(root)
        report = index.sync(workers=workers)
    assert "z/new.md" in report.added and "z/gone.md" not in report.added
    assert report.added.count("a/00.md") == 1 and len(set(report.added)) == len(report.added)
    assert [problem.path.name for problem in report.problems] == ["39.md"]
    ids = [row.id for row in index.summaries()]
    assert (
        sorted(ids)
        == sorted(set(ids))
        == sorted([f"a/{number:02d}.md" for number in range(39)] + ["z/new.md", "z/stays.md"])
    )
    report = index.sync(workers=workers)
    assert report.removed == ["a/39.md"] and not report.problems
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "fresh"))
    fresh = ArticleIndex.open(root)
    fresh.sync(workers=1)
    assert dump(index)["articles"] == dump(fresh)["articles"]
    assert dump(index)["problems"] == dump(fresh)["problems"] == []
    index.close()
    fresh.close()


def test_a_warm_sync_reads_only_what_changed_and_forgets_what_went(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The honest freshness check: a file the index has is compared by size and mtime
    (a changed one is read again), however the walk runs into the reading."""
    for number in range(30):
        write(root, f"{number % 3}/{number:02d}.md", f"Title {number}")
    small_batches(monkeypatch, pool_from=4)
    index = ArticleIndex.open(root)
    index.sync(workers=2)
    changed = write(root, "1/10.md", "Changed title", body="Longer now, and so changed.")
    info = changed.stat()
    os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))
    (root / "2" / "02.md").unlink()
    for number in range(30, 40):
        write(root, f"2/{number:02d}.md", f"Title {number}")
    batches: list[int | None] = []
    report = index.sync(workers=2, on_batch=lambda _rows, _done, total: batches.append(total))
    assert report.changed == ["1/10.md"]
    assert report.added == [f"2/{number}.md" for number in range(30, 40)]
    assert report.removed == ["2/02.md"]
    assert report.total_files == 39
    assert batches[-1] == 11
    assert index.article("1/10.md").title == "Changed title"  # type: ignore[union-attr]
    index.close()


def test_a_small_folder_is_read_without_a_pool(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(10):
        write(root, f"{number % 2}/{number}.md", f"Title {number}")

    def no_pool(*_args: Any) -> Any:
        raise AssertionError("a pool for a small folder")

    monkeypatch.setattr(sync_module, "worker_pool", no_pool)
    batches: list[tuple[int, int | None]] = []
    index = ArticleIndex.open(root)
    report = index.sync(
        workers=2, on_batch=lambda _rows, done, total: batches.append((done, total))
    )
    assert len(report.added) == 10 and batches == [(10, 10)]
    index.close()


def _counted_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker counts of each pool the sync starts from now on."""
    started: list[int] = []
    pool_of = sync_module.worker_pool

    @contextlib.contextmanager
    def counted(count: int) -> Iterator[Any]:
        started.append(count)
        with pool_of(count) as pool:
            yield pool

    monkeypatch.setattr(sync_module, "worker_pool", counted)
    return started


@pytest.mark.parametrize("workers", [1, 2])
def test_what_is_read_here_is_listed_as_time_goes_by(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Files read in this process are written (and listed) every HERE_BATCH_SECONDS, not
    once a task's worth is read: 366 docs pages took 3 s to show a row. The index is the
    one a single batch makes."""
    generated_folder(root, 4)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "one-batch"))
    whole = ArticleIndex.open(root)
    sizes: list[int] = []
    whole.sync(workers=workers, on_batch=lambda rows, _done, _total: sizes.append(len(rows)))
    assert len(sizes) == 1  # a few dozen quick files: one batch
    monkeypatch.setattr(sync_module, "HERE_BATCH_SECONDS", 0.0)
    monkeypatch.setattr(sync_module, "POOL_AFTER_SECONDS", 1e9)
    started = _counted_pools(monkeypatch)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "timed"))
    index = ArticleIndex.open(root)
    sizes.clear()
    report = index.sync(workers=workers, on_batch=lambda rows, _done, _t: sizes.append(len(rows)))
    # A batch a file (a problem's lists no row), but for the first two: the first
    # file's time (a process's first holds the imports of reading) is not counted.
    assert sizes[0] <= 2 and set(sizes[1:]) == {0, 1}
    assert len(sizes) == len(report.added) - 1
    assert started == []
    assert dump(index) == dump(whole)
    whole.close()
    index.close()


def test_few_files_slow_to_read_are_read_by_a_pool(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer files than POOL_THRESHOLD are read by worker processes once those left
    would take more than POOL_AFTER_SECONDS here (here: at once), if a core is free; the
    index is the same as read here alone, and the rows come in the walk's order."""
    generated_folder(root, 5)
    monkeypatch.setattr(sync_module, "FIRST_CHUNK_SIZE", 4)
    monkeypatch.setattr(sync_module, "HERE_BATCH_SECONDS", 0.0)
    started = _counted_pools(monkeypatch)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "here"))
    monkeypatch.setattr(sync_module, "cores_free", lambda: True)
    monkeypatch.setattr(sync_module, "POOL_AFTER_SECONDS", 1e9)
    here = ArticleIndex.open(root)
    here.sync(workers=2)
    assert started == []
    monkeypatch.setattr(sync_module, "POOL_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(sync_module, "cores_free", lambda: False)  # a busy machine
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "busy"))
    busy = ArticleIndex.open(root)
    busy.sync(workers=2)
    assert started == []
    assert dump(busy) == dump(here)
    busy.close()
    monkeypatch.setattr(sync_module, "cores_free", lambda: True)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "pooled"))
    index = ArticleIndex.open(root)
    listed: list[str] = []
    report = index.sync(workers=2, on_batch=lambda rows, _d, _t: listed.extend(r.id for r in rows))
    assert started == [2]
    assert report.added == [found.id for found in find_files(root)]
    assert dump(index) == dump(here)
    assert index.path is not None
    with sqlite3.connect(index.path) as connection:
        written = [row[0] for row in connection.execute("SELECT id FROM articles ORDER BY rowid")]
    assert listed == written  # every article, in the walk's order
    here.close()
    index.close()


def test_few_quick_files_after_a_slow_first_one_are_read_here(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch's time is not counted (its first file's holds the imports that
    reading needs): quick files after it are not worth a pool's start."""
    generated_folder(root, 6)
    monkeypatch.setattr(sync_module, "FIRST_CHUNK_SIZE", 4)
    monkeypatch.setattr(sync_module, "HERE_BATCH_SECONDS", 0.0)
    monkeypatch.setattr(sync_module, "cores_free", lambda: True)
    started = _counted_pools(monkeypatch)
    prepare = sync_module.prepare
    calls: list[str] = []

    def slow_first(article: Any) -> Any:
        if not calls:
            time.sleep(0.5)  # as the imports of a process's first read
        calls.append(article.id)
        return prepare(article)

    monkeypatch.setattr(sync_module, "prepare", slow_first)
    index = ArticleIndex.open(root)
    report = index.sync(workers=2)
    assert started == [] and len(calls) == len(report.added) - len(report.problems)
    index.close()


def _by_id(index: ArticleIndex) -> dict[str, list[tuple[Any, ...]]]:
    """dump's rows without their rowids, the articles' in id order: the same index
    whatever order its files were written in."""
    assert index.path is not None
    with sqlite3.connect(index.path) as connection:
        rows = connection.execute(
            "SELECT a.id, a.title, a.word_count, t.content, t.metadata, m.signature"
            " FROM articles a JOIN article_text t ON t.rowid = a.rowid"
            " LEFT JOIN minhash m ON m.rowid = a.rowid ORDER BY a.id"
        ).fetchall()
        problems = connection.execute("SELECT path, message FROM problems ORDER BY path")
        keys = connection.execute("SELECT * FROM field_keys ORDER BY key")
        return {"articles": rows, "problems": problems.fetchall(), "keys": keys.fetchall()}


def test_the_first_chunk_is_read_here_only_while_the_workers_start(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process reads the first chunk of a big read while the workers start, for
    WORKERS_START_SECONDS only: what is left of it is handed to them in pieces (800 KB
    changelogs among the first files kept it reading long after they were done). Every
    file is read once, the index the same as read here alone, listed as written."""
    generated_folder(root, 4)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "here"))
    here = ArticleIndex.open(root)
    here.sync(workers=1)
    small_batches(monkeypatch)
    monkeypatch.setattr(sync_module, "FIRST_CHUNK_SIZE", 16)
    monkeypatch.setattr(sync_module, "HERE_BATCH_SECONDS", 0.0)
    monkeypatch.setattr(sync_module, "WORKERS_START_SECONDS", 0.0)
    monkeypatch.setattr(sync_module, "HANDED_PIECE_SIZE", 2)
    prepare = sync_module.prepare
    read_here: list[str] = []

    def counted(article: Any) -> Any:
        read_here.append(article.id)
        return prepare(article)

    monkeypatch.setattr(sync_module, "prepare", counted)  # this process's reads only
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "pooled"))
    index = ArticleIndex.open(root)
    listed: list[str] = []
    report = index.sync(workers=2, on_batch=lambda rows, _d, _t: listed.extend(r.id for r in rows))
    assert 1 <= len(read_here) <= 2  # the first batch, then the time was up
    assert sorted(report.added) == sorted(found.id for found in find_files(root))
    assert _by_id(index) == _by_id(here)
    assert index.path is not None
    with sqlite3.connect(index.path) as connection:
        written = [row[0] for row in connection.execute("SELECT id FROM articles ORDER BY rowid")]
    assert listed == written and len(set(written)) == len(written)
    here.close()
    index.close()


def test_few_files_handed_to_a_pool_are_cut_by_their_size(tmp_path: Path) -> None:
    """The files a pool takes over from this process go in chunks of about as many bytes
    each, in order, a big file alone: release notes of 800 KB among docs pages of 2 KB
    read by count left one worker reading alone."""
    sizes = [800_000] + [2_000] * 30 + [400_000] + [1_000] * 40 + [300_000, 5_000]
    files = []
    for number, size in enumerate(sizes):
        path = tmp_path / f"{number:03d}.md"
        path.write_bytes(b"x" * size)
        files.append((str(path), path.name, False))
    files.append((str(tmp_path / "gone.md"), "gone.md", False))  # deleted since the walk
    chunks = list(sync_module._sized_chunks(files, 2))
    assert [item for chunk in chunks for item in chunk] == files
    share = sum(sizes) // (2 * sync_module.TASKS_A_WORKER)
    for chunk in chunks:
        held = sum(os.stat(path).st_size for path, *_ in chunk if os.path.exists(path))
        assert held <= share or len(chunk) == 1, (held, share, len(chunk))
    assert [len(chunk) for chunk in chunks if len(chunk) == 1][:1] == [1]  # the 800 KB
    assert len(chunks) <= 2 * sync_module.TASKS_A_WORKER + 3


@pytest.mark.skipif(
    "forkserver" not in __import__("multiprocessing").get_all_start_methods(),
    reason="where the system cannot fork, workers are spawned",
)
def test_workers_come_with_what_reading_imports_loaded_once() -> None:
    """Two spawned workers each imported the reading modules (0.3-0.45 s of CPU apiece)
    on the cores the files were to be read on: workers are forked from one process that
    has imported them once, and none is a fork of this (maybe threaded) process."""
    with sync_module.worker_pool(2) as pool:
        started = [pool.submit(worker_probe.worker_start) for _ in range(4)]
        parents = {future.result()[0] for future in started}
        loaded = [future.result()[1] for future in started]
    assert os.getpid() not in parents and len(parents) == 1
    assert all(modules == list(worker_probe.READING_MODULES) for modules in loaded)


_POOL_OF_BUSY_WORKERS = """
from reader.index.sync import worker_pool
from tests.index import worker_probe

with worker_pool(2) as pool:
    list(pool.map(worker_probe.busy, [1.0, 1.0]))
"""


def test_the_workers_cpu_counts_as_the_commands_children_s() -> None:
    """Workers forked by a forkserver are its children, not the command's: its CPU (what
    `time` and the benchmarks read) left theirs out until the forkserver was waited for
    at exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-c", _POOL_OF_BUSY_WORKERS],
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        timeout=120,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert used >= 2.0  # the two workers' seconds at least
