"""A cache that is damaged, old, foreign, locked or shared is never fatal: it is rebuilt
or worked around, with a notice saying so, and two readers syncing one folder at once
leave it whole."""

from __future__ import annotations

import errno
import multiprocessing
import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import tantivy

from reader.index import ArticleIndex, IndexFull, IndexUnavailable, db
from reader.index.db import SCHEMA_VERSION, index_path
from reader.index.sync import CHUNK_SIZE, FIRST_CHUNK_SIZE
from reader.index.text_index import TextWriter, open_text_index, path_of
from tests.conftest import CacheDiskFull
from tests.index.conftest import write


def make_folder(root: Path, count: int = 5) -> None:
    for number in range(count):
        write(root, f"{number:03d}.md", f"Kent drones {number}", body=f"Patrol {number}.")


def built(root: Path) -> Path:
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    path = index.path
    index.close()
    return path


def searches_like_a_fresh_index(index: ArticleIndex, root: Path) -> None:
    """`index` finds what a temporary index made now from the folder finds, in order."""
    fresh = ArticleIndex.temporary(root)
    fresh.sync(workers=1)
    for query in ["kent", "patrol", '"kent drones"', "-drones", "title:3"]:
        expected = [(row.id, score) for row, score in fresh.engine().search(query)]
        got = [(summary.id, score) for summary, score in index.engine().search(query)]
        assert got == expected, query
    fresh.close()


def text_rowids(path: Path) -> list[int]:
    """The rowid of every document in the full-text index beside database `path`."""
    text = open_text_index(path_of(path), create=False)
    searcher = text.searcher()
    hits = searcher.search(tantivy.Query.all_query(), max(searcher.num_docs, 1)).hits
    return sorted(searcher.fast_field_values("rowid", [address for _score, address in hits]))


def garbage(path: Path) -> None:
    path.write_bytes(b"not a database at all " * 100)


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:8192])


def scribbled(path: Path) -> None:
    """Zeros over every page but the first (the header and schema stay readable)."""
    data = path.read_bytes()
    path.write_bytes(data[:4096] + bytes(len(data) - 4096))


@pytest.mark.parametrize("damage", [garbage, truncated, scribbled])
def test_a_damaged_cache_is_rebuilt_with_a_notice(root: Path, damage: object) -> None:
    make_folder(root, 60)
    path = built(root)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    damage(path)  # type: ignore[operator]

    index = ArticleIndex.open(root)
    report = index.sync(workers=1)
    assert any("rebuilt" in notice for notice in index.notices), index.notices
    assert len(report.added) == 60
    searches_like_a_fresh_index(index, root)
    index.close()


def test_an_empty_cache_file_is_simply_filled(root: Path) -> None:
    make_folder(root)
    path = index_path(root)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    index = ArticleIndex.open(root)
    assert index.notices == []
    assert len(index.sync(workers=1).added) == 5


def test_a_damaged_cache_keeps_one_broken_copy_aside(root: Path) -> None:
    make_folder(root)
    path = built(root)
    path.write_bytes(b"garbage" * 1000)
    ArticleIndex.open(root).close()
    assert Path(f"{path}.broken").read_bytes() == b"garbage" * 1000


def test_a_cache_of_an_older_schema_is_rebuilt_with_a_notice(root: Path) -> None:
    make_folder(root)
    path = built(root)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    index = ArticleIndex.open(root)
    assert any("another version" in notice for notice in index.notices)
    assert index.summaries() == []
    assert len(index.sync(workers=1).added) == 5
    searches_like_a_fresh_index(index, root)


def test_a_cache_tokenised_differently_is_rebuilt(root: Path) -> None:
    make_folder(root)
    path = built(root)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE info SET value = 'unicode 1.0' WHERE key = 'tokens'")
    index = ArticleIndex.open(root)
    assert any("splits text into words differently" in notice for notice in index.notices)
    assert len(index.sync(workers=1).added) == 5


def test_damage_found_while_syncing_rebuilds(root: Path) -> None:
    make_folder(root)
    path = built(root)
    index = ArticleIndex.open(root)
    with sqlite3.connect(path) as connection:  # a table the open check does not read
        connection.execute("DROP TABLE article_text")
    write(root, "new.md", "Essex")
    report = index.sync(workers=1)
    assert any("damaged" in notice for notice in index.notices), index.notices
    assert len(report.added) == 6
    searches_like_a_fresh_index(index, root)


def test_damage_found_when_reading_an_article_rebuilds(root: Path) -> None:
    make_folder(root)
    path = built(root)
    index = ArticleIndex.open(root)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE article_text")
    assert index.article("000.md") is None
    assert any("damaged" in notice for notice in index.notices), index.notices
    assert len(index.sync(workers=1).added) == 5
    article = index.article("000.md")
    assert article is not None and article.body == "Patrol 0.\n"


