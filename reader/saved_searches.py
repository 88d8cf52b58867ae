"""Saved searches: a query with its facets and sort, kept under a name in the reading
state (reader.state), run with `@name` from the shell and listed in the reader with
their counts. Plain Python.

A name is what the user typed, on one line, without control characters, at most
MAX_NAME characters; a leading `@` is not part of it (`@kent` names "kent"). Names
differing only in case are one name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.listing import Listing, facets_caption, listing_node
from reader.ordering import SORT_ORDERS
from reader.search import Node
from reader.state import ReadingState, SavedSearch
from reader.text.sanitize import one_line, strip_control

MAX_NAME = 60
# What starts a saved search's name where a query is expected (`reader search @kent`).
SIGIL = "@"


def clean_name(text: str) -> str:
    """A name as it is kept: one line, no control characters, no leading `@`, cut to
    MAX_NAME characters ("" when nothing is left)."""
    name = one_line(strip_control(text)).lstrip(SIGIL).strip()
    return name[:MAX_NAME].rstrip()


def listing_of(search: SavedSearch) -> Listing:
    """What the list shows for a saved search: its query, facets and sort."""
    sort = search.sort if search.sort in SORT_ORDERS else "newest"
    return Listing(search.query, (), sort).with_facets(search.facets)


def search_node(search: SavedSearch, parse: Callable[[str], Node]) -> Node:
    """The query a saved search runs: its text (read by `parse`, which may raise
    QueryError) and its facets."""
    return listing_node(listing_of(search), parse)


def describe(search: SavedSearch) -> str:
    """The query and facets as one line: `burglary · area:kent OR area:essex`."""
    parts = [search.query.strip(), facets_caption(search.facets)]
    return " · ".join(part for part in parts if part) or "(every article)"


class UnknownSearch(LookupError):
    """No saved search has that name: the message says which there are."""


def find_saved(state: ReadingState, name: str) -> SavedSearch:
    """The saved search `name` (`@` or not) names; UnknownSearch when there is none."""
    wanted = clean_name(name)
    found = state.saved_search(wanted) if wanted else None
    if found is not None:
        return found
    names = [search.name for search in state.saved_searches()]
    raise UnknownSearch(unknown_message(wanted, names))


def unknown_message(name: str, names: Sequence[str]) -> str:
    if not names:
        return (
            f"no saved search named {name!r}: none are saved yet "
            "(Ctrl+S in the reader's search bar saves one)"
        )
    from difflib import get_close_matches  # for a hint only: not at start

    close = get_close_matches(name.casefold(), [n.casefold() for n in names], n=1)
    if close:
        match = next(n for n in names if n.casefold() == close[0])
        return f"no saved search named {name!r}; did you mean {SIGIL}{match}?"
    listed = ", ".join(f"{SIGIL}{n}" for n in names[:10])
    more = f" and {len(names) - 10} more" if len(names) > 10 else ""
    return f"no saved search named {name!r}; saved: {listed}{more}"


__all__ = [
    "MAX_NAME",
    "SIGIL",
    "UnknownSearch",
    "clean_name",
    "describe",
    "find_saved",
    "listing_of",
    "search_node",
]
