"""Keeping the index in step with the folder between opens: added, changed, deleted and
renamed files, problems, and a single-file root. After any series of changes the index
must search exactly like a fresh one built from the folder as it now is."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

import reader.index as index_module
from reader.index import ArticleIndex
from reader.index.sync import CHUNK_SIZE, POOL_THRESHOLD
from reader.limits import MAX_FILE_BYTES
from tests.index.conftest import write

# A guard against hanging, not a speed test.
PATIENCE = 10.0

QUERIES = [
    "kent",
    "drones",
    '"night patrols"',
    "title:burglary",
    "area:essex",
    "og.locale:en_gb",
    "tags:drones",
    "-kent",
    "kent OR essex",
    "patrol",
]


def ids(index: ArticleIndex, query: str) -> list[str]:
    return [summary.id for summary, _score in index.engine().search(query)]


def results(index: ArticleIndex, query: str) -> list[tuple[str, float | None]]:
    return [(summary.id, score) for summary, score in index.engine().search(query)]


def reopen(root: Path) -> ArticleIndex:
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    return index


def touch_later(path: Path) -> None:
    """Make sure a rewrite is seen even on a file system with coarse timestamps."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))


def test_first_open_indexes_everything_and_the_second_reads_nothing(root: Path) -> None:
    write(root, "a.md", "Kent drones", area="Kent")
    write(root, "sub/b.md", "Essex burglary", area="Essex")
    index = ArticleIndex.open(root)
    assert index.summaries() == []
    report = index.sync(workers=1)
    assert sorted(report.added) == ["a.md", "sub/b.md"]
    assert [s.id for s in index.summaries()] == ["a.md", "sub/b.md"]
    index.close()

    index = ArticleIndex.open(root)
    assert len(index.summaries()) == 2  # the cached list, before any sync
    report = index.sync(workers=1)
    assert (report.added, report.changed, report.removed) == ([], [], [])
    assert ids(index, "drones") == ["a.md"]
    index.close()


def test_added_changed_deleted_and_renamed_files_between_opens(root: Path) -> None:
    write(root, "a.md", "Kent drones", body="Night patrols with drones.", area="Kent")
    write(root, "b.md", "Essex burglary", area="Essex", tags="[drones, dogs]")
    write(root, "c.md", "Surrey patrols", og="{locale: en_GB}")
    index = reopen(root)
    assert ids(index, "og.locale:en_gb") == ["c.md"]
    index.close()

    write(root, "d.md", "Kent burglary", area="Kent")  # added
    touch_later(write(root, "a.md", "Kent cameras", body="Day shifts.", area="Kent"))  # changed
    (root / "b.md").unlink()  # deleted
    (root / "c.md").rename(root / "renamed.md")  # renamed

    index = ArticleIndex.open(root)
    report = index.sync(workers=1)
    assert report.added == ["d.md", "renamed.md"]
    assert report.changed == ["a.md"]
    assert sorted(report.removed) == ["b.md", "c.md"]
    assert sorted(s.id for s in index.summaries()) == ["a.md", "d.md", "renamed.md"]
    assert ids(index, "drones") == []  # gone with the old a.md and b.md
    assert ids(index, "cameras") == ["a.md"]
    assert sorted(ids(index, "kent")) == ["a.md", "d.md"]
    assert ids(index, "og.locale:en_gb") == ["renamed.md"]
    # The only article with `tags` is gone, so `tags:` is no longer a field.
    assert "tags" not in index.engine().metadata_keys
    assert "og.locale" in index.engine().metadata_keys
    index.close()


def test_after_many_changes_the_index_equals_a_fresh_one(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(12):
        write(
            root,
            f"{number:02d}.md",
            f"Kent drones {number}" if number % 2 else f"Essex patrol {number}",
            body="Night patrols.\n\n * Drones over Kent\n * Dogs\n" * (number % 3 + 1),
            area="Kent" if number % 3 else "Essex",
            tags="[drones, dogs]" if number % 4 else "[night]",
            og="{locale: en_GB, type: website}" if number % 5 else "{locale: fr_FR}",
        )
    reopen(root).close()
    for number in range(0, 12, 3):
        touch_later(write(root, f"{number:02d}.md", f"Burglary {number}", body="Café naïve."))
    (root / "01.md").unlink()
    (root / "05.md").rename(root / "15.md")
    index = reopen(root)

    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "fresh"))
    fresh = reopen(root)
    assert fresh.path != index.path
    for query in QUERIES:
        # The same articles; the scores may differ a little, as tantivy's BM25 counts
        # the documents a sync deleted until their segments are merged.
        assert sorted(ids(index, query)) == sorted(ids(fresh, query)), query
        assert [score is None for _id, score in results(index, query)] == [
            score is None for _id, score in results(fresh, query)
        ], query


