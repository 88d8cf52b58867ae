"""Searching the index: a query tree in, the list rows of the articles it matches out,
best first or in a sort order, with how many match in all.

tantivy finds and scores the matches (reader.index.translate makes its query); this
module turns its documents into list rows through their rowids and orders them: by
score, equal scores newest first then by id, or by one of reader.ordering's orders from
each article's place in it. SQLite and tantivy are read at the same point: the engine
reloads tantivy's searcher whenever SQLite's `generation` says the index was written
(a sync commits tantivy before it records the commit in SQLite), and leaves out a match
whose row SQLite no longer has (deleted by a sync, in tantivy until its next commit).
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast, overload

import tantivy

from reader.index.db import IDS_PER_STATEMENT, Database, connect, in_chunks, read_info
from reader.index.duplicates import DuplicateGroups, find_groups
from reader.index.rows import read_summary_rows
from reader.index.text_index import text_errors
from reader.index.translate import Translator
from reader.model import Article, ArticleSummary
from reader.ordering import NEWEST_SQL, RELEVANCE, SEARCH_ORDERS, SORT_ORDERS, sort_articles
from reader.search.query import (
    DEFAULT_FLAGS,
    INDEX_FLAGS,
    MATCH_ALL,
    FlagTest,
    Node,
    SearchStopped,
    flags_of,
    parse_query,
    ranked_leaves,
)

if TYPE_CHECKING:
    from reader.index.related import RelatedArticle

SearchResult = tuple[ArticleSummary, float | None]
# A result: (rowid,) when the query has no words to rank by, else (rowid, score).
_Row = tuple[int] | tuple[int, float]
# No article at this place in an order: a rowid SQLite does not have (any more).
_NOWHERE = -1
# Results asked of tantivy beyond `limit` when ordering by date, so that every article
# sharing the last date shown is among them (more are asked for if not).
_DATE_TIES = 64


class SearchResults(Sequence[SearchResult]):
    """Search results as (list row, score) pairs, each pair made only when it is read: a
    list showing the first screen of 100,000 results makes 50 of them."""

    __slots__ = ("_rows", "_summaries", "total")

    def __init__(self, rows: list[_Row], summaries: dict[int, ArticleSummary], total: int) -> None:
        self._rows = rows
        # Holds a summary for every row (the engine makes sure of it).
        self._summaries = summaries
        # How many articles match: more than len(self) when the search had a limit.
        self.total = total

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> SearchResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[SearchResult]: ...
    def __getitem__(self, index: int | slice) -> SearchResult | list[SearchResult]:
        if isinstance(index, slice):
            return [self._pair(row) for row in self._rows[index]]
        return self._pair(self._rows[index])

    def __iter__(self) -> Iterator[SearchResult]:
        return map(self._pair, self._rows)

    def _pair(self, row: _Row) -> SearchResult:
        return self._summaries[row[0]], row[1] if len(row) > 1 else None

    def ids(self) -> list[str]:
        """The article ids, in order."""
        summaries = self._summaries
        return [summaries[row[0]].id for row in self._rows]


@dataclass(frozen=True, slots=True)
class FoundIds:
    """What SearchEngine.search_ids finds: the article ids in order, each one's score
    (None when the query has no words to rank by), and how many match in all (more than
    len(ids) when the search had a limit)."""

    ids: list[str]
    scores: list[float | None]
    total: int


class SearchEngine:
    """Searches an index; each search sees the index as it is then.

    Made with the list rows the caller already holds (`rows`, newest first), it reads
    nothing more for them; made without, it reads from the database only the rows a
    search returns (what `reader search` wants). Thread-safe: searches from several
    threads take turns on the engine's one database connection.
    """

    def __init__(
        self,
        database: Database,
        text: tantivy.Index,
        rows: Sequence[tuple[int, ArticleSummary]] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._connection = connect(database)
        self._database = database
        self._text = text
        self._searcher: tantivy.Searcher | None = None
        self._generation = -1
        self._summaries: dict[int, ArticleSummary] = {}
        # Every rowid, newest first: read when first wanted (a search for the best few
        # results of a command wants only theirs: reading 100,000 took 50 ms).
        self._newest: list[int] | None = None
        self._positions: dict[str, array[int]] = {}
        self._orders: dict[str, list[int]] = {}
        self._keys: frozenset[str] = frozenset()
        self._duplicates: DuplicateGroups | None = None
        with self._lock, self._reading() as connection:
            self._refresh(connection, rows)

    @property
    def metadata_keys(self) -> frozenset[str]:
        """Folded dotted metadata paths (and their prefixes) a query may use as fields."""
        return self._keys

    def parse(
        self, text: str, *, prefix_last: bool = False, flags: Sequence[str] = DEFAULT_FLAGS
    ) -> Node:
        """`parse_query` with this index's metadata keys; raises QueryError."""
        return parse_query(text, metadata_keys=self._keys, flags=flags, prefix_last=prefix_last)

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def is_current(self) -> bool:
        """Whether the index is as the last search saw it: nothing written since (a sync
        that found nothing changed writes nothing)."""
        with self._lock, self._reading() as connection:
            return read_info(connection, "generation") == self._generation

    # -- the state of the index --------------------------------------------------------------

    def _refresh(
        self,
        connection: sqlite3.Connection,
        rows: Sequence[tuple[int, ArticleSummary]] | None = None,
    ) -> None:
        """Catch up with the index if it was written since the last search (a sync)."""
        generation = read_info(connection, "generation")
        if generation == self._generation and rows is None:
            return
        self._generation = generation
        with text_errors():
            self._text.reload()
            self._searcher = self._text.searcher()
        if rows is not None:
            self._summaries = dict(rows)
            self._newest = [rowid for rowid, _summary in rows]
        else:
            # A new dict, not a cleared one: results already made keep theirs.
            self._summaries = {}
            self._newest = None
        self._orders = {}
        self._positions = {}
        self._duplicates = None
        self._keys = frozenset(
            key for (key,) in connection.execute("SELECT key FROM field_keys WHERE articles > 0")
        )

    def _newest_rowids(self, connection: sqlite3.Connection) -> list[int]:
        """Every rowid SQLite has, newest first."""
        if self._newest is None:
            select = f"SELECT rowid FROM articles {NEWEST_SQL}"
            self._newest = [rowid for (rowid,) in connection.execute(select)]
        return self._newest

    def _load_summaries(self, connection: sqlite3.Connection, rowids: Sequence[int]) -> None:
        """Read the list rows of any of `rowids` not read yet."""
        summaries = self._summaries
        if self._newest is not None and len(summaries) == len(self._newest):
            return
        missing = [rowid for rowid in rowids if rowid not in summaries]
        # (A few of an order not read yet: no need to read it to know they are few.)
        many = self._newest is not None or len(missing) > IDS_PER_STATEMENT
        if many and len(missing) * 4 > len(self._newest_rowids(connection)):
            missing = []  # most of them: reading them all is quicker
            summaries.update(read_summary_rows(connection))
        for chunk in in_chunks(missing):
            summaries.update(read_summary_rows(connection, chunk))

    # -- searching ---------------------------------------------------------------------------

    def search(
        self,
        query: Node | str,
        *,
        order: str = RELEVANCE,
        fallback_order: str = "newest",
        flag_test: FlagTest | None = None,
        limit: int | None = None,
        prefix_last: bool = False,
        should_stop: Callable[[], bool] | None = None,
    ) -> SearchResults:
        """(list row, score) for the articles matching `query`, best first.

        `order` is "relevance" (by score when the query has words, else `fallback_order`)
        or one of reader.ordering.SORT_ORDERS; scores are given whenever the query has
        words. `flag_test(article_id, name)` answers `is:` states. With `limit`, only the
        first N are returned (`total` says how many match), and big result sets come much
        quicker. A string query is parsed first (raising QueryError). Once
        `should_stop()` is true, SearchStopped is raised at the next step.
        """
        found = self._search(
            query, order, fallback_order, flag_test, limit, prefix_last, should_stop, True
        )
        assert isinstance(found, SearchResults)
        return found

    def search_ids(
        self,
        query: Node | str,
        *,
        order: str = RELEVANCE,
        fallback_order: str = "newest",
        flag_test: FlagTest | None = None,
        limit: int | None = None,
        prefix_last: bool = False,
    ) -> FoundIds:
        """What search() finds, as ids and scores, without the list rows (a command that
        prints the articles reads them anyway)."""
        found = self._search(
            query, order, fallback_order, flag_test, limit, prefix_last, None, False
        )
        assert isinstance(found, FoundIds)
        return found

    def _search(
        self,
        query: Node | str,
        order: str,
        fallback_order: str,
        flag_test: FlagTest | None,
        limit: int | None,
        prefix_last: bool,
        should_stop: Callable[[], bool] | None,
        list_rows: bool,
    ) -> SearchResults | FoundIds:
        if order not in SEARCH_ORDERS or fallback_order not in SORT_ORDERS:
            raise ValueError(f"unknown order {order!r}; choose one of {', '.join(SEARCH_ORDERS)}")
        node = self.parse(query, prefix_last=prefix_last) if isinstance(query, str) else query
        flags = flags_of(node)
        if flag_test is None and flags - set(INDEX_FLAGS):
            raise ValueError("the query uses is: states but no flag_test was given")
        ranked = bool(ranked_leaves(node))
        if order == RELEVANCE and not ranked:
            order = fallback_order

        def step() -> None:
            if should_stop is not None and should_stop():
                raise SearchStopped

        with self._lock, self._reading() as connection:
            self._refresh(connection)
            step()
            if node == MATCH_ALL:
                everything: list[_Row] = [(rowid,) for rowid in self._order(connection, order)]
                rows, total = everything[:limit], len(everything)
            else:
                flagged: dict[str, list[int]] = {}
                if flags:
                    flagged = self._flagged(connection, flags, flag_test)
                assert self._searcher is not None
                translated = Translator(self._searcher, self._text.schema, self._keys, flagged)
                text_query = translated.ranked_query(node)
                step()
                with text_errors():
                    rows, total = self._rows(connection, text_query, ranked, order, limit, step)
            step()
            if not list_rows:
                id_of = self._ids(connection, [row[0] for row in rows])
                found = [row for row in rows if row[0] in id_of]
                return FoundIds(
                    [id_of[row[0]] for row in found],
                    [row[1] if len(row) > 1 else None for row in found],
                    total - (len(rows) - len(found)),
                )
            self._load_summaries(connection, [row[0] for row in rows])
            known = self._summaries
            found = [row for row in rows if row[0] in known]
            return SearchResults(found, known, total - (len(rows) - len(found)))

    def _ids(self, connection: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, str]:
        """The article id of each of `rowids` SQLite has (and maybe of others), by rowid:
        from the list rows when they are read, else from SQLite (the ids alone; the
        whole list read to take them cost 0.65 s at 100,000 articles)."""
        summaries = self._summaries
        if self._newest is not None and len(summaries) == len(self._newest):
            return {rowid: summaries[rowid].id for rowid in rowids if rowid in summaries}
        if len(rowids) > IDS_PER_STATEMENT:
            return dict(connection.execute("SELECT rowid, id FROM articles"))
        marks = ", ".join("?" * len(rowids))
        select = f"SELECT rowid, id FROM articles WHERE rowid IN ({marks})"
        return dict(connection.execute(select, tuple(rowids)))

    def _rows(
        self,
        connection: sqlite3.Connection,
        query: tantivy.Query,
        ranked: bool,
        order: str,
        limit: int | None,
        step: Callable[[], None],
    ) -> tuple[list[_Row], int]:
        """The first `limit` matches in `order` ((rowid, score) when the query has words)
        and how many match in all."""
        if order == RELEVANCE:
            return self._best(query, limit, step)
        if ranked:  # in a sort order, with the scores
            scored, total = self._best(query, None, step)
            position = self._position(connection, order)
            scored.sort(key=lambda row: position[row[0]])
            return scored[:limit], total
        if order == "newest" and limit is not None:
            return self._newest_few(query, limit)
        rowids, total = self._matches(query)
        step()
        position = self._position(connection, order)
        rowids.sort(key=position.__getitem__)
        return [(rowid,) for rowid in rowids[:limit]], total

    def _best(
        self, query: tantivy.Query, limit: int | None, step: Callable[[], None]
    ) -> tuple[list[_Row], int]:
        """The best `limit` (rowid, score), equal scores newest first, and the total."""
        searcher = self._searcher
        assert searcher is not None
        want = max(searcher.num_docs, 1) if limit is None else limit + 1
        while True:
            result = searcher.search(query, want, count=True)
            hits = result.hits
            # Every article tied with the last one shown must be in, to be ordered.
            if limit is None or len(hits) < want or hits[limit - 1][0] != hits[-1][0]:
                break
            want *= 4
        step()
        rowids = cast(
            list[int], searcher.fast_field_values("rowid", [address for _score, address in hits])
        )
        position = self._few_positions(rowids)
        scored = [
            (rowid, score)
            for rowid, (score, _address) in zip(rowids, hits, strict=True)
            if position.get(rowid, _NOWHERE) != _NOWHERE
        ]
        # Hits come best first: only runs of equal scores need ordering, newest first.
        rows: list[_Row] = []
        start, count = 0, len(scored)
        while start < count:
            end = start + 1
            while end < count and scored[end][1] == scored[start][1]:
                end += 1
            run = scored[start:end]
            if len(run) > 1:
                run.sort(key=lambda row: position[row[0]])
            rows.extend(run)
            start = end
        return rows[:limit], _count(result) - (len(hits) - len(scored))

    def _few_positions(self, rowids: Sequence[int]) -> Mapping[int, int]:
        """A place in the newest-first order for each of `rowids` that SQLite has (the
        order of any two as the whole order has them): for a few, read for them alone."""
        if self._newest is not None or len(rowids) > IDS_PER_STATEMENT:
            position = self._position_newest()
            size = len(position)
            return {rowid: position[rowid] for rowid in rowids if rowid < size}
        marks = ", ".join("?" * len(rowids))
        select = f"SELECT rowid FROM articles WHERE rowid IN ({marks}) {NEWEST_SQL}"
        found = self._connection.execute(select, tuple(rowids))
        return {rowid: place for place, (rowid,) in enumerate(found)}

    def _newest_few(self, query: tantivy.Query, limit: int) -> tuple[list[_Row], int]:
        """The newest `limit` matches, by the date tantivy keeps for each, and the total."""
        searcher = self._searcher
        assert searcher is not None
        want = limit + _DATE_TIES
        while True:
            result = searcher.search(query, want, count=True, order_by_field="published")
            hits = result.hits
            # Everything dated as the last one shown must be in, to be ordered by id.
            if len(hits) < want or len(hits) <= limit or hits[limit - 1][0] != hits[-1][0]:
                break
            want *= 4
        rowids = searcher.fast_field_values("rowid", [address for _date, address in hits])
        listed = self._listed(rowids)
        position = self._position_newest()
        listed.sort(key=position.__getitem__)
        return [(rowid,) for rowid in listed[:limit]], _count(result) - (len(rowids) - len(listed))

    def _matches(self, query: tantivy.Query) -> tuple[list[int], int]:
        """Every match's rowid, and the total."""
        searcher = self._searcher
        assert searcher is not None
        result = searcher.search(query, max(searcher.num_docs, 1), count=True)
        rowids = searcher.fast_field_values("rowid", [address for _score, address in result.hits])
        listed = self._listed(rowids)
        return listed, _count(result) - (len(rowids) - len(listed))

    def _listed(self, rowids: Sequence[object]) -> list[int]:
        """The rowids SQLite has (tantivy may hold one a sync deleted, or one it added
        after the state of SQLite this search reads)."""
        position = self._position_newest()
        size = len(position)
        return [
            rowid
            for rowid in cast(Sequence[int], rowids)
            if rowid < size and position[rowid] != _NOWHERE
        ]

    def _flagged(
        self, connection: sqlite3.Connection, flags: set[str], flag_test: FlagTest | None
    ) -> dict[str, list[int]]:
        """For each `is:` state, the rowids of the articles in it."""
        flagged: dict[str, list[int]] = {}
        if "duplicate" in flags:
            flagged["duplicate"] = sorted(self._duplicate_groups(connection).copies())
        flags = flags - set(INDEX_FLAGS)
        if not flags:
            return flagged
        assert flag_test is not None
        if self._newest is not None and len(self._summaries) == len(self._newest):
            ids = [(rowid, summary.id) for rowid, summary in self._summaries.items()]
        else:
            ids = connection.execute("SELECT rowid, id FROM articles").fetchall()
        for name in flags:
            flagged[name] = [rowid for rowid, article_id in ids if flag_test(article_id, name)]
        return flagged

    # -- articles like one ------------------------------------------------------------------

    def related(self, article: Article, limit: int = 10) -> list[RelatedArticle]:
        """The `limit` articles most like `article`, best first, itself left out
        (reader.index.related), each with the distinctive terms it shares."""
        # Imported here: 2 ms of CPU that a command finding no related articles (a
        # search from the shell) need not spend.
        from reader.index.related import (
            RelatedArticle,
            distinctive_terms,
            related_hits,
            shared_runs,
        )

        with self._lock, self._reading() as connection:
            self._refresh(connection)
            row = connection.execute("SELECT rowid FROM articles WHERE id = ?", (article.id,))
            found = row.fetchone()
            searcher = self._searcher
            assert searcher is not None
            terms = distinctive_terms(searcher, article)
            # A few more than asked: a match a sync removed from SQLite is left out.
            hits = related_hits(
                searcher, self._text.schema, terms, found[0] if found else 0, limit + 4
            )
            listed = set(self._listed([hit.rowid for hit in hits]))
            hits = shared_runs(article, [hit for hit in hits if hit.rowid in listed][:limit])
            self._load_summaries(connection, [hit.rowid for hit in hits])
            return [
                RelatedArticle(self._summaries[hit.rowid], hit.score, hit.shared)
                for hit in hits
                if hit.rowid in self._summaries
            ]

    # -- near-duplicates ---------------------------------------------------------------------

    def _duplicate_groups(self, connection: sqlite3.Connection) -> DuplicateGroups:
        """The index's groups of near-duplicates, found again only after a write."""
        if self._duplicates is None:
            self._duplicates = find_groups(connection)
        return self._duplicates

    def duplicate_group(self, article_id: str) -> list[ArticleSummary]:
        """`article_id`'s group of near-duplicates, itself included, original first
        (reader.index.duplicates); [] when it has no copies and is no copy. Working the
        groups out after a write (0.6 s at 100,000 articles) holds up no search: it reads
        on a connection of its own."""
        with self._lock, self._reading() as connection:
            self._refresh(connection)
            row = connection.execute("SELECT rowid FROM articles WHERE id = ?", (article_id,))
            found = row.fetchone()
            groups, generation = self._duplicates, self._generation
        if found is None:
            return []
        if groups is None:
            groups = self._find_groups_apart()
            with self._lock:
                if self._generation == generation and self._duplicates is None:
                    self._duplicates = groups
        place = groups.group_of.get(found[0])
        if place is None:
            return []
        group = groups.groups[place]
        with self._lock, self._reading() as connection:
            self._load_summaries(connection, group)
            return [self._summaries[rowid] for rowid in group if rowid in self._summaries]

    def _find_groups_apart(self) -> DuplicateGroups:
        connection = connect(self._database)
        try:
            connection.execute("BEGIN")
            try:
                return find_groups(connection)
            finally:
                connection.execute("COMMIT")
        finally:
            connection.close()

    # -- ordering ----------------------------------------------------------------------------

    def _order(self, connection: sqlite3.Connection, order: str) -> list[int]:
        """Every rowid in `order` (reader.ordering.sort_articles's order)."""
        if order == "newest":
            return self._newest_rowids(connection)
        ordered = self._orders.get(order)
        if ordered is None:
            self._load_summaries(connection, self._newest_rowids(connection))
            rowid_of = {id(summary): rowid for rowid, summary in self._summaries.items()}
            # sort_articles reads only id, title, area and published, which a summary has.
            summaries = cast(list[Article], list(self._summaries.values()))
            ordered = [rowid_of[id(summary)] for summary in sort_articles(summaries, order)]
            self._orders[order] = ordered
        return ordered

    def _position(self, connection: sqlite3.Connection, order: str) -> array[int]:
        """Each rowid's place in `order` (_NOWHERE for a rowid SQLite lacks): an array,
        looked up for every result sorted, stays in the processor's cache."""
        position = self._positions.get(order)
        if position is None:
            ordered = self._order(connection, order)
            newest = self._newest_rowids(connection)
            position = array("q", [_NOWHERE]) * (max(newest, default=0) + 1)
            for place, rowid in enumerate(ordered):
                position[rowid] = place
            self._positions[order] = position
        return position

    def _position_newest(self) -> array[int]:
        return self._position(self._connection, "newest")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The engine's connection inside one read transaction: every statement of a
        search sees the same state of the database. The caller holds the lock."""
        connection = self._connection
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")


def _count(result: tantivy.SearchResult) -> int:
    """How many documents matched (searched with count=True; the type stubs lack it)."""
    return int(result.count)  # type: ignore[attr-defined]
