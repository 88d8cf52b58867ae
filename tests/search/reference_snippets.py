"""reader.search.snippets as it was before its speed-ups (issue 14): the reference the
tests hold today's highlights and snippets to, result for result. Not used by the reader.
Its one_line is the one of that time too (str.split, then join)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise

from reader.loading.body import body_text
from reader.loading.discover import is_mdx
from reader.model import Article
from reader.search.query import Field, Node, Phrase, Term, positive_leaves
from reader.text.tokens import (
    CJK_LETTERS,
    CJK_UNIT,
    RUN_BREAK,
    FoldedText,
    cjk_letter,
    metadata_leaves,
)

CJK_LETTER = cjk_letter()

SNIPPET_WIDTH = 160


def one_line(text: str) -> str:
    return " ".join(text.split())


ELLIPSIS = "…"


def highlight_spans(text: str, query: Node, *, field: str | None = None) -> list[tuple[int, int]]:
    """(start, end) character spans of `text` that `query`'s words and phrases hit.

    With `field` ("title", "body", a metadata path…) only the hits that count in that field
    are given: plain words and phrases, and the field's own `field:` terms (`initiative:`
    terms count in "body", where initiatives are shown). Negated words are never
    highlighted. Spans are sorted and do not overlap.
    """
    return _merged(list(_hits(text, query, field)))


def _hits(text: str, query: Node, field: str | None) -> Iterator[tuple[int, int]]:
    """The spans of `highlight_spans`, in order of their start, found lazily."""
    wanted = {
        _words(leaf.match if isinstance(leaf, Field) else leaf)
        for leaf in positive_leaves(query)
        if _shown_in(leaf, field)
    }
    if not wanted:
        return
    folded = FoldedText(text)
    # Every hit starts with its first word: most texts (metadata values above all) lack
    # them all, which a substring test shows far quicker than the regex.
    if not any(words[0] in folded.folded for words, _prefix in wanted):
        return
    # Text with CJK letters needs their token boundaries (and a slower pattern to build).
    pattern = _hit_pattern(frozenset(wanted), CJK_LETTER.search(folded.folded) is not None)
    text = folded.folded
    firsts = {words[0] for words, _prefix in wanted}
    if len(firsts) > 1:
        hits: Iterator[re.Match[str]] = pattern.finditer(text)
    else:
        # One first word: str.find leaps to each place it occurs, where finditer would try
        # the pattern (it starts with a lookbehind, so re has no literal to leap to) at
        # every character of a long body.
        hits = _matches_at(pattern, text, firsts.pop())
    for hit in hits:
        yield folded.original_span(hit.start(1), hit.end(1))


def _matches_at(pattern: re.Pattern[str], text: str, first: str) -> Iterator[re.Match[str]]:
    """What pattern.finditer(text) finds, for a pattern whose every match starts with
    `first` (its lookahead matches nothing, so each is tried at each position once)."""
    at = text.find(first)
    while at >= 0:
        hit = pattern.match(text, at)
        if hit is not None:
            yield hit
        at = text.find(first, at + 1)


def _words(match: Term | Phrase) -> tuple[tuple[str, ...], bool]:
    return ((match.word,) if isinstance(match, Term) else match.words), match.prefix


@lru_cache(maxsize=64)
def _hit_pattern(
    wanted: frozenset[tuple[tuple[str, ...], bool]], cjk: bool = False
) -> re.Pattern[str]:
    """A regex over folded text that finds, at each token start, the longest wanted run of
    tokens there (inside a lookahead, so overlapping hits are all found)."""
    alternatives = [
        _run_pattern(words, prefix, cjk)
        for words, prefix in sorted(wanted, key=lambda item: (-len(item[0]), item))
    ]
    return re.compile(r"(?=(" + "|".join(alternatives) + "))")


_CJK_CLASS = f"[{CJK_LETTERS}]"


def _run_pattern(words: tuple[str, ...], prefix: bool, cjk: bool) -> str:
    """The words as consecutive tokens of folded text. A token is a run of [^\\W_], except
    that CJK text is tokens of two characters, overlapping (reader.text.tokens): a CJK
    word starts and ends anywhere, the next bigram of the same run (`脆弱` `弱性`)
    shares a character with it, and RUN_BREAK is what separates two runs. With `cjk`
    false, the text holds no CJK letter: a token is a run of [^\\W_]."""
    first = words[0]
    # A word starts where a token does: after no letter or digit, or after CJK text.
    after_cjk = rf"|(?<={_CJK_CLASS})" if cjk else ""
    pattern = "" if CJK_LETTER.match(first) else rf"(?:(?<![^\W_]){after_cjk})"
    pattern += re.escape(first)
    for before, word in pairwise(words):
        if word == RUN_BREAK:
            pattern += r"[\W_]+"
            continue
        if before == RUN_BREAK:
            pattern += re.escape(word)
            continue
        joined = CJK_LETTER.match(word) is not None and CJK_LETTER.match(before[-1]) is not None
        # The character the two bigrams share: one code point, or a Hangul syllable's jamo.
        unit = CJK_UNIT.match(word)
        shared = unit.group() if joined and unit else ""
        if shared and len(word) > len(shared) and before.endswith(shared):
            pattern += re.escape(word[len(shared) :])
        elif joined or CJK_LETTER.match(word) or CJK_LETTER.match(before[-1]):
            pattern += r"[\W_]*" + re.escape(word)
        else:
            pattern += r"[\W_]+" + re.escape(word)
    if CJK_LETTER.match(words[-1][-1]):
        return pattern
    # The last word either ends there (or CJK text follows), or (a prefix) runs on, up to
    # CJK text (a token of its own).
    if prefix:
        return pattern + (rf"(?:(?!{_CJK_CLASS})[^\W_])*" if cjk else r"[^\W_]*")
    before_cjk = rf"|(?={_CJK_CLASS})" if cjk else ""
    return pattern + rf"(?:(?![^\W_]){before_cjk})"


def _shown_in(leaf: Term | Phrase | Field, field: str | None) -> bool:
    if not isinstance(leaf, Field) or field is None:
        return True
    name = leaf.name
    return field == name or field.startswith(name + ".") or (field, name) == ("body", "initiative")


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippets(
    article: Article, query: Node, *, limit: int = 3, width: int = SNIPPET_WIDTH
) -> list[str]:
    """Up to `limit` plain-text windows of about `width` characters around the query's hits.

    Windows come from the body (markdown removed), in order, not overlapping; `…` marks
    a cut end. When the body has no hits, windows come from metadata values, as
    "key: …". No hits anywhere (or hits only in the title, which is shown anyway): [].
    """
    body = plain_text(body_text(article.body, mdx=is_mdx(article.path)))
    found = _windows(body, _hits(body, query, "body"), limit, width)
    if found:
        return found
    for key, value in metadata_leaves(article.metadata):
        if len(found) >= limit:
            break
        text = one_line(value)
        if text == article.title:
            continue
        windows = _windows(text, _hits(text, query, key), 1, width)
        found.extend(f"{key}: {window}" for window in windows)
    return found


def _windows(text: str, spans: Iterable[tuple[int, int]], limit: int, width: int) -> list[str]:
    """Windows around the first `limit` spans; spans are taken lazily, so once enough
    windows are made the rest of the text is not searched."""
    windows: list[str] = []
    shown_to = 0
    for start, end in spans:
        if len(windows) >= limit:
            break
        if start < shown_to:
            continue  # already inside the previous window
        first, last = _window(text, start, end, width, shown_to)
        cut_start = ELLIPSIS if first > 0 else ""
        cut_end = ELLIPSIS if last < len(text) else ""
        windows.append(cut_start + text[first:last].strip() + cut_end)
        shown_to = last
    return windows


def _window(text: str, start: int, end: int, width: int, floor: int) -> tuple[int, int]:
    """About `width` characters around [start, end), a third before it, cut at spaces."""
    room = max(width - (end - start), 0)
    first = max(floor, start - room // 3)
    last = min(len(text), end + room - (start - first))
    first = max(floor, min(first, last - width))
    if first > floor and not text[first - 1].isspace():
        space = text.find(" ", first, start)
        first = space + 1 if space >= 0 else first
    if last < len(text) and not text[last].isspace():
        space = text.rfind(" ", end, last)
        last = space if space >= 0 else last
    return first, last


# A label holds no brackets and an address no brackets or parentheses: so every attempt
# stops at the next `[`, and the text is read in linear time. (`[^)\n]*` ran on to the end
# of the line from every `[`: 120 s for a line of `[a](b ` 170,000 times.)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\[\]\n]*\)")
# A line's bullet (group 1: shown as •), or its heading, quote or number mark (dropped).
# Matched from the newline before it (the text gets one in front), not with `^` in
# multiline mode: the regex engine leaps to each newline rather than trying `^` at every
# character (one pass 2-3 times quicker than the two it replaces).
_LINE_MARK = re.compile(r"\n[ \t]*(?:([*+-])[ \t]+|#{1,6}[ \t]+|>[ \t]?|\d{1,9}[.)][ \t]+)")


def _line_mark(mark: re.Match[str]) -> str:
    return "\n• " if mark.group(1) else "\n"


# Emphasis and code marks: `**`, `__`, `~~`, a backtick, and a `*` that opens (after no
# letter or digit, before a non-space) or closes (after a non-space, before no letter or
# digit). Each alternative starts with its mark, the looks back come after it, so the
# regex engine skips to the next mark at memory speed (with the looks back first it tried
# every alternative at every character: 24 times slower on a 5 KB body).
_INLINE_MARKUP = re.compile(r"\*\*|__|~~|`|\*(?<!\w\*)(?=\S)|\*(?<=\S\*)(?!\w)")
_INLINE_MARKERS = ("*", "__", "~~", "`")


def plain_text(markdown: str) -> str:
    """Markdown as one line of plain text for snippets: links and emphasis removed,
    bullets shown as •. Cheap and approximate; the article view renders properly."""
    # The `in` tests skip patterns that cannot match: most of the cost for long bodies.
    text = _IMAGE_OR_LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    # The newline in front is whitespace, which one_line drops.
    text = _LINE_MARK.sub(_line_mark, "\n" + text)
    if any(marker in text for marker in _INLINE_MARKERS):
        text = _INLINE_MARKUP.sub("", text)
    return one_line(text)
