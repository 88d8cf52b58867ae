"""The records the loader produces. Plain frozen dataclasses: no I/O, no Textual."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Protocol

# Metadata after loading holds only JSON types: str keys; str, int, float, bool, None,
# lists and mappings. Dates are kept as the text the file had (see loading.metadata).
Metadata = Mapping[str, Any]

_SEPARATOR = re.compile(r"[.:]")


@lru_cache(maxsize=4096)  # a folder's articles share their keys
def fold_path(path: str) -> str:
    """A dotted metadata path in the form `path_index` keys use: casefolded, `:` -> `.`."""
    return _SEPARATOR.sub(".", path.casefold())


@lru_cache(maxsize=4096)
def dotted(key: str) -> str:
    """A metadata key as a dotted path's step: `:` -> `.` (og:title -> og.title)."""
    return _SEPARATOR.sub(".", key)


def flatten(metadata: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) for every leaf; `:` in keys becomes `.` (og:title -> og.title).

    Lists of scalars are leaves; mappings inside lists are flattened under the list's key.
    """
    for key, value in metadata.items():
        name = prefix + dotted(key)
        if isinstance(value, Mapping):
            yield from flatten(value, name + ".")
        elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            for item in value:
                if isinstance(item, Mapping):
                    yield from flatten(item, name + ".")
                else:
                    yield name, item
        else:
            yield name, value


@dataclass(frozen=True, slots=True)
class Article:
    """One article file, parsed.

    `id` is the path relative to the opened root with `/` separators: stable across runs
    and machines, and what `reader show ID` takes.
    """

    id: str
    path: Path
    title: str
    url: str | None
    area: str | None
    published: datetime | None
    description: str | None
    image: str | None
    locale: str | None
    kind: str | None
    metadata: Metadata = field(hash=False, compare=False)
    body: str
    initiatives: tuple[str, ...]
    word_count: int
    warnings: tuple[str, ...] = ()
    # Which metadata syntax the file used: "fenced-yaml", "yaml", "toml" or "none".
    metadata_format: str = "none"
    # The date exactly as the file wrote it, for display beside the parsed one.
    published_raw: str | None = None
    size: int = 0
    mtime_ns: int = 0

    @property
    def initiative_count(self) -> int:
        """As ArticleSummary has it, so either can be a list row."""
        return len(self.initiatives)

    @property
    def body_hash(self) -> str:
        """A short hash of the body: with the id, what identifies an article without URL."""
        if self.url:
            return ""  # not needed: the URL identifies it
        data = self.body.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(data, digest_size=8).hexdigest()

    @property
    def state_key(self) -> str:
        """The key reading marks are kept under (see reader.state)."""
        return state_key(self.id, self.url, self.body_hash)


def state_key(article_id: str, url: str | None, body_hash: str) -> str:
    """Marks follow the URL when there is one, else the path in the folder plus the body,
    so they survive moving or re-scraping the folder."""
    return f"url:{url}" if url else f"file:{article_id}#{body_hash}"


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """What the article list needs of an article: no body, no metadata.

    At 100,000 articles the list holds only these; the full Article is read when opened.
    """

    id: str
    title: str
    area: str | None
    published: datetime | None
    url: str | None
    word_count: int
    initiative_count: int
    body_hash: str = ""

    @property
    def state_key(self) -> str:
        return state_key(self.id, self.url, self.body_hash)


class ListRow(Protocol):
    """What a list of articles shows, sorts and counts of each: an ArticleSummary (from
    the index) or a full Article alike."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def area(self) -> str | None: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def state_key(self) -> str: ...
    @property
    def initiative_count(self) -> int: ...


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A file that could not become an article at all, and why."""

    path: Path
    message: str


def published_sort_key(published: datetime | None) -> float:
    """A number that orders dates, aware and naive alike (naive ones are read as UTC).

    Articles without a date sort as the oldest.
    """
    if published is None:
        return float("-inf")
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return published.timestamp()


class JsonText(str):
    """A list of strings as the index keeps it, its JSON: json.dumps(value,
    ensure_ascii=False), the index's writer (reader.index.rows._to_json). Printed as it
    is where the output is written the same way (reader.cli_search.ObjectJson)."""

    __slots__ = ()


class ArticleJson(NamedTuple):
    """An article as `reader list/show/search --json` print it, its fields in the order
    of the keys (`_asdict()` is the JSON object): made from an Article by article_json,
    or straight from the index's columns (reader.index.rows.printed_from_row)."""

    id: str
    path: str
    title: str
    url: str | None
    area: str | None
    published: str | None  # ISO 8601
    description: str | None
    image: str | None
    locale: str | None
    kind: str | None
    initiatives: list[str] | JsonText
    word_count: int
    warnings: list[str] | JsonText


def article_to_dict(article: Article, *, body: bool = False) -> dict[str, Any]:
    """The JSON shape of an article used by `reader list/show/search --json`."""
    data: dict[str, Any] = article_json(article)._asdict()
    if body:
        data["metadata"] = article.metadata
        data["body"] = article.body
    return data


def article_json(article: Article) -> ArticleJson:
    """An article's fields as `--json` prints them (article_to_dict without the body)."""
    return ArticleJson(
        article.id,
        str(article.path),
        article.title,
        article.url,
        article.area,
        article.published.isoformat() if article.published else None,
        article.description,
        article.image,
        article.locale,
        article.kind,
        list(article.initiatives),
        article.word_count,
        list(article.warnings),
    )


def folder_of(article_id: str) -> str:
    """The folder path of an article (its id up to the file name; "" at the top)."""
    return article_id.rpartition("/")[0]


def top_folder(article_id: str) -> str:
    """The first folder of an article's path ("" for a file at the top of the folder)."""
    return folder_of(article_id).partition("/")[0]
