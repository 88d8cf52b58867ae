"""one_line (reader.text.sanitize) collapses whitespace exactly as str.split() then a
join does, for every kind of whitespace."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.sanitize import OTHER_SPACES, one_line

SPACES = [chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()]


def test_other_spaces_are_every_whitespace_but_the_space_and_the_newline() -> None:
    assert sorted(OTHER_SPACES + " \n") == SPACES
    assert all(("a" + space + "b").split() == ["a", "b"] for space in SPACES)


@settings(max_examples=1000, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from([*SPACES, " ", " ", "\n", "a", "é", "東", "\u200b", "\x00"]),
            st.characters(),
        ),
        max_size=40,
    )
)
def test_one_line_is_split_then_join(text: str) -> None:
    assert one_line(text) == " ".join(text.split())


@settings(max_examples=300)
@given(
    st.text(
        alphabet=st.sampled_from([" ", "\n", "a", "é", "東", "\t", "\xa0", "\u3000"]), max_size=30
    ),
    st.sets(st.sampled_from(["é", "東", "\xa0", "\u3000", "\u2028"]), max_size=3),
)
def test_one_line_given_more_characters_than_the_text_holds_is_the_same(
    text: str, more: set[str]
) -> None:
    """Its non-ASCII characters, or more (a space it does not hold among them), as
    reader.search.snippets gives those of a whole body for a part of it."""
    chars = {char for char in text if not char.isascii()} | more
    assert one_line(text, chars) == " ".join(text.split())


def test_runs_of_spaces_and_newlines_become_one_space() -> None:
    assert one_line("\n\n  a  \n\n\n   b c\n") == "a b c"
    assert one_line(" " * 1000 + "a" + " \n" * 500) == "a"
    assert one_line("") == "" and one_line(" \n ") == ""
