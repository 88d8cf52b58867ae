"""Loading the hostile corpus: every file becomes an article or a problem with its reason,
every limit it runs into is reported, and nothing hangs.

The guards against hanging are generous joins on a thread, not timings: they tell
"finished" from "still going" (a YAML alias bomb expanded in full never finishes).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import pytest
from metadata_strings import strings_in

from hostile.corpus import KERNEL_FILES, Entry, HostileCorpus, simulate_file_system_trouble
from reader.articles import open_store
from reader.limits import MAX_MARKDOWN_MARKS, MAX_TITLE_CHARS
from reader.loading import load_article
from reader.model import Article, LoadProblem

# Generous: the quick corpus loads in about a second.
HANG_SECONDS = 120
# What must never reach a terminal: C0 controls but newline and tab, DEL, C1, bidi
# embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

T = TypeVar("T")


def finishes(work: Callable[[], T], seconds: float = HANG_SECONDS) -> T:
    """Run `work` in a thread; fail if it has not finished after `seconds`."""
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if errors:
        raise errors[0]
    return result[0]


def outcomes(
    root: Path, articles: list[Article], problems: list[LoadProblem]
) -> dict[str, tuple[str, list[str]]]:
    """{id: ("article", warnings) or ("problem", [message])}; ids must be unique."""
    found: dict[str, tuple[str, list[str]]] = {}
    for article in articles:
        assert article.id not in found, article.id
        found[article.id] = ("article", list(article.warnings))
    for problem in problems:
        problem_id = problem.path.relative_to(root).as_posix()
        assert problem_id not in found, problem_id
        found[problem_id] = ("problem", [problem.message])
    return found


def assert_matches(found: Mapping[str, tuple[str, list[str]]], expected: dict[str, Entry]) -> None:
    """Each file is listed or reported exactly as expected, with the expected reason."""
    assert sorted(found) == sorted(expected)
    wrong = []
    for entry_id, entry in expected.items():
        outcome, messages = found[entry_id]
        if outcome != entry.outcome or (
            entry.reported is not None and not any(entry.reported in m for m in messages)
        ):
            wrong.append((entry_id, entry.outcome, entry.reported, outcome, messages[:3]))
    assert not wrong, "\n".join(map(repr, wrong))


def assert_clean(article: Article) -> None:
    """Nothing the reader shows of an article holds a control or bidi character."""
    texts = [article.id, str(article.path), article.title, article.body, *article.warnings]
    texts += [*article.initiatives, *strings_in(article.metadata)]
    texts += [text for text in (article.url, article.area, article.description) if text]
    texts += [text for text in (article.image, article.locale, article.kind) if text]
    texts += [article.published_raw or ""]
    for text in texts:
        assert not UNSAFE.search(text), (article.id, text[:200])
    assert len(article.title) <= MAX_TITLE_CHARS
    assert "\n" not in article.title


@pytest.mark.parametrize("use_cache", [True, False], ids=["index", "memory"])
def test_every_file_is_listed_or_reported_with_its_reason(
    corpus: HostileCorpus, monkeypatch: pytest.MonkeyPatch, use_cache: bool
) -> None:
    simulate_file_system_trouble(monkeypatch, corpus)
    store = open_store(corpus.root, use_cache=use_cache)
    try:
        finishes(store.refresh)
        rows = store.rows()
        articles = store.articles([row.id for row in rows])
        problems = store.problems()
    finally:
        store.close()
    assert len(articles) == len(rows)
    expected = corpus.expected(simulated=True)
    # Count them: every file is one article or one problem (and unlistable folders one
    # problem each), none twice, none lost.
    assert len(articles) + len(problems) == len(expected)
    assert_matches(outcomes(corpus.root, articles, problems), expected)
    for article in articles:
        assert_clean(article)
    for problem in problems:
        assert not UNSAFE.search(str(problem.path) + problem.message), problem


def test_a_second_sync_reports_the_same(corpus: HostileCorpus) -> None:
    """The index keeps problems between syncs: an unchanged folder reads the same."""
    store = open_store(corpus.root)
    try:
        finishes(store.refresh)
        first = outcomes(
            corpus.root, store.articles([r.id for r in store.rows()]), store.problems()
        )
        report = finishes(store.refresh)
        second = outcomes(
            corpus.root, store.articles([r.id for r in store.rows()]), store.problems()
        )
    finally:
        store.close()
    assert second == first
    # Only files that could not be read are tried again.
    assert not report.added and not report.removed
    assert {file_id for file_id in report.changed if first[file_id][0] == "article"} <= {
        "files/unreadable.md"
    }


def test_limits_skip_metadata_without_pasting_it_into_the_body(corpus: HostileCorpus) -> None:
    store = open_store(corpus.root, use_cache=False)
    finishes(store.refresh)
    for name in ("metadata/over_limit.md", "metadata/alias_bomb.md"):
        article = store.article(name)
        assert article is not None
        assert article.metadata == {}
        assert article.body.startswith("# "), article.body[:80]
        assert "---" not in article.body


def test_deep_nesting_and_long_bodies_keep_their_text(corpus: HostileCorpus) -> None:
    """Past the markdown limits the body is plain text, but all of it is still there."""
    store = open_store(corpus.root, use_cache=False)
    finishes(store.refresh)
    for name in ("body/deep_bullets.md", "body/deep_quotes.md", "body/deep_mixed.md"):
        article = store.article(name)
        assert article is not None
        assert "deep text" in article.body
        assert any("nest more than 20 levels" in w for w in article.warnings), article.warnings
    items = store.article("body/many_items.md")
    assert items is not None
    # The body is one item a line, two marks (reader.markdown.BLOCK_MARKS) each: its
    # first MAX_MARKDOWN_MARKS / 2 lines are markdown.
    assert len(items.initiatives) == MAX_MARKDOWN_MARKS // 2
    assert items.body.count("* item") == 30_000


def test_escaped_names_keep_every_file_apart(corpus: HostileCorpus) -> None:
    store = open_store(corpus.root)
    try:
        finishes(store.refresh)
        ids = [row.id for row in store.rows()]
        article = store.article("names/esc\\x1b]0;pwned\\x07\\x1b[2J.md")
    finally:
        store.close()
    assert len(ids) == len(set(ids))
    assert article is not None
    assert article.title == "Escapes in the name"
    assert article.path.name == "esc\\x1b]0;pwned\\x07\\x1b[2J.md"


@pytest.mark.parametrize("target", KERNEL_FILES.values(), ids=KERNEL_FILES.keys())
def test_a_link_to_a_kernel_file_is_refused_unread(tmp_path: Path, target: str) -> None:
    """stat says /proc and /sys files are regular; a read of /proc/kmsg waits for the
    kernel for ever, and /proc/self/environ holds the reader's own secrets."""
    if not os.path.exists(target):
        pytest.skip(f"no {target} here")
    (tmp_path / "kernel.md").symlink_to(target)
    item = finishes(lambda: load_article(tmp_path / "kernel.md", tmp_path), 30)
    assert isinstance(item, LoadProblem)
    assert "one of the kernel's" in item.message


