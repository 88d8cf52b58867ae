"""The markdown renderer, the layout engine and the metadata pane, without a running app."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.content import Content
from textual.style import Style

from reader.loading import parse_article
from reader.loading.folder import load_library
from reader.model import Article, flatten
from reader.resources import samples_dir
from reader.text.breaks import breaks_between_characters
from reader.text.sanitize import one_line
from reader.tui.app import ReaderApp
from reader.tui.document import Block, Layout, layout
from reader.tui.format import humanise_key, list_date, long_date, reading_minutes, short_date
from reader.tui.markdown_render import RenderCancelled, render_markdown
from reader.tui.widgets import article_view
from reader.tui.widgets.article_view import byline_parts, header_blocks, opening_part
from reader.tui.widgets.document_view import lays_out_quickly
from reader.tui.widgets.metadata_pane import metadata_blocks
from tui.helpers import PATIENCE, SEED_ID, fenced, running, until


def text_of(blocks: list[Block], width: int = 80) -> list[str]:
    return [line.content.plain for line in layout(blocks, width).lines]


def article(text: str, name: str = "x.md") -> Article:
    return parse_article(text, path=Path(name), article_id=name)


def spans_with(blocks: list[Block], role: str) -> list[str]:
    """The text under every span of `role` (a role name or a Style's link)."""
    found = []
    for block in blocks:
        texts = block.cells[0] if block.kind == "parts" else (block.text,)
        under = [
            text.plain[span.start : span.end]
            for text in texts
            for span in text.spans
            if span.style == role or (isinstance(span.style, Style) and span.style.link == role)
        ]
        # (A value wrapped at its joints is in parts: what they hold under it, together.)
        found += ["".join(under)] if block.kind == "parts" and under else under
    return found


def test_initiatives_on_screen_are_the_loaders_initiatives() -> None:
    """For every sample, the numbered items are article.initiatives, in order."""
    library = load_library(samples_dir())
    checked = 0
    for item in library:
        blocks, count = render_markdown(item.body, item.title)
        assert count == len(item.initiatives), item.id
        result = layout(blocks, 200)
        for number, expected in enumerate(item.initiatives):
            first = result.lines[result.initiative_lines[number]]
            assert first.initiative == number
            block = blocks[first.block]
            # The item's first paragraph, as plain text, starts the loader's text.
            assert expected.startswith(one_line(block.text.plain)), (item.id, number)
            checked += 1
    assert checked >= 9  # the seed alone has nine


def test_seed_initiatives_are_numbered_and_marked() -> None:
    seed = load_library(samples_dir()).get(SEED_ID)
    assert seed is not None
    blocks, count = render_markdown(seed.body, seed.title)
    assert count == 9
    lines = text_of(blocks, 100)
    numbered = [line for line in lines if line.startswith("▌") and line[1:5].strip().isdigit()]
    assert [int(line[1:5]) for line in numbered] == list(range(1, 10))
    assert numbered[0].startswith("▌  1  The launch in March of the new early intervention")


def test_markdown_constructs() -> None:
    body = "\n".join(
        [
            "# Title here",
            "",
            "## Section *one*",
            "",
            "Some *em*, **strong**, ~~gone~~ and `code` with [a link](https://example.org/a)",
            "and [a bad link](javascript:alert(1)) and ![a picture](https://x/y.png).",
            "",
            "1. first",
            "2. second",
            "   - nested",
            "",
            "> quoted text",
            "",
            "```",
            "code line one",
            "    indented code",
            "```",
            "",
            "| Name | Count |",
            "|------|------:|",
            "| Kent | 12 |",
            "",
            "---",
            "",
            "After the rule.",
        ]
    )
    blocks, count = render_markdown(body, "Title here")
    assert count == 0  # only ordered and nested lists: no top-level bullet list
    lines = text_of(blocks, 80)
    assert "Title here" not in lines  # the heading repeating the title is left out
    assert "Section one" in lines
    assert spans_with(blocks, "h2") == ["Section one"]
    assert spans_with(blocks, "em") == ["one", "em"]
    assert spans_with(blocks, "strong") == ["strong"]
    assert spans_with(blocks, "strike") == ["gone"]
    assert spans_with(blocks, "code-inline") == ["code"]
    # Only the http(s) link is a terminal hyperlink; markdown-it leaves javascript: as text.
    assert spans_with(blocks, "link") == ["a link"]
    assert spans_with(blocks, "https://example.org/a") == ["a link"]
    joined = "\n".join(lines)
    assert "[a bad link](javascript:alert(1))" in " ".join(lines)
    assert "[image: a picture]" in joined
    assert "1. first" in lines and "2. second" in lines
    assert "   ◦ nested" in lines
    assert "▌ quoted text" in lines
    assert " code line one" in lines and "     indented code" in lines
    assert "Name │ Count" in lines and "Kent │    12" in lines  # right-aligned column
    assert any(set(line) == {"─"} for line in lines)
    assert lines[-1] == "After the rule."


def test_code_keeps_its_lines_and_folds_long_ones_with_a_mark() -> None:
    """A line of code too long for the width goes on below, each fold marked ↩ at its end,
    so a line is never cut where nothing shows it."""
    blocks, _ = render_markdown("```\n" + "x" * 50 + "\nshort\n```")
    lines = text_of(blocks, 20)
    assert lines == [" " + "x" * 18 + "↩", " " + "x" * 18 + "↩", " " + "x" * 14, " short"]


def test_a_table_too_wide_becomes_label_value_rows() -> None:
    table = "| Area | Description |\n|---|---|\n| Kent | " + "word " * 30 + "|"
    blocks, _ = render_markdown(table)
    lines = text_of(blocks, 30)
    assert lines[0] == "Area: Kent"
    assert lines[1].startswith("Description: word")
    assert all(cell_len(line) <= 30 for line in lines)


def test_layout_keeps_a_map_back_to_blocks() -> None:
    blocks, _ = render_markdown("First paragraph " * 20 + "\n\nSecond.")
    result = layout(blocks, 30)
    first = [line for line in result.lines if line.block == 0]
    assert len(first) > 3
    plain = blocks[0].text.plain
    for line in first:
        # The offset points at the line's text inside the block.
        assert plain[line.offset :].startswith(line.content.plain.strip())
    assert result.lines[result.block_lines[1]].content.plain == "Second."


@settings(max_examples=150, deadline=None)
@given(body=st.text(max_size=400), width=st.integers(min_value=1, max_value=120))
def test_any_text_lays_out_within_the_width(body: str, width: int) -> None:
    blocks, _ = render_markdown(body)
    result = layout(blocks, width)
    for line in result.lines:
        assert cell_len(line.content.plain) <= max(width, 6), line


def test_header_and_byline() -> None:
    seed = load_library(samples_dir()).get(SEED_ID)
    assert seed is not None
    parts = [part.plain for part in byline_parts(seed)]
    assert parts == [
        "Friday 27 September 2019, 07:45",
        "Northamptonshire",
        "4 min read",
        "9 initiatives",
    ]
    lines = text_of(header_blocks(seed), 200)
    # The title wraps at the reading measure (96 columns), between words.
    assert max(len(line) for line in lines) <= 96
    assert f"{lines[0]} {lines[1]}" == seed.title
    assert lines[2] == " · ".join(parts)


def test_chinese_and_japanese_are_timed_by_characters_latin_by_words() -> None:
    """Each Han or Kana character counts as a word (as word processors count), but such
    text is read at CJK_CHARACTERS_PER_MINUTE characters, not WORDS_PER_MINUTE words: a
    page of 2,300 characters is six minutes, not ten."""
    japanese = article("---\ntitle: 日本語\n---\n" + "日本語の文章です。" * 287 + "\n")
    assert japanese.word_count == 8 * 287
    assert reading_minutes(8 * 287, 8 * 287) == 6
    assert "6 min read" in [part.plain for part in byline_parts(japanese)]
    assert "  Reading     6 min" in text_of(metadata_blocks(japanese))
    # Latin words are timed as before, also beside Japanese characters.
    latin = article("---\ntitle: Words\n---\n" + "word " * 2300 + "\n")
    assert "10 min read" in [part.plain for part in byline_parts(latin)]
    mixed = article("---\ntitle: Mixed\n---\n" + "word " * 230 + "日本語" * 150 + "\n")
    assert mixed.word_count == 230 + 450
    assert "2 min read" in [part.plain for part in byline_parts(mixed)]


CJK_PARAGRAPH = (
    "可以政策这个的1377年的，是测试文章数据的添加系统一个。的数据的一个功能的的是，在在已经的"
    "（Linux）。了国际需要，是文章索引的服务器・，310年使用的可以月一个这个检索的。了在功能"
    "这个・的・在「是广州 Kubernetes 一个」。在 CPU 的的，的技术用户 v2 经济（macOS）。"
    "日本語の文章です。ソフトウェア（Windows）を使って、iPhone でテストしました。"
)
# What never starts a line and what never ends one (reader.text.breaks).
CLOSING_MARKS = "、。，．：；？！・）」』】ーっッゃャ"
OPENING_MARKS = "（「『【"


def _check_cjk_rows(text: str, rows: list[str], width: int) -> None:
    assert "".join(rows).replace(" ", "") == text.replace(" ", ""), width
    assert all(cell_len(row) <= width for row in rows), width
    for word in re.findall(r"[A-Za-z0-9]+", text):
        if len(word) + 2 <= width:  # (and the marks around it)
            assert any(word in row for row in rows), (word, width, rows)
    if width < 14:  # (`（Windows）を` is 13 wide: folded)
        return
    for row in rows[1:]:
        assert row[0] not in CLOSING_MARKS, (width, row)
    for row in rows[:-1]:
        assert row[-1] not in OPENING_MARKS, (width, row)
        assert cell_len(row) > width - 12, (width, row)  # filled: broken between characters


def test_chinese_and_japanese_break_between_characters_never_inside_a_latin_word() -> None:
    """At 80 columns `（Li` ended a line and `nux）。` began the next: a paragraph without
    spaces was one word to Textual's wrapping, folded at the width wherever it fell."""
    for width in range(10, 100):
        rows = text_of([Block(Content(CJK_PARAGRAPH))], width)
        _check_cjk_rows(CJK_PARAGRAPH, rows, width)


KOREAN_PARAGRAPH = (
    "경찰은 오늘 지역 주민들과 함께 야간 순찰을 시작했다고 밝혔다. 드론과 열화상 카메라를 "
    "이용한 새로운 순찰 방식은 다음 달부터 모든 지역으로 확대될 예정이다."
)


def test_korean_keeps_its_words_whole() -> None:
    """Korean is written with spaces between words, which Korean sites keep whole (CSS's
    word-break: keep-all): it breaks after spaces, not between syllables."""
    words = KOREAN_PARAGRAPH.split()
    for width in range(12, 80):
        rows = text_of([Block(Content(KOREAN_PARAGRAPH))], width)
        assert [word for row in rows for word in row.split()] == words, width
        assert all(cell_len(row) <= width for row in rows), width


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="中文字日本語かなカナ한국（）「」，。、ー ab1Z-.", max_size=200),
    width=st.integers(min_value=2, max_value=60),
)
def test_any_chinese_or_japanese_text_wraps_within_the_width_keeping_every_character(
    text: str, width: int
) -> None:
    rows = text_of([Block(Content(text))], width)
    assert "".join(rows).replace(" ", "") == text.replace(" ", "")
    assert all(cell_len(row) <= width for row in rows), rows


