"""Separate an article's metadata block from its markdown body.

Four shapes are recognised, after any leading blank lines:
- "fenced-yaml": the seed's format, a ```yaml (or ```yml, ~~~yaml) fenced block;
- "yaml": `---` front matter closed by `---` or `...`;
- "toml": `+++` front matter closed by `+++`;
- "none": no metadata; the whole text is the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


def split_metadata(text: str) -> Split:
    """Split normalised text (LF line endings, no BOM) into metadata block and body."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        return Split("none", None, "")
    first = lines[start].rstrip()

    fence = _FENCE_OPEN.fullmatch(first)
    if fence:
        marker = fence.group("fence")
        closing = re.compile(re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*")
        return _close(lines, start, "fenced-yaml", lambda line: bool(closing.fullmatch(line)))
    if first == "---":
        return _close(lines, start, "yaml", lambda line: line.rstrip() in ("---", "..."))
    if first == "+++":
        return _close(lines, start, "toml", lambda line: line.rstrip() == "+++")
    return Split("none", None, "\n".join(lines[start:]))


def _close(lines: list[str], start: int, fmt: str, is_close: Callable[[str], bool]) -> Split:
    for end in range(start + 1, len(lines)):
        if is_close(lines[end]):
            block = "\n".join(lines[start + 1 : end])
            body_start = end + 1
            while body_start < len(lines) and not lines[body_start].strip():
                body_start += 1
            return Split(fmt, block, "\n".join(lines[body_start:]), block_line=start + 2)
    # Never closed: do not guess where the metadata ends; show the file as it is.
    return Split(
        "none",
        None,
        "\n".join(lines[start:]),
        warning=f"metadata block opened at line {start + 1} is never closed; shown as body",
    )