def test_a_locked_cache_gives_a_temporary_index(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_folder(root)
    path = built(root)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        index = ArticleIndex.open(root)
        assert index.path != path
        assert any("temporary index" in notice for notice in index.notices)
        assert len(index.sync(workers=1).added) == 5
        searches_like_a_fresh_index(index, root)
        temporary = index.path
        index.close()
        assert not temporary.exists()
    finally:
        holder.close()


def test_a_sync_blocked_by_a_writer_stops_with_a_notice(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_folder(root)
    path = built(root)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.2)
    index = ArticleIndex.open(root)
    (root / "000.md").unlink()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        report = index.sync(workers=1)
    finally:
        holder.close()
    assert not report.complete
    assert any("busy" in notice for notice in index.notices)
    assert len(index.summaries()) == 5  # what was there is still shown
    assert index.sync(workers=1).removed == ["000.md"]  # and the next sync catches up


def test_no_cache_anywhere_raises_index_unavailable(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_folder(root, 1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("READER_CACHE_DIR", str(blocker / "cache"))

    def no_temporary_folder(prefix: str) -> str:
        raise OSError("no space left")

    monkeypatch.setattr("tempfile.mkdtemp", no_temporary_folder)
    with pytest.raises(IndexUnavailable, match="no space left"):
        ArticleIndex.open(root)


def test_an_unwritable_cache_folder_gives_a_temporary_index(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_folder(root, 2)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("READER_CACHE_DIR", str(blocker / "cache"))
    index = ArticleIndex.open(root)
    assert any("temporary index" in notice for notice in index.notices)
    assert len(index.sync(workers=1).added) == 2
    index.close()


# -- a full disk: SQLite rolls back by itself; nothing is rebuilt; the caller reads into memory


def test_a_full_disk_while_syncing_raises_index_full_and_keeps_what_was_listed(
    root: Path, cache_disk_full: CacheDiskFull
) -> None:
    """It raised "cannot rollback - no transaction is active" (SQLite had rolled back
    already), was taken for damage, and the cache rebuilt, to fail the same way."""
    make_folder(root, 5)
    built(root)
    for number in range(5, 60):
        write(root, f"{number:03d}.md", f"Kent drones {number}", body="Patrol. " * 200)
    index = ArticleIndex.open(root)
    cache_disk_full(1)  # no page more than it has
    with pytest.raises(IndexFull, match="the disk holding the index cache is full"):
        index.sync(workers=1)
    assert not any("rebuilt" in notice for notice in index.notices)
    assert len(index.summaries()) == 5  # what was there is still readable
    article = index.article("004.md")
    assert article is not None and article.body == "Patrol 4.\n"
    index.close()


def test_a_cache_that_cannot_be_made_on_a_full_disk_raises_index_full(
    root: Path, cache_disk_full: CacheDiskFull
) -> None:
    make_folder(root, 2)
    cache_disk_full(1)  # not even the schema fits
    with pytest.raises(IndexFull, match="full"):
        ArticleIndex.open(root)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("disk I/O error"),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        OSError(errno.EFBIG, "File too large"),
    ],
)
def test_every_way_of_saying_the_disk_is_full_is_known(error: BaseException) -> None:
    assert db.is_full(error)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.DatabaseError("database disk image is malformed"),
        OSError(errno.EACCES, "Permission denied"),
        ValueError("database or disk is full"),
    ],
)
def test_locks_and_damage_are_not_a_full_disk(error: BaseException) -> None:
    assert not db.is_full(error)