def test_a_chinese_value_in_the_metadata_pane_stays_beside_its_key() -> None:
    """A value without spaces was one word wider than the room beside its key: it went
    below the key and was folded there, inside Latin words too."""
    item = article(f"---\ntitle: T\ndescription: {CJK_PARAGRAPH}\n---\n")
    for width in (30, 40, 60):
        lines = text_of(metadata_blocks(item), width)
        at = next(n for n, line in enumerate(lines) if line.startswith("  Description "))
        rows = [line[14:] for line in lines[at:] if line.startswith(" " * 14) or line is lines[at]]
        _check_cjk_rows(CJK_PARAGRAPH, rows[: len(rows)], width - 14)


def test_dates_in_words() -> None:
    moment = datetime(2019, 9, 27, 7, 45)
    assert long_date(moment) == "Friday 27 September 2019, 07:45"
    assert short_date(moment) == "Fri 27 Sep 2019, 07:45"
    assert short_date(datetime(2019, 9, 27)) == "Fri 27 Sep 2019"  # no invented 00:00
    assert list_date(moment) == "27 Sep 2019"
    assert list_date(None).strip() == "no date"


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("og", "Open Graph"),
        ("locale", "Locale"),
        ("published_time", "Published time"),
        ("pubDate", "Pub date"),
        ("url", "URL"),
        ("image-url", "Image URL"),
    ],
)
def test_keys_are_humanised(key: str, label: str) -> None:
    assert humanise_key(key) == label


