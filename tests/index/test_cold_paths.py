"""The shortcuts of a cold index (issue 14) give what the plain way gives: each quicker
step is held here to the code it stands in for."""

from __future__ import annotations

import gc
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.index import ArticleIndex, rows
from reader.loading import fastyaml
from reader.resources import samples_dir
from reader.text import tokens
from reader.text.chars import non_ascii, replace_each
from reader.text.tokens import index_text
from tests.bench_modules import bench_module
from tests.index.conftest import write


def plain_index_text(text: str) -> str:
    """index_text as it was before it looked for CJK runs only among the characters it
    replaced: the CJK step over the whole text, every time."""
    if text.isascii():
        stored = text.lower()
    else:
        replacements = {char: tokens._token_text_char(char) for char in non_ascii(text)}
        folded = replace_each(text, replacements)
        stored = tokens.split_cjk(
            folded.encode("utf-8").lower().decode("utf-8"), tokens._stored_cjk_run()
        )
    if len(stored) > tokens._LONGEST_UNCUT:
        stored = tokens._LONG_RUN.sub(tokens._cut_run, stored)
    return stored


# Accents with and without CJK runs beside them (Han, Kana, Hangul syllables and jamo,
# half-width Kana whose voicing mark folds away, the compatibility ideographs).
_MIXED = "aZ09 .-\x00éÉe\u0301ßﬁΣ½İ東京脆弱性한국어ガｶﾞ\u1100\u1161\u11a8・々\uf900\u3042"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(_MIXED), st.characters()), max_size=60))
@example("Café naïve")  # accents only: no CJK step at all
@example("naïve 東京都")  # an accent, then a run to split
@example("Ａ한")  # a full-width letter folds to ASCII; the syllable to jamo
@example("ｶﾞ")  # half-width Kana: folds to a CJK letter and a mark dropped
def test_index_text_splits_cjk_runs_exactly_as_over_the_whole_text(text: str) -> None:
    assert index_text(text) == plain_index_text(text)


# CJK text as pages write it, and what could trip the quick CJK step (index_text without
# split_cjk's loop): kanji, kana and Hangul syllables, runs of one, full-width punctuation
# and letters, NUL (between texts indexed in one call), `_`, characters folding to several
# units (㍿) or to a unit among other text (㈱), jamo alone (a vowel: left to split_cjk),
# half-width kana whose voicing mark folds away, RUN_BREAK and what folds to it, and the
# private-use characters the quick step writes its marks with.
_CJK = (
    "東京都脆弱性日本語的是了我们中文한국어가나다カタカナひらがなの々〇\uf900\U00020000"
    "、。「」（）・：！ \n\t\x00_-.,aZ09é\u0301ß㍿㈱ㄱㅏ\u1100\u1161\u11a8ｶﾞＡ\uff58x"
    "\ue000\ue001\ue002\ue003"
)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(_CJK), st.characters()), max_size=80))
@example("東")  # a run of one character
@example("東京、大阪。東 京")  # runs parted by what is no token: RUN_BREAK
@example("東a京 東_京 東\x00京")  # by a token, by `_` (a break), by NUL (none)
@example("가나 ㄱㅏ")  # Hangul syllables; jamo alone, a vowel among them
@example("가ㅏ나 東\u1161京")  # a vowel alone joins the unit before it: left to split_cjk
@example("a vowel alone in mostly ASCII: 가ㅏ나")  # (one table for the text, not one lookup
@example("mostly ASCII: 東京、大阪 a")  # a character: index_text has both ways)
@example("ᴬ東京AB")  # folds to ASCII; ASCII lower-cased before the table, not after
@example("㍿と㈱\ue000東\ue002")  # several units from one character; the marks' characters
def test_cjk_runs_are_split_without_the_loop_as_split_cjk_splits_them(text: str) -> None:
    assert index_text(text) == plain_index_text(text)