def test_problems_are_kept_and_read_again_when_the_file_changes(root: Path) -> None:
    bad = root / "bad.md"
    bad.write_bytes(b"text\x00with a NUL")
    write(root, "good.md", "Fine")
    index = reopen(root)
    problems = index.problems()
    assert [p.path.name for p in problems] == ["bad.md"]
    report = index.sync(workers=1)
    assert report.changed == []  # a problem file is not re-read while unchanged
    touch_later(write(root, "bad.md", "Mended"))
    report = index.sync(workers=1)
    assert report.changed == ["bad.md"]
    assert index.problems() == []
    assert sorted(s.id for s in index.summaries()) == ["bad.md", "good.md"]


def test_with_links_in_the_folder_every_sync_is_whole(root: Path) -> None:
    """b.md is a link to a.md: editing a.md names only a.md, yet b.md changed too."""
    write(root, "a.md", "Kent drones")
    (root / "b.md").symlink_to(root / "a.md")
    index = reopen(root)
    touch_later(write(root, "a.md", "Kent cameras"))
    report = index.sync(workers=1, changed_paths=[str(root / "a.md")])
    assert sorted(report.changed) == ["a.md", "b.md"]
    assert sorted(ids(index, "cameras")) == ["a.md", "b.md"]
    (root / "b.md").unlink()
    index.sync(workers=1)  # no link left: named paths will do again
    touch_later(write(root, "a.md", "Kent dogs"))
    write(root, "c.md", "Not named")
    report = index.sync(workers=1, changed_paths=[str(root / "a.md")])
    assert (report.added, report.changed) == ([], ["a.md"])
    index.close()


def test_a_broken_link_is_reported_once_and_read_again_when_it_mends(root: Path) -> None:
    (root / "dangling.md").symlink_to(root / "missing.md")
    (root / "loop.md").symlink_to(root / "loop.md")
    index = reopen(root)
    assert sorted(p.path.name for p in index.problems()) == ["dangling.md", "loop.md"]
    report = index.sync(workers=1)
    # Still broken: nothing to announce (a live reload would say "2 changed" every time).
    assert (report.added, report.changed, report.removed) == ([], [], [])
    assert len(index.problems()) == 2
    write(root, "missing.md", "Found")
    report = index.sync(workers=1)
    assert sorted(report.added + report.changed) == ["dangling.md", "missing.md"]
    assert [p.path.name for p in index.problems()] == ["loop.md"]
    assert sorted(s.title for s in index.summaries()) == ["Found", "Found"]


def test_a_single_file_root(root: Path) -> None:
    path = write(root, "one.md", "Kent drones", body="Night patrols.")
    index = reopen(path)
    assert [s.id for s in index.summaries()] == ["one.md"]
    article = index.article("one.md")
    assert article is not None and article.path == path
    assert ids(index, '"night patrols"') == ["one.md"]


def test_a_large_sync_uses_worker_processes_and_streams_batches(root: Path) -> None:
    count = max(POOL_THRESHOLD, CHUNK_SIZE) + 100  # a pool, and more than one batch
    for number in range(count):
        write(root, f"{number:03d}.md", f"Article {number}", body=f"Word{number % 7} text.")
    batches: list[tuple[int, int, int]] = []
    index = ArticleIndex.open(root)
    report = index.sync(on_batch=lambda rows, done, total: batches.append((len(rows), done, total)))
    assert len(report.added) == count
    assert len(batches) > 1
    assert batches[-1][1:] == (count, count)
    assert sum(rows for rows, _done, _total in batches) == count
    assert len(ids(index, "word3")) == len([n for n in range(count) if n % 7 == 3])