def test_metadata_pane_shows_every_field() -> None:
    seed = load_library(samples_dir()).get(SEED_ID)
    assert seed is not None
    blocks = metadata_blocks(seed)
    lines = [line.content.plain.rstrip() for line in layout(blocks, 200).lines]
    assert "  Published   Fri 27 Sep 2019, 07:45" in lines
    assert "  As written  07:45 27/09/2019" in lines
    assert "  Initiatives 9" in lines
    assert "  Open Graph" in lines
    assert "    Locale      en_GB" in lines
    assert "    Type        website" in lines
    assert "  Publish" in lines
    assert "    Date        07:45 27/09/2019" in lines
    # Every leaf value of the metadata is on screen.
    joined = " ".join(lines)
    for value in ("en_GB", "website", "Northamptonshire"):
        assert value in joined
    # URLs are terminal hyperlinks; nothing else is.
    links = spans_with(blocks, seed.url or "")
    assert seed.url in links


@pytest.mark.parametrize("width", [18, 23, 26, 30, 34, 40, 60])
def test_metadata_values_wrap_at_spaces_and_fold_only_words_wider_than_the_pane(
    width: int,
) -> None:
    """A value whose word does not fit beside its key goes below it; a word is cut only
    when it is wider than the pane (27/09/2019 and Northamptonshire were cut at 90
    columns, where the value column is 9 wide)."""
    for item in load_library(samples_dir()).articles:
        lines = [line.content.plain for line in layout(metadata_blocks(item), width).lines]
        leaves = [value for _key, value in flatten(item.metadata)]
        values = [
            str(part) for leaf in leaves for part in (leaf if isinstance(leaf, list) else [leaf])
        ]
        values += [item.area or "", short_date(item.published) if item.published else ""]
        for value in values:
            for word in value.split():
                # Room for a value below its key, at the deepest nesting of the samples.
                # (Chinese or Japanese breaks between characters: see the tests above.)
                if cell_len(word) <= width - 8 and not breaks_between_characters(word):
                    # (A list's items are shown joined by ", ".)
                    shown = (
                        {*line.split(), *(part.rstrip(",") for part in line.split())}
                        for line in lines
                    )
                    assert any(word in parts for parts in shown), (item.id, word, width)
        assert all(cell_len(line) <= width for line in lines)


