"""`reader search --json`'s output: each result's JSON with its snippets, a batch at a
time, made in worker processes (both cores) when there are many results; and
`reader list --json`'s, each article's JSON, made the same way.

Kept apart from reader.cli, which parses and dispatches; this module imports no Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import chain
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import TYPE_CHECKING, Any

from reader.articles import ArticleStore
from reader.cli_common import (
    PRINT_BATCH,
    format_line,
    format_row,
    marks_test,
    open_folder_as_indexed,
    read_query,
    refresh_folder,
)
from reader.index import ArticleSource, FoundIds, SearchEngine
from reader.index.sync import in_order, worker_pool
from reader.loading.discover import is_mdx
from reader.loading.folder_scan import PendingScan, started_walk
from reader.loading.walk import cores_free, walk_apart
from reader.model import Article, ArticleJson, JsonText, article_json
from reader.search import Node, snippets
from reader.search.snippets import text_snippets

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from reader.index.rows import PrintedArticle

Searched = tuple[SearchEngine, Node, FoundIds]


def search_fresh(
    args: argparse.Namespace, *, opened: Callable[[ArticleStore], object] | None = None
) -> tuple[ArticleStore, Node, FoundIds]:
    """`reader search`'s query answered on the folder as it is now: its store (brought up
    to date), the query, and the results (ids and scores). `opened(store)` is called
    once the store is open, before the rest.

    A big folder is walked in helper processes (reader.loading.walk) while this
    one searches the index as it was, then walks the parts they have not taken yet; the
    search is made again only when the walk found a change, or the index was written
    meanwhile (by another reader of the folder), so the answer is the one a search after
    the walk gives."""
    store = open_folder_as_indexed(args)
    if opened is not None:
        opened(store)
    source = store.source()
    scan: PendingScan | None = None
    try:
        # Begun before this command's imports (reader.launch), if it is this folder's.
        scan = started_walk(None if source is None else source.database)
        # (Not an archive: its members are listed from the index while it is unchanged.)
        apart = store.root.is_dir() and walk_apart(store.article_count())
        if scan is None and source is not None and apart:
            generation = store.index_generation()
            scan = PendingScan(store.root, index_generation=generation, database=source.database)
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
    results = searcher.search_ids(
        query, order=args.sort, fallback_order=fallback, limit=args.limit, flag_test=test
    )
    return searcher, query, results


# From this many results on, `search --json` reads the articles and makes their snippets
# in worker processes (both cores): starting them costs about 0.3 s, more than they
# save on 7,000 results on a busy machine.
PARALLEL_RESULTS = 10_000


class JsonWorkers:
    """The worker processes of `search --json` (reader.index.sync.worker_pool), started
    when first wanted, or as soon as the folder is open when its results may be many
    (start_for): their start (0.3 s, most of it importing reader) then overlaps bringing
    the folder up to date and searching it. Closed at the end of the command."""

    def __init__(self) -> None:
        self.count = os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None
        self._stack = contextlib.ExitStack()

    def start_for(self, store: ArticleStore, limit: int | None) -> None:
        """Start the workers now if `store` has PARALLEL_RESULTS articles or more, a
        worker can read its index, the command may print as many (`limit`), and the
        machine has a core free: with none, their start overlaps nothing, and is
        wasted where the results turn out few."""
        many = limit is None or limit >= PARALLEL_RESULTS
        readable = self.count > 1 and store.source() is not None
        if many and readable and store.article_count() >= PARALLEL_RESULTS and cores_free():
            self.pool()

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = self._stack.enter_context(worker_pool(self.count))
            # A task each makes each process start (and import this module) now.
            for _worker in range(self.count):
                self._pool.submit(_started)
        return self._pool

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> JsonWorkers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _started() -> None:
    """A worker's first task: nothing, but that it has started."""


def search_json(
    store: ArticleStore,
    ids: Sequence[str],
    scores: dict[str, float | None],
    query: Node,
    *,
    ensure_ascii: bool,
    workers: JsonWorkers | None = None,
) -> Iterator[str]:
    """The JSON of each result in order, several joined by ",\\n" to a block: a batch
    at a time, in worker processes (`workers`, else some started here) when there are
    many results and they can read the index (it is not in memory)."""
    made = _made(store, ids, _SearchJson(ensure_ascii, scores, query), workers)
    return (block for block, _count in made)


def list_json(
    store: ArticleStore,
    ids: Sequence[str],
    *,
    ensure_ascii: bool,
    workers: JsonWorkers | None = None,
) -> Iterator[str]:
    """search_json for `reader list --json`: each article's JSON, with no score or
    snippets (article_json's), made the same way."""
    return (block for block, _count in _made(store, ids, _ListJson(ensure_ascii), workers))


