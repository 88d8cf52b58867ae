"""A reader for the plain YAML that articles carry, without PyYAML's object graph.

Building objects node by node in PyYAML is most of the cost of reading a metadata block
(~60 us of a seed-sized block, 100-130 us of a Jekyll or Hugo header). Headers are
almost always nested `key: value` mappings of plain or quoted scalars, with lists of them
(`tags: [a, b]`, or `- a` lines); for exactly those this module gives PyYAML's answer in
a fraction of the time. A plain scalar that YAML reads as something other than text (a
date, a number, a boolean, null) is built by the caller's `construct`, PyYAML's own
constructor (without one it is left to PyYAML). Anything else (flow mappings, nested
lists, block scalars, anchors, tags, comments after values, unusual escapes,
continuation lines, tabs, line breaks other than a newline, characters YAML does not
allow) returns None, and the caller asks PyYAML. tests/test_fastyaml.py and
tests/test_front_matter.py check the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
# Spelt as what is left (a class of what may stay, up to U+10FFFF, took 10-17 ms to
# compile, in every process that reads files).
_LEFT_TO_PYYAML = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_DOUBLE_ESCAPES = {"\\": "\\", '"': '"', "/": "/", "n": "\n", "t": "\t", "r": "\r"}
_HEX_ESCAPE = {"x": 2, "u": 4, "U": 8}


# A plain scalar's tag and text to the value PyYAML's constructor builds of it.
Construct = Callable[[str, str], Any]
# The tags of plain scalars a Construct is asked for: others (`<<`, `=`) are PyYAML's.
_CONSTRUCTED = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "null", "timestamp")
)
_STR = "tag:yaml.org,2002:str"
_ITEM = re.compile(r"( *)- +(.*)")
# A quoted scalar inside a flow sequence, to its closing quote (checked by the readers of
# quoted scalars), and a plain one, to the next comma or bracket. No group repeats once
# a character: re keeps a record of every repeat of a group.
_FLOW_DOUBLE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_FLOW_SINGLE = re.compile(r"'[^']*(?:''[^']*)*'")
_FLOW_PLAIN = re.compile(r"[^,\[\]{}]*")


class _Unsupported(Exception):
    pass


def fast_yaml(block: str, construct: Construct | None = None) -> dict[str, Any] | None:
    """The mapping PyYAML's safe loader would build, or None when not sure.

    `construct(tag, text)` builds a plain scalar that is not text, as the loader whose
    answer this must be would (metadata.YamlLoader's constructors)."""
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
        mapping, end = _Block(lines, construct).mapping(0, 0)
    except _Unsupported:
        return None
    return mapping if end == len(lines) else None


def _is_comment(line: str) -> bool:
    return line.lstrip(" ").startswith("#")


class _Block:
    """The lines of a block (neither blank nor comments) and how to build its scalars."""

    def __init__(self, lines: list[str], construct: Construct | None) -> None:
        self.lines = lines
        self.construct = construct

    def mapping(self, start: int, indent: int) -> tuple[dict[str, Any], int]:
        lines = self.lines
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
            if key.endswith(":") or _tag_of(key) != _STR:
                raise _Unsupported
            index += 1
            if value is None or not value.strip(" "):
                child_indent = _indent_of(lines, index)
                if (
                    child_indent is not None
                    and child_indent >= indent
                    and _ITEM.fullmatch(lines[index])
                ):
                    # `- item` lines, indented or not: a list (YAML's indentless one too)
                    result[key], index = self.sequence(index, child_indent)
                elif child_indent is not None and child_indent > indent:
                    result[key], index = self.mapping(index, child_indent)
                elif self.construct is not None:
                    result[key] = None  # `key:` alone, the next line no deeper
                else:
                    raise _Unsupported
            else:
                result[key] = self.scalar(value.rstrip(" "), flow_list=True)
        return result, index

    def sequence(self, start: int, indent: int) -> tuple[list[Any], int]:
        """`- item` lines at `indent`, each a scalar; a line less indented ends them."""
        lines = self.lines
        items: list[Any] = []
        index = start
        while index < len(lines):
            match = _ITEM.fullmatch(lines[index])
            line_indent = len(lines[index]) - len(lines[index].lstrip(" "))
            if match is None or line_indent != indent:
                if line_indent <= indent and (match is None or line_indent < indent):
                    break  # the next key (an indentless list ends at its mapping's)
                raise _Unsupported  # a continuation line, or a nested list
            text = match.group(2).rstrip(" ")
            if not text:
                raise _Unsupported  # `-` alone: a null item
            items.append(self.scalar(text, flow_list=False))
            index += 1
        return items, index

    def scalar(self, text: str, *, flow_list: bool) -> Any:
        first = text[0]
        if first == '"':
            return _double_quoted(text)
        if first == "'":
            return _single_quoted(text)
        if first == "[" and flow_list and text.endswith("]"):
            return self.flow_sequence(text)
        if first in _PLAIN_START or ": " in text or " #" in text or text.endswith(":"):
            raise _Unsupported
        return self.plain(text)

    def plain(self, text: str) -> Any:
        tag = _tag_of(text)
        return text if tag == _STR else self.built(tag, text)

    def built(self, tag: str, text: str) -> Any:
        """A plain scalar that is not text, as the caller's loader builds it."""
        if self.construct is None or tag not in _CONSTRUCTED:
            raise _Unsupported
        return self.construct(tag, text)

    def flow_sequence(self, text: str) -> list[Any]:
        """`[a, "b", 'c']` on one line: scalars only, no empty item, no trailing comma."""
        items: list[Any] = []
        end = len(text) - 1
        position = _skip_spaces(text, 1)
        if position == end:
            return items
        while True:
            first = text[position]
            if first == '"' or first == "'":
                quoted = (_FLOW_DOUBLE if first == '"' else _FLOW_SINGLE).match(text, position)
                if quoted is None:
                    raise _Unsupported
                item_text = quoted.group()
                items.append(
                    _double_quoted(item_text) if first == '"' else _single_quoted(item_text)
                )
                position = quoted.end()
            else:
                plain = _FLOW_PLAIN.match(text, position)
                assert plain is not None  # (it matches the empty text)
                item_text = plain.group().rstrip(" ")
                # In a flow, `:` may start a mapping and `#` after a space a comment.
                if not item_text or item_text[0] in _PLAIN_START or ":" in item_text:
                    raise _Unsupported
                if " #" in item_text:
                    raise _Unsupported
                items.append(self.plain(item_text))
                position = plain.end()
            position = _skip_spaces(text, position)
            if position == end:
                return items
            if text[position] != ",":
                raise _Unsupported
            position = _skip_spaces(text, position + 1)
            if position >= end:
                raise _Unsupported  # a trailing comma: left to PyYAML


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position] == " ":
        position += 1
    return position