@pytest.mark.parametrize("stamp", ["2024-01-15T10:30:45.123456+09:00", "2019-09-27T07:45:00-05:00"])
def test_a_timestamp_wraps_at_its_joints_never_a_digit_alone(stamp: str) -> None:
    """A timestamp is one word: folded at the width, `…+09:0` left its last digit on a
    line of its own (a value column 31 wide: 80 or 100 columns with the pane wider). It
    goes below its key, whole where it fits, else broken before its time, fraction or zone."""
    item = article(f"---\ntitle: Stamped\npublished: {stamp}\nnested:\n  updated: {stamp}\n---\n")
    pieces = ["2024-01-15", "T10:30:45", ".123456", "+09:00"]
    if stamp.startswith("2019"):
        pieces = ["2019-09-27", "T07:45:00", "-05:00"]
    whole = {"".join(pieces[start:end]) for start in range(4) for end in range(start + 1, 5)}
    for width in range(16, 60):
        lines = text_of(metadata_blocks(item), width)
        at = next(n for n, line in enumerate(lines) if line.startswith("  As written"))
        words = [line.split()[-1] for line in lines[at:] if line.strip()]  # (after the date)
        shown = [word for word in words if re.fullmatch(r"[\dT.:+Z-]*[-T.:+Z][\dT.:+Z-]*", word)]
        # (Three rows show it: as written, and in the fields, at two depths.)
        assert "".join(shown) == stamp * 3 and set(shown) <= whole, (width, shown)
        if width >= len(stamp) + 6:  # room below the deepest key
            assert shown == [stamp] * 3, width
    # Long text still wraps at its spaces beside its key.
    text = "words that wrap " * 4
    lines = text_of(metadata_blocks(article(f"---\ntitle: T\nnote: {text}\n---\n")), 30)
    assert "  Note        words that wrap" in lines


