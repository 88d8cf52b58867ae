"""Rewriting text a character at a time (reader.text.chars) gives what str.translate and
the per-character rules give, and the word count's fast path counts what it says."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.loading.article import count_words
from reader.text import chars
from reader.text.chars import (
    CharTable,
    ascii_lowered,
    non_ascii,
    non_ascii_of_latin,
    replace_apart,
    replace_each,
)
from reader.text.tokens import HAN_AND_KANA_LETTERS

CHARS = st.one_of(
    st.characters(),
    st.sampled_from(list("aZ09_ -*#\n\t\x0b\x0c\x1c\x1f\x85\xa0é東—\u2003\u2028\u200bΣσ")),
)
texts = st.text(alphabet=CHARS, max_size=60)
# Replacements of any length, holding characters that are keys too (which replacing in
# turn must not replace again).
replacements = st.dictionaries(CHARS, st.text(alphabet=CHARS, max_size=3), max_size=40)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_non_ascii_finds_exactly_the_characters_that_are_not_ascii(text: str) -> None:
    assert non_ascii(text) == {char for char in text if not char.isascii()}


# Text of Latin-1 characters most often (the quick way of non_ascii_of_latin and
# ascii_lowered), sometimes others, surrogates among them.
latin_texts = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0xFF), CHARS, st.sampled_from(["\udcff", "\ud800"])
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(latin_texts)
def test_non_ascii_of_latin_text_is_non_ascii(text: str) -> None:
    assert non_ascii_of_latin(text) == non_ascii(text)


@settings(max_examples=500, deadline=None)
@given(latin_texts, st.sets(CHARS, max_size=4))
def test_ascii_lowered_lower_cases_ascii_letters_only(text: str, more: set[str]) -> None:
    """Given the text's non-ASCII characters, or more (a character past Latin-1 among
    them takes the other way)."""
    expected = "".join(char.lower() if char.isascii() else char for char in text)
    assert ascii_lowered(text, non_ascii(text) | more) == expected


@settings(max_examples=500, deadline=None)
@given(texts, replacements)
def test_replacing_each_character_is_what_translate_does(text: str, table: dict[str, str]) -> None:
    expected = text.translate({ord(char): new for char, new in table.items()})
    assert replace_each(text, table) == expected


def test_a_replacement_holding_a_character_replaced_later_is_not_replaced_again() -> None:
    assert replace_each("ab", {"a": "b", "b": "c"}) == "bc"


def test_a_replacement_may_hold_its_own_character() -> None:
    # As index_text doubles a CJK character (a, then a again) and replaces in turn.
    assert replace_each("a東b東", {"東": "<東|東>", "b": "B"}) == "a<東|東>B<東|東>"
    assert replace_each("東b", {"東": "<東b>", "b": "B"}) == "<東b>B"


@pytest.mark.parametrize("count", [150, 300])
def test_many_distinct_characters_are_replaced_as_translate_does(count: int) -> None:
    # A changelog's contributors' names: many distinct letters in a long text (replaced
    # one at a time up to a few hundred of them, by str.translate past that).
    letters = [chr(code) for code in range(0x100, 0x100 + count)]
    text = " ".join(f"{letter}x{letters[-index]}" for index, letter in enumerate(letters)) * 20
    table = {letter: letter.upper() + "-" for letter in letters}
    expected = text.translate({ord(char): new for char, new in table.items()})
    assert replace_each(text, table) == expected


# Keys past ASCII only (what the loader gives: a text's own characters that are not ASCII),
# surrogates and characters past the BMP among them.
WIDE = st.one_of(
    st.characters(min_codepoint=0x80),
    st.sampled_from(list("é東—\u2003\u2028\u200bΣσ\ud800\udfff\U0001f600")),
)
wide_replacements = st.dictionaries(WIDE, st.text(alphabet=CHARS, max_size=3), max_size=40)


@settings(max_examples=500, deadline=None)
@given(texts, wide_replacements)
def test_replacing_apart_is_what_translate_does(text: str, table: dict[str, str]) -> None:
    expected = text.translate({ord(char): new for char, new in table.items()})
    assert replace_apart(text, table) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=CHARS, max_size=8), max_size=30), wide_replacements, replacements)
def test_a_long_text_of_many_distinct_characters_is_replaced_as_translate_does(
    words: list[str], wide: dict[str, str], table: dict[str, str]
) -> None:
    # Long, with a key now and then: what replace_each cuts apart (asked below), but
    # where a key is ASCII.
    table = {**wide, **table}
    text = "ASCII prose " * 200 + " ".join([*words, *table]) + "\n" + "more prose " * 200
    expected = text.translate({ord(char): new for char, new in table.items()})
    assert replace_each(text, table) == expected


def test_a_changelog_with_many_names_is_cut_apart_and_french_prose_is_replaced_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def spy(text: str, *args: object) -> str:
        calls.append(text)
        return replace_apart(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(chars, "replace_apart", spy)
    names = "".join(chr(code) for code in range(0x100, 0x140))  # 64 distinct letters
    changelog = ("* [`abc123`] fix a bug (A. Person) #1234\n" * 2000) + names
    table = {char: char.upper() + "-" for char in names}
    assert replace_each(changelog, table) == changelog.translate(
        {ord(char): new for char, new in table.items()}
    )
    assert calls == [changelog]
    french = "Le café était très agréable à côté de la forêt, où ça. " * 2000
    table = {char: "?" for char in non_ascii(french)}
    assert replace_each(french, table) == french.translate(
        {ord(char): new for char, new in table.items()}
    )
    assert calls == [changelog]


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


_HAN_OR_KANA_LETTER = re.compile(f"((?![\\W_])[{HAN_AND_KANA_LETTERS}])")


def words_with_a_letter_or_digit(text: str) -> int:
    """What the word count counts, word by word: within a word, each Han or Kana letter
    is a word of its own, and so is each piece between them with a letter or digit."""
    return sum(
        1
        for word in text.split()
        for piece in _HAN_OR_KANA_LETTER.split(word)
        if _LETTER_OR_DIGIT.search(piece)
    )


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_the_word_count_counts_the_words_holding_a_letter_or_digit(text: str) -> None:
    assert count_words(text) == words_with_a_letter_or_digit(text)


def test_the_word_count_of_a_long_text_with_many_kinds_of_characters() -> None:
    text = "".join(chr(code) for code in range(0x20, 0x3000)) * 3 + " * -- naïve café 東京"
    assert count_words(text) == words_with_a_letter_or_digit(text)


# Text mostly not ASCII (Chinese, Japanese) is counted through a table kept from one text
# to the next, not by replacing its distinct characters: held to the same reference.
DENSE = st.one_of(st.characters(min_codepoint=0x80), st.sampled_from(list("東京の 。、a1 -")))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=DENSE, max_size=200))
def test_the_word_count_of_text_mostly_not_ascii(text: str) -> None:
    assert count_words(text) == words_with_a_letter_or_digit(text)


def test_a_japanese_page_is_counted_through_the_table() -> None:
    text = (
        "市内の自治会が続けている夜間の防犯パトロールに、この三年間で参加者が二倍に増えた。\n" * 3
    )
    assert len(text.encode()) > 2 * len(text)  # (what sends it through the table)
    assert count_words(text) == words_with_a_letter_or_digit(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_a_char_table_translates_as_translate_does_whatever_it_met_before(
    many: list[str],
) -> None:
    # Characters past the BMP, the table's own mark for "not met" (U+F8FF) and
    # surrogates, in texts one after another through one table.
    def make(char: str) -> str:
        return f"<{ord(char):x}>" if ord(char) % 3 else ""

    table = CharTable(make)
    for text in [*many, "\uf8ff\U0001f600\ud800東"]:
        assert table.translate(text) == "".join(make(char) for char in text)
