"""Property tests: whatever bytes a file holds, the loader returns a clean Article or a
LoadProblem, and never raises."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metadata_strings import strings_in

from reader.loading import load_article
from reader.model import Article, LoadProblem

# What must never reach a terminal: C0 (but newline and tab), DEL, C1, bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Pieces of the syntax the loader looks at, so random files often open a metadata block,
# nest YAML, use entities and markdown lists, and carry control characters.
_PIECES = st.sampled_from(
    [
        "```yaml\n", "```yml\n", "~~~yaml\n", "```\n", "~~~\n", "---\n", "...\n", "+++\n",
        "\n", "\r\n", "\r", " ", "  ", "\t", ": ", "- ", "* ", "+ ", "1. ", "> ", "# ",
        "title: ", "date: ", "area: ", "og:\n  title: ", "publish:\n  date: ", "categories: [",
        "title = ", '"', "'", "[", "]", "{", "}", "&a ", "*a", "<<: ", "!!binary ", "!!set ",
        "&amp;", "&#8217;", "&#27;", "&#8238;", "&", "`", "_", "**", "[x](http://e/)",
        "07:45 27/09/2019", "2019-09-27T07:45:00+01:00", "99/99/9999",
        "\x1b[2J", "\x07", "\x9b", "\x85", "\u2028", "\u202e", "\ufeff", "\x00", "\ufffd",
    ]
)  # fmt: skip
ARTICLE_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=60).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1"])

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture(scope="module")
def article_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("property") / "article.md"


def check(item: Article | LoadProblem, path: Path) -> None:
    assert isinstance(item, Article | LoadProblem)
    assert item.path == path
    if isinstance(item, LoadProblem):
        assert item.message
        return
    assert item.title
    assert "\n" not in item.title
    texts = [item.title, item.body, *item.initiatives, *item.warnings]
    texts += [field for field in (item.url, item.area, item.description, item.image) if field]
    texts += [field for field in (item.locale, item.kind, item.published_raw) if field]
    texts += list(strings_in(item.metadata))
    for text in texts:
        assert not UNSAFE.search(text), repr(text)
    assert all(item.strip() and "\n" not in item for item in item.initiatives)
    assert all("\n" not in warning for warning in item.warnings)
    assert item.word_count >= 0


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_load_or_are_a_problem(article_path: Path, data: bytes) -> None:
    article_path.write_bytes(data)
    check(load_article(article_path, article_path.parent), article_path)


@PROPERTY_SETTINGS
@given(ARTICLE_TEXT, ENCODINGS)
def test_article_like_text_in_any_encoding_loads_clean(
    article_path: Path, text: str, encoding: str
) -> None:
    article_path.write_bytes(text.encode(encoding, errors="replace"))
    item = load_article(article_path, article_path.parent)
    check(item, article_path)
    if encoding.startswith("utf-8") and "\x00" not in text:
        # Only NUL bytes, size and I/O make a problem: text always becomes an article.
        assert isinstance(item, Article), item


@PROPERTY_SETTINGS
@given(ARTICLE_TEXT)
def test_text_after_a_bom_loads_like_text_without_one(article_path: Path, text: str) -> None:
    article_path.write_bytes(text.encode("utf-8", errors="replace"))
    plain = load_article(article_path, article_path.parent)
    article_path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8", errors="replace"))
    with_bom = load_article(article_path, article_path.parent)
    assert type(plain) is type(with_bom)
    if isinstance(plain, Article) and isinstance(with_bom, Article):
        assert (plain.title, plain.body, plain.metadata) == (
            with_bom.title,
            with_bom.body,
            with_bom.metadata,
        )
        assert plain.initiatives == with_bom.initiatives


_MARKUP_PIECES = st.sampled_from(
    ["a", " ", "\n", "<", "<b>", "</i>", "<!--", "<?", "<1", "{", "{{", "{%", "{:", "{/",
     "[", "[!", "[^", "!", "!!!", "???", ":::", "  :::", "\t!!!", ":", "?", "^"]
)  # fmt: skip


@PROPERTY_SETTINGS
@given(st.lists(st.lists(_MARKUP_PIECES, max_size=8).map("".join), max_size=8))
def test_the_paragraphs_holding_html_or_tags_are_found_at_once(texts: list[str]) -> None:
    """body_text looks for HTML and template tags in all of a body's paragraphs in one
    search a mark; it finds the paragraphs a search of each finds."""
    from reader.loading.body import _NOT_TEXT, _holding_markup

    expected = [index for index, text in enumerate(texts) if _NOT_TEXT.search(text)]
    assert _holding_markup(texts) == expected


@PROPERTY_SETTINGS
@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
def test_html_or_tags_are_found_by_a_search_of_the_lines_with_a_mark(text: str) -> None:
    from reader.loading.body import _NOT_TEXT, _holds_not_text

    assert _holds_not_text(text) == (_NOT_TEXT.search(text) is not None)


@PROPERTY_SETTINGS
@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
def test_the_look_for_marks_is_a_look_for_each(text: str) -> None:
    """_may_hold_markup, which looks for `:::` only where there are two colons, is the
    look for each mark."""
    from reader.loading.body import _MARKS, _REPEATED, _may_hold_markup

    marks = [*_MARKS, *(marker for _char, markers in _REPEATED for marker in markers)]
    assert _may_hold_markup(text) == any(mark in text for mark in marks)
