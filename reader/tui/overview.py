"""The reader's views over many articles at once: the timeline (`t`), the saved searches'
counts (the Searches section) and the export (`x`). Plain Python, no Textual: the
workers (reader.tui.workers) call these, the screen shows what they return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reader.articles import ArticleStore
from reader.export import (
    FORMAT_NAMES,
    ExportHeading,
    Written,
    format_for,
    write_export,
    write_file,
    written_text,
)
from reader.listing import Listing, facet_field, listing_node
from reader.model import ListRow
from reader.ordering import RELEVANCE
from reader.saved_searches import search_node
from reader.search import FlagTest, QueryError
from reader.state import SavedSearch

# -- the timeline ---------------------------------------------------------------------


def narrowed_to(facets: Sequence[str], term: str) -> tuple[str, ...]:
    """The facets with the timeline's period `term` (`date:2019-09`) in place of any date
    facet: the bars show the articles listed, so one period of them is always narrower
    (date facets of one field would widen each other)."""
    return (*(facet for facet in facets if facet_field(facet) != "date"), term)


# -- saved searches ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SavedCount:
    """A saved search with how many articles it finds now and how many of those are
    unread; `error` says why it cannot be run in this folder (a metadata field it names
    is in no article here)."""

    search: SavedSearch
    total: int | None = None
    unread: int | None = None
    error: str | None = None


def count_saved_searches(
    store: ArticleStore,
    searches: Sequence[SavedSearch],
    has_flag: FlagTest,
    should_stop: Callable[[], bool] | None = None,
) -> list[SavedCount]:
    """Run each saved search for its counts (SearchStopped once `should_stop()`)."""
    searcher = store.searcher()
    counted: list[SavedCount] = []
    for search in searches:
        try:
            node = search_node(search, searcher.parse)
        except QueryError as error:
            counted.append(SavedCount(search, error=f"{error.message} at column {error.column}"))
            continue
        results = searcher.search(node, order="newest", flag_test=has_flag, should_stop=should_stop)
        ids = results.ids()
        unread = sum(1 for article_id in ids if has_flag(article_id, "unread"))
        counted.append(SavedCount(search, len(ids), unread))
    return counted


# -- export ---------------------------------------------------------------------------


class ExportRefused(ValueError):
    """The name given cannot be exported to (no format known for it)."""


def export_target(text: str, cwd: Path) -> tuple[Path, str]:
    """The file a name typed in the export prompt stands for (`~` expanded, relative to
    `cwd`) and the format its suffix asks for; ExportRefused when it asks for none."""
    name = text.strip()
    if not name:
        raise ExportRefused("Give a file name ending .csv, .jsonl or .md.")
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = cwd / path
    format_name = format_for(path.name)
    if format_name is None:
        raise ExportRefused(f"{path.name}: name a .csv, .jsonl or .md file.")
    return path, format_name


def default_export_name(now: datetime, initiatives: bool) -> str:
    what = "initiatives" if initiatives else "articles"
    return f"reader-{what}-{now:%Y-%m-%d-%H%M%S}.csv"


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What `x` writes: the list `listing` gives (its rows as shown, when `rows` holds
    all of them; else searched again), one row per article or per initiative."""

    path: Path
    format_name: str
    listing: Listing
    rows: Sequence[ListRow] | None
    initiatives: bool
    folder: str
    order: str


def export_list(store: ArticleStore, request: ExportRequest, flag_test: FlagTest) -> Written:
    """Write the export (raises OSError when the file cannot be written, and QueryError
    for a list whose query no longer reads)."""
    rows = request.rows
    if rows is None:
        searcher = store.searcher()
        node = listing_node(request.listing, searcher.parse)
        results = searcher.search(
            node, order=RELEVANCE, fallback_order=request.listing.sort, flag_test=flag_test
        )
        rows = [row for row, _score in results]
    query = request.listing.text.strip()
    if request.listing.facets:
        query = " ".join((query, *request.listing.facets)).strip()
    heading = ExportHeading(query, request.folder, request.order, datetime.now())
    listed = rows
    return write_file(
        request.path,
        lambda out: write_export(
            out,
            listed,
            store.initiatives,
            format_name=request.format_name,
            initiatives=request.initiatives,
            heading=heading,
        ),
    )


def export_notice(written: Written, initiatives: bool, path: Path, format_name: str) -> str:
    """What the notice says: "Wrote 1,234 articles to /home/x/out.csv (CSV)."."""
    return f"Wrote {written_text(written, initiatives)} to {path} ({FORMAT_NAMES[format_name]})."