def test_a_path_wraps_at_its_joints_and_counts_have_separators() -> None:
    """A long path was folded at the width (`…/changelogs/C` over `HANGELOG_ARCHIVE.md`);
    the count of initiatives lacked the separator the byline and the words have."""
    item = parse_article(
        "* a\n" * 2150,
        path=Path("/work/proto/corpora/realnode/nodejs/changelogs/CHANGELOG_ARCHIVE.md"),
        article_id="x.md",
    )
    for width in range(24, 50):  # (room below the key for the file's name)
        lines = text_of(metadata_blocks(item), width)
        rows = [line.strip() for line in lines[lines.index("  Path") + 1 :]]
        rows = rows[: next(n for n, row in enumerate(rows) if row.startswith("Size"))]
        path = str(item.path)
        assert "".join(rows) == path, width
        ends = accumulate(len(row) for row in rows)  # (each at a joint: after a / or _)
        assert all(path[end - 1] in "/_" or path[end : end + 1] in ("", ".") for end in ends)
    assert "  Initiatives 2,150" in text_of(metadata_blocks(item), 40)


def test_a_web_address_wraps_at_its_joints_and_stays_a_link() -> None:
    url = "https://www.gmp.police.example/news/greater-manchester/2022/a-year-of-patrols/"
    item = article(f"---\ntitle: T\nurl: {url}\n---\n")
    for width in range(20, 60):
        lines = layout(metadata_blocks(item), width).lines
        at = next(n for n, line in enumerate(lines) if line.content.plain == "  URL")
        rows = [line.content for line in lines[at + 1 :]]
        rows = rows[: next(n for n, row in enumerate(rows) if row.plain.startswith("  Words"))]
        assert "".join(row.plain.strip() for row in rows) == url, width
        # Each row ends at a joint: after a / or -, before a dot.
        ends = accumulate(len(row.plain.strip()) for row in rows)
        assert all(url[end - 1] in "/-" or url[end : end + 1] == "." for end in ends), width
        assert all(any(span.start == 4 for span in row.spans) for row in rows)  # links


def test_a_value_below_its_key_keeps_the_key_on_its_line() -> None:
    lines = text_of(metadata_blocks(article("---\ntitle: T\narea: Northamptonshire\n---\n")), 23)
    at = lines.index("  Area")
    assert lines[at + 1] == "    Northamptonshire"
    # A value that fits stays beside its key.
    assert "  Words       0" in [line.rstrip() for line in lines]


def test_a_file_without_metadata_says_so_indented_on_every_line() -> None:
    lines = text_of(metadata_blocks(article("Just a body, no metadata.")), 24)
    at = lines.index("Metadata fields")
    assert [line.rstrip() for line in lines[at + 1 :]] == ["  No metadata block in", "  this file."]


def test_flat_og_keys_group_like_nested_ones() -> None:
    item = article("---\ntitle: T\nog:title: Flat\nog:locale: en_US\n---\n\nBody.")
    lines = [line.content.plain.rstrip() for line in layout(metadata_blocks(item), 200).lines]
    assert "  Open Graph" in lines
    assert "    Title       Flat" in lines
    assert "    Locale      en_US" in lines


def test_metadata_pane_lists_warnings() -> None:
    item = article("---\ntitle: T\ndate: someday\n---\n\nBody.")
    assert item.warnings
    lines = [line.content.plain for line in layout(metadata_blocks(item), 200).lines]
    assert any(line.startswith("  ⚠ date 'someday'") for line in lines)


def test_empty_layout_is_safe() -> None:
    assert layout([], 0).lines == []
    assert isinstance(layout([Block(text=header_blocks(article("x"))[0].text)], 0), Layout)


def test_long_documents_are_laid_out_off_the_ui_thread() -> None:
    assert lays_out_quickly([Block(Content("a paragraph"))] * 10)
    assert not lays_out_quickly([Block(Content("x"))] * 401)  # many blocks
    assert not lays_out_quickly([Block(Content("x" * 70_000))])  # one huge value


async def test_a_body_of_many_short_lines_is_rendered_in_a_worker(tmp_path: Path) -> None:
    bullets = "\n".join(f"* item {number}" for number in range(5_000))  # ~60 KB, 5,000 lines
    (tmp_path / "many.md").write_text(fenced("Many", bullets), "utf-8")
    async with running(tmp_path) as pilot:
        app = pilot.app
        assert isinstance(app, ReaderApp) and app.main.shown is not None
        view = app.main.article_view
        assert "item 4999" in view.plain_text()  # rendered in the end
        view.show_article(None)
        view.show_article(app.main.shown)
        # Straight after asking, the UI thread shows a notice and has not parsed the body.
        assert "Rendering" in view.plain_text() and "item 4999" not in view.plain_text()


