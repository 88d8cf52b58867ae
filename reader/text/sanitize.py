"""Text clean-up shared by everything that loads article text."""

from __future__ import annotations

import html
import re
from collections.abc import Collection

from reader.text.chars import non_ascii

# C0 controls except tab and newline, DEL, C1 controls; plus the bidi marks (arabic
# letter, left-to-right and right-to-left), embedding, override and isolate controls
# (they reorder what the terminal shows: "Trojan Source") and stray BOMs. Stripped from
# everything loaded, so nothing can reach the terminal as a sequence.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


# Longer text is cleaned a slice at a time: re.sub holds every piece between two matches
# until it joins them (a 16 MB file of escape sequences is 4 million pieces, 300 MB).
_CLEAN_SLICE = 1 << 20


def strip_control(text: str) -> str:
    """Remove terminal control characters, keeping newlines and tabs."""
    found = _UNSAFE.search(text)
    if found is None:
        return text
    # A text holds a few kinds of them at most, as a rule: str.replace removes each kind
    # at memory speed, where re.sub makes a piece of text per match.
    for _kind in range(4):
        text = text.replace(found.group(), "")
        found = _UNSAFE.search(text)
        if found is None:
            return text
    if len(text) <= _CLEAN_SLICE:
        return _UNSAFE.sub("", text)
    return "".join(
        _UNSAFE.sub("", text[start : start + _CLEAN_SLICE])
        for start in range(0, len(text), _CLEAN_SLICE)
    )


def utf8_may_hold_control(data: bytes) -> bool:
    """Whether UTF-8 `data` (valid or not) may decode to text that strip_control would
    change: False when it has no byte that starts the UTF-8 of one of those characters
    (most articles). Deleting every other byte runs at memory speed, where a search of
    the text tests each character against the set."""
    return bool(data.translate(None, _NO_CONTROL_STARTS))


# Every byte but those that start the UTF-8 of a character _UNSAFE matches (a test
# checks it against every code point): ASCII controls, then 0xc2 (C1 controls), 0xd8
# (U+061C), 0xe2 (the bidi controls U+200E-U+2069), 0xef (U+FEFF).
_CONTROL_STARTS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0xC2, 0xD8, 0xE2, 0xEF])
_NO_CONTROL_STARTS = bytes(byte for byte in range(256) if byte not in _CONTROL_STARTS)


def holds_control(text: str) -> bool:
    """Whether strip_control would remove anything from `text`."""
    return _UNSAFE.search(text) is not None


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_value(text: str) -> str:
    """A metadata string as shown: entities decoded (`&amp;` -> `&`), controls removed.

    Decoding comes first so an encoded control (`&#27;`) is removed too.
    """
    if "&" in text:
        text = html.unescape(text)
    return strip_control(text)


# What str.split() splits at (the characters `\s` matches, str.isspace), but the space
# and the newline: a test checks every code point.
OTHER_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_SPACES = tuple(space for space in OTHER_SPACES if space.isascii())
_OTHER_SPACES = frozenset(space for space in OTHER_SPACES if not space.isascii())


def one_line(text: str, chars: Collection[str] | None = None) -> str:
    """Collapse runs of whitespace (newlines included) to single spaces. `chars`: the
    non-ASCII characters of `text` (or more), when known already."""
    # Most text's only whitespace is spaces and newlines: then its lines are stripped
    # and joined, and what runs of spaces are left inside a line replaced, where
    # str.split() makes a string of each word. (Replacing "  " over the whole text,
    # where every blank line left one, cost twice as much: 2.5 KB, 12 us rather than 6.)
    if not text.isascii() and not _OTHER_SPACES.isdisjoint(
        non_ascii(text) if chars is None else chars
    ):
        return " ".join(text.split())
    for space in _ASCII_SPACES:
        if space in text:
            return " ".join(text.split())
    if "\n" in text:
        line = " ".join([part for part in text.split("\n") if part.strip(" ")])
    else:
        line = text
    while "  " in line:
        line = line.replace("  ", " ")
    return line.strip(" ")
