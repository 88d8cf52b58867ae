"""Separate an article's metadata block from its markdown body.

Four shapes are recognised, after any leading blank lines:
- "fenced-yaml": the seed's format, a ```yaml (or ```yml, ~~~yaml) fenced block;
- "yaml": `---` front matter closed by `---` or `...`;
- "toml": `+++` front matter closed by `+++`;
- "none": no metadata; the whole text is the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE_OPEN = re.compile(r"(?P<fence>`{3,}|~{3,})[ \t]*(?:yaml|yml)[ \t]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Split:
    format: str
    block: str | None
    body: str
    # 1-based line number of the block's first content line, to point warnings at the file.
    block_line: int = 0
    warning: str | None = None


# The first character that is not whitespace: where the first line that is not blank is.
_NOT_SPACE = re.compile(r"\S")
# What closes each kind of block: a line of its own (trailing whitespace allowed).
_CLOSE_YAML = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
_CLOSE_TOML = re.compile(r"^\+\+\+[^\S\n]*$", re.MULTILINE)


def split_metadata(text: str) -> Split:
    """Split normalised text (LF line endings, no BOM) into metadata block and body.

    Lines are found with searches, not by splitting the text: a 16 MB body of short
    lines would be millions of strings."""
    first_start = _line_start(text, 0)
    if first_start is None:
        return Split("none", None, "")
    first_end = _line_end(text, first_start)
    first = text[first_start:first_end].rstrip()
    start = text.count("\n", 0, first_start)  # the opening line's index

    fence = _FENCE_OPEN.fullmatch(first)
    if fence:
        marker = fence.group("fence")
        closing = re.compile(
            "^" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$", re.MULTILINE
        )
        return _close(text, first_start, first_end, start, "fenced-yaml", closing)
    if first == "---":
        return _close(text, first_start, first_end, start, "yaml", _CLOSE_YAML)
    if first == "+++":
        return _close(text, first_start, first_end, start, "toml", _CLOSE_TOML)
    return Split("none", None, text[first_start:])


def _line_start(text: str, position: int) -> int | None:
    """Where the first line at or after `position` that is not blank starts; None when
    every line is blank."""
    found = _NOT_SPACE.search(text, position)
    if found is None:
        return None
    return max(text.rfind("\n", 0, found.start()) + 1, position)


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _close(
    text: str, open_start: int, open_end: int, start: int, fmt: str, closing: re.Pattern[str]
) -> Split:
    close = closing.search(text, open_end + 1) if open_end < len(text) else None
    if close is not None:
        block = text[open_end + 1 : max(close.start() - 1, open_end + 1)]
        close_end = _line_end(text, close.start())
        body_start = _line_start(text, close_end + 1) if close_end < len(text) else None
        body = "" if body_start is None else text[body_start:]
        return Split(fmt, block, body, block_line=start + 2)
    # Never closed: do not guess where the metadata ends; show the file as it is.
    return Split(
        "none",
        None,
        text[open_start:],
        warning=f"metadata block opened at line {start + 1} is never closed; shown as body",
    )