async def test_a_long_body_shows_its_opening_formatted_while_the_whole_is_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Release notes of 12,000 lines: their whole takes seconds to render, their opening not.
    releases = "\n\n".join(
        f"## Release {number}\n\n" + "\n".join(f"* **fix** {number}.{item}" for item in range(40))
        for number in range(300)
    )
    (tmp_path / "CHANGELOG.md").write_text(fenced("Changelog", releases), "utf-8")
    whole_may_render = threading.Event()
    rendered_whole = article_view.render_markdown

    def render(body: str, title: str | None = None, **options: object) -> object:
        if "Release 299" in body:  # the whole body: held back until the test looks
            assert whole_may_render.wait(PATIENCE)
        return rendered_whole(body, title, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(article_view, "render_markdown", render)
    app = ReaderApp(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.main.article_view
        await until(pilot, lambda: "Rendering the rest" in view.plain_text(), view.plain_text)
        shown = view.plain_text()
        assert "\nRelease 1\n" in shown and "fix 1.39" in shown
        assert "##" not in shown and "**" not in shown  # formatted
        assert "Release 299" not in shown
        whole_may_render.set()
        await until(pilot, lambda: "Release 299" in view.plain_text(), view.plain_text)
        assert "Rendering" not in view.plain_text()
        assert view.initiative_count == 300 * 40
    app.close_store()


async def test_a_render_of_an_article_left_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Threads cannot be stopped: one rendering an article left kept the interpreter for
    # seconds, and a walk through long articles starved the keys (hostile tmux test).
    (tmp_path / "seed.md").write_text(fenced("Seed", "The seed."), "utf-8")
    started, may_render = threading.Event(), threading.Event()
    stopped: list[str] = []
    real_render = article_view.render_markdown

    def render(body: str, title: str | None = None, **options: object) -> object:
        if title == "Long":
            started.set()
            assert may_render.wait(PATIENCE)  # still rendering when the reader moves on
        try:
            return real_render(body, title, **options)  # type: ignore[arg-type]
        except RenderCancelled:
            stopped.append(str(title))
            raise

    monkeypatch.setattr(article_view, "render_markdown", render)
    app = ReaderApp(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = app.main.article_view
        await until(pilot, lambda: view.article is not None)
        view.show_article(article(fenced("Long", "* item\n" * 6_000), "long.md"))
        await until(pilot, started.is_set)
        view.show_article(article(fenced("Short", "A short body."), "short.md"))
        may_render.set()
        await until(pilot, lambda: stopped == ["Long"], lambda: stopped)
        await pilot.pause(0.2)
        assert "A short body." in view.plain_text() and "item" not in view.plain_text()
    app.close_store()


def test_render_markdown_stops_when_asked() -> None:
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(RenderCancelled):
        render_markdown("* item\n" * 2_000, "T", cancelled=cancelled)
    assert len(asked) == 3  # after the parse, then every few hundred tokens
    _blocks, count = render_markdown("* item\n" * 2_000, "T", cancelled=lambda: False)
    assert count == 2_000


def test_a_short_or_few_lined_body_has_no_opening_part() -> None:
    assert opening_part("* item\n" * 4_000) is None  # rendered whole quickly enough
    long_lines = "a paragraph of some words\n\n" * 20_000
    opening = opening_part(long_lines)
    assert opening is not None and long_lines.startswith(opening)
    assert opening.count("\n") <= 1_000 and len(opening) <= 32 * 1024
    one_line = "x" * 1_000_000
    assert opening_part(one_line) is None  # no line end to cut at: rendered whole


def test_a_body_the_markdown_parser_fails_on_is_shown_as_plain_text() -> None:
    blocks, count = render_markdown("Intro *x*.\n\n> :::note\n> ", "T")
    texts = [block.text.plain for block in blocks]
    assert count == 0
    assert texts[0] == "⚠ The article is shown as plain text: the markdown parser failed on it."
    assert texts[1:] == ["Intro *x*.", "> :::note", "> "]
