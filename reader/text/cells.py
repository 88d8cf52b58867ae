"""How many terminal columns text takes, for output laid out in columns (`reader list` and
`search` rows, the query caret, `reader stats` charts).

One rule, rich's (`rich.cells`): a wide East Asian character or an emoji 2 columns, a mark,
a zero-width joiner or space 0, an emoji with its skin tone or a family joined by
zero-width joiners one emoji (2), as terminals draw them. Imported only for text that is
not ASCII: an ASCII character is one column, and most rows are ASCII.
"""

from __future__ import annotations


def cells(text: str) -> int:
    """Terminal columns `text` takes."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def fit_cells(text: str, width: int) -> str:
    """`text` in exactly `width` columns: padded with spaces, or cut with `…` (after a
    wide character that would straddle the cut, a space)."""
    if text.isascii():
        if len(text) > width:
            text = text[: width - 1] + "…"
        return text.ljust(width)
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        kept = set_cell_size(text, width - 1)
        if not text.startswith(kept):  # a character halved, made a space: the `…` first
            kept = kept[:-1]
        text = kept + "…"
    return set_cell_size(text, width)
