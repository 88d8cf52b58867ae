"""Working out what the list shows, for the app's worker threads. No Textual.

- RowMerger: every article, newest first, as the store streams in new and changed rows.
- list_results: the rows for a query, its facets and the sort (and the initiatives view's
  rows), with where the cursor's article landed; the index's best results first.
- count_facets: the areas, years, tags, languages and folders of the results, with
  counts, for the facet picker.
- InitiativeRows: one row per initiative of some articles, held in two arrays.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, overload

from reader.articles import ArticleStore, facets
from reader.listing import (
    Listing,
    combine,
    facet_list,
    facet_node,
    listing_node,
    sorted_rows,
    year_facet,
)
from reader.model import ListRow, top_folder
from reader.ordering import RELEVANCE, sort_key
from reader.search import MATCH_ALL, FlagTest, Node, is_ranked
from reader.search.query import field_term
from reader.tui.format import plural

# Results shown first while the index ranks all of a big result set.
FIRST_RESULTS = 200

_NEWEST_KEY = sort_key("newest")


class RowMerger:
    """Every list row, newest first, as batches of new and changed rows arrive.

    Sort keys are made only once a batch comes (a warm open with nothing changed makes
    none), and each batch is merged by one sort of already sorted runs."""

    def __init__(self, rows: list[ListRow]) -> None:
        self._rows = rows
        self._keyed: list[tuple[tuple[Any, ...], ListRow]] | None = None
        self._ids: set[str] = set()
        self._fresh: list[ListRow] = []

    def add(self, rows: Iterable[ListRow]) -> None:
        self._fresh.extend(rows)

    def remove(self, ids: Iterable[str]) -> None:
        gone = set(ids)
        if gone:
            keyed = self._merge()
            self._keyed = [item for item in keyed if item[1].id not in gone]
            self._ids -= gone
            self._rows = [row for _key, row in self._keyed]

    def rows(self) -> list[ListRow]:
        if self._fresh:
            self._merge()
        return self._rows

    def _merge(self) -> list[tuple[tuple[Any, ...], ListRow]]:
        if self._keyed is None:
            self._keyed = [(_NEWEST_KEY(row), row) for row in self._rows]
            self._ids = {row.id for row in self._rows}
        fresh, self._fresh = self._fresh, []
        replaced = {row.id for row in fresh if row.id in self._ids}
        if replaced:
            self._keyed = [item for item in self._keyed if item[1].id not in replaced]
        self._keyed.extend((_NEWEST_KEY(row), row) for row in fresh)
        self._ids.update(row.id for row in fresh)
        self._keyed.sort(key=itemgetter(0))
        self._rows = [row for _key, row in self._keyed]
        return self._keyed


@dataclass(frozen=True, slots=True)
class InitiativeRow:
    article: ListRow
    # Which of the article's initiatives, 0-based (as article.initiatives and the panel).
    number: int


class InitiativeRows(Sequence[InitiativeRow]):
    """The initiatives of some articles, article by article in their order.

    100,000 articles have about 500,000 initiatives: the rows are two arrays (which article,
    which of its initiatives), each row made when it is read; the texts stay in the store."""

    __slots__ = ("_articles", "_numbers", "_owners", "article_count")

    def __init__(self, articles: Sequence[ListRow]) -> None:
        self._articles = articles
        self._owners = array("L")
        self._numbers = array("L")
        # How many of the articles have initiatives.
        self.article_count = 0
        for index, article in enumerate(articles):
            count = article.initiative_count
            if count:
                self.article_count += 1
                self._owners.extend([index] * count)
                self._numbers.extend(range(count))

    def __len__(self) -> int:
        return len(self._owners)

    @overload
    def __getitem__(self, index: int) -> InitiativeRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[InitiativeRow]: ...
    def __getitem__(self, index: int | slice) -> InitiativeRow | list[InitiativeRow]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        return InitiativeRow(self._articles[self._owners[index]], self._numbers[index])

    def __iter__(self) -> Iterator[InitiativeRow]:
        articles = self._articles
        for owner, number in zip(self._owners, self._numbers, strict=True):
            yield InitiativeRow(articles[owner], number)


@dataclass(frozen=True)
class ResultsRequest:
    """One computation of what the list shows."""

    generation: int
    listing: Listing
    # The article (or initiative) the cursor should stay on, if it is among the results.
    keep: str | None
    keep_initiative: tuple[str, int] | None
    initiatives: bool
    # Enter in the search bar: go to the first result once they are in.
    jump: bool = False


@dataclass(frozen=True)
class Results:
    request: ResultsRequest
    node: Node
    rows: Sequence[ListRow]
    # The initiatives view's rows, when the request asked for them.
    initiatives: InitiativeRows | None
    # Where the kept article and initiative are in the rows, if they are.
    cursor: int | None
    initiative_cursor: int | None
    # How many articles match: more than len(rows) when `partial` (the best of them, the
    # rest to follow for the same request).
    total: int
    partial: bool = False

    @property
    def ranked(self) -> bool:
        """Ordered by relevance: the query has words."""
        return is_ranked(self.node)


def list_results(
    request: ResultsRequest,
    store: ArticleStore,
    all_rows: list[ListRow],
    *,
    sorted_all: Callable[[str], list[ListRow]],
    flag_test: FlagTest,
    show_best: Callable[[Results], bool],
    should_stop: Callable[[], bool] | None = None,
) -> Results | None:
    """The list for `request`. `sorted_all(order)` gives every row in a sort order;
    `show_best(results)` is handed the index's best results of a big result set before
    they are all ranked, and returns False when they are no longer wanted (then so are
    the rest, and None is returned). Raises QueryError for a query that cannot be read,
    and SearchStopped when `should_stop()` turned true (a newer request replaced it)."""
    listing = request.listing
    rows: Sequence[ListRow]
    node: Node = MATCH_ALL
    if not listing.filtered:
        rows = all_rows if listing.sort == "newest" else sorted_all(listing.sort)
    else:
        searcher = store.searcher()
        node = listing_node(listing, lambda text: searcher.parse(text, prefix_last=True))
        search = partial(
            searcher.search,
            node,
            order=RELEVANCE,
            fallback_order=listing.sort,
            flag_test=flag_test,
            should_stop=should_stop,
        )
        if request.initiatives:
            results = search()
        else:
            first = search(limit=FIRST_RESULTS)
            total = first.total
            if total <= len(first):
                results = first
            else:
                best = [row for row, _score in first]
                cursor = position((row.id for row in best), request.keep)
                partial_results = Results(request, node, best, None, cursor, None, total, True)
                if not show_best(partial_results):
                    return None
                results = search()
        rows = [row for row, _score in results]
    initiatives = InitiativeRows(rows) if request.initiatives else None
    initiative_cursor = None
    if initiatives is not None and request.keep_initiative is not None:
        keys = ((row.article.id, row.number) for row in initiatives)
        initiative_cursor = position(keys, request.keep_initiative)
    cursor = position((row.id for row in rows), request.keep)
    return Results(request, node, rows, initiatives, cursor, initiative_cursor, len(rows))


def position(keys: Iterable[object], wanted: object | None) -> int | None:
    """Where `wanted` is among `keys`, if it is."""
    if wanted is None:
        return None
    return next((index for index, key in enumerate(keys) if key == wanted), None)


# (facet term, label, count)
FacetItem = tuple[str, str, int]


@dataclass(frozen=True)
class FacetGroup:
    """One list of the facet picker: a field's values with their counts."""

    field: str  # the query field its terms use: area, date, folder, tags, lang…
    heading: str
    items: list[FacetItem]


