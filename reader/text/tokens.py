"""Words as search sees them: folding, tokens, the text the index stores, and the texts of
an article that are searched.

A *token* is a maximal run of Unicode letters and digits (categories L* and N*) in the
*folded* text; everything else (spaces, punctuation, `_`, `-`, `'`, symbols) separates
tokens. Folding is: NFKD, case-fold, NFKD again, then drop every mark (category M), so
`Café`, `CAFE`, `café` (with a combining accent) and `ｃａｆｅ` all give `cafe`, and `ﬁne`
gives `fine`. Folding one character at a time gives the same tokens as folding the whole
text (the tests check it), which is what lets `token_spans` map tokens back to the
original characters for highlighting.

The index stores text already folded (`index_text`), and its tokenizer only splits it
into runs of letters and digits, so the engine never folds anything itself and a word
means the same in the index, in a query and in a highlight. This module is the one rule
for what a token is: a change to it is made here, in `tokenize` and `index_text`, which
the tests hold to each other.

Chinese, Japanese and Korean are written without spaces between words, so a run of
letters in those scripts (Han, Hiragana, Katakana, Hangul: `cjk_run`) is split into
overlapping two-character tokens (bigrams): `脆弱性` is `脆弱 弱性`; a run of one
character stays one token. Letters of other scripts next to a run (`abc東京`) are tokens
of their own. A word of such text in a query is then the phrase of its bigrams, which
matches wherever the word occurs (`split_cjk`, `cjk_pieces`). Two runs that only
punctuation, spaces or a line break separate (`東京・京都`) have the token RUN_BREAK
between them, so the last pair of one and the first of the next are not side by side:
the phrase `東京 京都` (the word `東京都`) does not match there. A Hangul syllable folds to
2-3 jamo: the bigrams are of syllables (a leading jamo and the vowel and final jamo after it).

A token longer than MAX_TOKEN_BYTES in UTF-8 (the index refuses longer terms) is cut to
its first MAX_TOKEN_BYTES, in the index and in queries alike.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from reader.model import Article, dotted, flatten, fold_path
from reader.text.chars import CharTable, ascii_lowered, non_ascii, replace_each

# `\w` in Python's `re` is exactly L*, N* and `_` (a test checks every code point), so this
# is "one or more letters or digits".
_TOKEN = re.compile(r"[^\W_]+")

# Folded form of every non-ASCII character met so far, and whether it is a mark.
_FOLDED_CHAR: dict[str, str] = {}
_IS_MARK: dict[str, bool] = {}


def fold_char(char: str) -> str:
    """One character folded: NFKD, case-fold, NFKD, marks removed (may be "" or several)."""
    folded = _FOLDED_CHAR.get(char)
    if folded is None:
        if char.isascii():
            return char.lower()
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
        folded = "".join(c for c in decomposed if not _is_mark(c))
        _FOLDED_CHAR[char] = folded
    return folded


def _is_mark(char: str) -> bool:
    mark = _IS_MARK.get(char)
    if mark is None:
        mark = _IS_MARK[char] = unicodedata.category(char).startswith("M")
    return mark


def fold(text: str) -> str:
    """The whole text folded; same result as folding it one character at a time."""
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    for char in set(folded):
        if not char.isascii() and _is_mark(char):
            folded = folded.replace(char, "")
    return folded


def tokenize(text: str) -> list[str]:
    """The folded tokens of `text`, in order (each cut to MAX_TOKEN_BYTES)."""
    folded = fold(text)
    if not folded.isascii():
        folded = split_cjk(folded)
    tokens = _TOKEN.findall(folded)
    if len(folded) > _LONGEST_UNCUT:
        return [_cut(token) for token in tokens]
    return tokens


# Tantivy refuses terms over 65,530 bytes; a metadata value's tokens go in the index with
# a short prefix naming their key (reader.index.rows), so stay well below.
MAX_TOKEN_BYTES = 65_000
# A run of at most this many characters fits in MAX_TOKEN_BYTES whatever they are.
_LONGEST_UNCUT = MAX_TOKEN_BYTES // 4
# A run of index_text's token characters (ASCII letters and digits; any non-ASCII one is a
# letter or digit there) too long to be sure it fits. The class is written as what it is
# not (ASCII other than letters and digits): [0-9A-Za-z\x80-\U0010ffff] is the same set,
# but re takes 2.5 ms to compile a range of 65,000 characters, this 0.1 ms.
_LONG_RUN = re.compile(rf"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]{{{_LONGEST_UNCUT + 1},}}")


def _cut(token: str) -> str:
    if len(token) <= _LONGEST_UNCUT:
        return token
    data = token.encode("utf-8")
    if len(data) <= MAX_TOKEN_BYTES:
        return token
    return data[:MAX_TOKEN_BYTES].decode("utf-8", "ignore")  # whole characters only


def _cut_run(run: re.Match[str]) -> str:
    return _cut(run.group())


def index_text(text: str) -> str:
    """`text` as the index stores it: splitting it into runs of letters and digits (the
    index's `simple` tokenizer: Rust's `char::is_alphanumeric`, which holds for every
    character of Unicode categories L and N) gives exactly `tokenize(text)` (the tests
    check this against tantivy itself).

    ASCII needs only lower-casing; each non-ASCII character is folded on its own (folding
    one character at a time gives the same tokens as folding the whole text), what is not
    a letter or digit becoming a space. Far quicker than tokenising in Python: most text
    is ASCII.
    """
    if text.isascii():
        stored = text.lower()
    elif len(data := text.encode("utf-8", "surrogatepass")) > 2 * len(text):
        # Mostly Chinese or Japanese (3 bytes a character; or Thai, Hindi..): hundreds of
        # distinct characters, most of them CJK letters each written doubled
        # (_split_doubled). One lookup a character, in a table kept from one text to the
        # next, costs less than finding the distinct ones and making their table. Its
        # ASCII is lower-cased first (the table's other characters already are): the
        # text is a fifth as long as after.
        lowered = data.lower().decode("utf-8", "surrogatepass")
        stored = _DOUBLED_TEXT.translate(lowered)
        if _LONE_TAIL_CHAR in stored:
            stored = split_cjk(_TOKEN_TEXT.translate(lowered), _stored_cjk_run())
        elif _OPEN in stored:
            stored = _split_doubled(stored)
    else:
        # Each distinct non-ASCII character replaced by its folded form at memory speed
        # (reader.text.chars): one for one, as folding each on its own is.
        characters = non_ascii(text)
        replacements = {char: _token_text_char(char) for char in characters}
        # Every non-ASCII character of the folded text is in a replacement: look for CJK
        # runs in those few characters, not in the whole text (most text with an `é` has
        # none).
        if _stored_cjk_run().search("".join(replacements.values())) is None:
            stored = _lower_ascii(replace_each(text, replacements))
        else:
            each_doubled = {char: _DOUBLED_TEXT[char] for char in characters}
            if _LONE_TAIL_CHAR in each_doubled.values():  # a Hangul vowel or final alone
                stored = split_cjk(
                    _lower_ascii(replace_each(text, replacements)), _stored_cjk_run()
                )
            else:
                stored = _split_doubled(_lower_ascii(replace_each(text, each_doubled)))
    if len(stored) > _LONGEST_UNCUT and not _runs_short(stored):
        stored = _LONG_RUN.sub(_cut_run, stored)
    return stored


def _lower_ascii(folded: str) -> str:
    # Lower-case ASCII letters only: what folding made of the rest stays (str.lower
    # would change a folded Cherokee letter back). No surrogate is left: it is no
    # letter or digit, so folding made it a space.
    return folded.encode("utf-8").lower().decode("utf-8")


def _runs_short(stored: str) -> bool:
    """Whether every run of token characters in `stored` is at most _LONGEST_UNCUT long,
    by finding a space (no token character) in each of its whole blocks of half that
    length: a longer run holds a whole block. (The regex over a page of release notes, a
    joined 20 KB of an article's texts, cost 0.3 ms; a few searches for a space cost
    nothing.) False when not sure."""
    block = _LONGEST_UNCUT // 2
    return all(
        stored.find(" ", start, start + block) >= 0
        for start in range(0, len(stored) - block + 1, block)
    )


_TOKEN_CHAR = re.compile(r"[^\W_]")
# What each non-ASCII character met so far becomes in index_text: its folded form, with
# every character of that which is not a letter or digit made a space.
_TOKEN_TEXT_CHARS: dict[str, str] = {}


def _token_text_char(char: str) -> str:
    folded = _TOKEN_TEXT_CHARS.get(char)
    if folded is None:
        folded = _TOKEN_TEXT_CHARS[char] = "".join(
            part if _TOKEN_CHAR.match(part) else " " for part in fold_char(char)
        )
    return folded


# -- the CJK step: Han, Hiragana, Katakana and Hangul runs as bigrams -----------------------

# Folded letters of those scripts: Hangul jamo (syllables fold to them), iteration and
# ideographic number marks (々 〆 〇), Hiragana, Katakana, CJK ideographs and their
# extensions and compatibility forms.
HAN_AND_KANA_LETTERS = (
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3041-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
)
HANGUL_LETTERS = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff"
CJK_LETTERS = HANGUL_LETTERS + HAN_AND_KANA_LETTERS
# The patterns of those letters are compiled when first wanted: re takes 1.5-2.5 ms for
# each class of their 40,000 characters, which a command that meets no such text (a
# search for an English word) need not spend.


@cache
def cjk_letter() -> re.Pattern[str]:
    """One character in those ranges (a letter or digit where it is in a token)."""
    return re.compile(f"[{CJK_LETTERS}]")


def begins_cjk(text: str) -> bool:
    """Whether `text` begins with a character in those ranges (cjk_letter): never ASCII,
    known without compiling the pattern."""
    return not text[:1].isascii() and cjk_letter().match(text) is not None


@cache
def cjk_run() -> re.Pattern[str]:
    """A run of those that are letters or digits (the ranges hold a few marks and symbols)."""
    return re.compile(f"(?:(?![\\W_])[{CJK_LETTERS}])+")


@cache
def _stored_cjk_run() -> re.Pattern[str]:
    """A run in index_text's output, where every non-ASCII character is a letter or digit."""
    return re.compile(f"[{CJK_LETTERS}]+")


