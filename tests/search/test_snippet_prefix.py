"""A long body's windows made from its first lines (snippets.prefix_windows) are the
ones made from its whole plain text: on generated markdown built to stress where the first
lines end (hits at line ends, phrases over a line's end, long lines, lines of marks only,
links and emphasis that join letters, bullets, CJK, blank lines, runs of spaces, Unicode
spaces, `\r`), and against the reference for whole articles."""

from __future__ import annotations

import importlib
from collections.abc import Collection

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.search import Node, parse_query, snippets
from reader.search.snippets import (
    _BULLET_STAND_IN,
    BULLET,
    _hits,
    _windows,
    plain_text,
    prefix_windows,
)
from tests.search import reference_snippets as reference
from tests.search.test_snippets_reference import article

# (reader.search's `snippets` is the function of that name.)
snippets_module = importlib.import_module("reader.search.snippets")

QUERIES = [
    "burglary", "burg", "police", "cafe", "naive", "fine", "東京", "京都", "x",
    '"police burglary"', '"burglary police cafe"', "police OR cafe",
    '"police burglary" OR police', "burglary -cafe",
    '"x x"', "body:police",
]  # fmt: skip
WORDS = [
    "burglary", "Burglary", "BURGLARIES", "burg", "police", "Police", "café", "cafe\u0301",
    "naïve", "ﬁne", "東京都", "京都", "x", "xx", "a", "the", "co-op", "x_y", "½",
    "bur", "glary", "po", "lice", "caf", "東", "京",
]  # fmt: skip
# What joins letters when plain_text drops it, and what does not.
INLINE = ["**", "__", "~~", "`", "*", "_", "[", "](http://x.example/a b)", "![", "]", "(", ")"]
SPACES = [" ", " ", " ", "    ", "\t", "\u00a0", "\u3000", "\u2028", "\r", "\x1c"]
LINE_STARTS = ["", "", "", "- ", "* ", "  + ", "# ", "### ", "> ", ">", "1. ", "12) ", "    "]
PUNCTUATION = [".", ",", "—", "・", "•", "\x07", "!", "?", "-"]

line_texts = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(SPACES),
        st.sampled_from(INLINE),
        st.sampled_from(PUNCTUATION),
    ),
    max_size=12,
).map("".join)
# The query's words, whole or joined by what plain_text drops (and by what it keeps).
HITS = [
    "burglary", "police", "Police", "café", "東京", "bur**glary", "bur__glary", "bur~~glary",
    "bur`glary", "[bur](http://x.example/a)glary", "bur[glary](http://x.example/a)",
    "![po](x)lice", "**burglary**", "`police`", "*burglary*", "bur*glary", "bur_glary",
    "bur[gl]ary", "東`京", "café",
]  # fmt: skip
hit_texts = st.lists(
    st.one_of(st.sampled_from(HITS), st.sampled_from(SPACES), st.sampled_from(PUNCTUATION)),
    min_size=1,
    max_size=5,
).map("".join)
lines = st.builds(
    str.__add__, st.sampled_from(LINE_STARTS), st.one_of(line_texts, hit_texts, hit_texts)
)
# Lines of filler (no hit, no mark that joins letters) stand between the lines that may
# hold hits. Some are long in markdown but short or empty in plain text (spaces, marks, a
# link with no label), so the first lines' plain text falls short of a window or a hit.
# (A filler of a query's later words: a phrase may run on into it.)
fillers = st.builds(
    str.__mul__,
    st.sampled_from(
        ["lorem ipsum ", "lorem", " ", "*", "- ", "[](http://x.example/a)", "a ", "burglary "]
    ),
    st.one_of(st.integers(0, 3), st.integers(0, 30)),
)


@st.composite
def bodies(draw: st.DrawFn, min_size: int = 0) -> str:
    found = draw(st.lists(fillers, min_size=min_size, max_size=30))
    for line in draw(st.lists(lines, max_size=6)):
        found.insert(draw(st.integers(0, len(found))), line)
    return "\n".join(found)


def whole_windows(text: str, query: Node, bullet: str, limit: int, width: int) -> list[str]:
    plain = plain_text(text, bullet=bullet)
    return _windows(plain, _hits(plain, query, "body"), limit, width)


