"""Chinese, Japanese and Korean text without spaces is searchable (issue 13, item 7):
runs of Han, Kana and Hangul are tokens of two characters, overlapping, in the index and
in queries alike, so a word is found wherever it occurs, as `grep -l` finds it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.index import ArticleIndex, SearchEngine
from reader.resources import samples_dir
from reader.search.query import Phrase, Term, parse_query
from reader.search.snippets import highlight_spans, snippets
from reader.text.tokens import index_text, token_spans, tokenize
from tests.search.test_engine import engine_of, front, ids


def test_cjk_runs_are_overlapping_bigrams_and_a_lone_character_a_token() -> None:
    assert tokenize("脆弱性") == ["脆弱", "弱性"]
    assert tokenize("情報の脆弱性") == ["情報", "報の", "の脆", "脆弱", "弱性"]
    assert tokenize("東京") == ["東京"]
    assert tokenize("性") == ["性"]
    assert tokenize("カタカナ、ひらがな") == ["カタ", "タカ", "カナ", "ひら", "らか", "かな"]
    # Other scripts next to a run are tokens of their own.
    assert tokenize("Python3の脆弱性x") == ["python3", "の脆", "脆弱", "弱性", "x"]
    assert index_text("Python3の脆弱性x").split() == tokenize("Python3の脆弱性x")


def test_kana_voicing_marks_fold_away_like_other_marks() -> None:
    # NFKD splits が into か and a combining mark, which folding drops (as for é).
    assert tokenize("ひらがな") == tokenize("ひらかな")


def test_hangul_bigrams_are_of_syllables_not_jamo() -> None:
    # NFKD makes each syllable two or three jamo: the pairs are still of syllables.
    assert tokenize("한국어") == [
        tokenize("한국")[0],
        tokenize("국어")[0],
    ]
    assert len(tokenize("한국어")) == 2
    assert tokenize("한") == tokenize("한")  # a lone syllable: one token


def test_token_spans_of_bigrams_overlap_in_the_original_text() -> None:
    assert token_spans("ガ脆弱性") == [("カ脆", 0, 2), ("脆弱", 1, 3), ("弱性", 2, 4)]


def test_a_cjk_word_is_the_phrase_of_its_bigrams() -> None:
    assert parse_query("脆弱性") == Phrase(("脆弱", "弱性"))
    assert parse_query("東京") == Term("東京")


def test_a_cjk_word_is_found_inside_runs_and_only_where_its_characters_are_together() -> None:
    engine = engine_of(
        [
            front("whole.md", title="脆弱性", body="本文。"),
            front("inside.md", title="お知らせ", body="情報の脆弱性についての報告。"),
            front("apart.md", title="お知らせ", body="脆弱な性質の報告。"),
            front("spaced.md", title="note", body="the word 脆弱性 in English text"),
            front("tag.md", title="x", tags="[脆弱性対策]"),
            front("none.md", title="x", body="関係のない文章。"),
        ]
    )
    assert sorted(ids(engine, "脆弱性")) == ["inside.md", "spaced.md", "tag.md", "whole.md"]
    assert sorted(ids(engine, '"の脆弱性"')) == ["inside.md"]
    assert sorted(ids(engine, "tags:脆弱性")) == ["tag.md"]
    assert sorted(ids(engine, "脆弱 -性質")) == ["inside.md", "spaced.md", "tag.md", "whole.md"]


def test_a_single_cjk_character_is_found_within_runs() -> None:
    engine = engine_of(
        [
            front("alone.md", title="x", body="性"),
            front("first.md", title="x", body="性質"),
            front("last.md", title="x", body="脆弱性"),
            front("middle.md", title="x", body="脆弱性について"),
            front("other.md", title="x", body="脆弱な"),
        ]
    )
    assert sorted(ids(engine, "性")) == ["alone.md", "first.md", "last.md", "middle.md"]
    assert sorted(ids(engine, "x 性")) == ["alone.md", "first.md", "last.md", "middle.md"]
    # Typed (a prefix), as on Enter.
    assert sorted(ids(engine, "性", prefix_last=True)) == [
        "alone.md", "first.md", "last.md", "middle.md",
    ]  # fmt: skip


def test_a_lone_hangul_syllable_is_not_found_inside_a_longer_one() -> None:
    """가 folds to two jamo (ㄱ ㅏ), 각 to three (ㄱ ㅏ ㄱ): 각하 does not hold 가."""
    engine = engine_of(
        [
            front("a.md", title="x", body="각하 말씀"),
            front("b.md", title="x", body="가나 다라"),
            front("c.md", title="x", body="있습니다"),
        ]
    )
    assert ids(engine, "가") == ["b.md"]
    assert ids(engine, "각") == ["a.md"]
    assert sorted(ids(engine, "다")) == ["b.md", "c.md"]


def test_hangul_words_of_three_syllables_or_more_are_highlighted() -> None:
    text = "오늘은 한국어 수업이 있습니다"
    assert highlight_spans(text, parse_query("한국어")) == [(4, 7)]
    assert highlight_spans("안녕하세요", parse_query("안녕하세요")) == [(0, 5)]
    article = front("a.md", title="x", body=text)
    (window,) = snippets(article, parse_query("한국어"))
    assert "한국어" in window


def test_typing_a_cjk_word_finds_it_as_it_grows() -> None:
    engine = engine_of([front("a.md", title="x", body="情報の脆弱性について")])
    for typed in ("脆", "脆弱", "脆弱性"):
        assert ids(engine, typed, prefix_last=True) == ["a.md"], typed


def test_highlights_and_snippets_mark_the_cjk_word() -> None:
    text = "情報の脆弱性について。東京 京都"
    assert highlight_spans(text, parse_query("脆弱性")) == [(3, 6)]
    assert highlight_spans(text, parse_query("性")) == [(5, 6)]
    assert highlight_spans("abc東京def", parse_query("東京")) == [(3, 5)]
    assert highlight_spans("abc東京def", parse_query("def")) == [(5, 8)]
    # The index cannot tell 東京都 from 東京 京都: both are highlighted.
    assert highlight_spans(text, parse_query("東京都")) == [(11, 16)]
    article = front("a.md", title="x", body="前置き。" * 40 + "情報の脆弱性について。")
    (window,) = snippets(article, parse_query("脆弱性"))
    assert "脆弱性" in window


WORDS = [
    "脆弱性", "情報", "東京都", "京都", "防犯", "パトロール", "ボランティア", "自治会",
    "한국어", "검색", "안전", "性", "の", "セキュリティ", "漏洩", "対策", "報告",
]  # fmt: skip
FILLER = [*"あいうえおかきくけこ日月火水木金土山川人大小中", "、", "。", " ", "\n", "ー"]


def write_cjk_folder(root: Path, count: int, seed: int) -> None:
    """Articles of CJK words and filler characters run together, no spaces."""
    rng = random.Random(seed)
    for number in range(count):
        parts = []
        for _ in range(rng.randrange(5, 60)):
            parts.append(rng.choice(WORDS) if rng.random() < 0.3 else rng.choice(FILLER))
        title = "".join(rng.choice(FILLER[:-4]) for _ in range(rng.randrange(1, 8)))
        body = "".join(parts)
        (root / f"{number:04}.md").write_text(f"---\ntitle: {title}\n---\n{body}\n")


def folder_engine(root: Path) -> SearchEngine:
    index = ArticleIndex.temporary(root, in_memory=True)
    index.sync(workers=1)
    return index.engine()


def files_containing(root: Path, word: str) -> list[str]:
    """What `grep -rl word root` lists, as article ids."""
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.md")
        if word in path.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("word", WORDS)
def test_every_word_is_found_in_every_file_that_holds_it(tmp_path: Path, word: str) -> None:
    write_cjk_folder(tmp_path, 150, seed=13)
    sample = samples_dir() / "sites" / "ja" / "2023-03-08-bouhan-patrol.md"
    (tmp_path / "ja.md").write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    engine = folder_engine(tmp_path)
    expected = files_containing(tmp_path, word)
    assert expected, word
    assert sorted(engine.search(word).ids()) == expected