# One character of a run: a Hangul vowel or final jamo belongs to the jamo before it.
_JAMO_TAIL = re.compile("[\u1160-\u11ff\ud7b0-\ud7ff]")
CJK_UNIT = re.compile(
    "[^\u1160-\u11ff\ud7b0-\ud7ff][\u1160-\u11ff\ud7b0-\ud7ff]*|[\u1160-\u11ff\ud7b0-\ud7ff]+"
)


def cjk_bigrams(run: str) -> list[tuple[int, int]]:
    """(start, end) in `run` (a cjk_run match) of each of its tokens: overlapping pairs
    of characters, or the run itself when it is one character."""
    if _JAMO_TAIL.search(run) is None:  # no Hangul: a character is one code point
        return [(0, len(run))] if len(run) < 2 else [(at, at + 2) for at in range(len(run) - 1)]
    starts = [unit.start() for unit in CJK_UNIT.finditer(run)]
    if len(starts) < 2:
        return [(0, len(run))]
    starts.append(len(run))
    return [(starts[at], starts[at + 2]) for at in range(len(starts) - 2)]


def _bigrams(text: str) -> str:
    """A run (cjk_run) as its tokens, spaces between and around them."""
    # What cjk_bigrams says, made at C speed: characters (or Hangul syllables) in pairs.
    units: Sequence[str] = text if _JAMO_TAIL.search(text) is None else CJK_UNIT.findall(text)
    if len(units) < 2:
        return f" {text} "
    return " " + " ".join(map(str.__add__, units[:-1], units[1:])) + " "


