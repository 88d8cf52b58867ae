"""load_library, sort_articles, facets, duplicate_urls: the loaded collection."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reader import load_library
from reader.articles import duplicate_urls, facets
from reader.loading import article as article_module
from reader.loading.folder import Library
from reader.model import Article, LoadProblem, published_sort_key
from reader.ordering import SORT_ORDERS, sort_articles

if TYPE_CHECKING:
    from tests.conftest import WriteFile


def make(article_id: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "id": article_id, "path": Path(article_id), "title": article_id, "url": None,
        "area": None, "published": None, "description": None, "image": None, "locale": None,
        "kind": None, "metadata": {}, "body": "", "initiatives": (), "word_count": 0,
    }  # fmt: skip
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def post(title: str, date: str = "", area: str = "", url: str = "") -> str:
    lines = [f"title: {title}"]
    lines += [f"date: {date}"] if date else []
    lines += [f"area: {area}"] if area else []
    lines += [f"url: {url}"] if url else []
    return "---\n" + "\n".join(lines) + "\n---\nBody.\n"


def test_hostile_files_do_not_stop_the_others(
    tmp_path: Path, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(article_module, "MAX_FILE_BYTES", 4096)
    write_file("good/one.md", post("One", "2020-01-01"))
    write_file("binary.md", b"\x00\x01\x02")
    write_file("big.md", "x" * 5000)
    write_file("bad-yaml.md", "---\ntitle: [\n---\n# Still loads\n")
    write_file("bad-utf8.txt", b"# Caf\xe9\n")
    write_file("bomb.md", "---\na: &a [*a]\n---\n# Bomb\n")
    write_file("good/two.md", post("Two", "2021-01-01"))
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    library = load_library(tmp_path)
    assert [article.title for article in library] == [
        "Two",
        "One",
        "Caf\ufffd",  # undated ones by id: bad-utf8.txt, bad-yaml.md, bomb.md
        "Still loads",
        "Bomb",
    ]
    assert sorted(problem.path.name for problem in library.problems) == [
        "big.md", "binary.md", "loop.md"
    ]  # fmt: skip


def test_a_file_that_vanishes_after_discovery_is_a_problem(
    tmp_path: Path, write_file: WriteFile
) -> None:
    write_file("a.md", post("A"))
    doomed = write_file("b.md", post("B"))
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, item: Article | LoadProblem) -> None:
        seen.append((done, total))
        if done == 1:
            doomed.unlink()  # b.md was already discovered

    library = load_library(tmp_path, on_progress=progress)
    assert seen == [(1, 2), (2, 2)]
    assert [article.id for article in library] == ["a.md"]
    assert len(library.problems) == 1
    assert library.problems[0].path == doomed
    assert "No such file" in library.problems[0].message


def test_library_is_newest_first_and_finds_by_id(tmp_path: Path, write_file: WriteFile) -> None:
    write_file("old.md", post("Old", "2015-03-01"))
    write_file("new/post.md", post("New", "2024-03-01T10:00:00+01:00"))
    write_file("undated.md", post("Undated"))
    write_file("mid.md", post("Mid", "07:45 27/09/2019"))
    library = load_library(tmp_path)
    assert [article.title for article in library] == ["New", "Mid", "Old", "Undated"]
    assert len(library) == 4
    found = library.get("new/post.md")
    assert found is not None
    assert found.title == "New"
    assert library.get("missing.md") is None
    assert library.problems == []


def test_a_single_file_library(tmp_path: Path, write_file: WriteFile) -> None:
    path = write_file("one.md", post("One"))
    library = load_library(path)
    assert [article.id for article in library] == ["one.md"]


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_library(tmp_path / "nope")


def test_loading_twice_gives_the_same_library(tmp_path: Path, write_file: WriteFile) -> None:
    for index in range(12):
        write_file(f"d{index % 3}/{index:02}.md", post(f"T{index}", "2020-01-01", f"A{index % 2}"))
    first, second = load_library(tmp_path), load_library(tmp_path)
    assert [a.id for a in first] == [a.id for a in second]
    # Equal dates fall back to the id, so the order is total.
    assert [a.id for a in first] == sorted(a.id for a in first)


PLUS_TWO = timezone(timedelta(hours=2))
ARTICLES = [
    make("c.md", title="banana", area="North", published=datetime(2020, 1, 1, 12, 0)),
    make("a.md", title="Apple", area="south", published=datetime(2020, 1, 1, 11, 0, tzinfo=UTC)),
    make("b.md", title="cherry", area=None, published=None),
    # 12:30+02:00 is 10:30 UTC: older than a.md despite the later wall-clock time.
    make("d.md", title="apple", area="North",
         published=datetime(2020, 1, 1, 12, 30, tzinfo=PLUS_TWO)),
    make("e.md", title="Date", area="West", published=datetime(2019, 5, 5)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("newest", ["c.md", "a.md", "d.md", "e.md", "b.md"]),
        ("oldest", ["e.md", "d.md", "a.md", "c.md", "b.md"]),
        ("title", ["a.md", "d.md", "c.md", "b.md", "e.md"]),
        ("area", ["c.md", "d.md", "a.md", "e.md", "b.md"]),
    ],
)
def test_sort_orders(order: str, expected: list[str]) -> None:
    assert [article.id for article in sort_articles(ARTICLES, order)] == expected
    assert order in SORT_ORDERS


def test_unknown_sort_order() -> None:
    with pytest.raises(ValueError, match="unknown sort order"):
        sort_articles(ARTICLES, "random")


def test_published_sort_key_treats_naive_as_utc_and_none_as_oldest() -> None:
    naive = published_sort_key(datetime(2020, 1, 1))
    assert naive == published_sort_key(datetime(2020, 1, 1, tzinfo=UTC))
    assert published_sort_key(None) < published_sort_key(datetime(1, 1, 1))


def test_facets() -> None:
    result = facets(ARTICLES)
    assert result.areas == [("North", 2), ("south", 1), ("West", 1)]
    assert result.years == [(2020, 3), (2019, 1)]


def test_duplicate_urls() -> None:
    articles = [
        make("a.md", url="http://e/1"),
        make("b.md", url="http://e/2"),
        make("c.md", url="http://e/1"),
        make("d.md", url=None),
        make("e.md", url=None),
    ]
    assert {url: [a.id for a in group] for url, group in duplicate_urls(articles).items()} == {
        "http://e/1": ["a.md", "c.md"]
    }


def test_library_sorts_what_it_is_given() -> None:
    library = Library(root=Path(), articles=list(ARTICLES))
    assert [article.id for article in library] == ["c.md", "a.md", "d.md", "e.md", "b.md"]


def test_ids_use_forward_slashes(tmp_path: Path, write_file: WriteFile) -> None:
    write_file(os.path.join("x", "y", "z.md"), post("Z"))
    assert [article.id for article in load_library(tmp_path)] == ["x/y/z.md"]