def _indent_of(lines: list[str], index: int) -> int | None:
    if index >= len(lines):
        return None
    return len(lines[index]) - len(lines[index].lstrip(" "))


def _tag_of(text: str) -> str:
    """The tag PyYAML's resolver gives this plain text (str for most)."""
    if text and text[0] not in _RESOLVERS_BY_FIRST and not _RESOLVERS_FOR_ANY:
        return _STR  # no pattern for text starting so (most titles, URLs): none to try
    # Keys and many short values (`en_GB`, `website`, an area, `true`) recur from one
    # article to the next: their answers are kept (a long value is not, nor worth keeping).
    if len(text) <= _REMEMBERED_CHARS:
        return _remembered_tag(text)
    return _resolved_tag(text)


_REMEMBERED_CHARS = 100


def _resolved_tag(text: str) -> str:
    # As Resolver.resolve: the first pattern that matches, of those for the first
    # character (the empty text's own), then those for any.
    for tag, pattern in _RESOLVERS_BY_FIRST.get(text[:1], _RESOLVERS_FOR_ANY):
        if pattern.match(text):
            return tag
    return _STR


# _IMPLICIT's (tag, pattern) pairs for text starting with each character (the empty
# text under ""), with those for any (PyYAML keys them by None; it has none): one lookup
# and no generator a value.
_Resolvers = tuple[tuple[str, re.Pattern[str]], ...]
_RESOLVERS_FOR_ANY: _Resolvers = tuple(_IMPLICIT.get(None, ()))
_RESOLVERS_BY_FIRST: dict[str, _Resolvers] = {
    first: tuple(pairs) + _RESOLVERS_FOR_ANY
    for first, pairs in _IMPLICIT.items()
    if first is not None
}


_remembered_tag = lru_cache(maxsize=4096)(_resolved_tag)


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