@dataclass(frozen=True)
class FacetCounts:
    """The count of each value of each facet field the folder has values for; a field's
    counts leave that field's own choices out, so choosing Kent still shows what Essex
    would add."""

    groups: list[FacetGroup]
    summary: str

    def items(self, field: str) -> list[FacetItem]:
        """The values of one field ([] when the folder has none)."""
        return next((group.items for group in self.groups if group.field == field), [])

    @property
    def areas(self) -> list[FacetItem]:
        return self.items("area")

    @property
    def years(self) -> list[FacetItem]:
        return self.items("date")


# The facet lists besides areas and years, in the picker's order, with their headings
# and the metadata keys each shows (reader.listing.FACET_LIST_OF), then the first
# folder of each article's path.
METADATA_FACETS = {
    "tags": ("Tags", ("tags", "taxonomies.tags")),
    "categories": ("Categories", ("categories", "taxonomies.categories")),
    "lang": ("Language", ("lang", "language")),
}
FOLDER_FACET = "folder"
# What a list offers of one row: (field, value) pairs.
ValuesOf = Callable[[ListRow], Iterable[tuple[str, str]]]


def count_facets(
    store: ArticleStore,
    listing: Listing,
    shown: Sequence[ListRow] | None,
    all_rows: Sequence[ListRow],
    flag_test: FlagTest,
) -> FacetCounts:
    """The facet picker's lists for the list `listing` gives (`shown`: its rows, or None
    when only the best of them are in yet): areas, years, tags, categories, language and
    top folder, each only when some article of the folder has a value for it."""
    searcher = store.searcher()

    def parse(text: str) -> Node:
        return searcher.parse(text, prefix_last=True)  # it parsed when it was listed

    def matching(node: Node) -> Sequence[ListRow]:
        if node == MATCH_ALL:
            return all_rows
        return [row for row, _score in searcher.search(node, flag_test=flag_test)]

    typed = parse(listing.text) if listing.text.strip() else MATCH_ALL
    results = shown if shown is not None else matching(listing_node(listing, parse))

    def rows_without(name: str) -> Sequence[ListRow]:
        """The results as they would be without the facets of list `name`."""
        if not any(facet_list(term) == name for term in listing.facets):
            return results
        return matching(combine((typed, facet_node(listing.facets, leave_out=name))))

    keys = tuple(key for _heading, list_keys in METADATA_FACETS.values() for key in list_keys)
    values = store.facet_values(keys)

    def values_of(name: str) -> ValuesOf:
        if name == "area":
            return lambda row: (("area", row.area),) if row.area else ()
        if name == FOLDER_FACET:
            return lambda row: ((FOLDER_FACET, top_folder(row.id)),) if "/" in row.id else ()
        list_keys = METADATA_FACETS[name][1]

        def of_row(row: ListRow) -> Iterator[tuple[str, str]]:
            found = values.get(row.id)
            if found:
                for key in list_keys:
                    for value in found.get(key, ()):
                        yield key, value

        return of_row

    groups: list[FacetGroup] = []
    lists: list[tuple[str, str]] = [("area", "Areas"), ("date", "Years")]
    lists += [(name, heading) for name, (heading, _keys) in METADATA_FACETS.items()]
    lists.append((FOLDER_FACET, "Folders"))
    chosen_lists = {facet_list(term) for term in listing.facets}
    for name, heading in lists:
        if name == "date":
            items = {
                year_facet(year): (year_facet(year), str(year), count)
                for year, count in facets(rows_without("date")).years
            }
            present = bool(items) or any(row.published for row in all_rows)
        else:
            items = _value_items(rows_without(name), values_of(name))
            present = bool(items) or _has_values(name, all_rows, values_of(name))
        if not present and name not in chosen_lists:
            continue  # no article of the folder has a value for it
        unlisted = [term for term in listing.facets if facet_list(term) == name]
        unlisted = [term for term in unlisted if term not in items]
        if unlisted:
            labels = (
                {term: term.partition(":")[2] for term in unlisted}
                if name == "date"
                else facet_labels(set(unlisted), all_rows, values_of(name))
            )
            for term in unlisted:
                # Still listed, to be unchosen: as its name, not as the query term.
                items[term] = (term, labels.get(term, term), 0)
        if name == "date":
            ordered = sorted(items.values(), key=lambda item: item[1], reverse=True)
        else:
            ordered = sorted(items.values(), key=lambda item: (-item[2], item[1].casefold()))
        groups.append(FacetGroup(name, heading, ordered))
    return FacetCounts(groups, summary=f"In the {plural(len(results), 'article')} listed:")