# Between two CJK runs with no token between them: a letter that no folded text holds (it
# folds to `x`), so no word of a text or a query is ever this token.
RUN_BREAK = "\uff58"


# What separates two runs when it is no token: no letter or digit, and no NUL
# (reader.index.rows puts one between two texts indexed in one call, which must stay apart).
_GAP = re.compile(r"(?:[^\w\x00]|_)+")


def split_cjk(folded: str, run: re.Pattern[str] | None = None) -> str:
    """Folded text with each CJK run (`run`: cjk_run, the default, or _stored_cjk_run)
    written as its bigrams, spaces between and around them, and RUN_BREAK between two
    runs that no other token separates: splitting the result into runs of letters and
    digits gives the tokens."""
    runs = (cjk_run() if run is None else run).finditer(folded)
    pieces: list[str] = []
    done = 0  # the end of the run before (0: none yet)
    for found in runs:
        start = found.start()
        if done:
            gap = folded[done:start]
            pieces.append(gap)
            # Runs are whole, so something lies between two; the run before ends in a
            # letter or digit (not so only for _stored_cjk_run over other text).
            if _GAP.fullmatch(gap) is not None and _TOKEN_CHAR.match(folded, done - 1):
                pieces.append(f" {RUN_BREAK}")
        else:
            pieces.append(folded[:start])
        pieces.append(_bigrams(found.group()))
        done = found.end()
    if not pieces:
        return folded
    pieces.append(folded[done:])
    return "".join(pieces)


