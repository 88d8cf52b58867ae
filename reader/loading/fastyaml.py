"""A reader for the plain YAML that scraped articles carry, without PyYAML's object graph.

Building objects node by node in PyYAML is most of the cost of reading a metadata block
(~60 us of a seed-sized block). Scraper headers are almost always nested `key: value`
mappings of plain or quoted strings; for exactly those this module gives PyYAML's answer
in a fraction of the time. Anything else (lists, flow collections, block scalars,
anchors, tags, comments after values, scalars that YAML would read as numbers, dates,
booleans or nulls, unusual escapes, continuation lines, tabs, line breaks other than a
newline, characters YAML does not allow) returns None, and the caller asks PyYAML.
tests/test_fastyaml.py checks the two agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

# PyYAML's own table of the patterns that make a plain scalar something other than text.
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers

_LINE = re.compile(r"( *)([A-Za-z0-9_][A-Za-z0-9_.:/-]*):(?: +(.*))?")
# Characters that may not start a plain scalar we accept (YAML indicators, quotes).
_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`")
# What PyYAML will not read in a stream (it reports them: C0 and C1 controls, DEL,
# surrogates, U+FFFE/U+FFFF), the line breaks other than \n (NEL, LS, PS), which end a
# plain scalar's line in YAML and fold inside quotes, and tabs and CRs: the caller asks
# PyYAML. One class of what may stay (PyYAML's printable characters, Reader.NON_PRINTABLE,
# without those), so one test a character: as two patterns, a fifth of reading a block.
_LEFT_TO_PYYAML = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_DOUBLE_ESCAPES = {"\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t", "r": "\r"}
_HEX_ESCAPE = {"x": 2, "u": 4, "U": 8}


class _Unsupported(Exception):
    pass


def fast_yaml(block: str) -> dict[str, Any] | None:
    """The mapping PyYAML's safe loader would build, or None when not sure."""
    if _LEFT_TO_PYYAML.search(block):
        return None
    lines = block.split("\n")
    if "#" in block:
        lines = [line for line in lines if line.strip() and not _is_comment(line)]
    else:  # (most blocks: no line of them can be a comment)
        lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    try:
        mapping, end = _mapping(lines, 0, 0)
    except _Unsupported:
        return None
    return mapping if end == len(lines) else None


def _is_comment(line: str) -> bool:
    return line.lstrip(" ").startswith("#")


def _mapping(lines: list[str], start: int, indent: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    index = start
    while index < len(lines):
        match = _LINE.fullmatch(lines[index])
        if match is None:
            raise _Unsupported
        spaces, key, value = match.groups()
        line_indent = len(spaces)
        if line_indent < indent:
            break
        if line_indent > indent:
            raise _Unsupported  # a continuation line, or uneven indentation
        if key.endswith(":") or _implicit(key):
            raise _Unsupported
        index += 1
        if value is None or not value.strip():
            child_indent = _indent_of(lines, index)
            if child_indent is not None and child_indent > indent:
                result[key], index = _mapping(lines, index, child_indent)
            else:
                raise _Unsupported  # `key:` alone is null in YAML: leave it to PyYAML
        else:
            result[key] = _scalar(value.rstrip(" "))
    return result, index


def _indent_of(lines: list[str], index: int) -> int | None:
    if index >= len(lines):
        return None
    return len(lines[index]) - len(lines[index].lstrip(" "))


def _implicit(text: str) -> bool:
    """Whether YAML would resolve this plain text to a non-string (number, date, ...)."""
    if text and text[0] not in _PATTERNS_BY_FIRST and not _PATTERNS_FOR_ANY:
        return False  # no pattern for text starting so (most titles, URLs): none to try
    # Keys and many short values (`en_GB`, `website`, an area) recur from one article to
    # the next: their answers are kept (a long value is not, nor worth keeping).
    if len(text) <= _REMEMBERED_CHARS:
        return _remembered_implicit(text)
    return _resolves_implicitly(text)


_REMEMBERED_CHARS = 100


def _resolves_implicitly(text: str) -> bool:
    if not text:
        return True
    for pattern in _PATTERNS_BY_FIRST.get(text[0], _PATTERNS_FOR_ANY):
        if pattern.match(text):
            return True
    return False


# _IMPLICIT's patterns for text starting with each character, with those for any
# (PyYAML keys them by None; it has none): one lookup and no generator a value.
_PATTERNS_FOR_ANY = tuple(pattern for _tag, pattern in _IMPLICIT.get(None, ()))
_PATTERNS_BY_FIRST = {
    first: tuple(pattern for _tag, pattern in patterns) + _PATTERNS_FOR_ANY
    for first, patterns in _IMPLICIT.items()
    if first is not None
}


_remembered_implicit = lru_cache(maxsize=4096)(_resolves_implicitly)


def _scalar(text: str) -> str:
    first = text[0]
    if first == '"':
        return _double_quoted(text)
    if first == "'":
        return _single_quoted(text)
    if first in _PLAIN_START or ": " in text or " #" in text or text.endswith(":"):
        raise _Unsupported
    if _implicit(text):
        raise _Unsupported
    return text


def _single_quoted(text: str) -> str:
    if len(text) < 2 or not text.endswith("'"):
        raise _Unsupported
    inner = text[1:-1]
    if "'" in inner.replace("''", ""):
        raise _Unsupported  # a quote ends the scalar early: something follows it
    return inner.replace("''", "'")


def _double_quoted(text: str) -> str:
    if len(text) < 2 or not text.endswith('"'):
        raise _Unsupported
    inner = text[1:-1]
    if "\\" not in inner:
        if '"' in inner:
            raise _Unsupported
        return inner
    parts: list[str] = []
    position = 0
    while position < len(inner):
        char = inner[position]
        if char == '"':
            raise _Unsupported
        if char != "\\":
            parts.append(char)
            position += 1
            continue
        if position + 1 >= len(inner):
            raise _Unsupported
        code = inner[position + 1]
        if code in _DOUBLE_ESCAPES:
            parts.append(_DOUBLE_ESCAPES[code])
            position += 2
        elif code in _HEX_ESCAPE:
            width = _HEX_ESCAPE[code]
            digits = inner[position + 2 : position + 2 + width]
            if len(digits) != width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise _Unsupported
            value = int(digits, 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise _Unsupported
            parts.append(chr(value))
            position += 2 + width
        else:
            raise _Unsupported
    return "".join(parts)
