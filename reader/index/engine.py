"""The query engine over the persistent index: the same answers as reader.search's
in-memory SearchEngine (the same articles, order and scores), from SQLite.

A query tree becomes SQL:

- Word, phrase, `title:`, `body:` and `initiative:` leaves, and every AND / OR / NOT made
  only of them, become one FTS5 MATCH expression over `search_fts` (see reader.index.rows
  for what its columns hold). FTS5 has no NOT on its own, so a group of only negations is
  an SQL NOT instead.
- `area:`, `url:` and metadata fields are MATCHes over `field_fts`, one row per value;
  dates are a range of `articles.day`; `is:` states are the rowids the caller's flag test
  picked, in a temporary table. These combine with SQL AND / OR / NOT over rowids.
- Ranking is SQLite's bm25() (reader.search.engine computes the same formula). bm25()
  adds up, for each phrase of the MATCH expression, its hits in the row, but under an OR
  an AND that fails in a row hides its phrases' hits. So a query that is an AND of
  phrases, ORs of phrases, negations of those (which never occur in a match, so add 0)
  and filters without words is ranked by its own MATCH, among the rows the filters pass;
  any other query's ranked leaves are MATCHed as a flat OR, which counts every one that
  occurs, among the rows the whole query matches.
- Relevance ties go to the newest article, then the lowest id: sorted in Python for a
  whole result set (SQLite's sorter costs more than the search), and by SQLite against a
  temporary table of positions when only the best few are wanted (`limit`).
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import cast, overload

from reader.index.db import connect, in_chunks
from reader.index.rows import AREA_KEY, FIELD_SHIFT, URL_KEY, key_token
from reader.index.sync import read_summary_rows
from reader.model import Article, ArticleSummary
from reader.ordering import RELEVANCE, SEARCH_ORDERS, SORT_ORDERS, sort_articles
from reader.search.engine import (
    BODY_WEIGHT,
    INITIATIVE_WEIGHT,
    METADATA_WEIGHT,
    TITLE_WEIGHT,
    FlagTest,
    SearchStopped,
)
from reader.search.query import (
    DEFAULT_FLAGS,
    MATCH_ALL,
    And,
    DateFilter,
    Field,
    Flag,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    flags_of,
    parse_query,
    ranked_leaves,
)

IndexResult = tuple[ArticleSummary, float | None]
# A result row: (rowid,) when the query has no words, else (rowid, bm25() value).
_Row = tuple[int] | tuple[int, float]
# Newest first, then by id: reader.ordering.sort_articles's "newest" (an index has it).
_NEWEST = "ORDER BY published_key DESC, id"

# Column weights for bm25(), in the order of reader.index.rows.SEARCH_COLUMNS.
_WEIGHTS = (TITLE_WEIGHT, BODY_WEIGHT, INITIATIVE_WEIGHT, METADATA_WEIGHT)
_BM25 = f"bm25(search_fts, {', '.join(repr(weight) for weight in _WEIGHTS)})"
_COLUMNS = {"title": "title", "body": "body", "initiative": "initiatives"}


class IndexResults(Sequence[IndexResult]):
    """Search results as (summary, score) pairs, each pair made only when it is read: a
    list showing the first screen of 100,000 results makes 50 of them."""

    __slots__ = ("_rows", "_summaries", "total")

    def __init__(self, rows: list[_Row], summaries: dict[int, ArticleSummary], total: int) -> None:
        # (rowid,) without a score, or (rowid, bm25() value: the score negated).
        self._rows = rows
        # Holds a summary for every row (the engine makes sure of it).
        self._summaries = summaries
        # How many articles match: more than len(self) when the search had a limit.
        self.total = total

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> IndexResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[IndexResult]: ...
    def __getitem__(self, index: int | slice) -> IndexResult | list[IndexResult]:
        if isinstance(index, slice):
            return [self._pair(row) for row in self._rows[index]]
        return self._pair(self._rows[index])

    def __iter__(self) -> Iterator[IndexResult]:
        return map(self._pair, self._rows)

    def _pair(self, row: _Row) -> IndexResult:
        return self._summaries[row[0]], -row[1] if len(row) > 1 else None

    def ids(self) -> list[str]:
        """The article ids, in order."""
        summaries = self._summaries
        return [summaries[row[0]].id for row in self._rows]


class IndexSearchEngine:
    """Searches an index; each search sees the index as it is then.

    Made with the list rows the caller already holds (`rows`, newest first), it reads
    nothing more for them; made without, it reads from the database only the rows a
    search returns (what `reader search` wants). Thread-safe: searches from several
    threads take turns on the engine's one database connection.
    """

    def __init__(
        self, database: Path, rows: Sequence[tuple[int, ArticleSummary]] | None = None
    ) -> None:
        self._lock = threading.RLock()
        self._connection = connect(database)
        self._generation = -1
        self._summaries: dict[int, ArticleSummary] = {}
        self._newest: list[int] = []
        self._newest_position = array("q")
        self._orders: dict[str, list[int]] = {}
        self._positions: dict[str, dict[int, int]] = {}
        self._key_ids: dict[str, int] = {}
        self._ranking_table = False
        self.metadata_keys: frozenset[str] = frozenset()
        with self._lock, self._reading() as connection:
            self._refresh(connection, rows)

    def parse(
        self, text: str, *, prefix_last: bool = False, flags: Sequence[str] = DEFAULT_FLAGS
    ) -> Node:
        """`parse_query` with this index's metadata keys; raises QueryError."""
        return parse_query(
            text, metadata_keys=self.metadata_keys, flags=flags, prefix_last=prefix_last
        )

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    # -- the state of the index --------------------------------------------------------------

    def _refresh(
        self,
        connection: sqlite3.Connection,
        rows: Sequence[tuple[int, ArticleSummary]] | None = None,
    ) -> None:
        """Catch up with the database if it changed since the last search (a sync)."""
        generation = _generation(connection)
        if generation == self._generation and rows is None:
            return
        self._generation = generation
        if rows is not None:
            self._summaries = dict(rows)
            self._newest = [rowid for rowid, _summary in rows]
        else:
            # A new dict, not a cleared one: results already made keep theirs.
            self._summaries = {}
            self._newest = [
                rowid for (rowid,) in connection.execute(f"SELECT rowid FROM articles {_NEWEST}")
            ]
        # Each article's place newest first, by rowid: relevance ties go to the newest. An
        # array, looked up for every tied result, stays in the processor's cache.
        position = array("q", bytes(8 * (max(self._newest, default=0) + 1)))
        for index, rowid in enumerate(self._newest):
            position[rowid] = index
        self._newest_position = position
        self._orders = {"newest": self._newest}
        self._positions = {}
        if self._ranking_table:
            connection.execute("DELETE FROM temp.newest")
            self._fill_ranking_table(connection)
        self._key_ids = dict(
            connection.execute("SELECT key, id FROM field_keys WHERE articles > 0").fetchall()
        )
        self.metadata_keys = frozenset(self._key_ids)

    def _fill_ranking_table(self, connection: sqlite3.Connection) -> None:
        """The newest-first positions as a table, for SQLite to rank only the best few."""
        if not self._ranking_table:
            connection.execute(
                "CREATE TEMP TABLE newest(rowid INTEGER PRIMARY KEY, position INTEGER NOT NULL)"
            )
            self._ranking_table = True
        connection.executemany(
            "INSERT INTO temp.newest(rowid, position) VALUES (?, ?)",
            ((rowid, index) for index, rowid in enumerate(self._newest)),
        )

    def _load_summaries(self, connection: sqlite3.Connection, rows: Sequence[_Row]) -> None:
        """Read the list rows of any of `rows` not read yet."""
        summaries = self._summaries
        if len(summaries) == len(self._newest):
            return
        missing = [row[0] for row in rows if row[0] not in summaries]
        if len(missing) * 4 > len(self._newest):
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
    ) -> IndexResults:
        """(summary, score) for the articles matching `query`, best first.

        The same results as reader.search.SearchEngine.search over the same articles:
        `order` is "relevance" (BM25 when the query has words, else `fallback_order`) or
        one of reader.ordering.SORT_ORDERS; scores are given whenever the query has words.
        `flag_test(article_id, name)` answers `is:` states. With `limit`, only the first N
        are returned (`total` says how many match), and big result sets come much quicker.
        A string query is parsed first (raising QueryError).
        """
        if order not in SEARCH_ORDERS or fallback_order not in SORT_ORDERS:
            raise ValueError(f"unknown order {order!r}; choose one of {', '.join(SEARCH_ORDERS)}")
        node = self.parse(query, prefix_last=prefix_last) if isinstance(query, str) else query
        flags = flags_of(node)
        if flag_test is None and flags:
            raise ValueError("the query uses is: states but no flag_test was given")
        leaves = ranked_leaves(node)
        if order == RELEVANCE and not leaves:
            order = fallback_order
        with self._lock, self._reading() as connection:
            self._refresh(connection)
            if node == MATCH_ALL:
                everything: list[_Row] = [(rowid,) for rowid in self._order(connection, order)]
                rows, total = everything[:limit], len(everything)
            else:
                if flags:
                    assert flag_test is not None
                    self._mark_flags(connection, flags, flag_test)
                with _stoppable(connection, should_stop), _fts5_errors_as_query_errors():
                    rows, total = self._rows(connection, node, leaves, order, limit)
            self._load_summaries(connection, rows)
            return IndexResults(rows, self._summaries, total)

    def _rows(
        self,
        connection: sqlite3.Connection,
        node: Node,
        leaves: list[Term | Phrase | Field],
        order: str,
        limit: int | None,
    ) -> tuple[list[_Row], int]:
        """The first `limit` matching rows in `order` ((rowid, negated score) when the
        query has words), and how many match in all."""
        if leaves and order == RELEVANCE:
            return self._ranked(connection, node, leaves, limit)
        if leaves:
            rows, total = self._ranked(connection, node, leaves, None)
            return self._reordered(connection, rows, order)[:limit], total
        params: list[object] = []
        predicate = self._predicate(node, params, "articles")
        sql = f"SELECT rowid FROM articles WHERE {predicate}"
        # All of them even with a limit: counting them would cost as much again.
        if order != "newest":
            rows = self._reordered(connection, connection.execute(sql, params).fetchall(), order)
        else:
            rows = connection.execute(f"{sql} {_NEWEST}", params).fetchall()
        return rows[:limit], len(rows)

    def _ranked(
        self,
        connection: sqlite3.Connection,
        node: Node,
        leaves: list[Term | Phrase | Field],
        limit: int | None,
    ) -> tuple[list[_Row], int]:
        """The first `limit` of (rowid, bm25 value), best first and ties newest first,
        and how many match in all."""
        params: list[object] = []
        split = _rank_by_match(node)
        if split is not None:
            expression, filters = split
            params.append(expression)
            conditions = [self._predicate(item, params, "search_fts") for item in filters]
        else:
            params.append(" OR ".join(f"({_phrase(leaf)})" for leaf in leaves))
            conditions = [self._predicate(node, params, "search_fts")]
        where = " AND ".join(["search_fts MATCH ?", *conditions])
        rows: list[_Row]
        # Only the best few when counting is cheap (a bare MATCH); a count of a MATCH
        # with other conditions costs as much as ranking them all.
        if limit is None or conditions:
            rows = connection.execute(
                f"SELECT rowid, {_BM25} FROM search_fts WHERE {where}", params
            ).fetchall()
            # Sorted here rather than by SQLite: its sorter took longer than the search.
            rows.sort(key=itemgetter(1))
            rows = self._newest_first_among_equals(rows)
            total = len(rows)
        else:
            if not self._ranking_table:
                self._fill_ranking_table(connection)
            # SQLite keeps only the best `limit` as it goes, and nothing else crosses over.
            rows = connection.execute(
                f"SELECT search_fts.rowid, {_BM25} AS score FROM search_fts "
                "JOIN temp.newest ON temp.newest.rowid = search_fts.rowid "
                f"WHERE {where} ORDER BY score, temp.newest.position LIMIT ?",
                [*params, limit],
            ).fetchall()
            total = _count(connection, f"SELECT rowid FROM search_fts WHERE {where}", params)
        if not _needs_a_ranked_leaf(node):
            # Articles that match without any ranked word score 0: last, newest first.
            params = []
            sql = f"SELECT rowid FROM articles WHERE {self._predicate(node, params, 'articles')}"
            if limit is not None and len(rows) >= limit:
                total = _count(connection, sql, params)  # the best `limit` are all ranked
            else:
                scored = {row[0] for row in rows}  # here, every ranked match
                rows.extend(
                    (rowid, 0.0)
                    for (rowid,) in connection.execute(f"{sql} {_NEWEST}", params)
                    if rowid not in scored
                )
                total = len(rows)
        return rows[:limit], total

    def _newest_first_among_equals(self, rows: list[_Row]) -> list[_Row]:
        """`rows` (sorted by score) with each run of equal scores put newest first."""
        position = self._newest_position
        ordered: list[_Row] = []
        for _score, group in groupby(rows, key=itemgetter(1)):
            run = list(group)
            if len(run) > 1:
                run.sort(key=lambda row: position[row[0]])
            ordered.extend(run)
        return ordered

    def _reordered(
        self, connection: sqlite3.Connection, rows: list[_Row], order: str
    ) -> list[_Row]:
        position = self._position(connection, order)
        return sorted(rows, key=lambda row: position[row[0]])

    def _predicate(self, node: Node, params: list[object], table: str) -> str:
        """An SQL condition on a row of `table` ("articles" or "search_fts") that holds
        for the articles `node` matches."""
        # `+`: never a constraint passed to FTS5 (one MATCH per rowid would be slow).
        rowid = f"+{table}.rowid"
        expression = _fts(node)
        if expression is not None:
            params.append(expression)
            return f"{rowid} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)"
        if isinstance(node, And | Or):
            # Children FTS5 can answer together go in one MATCH.
            joiner = " AND " if isinstance(node, And) else " OR "
            together = [
                child
                for child in node.nodes
                if not isinstance(child, Not) and _fts(child) is not None
            ]
            parts: list[str] = []
            if len(together) > 1:
                params.append(joiner.join(f"({_fts(child)})" for child in together))
                parts.append(f"{rowid} IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)")
                rest = [child for child in node.nodes if child not in together]
            else:
                rest = list(node.nodes)
            parts.extend(self._predicate(child, params, table) for child in rest)
            return "(" + joiner.join(parts) + ")" if parts else "1"
        if isinstance(node, Not):
            return f"NOT {self._predicate(node.node, params, table)}"
        if isinstance(node, DateFilter):
            # Undated articles (day NULL) never match, so `NOT` of this includes them.
            bounds = ["day IS NOT NULL"]
            if node.kind in ("after", "on"):
                bounds.append("day >= ?")
                params.append(node.start.toordinal())
            if node.kind in ("before", "on"):
                bounds.append("day <= ?")
                params.append(node.end.toordinal())
            condition = " AND ".join(bounds)
            if table == "articles":
                return f"({condition})"
            return f"{rowid} IN (SELECT rowid FROM articles WHERE {condition})"
        if isinstance(node, Flag):
            params.append(node.name)
            return f"{rowid} IN (SELECT rowid FROM temp.flagged WHERE name = ?)"
        if isinstance(node, Field):
            params.append(self._field_expression(node))
            return (
                f"{rowid} IN (SELECT rowid >> {FIELD_SHIFT} FROM field_fts WHERE field_fts MATCH ?)"
            )
        raise AssertionError(f"unexpected query node {node!r}")  # pragma: no cover

    def _field_expression(self, field: Field) -> str:
        if field.name == "area":
            key = AREA_KEY
        elif field.name == "url":
            key = URL_KEY
        else:
            key_id = self._key_ids.get(field.name)
            if key_id is None:  # a key no article has (any more): matches nothing
                return 'key : "-"'
            key = key_token(key_id)
        return f'key : "{key}" AND value : {_phrase(field.match)}'

    def _mark_flags(
        self, connection: sqlite3.Connection, flags: set[str], flag_test: FlagTest
    ) -> None:
        connection.execute(
            "CREATE TEMP TABLE IF NOT EXISTS flagged(name TEXT, rowid INTEGER, "
            "PRIMARY KEY(name, rowid)) WITHOUT ROWID"
        )
        connection.execute("DELETE FROM temp.flagged")
        if len(self._summaries) == len(self._newest):
            ids = [(rowid, summary.id) for rowid, summary in self._summaries.items()]
        else:
            ids = connection.execute("SELECT rowid, id FROM articles").fetchall()
        connection.executemany(
            "INSERT INTO temp.flagged(name, rowid) VALUES (?, ?)",
            (
                (name, rowid)
                for name in sorted(flags)
                for rowid, article_id in ids
                if flag_test(article_id, name)
            ),
        )

    # -- ordering ----------------------------------------------------------------------------

    def _order(self, connection: sqlite3.Connection, order: str) -> list[int]:
        """Every rowid in `order` (reader.ordering.sort_articles's order)."""
        ordered = self._orders.get(order)
        if ordered is None:
            self._load_summaries(connection, [(rowid,) for rowid in self._newest])
            rowid_of = {id(summary): rowid for rowid, summary in self._summaries.items()}
            # sort_articles reads only id, title, area and published, which a summary has.
            summaries = cast(list[Article], list(self._summaries.values()))
            ordered = [rowid_of[id(summary)] for summary in sort_articles(summaries, order)]
            self._orders[order] = ordered
        return ordered

    def _position(self, connection: sqlite3.Connection, order: str) -> dict[int, int]:
        position = self._positions.get(order)
        if position is None:
            ordered = self._order(connection, order)
            position = self._positions[order] = {rowid: i for i, rowid in enumerate(ordered)}
        return position

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


