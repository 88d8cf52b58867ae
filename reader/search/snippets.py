"""Where a query hits inside a text: spans to highlight, and snippets around them."""

from __future__ import annotations

import heapq
import re
import string
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from itertools import pairwise
from typing import AnyStr

from reader.loading.body import body_text
from reader.loading.discover import is_mdx
from reader.model import Article, Metadata
from reader.search.query import Field, Node, Phrase, Term, positive_leaves
from reader.text.chars import non_ascii
from reader.text.sanitize import one_line
from reader.text.tokens import (
    CJK_LETTER,
    CJK_LETTERS,
    CJK_UNIT,
    RUN_BREAK,
    FoldedText,
    fold_char,
    metadata_leaves,
)

SNIPPET_WIDTH = 160
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
    plan = _hit_plan(query, field)
    if plan is None:
        return
    wanted, firsts = plan
    folded = FoldedText(text)
    text = folded.folded
    # Every hit starts with its first word: most texts (metadata values above all) lack
    # them all, which a substring test shows far quicker than the regex.
    if not any(first in text for first in firsts):
        return
    # Text with CJK letters needs their token boundaries (and a slower pattern to build).
    # They are looked for among the text's few distinct other than ASCII characters (a
    # bullet, accents that did not fold away): the regex over a whole body cost 13 us.
    cjk = not text.isascii() and CJK_LETTER.search("".join(non_ascii(text))) is not None
    pattern = _hit_pattern(wanted, cjk)
    if len(firsts) > 1:
        hits: Iterator[re.Match[str]] = pattern.finditer(text)
    else:
        # One first word: str.find leaps to each place it occurs, where finditer would try
        # the pattern (it starts with a lookbehind, so re has no literal to leap to) at
        # every character of a long body.
        hits = _matches_at(pattern, text, firsts[0])
    for hit in hits:
        yield folded.original_span(hit.start(1), hit.end(1))


# What _hits looks for: the (words, prefix) runs wanted and their distinct first words.
_HitPlan = tuple[frozenset[tuple[tuple[str, ...], bool]], tuple[str, ...]]


@lru_cache(maxsize=256)
def _hit_plan(query: Node, field: str | None) -> _HitPlan | None:
    """What _hits looks for of `query` in `field`, worked out once per query and field
    (`search --json` makes snippets for 100,000 results of one query); None: nothing."""
    wanted = frozenset(
        _words(leaf.match if isinstance(leaf, Field) else leaf)
        for leaf in positive_leaves(query)
        if _shown_in(leaf, field)
    )
    if not wanted:
        return None
    return wanted, tuple(dict.fromkeys(words[0] for words, _prefix in sorted(wanted)))


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
    return text_snippets(
        article.body,
        query,
        mdx=is_mdx(article.path),
        title=article.title,
        metadata=lambda: article.metadata,
        limit=limit,
        width=width,
    )


def text_snippets(
    body: str,
    query: Node,
    *,
    mdx: bool,
    title: str,
    metadata: Callable[[], Metadata],
    limit: int = 3,
    width: int = SNIPPET_WIDTH,
) -> list[str]:
    """snippets() of an article given as its parts: its body, whether it is MDX, its
    title, and its metadata (`metadata()` is called only when the body has no hit)."""
    text = body_text(body, mdx=mdx)
    bullet = BULLET if _BULLET_STAND_IN in text else _BULLET_STAND_IN
    found = _body_windows(text, query, bullet, limit, width)
    if bullet != BULLET:
        found = [window.replace(bullet, BULLET) for window in found]
    if found:
        return found
    plan = _hit_plan(query, None)
    if plan is None:
        return found
    # Values that are the title are left out (it is shown anyway, and holds the hits of
    # most such articles).
    one_line_title = title if one_line(title) == title else None
    leaves = [leaf for leaf in metadata_leaves(metadata()) if leaf[1] != one_line_title]
    # Only a value that holds a first word of the query (folded, as _hits looks) can
    # have a hit: one look at them all finds those, where looking at each cost 3 us a
    # value (20 in an article of the bench corpus).
    holding = _holding([value for _key, value in leaves], plan[1])
    for index, (key, value) in enumerate(leaves):
        if len(found) >= limit:
            break
        if index not in holding:
            continue
        text = one_line(value)
        if text == title:
            continue
        windows = _windows(text, _hits(text, query, key), 1, width)
        found.extend(f"{key}: {window}" for window in windows)
    return found


def _holding(values: list[str], firsts: tuple[str, ...]) -> set[int]:
    """The places in `values` of those whose folded text holds one of `firsts`, found in
    all of them folded at once."""
    starts = []
    at = 0
    for value in values:
        starts.append(at)
        at += len(value) + 1
    folded = FoldedText(" ".join(values))
    text = folded.folded
    holding: set[int] = set()
    for first in firsts:
        at = text.find(first)
        while at >= 0:
            start, _end = folded.original_span(at, at + len(first))
            holding.add(bisect_right(starts, start) - 1)
            at = text.find(first, at + 1)
    return holding