# -- the CJK step without a Python loop over runs ---------------------------------------
#
# split_cjk builds each run's bigrams in Python, 0.7-0.9 us a CJK character with its loop
# (a Japanese page: 7 characters a run, 300 runs). index_text does the same in a few
# passes in C: each CJK unit u (a character, or a Hangul syllable's jamo) of a character's
# folded form is written OPEN u MIDDLE u CLOSE, which replacing each character (as folding
# does) puts in the text at no cost. A run u0 u1 .. un is then
#     OPEN u0 MIDDLE u0 CLOSE OPEN u1 MIDDLE u1 CLOSE .. OPEN un MIDDLE un CLOSE
# in which each CLOSE OPEN dropped joins a pair (u0 u1), each MIDDLE made a space parts
# two, and the first OPEN u0 MIDDLE and (in a run of two units or more) the last MIDDLE
# un CLOSE made spaces give " u0u1 .. un-1un ": split_cjk's run. A run of one unit
# keeps its CLOSE, made a space: " u0 ". RUN_BREAK goes before the OPEN of a run when
# only what makes no token lies between it and the CLOSE before.
# With each CLOSE OPEN made JOIN first, every OPEN left starts a run and every CLOSE ends
# one: each pattern starts with a mark found only at a run's ends, which re skips to. What
# is found looking back from the end of a run (of any length: re cannot) is found in the
# text reversed, looking ahead.
# Private-use characters are no letters: folding makes them spaces, so the folded text
# holds none but these.
_OPEN, _MIDDLE, _CLOSE, _JOIN, _BREAK = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_MARKS = _OPEN + _MIDDLE + _CLOSE + _JOIN + _BREAK
# In the text reversed: a run's OPEN with only what makes no token between it and the
# CLOSE of the run before (_GAP: in the folded text every character not ASCII is a letter
# or digit, so that is ASCII but letters, digits and NUL); that run's last unit (CLOSE un
# MIDDLE) when a JOIN follows.
_BREAK_REVERSED = re.compile(f"{_OPEN}(?=[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+{_CLOSE})")
_LAST_REVERSED = re.compile(f"{_CLOSE}[^{_MARKS}]+{_MIDDLE}(?=[^{_MARKS}]+{_JOIN})")
# A run's first unit (OPEN u0 MIDDLE).
_FIRST = re.compile(f"{_OPEN}[^{_MARKS}]+{_MIDDLE}")


def _split_doubled(doubled: str) -> str:
    """split_cjk(stored, _stored_cjk_run()) of the text whose CJK units are written as
    _doubled_char writes them."""
    reversed_ = doubled.replace(_CLOSE + _OPEN, _JOIN)[::-1]
    reversed_ = _BREAK_REVERSED.sub(_OPEN + _BREAK, reversed_)
    marked = _FIRST.sub(" ", _LAST_REVERSED.sub(" ", reversed_)[::-1])
    return (
        marked.replace(_JOIN, "")
        .replace(_MIDDLE, " ")
        .replace(_CLOSE, " ")
        .replace(_BREAK, f" {RUN_BREAK}")
    )


