"""`reader search --json`'s output: each result's JSON with its snippets, a batch at a
time, made in worker processes (both cores) when there are many results.

Kept apart from reader.cli, which parses and dispatches; this module imports no Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
from collections.abc import Iterable, Iterator, Sequence

from reader.articles import ArticleStore
from reader.cli_common import (
    PRINT_BATCH,
    marks_test,
    open_folder_as_indexed,
    read_query,
    refresh_folder,
)
from reader.index import ArticleSource, SearchEngine, SearchResults
from reader.index.sync import in_order, worker_pool
from reader.loading.folder_scan import (
    PendingScan,
    started_walk,
    walk_apart,
)
from reader.model import Article, article_to_dict
from reader.search import Node, snippets

Searched = tuple[SearchEngine, Node, SearchResults]


def search_fresh(args: argparse.Namespace) -> tuple[ArticleStore, Node, SearchResults]:
    """`reader search`'s query answered on the folder as it is now: its store (brought up
    to date), the query, and the results.

    A big folder is walked in helper processes (reader.loading.folder_scan) while this
    one searches the index as it was; the search is made again only when the walk found
    a change, or the index was written meanwhile (by another reader of the folder), so
    the answer is the one a search after the walk gives."""
    store = open_folder_as_indexed(args)
    source = store.source()
    # Begun before this command's imports (reader.launch), if it is this folder's.
    scan = started_walk(None if source is None else source.database)
    # (Not an archive: its members are listed from the index while it is unchanged.)
    apart = store.root.is_dir() and walk_apart(store.article_count())
    if scan is None and source is not None and apart:
        generation = store.index_generation()
        scan = PendingScan(store.root, index_generation=generation, database=source.database)
    try:
        early = None
        if scan is not None:
            # Any trouble (a bad query, a damaged index) is met again, and reported, by
            # the search after the refresh.
            with contextlib.suppress(Exception):
                early = _search(store, args)
        refresh_folder(store, scan)
    finally:
        if scan is not None:
            scan.close()
    if early is None or early[0] is not store.searcher() or not early[0].is_current():
        early = _search(store, args)
    _searcher, query, results = early
    return store, query, results


def _search(store: ArticleStore, args: argparse.Namespace) -> Searched:
    searcher = store.searcher()
    query, fallback = read_query(store, args.query, prefix_last=args.prefix)
    test = marks_test(store, query)
    results = searcher.search(
        query, order=args.sort, fallback_order=fallback, limit=args.limit, flag_test=test
    )
    return searcher, query, results


# From this many results on, `search --json` reads the articles and makes their snippets
# in worker processes (both cores): starting them costs about 0.3 s, more than they
# save on 7,000 results on a busy machine.
PARALLEL_RESULTS = 10_000


def search_json(
    store: ArticleStore,
    ids: Sequence[str],
    scores: dict[str, float | None],
    query: Node,
    *,
    ensure_ascii: bool,
) -> Iterator[str]:
    """The JSON of each result in order, several joined by ",\\n" to a block: a batch
    at a time, in worker processes when there are many results and they can read the
    index (it is not in memory)."""
    batches = [ids[start : start + PRINT_BATCH] for start in range(0, len(ids), PRINT_BATCH)]
    # What a batch makes is acyclic, freed as it is printed: the collector's passes over
    # the results and the rest of this process (23% of the time) are not needed.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield from _batches_json(store, batches, scores, query, ensure_ascii)
    finally:
        if collecting:
            gc.enable()


def _batches_json(
    store: ArticleStore,
    batches: list[Sequence[str]],
    scores: dict[str, float | None],
    query: Node,
    ensure_ascii: bool,
) -> Iterator[str]:
    def here(batch: Sequence[str]) -> str:
        return _results_json(store.articles(batch), scores, query, ensure_ascii)

    source = store.source()
    worker_count = os.cpu_count() or 1
    ids_count = sum(map(len, batches))
    if source is None or ids_count < PARALLEL_RESULTS or worker_count <= 1:
        for batch in batches:
            yield here(batch)
        return
    # The output streams in order, and a slow reader of it (`| less`) does not make
    # every result wait in memory.
    calls = (
        (source, batch, {file_id: scores[file_id] for file_id in batch}, query, ensure_ascii)
        for batch in batches
    )
    with worker_pool(worker_count) as pool:
        for (_source, batch, *_rest), future in in_order(pool, worker_count, _source_json, calls):
            try:
                yield future.result()
            except Exception:
                # A worker that could not read the index (damaged, locked, gone) or
                # died: this process reads the batch, repairing the index as it does.
                yield here(batch)


def _source_json(
    source: ArticleSource,
    ids: Sequence[str],
    scores: dict[str, float | None],
    query: Node,
    ensure_ascii: bool,
) -> str:
    """_results_json of `ids`, read from `source` (in a worker process)."""
    return _results_json(source.articles(ids), scores, query, ensure_ascii)


def _results_json(
    articles: Iterable[Article], scores: dict[str, float | None], query: Node, ensure_ascii: bool
) -> str:
    """One search result per article as `search --json` prints it, joined by ",\\n"."""
    encode = _ENCODERS[ensure_ascii]
    return ",\n".join(
        encode(
            {
                **article_to_dict(article),
                "score": scores[article.id],
                "snippets": snippets(article, query),
            }
        )
        for article in articles
    )


# json.dumps's encoders, made once: json.dumps given an option makes one each call.
_ENCODERS = {flag: json.JSONEncoder(ensure_ascii=flag).encode for flag in (False, True)}