def test_a_fifo_put_in_place_of_a_file_after_its_stat_does_not_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regular = tmp_path / "regular.md"
    regular.write_text("# Regular\n")
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    real_stat = os.stat
    # The loader's stat sees the file that was there; by the open, a FIFO is.
    monkeypatch.setattr(
        os,
        "stat",
        lambda path, *args, **kwargs: real_stat(regular if path == fifo else path, *args, **kwargs),
    )
    item = finishes(lambda: load_article(fifo, tmp_path), 30)
    assert isinstance(item, LoadProblem)
    assert item.message == "not a regular file"


# Bodies markdown-it-py itself raises IndexError on (its blockquote and html_block rules;
# mdit_py_plugins' `:::` container rule), found by the differential tests.
PARSER_FAILS_ON = {
    "quote.md": "---\ntitle: Quote\n---\nBefore.\n\n> - - - <![CDATA[ kept words\n> ",
    "container.md": "---\ntitle: Container\n---\n- one\n- two\n\n> :::note kept words\n> ",
}


@pytest.mark.parametrize("name", PARSER_FAILS_ON)
def test_a_body_the_markdown_parser_fails_on_is_plain_text_with_a_warning(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(PARSER_FAILS_ON[name])
    article = load_article(path, tmp_path)
    assert isinstance(article, Article)  # was: not loaded, "unexpected error while loading"
    assert "kept words" in article.body
    assert article.initiatives == ()
    assert any("markdown parser failed on the body (IndexError" in w for w in article.warnings)
    store = open_store(tmp_path, use_cache=False)
    finishes(store.refresh)
    found = store.searcher().search_ids(store.searcher().parse("kept"))
    assert len(found.ids) == 1