def search_lines(
    store: ArticleStore, ids: Sequence[str], query: Node, workers: JsonWorkers | None = None
) -> Iterator[tuple[str, int]]:
    """`reader search`'s lines for the results `ids`, in order: each result's list line
    (reader.cli_common.format_row) and its first snippet, indented; made as
    search_json's, a block of lines and the count of results in it at a time."""
    return _made(store, ids, _SearchLines(query), workers)


class _Output:
    """What a batch of results is printed as, made from the index's printed columns (in
    a worker process, or here) or from whole Articles (an index in memory, or a batch a
    worker could not make): the same text either way, and the count of results in it."""

    def for_batch(self, _ids: Sequence[str]) -> _Output:
        """What a worker making the batch `_ids` is sent of this."""
        return self

    def from_printed(self, printed: list[PrintedArticle]) -> str:
        raise NotImplementedError

    def from_articles(self, articles: list[Article]) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class _ListJson(_Output):
    """`list --json`: each article's JSON object, joined by ",\\n"."""

    ensure_ascii: bool

    def from_printed(self, printed: list[PrintedArticle]) -> str:
        encode = _LIST_ENCODERS[self.ensure_ascii]
        return ",\n".join([encode(article.json) for article in printed])

    def from_articles(self, articles: list[Article]) -> str:
        encode = _LIST_ENCODERS[self.ensure_ascii]
        return ",\n".join([encode(article_json(article)) for article in articles])


@dataclass(frozen=True)
class _SearchJson(_Output):
    """`search --json`: each result's JSON object with its score and snippets."""

    ensure_ascii: bool
    scores: dict[str, float | None]
    query: Node

    def for_batch(self, ids: Sequence[str]) -> _Output:
        # Only the batch's scores: the rest would be pickled with every batch.
        scores = {file_id: self.scores[file_id] for file_id in ids}
        return _SearchJson(self.ensure_ascii, scores, self.query)

    def from_printed(self, printed: list[PrintedArticle]) -> str:
        encode = _SEARCH_ENCODERS[self.ensure_ascii]
        scores = self.scores
        return ",\n".join(
            [
                encode(
                    (*article.json, scores[article.json.id], _printed_snippets(article, self.query))
                )
                for article in printed
            ]
        )

    def from_articles(self, articles: list[Article]) -> str:
        encode = _SEARCH_ENCODERS[self.ensure_ascii]
        return ",\n".join(
            [
                encode(
                    (*article_json(article), self.scores[article.id], snippets(article, self.query))
                )
                for article in articles
            ]
        )


@dataclass(frozen=True)
class _SearchLines(_Output):
    """`search`'s lines: each result's list line, then its first snippet (if any)."""

    query: Node

    def from_printed(self, printed: list[PrintedArticle]) -> str:
        return "".join(
            _result_lines(
                format_line(
                    datetime.fromisoformat(article.json.published)
                    if article.json.published
                    else None,
                    article.json.area,
                    article.json.title,
                    article.json.id,
                ),
                _printed_snippets(article, self.query, limit=1),
            )
            for article in printed
        )

    def from_articles(self, articles: list[Article]) -> str:
        return "".join(
            _result_lines(format_row(article), snippets(article, self.query, limit=1))
            for article in articles
        )


def _result_lines(row: str, found: list[str]) -> str:
    return row + "\n" + "".join(f"    {snippet}\n" for snippet in found)


def _printed_snippets(article: PrintedArticle, query: Node, limit: int = 3) -> list[str]:
    """snippets() of the article `article` is read from."""
    return text_snippets(
        article.body,
        query,
        mdx=is_mdx(article.json.path),
        title=article.json.title,
        metadata=partial(json.loads, article.metadata),
        limit=limit,
    )


def _made(
    store: ArticleStore, ids: Sequence[str], output: _Output, workers: JsonWorkers | None
) -> Iterator[tuple[str, int]]:
    """`output`'s text of the results `ids`, in order, a batch at a time: (the text, how
    many results it holds)."""
    batches = [ids[start : start + PRINT_BATCH] for start in range(0, len(ids), PRINT_BATCH)]
    # What a batch makes is acyclic, freed as it is printed: the collector's passes over
    # the results and the rest of this process (23% of the time) are not needed.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with contextlib.ExitStack() as stack:
            if workers is None:
                workers = stack.enter_context(JsonWorkers())
            yield from _batches_made(store, batches, output, workers)
    finally:
        if collecting:
            gc.enable()


