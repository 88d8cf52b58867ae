"""A folder's articles as the reader and the commands see them: the store they are read
from (the index), and what is counted over its list rows (facets, duplicate URLs).

Both the TUI and the CLI go through an ArticleStore. `open_store(root)` uses the index in
the user cache dir (fast on large folders, cheap on memory: the list holds only summaries
and bodies are read when an article is opened); `use_cache=False` (`--no-cache`), or an
index that cannot be made at all, loads every article into memory instead, and so does an
IndexedStore whose cache turns out not to fit on its disk. The two give the same rows,
articles and search results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from reader.index import ArticleIndex, IndexFull, IndexUnavailable
from reader.loading.folder import Library, load_library
from reader.model import Article, ArticleSummary, ListRow, LoadProblem
from reader.search import FlagTest, Node, SearchEngine
from reader.search.query import DEFAULT_FLAGS


class Searcher(Protocol):
    """reader.search.SearchEngine and reader.index.IndexSearchEngine alike."""

    @property
    def metadata_keys(self) -> frozenset[str]: ...

    def parse(
        self, text: str, *, prefix_last: bool = False, flags: Sequence[str] = DEFAULT_FLAGS
    ) -> Node: ...

    def search(
        self,
        query: Node | str,
        *,
        order: str = ...,
        fallback_order: str = ...,
        flag_test: FlagTest | None = None,
        limit: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Sequence[tuple[ListRow, float | None]]: ...


# (rows that are new or changed, files done, files to do)
RowBatch = Callable[[Sequence[ListRow], int, int], None]


@dataclass
class RefreshReport:
    """What a refresh found changed in the folder since the last one."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # False when the index was busy and some changes could not be written yet.
    complete: bool = True

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class ArticleStore(Protocol):
    root: Path
    # Things the user should be told once (a rebuilt cache, a fallback to memory...).
    notices: list[str]

    def refresh(
        self, on_batch: RowBatch | None = None, changed_paths: Collection[str] | None = None
    ) -> RefreshReport:
        """Bring the store up to date with the folder; `changed_paths`, when file events
        named what changed, may spare it looking at every file."""
        ...

    def rows(self) -> list[ListRow]:
        """Every article as a list row, newest first (then by id)."""
        ...

    def first_rows(self, limit: int) -> list[ListRow]:
        """The first `limit` of `rows()`, quicker than all of them when cached."""
        ...

    def problems(self) -> list[LoadProblem]: ...

    def article(self, article_id: str) -> Article | None: ...

    def articles(self, ids: Sequence[str]) -> list[Article]:
        """Full articles for `ids`, in that order; unknown ids are left out."""
        ...

    def initiatives(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The initiatives of each of `ids`, by id, without reading whole articles."""
        ...

    def warnings(self) -> list[tuple[str, tuple[str, ...]]]:
        """(id, warnings) of every article that loaded with warnings, by id."""
        ...

    def searcher(self) -> Searcher: ...

    def close(self) -> None: ...


def open_store(root: Path, *, use_cache: bool = True) -> ArticleStore:
    """The store for `root`. Raises FileNotFoundError if `root` does not exist."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {root}")
    if use_cache:
        try:
            return IndexedStore(ArticleIndex.open(root))
        except IndexUnavailable as error:
            store = MemoryStore(root)
            store.notices.append(f"{error}; reading the folder into memory instead")
            return store
    return MemoryStore(root)


