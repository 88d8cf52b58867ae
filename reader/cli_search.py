"""`reader search --json`'s output: each result's JSON with its snippets, a batch at a
time, made in worker processes (both cores) when there are many results.

Kept apart from reader.cli, which parses and dispatches; this module imports no Textual.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence

from reader.articles import ArticleStore
from reader.cli_common import PRINT_BATCH
from reader.index import ArticleSource
from reader.model import Article, article_to_dict
from reader.search import Node, snippets

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

    def here(batch: Sequence[str]) -> str:
        return _results_json(store.articles(batch), scores, query, ensure_ascii)

    source = store.source()
    worker_count = os.cpu_count() or 1
    if source is None or len(ids) < PARALLEL_RESULTS or worker_count <= 1:
        for batch in batches:
            yield here(batch)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # "spawn", as the index's sync does: no state of this process is copied.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=worker_count, mp_context=context) as pool:
        # A few batches in flight: the output streams in order, and a slow reader of it
        # (`| less`) does not make every result wait in memory.
        pending: list[tuple[Sequence[str], Future[str]]] = []

        def result(batch: Sequence[str], future: Future[str]) -> str:
            try:
                return future.result()
            except Exception:
                # A worker that could not read the index (damaged, locked, gone) or
                # died: this process reads the batch, repairing the index as it does.
                return here(batch)

        try:
            for batch in batches:
                wanted = {file_id: scores[file_id] for file_id in batch}
                future = pool.submit(_source_json, source, batch, wanted, query, ensure_ascii)
                pending.append((batch, future))
                if len(pending) >= worker_count * 2:
                    yield result(*pending.pop(0))
            for batch, future in pending:
                yield result(batch, future)
        finally:
            for _batch, future in pending:
                future.cancel()


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
    return ",\n".join(
        json.dumps(
            {
                **article_to_dict(article),
                "score": scores[article.id],
                "snippets": snippets(article, query),
            },
            ensure_ascii=ensure_ascii,
        )
        for article in articles
    )