# SQLite asks whether to go on every this many virtual machine steps (about 0.1 ms).
STOP_CHECK_STEPS = 10_000


@contextmanager
def _stoppable(
    connection: sqlite3.Connection, should_stop: Callable[[], bool] | None
) -> Iterator[None]:
    """Statements run inside are abandoned (SearchStopped) once `should_stop()` is true:
    a search a newer one has replaced must not keep the engine (ranking every match of a
    common word at 100,000 articles takes a few hundred ms)."""
    if should_stop is None:
        yield
        return
    connection.set_progress_handler(lambda: 1 if should_stop() else 0, STOP_CHECK_STEPS)
    try:
        yield
    except sqlite3.OperationalError as error:
        if should_stop():
            raise SearchStopped from error
        raise
    finally:
        connection.set_progress_handler(None, 0)


@contextmanager
def _fts5_errors_as_query_errors() -> Iterator[None]:
    """The parser bounds queries well within what FTS5 takes; should a query still be too
    much for it ("fts5: parser stack overflow"), that is the query's fault: a QueryError
    the caller shows, never an error that ends the reader."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if not str(error).startswith("fts5:"):
            raise
        raise QueryError(
            f"the query is too complex for the index ({error})",
            0,
            "use fewer parentheses, - signs and ORs",
        ) from error


def _count(connection: sqlite3.Connection, sql: str, params: list[object]) -> int:
    return int(connection.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])


def _generation(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT value FROM info WHERE key = 'generation'").fetchone()
    return int(row[0]) if row is not None else 0


def _phrase(leaf: Term | Phrase | Field) -> str:
    """A leaf as an FTS5 phrase: folded tokens in quotes (they never hold a quote)."""
    if isinstance(leaf, Field):
        return f"{_COLUMNS[leaf.name]} : {_phrase(leaf.match)}"
    words = (leaf.word,) if isinstance(leaf, Term) else leaf.words
    return '"' + " ".join(words) + '"' + (" *" if leaf.prefix else "")


def _is_phrase(node: Node) -> bool:
    """A leaf that is one phrase of search_fts."""
    return isinstance(node, Term | Phrase) or (isinstance(node, Field) and node.name in _COLUMNS)


def _fts(node: Node) -> str | None:
    """`node` as one FTS5 expression over search_fts, or None when it cannot be one."""
    if _is_phrase(node):
        return _phrase(cast(Term | Phrase | Field, node))
    if isinstance(node, Or):
        parts = [_fts(child) for child in node.nodes]
        if not parts or None in parts:
            return None
        return " OR ".join(f"({part})" for part in parts)
    if isinstance(node, And):
        positives = [child for child in node.nodes if not isinstance(child, Not)]
        negatives = [child.node for child in node.nodes if isinstance(child, Not)]
        included = [_fts(child) for child in positives]
        excluded = [_fts(child) for child in negatives]
        if not included or None in included or None in excluded:
            return None
        expression = " AND ".join(f"({part})" for part in included)
        for part in excluded:
            expression = f"({expression}) NOT ({part})"
        return expression
    return None


def _is_phrase_or_any(node: Node) -> bool:
    return _is_phrase(node) or (
        isinstance(node, Or) and all(_is_phrase(child) for child in node.nodes)
    )


def _rank_by_match(node: Node) -> tuple[str, list[Node]] | None:
    """(expression, filters) when bm25() over MATCH expression, among the articles the
    filters also match, ranks exactly `node`'s matches; else None.

    So it is when `node` is an AND (or a single item) of phrases and ORs of phrases, with
    negations of those (the expression), and of other items without ranked leaves (the
    filters: dates, `area:`, metadata fields…). bm25() counts every phrase of such an
    expression that occurs in a matching row, and only those: a negated phrase never
    occurs in a match, so it adds 0. Under an OR, though, an AND that fails in a row hides
    its phrases' hits, which this rules out.
    """
    items = node.nodes if isinstance(node, And) else (node,)
    included: list[Node] = []
    excluded: list[Node] = []
    filters: list[Node] = []
    for item in items:
        if isinstance(item, Not) and _is_phrase_or_any(item.node):
            excluded.append(item.node)
        elif _is_phrase_or_any(item):
            included.append(item)
        elif not ranked_leaves(item):
            filters.append(item)
        else:
            return None
    if not included:
        return None
    expression = _fts(And((*included, *(Not(item) for item in excluded))))
    assert expression is not None
    return expression, filters


def _needs_a_ranked_leaf(node: Node) -> bool:
    """Whether every article `node` matches contains one of its ranked leaves."""
    if _is_phrase(node):
        return True
    if isinstance(node, And):
        return any(_needs_a_ranked_leaf(child) for child in node.nodes)
    if isinstance(node, Or):
        return all(_needs_a_ranked_leaf(child) for child in node.nodes)
    return False