class IndexedStore:
    """Articles from the persistent index (reader.index); from memory instead, for the
    rest of the session, once the index cannot be written (a full disk)."""

    def __init__(self, index: ArticleIndex) -> None:
        self._index = index
        self.root = index.root
        self.notices = index.notices
        self._memory: MemoryStore | None = None

    def refresh(
        self, on_batch: RowBatch | None = None, changed_paths: Collection[str] | None = None
    ) -> RefreshReport:
        if self._memory is not None:
            return self._memory.refresh(on_batch, changed_paths)

        def forward(summaries: list[ArticleSummary], done: int, total: int) -> None:
            if on_batch is not None:
                on_batch(summaries, done, total)

        try:
            report = self._index.sync(on_batch=forward, changed_paths=changed_paths)
        except IndexFull as error:
            return self._into_memory(error, on_batch)
        return RefreshReport(
            list(report.added), list(report.changed), list(report.removed), report.complete
        )

    def _into_memory(self, error: IndexFull, on_batch: RowBatch | None) -> RefreshReport:
        """Read every file into memory; the report compares it with what the index had
        (nothing is lost: each article comes from its file again). The index stays open
        (a search may be running on it) until close."""
        indexed = self._index.file_states()
        memory = MemoryStore(self.root)
        memory.refresh(on_batch)
        self._memory = memory
        self.notices.append(f"{error}; reading the folder into memory instead")
        report = RefreshReport(removed=list(error.removed))
        for article in memory.rows():
            assert isinstance(article, Article)
            before = indexed.pop(article.id, None)
            if before is None:
                report.added.append(article.id)
            elif before != (article.size, article.mtime_ns):
                report.changed.append(article.id)
        report.removed += indexed  # what is left: gone, or no longer an article
        return report

    def rows(self) -> list[ListRow]:
        if self._memory is not None:
            return self._memory.rows()
        return list(self._index.summaries())

    def first_rows(self, limit: int) -> list[ListRow]:
        if self._memory is not None:
            return self._memory.first_rows(limit)
        return list(self._index.newest(limit))

    def problems(self) -> list[LoadProblem]:
        if self._memory is not None:
            return self._memory.problems()
        return self._index.problems()

    def article(self, article_id: str) -> Article | None:
        if self._memory is not None:
            return self._memory.article(article_id)
        return self._index.article(article_id)

    def articles(self, ids: Sequence[str]) -> list[Article]:
        if self._memory is not None:
            return self._memory.articles(ids)
        return self._index.articles(ids)

    def initiatives(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        if self._memory is not None:
            return self._memory.initiatives(ids)
        return self._index.initiatives(ids)

    def warnings(self) -> list[tuple[str, tuple[str, ...]]]:
        if self._memory is not None:
            return self._memory.warnings()
        return self._index.warnings()

    def searcher(self) -> Searcher:
        if self._memory is not None:
            return self._memory.searcher()
        return self._index.engine()

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()
        self._index.close()


# Rows handed to on_batch at a time while loading into memory.
MEMORY_BATCH = 500


class MemoryStore:
    """Every article parsed and held in memory (`--no-cache`, or no usable cache)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.notices: list[str] = []
        self._library = Library(root)
        self._engine: SearchEngine | None = None

    def refresh(
        self, on_batch: RowBatch | None = None, changed_paths: Collection[str] | None = None
    ) -> RefreshReport:
        # Every file is read again: the changed paths would not spare that.
        before = {article.id: (article.size, article.mtime_ns) for article in self._library}
        pending: list[Article] = []

        def on_progress(done: int, total: int, item: Article | LoadProblem) -> None:
            if isinstance(item, Article):
                pending.append(item)
            if on_batch is not None and (len(pending) >= MEMORY_BATCH or done == total):
                on_batch(list(pending), done, total)
                pending.clear()

        library = load_library(self.root, on_progress=on_progress)
        after = {article.id: (article.size, article.mtime_ns) for article in library}
        self._library = library
        self._engine = None
        return RefreshReport(
            added=[key for key in after if key not in before],
            changed=[key for key in after if key in before and before[key] != after[key]],
            removed=[key for key in before if key not in after],
        )

    def rows(self) -> list[ListRow]:
        return list(self._library.articles)

    def first_rows(self, limit: int) -> list[ListRow]:
        return list(self._library.articles[:limit])

    def problems(self) -> list[LoadProblem]:
        return list(self._library.problems)

    def article(self, article_id: str) -> Article | None:
        return self._library.get(article_id)

    def articles(self, ids: Sequence[str]) -> list[Article]:
        found = (self._library.get(article_id) for article_id in ids)
        return [article for article in found if article is not None]

    def initiatives(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        return {article.id: article.initiatives for article in self.articles(ids)}

    def warnings(self) -> list[tuple[str, tuple[str, ...]]]:
        warned = (article for article in self._library if article.warnings)
        return sorted((article.id, article.warnings) for article in warned)

    def searcher(self) -> Searcher:
        if self._engine is None:
            self._engine = SearchEngine(self._library.articles)
        return self._engine

    def close(self) -> None:
        self._engine = None


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


__all__ = [
    "ArticleStore",
    "Facets",
    "IndexedStore",
    "MemoryStore",
    "RefreshReport",
    "RowBatch",
    "Searcher",
    "duplicate_urls",
    "facets",
    "open_store",
]
