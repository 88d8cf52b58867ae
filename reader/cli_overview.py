"""The commands that look over many articles at once: `reader stats` (how many match, by
month, year, area or tag), `reader export` (the matches to CSV, JSON Lines or Markdown)
and `reader searches` (the saved searches, with their counts). They build on
reader.cli_common (the folder, the query, output), as reader.cli does.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.articles import ArticleStore
from reader.cli_common import (
    CommandError,
    add_path,
    marks_test,
    open_folder,
    print_json,
    read_query,
    report_problem_count,
    resolve_root,
)
from reader.export import (
    FORMAT_NAMES,
    FORMATS,
    ExportHeading,
    Written,
    format_for,
    write_export,
    written_text,
)
from reader.export import write_file as write_export_file
from reader.model import ListRow
from reader.ordering import ORDER_CAPTIONS, RELEVANCE, RELEVANCE_CAPTION, SEARCH_ORDERS
from reader.saved_searches import SIGIL, describe, listing_of, search_node
from reader.search import MATCH_ALL, QueryError, is_ranked
from reader.state import ReadingState, flag_test
from reader.stats import (
    GROUPINGS,
    Count,
    count_areas,
    count_tags,
    horizontal_bar,
    period_counts,
    tags_of,
    timeline,
)
from reader.text.cells import cells, fit_cells
from reader.text.names import escape_name

# What a group without a key stands for, by what is counted.
NO_KEY = {"month": "(undated)", "year": "(undated)", "area": "(no area)", "tag": "(no tag)"}
# A chart's labels are cut to this many cells; its bars are at most this wide.
LABEL_CELLS = 28
BAR_CELLS = 50
# Articles whose metadata is read at a time when counting tags.
TAG_BATCH = 500


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """The parsers of stats, export and searches."""
    stats_cmd = commands.add_parser(
        "stats",
        help="how many articles match a query, by month, year, area or tag",
        description="Count the articles matching QUERY (as `reader search` reads it; @NAME "
        "for a saved search; '' for every article) by month, year, area or tag.",
    )
    stats_cmd.add_argument("query", help="the query, or @NAME for a saved search")
    add_path(stats_cmd)
    stats_cmd.add_argument(
        "--by", choices=GROUPINGS, default="month", help="what to count by (default: month)"
    )
    stats_cmd.add_argument("--json", action="store_true", help="print a JSON object")

    export_cmd = commands.add_parser(
        "export",
        help="write the articles matching a query to CSV, JSON Lines or Markdown",
        description="Write the articles matching QUERY (@NAME for a saved search, '' for "
        "every article), in the order `reader search` lists them, to a file or stdout.",
    )
    export_cmd.add_argument("query", help="the query, or @NAME for a saved search")
    add_path(export_cmd)
    export_cmd.add_argument(
        "--format",
        choices=FORMATS,
        help="csv, jsonl (JSON Lines) or md (a Markdown report); default: from the "
        "suffix of -o, else csv",
    )
    export_cmd.add_argument(
        "--initiatives",
        action="store_true",
        help="one row per initiative (as the reader's initiatives view), not per article",
    )
    export_cmd.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)"
    )
    export_cmd.add_argument(
        "--sort",
        choices=SEARCH_ORDERS,
        default=RELEVANCE,
        help="relevance (the default; a saved search's sort, else newest first, when the "
        "query has no words to rank by), newest, oldest, title or area",
    )
    export_cmd.add_argument(
        "--json",
        action="store_true",
        help="with -o: print what was written as a JSON object",
    )

    searches_cmd = commands.add_parser(
        "searches",
        help="the saved searches, with how many articles each finds",
        description="The searches saved in the reader (Ctrl+S in its search bar), with the "
        "articles each finds in PATH and how many of those are unread.",
    )
    add_path(searches_cmd)
    searches_cmd.add_argument("--json", action="store_true", help="print a JSON array")


def matching_rows(
    store: ArticleStore, text: str, order: str = RELEVANCE
) -> tuple[list[ListRow], str]:
    """The rows matching the query `text` (or saved search) in `order`, and that order
    as the list would caption it."""
    query, fallback = read_query(store, text)
    results = store.searcher().search(
        query, order=order, fallback_order=fallback, flag_test=marks_test(store, query)
    )
    if order == RELEVANCE:
        caption = RELEVANCE_CAPTION if is_ranked(query) else ORDER_CAPTIONS[fallback]
    else:
        caption = ORDER_CAPTIONS[order]
    return [row for row, _score in results], caption


# -- stats ------------------------------------------------------------------------------


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_folder(args)
    try:
        rows, _caption = matching_rows(store, args.query)
        counts = _counts(store, rows, args.by)
        if args.json:
            print_json(
                {
                    "query": args.query,
                    "by": args.by,
                    "total": len(rows),
                    "counts": [{"key": item.key, "count": item.count} for item in counts],
                }
            )
        elif sys.stdout.isatty():
            _print_chart(counts, NO_KEY[args.by])
        else:
            for item in counts:
                print(f"{item.key if item.key is not None else NO_KEY[args.by]}\t{item.count}")
        if not args.json:
            total = store.searcher().search(MATCH_ALL, limit=0).total
            print(f"{len(rows):,} of {total:,} articles match; by {args.by}", file=sys.stderr)
        report_problem_count(store)
    finally:
        store.close()
    return 0


def _counts(store: ArticleStore, rows: Sequence[ListRow], by: str) -> list[Count]:
    if by in ("month", "year"):
        return period_counts(timeline(rows, by))
    if by == "area":
        return count_areas(rows)
    return count_tags(_tag_lists(store, rows))


def _tag_lists(store: ArticleStore, rows: Sequence[ListRow]) -> Iterable[list[str]]:
    """Each row's tags, the metadata read a batch at a time."""
    for start in range(0, len(rows), TAG_BATCH):
        ids = [row.id for row in rows[start : start + TAG_BATCH]]
        metadata = store.metadata(ids)
        for article_id in ids:
            yield tags_of(metadata.get(article_id, {}))