# _doubled_char of each character met so far (None: not to be written so).
_DOUBLED_CHARS: dict[str, str | None] = {}


def _doubled_char(char: str) -> str | None:
    """_token_text_char(char) with each CJK unit in it written OPEN u MIDDLE u CLOSE;
    None when a unit in it is a Hangul vowel or final alone, which would join the unit
    of the character before (split_cjk is left to do that text)."""
    try:
        return _DOUBLED_CHARS[char]
    except KeyError:
        pass
    folded = _token_text_char(char)
    doubled: str | None = _stored_cjk_run().sub(_doubled_run, folded)
    if _JAMO_TAIL.search(folded) and _LONE_TAIL.search(doubled):  # type: ignore[arg-type]
        doubled = None
    _DOUBLED_CHARS[char] = doubled
    return doubled


def _doubled_run(run: re.Match[str]) -> str:
    return "".join(
        f"{_OPEN}{unit}{_MIDDLE}{unit}{_CLOSE}" for unit in CJK_UNIT.findall(run.group())
    )


# A unit that is a Hangul vowel or final alone.
_LONE_TAIL = re.compile(f"{_OPEN}[\u1160-\u11ff\ud7b0-\ud7ff]")


# Marks a character _doubled_char leaves to split_cjk.
_LONE_TAIL_CHAR = "\ue005"


def _doubled_or_lone(char: str) -> str:
    """What index_text writes for `char` in its ASCII lower-cased: ASCII as it is, others
    as _doubled_char, or _LONE_TAIL_CHAR. (Lower-cased too, as index_text's other ways
    lower-case what folding gives; no character folds to upper-case ASCII in Python
    3.11's tables.)"""
    if char.isascii():
        return char
    doubled = _doubled_char(char)
    return _LONE_TAIL_CHAR if doubled is None else _lower_ascii(doubled)


_DOUBLED_TEXT = CharTable(_doubled_or_lone)
_TOKEN_TEXT = CharTable(
    lambda char: char if char.isascii() else _lower_ascii(_token_text_char(char))
)


def cjk_pieces(token: str) -> list[tuple[int, int]]:
    """(start, end) in `token` (a run of folded letters and digits) of the tokens that
    split_cjk makes of it, in order: itself when it holds no CJK letter."""
    if token.isascii():
        return [(0, len(token))]
    pieces: list[tuple[int, int]] = []
    done = 0
    for run in cjk_run().finditer(token):
        if run.start() > done:
            pieces.append((done, run.start()))
        pieces.extend(
            (run.start() + start, run.start() + end) for start, end in cjk_bigrams(run.group())
        )
        done = run.end()
    if done < len(token):
        pieces.append((done, len(token)))
    return pieces


PROBE = (
    "Café CAFE\u0301 ﬁne Straße ΣΊΣΥΦΟΣ Ǆemal ｐｏｌｉｃｅ ½ 東京 co-op x_y don't "
    "\u2460 \U0001d400 \u0e01\u0e33 \u1e9e \u0130 \u13a0\uab70 "
    "東京都 脆弱性x 한국어 カタカナ 東京・京都 3月に"
)


def tokens_fingerprint() -> str:
    """Names how text becomes tokens here: the Unicode version and the tokens of a probe.

    An index made by a reader that tokenised differently (a newer Python's Unicode
    tables, a changed tokenizer) finds different words: it must be rebuilt. (The index
    adds how its own tokenizer splits the probe: reader.index.text_index.)
    """
    digest = hashlib.sha256(index_text(PROBE).encode("utf-8")).hexdigest()[:16]
    return f"unicode {unicodedata.unidata_version} tokens {digest}"


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_one_for_one(text: str, chars: Iterable[str]) -> str | None:
    """`text` folded, when each of its characters folds to exactly one (most accented
    Latin text, curly quotes, dashes), so offsets map one for one; else None. `chars`
    holds every non-ASCII character of `text` (more do no harm: one that folds to
    other than one character gives None, and the general way its same answer).

    The ASCII is lower-cased (reader.text.chars.ascii_lowered: not str.lower(), which
    looks up every character), then each distinct non-ASCII character replaced by its
    folded form (replace_each)."""
    replacements: dict[str, str] = {}
    for char in chars:
        folded = fold_char(char)
        if len(folded) != 1:
            return None
        replacements[char] = folded
    return replace_each(ascii_lowered(text, replacements), replacements)


