"""Rewriting a text one character at a time, at memory speed.

Most article text is ASCII with a few distinct other characters (`é`, `ï`, curly quotes,
dashes) used again and again. Finding those (deleting the ASCII bytes of the UTF-8, in C)
and replacing each with `str.replace` costs a few passes over the text at memory speed,
where a regex callback per run of them, or a dictionary lookup per character
(`str.translate`), costs several times more. The answer is always `str.translate`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

_ASCII_BYTES = bytes(range(128))
# With more distinct characters to replace than this (and a key in ASCII, else
# replace_apart is quicker still), one str.translate is quicker: it costs about 150 ns a
# character of the text, a str.replace about 0.4 ns.
_FEW = 200


def non_ascii(text: str) -> set[str]:
    """The distinct characters of `text` that are not ASCII."""
    data = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return set(data.decode("utf-8", "surrogatepass"))


def non_ascii_of_latin(text: str) -> set[str]:
    """non_ascii(text), for text whose other than ASCII characters are most often all
    Latin-1 (accented letters, no curly quote or dash: a body of the generated corpus):
    those are one byte each, and encoding them a copy, where UTF-8 makes two bytes of
    each (a 2.6 KB body: 4 us rather than 8). Text with others costs a failed try more
    (about 1 us)."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return non_ascii(text)
    return set(data.translate(None, _ASCII_BYTES).decode("latin-1"))


def ascii_lowered(text: str, chars: Iterable[str]) -> str:
    """`text` with its ASCII letters in lower case, every other character as it is: in
    its bytes, as str.lower() of text with other characters looks each up (19 us a
    2.6 KB body, this 8; 4 when `chars`, its non-ASCII characters or more, are Latin-1,
    one byte each)."""
    if all(char < "\u0100" for char in chars):
        return text.encode("latin-1").lower().decode("latin-1")
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def replace_each(text: str, replacements: Mapping[str, str]) -> str:
    """`text` with every character that is a key of `replacements` replaced by its value
    (a string of any length): what `str.translate` gives."""
    changes = {char: new for char, new in replacements.items() if new != char}
    if not changes:
        return text
    # Replacing in turn is what translate does unless a replacement holds a character
    # replaced after it (it would be replaced again). One holding its own character is
    # fine: str.replace does not look again at what it put in.
    in_turn = len(changes) <= _FEW and not any(
        char in changes and char != old for old, new in changes.items() for char in new
    )
    if len(changes) > _FEW_PASSES or not in_turn:
        data = text.encode("utf-8", "surrogatepass")
        others = data.translate(None, _ASCII_BYTES)
        # Each pass of str.replace copies the text (2 bytes a character once it holds one
        # past Latin-1): past a few distinct characters, and unless they are many (French
        # prose: an accent every few words), cutting the text at each once costs less (a
        # changelog of 950 KB with 64 distinct names' letters: 70 ms against 4 ms).
        if all(char >= "\x80" for char in changes) and (
            not in_turn or len(changes) * len(text) > _PASSES_A_BYTE * len(others)
        ):
            return replace_apart(text, changes, data, others)
        if not in_turn:
            return text.translate({ord(char): new for char, new in changes.items()})
    for char, new in changes.items():
        text = text.replace(char, new)
    return text


# With more distinct characters to replace than this, replace_each may cut the text apart.
_FEW_PASSES = 4
# What a character not ASCII costs replace_apart, in passes of str.replace over a byte.
_PASSES_A_BYTE = 64


def replace_apart(
    text: str,
    replacements: Mapping[str, str],
    data: bytes | None = None,
    others: bytes | None = None,
) -> str:
    """replace_each(text, replacements) for keys that are not ASCII, in a few passes over
    the text whatever their number: its UTF-8 cut at each character that is not ASCII (one
    mark for each: its first byte kept as the mark, the others dropped), and the pieces
    joined again with each such character's replacement between them. (`data`, `others`:
    the text's UTF-8 and its bytes that are not ASCII, if made already.)"""
    if data is None:
        data = text.encode("utf-8", "surrogatepass")
    if others is None:
        others = data.translate(None, _ASCII_BYTES)
    if not others:
        return text
    chars = others.decode("utf-8", "surrogatepass")
    new = {
        char: replacements.get(char, char).encode("utf-8", "surrogatepass") for char in set(chars)
    }
    pieces: list[bytes] = [b""] * (2 * len(chars) + 1)
    pieces[0::2] = data.translate(_MARK_EACH, _FOLLOWING_BYTES).split(_MARK)
    pieces[1::2] = map(new.__getitem__, chars)
    return b"".join(pieces).decode("utf-8", "surrogatepass")


# A character's UTF-8 is its first byte (0xc2-0xf4, or 0xed for a surrogate) then bytes
# 0x80-0xbf: those are dropped, and every first byte becomes 0xc0 (which UTF-8 never holds).
_MARK = b"\xc0"
_FOLLOWING_BYTES = bytes(range(0x80, 0xC0))
_MARK_EACH = _ASCII_BYTES + _FOLLOWING_BYTES + _MARK * 64


class CharTable:
    """What `make` gives each character, for `str.translate` over text of many distinct
    characters (Chinese, Japanese: hundreds a page), kept from one text to the next.

    A list indexed by code point: str.translate looks a character up in it in 65 ns
    where a dict takes 110 and a dict with __missing__ 180 (a page of Japanese: its 3,000
    characters). A character not met before is made when a text holding it is first
    translated; characters past the Basic Multilingual Plane (rare) go by a dict.
    """

    def __init__(self, make: Callable[[str], str]) -> None:
        self._make = make
        # Not met yet: a private-use character, made at once itself (no `make` gives it).
        self._table: list[str] = [_NOT_MET] * 0x10000
        for code in (*range(128), ord(_NOT_MET)):
            self._table[code] = make(chr(code))
        assert _NOT_MET not in self._table[ord(_NOT_MET)]

    def translate(self, text: str) -> str:
        """`text` with each character replaced by what `make` gives it."""
        if len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text):  # past the BMP
            return text.translate({ord(char): self[char] for char in set(text)})
        translated = text.translate(self._table)
        if _NOT_MET in translated:
            for char in non_ascii(text):
                self[char]
            translated = text.translate(self._table)
        return translated

    def __getitem__(self, char: str) -> str:
        code = ord(char)
        if code >= 0x10000:
            return self._make(char)
        new = self._table[code]
        if new == _NOT_MET:
            new = self._table[code] = self._make(char)
        return new


_NOT_MET = "\uf8ff"
