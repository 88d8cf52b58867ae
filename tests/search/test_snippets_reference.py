"""Today's highlights and snippets against the reference (tests/search/reference_snippets:
the code before its speed-ups), result for result: generated texts and queries (CJK,
accents, Unicode spaces, markdown marks, phrases, prefixes, fields) and the samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.loading import parse_article
from reader.model import Article
from reader.resources import samples_dir
from reader.search import Node, QueryError, highlight_spans, parse_query, snippets
from reader.search.snippets import (
    _BULLET_STAND_IN,
    BULLET,
    _hit_plan,
    _hits,
    lacks_first_words,
    plain_text,
)
from tests.search import reference_snippets as reference

KEYS = frozenset({"og", "og.type", "og.locale", "tags"})

WORDS = [
    "burglary", "Burglary", "BURGLARY", "burglaries", "burg", "police", "Police", "café",
    "cafe\u0301", "CAFÉ", "naïve", "Straße", "strasse", "ﬁne", "co-op", "x_y", "İstanbul",
    "ΣΊΣΥΦΟΣ", "東京都", "東京", "脆弱性", "한국어", "カタカナ", "3月に", "½", "ｐｏｌｉｃｅ",
]  # fmt: skip
MARKS = [
    " ", " ", " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u3000", "\u2028", "\x1c", "**", "__",
    "~~", "`", "*", "_", "- ", "* ", "# ", "> ", "1. ", "[", "](http://x.example/a)", "!", ", ",
    ". ", "・", "<b>", "{{ x }}",
]  # fmt: skip
QUERY_WORDS = [
    "burglary", "burg", "police", "cafe", "café", "naive", "strasse", "fine", "co-op", "東京",
    "京都", "脆弱", "한국", "x", "istanbul", "σισυφοσ", "police burglary", "burglary OR cafe",
]  # fmt: skip

texts = st.lists(st.sampled_from(WORDS + MARKS), max_size=60).map("".join)


def article(body: str, metadata: dict[str, str], path: str = "a.md") -> Article:
    lines = "".join(f"{key}: {value!r}\n" for key, value in {"title": "T", **metadata}.items())
    return parse_article(f"---\n{lines}---\n{body}\n", path=Path(path), article_id=path)


def query_of(text: str, prefix_last: bool) -> Node | None:
    try:
        return parse_query(text, metadata_keys=KEYS, prefix_last=prefix_last)
    except QueryError:
        return None


@st.composite
def queries(draw: st.DrawFn) -> Node:
    words = draw(st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=3))
    shaped = []
    for word in words:
        shape = draw(st.sampled_from(["word", "phrase", "field", "not", "body"]))
        if shape == "phrase":
            shaped.append(f'"{word} {draw(st.sampled_from(QUERY_WORDS))}"')
        elif shape == "field":
            shaped.append(f"{draw(st.sampled_from(['og.type', 'tags', 'title']))}:{word}")
        elif shape == "not":
            shaped.append(f"-{word}")
        elif shape == "body":
            shaped.append(f"body:{word}")
        else:
            shaped.append(word)
    node = query_of(" ".join(shaped), draw(st.booleans()))
    return node if node is not None else parse_query("burglary")


@settings(max_examples=400, deadline=None)
@given(texts, texts, texts, texts, queries(), st.integers(1, 4), st.sampled_from([20, 60, 160]))
def test_snippets_are_the_reference_ones(
    body: str, title: str, kind: str, tags: str, query: Node, limit: int, width: int
) -> None:
    """(The title is a metadata value too, left out of the snippets; a tag may be the
    title again.)"""
    title = title.strip() or "T"
    made = article(body, {"title": title, "og.type": kind, "tags": tags or title})
    assert snippets(made, query, limit=limit, width=width) == reference.snippets(
        made, query, limit=limit, width=width
    )


@settings(max_examples=400, deadline=None)
@given(texts, st.lists(texts, min_size=1, max_size=8), queries(), st.integers(1, 4))
def test_snippets_from_many_metadata_values_are_the_reference_ones(
    title: str, values: list[str], query: Node, limit: int
) -> None:
    """A body without hits: the snippets come from the metadata values that hold them,
    among several (a value folding to more or fewer characters before the one with a
    hit, a value that is the title)."""
    title = title.strip() or "T"
    metadata: dict[str, object] = {
        "title": title,
        "og.type": values[0],
        "tags": [*values[1:-1], title],
        "og.locale": values[-1],
    }
    lines = "".join(f"{key}: {value!r}\n" for key, value in metadata.items())
    made = parse_article(f"---\n{lines}---\nNothing.\n", path=Path("a.md"), article_id="a.md")
    assert snippets(made, query, limit=limit) == reference.snippets(made, query, limit=limit)


@settings(max_examples=300, deadline=None)
@given(texts, queries(), st.sampled_from([None, "title", "body", "og.type", "initiative"]))
def test_highlights_are_the_reference_ones(text: str, query: Node, field: str | None) -> None:
    assert highlight_spans(text, query, field=field) == reference.highlight_spans(
        text, query, field=field
    )


@settings(max_examples=300, deadline=None)
@given(texts)
def test_plain_text_is_the_reference_one(text: str) -> None:
    assert plain_text(text) == reference.plain_text(text)


@settings(max_examples=300, deadline=None)
@given(texts, st.sets(st.sampled_from(["é", "東", "\u3000", "•"]), max_size=2))
@example("a\n1. - b\n> # c", set())  # a mark after another is not one
def test_plain_text_with_the_bullet_stand_in_and_known_characters_is_the_reference_one(
    text: str, more: set[str]
) -> None:
    """As _body_windows makes it: the ASCII stand-in for the bullet, and the body's
    non-ASCII characters (or more) given."""
    chars = {char for char in text if not char.isascii()} | more
    made = plain_text(text, bullet=_BULLET_STAND_IN, chars=chars)
    assert made == reference.plain_text(text).replace(BULLET, _BULLET_STAND_IN)


@settings(max_examples=300, deadline=None)
@given(texts, queries(), st.sets(st.sampled_from(["東", "한", "ß", "\u3000"]), max_size=2))
@example("ΣΊΣΥΦΟΣ burglary", parse_query("burg", prefix_last=True), {"東"})
def test_hits_given_more_characters_than_the_text_holds_are_the_same(
    text: str, query: Node, more: set[str]
) -> None:
    """_hits given a body's non-ASCII characters for a part of it (a CJK letter among
    them where the part has none: the pattern for CJK text, wanted where its folded
    text is not all ASCII) finds what it finds alone."""
    chars = {char for char in text if not char.isascii()} | more
    assert list(_hits(text, query, "body", chars)) == list(_hits(text, query, "body"))


def sample_articles() -> list[Article]:
    found = []
    for path in sorted(samples_dir().rglob("*")):
        if path.suffix in {".md", ".txt", ".mdx", ".markdown"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found.append(parse_article(text, path=path, article_id=path.name))
    return found


@pytest.mark.parametrize("prefix_last", [False, True])
def test_sample_snippets_are_the_reference_ones(prefix_last: bool) -> None:
    samples = sample_articles()
    assert len(samples) > 30
    words: set[str] = set()
    for sample in samples:
        words.update(sample.title.split()[:4])
        words.update(sample.body.split()[:200:7])
    checked = 0
    for text in sorted(words)[:50]:
        for query_text in (text, f'"{text} the"', f"title:{text}", f"{text} police"):
            query = query_of(query_text, prefix_last)
            if query is None:
                continue
            for sample in samples:
                assert snippets(sample, query) == reference.snippets(sample, query), (
                    sample.id,
                    query_text,
                )
                checked += 1
    assert checked > 2_000


# Words cut in two and written in other cases, with what plain_text drops between the
# pieces (emphasis and code marks, a link) or folds into them (accents, ligatures).
PIECES = [
    "bur", "glary", "Bur", "GLARY", "burglary", "BURGLARY", "pol", "ice", "Police", "ı",
    "İ", "\u0301", "ﬁ", "ﬂ", "ｐｏｌｉｃｅ", "ů", "é", "ï", "ß", "café", "naïve", "co", "op",
]  # fmt: skip
pieced = st.lists(st.sampled_from(PIECES + MARKS), max_size=30).map("".join)


@settings(max_examples=1000, deadline=None)
@given(pieced, queries(), st.sets(st.sampled_from(["é", "•", "東"]), max_size=2))
@example("bur**glary**", parse_query("burglary"), set())
@example("bur`glary`", parse_query("burglary"), set())
@example("[bur](x)glary", parse_query("burglary"), set())
@example("BURGLARY", parse_query("burglary"), set())
@example("bur\u0301glary", parse_query("burglary"), set())
@example("ｂｕｒｇｌａｒｙ", parse_query("burglary"), set())
@example("poıice", parse_query("police"), set())
def test_a_body_said_to_lack_the_first_words_has_no_hit(
    text: str, query: Node, more: set[str]
) -> None:
    """lacks_first_words, which spares a body's plain text and folding, says so only of
    a body whose plain text _hits finds nothing in."""
    plan = _hit_plan(query, "body")
    if plan is None:
        return
    chars = {char for char in text if not char.isascii()} | more
    if lacks_first_words(text, plan[1], chars):
        plain = plain_text(text, bullet=_BULLET_STAND_IN, chars=chars)
        assert list(_hits(plain, query, "body", chars)) == []


def test_bodies_with_their_hits_in_the_title_lack_the_first_words() -> None:
    """The shortcut is taken where it is meant to be (and left where a hit may be)."""
    firsts = ("burglary",)
    lacking = ["A police report.\n\n * Café naïve week", "", "Bur glary", "burg lary **x**"]
    for text in lacking:
        chars = {char for char in text if not char.isascii()}
        assert lacks_first_words(text, firsts, chars), text
    for text in ["Burglary", "bur**glary", "[bur](x)glary", "bur\u0301glary", "bürglary"]:
        chars = {char for char in text if not char.isascii()}
        assert not lacks_first_words(text, firsts, chars), text
    assert not lacks_first_words("police", ("東京",), set())