def _sync_in_another_process(root: str, cache: str, done: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    import os

    os.environ["READER_CACHE_DIR"] = cache
    index = ArticleIndex.open(Path(root))
    report = index.sync(workers=1)
    done.put((len(report.added), index.notices))
    index.close()


@pytest.mark.parametrize("round_", range(3))
def test_two_processes_syncing_one_folder_at_once_leave_it_whole(
    root: Path, cache_dir: Path, round_: int
) -> None:
    """Both open a cache that does not exist yet (one creates it while the other looks),
    then write their batches of the same files."""
    make_folder(root, 300)
    context = multiprocessing.get_context("spawn")
    done: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    processes = [
        context.Process(target=_sync_in_another_process, args=(str(root), str(cache_dir), done))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    outcomes = [done.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert all(notices == [] for _added, notices in outcomes), outcomes
    with sqlite3.connect(index_path(root)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counts = connection.execute("SELECT count(*), count(DISTINCT id) FROM articles")
        assert counts.fetchone() == (300, 300)
        listed = sorted(rowid for (rowid,) in connection.execute("SELECT rowid FROM articles"))
    assert text_rowids(index_path(root)) == listed  # the full text of each, once
    index = ArticleIndex.open(root)
    assert index.sync(workers=1).added == []
    searches_like_a_fresh_index(index, root)


# -- the two halves: the full-text index beside the database --------------------------


def remove_text(path: Path) -> None:
    shutil.rmtree(path_of(path))


def scribble_text(path: Path) -> None:
    for part in path_of(path).iterdir():
        if part.is_file() and part.stat().st_size:
            part.write_bytes(b"\0" * part.stat().st_size)


def foreign_text(path: Path) -> None:
    """Another program's tantivy index where the reader's should be."""
    shutil.rmtree(path_of(path))
    path_of(path).mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    tantivy.Index(builder.build(), str(path_of(path)))


@pytest.mark.parametrize("damage", [remove_text, scribble_text, foreign_text])
def test_a_missing_damaged_or_foreign_full_text_index_is_rebuilt_with_a_notice(
    root: Path, damage: object
) -> None:
    make_folder(root, 20)
    path = built(root)
    damage(path)  # type: ignore[operator]
    index = ArticleIndex.open(root)
    assert any("rebuilt" in notice for notice in index.notices), index.notices
    assert len(index.sync(workers=1).added) == 20
    searches_like_a_fresh_index(index, root)
    index.close()


def test_halves_that_do_not_match_are_rebuilt_with_a_notice(root: Path) -> None:
    """The database records the full-text commit its rows match (-1 while a sync writes
    rows ahead of the next commit): anything else means a reader stopped in between."""
    make_folder(root, 10)
    path = built(root)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE info SET value = -1 WHERE key = 'text_commit'")
    index = ArticleIndex.open(root)
    assert any("half-written" in notice for notice in index.notices), index.notices
    assert index.summaries() == []
    assert len(index.sync(workers=1).added) == 10
    searches_like_a_fresh_index(index, root)
    assert text_rowids(path) == sorted(row[0] for row in rowids(path))
    index.close()


def rowids(path: Path) -> list[tuple[int]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT rowid FROM articles").fetchall()


def _sync_until_killed(root: str, cache: str, ready: str) -> None:
    """Sync, and stop dead after the first batch is written: as a kill -9 would."""
    import os

    import reader.index.sync as sync_module

    os.environ["READER_CACHE_DIR"] = cache
    sync_module.COMMIT_SECONDS = 3600.0  # rows written, the full text not yet committed

    def first_batch(*_args: object) -> None:
        Path(ready).touch()
        time.sleep(3600)

    ArticleIndex.open(Path(root)).sync(on_batch=first_batch, workers=1)


def test_a_reader_killed_mid_sync_leaves_an_index_the_next_open_rebuilds(
    root: Path, cache_dir: Path, tmp_path: Path
) -> None:
    make_folder(root, CHUNK_SIZE + 88)  # several batches
    ready = tmp_path / "first-batch-written"
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=_sync_until_killed, args=(str(root), str(cache_dir), str(ready))
    )
    process.start()
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert time.monotonic() < deadline and process.is_alive()
            time.sleep(0.05)
        # The first batch (what is read in HERE_BATCH_SECONDS, at most the first
        # task's): listed, not searchable yet.
        assert 0 < len(rowids(index_path(root))) <= FIRST_CHUNK_SIZE
    finally:
        os.kill(process.pid, signal.SIGKILL)  # its writer's lock goes with it
        process.join(timeout=60)
    index = ArticleIndex.open(root)
    assert any("half-written" in notice for notice in index.notices), index.notices
    assert len(index.sync(workers=1).added) == CHUNK_SIZE + 88
    searches_like_a_fresh_index(index, root)
    assert text_rowids(index.path) == sorted(row[0] for row in rowids(index_path(root)))
    index.close()


def test_a_sync_waits_for_another_writer_then_gives_up_with_a_notice(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One writer at a time: while another holds the full-text writer (another reader's
    sync), a sync waits up to the busy timeout, then says so and leaves the index as it
    was; the next one catches up."""
    make_folder(root, 5)
    path = built(root)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.3)
    index = ArticleIndex.open(root)
    (root / "000.md").unlink()
    holder = TextWriter(open_text_index(path_of(path), create=False), timeout=0)
    try:
        report = index.sync(workers=1)
    finally:
        holder.close()
    assert not report.complete
    assert any("busy" in notice for notice in index.notices)
    assert len(index.summaries()) == 5
    assert index.sync(workers=1).removed == ["000.md"]
    index.close()