class FoldedText:
    """A text folded one character at a time, remembering where each piece came from, so
    a match in the folded text can be mapped back to the original characters.

    ASCII runs fold to themselves in lower case, one for one; only non-ASCII characters
    are folded and recorded one by one.
    """

    __slots__ = ("_chars", "_kinds", "_sources", "_starts", "folded", "original")

    def __init__(self, text: str, chars: Iterable[str] | None = None) -> None:
        """`chars`: the non-ASCII characters of `text` (or more), when known already."""
        self.original = text
        if text.isascii():
            self.folded = text.lower()
            self._starts, self._sources, self._kinds = [0], [0], [True]
            self._chars: Iterable[str] | None = ()
            return
        self._chars = non_ascii(text) if chars is None else chars
        folded = _fold_one_for_one(text, self._chars)
        if folded is not None:  # offsets map one for one, as for ASCII
            self.folded = folded
            self._starts, self._sources, self._kinds = [0], [0], [True]
            return
        self._chars = None
        self._fold_pieces(text)

    def _fold_pieces(self, text: str) -> None:
        """The general way: each ASCII run lower-cased, each other character folded on
        its own, and where each piece came from."""
        pieces: list[str] = []
        starts: list[int] = []  # where each piece starts in the folded text
        sources: list[int] = []  # where it came from in `text`
        kinds: list[bool] = []  # True: an ASCII run (offsets map one for one)
        folded_at = 0
        done = 0
        for run in _NON_ASCII.finditer(text):
            if run.start() > done:
                pieces.append(text[done : run.start()].lower())
                starts.append(folded_at)
                sources.append(done)
                kinds.append(True)
                folded_at += run.start() - done
            for index in range(run.start(), run.end()):
                folded = fold_char(text[index])
                if folded:
                    pieces.append(folded)
                    starts.append(folded_at)
                    sources.append(index)
                    kinds.append(False)
                    folded_at += len(folded)
            done = run.end()
        if done < len(text):
            pieces.append(text[done:].lower())
            starts.append(folded_at)
            sources.append(done)
            kinds.append(True)
        self.folded = "".join(pieces)
        self._starts, self._sources, self._kinds = starts, sources, kinds

    def folded_non_ascii(self) -> Iterable[str]:
        """The non-ASCII characters of the folded text (or more): found from those of the
        original where it was folded one for one."""
        if self._chars is None:
            return non_ascii(self.folded)
        return {fold_char(char) for char in self._chars}

    def _source(self, position: int) -> int:
        piece = bisect_right(self._starts, position) - 1
        if self._kinds[piece]:
            return self._sources[piece] + position - self._starts[piece]
        return self._sources[piece]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The characters of the original text that folded into folded[start:end].

        The span also covers marks right after it, so a highlight never splits a letter
        from its combining accent.
        """
        first = self._source(start)
        last = self._source(end - 1) + 1
        text = self.original
        while last < len(text) and not text[last].isascii() and fold_char(text[last]) == "":
            last += 1
        return first, last


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(folded token, start, end) for each token, with offsets into the original `text`."""
    folded = FoldedText(text)
    spans: list[tuple[str, int, int]] = []
    previous: re.Match[str] | None = None
    for match in _TOKEN.finditer(folded.folded):
        token = match.group()
        if (
            previous is not None
            and begins_cjk(previous.group()[-1])
            and begins_cjk(token)
            and "\x00" not in folded.folded[previous.end() : match.start()]
        ):
            # RUN_BREAK: its span is what separates the two runs.
            spans.append((RUN_BREAK, *folded.original_span(previous.end(), match.start())))
        spans.extend(
            (token[start:end], *folded.original_span(match.start() + start, match.start() + end))
            for start, end in cjk_pieces(token)
        )
        previous = match
    return spans