def test_cjk_pages_of_the_bench_are_indexed_as_split_cjk_splits_them(tmp_path: Path) -> None:
    generate_markdown = bench_module("generate_markdown")
    generate_markdown.generate_cjk(tmp_path, 30)
    files = sorted(tmp_path.rglob("*.md"))
    assert len(files) == 30
    for path in files:
        text = path.read_text("utf-8")
        assert index_text(text) == plain_index_text(text), path


# Letters of 4 bytes in UTF-8 (Gothic), which folding keeps: a run of a little more than
# tokens._LONGEST_UNCUT of them is over MAX_TOKEN_BYTES, and is cut.
_WIDE_LETTER = "\U00010330"


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=0, max_value=3 * tokens._LONGEST_UNCUT),
    st.integers(min_value=tokens._LONGEST_UNCUT - 2, max_value=tokens._LONGEST_UNCUT + 40),
    st.sampled_from([_WIDE_LETTER, "a", "é"]),
)
@example(tokens._LONGEST_UNCUT // 2 + 1, tokens._LONGEST_UNCUT + 1, _WIDE_LETTER)
@example(0, 3 * tokens._LONGEST_UNCUT, "a")
def test_long_texts_are_cut_only_where_the_regex_would_cut(
    words_before: int, run: int, letter: str
) -> None:
    """index_text skips the search for runs too long to keep when each block of half
    that length holds a space: what it stores is what the search and cut would store,
    wherever a long run falls against those blocks."""
    text = "w " * (words_before // 2) + letter * run + " tail" * 2000
    stored = index_text(text)
    assert stored == tokens._LONG_RUN.sub(tokens._cut_run, index_text_uncut(text))
    if len(letter.encode()) * run > tokens.MAX_TOKEN_BYTES:
        assert len(max(stored.split(), key=len).encode()) <= tokens.MAX_TOKEN_BYTES


def index_text_uncut(text: str) -> str:
    """index_text with no run cut."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tokens, "_LONGEST_UNCUT", len(text) * 4)
        return index_text(text)


def regex_split_cjk(folded: str, run: re.Pattern[str]) -> str:
    """split_cjk as it was (issue 14, before lean15): one regex for a run and the gap
    before it, substituted over the text. Its two CJK classes cost 3 ms to compile."""
    gap = f"(?<=[{tokens.CJK_LETTERS}])(?<![\\W_])((?:[^\\w\\x00]|_)+)"
    after_gap = re.compile(f"(?:{gap})?(?:{run.pattern})")

    def split_run(match: re.Match[str]) -> str:
        found = match.group(1)
        if found is None:
            return tokens._bigrams(match.group())
        return f"{found} {tokens.RUN_BREAK}{tokens._bigrams(match.group()[len(found) :])}"

    return folded if run.search(folded) is None else after_gap.sub(split_run, folded)


# CJK letters of each kind, what lies between runs (spaces, punctuation, `_`, NUL, a
# Katakana middle dot, which is in the ranges but no letter), letters and digits of other
# scripts, and a Hangul syllable's jamo.
_BETWEEN = "東京都脆弱性한국ガ々\u3042\uf900\U00020000\u1100\u1161\u11a8 ・_\x00-.,\n9aé"


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=st.one_of(st.sampled_from(_BETWEEN), st.characters()), max_size=40),
    st.booleans(),
)
@example("東京・京都", True)
@example("東京 _ 京都\x00大阪", True)
@example("東・京", False)  # one run of the stored kind: the dot is in the ranges
@example("a東 b京", True)
def test_split_cjk_splits_as_the_regex_it_stands_in_for(text: str, stored: bool) -> None:
    run = tokens._stored_cjk_run() if stored else tokens.cjk_run()
    assert tokens.split_cjk(text, run) == regex_split_cjk(text, run)


def test_classes_written_as_what_they_are_not_hold_the_same_characters() -> None:
    """The cheaper spellings of index_text's run of token characters and of a stored
    token (reader.index.rows), and begins_cjk, against the classes they stand in for, at
    every code point."""
    cases = (
        (re.compile(tokens._LONG_RUN.pattern.split("{")[0]), "[0-9A-Za-z\x80-\U0010ffff]"),
        (re.compile(rows._STORED_TOKEN.pattern.rstrip("+")), "[0-9a-z\x80-\U0010ffff]"),
    )
    for cheap, plain in cases:
        before = re.compile(plain)
        assert [
            code
            for code in range(0x110000)
            if bool(cheap.match(chr(code))) != bool(before.match(chr(code)))
        ] == []
    cjk = re.compile(f"[{tokens.CJK_LETTERS}]")
    assert [
        code
        for code in range(0x110000)
        if tokens.begins_cjk(chr(code) + "a") != bool(cjk.match(chr(code)))
    ] == []
    assert not tokens.begins_cjk("")


# Plain scalars YAML reads as other things than text, and texts that are near them.
_SCALARS = st.one_of(
    st.sampled_from(
        ["1", "1.5", "0x1F", "1e3", ".inf", "~", "null", "yes", "No", "2024-01-02", "en_GB"]
    ),
    st.text(alphabet="0123456789.-+:eExXtTyYnN_ ", max_size=12),
    st.text(max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(_SCALARS, st.integers(min_value=0, max_value=120))
def test_a_remembered_answer_of_the_yaml_reader_is_the_answer(text: str, padding: int) -> None:
    """fastyaml keeps what it found of short keys and values: asked twice, short or long,
    it answers as the plain check does."""
    for scalar in (text, text + "0" * padding):
        expected = fastyaml._resolved_tag(scalar)
        assert fastyaml._tag_of(scalar) == expected
        assert fastyaml._tag_of(scalar) == expected


_SILENCED = """
import logging, sys
from reader.markdown import markdown_parser, silence_block_rule_logging

records = []
handler = logging.Handler(logging.DEBUG)
handler.emit = records.append
logging.getLogger("markdown_it").addHandler(handler)
logging.getLogger("markdown_it").setLevel(logging.DEBUG)
body = sys.stdin.read()
before = [token.as_dict() for token in markdown_parser().parse(body)]
logged = len(records)
silence_block_rule_logging()
after = [token.as_dict() for token in markdown_parser().parse(body)]
print(logged > 0, len(records) == logged, before == after)
"""


def test_a_worker_without_markdown_it_debug_logging_parses_the_same() -> None:
    """A sync's workers turn markdown-it's debug logging off (its block rules log every
    line they try): the parse is the same, and nothing more is logged."""
    body = "\n\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(samples_dir().rglob("*"))
        if path.suffix in (".md", ".txt")
    )
    done = subprocess.run(
        [sys.executable, "-c", _SILENCED],
        input=body,
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert done.stdout.split() == ["True", "True", "True"]


def test_a_sync_of_many_files_collects_garbage_less_often_and_puts_it_back(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collector's thresholds are the whole process's (the reader's UI's too): a
    sync reading many files raises them while it reads, and puts them back after, also
    when it fails; a sync of a few files leaves them alone."""
    sync_module = importlib.import_module("reader.index.sync")  # (a function of that name)
    for number in range(3):
        write(root, f"{number}.md", f"Article {number}")
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []

    def on_batch(*_args: object) -> None:
        seen.append(gc.get_threshold())

    with ArticleIndex.open(root) as index:
        index.sync(workers=1, on_batch=on_batch)  # 3 files: a few
        monkeypatch.setattr(sync_module, "POOL_THRESHOLD", 2)  # 3 files: many
        write(root, "3.md", "Article 3")
        write(root, "4.md", "Article 4")
        index.sync(workers=1, on_batch=on_batch)
        assert seen == [before, sync_module._GC_THRESHOLDS]
        assert gc.get_threshold() == before

        def failing(*_args: object) -> None:
            raise RuntimeError("stop")

        write(root, "5.md", "Article 5")
        write(root, "6.md", "Article 6")
        with pytest.raises(RuntimeError):
            index.sync(workers=1, on_batch=failing)
        assert gc.get_threshold() == before