def test_changed_paths_are_all_a_sync_looks_at(root: Path) -> None:
    write(root, "a.md", "Kent drones", area="Kent")
    write(root, "b.md", "Essex burglary", area="Essex")
    write(root, "sub/c.md", "Surrey patrols")
    index = reopen(root)
    touch_later(write(root, "a.md", "Kent cameras", area="Kent"))
    write(root, "sub/d.md", "Kent burglary", area="Kent")
    (root / "b.md").unlink()
    touch_later(write(root, "sub/c.md", "Surrey cameras"))  # changed, but not named
    (root / "4913").write_text("")  # vim's test that it may write here
    named = [str(root / "a.md"), str(root / "sub" / "d.md"), str(root / "b.md")]
    named += [str(root / "4913"), str(root / "gone-folder-of-nothing")]
    report = index.sync(workers=1, changed_paths=named)
    assert (report.added, report.changed, report.removed) == (["sub/d.md"], ["a.md"], ["b.md"])
    assert sorted(ids(index, "cameras")) == ["a.md"]  # c.md was not looked at
    assert sorted(ids(index, "burglary")) == ["sub/d.md"]
    # Named again with nothing new: nothing to do.
    report = index.sync(workers=1, changed_paths=named)
    assert (report.added, report.changed, report.removed) == ([], [], [])
    # A whole sync finds the rest.
    assert index.sync(workers=1).changed == ["sub/c.md"]
    assert sorted(ids(index, "cameras")) == ["a.md", "sub/c.md"]
    index.close()


CASES = [
    "folder created",
    "folder deleted",
    "folder named like an article moved away",
    "folder replaced by a file",
    "outside",
    "through a linked folder",
    "link created",
]


@pytest.mark.parametrize("case", CASES)
def test_changed_paths_that_may_hide_more_mean_a_whole_sync(root: Path, case: str) -> None:
    write(root, "a.md", "Kent drones")
    write(root, "old/b.md", "Essex drones")
    write(root, "archive.md/e.md", "Archived drones")
    if case == "through a linked folder":
        (root / "real").mkdir()
        (root / "linked").symlink_to(root / "real")
    index = reopen(root)
    write(root, "unnamed.md", "Found by the whole sync")
    if case == "folder created":
        write(root, "new/c.md", "New drones")
        named = str(root / "new")
    elif case == "folder deleted":
        (root / "old" / "b.md").rename(root.parent / "b.md")
        (root / "old").rmdir()
        named = str(root / "old")
    elif case == "folder named like an article moved away":
        (root / "archive.md").rename(root.parent / "archive.md")
        named = str(root / "archive.md")
    elif case == "folder replaced by a file":
        (root / "old" / "b.md").unlink()
        (root / "old").rmdir()
        (root / "old").write_text("not an article any more")
        named = str(root / "old")
    elif case == "outside":
        named = str(root.parent / "elsewhere.md")
    elif case == "through a linked folder":
        write(root, "real/d.md", "Linked drones")
        named = str(root / "linked" / "d.md")
    else:
        (root / "link.md").symlink_to(root / "a.md")
        named = str(root / "link.md")
    report = index.sync(workers=1, changed_paths=[named])
    assert "unnamed.md" in report.added
    fresh = sorted(ids(index, "drones"))
    index.close()
    rebuilt = ArticleIndex.open(root)
    rebuilt.sync(workers=1)
    assert sorted(ids(rebuilt, "drones")) == fresh
    rebuilt.close()


