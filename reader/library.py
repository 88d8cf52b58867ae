"""The loaded collection of articles: ordering, facets, lookup by id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from reader.loading import find_files, load_article
from reader.model import Article, LoadProblem, published_sort_key

SORT_ORDERS = ("newest", "oldest", "title", "area")
SORT_LABELS = {"newest": "newest", "oldest": "oldest", "title": "title A–Z", "area": "area"}


class Sortable(Protocol):
    """What ordering and facets read of an article: a full Article or a list row."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def area(self) -> str | None: ...
    @property
    def published(self) -> datetime | None: ...


SortableT = TypeVar("SortableT", bound=Sortable)


def sort_key(order: str) -> Callable[[Sortable], tuple[Any, ...]]:
    """The key that puts articles in one of SORT_ORDERS; the id breaks ties, so the
    order is total (and the same for full articles and list rows)."""
    if order == "newest":
        return lambda item: (-published_sort_key(item.published), item.id)
    if order == "oldest":
        # Undated articles go last here too: they are not "the oldest".
        return lambda item: (item.published is None, published_sort_key(item.published), item.id)
    if order == "title":
        return lambda item: (item.title.casefold(), item.id)
    if order == "area":
        return lambda item: (
            item.area is None,
            (item.area or "").casefold(),
            -published_sort_key(item.published),
            item.id,
        )
    raise ValueError(f"unknown sort order {order!r}; choose one of {', '.join(SORT_ORDERS)}")


def sort_articles(articles: Iterable[SortableT], order: str = "newest") -> list[SortableT]:
    """Articles (or list rows) in one of SORT_ORDERS; see sort_key."""
    return sorted(articles, key=sort_key(order))


@dataclass(frozen=True, slots=True)
class Facets:
    """How many of some articles fall in each area and each year, most common first."""

    areas: list[tuple[str, int]]
    years: list[tuple[int, int]]


def facets(articles: Iterable[Sortable]) -> Facets:
    areas: Counter[str] = Counter()
    years: Counter[int] = Counter()
    for article in articles:
        if article.area:
            areas[article.area] += 1
        if article.published:
            years[article.published.year] += 1
    return Facets(
        areas=sorted(areas.items(), key=lambda item: (-item[1], item[0].casefold())),
        years=sorted(years.items(), key=lambda item: -item[0]),
    )


@dataclass
class Library:
    """Every article and load problem under one root, articles newest first."""

    root: Path
    articles: list[Article] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.articles = sort_articles(self.articles)
        self._by_id = {article.id: article for article in self.articles}

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)


ProgressCallback = Callable[[int, int, Article | LoadProblem], None]


def load_library(path: Path | str, *, on_progress: ProgressCallback | None = None) -> Library:
    """Load every article under `path` (a folder or one file).

    Raises FileNotFoundError when `path` does not exist; any other trouble is reported
    per file in `Library.problems` or an article's warnings.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {root}")
    problems: list[LoadProblem] = []
    files = list(find_files(root, problems))
    articles: list[Article] = []
    for done, found in enumerate(files, start=1):
        item = load_article(Path(found.path), root, found.id)
        if isinstance(item, Article):
            articles.append(item)
        else:
            problems.append(item)
        if on_progress is not None:
            on_progress(done, len(files), item)
    return Library(root=root, articles=articles, problems=problems)


class _HasUrl(Protocol):
    @property
    def url(self) -> str | None: ...


_WithUrl = TypeVar("_WithUrl", bound=_HasUrl)


def duplicate_urls(articles: Sequence[_WithUrl]) -> dict[str, list[_WithUrl]]:
    """URLs shared by more than one article (or list row), with those sharing each."""
    by_url: dict[str, list[_WithUrl]] = {}
    for article in articles:
        if article.url:
            by_url.setdefault(article.url, []).append(article)
    return {url: group for url, group in by_url.items() if len(group) > 1}
