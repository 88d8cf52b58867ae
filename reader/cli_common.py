"""What the `reader` commands share: the folder a command opens, its query (or a saved
search), the reading marks' test, and output (JSON, list lines, the problems line).

reader.cli parses and dispatches; reader.cli_overview and reader.cli_related hold more
commands; all three build on this module, which imports no Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.articles import ArticleStore, open_store
from reader.loading.folder_scan import PendingScan
from reader.model import Article, ListRow
from reader.resources import samples_dir
from reader.saved_searches import SIGIL, UnknownSearch, find_saved, listing_of, search_node
from reader.search import Node, QueryError
from reader.search.query import INDEX_FLAGS, FlagTest, flags_of
from reader.state import ReadingState, flag_test
from reader.text.cells import fit_cells

if TYPE_CHECKING:
    from datetime import datetime


class CommandError(Exception):
    """A user-facing error: printed as one line on stderr, exit status `status`."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def is_unicode(stream: Any) -> bool:
    """Whether the stream's encoding can write every character."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith(("utf", "gb18030"))


def add_no_cache(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        help="read every file now instead of using (and updating) the index cache",
    )


def add_path(parser: argparse.ArgumentParser) -> None:
    """PATH (a folder or a file) and --no-cache, as most commands take them."""
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="folder of articles or a single file (default: the bundled samples)",
    )
    add_no_cache(parser)


def add_id_folder(
    parser: argparse.ArgumentParser, id_help: str = "article id (path relative to the root)"
) -> None:
    """ID, then the folder it is relative to, as PATH or --root (see id_folder)."""
    parser.add_argument("id", help=id_help)
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="folder the id is relative to (default: the bundled samples)",
    )
    parser.add_argument("--root", type=Path, help="the same as PATH")


def id_folder(args: argparse.Namespace) -> Path | None:
    """The folder of add_id_folder's ID: PATH or --root (both given must agree)."""
    if args.path is not None and args.root is not None and args.path != args.root:
        raise CommandError(f"two folders given, {args.path} and --root {args.root}: give one")
    folder: Path | None = args.path if args.path is not None else args.root
    return folder


def resolve_root(path: Path | None) -> Path:
    """PATH as given; else the configured default folder; else the bundled samples."""
    if path is None:
        from reader.config import load_config

        path = load_config().default_folder
    root = samples_dir() if path is None else path
    if not root.exists():
        raise CommandError(f"no such file or folder: {root}")
    return root


def open_folder(args: argparse.Namespace) -> ArticleStore:
    """The store for the command's PATH, brought up to date with the folder."""
    store = open_folder_as_indexed(args)
    refresh_folder(store)
    return store


def open_folder_as_indexed(args: argparse.Namespace) -> ArticleStore:
    """The store for the command's PATH as its index has it (refresh_folder next)."""
    try:
        return open_store(resolve_root(args.path), use_cache=args.use_cache)
    except FileNotFoundError as error:
        raise CommandError(str(error)) from None


def refresh_folder(store: ArticleStore, scan: PendingScan | None = None) -> None:
    """Bring the store up to date with the folder (with `scan`'s walk, if it has one),
    and tell the user its notices."""
    store.refresh(scan=scan)
    for notice in store.notices:
        print(f"reader: {notice}", file=sys.stderr)


def print_json(data: Any) -> None:
    """An object on stdout as indented JSON."""
    json.dump(data, sys.stdout, ensure_ascii=not is_unicode(sys.stdout), indent=2)
    sys.stdout.write("\n")


def print_json_array(items: Iterable[Any]) -> None:
    """A JSON array on stdout, written as its items come: one compact item per line, which
    keeps big result lists on the C encoder (indenting makes json 5x slower), and the
    first results reach `| head` or `| jq` before the last are made."""
    ensure_ascii = not is_unicode(sys.stdout)
    write_json_lines(json.dumps(item, ensure_ascii=ensure_ascii) for item in items)


def write_json_lines(blocks: Iterable[str]) -> None:
    """print_json_array's output from its items already encoded: each block one item,
    or several joined by ",\\n"."""
    write = sys.stdout.write
    write("[")
    separator = "\n"
    for block in blocks:
        if not block:
            continue
        write(separator)
        write(block)
        separator = ",\n"
    write("\n]\n" if separator != "\n" else "]\n")


# Articles read from the store (bodies and all) at a time while printing.
PRINT_BATCH = 500


def read_articles(store: ArticleStore, ids: Sequence[str]) -> Iterator[Article]:
    """The articles with these ids, in order, read a batch at a time: 100,000 bodies
    are never in memory at once."""
    for start in range(0, len(ids), PRINT_BATCH):
        yield from store.articles(ids[start : start + PRINT_BATCH])


def format_row(article: ListRow, area_width: int = 18) -> str:
    """One line of `reader list`: date, area, title, id."""
    return format_line(article.published, article.area, article.title, article.id, area_width)


def format_line(
    published: datetime | None, area: str | None, title: str, article_id: str, area_width: int = 18
) -> str:
    """format_row of an article given as its parts."""
    date = published.strftime("%Y-%m-%d") if published else "—" * 10
    # Columns, not characters: a Chinese or Japanese area is twice as wide as its length.
    return f"{date}  {fit_cells(area or '', area_width)}  {title}  [{article_id}]"


def ids_of(rows: Sequence[ListRow]) -> list[str]:
    return [row.id for row in rows]


def report_problem_count(store: ArticleStore) -> None:
    count = len(store.problems())
    if count:
        noun = "file" if count == 1 else "files"
        print(
            f"reader: {count} {noun} could not be loaded; `reader check` lists them",
            file=sys.stderr,
        )


def read_query(store: ArticleStore, text: str, *, prefix_last: bool = False) -> tuple[Node, str]:
    """The query `text` (or the saved search `@NAME` names: its query and facets) and the
    order to list it in when it has no words to rank by."""
    searcher = store.searcher()
    if text.startswith(SIGIL):
        try:
            saved = find_saved(ReadingState().load(), text)
        except UnknownSearch as error:
            raise CommandError(str(error)) from None
        try:
            return search_node(saved, searcher.parse), listing_of(saved).sort
        except QueryError as error:
            where = error.render(saved.query)
            raise CommandError(f"saved search {SIGIL}{saved.name}: {where}") from None
    try:
        return searcher.parse(text, prefix_last=prefix_last), "newest"
    except QueryError as error:
        raise CommandError(error.render(text)) from None


def marks_test(store: ArticleStore, query: Node) -> FlagTest | None:
    """The `is:read / is:unread / is:starred` test of the reader's saved marks, when the
    query uses one."""
    if not flags_of(query) - set(INDEX_FLAGS):  # is:duplicate is the index's own
        return None
    state = ReadingState().load()
    return flag_test(state, {row.id: row.state_key for row in store.rows()})
