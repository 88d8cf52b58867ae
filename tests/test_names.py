"""reader.text.names: file names escaped for showing, storing and printing."""

from __future__ import annotations

import re
import sys

from reader.text import names
from reader.text.names import escape_name, unsafe_name


def test_every_character_is_escaped_exactly_when_the_pattern_says() -> None:
    """unsafe_name looks with the regex only at names str.isprintable() refuses: over
    every code point, it and escape_name agree with the regex alone."""
    pattern = re.compile(names._UNSAFE_NAME_CHARS)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        name = f"a{char}b.md"
        unsafe = pattern.search(char) is not None
        assert unsafe_name(name) is unsafe, hex(code)
        assert (escape_name(name) != name) is unsafe, hex(code)


def test_escapes_name_what_they_stand_for() -> None:
    assert escape_name("a\x1bb\u202e\udcff.md") == "a\\x1bb\\u202e\\xff.md"
    # Not printable, but no trouble in a name: kept.
    assert escape_name("no\u00a0break\u00adsoft.md") == "no\u00a0break\u00adsoft.md"
    assert escape_name("plain name.md") == "plain name.md"
