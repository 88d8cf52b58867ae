"""The store's per-article reads the interface uses: initiatives and warnings, in both stores."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reader.articles import ArticleStore, open_store

if TYPE_CHECKING:
    from tests.conftest import CacheDiskFull, WriteFile

ARTICLES = {
    "a.md": "```yaml\ntitle: A\n```\n\nIntro.\n\n* First thing\n* Second thing\n",
    "b.md": "```yaml\ntitle: B\ndate: not a date\n```\n\nNo bullets here.\n",
    "sub/c.md": "```yaml\ntitle: C\n```\n\n* Only one\n",
}


@pytest.fixture(params=[True, False], ids=["index", "memory"])
def store(request: pytest.FixtureRequest, write_file: WriteFile, tmp_path: Path) -> ArticleStore:
    for name, text in ARTICLES.items():
        write_file(name, text)
    opened = open_store(tmp_path, use_cache=request.param)
    opened.refresh()
    request.addfinalizer(opened.close)
    return opened


def test_initiatives_by_id(store: ArticleStore) -> None:
    found = store.initiatives(["sub/c.md", "a.md", "b.md", "missing.md"])
    assert found == {"a.md": ("First thing", "Second thing"), "b.md": (), "sub/c.md": ("Only one",)}
    counts = {row.id: row.initiative_count for row in store.rows()}
    assert counts == {"a.md": 2, "b.md": 0, "sub/c.md": 1}


def test_warnings_lists_only_warned_articles(store: ArticleStore) -> None:
    (warned,) = store.warnings()
    article_id, messages = warned
    assert article_id == "b.md"
    assert any("not a date" in message for message in messages)


def test_first_rows_are_the_head_of_rows(store: ArticleStore) -> None:
    every = [row.id for row in store.rows()]
    assert len(every) >= 2
    assert [row.id for row in store.first_rows(1)] == every[:1]
    assert [row.id for row in store.first_rows(len(every) + 5)] == every


def test_a_cache_on_a_full_disk_gives_way_to_memory_with_one_notice(
    tmp_path: Path, cache_disk_full: CacheDiskFull
) -> None:
    """Nothing is lost: what the cache listed is read again from the files, changes
    since included, and every later refresh reads the folder into memory."""
    root = tmp_path / "news"
    root.mkdir()

    def article(name: str, title: str) -> None:
        (root / name).write_text(f"```yaml\ntitle: {title}\n```\n\n{'Kent patrols. ' * 300}\n")

    for number in range(5):
        article(f"{number}.md", f"Old {number}")
    first = open_store(root)
    first.refresh()
    first.close()
    (root / "0.md").unlink()
    article("1.md", "Old 1, edited")
    for number in range(5, 40):
        article(f"{number}.md", f"New {number}")
    store = open_store(root)
    assert len(store.rows()) == 5  # the cached list, shown at once
    cache_disk_full(1)
    report = store.refresh()
    assert sorted(report.added) == sorted(f"{number}.md" for number in range(5, 40))
    assert report.changed == ["1.md"]
    assert report.removed == ["0.md"]
    assert len(store.rows()) == 39
    found = store.article("39.md")
    assert found is not None and found.title == "New 39"
    searcher = store.searcher()
    assert len(searcher.search(searcher.parse("kent"))) == 39
    assert len(store.notices) == 1
    assert "disk holding the index cache is full" in store.notices[0]
    assert "into memory" in store.notices[0]
    article("40.md", "Newer")
    assert store.refresh().added == ["40.md"]
    assert len(store.notices) == 1  # said once
    store.close()
