"""The query engine over the persistent index: the same answers as reader.search's
in-memory SearchEngine, from SQLite.

A query tree becomes one or two SQL statements:

- Word, phrase, `title:`, `body:` and `initiative:` leaves, and every AND / OR / NOT made
  only of them, become one FTS5 MATCH expression over `search_fts` (see reader.index.rows
  for what its columns hold). FTS5 has no NOT on its own, so a group of only negations is
  an SQL NOT instead.
- `area:`, `url:` and metadata fields are MATCHes over `field_fts`, one row per value;
  dates are a range of `articles.day`; `is:` states are rowids the caller's flag test
  picked, in a temporary table. These combine with SQL AND / OR / NOT over rowids.
- Ranking is SQLite's bm25() over the ranked leaves (see reader.search.engine for the
  formula, which the in-memory engine computes the same way). bm25() adds up, for each
  phrase of the MATCH expression, its hits in the row: the hits of a phrase whose branch
  of the expression did not match are not counted. When the query is an AND of words,
  phrases, ORs of them and negations of those, every phrase that occurs in a matching
  article is counted, so the query's own MATCH ranks it. Otherwise the ranked leaves are
  MATCHed as a flat OR (which counts every one that occurs), restricted to the articles
  the whole query matches.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from reader.index.db import connect
from reader.index.rows import AREA_KEY, FIELD_SHIFT, URL_KEY, key_token
from reader.library import SORT_ORDERS, sort_articles
from reader.model import Article, ArticleSummary
from reader.search.engine import (
    BODY_WEIGHT,
    INITIATIVE_WEIGHT,
    METADATA_WEIGHT,
    RELEVANCE,
    SEARCH_ORDERS,
    TITLE_WEIGHT,
    FlagTest,
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
    Term,
    flags_of,
    parse_query,
    ranked_leaves,
)

IndexResult = tuple[ArticleSummary, float | None]

# Column weights for bm25(), in the order of reader.index.rows.SEARCH_COLUMNS.
_WEIGHTS = (TITLE_WEIGHT, BODY_WEIGHT, INITIATIVE_WEIGHT, METADATA_WEIGHT)
_BM25 = f"bm25(search_fts, {', '.join(repr(weight) for weight in _WEIGHTS)})"
_COLUMNS = {"title": "title", "body": "body", "initiative": "initiatives"}


class IndexSearchEngine:
    """Searches the articles of an index as they were when the engine was made.

    Make a new one after a sync (ArticleIndex.engine() does). Thread-safe: each thread
    searches on its own database connection.
    """

    def __init__(
        self, database: Path, rows: Sequence[tuple[int, ArticleSummary]], key_ids: dict[str, int]
    ) -> None:
        self._database = database
        # rowid -> summary, and rowids newest first (ties in relevance go to the newest).
        self._summaries = dict(rows)
        self._newest = [rowid for rowid, _summary in rows]
        self._positions: dict[str, dict[int, int]] = {
            "newest": {rowid: position for position, rowid in enumerate(self._newest)}
        }
        self._orders: dict[str, list[int]] = {"newest": self._newest}
        self._key_ids = key_ids
        self.metadata_keys: frozenset[str] = frozenset(key_ids)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._summaries)

    def parse(
        self, text: str, *, prefix_last: bool = False, flags: Sequence[str] = DEFAULT_FLAGS
    ) -> Node:
        """`parse_query` with this index's metadata keys; raises QueryError."""
        return parse_query(
            text, metadata_keys=self.metadata_keys, flags=flags, prefix_last=prefix_last
        )

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()

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
    ) -> list[IndexResult]:
        """(summary, score) for the articles matching `query`, best first.

        The same results as reader.search.SearchEngine.search over the same articles:
        `order` is "relevance" (BM25 when the query has words, else `fallback_order`) or
        one of reader.library.SORT_ORDERS; scores are given whenever the query has words.
        `flag_test(article_id, name)` answers `is:` states. `limit` keeps the first N. A
        string query is parsed first (raising QueryError).
        """
        if order not in SEARCH_ORDERS or fallback_order not in SORT_ORDERS:
            raise ValueError(f"unknown order {order!r}; choose one of {', '.join(SEARCH_ORDERS)}")
        node = self.parse(query, prefix_last=prefix_last) if isinstance(query, str) else query
        flags = flags_of(node)
        if flag_test is None and flags:
            raise ValueError("the query uses is: states but no flag_test was given")
        leaves = ranked_leaves(node)
        if node == MATCH_ALL:
            matched: Iterable[int] = self._newest
            scores: dict[int, float] | None = None
        else:
            with self._reading() as connection:
                if flags:
                    assert flag_test is not None
                    self._mark_flags(connection, flags, flag_test)
                matched, scores = self._run(connection, node, leaves)
        if order == RELEVANCE and scores is not None:
            ranked = self._by_relevance(scores)
        else:
            if order == RELEVANCE:
                order = fallback_order
            ranked = self._in_order(matched, order)
        if limit is not None:
            ranked = ranked[:limit]
        summaries = self._summaries
        if scores is None:
            return [(summaries[rowid], None) for rowid in ranked]
        # bm25() gives the score negated (so that ascending is best first).
        return [(summaries[rowid], -scores[rowid]) for rowid in ranked]

    def _run(
        self, connection: sqlite3.Connection, node: Node, leaves: list[Term | Phrase | Field]
    ) -> tuple[Iterable[int], dict[int, float] | None]:
        """The matched rowids and, when the query has words, their negated scores."""
        known = self._summaries
        if not leaves:
            expression = _fts(node)
            if expression is not None:
                sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH ?"
                params: list[object] = [expression]
            else:
                params = []
                sql = f"SELECT rowid FROM articles WHERE {self._predicate(node, params)}"
            return [row[0] for row in connection.execute(sql, params) if row[0] in known], None
        if _ranks_itself(node):
            expression = _fts(node)
            assert expression is not None
            rows = connection.execute(
                f"SELECT rowid, {_BM25} FROM search_fts WHERE search_fts MATCH ?", (expression,)
            )
            scores = {rowid: score for rowid, score in rows if rowid in known}
            return scores, scores
        params = [" OR ".join(f"({_phrase(leaf)})" for leaf in leaves)]
        predicate = self._predicate(node, params)
        rows = connection.execute(
            f"SELECT rowid, {_BM25} FROM search_fts WHERE search_fts MATCH ? AND {predicate}",
            params,
        )
        scores = {rowid: score for rowid, score in rows if rowid in known}
        if not _needs_a_ranked_leaf(node):
            # Some articles may match without any ranked word: they score 0.
            params = []
            sql = f"SELECT rowid FROM articles WHERE {self._predicate(node, params)}"
            for (rowid,) in connection.execute(sql, params):
                if rowid in known:
                    scores.setdefault(rowid, 0.0)
        return scores, scores

    def _predicate(self, node: Node, params: list[object]) -> str:
        """An SQL condition on `rowid` that holds for the articles `node` matches."""
        expression = _fts(node)
        if expression is not None:
            params.append(expression)
            return "+rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)"
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
                parts.append("+rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)")
                rest = [child for child in node.nodes if child not in together]
            else:
                rest = list(node.nodes)
            parts.extend(self._predicate(child, params) for child in rest)
            return "(" + joiner.join(parts) + ")" if parts else "1"
        if isinstance(node, Not):
            return f"NOT {self._predicate(node.node, params)}"
        if isinstance(node, DateFilter):
            first = node.start.toordinal() if node.kind in ("after", "on") else None
            last = node.end.toordinal() if node.kind in ("before", "on") else None
            bounds = []
            if first is not None:
                bounds.append("day >= ?")
                params.append(first)
            if last is not None:
                bounds.append("day <= ?")
                params.append(last)
            return f"+rowid IN (SELECT rowid FROM articles WHERE {' AND '.join(bounds)})"
        if isinstance(node, Flag):
            params.append(node.name)
            return "+rowid IN (SELECT rowid FROM temp.flagged WHERE name = ?)"
        if isinstance(node, Field):
            params.append(self._field_expression(node))
            return (
                f"+rowid IN (SELECT rowid >> {FIELD_SHIFT} FROM field_fts WHERE field_fts MATCH ?)"
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
        summaries = self._summaries
        connection.executemany(
            "INSERT INTO temp.flagged(name, rowid) VALUES (?, ?)",
            (
                (name, rowid)
                for name in sorted(flags)
                for rowid, summary in summaries.items()
                if flag_test(summary.id, name)
            ),
        )

    # -- ordering ----------------------------------------------------------------------------

    def _by_relevance(self, scores: dict[int, float]) -> list[int]:
        """Rowids by score (negated, so ascending), ties newest first then by id."""
        if len(scores) * 8 > len(self._newest):
            # Many results: take them newest first, then a stable sort on the score alone
            # keeps ties in that order (much quicker than sorting on a pair).
            ordered = [rowid for rowid in self._newest if rowid in scores]
            ordered.sort(key=scores.__getitem__)
            return ordered
        position = self._positions["newest"]
        return sorted(scores, key=lambda rowid: (scores[rowid], position[rowid]))

    def _in_order(self, matched: Iterable[int], order: str) -> list[int]:
        if matched is self._newest:  # everything
            return list(self._order(order))
        chosen = matched if isinstance(matched, set | dict) else set(matched)
        if len(chosen) * 8 > len(self._newest):
            return [rowid for rowid in self._order(order) if rowid in chosen]
        position = self._position(order)
        return sorted(chosen, key=position.__getitem__)

    def _order(self, order: str) -> list[int]:
        """Every rowid in `order` (reader.library.sort_articles's order)."""
        with self._lock:
            ordered = self._orders.get(order)
        if ordered is None:
            rowid_of = {id(summary): rowid for rowid, summary in self._summaries.items()}
            # sort_articles reads only id, title, area and published, which a summary has.
            summaries = cast(list[Article], list(self._summaries.values()))
            ordered = [rowid_of[id(summary)] for summary in sort_articles(summaries, order)]
            with self._lock:
                self._orders[order] = ordered
        return ordered

    def _position(self, order: str) -> dict[int, int]:
        with self._lock:
            position = self._positions.get(order)
        if position is None:
            position = {rowid: index for index, rowid in enumerate(self._order(order))}
            with self._lock:
                self._positions[order] = position
        return position

    # -- connections -------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, inside one read transaction (one consistent view)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = connect(self._database)
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")


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


def _ranks_itself(node: Node) -> bool:
    """Whether bm25() over `node`'s own MATCH counts every ranked leaf present in each
    matching article, and nothing else: `node` is an AND (or a single item) of phrases
    and ORs of phrases, with negations of those. A negated phrase never occurs in a
    match, so it adds 0; under an OR, an AND that fails in a row hides its phrases."""
    items = node.nodes if isinstance(node, And) else (node,)
    has_positive = False
    for item in items:
        if isinstance(item, Not):
            if not _is_phrase_or_any(item.node):
                return False
        elif _is_phrase_or_any(item):
            has_positive = True
        else:
            return False
    return has_positive


def _needs_a_ranked_leaf(node: Node) -> bool:
    """Whether every article `node` matches contains one of its ranked leaves."""
    if _is_phrase(node):
        return True
    if isinstance(node, And):
        return any(_needs_a_ranked_leaf(child) for child in node.nodes)
    if isinstance(node, Or):
        return all(_needs_a_ranked_leaf(child) for child in node.nodes)
    return False