# Bodies longer than this have their windows made round the lines that may hold hits
# (_block_windows); shorter ones are read whole, which is as quick for them (a seed-format
# article of 2.7 KB has 1-2 hits in paragraphs of 150-300 characters: the lines round
# them are two thirds of it, in four calls rather than one).
LONG_BODY = 8192


# Markdown read before and after a block's lines that may hold hits, in widths: enough
# for the windows of most blocks (or the whole body is read).
CONTEXT = 2


def _body_windows(text: str, query: Node, bullet: str, limit: int, width: int) -> list[str]:
    """_windows(plain, _hits(plain, query, "body"), limit, width) for plain =
    plain_text(text, bullet=bullet)."""
    plan = _hit_plan(query, "body")
    if plan is None:
        return []  # no hits in the body, whatever it says
    if len(text) > LONG_BODY:
        windows = block_windows(text, query, bullet, limit, width)
        if windows is not None:
            return windows
    plain = plain_text(text, bullet=bullet)
    return _windows(plain, _hits(plain, query, "body"), limit, width)


def block_windows(text: str, query: Node, bullet: str, limit: int, width: int) -> list[str] | None:
    """_body_windows made from the plain text of the lines round those that may hold a
    hit only, in order, until `limit` windows are made; None where that falls short.

    plain_text is line by line (no link, mark or emphasis runs over a newline, and one_line
    splits at every whitespace), so the plain text of some lines is that of the whole from
    a space to a space. A hit starts with a first word of the query, which a line's plain
    text holds only where its folded text does, or where it holds a mark whose removal
    joins letters (_candidate_lines). Each run of such lines (near ones together), with
    some lines before and after, makes a block; its windows are the whole's when it has
    more than `width` characters before the first such line (or starts the body: then
    every window's start, and whether it is cut, are the same), and, unless it ends the
    body, its last window ends before it does (the same end, and `…`), and after those
    lines its folded text holds as many runs of letters and digits, each followed by a
    character, as the query's longest phrase has words: no hit there, nor the try of one,
    looks further (a pattern reads at most that many runs and one character).
    """
    plan = _hit_plan(query, "body")
    if plan is None:
        return []
    wanted, firsts = plan
    words = max(len(run) for run, _prefix in wanted)
    lines = text.split("\n")
    candidates = _candidate_lines(text, firsts)
    context = CONTEXT * width  # characters of markdown round a block's such lines
    windows: list[str] = []
    done = 0  # the lines before this one are in a block, or hold no hit
    candidate = next(candidates, None)
    while candidate is not None and len(windows) < limit:
        held_from = start = candidate
        chars = 0
        while start > done and chars <= context:
            start -= 1
            chars += len(lines[start]) + 1
        end = candidate + 1
        candidate = next(candidates, None)
        while candidate is not None:  # the next such line, if near, is in the block too
            gap, chars = end, 0
            while gap < candidate and chars <= 2 * context:
                chars += len(lines[gap]) + 1
                gap += 1
            if gap < candidate:
                break
            end = candidate + 1
            candidate = next(candidates, None)
        after, chars = end, 0
        while after < len(lines) and chars <= context:
            chars += len(lines[after]) + 1
            after += 1
        before = plain_text("\n".join(lines[start:held_from]), bullet=bullet)
        if start > 0 and len(before) <= width:
            return None
        held = _joined(before, plain_text("\n".join(lines[held_from:end]), bullet=bullet))
        block = _joined(held, plain_text("\n".join(lines[end:after]), bullet=bullet))
        hits = _hits(block, query, "body")
        found, shown_to = _windows_to(block, hits, limit - len(windows), width)
        if after < len(lines) and (
            (found and shown_to >= len(block)) or not _runs_follow(block, len(held), words)
        ):
            return None
        windows.extend(found)
        done = after
    return windows


def _candidate_lines(text: str, firsts: tuple[str, ...]) -> Iterator[int]:
    """In order, once each, the lines of `text` (places in text.split("\\n")) whose plain
    text may hold one of `firsts` (folded): those whose folded text holds one, and those
    where plain_text may join two characters by dropping what is between them."""
    found = heapq.merge(_joining_lines(text), _lines_at(*_folded_lines(text, firsts)))
    previous = -1
    for line in found:
        if line != previous:
            yield line
            previous = line


# What plain_text drops between two characters of a line (so a word may be two pieces in
# the markdown): emphasis and code marks, a link's or image's brackets, its address.
# Followed by a character that may fold to a letter or digit (ASCII ones, or any other).
_JOINING = re.compile(r"(?:[*_~`!\[\]]|\]\([^()\[\]\n]*\))+(?=[0-9A-Za-z\x80-\U0010ffff])")
_ASCII_LETTERS_AND_DIGITS = frozenset(string.ascii_letters + string.digits)


def _joining_lines(text: str) -> Iterator[int]:
    """The lines of `text`, in order, where _JOINING follows a character that may fold to
    a letter or digit. (Searched again from each place after one that follows none: a
    join may start inside what _JOINING found there.)"""
    line = 0
    counted = 0  # `line` newlines are in text[:counted]
    at = 0
    while (join := _JOINING.search(text, at)) is not None:
        at = join.start()
        before = text[at - 1] if at else " "
        if before.isascii() and before not in _ASCII_LETTERS_AND_DIGITS:
            at += 1
            continue
        line += text.count("\n", counted, at)
        yield line
        next_line = text.find("\n", at)
        if next_line < 0:
            return
        at = counted = next_line + 1
        line += 1


