"""A folder's articles as the reader and the commands see them: the store they are read
from (an index of the folder), and what is counted over its list rows (facets, duplicate
URLs).

Both the TUI and the CLI go through an ArticleStore. `open_store(root)` uses the index in
the user cache dir (fast on large folders, cheap on memory: the list holds only summaries
and bodies are read when an article is opened); `use_cache=False` (`--no-cache`) makes a
temporary index instead, in a temporary folder removed at close; and an index that cannot
be made or written (a full disk) gives way to a temporary one in memory. It is the same
index whichever it is: the same rows, articles and search results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from reader.index import (
    ArticleIndex,
    ArticleSource,
    FacetValues,
    IndexFull,
    IndexUnavailable,
    SearchEngine,
    SyncReport,
)
from reader.index.sync import SummaryBatch
from reader.loading.folder_scan import PendingScan
from reader.model import Article, ListRow, LoadProblem

# What the notice of a fallback to memory ends with.
INTO_MEMORY = "reading the folder into memory instead"


def open_store(root: Path, *, use_cache: bool = True) -> ArticleStore:
    """The store for `root`. Raises FileNotFoundError if `root` does not exist."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {root}")
    if not use_cache:
        return ArticleStore(ArticleIndex.temporary(root))
    try:
        return ArticleStore(ArticleIndex.open(root))
    except IndexUnavailable as error:  # IndexFull too
        return ArticleStore(ArticleIndex.temporary(root, f"{error}; {INTO_MEMORY}", in_memory=True))


class ArticleStore:
    """A folder's articles from its index; for the rest of the session from a temporary
    index in memory once the cache cannot be written (a full disk)."""

    def __init__(self, index: ArticleIndex) -> None:
        self._index = index
        self.root = index.root
        # Indexes given up for one in memory: a search may still be running on them.
        self._retired: list[ArticleIndex] = []

    @property
    def notices(self) -> list[str]:
        """Things the user should be told once (a rebuilt cache, a fallback to memory…)."""
        return self._index.notices

    def refresh(
        self,
        on_batch: SummaryBatch | None = None,
        changed_paths: Collection[str] | None = None,
        scan: PendingScan | None = None,
    ) -> SyncReport:
        """Bring the store up to date with the folder; `changed_paths`, when file events
        named what changed, may spare it looking at every file, and `scan` (a walk of
        the folder begun in a helper process) walking it here. `on_batch(rows, done,
        total)` gets the new and changed rows as they are written."""
        try:
            return self._index.sync(on_batch=on_batch, changed_paths=changed_paths, scan=scan)
        except IndexFull as error:
            return self._into_memory(error, on_batch)

    def _into_memory(self, error: IndexFull, on_batch: SummaryBatch | None) -> SyncReport:
        """Read every file into an index in memory; the report compares it with what the
        cache had (nothing is lost: each article comes from its file again)."""
        indexed = self._index.file_states()
        memory = ArticleIndex.temporary(self.root, in_memory=True)
        memory.notices[:0] = [*self._index.notices, f"{error}; {INTO_MEMORY}"]
        filled = memory.sync(on_batch=on_batch)
        self._retired.append(self._index)
        self._index = memory
        report = SyncReport(removed=list(error.removed), problems=filled.problems)
        report.total_files = filled.total_files
        now = memory.file_states()
        for row in memory.summaries():
            before = indexed.pop(row.id, None)
            if before is None:
                report.added.append(row.id)
            elif before != now[row.id]:
                report.changed.append(row.id)
        report.removed += indexed  # what is left: gone, or no longer an article
        return report

    def rows(self) -> list[ListRow]:
        """Every article as a list row, newest first (then by id)."""
        return list(self._index.summaries())

    def index_generation(self) -> int:
        """The index's generation (it goes up with every write of its rows)."""
        return self._index.generation()

    def article_count(self) -> int:
        """How many articles the store has (as of its last refresh)."""
        return self._index.article_count()

    def first_rows(self, limit: int) -> list[ListRow]:
        """The first `limit` of `rows()`, read quicker than all of them."""
        return list(self._index.newest(limit))

    def problems(self) -> list[LoadProblem]:
        return self._index.problems()

    def article(self, article_id: str) -> Article | None:
        return self._index.article(article_id)

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """Full articles for `ids`, in that order; unknown ids are left out."""
        return self._index.articles(ids)

    def source(self) -> ArticleSource | None:
        """Where a worker process reads the articles; None when only this process can
        (an index in memory)."""
        return self._index.source()

    def initiatives(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The initiatives of each of `ids`, by id, without reading whole articles."""
        return self._index.initiatives(ids)

    def metadata(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The metadata block of each of `ids`, by id, without reading whole articles."""
        return self._index.metadata(ids)

    def warnings(self) -> list[tuple[str, tuple[str, ...]]]:
        """(id, warnings) of every article that loaded with warnings, by id."""
        return self._index.warnings()

    def searcher(self) -> SearchEngine:
        return self._index.engine()

    def facet_values(self, keys: tuple[str, ...]) -> FacetValues:
        """The values of the metadata keys `keys` (folded, dotted) of each article that
        has any, by id then key (reader.index.ArticleIndex.facet_values)."""
        return self._index.facet_values(keys)

    def close(self) -> None:
        for index in (*self._retired, self._index):
            index.close()


@dataclass(frozen=True, slots=True)
class Facets:
    """How many of some articles fall in each area and each year, most common first."""

    areas: list[tuple[str, int]]
    years: list[tuple[int, int]]


def facets(rows: Iterable[ListRow]) -> Facets:
    areas: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for row in rows:
        if row.area:
            areas[row.area] += 1
        if row.published:
            years[row.published.year] += 1
    return Facets(
        areas=sorted(areas.items(), key=lambda item: (-item[1], item[0].casefold())),
        years=sorted(years.items(), key=lambda item: -item[0]),
    )


RowT = TypeVar("RowT", bound=ListRow)


def duplicate_urls(rows: Sequence[RowT]) -> dict[str, list[RowT]]:
    """URLs shared by more than one article (or list row), with those sharing each."""
    by_url: dict[str, list[RowT]] = {}
    for row in rows:
        if row.url:
            by_url.setdefault(row.url, []).append(row)
    return {url: group for url, group in by_url.items() if len(group) > 1}


__all__ = ["ArticleStore", "Facets", "duplicate_urls", "facets", "open_store"]