def _value_items(rows: Iterable[ListRow], values_of: ValuesOf) -> dict[str, FacetItem]:
    """Each value's term, label and count of rows: values that differ only in case or
    punctuation are one term, under the name first met; a row counts once a term."""
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for row in rows:
        terms = set()
        for field, value in values_of(row):
            term = field_term(field, value)
            if term is not None:
                terms.add(term)
                labels.setdefault(term, value)
        counts.update(terms)
    return {term: (term, labels[term], count) for term, count in counts.items()}


def _has_values(name: str, rows: Iterable[ListRow], values_of: ValuesOf) -> bool:
    """Whether the folder has a value to offer in list `name` (the folder list needs two
    top folders: one alone narrows nothing)."""
    if name != FOLDER_FACET:
        return any(field_term(*pair) for row in rows for pair in values_of(row))
    seen: set[tuple[str, str]] = set()
    for row in rows:
        seen.update(values_of(row))
        if len(seen) > 1:
            return True
    return False


def facet_labels(
    terms: Collection[str], all_rows: Iterable[ListRow], values_of: ValuesOf
) -> dict[str, str]:
    """The names facet terms stand for: `area:kent` is Kent (a value no article has any
    more keeps its term)."""
    labels: dict[str, str] = {}
    for row in all_rows:
        for field, value in values_of(row):
            term = field_term(field, value)
            if term is not None and term in terms:
                labels.setdefault(term, value)
    return labels


class SortedRows:
    """Every article in each order other than newest first, kept until the articles
    change (s cycles through the orders). Safe to use from one worker at a time."""

    def __init__(self) -> None:
        self._sorted: dict[str, tuple[list[ListRow], list[ListRow]]] = {}

    def get(self, all_rows: list[ListRow], order: str) -> list[ListRow]:
        cached = self._sorted.get(order)
        if cached is None or cached[0] is not all_rows:
            cached = self._sorted[order] = (all_rows, sorted_rows(all_rows, order))
        return cached[1]
