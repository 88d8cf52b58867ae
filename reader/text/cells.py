"""How many terminal columns text takes, for output laid out in columns."""

from __future__ import annotations

import unicodedata


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide East Asian characters 2, marks 0, the rest 1."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit_cells(text: str, width: int) -> str:
    """`text` in exactly `width` columns: padded with spaces, or cut with `…`."""
    if text.isascii():
        if len(text) > width:
            text = text[: width - 1] + "…"
        return text.ljust(width)
    taken = cells(text)
    if taken > width:
        kept: list[str] = []
        taken = 1  # the `…`
        for char in text:
            char_cells = cells(char)
            if taken + char_cells > width:
                break
            kept.append(char)
            taken += char_cells
        text = "".join(kept) + "…"
    return text + " " * (width - taken)
