"""Chinese, Japanese and Korean text without spaces is searchable (issue 13, item 7):
runs of Han, Kana and Hangul are tokens of two characters, overlapping, in the index and
in queries alike, so a word is found wherever it occurs, as `grep -l` finds it."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from reader.cli import main
from reader.index import ArticleIndex, SearchEngine
from reader.resources import samples_dir
from reader.search.query import Phrase, Term, format_query, parse_query
from reader.search.snippets import highlight_spans, snippets
from reader.text.tokens import (
    RUN_BREAK,
    cjk_run,
    index_text,
    token_spans,
    tokenize,
    words_text,
)
from tests.search.test_engine import engine_of, front, ids


def test_cjk_runs_are_overlapping_bigrams_and_a_lone_character_a_token() -> None:
    assert tokenize("脆弱性") == ["脆弱", "弱性"]
    assert tokenize("情報の脆弱性") == ["情報", "報の", "の脆", "脆弱", "弱性"]
    assert tokenize("東京") == ["東京"]
    assert tokenize("性") == ["性"]
    # Two runs apart: the break token between them.
    assert tokenize("カタカナ、ひらがな") == [
        "カタ",
        "タカ",
        "カナ",
        RUN_BREAK,
        "ひら",
        "らか",
        "かな",
    ]
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
    # A word typed (a prefix) runs on to the end of its token, not into the CJK text after.
    assert highlight_spans("abc東京def", parse_query("ab", prefix_last=True)) == [(0, 3)]
    assert highlight_spans("専用iPhoneで", parse_query("用iphone", prefix_last=True)) == [(1, 8)]
    # 東京 京都 are two runs: not the word 東京都, the phrase "東京 京都".
    assert highlight_spans(text, parse_query("東京都")) == []
    assert highlight_spans(text, parse_query('"東京 京都"')) == [(11, 16)]
    article = front("a.md", title="x", body="前置き。" * 40 + "情報の脆弱性について。")
    (window,) = snippets(article, parse_query("脆弱性"))
    assert "脆弱性" in window


WORDS = [
    "脆弱性", "情報", "東京都", "東京", "京都", "防犯", "パトロール", "ボランティア", "自治会",
    "한국어", "검색", "안전", "性", "の", "セキュリティ", "漏洩", "対策", "報告",
    # A character beside digits or Latin letters (no word ends in one, so a Latin token
    # here is always whole, as search needs and grep does not).
    "3月", "iPhone用", "5个", "3월",
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


JA_SAMPLE = samples_dir() / "sites" / "ja" / "2023-03-08-bouhan-patrol.md"


@pytest.mark.parametrize("word", WORDS)
def test_every_word_is_found_in_every_file_that_holds_it(tmp_path: Path, word: str) -> None:
    write_cjk_folder(tmp_path, 150, seed=13)
    (tmp_path / "ja.md").write_text(JA_SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    engine = folder_engine(tmp_path)
    expected = files_containing(tmp_path, word)
    assert expected, word
    assert sorted(engine.search(word).ids()) == expected


def test_runs_that_meet_across_punctuation_or_a_line_are_found_as_grep_finds_them(
    tmp_path: Path,
) -> None:
    """Each place in the Japanese sample where two runs meet across punctuation, a space
    or a line (`所に` / `報告`), written again with the second run starting with the first
    one's last character, as in 東京・京都 (`所に` / `に報告`): the word of both runs
    (`所に報告`) is found where grep finds it, not in that text."""
    body = JA_SAMPLE.read_text(encoding="utf-8").split("---\n", 2)[2]
    meetings = [
        (found.group(1), found.group(2), found.group(3))
        for found in re.finditer(r"(?=([^\W\d_]{2})([\W_]+)([^\W\d_]{2}))", body)
        if cjk_run().fullmatch(found.group(1)) and cjk_run().fullmatch(found.group(3))
    ]
    assert len(meetings) > 15
    assert {"、", "。\n", "\n", "\n\n"} <= {between for _first, between, _second in meetings}
    for number, (first, between, second) in enumerate(meetings):
        text = body.replace(first + between + second, first + between + first[-1] + second)
        (tmp_path / f"{number:02}.md").write_text(f"---\ntitle: x\n---\n{text}", "utf-8")
    (tmp_path / "joined.md").write_text(
        "---\ntitle: x\n---\n" + "は".join(first + second for first, _b, second in meetings),
        encoding="utf-8",
    )
    engine = folder_engine(tmp_path)
    for number, (first, _between, second) in enumerate(meetings):
        word = first + second
        expected = files_containing(tmp_path, word)
        assert f"{number:02}.md" not in expected
        assert sorted(engine.search(word).ids()) == expected, word
        phrase = f'"{first} {first[-1]}{second}"'
        assert f"{number:02}.md" in engine.search(phrase).ids(), phrase


# -- two runs are not one: punctuation, a space, a line, other letters keep them apart -----

# (query, a text holding its first pairs, one holding the rest): apart, they hold every
# pair of the query, the last of the first run beside the first of the second.
SPLIT_WORDS = [
    ("東京都", "東京", "京都"),  # kanji
    ("中国人", "中国", "国人"),  # Chinese
    ("カタカナ", "カタカ", "カナ"),  # katakana
    ("ひらがな", "ひら", "らがな"),  # hiragana (が folds to か)
    ("한국어", "한국", "국어"),  # Hangul
]
SEPARATORS = ["・", "、", "。", "，", " ", "\u3000", "\n", "\n\n", " - ", "abc", "42", "x_y"]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_a_cjk_word_never_spans_two_runs(separator: str) -> None:
    articles = [front("whole.md", title="x", body="前に" + "".join(w for w, _a, _b in SPLIT_WORDS))]
    articles += [
        front(f"apart{number}.md", title="x", body=f"{first}{separator}{second}")
        for number, (_word, first, second) in enumerate(SPLIT_WORDS)
    ]
    engine = engine_of(articles)
    for number, (word, first, second) in enumerate(SPLIT_WORDS):
        apart = f"{first}{separator}{second}"
        assert word not in apart  # what grep says
        assert ids(engine, word) == ["whole.md"], (word, separator)
        assert ids(engine, word, prefix_last=True) == ["whole.md"], (word, separator)
        assert ids(engine, f"title:x {word}") == ["whole.md"], (word, separator)
        assert highlight_spans(apart, parse_query(word)) == []
        if separator.strip(" \n\u3000・、。，-_") == "":
            # Punctuation, spaces and lines are no tokens: the phrase of the two runs
            # finds them (as `"co op"` finds co-op), and not the word.
            phrase = f'"{first} {second}"'
            assert ids(engine, phrase) == [f"apart{number}.md"], (phrase, separator)
            assert highlight_spans(apart, parse_query(phrase)) == [(0, len(apart))]


def test_a_break_between_runs_holds_in_metadata_fields_and_titles() -> None:
    engine = engine_of(
        [
            front("apart.md", title="東京・京都の旅", tags="[東京・京都]"),
            front("whole.md", title="東京都の旅", tags="[東京都]"),
        ]
    )
    assert ids(engine, "東京都") == ["whole.md"]
    assert ids(engine, "tags:東京都") == ["whole.md"]
    assert ids(engine, "title:東京都") == ["whole.md"]
    assert ids(engine, 'tags:"東京、京都"') == ["apart.md"]
    assert highlight_spans("東京・京都の旅", parse_query("東京都"), field="title") == []


def test_a_phrase_of_cjk_runs_prints_back_as_the_text_it_came_from() -> None:
    for text in ("脆弱性", '"東京 京都"', '"東京都 京都"', "3月に", '"한국어 검색"', "iPhone用"):
        node = parse_query(text)
        assert parse_query(format_query(node)) == node, text
    assert words_text(tokenize("東京・京都は3月に")) == "東京 京都は 3 月に"
    assert tokenize("東京・京都") == ["東京", RUN_BREAK, "京都"]
    assert tokenize("東京abc京都") == ["東京", "abc", "京都"]  # a token between: no break


# -- a lone character beside other letters or digits in a query ----------------------------

LONE_TEXTS = {
    "march.md": "今年は3月に始まった",
    "date.md": "2023年3月1日",
    "spaced.md": "3 月曜日",
    "thirteen.md": "13月は無い",
    "iphone.md": "iPhone用のケース",
    "only.md": "専用iPhoneケース",
    "korean.md": "3월에 시작",
    "chinese.md": "我有5个苹果",
    "python.md": "Python3の脆弱性",
    "japan.md": "日本のabc語",
}
# (query, articles that hold it as grep -i sees it, Latin words whole)
LONE_QUERIES = [
    ("3月", ["date.md", "march.md", "spaced.md"]),
    ("3月に", ["march.md"]),
    ("年3月", ["date.md"]),
    ("iPhone用", ["iphone.md"]),
    ("用iPhone", ["only.md"]),
    ("3월", ["korean.md"]),
    ("5个", ["chinese.md"]),
    ("python3の", ["python.md"]),
    ("のabc語", ["japan.md"]),
    ("のabc", ["japan.md"]),
    ("abc語", ["japan.md"]),
]


def grep_i(texts: dict[str, str], word: str) -> list[str]:
    """The articles holding `word`, letters of any case (what grep -il lists), where a
    space counts as no character (search reads only letters and digits)."""
    return sorted(
        name for name, text in texts.items() if word.casefold() in text.casefold().replace(" ", "")
    )


@pytest.mark.parametrize(("query", "expected"), LONE_QUERIES)
def test_a_lone_cjk_character_beside_latin_is_found_where_grep_finds_it(
    query: str, expected: list[str]
) -> None:
    engine = engine_of(front(name, title="x", body=text) for name, text in LONE_TEXTS.items())
    # 13月 holds 3月 for grep, but search finds words, and 13 is not 3: left out.
    assert [name for name in grep_i(LONE_TEXTS, query) if name != "thirteen.md"] == expected
    assert sorted(ids(engine, query)) == expected
    assert sorted(ids(engine, query, prefix_last=True)) == expected
    assert sorted(ids(engine, f'"{query}"')) == expected
    for name in expected:
        text = LONE_TEXTS[name]
        spans = highlight_spans(text, parse_query(query))
        assert [text[start:end].replace(" ", "").casefold() for start, end in spans] == [
            query.casefold()
        ], name
        (window,) = snippets(front(name, title="x", body=text), parse_query(query))
        assert window == text


def test_a_lone_character_between_latin_words_is_a_run_of_its_own() -> None:
    engine = engine_of(
        [
            front("alone.md", title="x", body="a月b"),
            front("longer.md", title="x", body="a月曜b"),
            front("before.md", title="x", body="a日月b"),
        ]
    )
    assert ids(engine, "a月b") == ["alone.md"]
    assert ids(engine, '"京 月 都"') == []
    assert highlight_spans("a月曜b", parse_query("a月b")) == []


def test_a_lone_hangul_syllable_beside_digits_is_not_found_inside_a_longer_one() -> None:
    """가 is ㄱ ㅏ, 각 is ㄱ ㅏ ㄱ: 3각 does not hold 3가."""
    engine = engine_of(
        [front("a.md", title="x", body="3각형"), front("b.md", title="x", body="3가지")]
    )
    assert ids(engine, "3가") == ["b.md"]
    assert ids(engine, "3각") == ["a.md"]
    assert ids(engine, "가3") == []


def test_search_on_the_command_line_finds_what_grep_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, text in {**LONE_TEXTS, "apart.md": "東京・京都", "whole.md": "東京都庁"}.items():
        (tmp_path / name).write_text(f"---\ntitle: x\n---\n{text}\n", encoding="utf-8")
    for query, expected in [
        ("3月", ["date.md", "march.md", "spaced.md"]),
        ("東京都", ["whole.md"]),
    ]:
        assert main(["search", query, str(tmp_path), "--json"]) == 0
        results = json.loads(capsys.readouterr().out)
        assert sorted(result["id"] for result in results) == expected, query
