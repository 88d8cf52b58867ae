"""The orders a list of articles can be in: names, captions, sort keys, and the index's
own newest-first order. One home, used by the list, the search engine, the commands and
the configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from reader.model import ListRow, published_sort_key

# The orders `s` cycles through, `default_sort` and `reader search --sort` take.
SORT_ORDERS = ("newest", "oldest", "title", "area")
# Best first, by the query's words; a query without words falls back to a sort order.
RELEVANCE = "relevance"
SEARCH_ORDERS = (RELEVANCE, *SORT_ORDERS)

# What the line under the list says of each order.
ORDER_CAPTIONS = {
    "newest": "newest first",
    "oldest": "oldest first",
    "title": "title A–Z",
    "area": "by area",
}
RELEVANCE_CAPTION = "by relevance"

# "newest" in the index: the `articles` table has an index in this order. Relevance ties
# go this way too (see reader.index.engine).
NEWEST_SQL = "ORDER BY published_key DESC, id"

RowT = TypeVar("RowT", bound=ListRow)


def sort_key(order: str) -> Callable[[ListRow], tuple[Any, ...]]:
    """The key that puts rows in one of SORT_ORDERS; the id breaks ties, so the order is
    total (and the same for full articles and list rows)."""
    if order == "newest":
        # As NEWEST_SQL: undated articles (published_key -inf) last.
        return lambda item: (-published_sort_key(item.published), item.id)
    if order == "oldest":
        # Undated articles go last here too: they are not "the oldest".
        return lambda item: (item.published is None, published_sort_key(item.published), item.id)
    if order == "title":
        return lambda item: (item.title.casefold(), item.id)
    if order == "area":
        return lambda item: (
            item.area is None,
            (item.area or "").casefold(),
            -published_sort_key(item.published),
            item.id,
        )
    raise ValueError(f"unknown sort order {order!r}; choose one of {', '.join(SORT_ORDERS)}")


def sort_articles(articles: Iterable[RowT], order: str = "newest") -> list[RowT]:
    """Articles (or list rows) in one of SORT_ORDERS; see sort_key."""
    return sorted(articles, key=sort_key(order))