@settings(max_examples=3000, deadline=None)
@given(
    bodies(),
    st.sampled_from(QUERIES),
    st.booleans(),
    st.sampled_from([BULLET, _BULLET_STAND_IN]),
    st.integers(1, 3),
    st.integers(4, 40),
    st.sampled_from([0, 1, 16, 64]),
)
# A phrase runs on past the first lines, over a line empty in plain text.
@example("lorem ipsum lorem ipsum lorem\npolice\n \nburglary\nx", '"police burglary"', False,
         BULLET, 1, 20, 0)  # fmt: skip
# A window runs on past the first lines.
@example("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nburglary\nbb cc\ndd ee ff", "burglary", False,
         BULLET, 1, 20, 0)  # fmt: skip
# The first lines hold a hit of a shorter alternative than the whole's, and what follows
# it there is no word.
@example("police\nburglary", '"police burglary" OR police', False, BULLET, 1, 4, 0)
@example("police —\nburglary\nx", '"police burglary" OR police', False, BULLET, 1, 4, 0)
# Letters joined by a dropped mark, or a link's label and the text after it.
@example("lorem ipsum\nbur**glary\nlorem", "burglary", False, BULLET, 1, 20, 0)
@example("lorem ipsum\n[bur](http://x.example/a)glary\nlorem", "burglary", False, BULLET, 1,
         20, 0)  # fmt: skip
def test_prefix_windows_are_the_whole_bodys(
    body: str,
    query_text: str,
    prefix_last: bool,
    bullet: str,
    limit: int,
    width: int,
    first_lines: int,
) -> None:
    """(With the first lines read from one on, so that where they end often falls just
    before or after what a window or a hit needs.)"""
    query = parse_query(query_text, prefix_last=prefix_last)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snippets_module, "FIRST_LINES", first_lines)
        made = prefix_windows(body, query, bullet, limit, width)
    assert made == whole_windows(body, query, bullet, limit, width)


def test_prefix_windows_read_the_first_lines_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long body with hits in its first lines: only those are made plain."""
    filler = "\n".join(f"Line {number} of the report, on nothing much." for number in range(400))
    hit = "A **burg**lary at the [police](http://x.example) station.\nNothing more.\n"
    body = hit * 3 + filler
    read: list[int] = []

    def counted(
        markdown: str, *, bullet: str = BULLET, chars: Collection[str] | None = None
    ) -> str:
        read.append(len(markdown))
        return plain_text(markdown, bullet=bullet, chars=chars)

    monkeypatch.setattr(snippets_module, "plain_text", counted)
    query = parse_query("burglary")
    made = prefix_windows(body, query, BULLET, 2, 60)
    assert made == whole_windows(body, query, BULLET, 2, 60)
    assert len(made) == 2 and made[0].startswith("A burglary at the police")
    assert sum(read) < len(body) / 4


@settings(max_examples=500, deadline=None)
@given(
    bodies(min_size=1), st.sampled_from(QUERIES), st.integers(1, 3), st.sampled_from([20, 60, 160])
)
def test_long_body_snippets_are_the_reference_ones(
    body: str, query_text: str, limit: int, width: int
) -> None:
    """Every body taken as long (LONG_BODY 0), whole articles against the reference."""
    query = parse_query(query_text)
    made = article(body, {"title": "T"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snippets_module, "LONG_BODY", 0)
        found = snippets(made, query, limit=limit, width=width)
    assert found == reference.snippets(made, query, limit=limit, width=width)


@pytest.mark.parametrize("query_text", ["title:burglary", "og.type:burglary", "tags:police"])
def test_a_query_without_body_words_reads_no_body(
    monkeypatch: pytest.MonkeyPatch, query_text: str
) -> None:
    """Only metadata can have its hits: the body is not made plain (`search --json
    area:derbyshire` did it for every result)."""
    made = article("A burglary, reported to the police.\n" * 400, {"og.type": "burglary"})
    query = parse_query(query_text, metadata_keys=frozenset({"og.type", "tags"}))
    expected = reference.snippets(made, query)

    def refused(markdown: str, *, bullet: str = BULLET) -> str:
        raise AssertionError("the body was made plain")

    monkeypatch.setattr(snippets_module, "plain_text", refused)
    assert snippets(made, query) == expected