def _print_chart(counts: Sequence[Count], no_key: str) -> None:
    """A bar per count, the longest as wide as the terminal allows."""
    labels = [item.key if item.key is not None else no_key for item in counts]
    label_cells = min(LABEL_CELLS, max((cells(label) for label in labels), default=0))
    number_cells = max((len(f"{item.count:,}") for item in counts), default=1)
    room = shutil.get_terminal_size().columns - label_cells - number_cells - 5
    bar_cells = max(1, min(BAR_CELLS, room))
    highest = max((item.count for item in counts), default=0)
    for label, item in zip(labels, counts, strict=True):
        bar = horizontal_bar(item.count, highest, bar_cells)
        print(f"{fit_cells(label, label_cells)}  {item.count:>{number_cells},}  {bar}")


# -- export -----------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    output: Path | None = args.output
    format_name = args.format or (format_for(output.name) if output is not None else None)
    format_name = format_name or "csv"
    if args.json and output is None:
        raise CommandError(
            "--json says what was written to a file: give -o FILE "
            "(or --format jsonl for JSON Lines on stdout)"
        )
    if output is not None and output.is_dir():
        raise CommandError(f"cannot write {output}: it is a folder")
    store = open_folder(args)
    try:
        rows, caption = matching_rows(store, args.query, args.sort)
        heading = ExportHeading(
            _described_query(args.query), escape_name(str(resolve_root(args.path))), caption,
            datetime.now(),
        )  # fmt: skip

        def write(out: Any) -> Written:
            return write_export(
                out,
                rows,
                store.initiatives,
                format_name=format_name,
                initiatives=args.initiatives,
                heading=heading,
            )

        if output is None:
            written = write(sys.stdout)
            sys.stdout.flush()
        else:
            try:
                written = write_export_file(output, write)
            except OSError as error:
                reason = error.strerror or str(error)
                raise CommandError(f"cannot write {output}: {reason}", status=1) from None
        what = written_text(written, args.initiatives)
        if output is not None and args.json:
            print_json(
                {
                    "path": str(output),
                    "format": format_name,
                    "rows": written.rows,
                    "articles": written.articles,
                    "initiatives": args.initiatives,
                }
            )
        where = f" to {escape_name(str(output))}" if output is not None else ""
        print(f"reader: wrote {what}{where} ({FORMAT_NAMES[format_name]})", file=sys.stderr)
        report_problem_count(store)
    finally:
        store.close()
    return 0


def _described_query(text: str) -> str:
    """The query as a report's title gives it: a saved search by name and what it finds."""
    if not text.startswith(SIGIL):
        return text
    from reader.saved_searches import find_saved

    saved = find_saved(ReadingState().load(), text)  # it was found already: it is there
    return f"{SIGIL}{saved.name}: {describe(saved)}"


# -- saved searches -----------------------------------------------------------------------


def cmd_searches(args: argparse.Namespace) -> int:
    state = ReadingState().load()
    saved = state.saved_searches()
    store = open_folder(args)
    try:
        searcher = store.searcher()
        rows = store.rows()
        keys = {row.id: row.state_key for row in rows}
        test = flag_test(state, keys)
        found: list[dict[str, Any]] = []
        for search in saved:
            entry: dict[str, Any] = {
                "name": search.name,
                "query": search.query,
                "facets": list(search.facets),
                "sort": listing_of(search).sort,
                "total": None,
                "unread": None,
                "error": None,
            }
            try:
                node = search_node(search, searcher.parse)
            except QueryError as error:
                entry["error"] = f"{error.message} at column {error.column}"
            else:
                ids = searcher.search_ids(node, order="newest", flag_test=test).ids
                entry["total"] = len(ids)
                entry["unread"] = sum(1 for article_id in ids if test(article_id, "unread"))
            found.append(entry)
        if args.json:
            print_json(found)
        else:
            for search, entry in zip(saved, found, strict=True):
                if entry["error"] is not None:
                    counts = f"cannot be read here: {entry['error']}"
                else:
                    counts = f"{entry['total']:,} ({entry['unread']:,} unread)"
                print(f"{SIGIL}{search.name}  {counts}  {describe(search)}")
            if not saved:
                print(
                    "reader: no saved searches (Ctrl+S in the reader's search bar saves one)",
                    file=sys.stderr,
                )
    finally:
        store.close()
    return 0
