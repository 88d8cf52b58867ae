"""Writing a list of articles (or their initiatives) to a file: CSV, JSON Lines or a
Markdown report. Used by `x` in the reader and by `reader export`. Plain Python.

Rows are written as they are read: the initiatives of a few hundred articles at a time
come from the store, so 100,000 rows take the memory of a few hundred.

Everything written comes from files written by strangers: titles, areas, URLs and
initiatives are untrusted.
- CSV goes through the `csv` module (quotes, commas and line breaks in a cell stay in
  it), and a cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
  `@`, a tab or a carriage return, or their full-width forms) starts with `'` instead.
- Markdown escapes what would make markup of the text (links, HTML, emphasis, headings),
  and links only to URLs the reader would open (reader.links).
- Terminal control characters are removed from every text (the loader removed them
  already; this holds for anything else handed in).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from reader.links import check_link
from reader.model import ListRow
from reader.text.sanitize import one_line, strip_control

FORMATS = ("csv", "jsonl", "md")
FORMAT_NAMES = {"csv": "CSV", "jsonl": "JSON Lines", "md": "Markdown"}
SUFFIXES = {"csv": ".csv", "jsonl": ".jsonl", "md": ".md"}
# Articles whose initiatives are read from the store at a time.
BATCH = 500

ARTICLE_COLUMNS = (
    "id", "title", "date", "published", "area", "url", "initiative_count", "initiatives",
)  # fmt: skip
INITIATIVE_COLUMNS = (
    "article_id", "number", "initiative", "title", "date", "published", "area", "url",
)  # fmt: skip

# The initiatives of some article ids, by id (ArticleStore.initiatives).
InitiativesOf = Callable[[Sequence[str]], Mapping[str, Sequence[str]]]


def format_for(name: str) -> str | None:
    """The format a file name's suffix asks for (`.csv`, `.jsonl`/`.ndjson`, `.md`/
    `.markdown`), or None."""
    lowered = name.lower()
    for suffix, format_name in (
        (".csv", "csv"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".md", "md"),
        (".markdown", "md"),
    ):
        if lowered.endswith(suffix):
            return format_name
    return None


# -- cleaning ---------------------------------------------------------------------------

# What makes a spreadsheet read a cell as a formula (LibreOffice and Excel), full-width
# forms included (some spreadsheets fold them).
_FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def spreadsheet_cell(text: str) -> str:
    """A CSV cell of untrusted text: control characters removed, and a formula made
    plain text by a leading `'`."""
    text = strip_control(text)
    if text and text[0] in _FORMULA_START:
        return "'" + text
    return text


# Characters escaped wherever they are in Markdown: emphasis, code, links and images,
# HTML and autolinks, entities, tables, strikethrough, and the escape itself.
# `#` anywhere: a run of it ending a heading line would close the heading and vanish.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>&|~#])")
# At the start of a line: headings, quotes, list bullets and numbers, rules.
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def markdown_text(text: str) -> str:
    """Untrusted text as literal Markdown on one line: it shows as written, and makes
    no link, image, HTML, heading, list or emphasis."""
    text = one_line(strip_control(text))
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    space, marker = match.groups()
    if marker[0].isdigit():  # `1.` -> `1\.`
        return space + marker[:-1] + "\\" + marker[-1]
    return space + "\\" + marker


def markdown_link(url: str) -> str:
    """A link to `url` when the reader would open it, else the URL as text saying why not."""
    link = check_link(url)
    shown = markdown_text(url)
    if link.target is None:
        return f"{shown} (not opened: {markdown_text(link.refusal or 'not a web link')})"
    # The target is ASCII, with no space or control character; inside <...> only these
    # three would end it or escape.
    target = link.target.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E")
    if target == url:
        return f"<{target}>"  # an autolink: the address, as written, is the link
    return f"[{shown}](<{target}>)"


# -- records ----------------------------------------------------------------------------


def _date(row: ListRow) -> str:
    return row.published.date().isoformat() if row.published else ""


def _published(row: ListRow) -> str:
    return row.published.isoformat() if row.published else ""


def _with_initiatives(
    rows: Iterable[ListRow], initiatives_of: InitiativesOf
) -> Iterator[tuple[ListRow, Sequence[str]]]:
    """Each row with its initiatives, read a batch at a time (an article that left the
    index since it was listed has none)."""
    batch: list[ListRow] = []

    def flush() -> Iterator[tuple[ListRow, Sequence[str]]]:
        wanted = [row.id for row in batch if row.initiative_count]
        found = initiatives_of(wanted) if wanted else {}
        for row in batch:
            yield row, [strip_control(text) for text in found.get(row.id, ())]
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield from flush()
    yield from flush()


def article_record(row: ListRow, initiatives: Sequence[str]) -> dict[str, Any]:
    """An article as a JSON Lines record."""
    return {
        "id": row.id,
        "title": strip_control(row.title),
        "published": row.published.isoformat() if row.published else None,
        "area": strip_control(row.area) if row.area else None,
        "url": strip_control(row.url) if row.url else None,
        "initiatives": list(initiatives),
    }


def initiative_record(row: ListRow, number: int, text: str) -> dict[str, Any]:
    """One initiative (numbered from 1, as the reader shows it) as a JSON Lines record."""
    return {
        "article_id": row.id,
        "number": number,
        "initiative": text,
        "title": strip_control(row.title),
        "published": row.published.isoformat() if row.published else None,
        "area": strip_control(row.area) if row.area else None,
        "url": strip_control(row.url) if row.url else None,
    }


# -- writing ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportHeading:
    """What a Markdown report says it is: the query, the folder, the order."""

    query: str
    folder: str
    order: str
    made: datetime


@dataclass
class Written:
    """What an export wrote: rows (articles, or initiatives) and the articles they are of."""

    rows: int = 0
    articles: int = 0


def written_text(written: Written, initiatives: bool) -> str:
    """What an export wrote, in words: "1,234 articles", "12 initiatives of 3 articles"."""
    articles = f"{written.articles:,} {'article' if written.articles == 1 else 'articles'}"
    if initiatives:
        noun = "initiative" if written.rows == 1 else "initiatives"
        return f"{written.rows:,} {noun} of {articles}"
    return f"{written.rows:,} {'article' if written.rows == 1 else 'articles'}"


def write_export(
    out: TextIO,
    rows: Iterable[ListRow],
    initiatives_of: InitiativesOf,
    *,
    format_name: str,
    initiatives: bool = False,
    heading: ExportHeading | None = None,
    on_progress: Callable[[int], object] | None = None,
) -> Written:
    """Write `rows` (in their order) to `out` in `format_name` (one of FORMATS): one row
    per article, or with `initiatives` one per initiative. `on_progress(rows_written)`
    is called after each batch."""
    if format_name not in FORMATS:
        raise ValueError(f"unknown export format {format_name!r}; choose {', '.join(FORMATS)}")
    written = Written()
    items = _with_initiatives(rows, initiatives_of)
    if format_name == "md":
        _write_markdown(out, items, written, initiatives, heading, on_progress)
        return written
    writer = csv.writer(out) if format_name == "csv" else None
    if writer is not None:
        writer.writerow(INITIATIVE_COLUMNS if initiatives else ARTICLE_COLUMNS)
    for row, texts in items:
        if initiatives and not texts:
            continue
        written.articles += 1
        if initiatives:
            for number, text in enumerate(texts, 1):
                if writer is not None:
                    writer.writerow(_initiative_cells(row, number, text))
                else:
                    out.write(_json_line(initiative_record(row, number, text)))
                written.rows += 1
        else:
            if writer is not None:
                writer.writerow(_article_cells(row, texts))
            else:
                out.write(_json_line(article_record(row, texts)))
            written.rows += 1
        if on_progress is not None and written.articles % BATCH == 0:
            on_progress(written.rows)
    return written


def _json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _article_cells(row: ListRow, initiatives: Sequence[str]) -> list[object]:
    cell = spreadsheet_cell
    return [
        cell(row.id),
        cell(row.title),
        _date(row),
        _published(row),
        cell(row.area or ""),
        cell(row.url or ""),
        len(initiatives) if initiatives else row.initiative_count,
        # One initiative a line, inside the one cell.
        cell("\n".join(one_line(text) for text in initiatives)),
    ]


def _initiative_cells(row: ListRow, number: int, text: str) -> list[object]:
    cell = spreadsheet_cell
    return [
        cell(row.id),
        number,
        cell(one_line(text)),
        cell(row.title),
        _date(row),
        _published(row),
        cell(row.area or ""),
        cell(row.url or ""),
    ]


def _write_markdown(
    out: TextIO,
    items: Iterable[tuple[ListRow, Sequence[str]]],
    written: Written,
    initiatives: bool,
    heading: ExportHeading | None,
    on_progress: Callable[[int], object] | None,
) -> None:
    if heading is not None:
        query = heading.query.strip()
        title = f"Articles: {markdown_text(query)}" if query else "Articles"
        out.write(f"# {title}\n\n")
        what = "The initiatives of the articles" if initiatives else "The articles"
        out.write(
            f"{what} of {markdown_text(heading.folder)}, {markdown_text(heading.order)}; "
            f"exported {heading.made:%Y-%m-%d %H:%M}.\n\n"
        )
    for row, texts in items:
        if initiatives and not texts:
            continue
        written.articles += 1
        written.rows += len(texts) if initiatives else 1
        out.write(f"## {markdown_text(row.title)}\n\n")
        facts = [_date(row) or "no date"]
        if row.area:
            facts.append(markdown_text(row.area))
        if row.url:
            facts.append(markdown_link(row.url))
        out.write(" · ".join(facts) + "\n\n")
        if texts:
            out.write("".join(f"{n}. {markdown_text(text)}\n" for n, text in enumerate(texts, 1)))
            out.write("\n")
        if on_progress is not None and written.articles % BATCH == 0:
            on_progress(written.rows)


def write_file(path: Path, write: Callable[[TextIO], Written]) -> Written:
    """Run `write` on a new file that replaces `path` once it is whole: an export that
    fails half-way (a full disk) leaves no half a file, and no file it would replace is
    lost. UTF-8, line endings as written (the csv module writes CSV's own)."""
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder")
    try:
        existing = os.stat(path)  # through a link: the file it names
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # A pipe, a terminal, /dev/null, /dev/stdout: written into, never replaced.
        with open(path, "w", encoding="utf-8", newline="") as out:
            return write(out)
    # A link keeps pointing where it did: the file it names gets the export.
    target = Path(os.path.realpath(path))
    # Made as any new file is (the umask applies), beside the file it becomes; a file
    # replaced keeps its permissions (a private one stays private).
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        if existing is not None:
            os.chmod(temp, stat.S_IMODE(existing.st_mode))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            written = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return written


# Windows opens files as text (newlines rewritten) unless told otherwise.
_BINARY = getattr(os, "O_BINARY", 0)


__all__ = [
    "FORMATS",
    "ExportHeading",
    "Written",
    "format_for",
    "markdown_text",
    "spreadsheet_cell",
    "write_export",
    "write_file",
    "written_text",
]
