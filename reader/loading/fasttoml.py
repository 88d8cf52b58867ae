"""A reader for the simple TOML of `+++` front matter, without tomllib's pure Python.

tomllib reads a Zola or Hugo header (a dozen `key = value` lines and a table or two) in
~60 us, most of it Python calls a character. Such headers hold bare keys, one-line
strings without escapes, integers, booleans, dates and lists of those (over one line or
several), under `[table]` headers; for exactly those this module gives tomllib's answer
in a fraction of the time. Anything else (dotted or quoted keys, escapes, multi-line
strings, comments inside lists, floats, inline tables, arrays of tables, a key or table
written twice, control characters) returns None, and the caller asks tomllib, which
reads it or says what is wrong. tests/test_front_matter.py checks the two agree.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

# What tomllib refuses outside strings and comments, or inside them (controls but the
# tab, DEL), and CRs (a CRLF's is tomllib's to read): the caller asks tomllib.
_LEFT_TO_TOMLLIB = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# One line: blank, a comment, `[table]` or `key = value`, with what may follow a value.
_LINE = re.compile(
    r"[ \t]*(?:"
    r"(?P<comment>#.*)?"
    r"|\[(?P<table>[A-Za-z0-9_-]+)\][ \t]*(?:#.*)?"
    r"|(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*(?P<value>[^ \t#].*?)[ \t]*(?:#.*)?"
    r")"
)
# A value: a string (basic without escapes, or literal), a boolean, a date, or a date
# and time (seconds whole, offset or not), an integer as tomllib reads one without `+`,
# `_` or a base. The groups of a date and time are tomllib's; a date comes before an
# integer, which would take its year.
_SCALAR = (
    r'"(?P<basic>[^"\\\n]*)"'
    r"|'(?P<literal>[^'\n]*)'"
    r"|(?P<bool>true|false)"
    r"|(?P<year>[0-9]{4})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"(?:[Tt ](?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?:(?P<zulu>[Zz])|(?P<sign>[+-])(?P<offset_hour>[01][0-9]|2[0-3]):"
    r"(?P<offset_minute>[0-5][0-9]))?)?"
    r"|(?P<int>-?(?:0|[1-9][0-9]{0,17}))"
)
_VALUE = re.compile(_SCALAR)
# An item of a list, and what follows it: a comma (one may end the list) or the list's
# end. A list may go over several lines: between its items, a line break is space.
_ITEM = re.compile(r"[ \t\n]*(?:" + _SCALAR + r")[ \t\n]*(?P<comma>,?)[ \t\n]*")


class _Unsupported(Exception):
    pass


def fast_toml(block: str) -> dict[str, Any] | None:
    """The mapping tomllib.loads would give, or None when not sure."""
    if _LEFT_TO_TOMLLIB.search(block):
        return None
    root: dict[str, Any] = {}
    table = root
    lines = block.split("\n")
    index = 0
    try:
        while index < len(lines):
            match = _LINE.fullmatch(lines[index])
            index += 1
            if match is None:
                return None
            key = match.group("key")
            if key is not None:
                if key in table:
                    return None  # written twice: tomllib says so
                value = match.group("value")
                if value[0] == "[" and not value.endswith("]"):
                    # A list over several lines: to the first that ends with `]`.
                    # (Items, commas and line breaks only: a comment in it is tomllib's.)
                    end = index
                    while end < len(lines) and not lines[end].rstrip(" \t").endswith("]"):
                        end += 1
                    if end == len(lines):
                        return None
                    value = "\n".join([value, *lines[index:end], lines[end].rstrip(" \t")])
                    index = end + 1
                table[key] = _value(value)
                continue
            name = match.group("table")
            if name is not None:
                if name in root:
                    return None  # a table written twice, or over a key
                table = root[name] = {}
    except _Unsupported:
        return None
    return root


def _value(text: str) -> Any:
    if text[0] == "[":
        return _list(text)
    match = _VALUE.fullmatch(text)
    if match is None:
        raise _Unsupported
    return _scalar(match)


def _list(text: str) -> list[Any]:
    """`[a, b]`: scalars, a comma after the last allowed, as in TOML."""
    if not text.endswith("]"):
        raise _Unsupported  # something after it
    items: list[Any] = []
    end = len(text) - 1
    position = 1
    if not text[position:end].strip(" \t\n"):
        return items
    while position < end:
        match = _ITEM.match(text, position, end)
        if match is None:
            raise _Unsupported
        items.append(_scalar(match))
        position = match.end()
        if not match.group("comma") and position < end:
            raise _Unsupported  # two values without a comma between
    return items


def _scalar(match: re.Match[str]) -> Any:
    for kind in ("basic", "literal"):
        text = match.group(kind)
        if text is not None:
            return text
    text = match.group("int")
    if text is not None:
        return int(text)
    text = match.group("bool")
    if text is not None:
        return text == "true"
    return _datetime(match.groupdict())


def _datetime(groups: dict[str, str | None]) -> date | datetime:
    """As tomllib's match_to_datetime; a day the month has not is tomllib's to report."""
    year, month, day = int(groups["year"] or 0), int(groups["month"] or 0), int(groups["day"] or 0)
    try:
        if groups["hour"] is None:
            return date(year, month, day)
        tz: timezone | None = None
        if groups["sign"] is not None:
            delta = timedelta(
                hours=int(groups["offset_hour"] or 0), minutes=int(groups["offset_minute"] or 0)
            )
            tz = timezone(-delta if groups["sign"] == "-" else delta)
        elif groups["zulu"] is not None:
            tz = UTC
        return datetime(
            year,
            month,
            day,
            int(groups["hour"]),
            int(groups["minute"] or 0),
            int(groups["second"] or 0),
            tzinfo=tz,
        )
    except ValueError:
        raise _Unsupported from None
