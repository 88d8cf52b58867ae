"""The loaded collection of articles: ordering, facets, lookup by id."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.loading import find_files, load_article
from reader.model import Article, LoadProblem, published_sort_key

SORT_ORDERS = ("newest", "oldest", "title", "area")
SORT_LABELS = {"newest": "newest", "oldest": "oldest", "title": "title A–Z", "area": "area"}


def sort_articles(articles: Iterable[Article], order: str = "newest") -> list[Article]:
    """Articles in one of SORT_ORDERS; ties fall back to the id so the order is total."""
    items = sorted(articles, key=lambda article: article.id)
    if order == "newest":
        items.sort(key=lambda article: published_sort_key(article.published), reverse=True)
    elif order == "oldest":
        # Undated articles go last here too: they are not "the oldest".
        items.sort(
            key=lambda article: (article.published is None, published_sort_key(article.published))
        )
    elif order == "title":
        items.sort(key=lambda article: article.title.casefold())
    elif order == "area":
        items.sort(key=lambda article: published_sort_key(article.published), reverse=True)
        items.sort(key=lambda article: (article.area is None, (article.area or "").casefold()))
    else:
        raise ValueError(f"unknown sort order {order!r}; choose one of {', '.join(SORT_ORDERS)}")
    return items


@dataclass(frozen=True, slots=True)
class Facets:
    """How many of some articles fall in each area and each year, most common first."""

    areas: list[tuple[str, int]]
    years: list[tuple[int, int]]


def facets(articles: Iterable[Article]) -> Facets:
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


def duplicate_urls(articles: Sequence[Article]) -> dict[str, list[Article]]:
    """URLs shared by more than one article, with the articles sharing each."""
    by_url: dict[str, list[Article]] = {}
    for article in articles:
        if article.url:
            by_url.setdefault(article.url, []).append(article)
    return {url: group for url, group in by_url.items() if len(group) > 1}