def words_text(words: Sequence[str]) -> str:
    """Text that `tokenize` splits into `words` (tokens as it makes them): the pairs of a
    CJK run written as the run (`脆弱 弱性` as `脆弱性`), RUN_BREAK as a space, other
    tokens apart."""
    text = ""
    previous = RUN_BREAK
    for word in words:
        if word == RUN_BREAK:
            text += " "
        elif previous != RUN_BREAK and begins_cjk(previous[-1]) and begins_cjk(word):
            unit = CJK_UNIT.match(word)
            shared = unit.group() if unit else ""
            if shared and len(word) > len(shared) and previous.endswith(shared):
                text += word[len(shared) :]  # the next pair of the same run
            else:
                text += "\x00" + word  # two runs that only a NUL keeps apart
        else:
            text += word if not text or text.endswith(" ") else " " + word
        previous = word
    return text


@dataclass(frozen=True, slots=True)
class SearchText:
    """The texts of one article that search looks in, each searched on its own.

    A phrase matches only inside one of these texts: never across the end of the title
    into the body, from one initiative into the next, or between metadata values.
    """

    title: str
    body: str
    initiatives: tuple[str, ...]
    # (folded dotted key, text) for every metadata leaf value; a list gives one per item.
    metadata: tuple[tuple[str, str], ...]
    area: str
    url: str


def metadata_leaves(metadata: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(folded dotted key, text) for every non-empty leaf value; lists give one per item."""
    leaves: list[tuple[str, str]] = []
    _leaves_into(metadata, "", leaves)
    return leaves


def _leaves_into(metadata: Mapping[str, Any], prefix: str, leaves: list[tuple[str, str]]) -> None:
    """metadata_leaves of `metadata` under the dotted `prefix`, added to `leaves`: the
    strings and dicts most metadata is made of walked here, other values as flatten and
    _value_texts take them (their generators and checks against Mapping cost 2 us a
    value: the snippets of a result with no hit in its body read all its metadata)."""
    for key, value in metadata.items():
        kind = value.__class__
        if kind is str:
            leaves.append((fold_path(prefix + dotted(key)), value))
        elif kind is dict:
            _leaves_into(value, prefix + dotted(key) + ".", leaves)
        else:
            for name, leaf in flatten({key: value}, prefix):
                folded_key = fold_path(name)
                leaves.extend((folded_key, text) for text in _value_texts(leaf))


def _value_texts(value: Any) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _value_texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _value_texts(item)
    else:
        yield str(value)


def metadata_keys(articles: Iterable[Article]) -> frozenset[str]:
    """Every folded dotted metadata key in `articles`, and each of its dotted prefixes.

    These are the names a query may use as fields: `og.locale`, and `og` for all of
    `og.*` at once.
    """
    keys: set[str] = set()
    for article in articles:
        _add_keys(article.metadata, keys)
    return frozenset(keys)


def keys_of(metadata: Mapping[str, Any]) -> frozenset[str]:
    """metadata_keys of one article's metadata."""
    keys: set[str] = set()
    _add_keys(metadata, keys)
    return frozenset(keys)


def leaves_and_keys(metadata: Mapping[str, Any]) -> tuple[list[tuple[str, str]], frozenset[str]]:
    """metadata_leaves and keys_of of one article's metadata, in one walk (indexing an
    article wants both)."""
    leaves: list[tuple[str, str]] = []
    keys: set[str] = set()
    for key, value in flatten(metadata):
        folded_key = fold_path(key)
        if type(value) is str:  # most values: their one text is themselves
            leaves.append((folded_key, value))
        else:
            leaves.extend((folded_key, text) for text in _value_texts(value))
        _add_path(folded_key, keys)
    return leaves, frozenset(keys)


def _add_keys(metadata: Mapping[str, Any], keys: set[str]) -> None:
    for key, _value in flatten(metadata):
        _add_path(fold_path(key), keys)


def _add_path(path: str, keys: set[str]) -> None:
    """A folded dotted path and each of its dotted prefixes."""
    while path and path not in keys:
        keys.add(path)
        path = path.rpartition(".")[0]
