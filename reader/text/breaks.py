"""Where a line of text may break when it is wrapped to a width in terminal columns.

Latin text breaks after the spaces that follow a word, as Textual's own wrapping does.
Chinese and Japanese text, written without spaces, may also break between any two of its
characters (as UAX #14 and browsers do), except that a closing mark (`。`,
`，`, `」`, `）`, small kana, `ー`) never starts a line and an opening one (`「`, `（`)
never ends one. A run of Latin letters or digits inside such text, with the marks
attached to it, stays whole: `（Linux）。` is one word, never `（Li` over `nux）。`. Korean
is written with spaces between its words, and Korean sites keep those words whole (CSS's
`word-break: keep-all`): Hangul breaks after spaces, like Latin text. A word wider than
the line is folded at the width.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

# Characters of the scripts written without spaces, and their full-width punctuation
# (East Asian Wide and Fullwidth, most of them, but Hangul; the ideographic space is a
# space).
_WIDE = (
    "\u2e80-\u2fff\u3001-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f"
    "\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)
# Never at the start of a line: closing brackets and punctuation, iteration and length
# marks, small kana, combining (semi-)voiced sound marks and variation selectors.
_CLOSING = (
    "、。，．：；？！・）〕］｝〉》」』】〙〗〟｠’”…‥"
    "〃〆々〻ゝゞヽヾー"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ\u31f0-\u31ff"
    "\u3099\u309a\ufe00-\ufe0f"
    r",.:;?!)\]}%"
)
# Never at the end of a line: opening brackets.
_OPENING = r"（〔［｛〈《「『【〘〖〝｟‘“(\[{"

_WIDE_CHARACTER = re.compile(f"[{_WIDE}]")
# One unbreakable unit and the spaces after it: opening marks, then one wide character or a
# run of other characters that are not spaces, then closing marks.
_UNIT = re.compile(
    f"(?:[{_OPENING}]*(?:[^\\s{_WIDE}]+|(?!\\s)[{_WIDE}])[{_CLOSING}]*|\\S)\\s*|\\s+"
)


def breaks_between_characters(text: str) -> bool:
    """Whether `text` holds characters of a script that breaks between characters; when
    not, breaking after spaces (Textual's wrapping) is the same rule."""
    return not text.isascii() and _WIDE_CHARACTER.search(text) is not None


def line_breaks(text: str, width: int) -> list[int]:
    """The offsets at which to break `text` (one line, tabs expanded) into lines of at most
    `width` columns; a line's trailing spaces count, as in Textual's wrapping."""
    breaks: list[int] = []
    used = 0
    for unit in _UNIT.finditer(text):
        word = unit.group()
        size = cell_len(word)
        if used + size <= width:
            used += size
            continue
        start = unit.start()
        if size <= width:  # on the next line
            breaks.append(start)
            used = size
            continue
        # Wider than a line: folded, starting on a line of its own.
        if used:
            breaks.append(start)
        used = 0
        for offset, character in enumerate(word, start):
            columns = cell_len(character)
            if used and used + columns > width:
                breaks.append(offset)
                used = 0
            used += columns
    return breaks


def widest_word(text: str) -> int:
    """The columns of the widest unit of `text` that never breaks (its spaces left out)."""
    return max((cell_len(unit.group().rstrip()) for unit in _UNIT.finditer(text)), default=0)