def test_an_article_opens_while_the_whole_list_is_being_read(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading 100,000 list rows takes most of a second: the article the reader shows
    first must not wait for it."""
    write(root, "a.md", "Kent drones", body="Night patrols.")
    index = reopen(root)
    reading, finish = threading.Event(), threading.Event()
    read_rows = index_module.read_summary_rows

    def slow_read(connection: sqlite3.Connection, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs:  # the whole list
            reading.set()
            finish.wait(PATIENCE)
        return read_rows(connection, *args, **kwargs)

    monkeypatch.setattr(index_module, "read_summary_rows", slow_read)
    index._forget_cached_rows()
    listing = threading.Thread(target=index.summaries)
    listing.start()
    try:
        assert reading.wait(PATIENCE)
        opened: list[str] = []
        opening = threading.Thread(target=lambda: opened.append(index.article("a.md").body))  # type: ignore[union-attr]
        opening.start()
        opening.join(PATIENCE / 2)
        assert opened == ["Night patrols.\n"]
        assert [row.title for row in index.newest(5)] == ["Kent drones"]
    finally:
        finish.set()
        listing.join()
    assert [row.id for row in index.summaries()] == ["a.md"]
    index.close()


def test_a_file_two_readers_both_found_new_is_indexed_once(root: Path) -> None:
    """Two readers opening the same folder both see a file as new; the second to sync
    finds it indexed by the first (one writer at a time, each comparing the folder with
    the index under the writer's lock) instead of adding it again."""
    write(root, "a.md", "Kent drones", body="Night patrols.")
    index = reopen(root)
    other = ArticleIndex.open(root)
    touch_later(write(root, "b.md", "Essex burglary"))
    for reader in (other, index):
        reader.sync(workers=1)
    other.close()
    assert sorted(s.id for s in index.summaries()) == ["a.md", "b.md"]
    assert ids(index, "burglary") == ["b.md"]
    assert index.sync(workers=1).added == []
    index.close()


def test_an_article_grown_past_the_size_limit_leaves_the_list_and_is_a_problem(
    root: Path,
) -> None:
    write(root, "a.md", "Kent drones")
    write(root, "b.md", "Essex dogs")
    index = reopen(root)
    with (root / "a.md").open("ab") as grown:
        grown.write(b"x" * MAX_FILE_BYTES)
    report = index.sync(workers=1)
    # For the list it is gone (as a deleted one is), and it is a problem now.
    assert (report.added, report.changed, report.removed) == ([], [], ["a.md"])
    assert [summary.id for summary in index.summaries()] == ["b.md"]
    assert [problem.path.name for problem in index.problems()] == ["a.md"]
    assert "over the 16 MB limit" in index.problems()[0].message
    (root / "a.md").write_text("---\ntitle: Back\n---\n")
    report = index.sync(workers=1)
    assert (report.added, report.changed, report.removed) == ([], ["a.md"], [])
    assert sorted(summary.id for summary in index.summaries()) == ["a.md", "b.md"]
    assert index.problems() == []


def test_a_problem_whose_name_is_not_utf8_is_not_read_again_while_unchanged(root: Path) -> None:
    (root / os.fsdecode(b"bad\xe9.md")).write_bytes(b"\x00 binary")
    write(root, "good.md", "Fine")
    index = reopen(root)
    assert [problem.path.name for problem in index.problems()] == ["bad\\xe9.md"]
    report = index.sync(workers=1)
    assert (report.added, report.changed, report.removed) == ([], [], [])


def test_a_sync_reports_what_another_reader_of_the_folder_wrote(root: Path) -> None:
    """Two readers of one folder (two windows) both get each file event; the one to sync
    second finds the change indexed by the first, and must still tell its list: the
    files added, changed and removed, the rows with them."""
    write(root, "a.md", "Kent drones")
    write(root, "b.md", "Essex dogs")
    mine = reopen(root)
    assert [row.id for row in mine.summaries()] == ["a.md", "b.md"]
    other = ArticleIndex.open(root)
    write(root, "c.md", "Surrey cameras")
    touch_later(write(root, "a.md", "Kent drones, again"))
    (root / "b.md").unlink()
    assert other.sync(workers=1).added == ["c.md"]
    rows: list[str] = []
    report = mine.sync(on_batch=lambda batch, _done, _total: rows.extend(r.title for r in batch))
    assert (report.added, report.changed, report.removed) == (["c.md"], ["a.md"], ["b.md"])
    assert sorted(rows) == ["Kent drones, again", "Surrey cameras"]
    report = mine.sync(workers=1)
    assert (report.added, report.changed, report.removed) == ([], [], [])
    other.close()
    mine.close()


def test_the_bulk_path_and_opening_an_article_agree_on_every_sample(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Workers send back each article as it is written (rows and texts, not the Article):
    every sample article comes back from the index as loading its file gives it, and its
    list row says what the article does."""
    import importlib

    from reader.loading import find_files, load_article
    from reader.model import Article, ArticleSummary
    from reader.resources import samples_dir

    sync_module = importlib.import_module("reader.index.sync")  # (reader.index.sync: a function)
    monkeypatch.setattr(sync_module, "POOL_THRESHOLD", 1)  # the worker processes, always
    root = samples_dir()
    index = ArticleIndex.open(root)
    report = index.sync(workers=2)
    listed = {summary.id: summary for summary in index.summaries()}
    articles = 0
    for found in find_files(root):
        loaded = load_article(Path(found.path), root, found.id)
        if not isinstance(loaded, Article):
            continue
        articles += 1
        assert index.article(found.id) == loaded
        assert listed[found.id] == ArticleSummary(
            id=loaded.id,
            title=loaded.title,
            area=loaded.area,
            published=loaded.published,
            url=loaded.url,
            word_count=loaded.word_count,
            initiative_count=len(loaded.initiatives),
            body_hash=loaded.body_hash,
        )
    assert articles == len(listed) == len(report.added) - len(report.problems) > 30
    index.close()