def _folded_lines(
    text: str, firsts: tuple[str, ...]
) -> tuple[str, str, tuple[str, ...]] | tuple[bytes, bytes, tuple[bytes, ...]]:
    """`text` folded enough to find `firsts` in, its newline, and `firsts` as it holds
    them. Where no character other than ASCII folds to nothing or to one of the firsts'
    characters, every place a first is in the folded text is one in the text's UTF-8
    with ASCII letters in lower case (made at memory speed); else FoldedText's."""
    if text.isascii():
        return text.lower(), "\n", firsts
    wanted = set("".join(firsts))
    for char in non_ascii(text):
        folded = fold_char(char)
        if not folded or not wanted.isdisjoint(folded):
            return FoldedText(text).folded, "\n", firsts
    data = text.encode("utf-8", "surrogatepass").lower()
    return data, b"\n", tuple(first.encode("utf-8", "surrogatepass") for first in firsts)


def _lines_at(text: AnyStr, newline: AnyStr, needles: Iterable[AnyStr]) -> Iterator[int]:
    """The lines (counted by `newline`) of `text` holding one of `needles`, in order."""
    places = heapq.merge(*(_places(text, needle) for needle in needles))
    line = 0
    counted = 0  # `line` newlines are in text[:counted]
    for place in places:
        if place < counted:
            continue  # (in a line given already)
        line += text.count(newline, counted, place)
        yield line
        next_line = text.find(newline, place)
        if next_line < 0:
            return
        counted = next_line + 1
        line += 1


def _places(text: AnyStr, needle: AnyStr) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def _joined(plain: str, more: str) -> str:
    """The plain text of two runs of lines, one after the other."""
    return f"{plain} {more}" if plain and more else plain or more


def _runs_follow(text: str, start: int, count: int) -> bool:
    """Whether from `start`, folded `text` holds `count` runs of letters and digits, each
    followed by a character. (Its first characters are looked at first: enough, mostly.)"""
    runs = _runs_pattern(count)
    return any(
        runs.match(FoldedText(part).folded) is not None
        for part in (text[start : start + 64 * count], text[start:])
    )


@lru_cache(maxsize=8)
def _runs_pattern(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?:[\W_]*[^\W_]+[\W_]){{{count}}}")


def _windows(text: str, spans: Iterable[tuple[int, int]], limit: int, width: int) -> list[str]:
    """Windows around the first `limit` spans; spans are taken lazily, so once enough
    windows are made the rest of the text is not searched."""
    return _windows_to(text, spans, limit, width)[0]


def _windows_to(
    text: str, spans: Iterable[tuple[int, int]], limit: int, width: int
) -> tuple[list[str], int]:
    """_windows, and where in `text` the last window ends (0: none)."""
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
    return windows, shown_to


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


BULLET = "•"
# Where the body lacks it, the bullet is this while the hits are found, then put back: a
# character that is no letter, digit or space and folds to itself, as the bullet, but
# ASCII, so the text of most bodies stays one byte a character (the bullet made it two:
# folding and finding its hits cost 5 us more).
_BULLET_STAND_IN = "\x07"


def _line_mark(mark: re.Match[str], bullet: str = BULLET) -> str:
    return f"\n{bullet} " if mark.group(1) else "\n"


# Emphasis and code marks: `**`, `__`, `~~`, a backtick, and a `*` that opens (after no
# letter or digit, before a non-space) or closes (after a non-space, before no letter or
# digit). Each alternative starts with its mark, the looks back come after it, so the
# regex engine skips to the next mark at memory speed (with the looks back first it tried
# every alternative at every character: 24 times slower on a 5 KB body).
_INLINE_MARKUP = re.compile(r"\*\*|__|~~|`|\*(?<!\w\*)(?=\S)|\*(?<=\S\*)(?!\w)")


def _may_hold_inline_markup(text: str) -> bool:
    """Whether `text` holds `*`, a backtick, `__` or `~~`. (Looking for one character
    is quicker than for two: `__` and `~~` are looked for only where `_`, `~` are.)"""
    return (
        "*" in text
        or "`" in text
        or ("_" in text and "__" in text)
        or ("~" in text and "~~" in text)
    )


def plain_text(markdown: str, *, bullet: str = BULLET) -> str:
    """Markdown as one line of plain text for snippets: links and emphasis removed,
    bullets shown as • (or `bullet`). Cheap and approximate; the article view renders
    properly."""
    # The `in` tests skip patterns that cannot match: most of the cost for long bodies.
    text = _IMAGE_OR_LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    # The newline in front is whitespace, which one_line drops.
    marks = _line_mark if bullet == BULLET else partial(_line_mark, bullet=bullet)
    text = _LINE_MARK.sub(marks, "\n" + text)
    if _may_hold_inline_markup(text):
        text = _INLINE_MARKUP.sub("", text)
    return one_line(text)
