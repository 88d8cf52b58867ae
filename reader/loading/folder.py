"""A whole folder loaded into memory at once: every article and load problem.

The reader and the commands read folders through the index (reader.articles); this is the
plain library call for scripts, `from reader import load_library`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.loading.article import load_article
from reader.loading.discover import find_files
from reader.model import Article, LoadProblem
from reader.ordering import sort_articles


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
