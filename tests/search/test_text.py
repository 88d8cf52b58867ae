"""Folding and tokens: what counts as a word, and mapping tokens back to the original text."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.index.rows import search_text
from reader.loading import parse_article
from reader.model import flatten, fold_path
from reader.text.tokens import (
    RUN_BREAK,
    FoldedText,
    _value_texts,
    fold,
    fold_char,
    keys_of,
    leaves_and_keys,
    metadata_keys,
    metadata_leaves,
    token_spans,
    tokenize,
)


def test_tokens_are_folded_runs_of_letters_and_digits() -> None:
    text = "Café CO-OP don't x_y ﬁne Straße ΣΊΣΥΦΟΣ ｐｏｌｉｃｅ ½ 2019 東京"
    assert tokenize(text) == [
        "cafe", "co", "op", "don", "t", "x", "y", "fine", "strasse", "σισυφοσ", "police",
        "1", "2", "2019", "東京",
    ]  # fmt: skip


def test_combining_accents_and_precomposed_letters_fold_alike() -> None:
    assert tokenize("cafe\u0301") == tokenize("café") == tokenize("CAFE") == ["cafe"]
    # A mark does not split a word, wherever it is.
    assert tokenize("nai\u0308ve") == ["naive"]


def test_word_characters_are_exactly_letters_and_digits() -> None:
    """The tokenizer's regex relies on Python's \\w being L*, N* and "_" exactly."""
    word = re.compile(r"[^\W_]")
    mismatched = [
        code
        for code in range(sys.maxunicode + 1)
        if bool(word.match(chr(code))) != (unicodedata.category(chr(code))[0] in "LN")
    ]
    assert mismatched == []


def test_folding_is_idempotent_for_every_character() -> None:
    assert all(
        fold(fold_char(chr(code))) == fold_char(chr(code)) for code in range(sys.maxunicode + 1)
    )


mixed_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list("aAéÉe\u0301\u0308ßﬁΣσς½_-' .İı東京脆弱性한국어が・\u1161\u093e\u0947")
        ),
    ),
    max_size=40,
)


@settings(max_examples=300)
@given(mixed_text)
def test_folding_a_character_at_a_time_gives_the_same_tokens(text: str) -> None:
    assert [token for token, _start, _end in token_spans(text)] == tokenize(text)


@settings(max_examples=300)
@given(mixed_text)
def test_token_spans_point_at_the_characters_that_made_the_token(text: str) -> None:
    previous = (0, 0)
    for token, start, end in token_spans(text):
        assert previous <= (start, end) and start < end <= len(text)
        # One character may fold to several tokens ("¼" is "1⁄4"), so spans may share it.
        assert _made(token, text[start:end])
        previous = (start, end)


def test_token_span_covers_trailing_combining_marks() -> None:
    assert token_spans("cafe\u0301 au lait") == [("cafe", 0, 5), ("au", 6, 8), ("lait", 9, 13)]


def test_folded_text_maps_ligatures_and_expansions_back() -> None:
    folded = FoldedText("Große ﬁsh")
    assert folded.folded == "grosse fish"
    start = folded.folded.index("fish")
    assert folded.original_span(start, start + 4) == (6, 9)  # "ﬁsh": the ligature and "sh"
    assert folded.original_span(0, 6) == (0, 5)


@settings(max_examples=300)
@given(mixed_text)
@example("ΑΘΗΝΑΣ και ΟΔΟΣ")  # lower() makes a word-final Σ a ς; folding makes it σ
def test_folded_text_is_the_text_folded_a_character_at_a_time(text: str) -> None:
    # Texts whose characters all fold one for one take a quicker way: the same result.
    folded = FoldedText(text)
    assert folded.folded == "".join(fold_char(char) for char in text)
    for token, start, end in token_spans(text):
        assert _made(token, text[start:end])


def _folded_the_general_way(text: str) -> FoldedText:
    """FoldedText(text) made the general way (a piece for each non-ASCII character),
    whatever quicker way its characters allow."""
    folded = FoldedText.__new__(FoldedText)
    folded.original = text
    folded._fold_pieces(text)
    return folded


@settings(max_examples=500)
@given(mixed_text, st.sets(st.sampled_from(list("éÉßﬁ東\u0301Σς\u0130\u212a")), max_size=3))
@example("ΑΘΗΝΑΣ και ΟΔΟΣ", set())
@example("Kelvin \u212a", set())
def test_folded_text_maps_back_as_the_general_way_does(text: str, more: set[str]) -> None:
    """The quick way (each character folds to one), given the text's non-ASCII
    characters or more (a body's, for its plain text), or finding them itself: the same
    folded text, each position mapped back to the same characters."""
    general = _folded_the_general_way(text)
    length = len(general.folded)
    for chars in (None, {char for char in text if not char.isascii()} | more):
        quick = FoldedText(text, chars)
        assert quick.folded == general.folded
        for start in range(length):
            for end in (start + 1, length):
                assert quick.original_span(start, end) == general.original_span(start, end)
        folded_chars = {char for char in general.folded if not char.isascii()}
        assert folded_chars <= set(quick.folded_non_ascii())


def _made(token: str, text: str) -> bool:
    """Whether `text` made `token`: holds it, or (the break between two CJK runs) is
    what separates them, no token at all."""
    if token == RUN_BREAK:
        return tokenize(text) == []
    return token in tokenize(text)


def test_every_character_folds_alike_in_a_folded_text_and_alone() -> None:
    """Each character of the Basic Multilingual Plane, inside and at the end of a word
    (where lower() treats Σ differently), as FoldedText's quick way and fold_char say."""
    for code in range(0x80, 0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        for text in (f"a{char}a", f"Σa{char}", f"aΣ{char} "):
            expected = "".join(fold_char(c) for c in text)
            assert FoldedText(text).folded == expected, (hex(code), text)


def test_metadata_leaves_cover_nested_values_and_list_items() -> None:
    metadata = {
        "og": {"Locale": "en_GB", "type": "website"},
        "og:title": "Flat key",
        "tags": ["knife crime", 42, None, True],
        "authors": [{"name": "A. Writer"}, "plain"],
        "empty": None,
    }
    assert list(metadata_leaves(metadata)) == [
        ("og.locale", "en_GB"),
        ("og.type", "website"),
        ("og.title", "Flat key"),
        ("tags", "knife crime"),
        ("tags", "42"),
        ("tags", "True"),
        ("authors.name", "A. Writer"),
        ("authors", "plain"),
    ]


def _leaves_walked(metadata: Any) -> list[tuple[str, str]]:
    """metadata_leaves as it was: flatten's leaves, each value's texts."""
    return [
        (fold_path(key), text) for key, value in flatten(metadata) for text in _value_texts(value)
    ]


_KEY = st.sampled_from(["a", "B", "og:title", "x.y", "İ", "a:b:c", ""])
_SCALAR = st.one_of(st.text(max_size=5), st.none(), st.integers(), st.booleans(), st.floats())
_METADATA = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEY, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(_KEY, _METADATA, max_size=5))
def test_metadata_leaves_are_the_walk_of_flatten(metadata: dict[str, Any]) -> None:
    """The walk of strings and dicts, the rest handed to flatten, gives its leaves."""
    assert metadata_leaves(metadata) == _leaves_walked(metadata)


def test_metadata_keys_include_every_dotted_prefix() -> None:
    article = parse_article(
        "---\nOG:\n  Locale: en_GB\npublish:\n  date: 2019-09-27\n---\nbody\n",
        path=Path("a.md"),
        article_id="a.md",
    )
    assert metadata_keys([article]) == {"og", "og.locale", "publish", "publish.date"}


def test_search_text_keeps_each_text_apart() -> None:
    article = parse_article(
        "---\ntitle: Drones\narea: Kent\nurl: https://x.example/a\n---\n"
        "Intro.\n\n * First **bold** item\n * Second\n",
        path=Path("a.md"),
        article_id="a.md",
    )
    text = search_text(article)
    assert text.title == "Drones"
    assert text.initiatives == ("First bold item", "Second")
    assert text.area == "Kent"
    assert text.url == "https://x.example/a"
    assert ("area", "Kent") in text.metadata


_METADATA_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "B", "og:t", "c.d"]), inner, max_size=3),
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.sampled_from(["title", "Og:Title", "tags", "x.y"]), _METADATA_VALUES))
def test_leaves_and_keys_are_metadata_leaves_and_keys_of(metadata: dict[str, Any]) -> None:
    # One walk for both (indexing an article wants both), with a shortcut for text.
    leaves, keys = leaves_and_keys(metadata)
    assert leaves == list(metadata_leaves(metadata))
    assert keys == keys_of(metadata)
