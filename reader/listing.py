"""What the article list shows: the query typed, the facets chosen and the sort. No Textual.

Facets are query terms kept apart from the typed text (`area:kent`, `date:2019`), so the
picker can toggle them without editing what was typed. Facets of one field widen the
results (`area:kent OR area:essex`), facets of different fields narrow them, and the
whole combines with the typed query by AND.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter

from reader.ordering import SORT_ORDERS, RowT, sort_key
from reader.search import MATCH_ALL, And, Node, Or, field_term, parse_query

# Facet fields in the order the bar shows them.
FACET_FIELDS = ("area", "date", "tags", "categories", "lang", "folder")
# Rows sorted by one call of list.sort in sorted_rows: about 5 ms of holding the GIL.
SORT_RUN = 4096


@dataclass(frozen=True, slots=True)
class Listing:
    """The query typed, the facet terms chosen and the sort (one of SORT_ORDERS)."""

    text: str = ""
    facets: tuple[str, ...] = ()
    sort: str = "newest"

    @property
    def filtered(self) -> bool:
        """Whether the list shows fewer than all articles."""
        return bool(self.text.strip() or self.facets)

    def with_text(self, text: str) -> Listing:
        return replace(self, text=text)

    def with_facets(self, facets: Iterable[str]) -> Listing:
        return replace(self, facets=tuple(dict.fromkeys(facets)))

    def next_sort(self) -> Listing:
        position = SORT_ORDERS.index(self.sort) if self.sort in SORT_ORDERS else -1
        return replace(self, sort=SORT_ORDERS[(position + 1) % len(SORT_ORDERS)])

    def cleared(self) -> Listing:
        """No query and no facets; the sort stays."""
        return replace(self, text="", facets=())


def area_facet(area: str) -> str | None:
    """The facet term for an area; None when the area has no letters or digits."""
    return field_term("area", area)


def year_facet(year: int) -> str:
    return f"date:{year:04d}"


def facet_field(term: str) -> str:
    return term.split(":", 1)[0]


# Metadata keys whose values one facet list shows together, under the list's name: one
# idea named differently by different site generators (Zola's `[taxonomies]`).
FACET_LIST_OF = {
    "taxonomies.tags": "tags",
    "taxonomies.categories": "categories",
    "language": "lang",
}


def facet_list(term: str) -> str:
    """The facet list a term is ticked in: its field, or the list gathering that key."""
    field = facet_field(term)
    return FACET_LIST_OF.get(field, field)


def combine(nodes: Iterable[Node]) -> Node:
    """Every node must match (MATCH_ALL parts drop out)."""
    parts = tuple(node for node in nodes if node != MATCH_ALL)
    if not parts:
        return MATCH_ALL
    return parts[0] if len(parts) == 1 else And(parts)


def facet_node(terms: Sequence[str], *, leave_out: str | None = None) -> Node:
    """The facets as one node: terms of one list OR'd, lists AND'ed. `leave_out` drops
    one list's terms (the picker counts each list without its own choices)."""
    groups: dict[str, list[Node]] = {}
    for term in terms:
        field = facet_field(term)
        if facet_list(term) != leave_out:
            # area:, date: and folder: are built in; any other is the metadata key named.
            node = parse_query(term, metadata_keys=(field,))
            groups.setdefault(facet_list(term), []).append(node)
    return combine(group[0] if len(group) == 1 else Or(tuple(group)) for group in groups.values())


def listing_node(listing: Listing, parse: Callable[[str], Node]) -> Node:
    """The query the list shows: the typed text (read by `parse`, which may raise
    QueryError) and the facets."""
    typed = parse(listing.text) if listing.text.strip() else MATCH_ALL
    return combine((typed, facet_node(listing.facets)))


def facets_caption(terms: Sequence[str]) -> str:
    """The facets as the bar shows them: `area:kent OR area:essex · date:2019`."""
    groups: dict[str, list[str]] = {}
    for term in terms:
        groups.setdefault(facet_list(term), []).append(term)
    ordered = sorted(
        groups.items(),
        key=lambda item: FACET_FIELDS.index(item[0]) if item[0] in FACET_FIELDS else 99,
    )
    return " · ".join(" OR ".join(group) for _field, group in ordered)


def sorted_rows(rows: Sequence[RowT], order: str) -> list[RowT]:
    """`rows` in one of SORT_ORDERS, as reader.ordering.sort_articles orders them, sorted
    in runs then merged, for a worker thread: one list.sort of 100,000 titles holds the
    GIL for 200 ms, and the UI thread with it; this never holds it for more than a run."""
    key = sort_key(order)
    # The keys end with the id, so no two are equal and rows are never compared.
    keyed = [(key(row), row) for row in rows]
    first = itemgetter(0)
    runs = [
        sorted(keyed[start : start + SORT_RUN], key=first)
        for start in range(0, len(keyed), SORT_RUN)
    ]
    return [row for _key, row in heapq.merge(*runs, key=first)]