def _batches_made(
    store: ArticleStore, batches: list[Sequence[str]], output: _Output, workers: JsonWorkers
) -> Iterator[tuple[str, int]]:
    def here(batch: Sequence[str]) -> tuple[str, int]:
        articles = store.articles(batch)
        return output.from_articles(articles), len(articles)

    source = store.source()
    if source is None:  # an index in memory: only this process reads it
        for batch in batches:
            yield here(batch)
        return

    def made_here(batch: Sequence[str]) -> tuple[str, int]:
        try:
            return _source_made(source, batch, output)
        except Exception:
            return here(batch)  # as a worker's trouble is met, below

    ids_count = sum(map(len, batches))
    if ids_count < PARALLEL_RESULTS or workers.count <= 1:
        for batch in batches:
            yield made_here(batch)
        return
    # The output streams in order, and a slow reader of it (`| less`) does not make
    # every result wait in memory. The first batch is made here while the workers start
    # (0.3-0.6 s), so the first lines come as soon as without them.
    first, rest = batches[0], batches[1:]
    calls = ((source, batch, output.for_batch(batch)) for batch in rest)
    pool = workers.pool()
    from concurrent.futures.process import BrokenProcessPool  # imported by the pool

    ordered = in_order(pool, workers.count, _source_made, calls)
    done = -1  # how many of `rest` are given (-1: not even `first`)
    try:
        following = next(ordered, None)  # handed to the workers before the first is made
        yield made_here(first)
        done = 0
        for (_source, batch, _output), future in chain(
            [following] if following is not None else [], ordered
        ):
            try:
                made = future.result()
            except Exception:
                # A worker that could not read the index (damaged, locked, gone) or died:
                # this process reads the batch, repairing the index as it does.
                made = here(batch)
            yield made
            done += 1
    except BrokenProcessPool:
        # A worker died (killed, out of memory): the pool takes no more batches, and
        # this process makes the rest.
        for batch in batches[done + 1 :]:
            yield made_here(batch)
    finally:
        ordered.close()


def _source_made(source: ArticleSource, ids: Sequence[str], output: _Output) -> tuple[str, int]:
    """`output`'s text of the articles `ids`, read from `source` (in a worker process,
    or in this one), made from the columns printed (reader.index.rows.PrintedArticle):
    reading whole Articles cost a third more; and how many there are."""
    printed = source.printed(ids)
    return output.from_printed(printed), len(printed)


# json.dumps's encoders, made once: json.dumps given an option makes one each call.
_ENCODERS = {flag: json.JSONEncoder(ensure_ascii=flag).encode for flag in (False, True)}


class ObjectJson:
    """json.dumps (with `ensure_ascii`) of the object of `keys` holding `values` in turn,
    made of pieces: each key encoded once, each string value by json's own (C) string
    encoder, a list's JSON as the index keeps it (model.JsonText) as it is, the rest as
    the encoder writes them. The general encoder over a dict
    (JSONEncoder.encode makes its C encoder anew at each call, and a dict for it) cost
    twice as much: 70,000 results of `search --json`, 1.8 KB of JSON each."""

    __slots__ = ("_encode", "_ensure_ascii", "_heads", "_string")

    def __init__(self, keys: Sequence[str], ensure_ascii: bool) -> None:
        self._string = encode_basestring_ascii if ensure_ascii else encode_basestring
        self._encode = _ENCODERS[ensure_ascii]
        self._ensure_ascii = ensure_ascii
        self._heads = tuple(
            ("{" if index == 0 else ", ") + self._string(key) + ": "
            for index, key in enumerate(keys)
        )

    def __call__(self, values: Sequence[Any]) -> str:
        string = self._string
        parts = []
        for head, value in zip(self._heads, values, strict=True):
            parts.append(head)
            kind = value.__class__
            if kind is str:
                parts.append(string(value))
            elif value is None:
                parts.append("null")
            elif kind is int:
                parts.append(int.__repr__(value))
            elif kind is float and value - value == 0:  # finite
                parts.append(float.__repr__(value))
            elif kind is JsonText:
                parts.append(value if self._as_written(value) else self._encode(json.loads(value)))
            elif kind is list and all(item.__class__ is str for item in value):
                parts.append("[" + ", ".join(map(string, value)) + "]")
            else:  # NaN, infinities, anything else
                parts.append(self._encode(value))
        parts.append("}")
        return "".join(parts)

    def _as_written(self, text: JsonText) -> bool:
        """Whether `text` (json.dumps(value, ensure_ascii=False)) is this encoder's JSON
        of its value: always, unless this one writes ASCII only, which escapes other
        characters and DEL (the same escapes otherwise)."""
        return not self._ensure_ascii or (text.isascii() and "\x7f" not in text)


_LIST_ENCODERS = {flag: ObjectJson(ArticleJson._fields, flag) for flag in (False, True)}
_SEARCH_ENCODERS = {
    flag: ObjectJson((*ArticleJson._fields, "score", "snippets"), flag) for flag in (False, True)
}
