"""Articles to database rows and back."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.loading.metadata import flatten
from reader.model import Article, LoadProblem, published_sort_key

ARTICLE_COLUMNS = (
    "rowid", "id", "size", "mtime_ns", "title", "url", "area", "published", "published_key",
    "description", "image", "locale", "kind", "word_count", "initiatives", "warnings",
    "metadata", "metadata_format", "published_raw", "body", "initiatives_text",
    "metadata_text",
)  # fmt: skip
FTS_COLUMNS = ("title", "initiatives_text", "body", "metadata_text")
INSERT_ARTICLE = (
    f"INSERT INTO articles({', '.join(ARTICLE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ARTICLE_COLUMNS)})"
)
INSERT_FTS = (
    f"INSERT INTO articles_fts(rowid, {', '.join(FTS_COLUMNS)}) "
    f"VALUES (?, {', '.join('?' for _ in FTS_COLUMNS)})"
)
# FTS5 external-content tables forget a row only when told its old values.
DELETE_FTS = (
    f"INSERT INTO articles_fts(articles_fts, rowid, {', '.join(FTS_COLUMNS)}) "
    f"SELECT 'delete', rowid, {', '.join(FTS_COLUMNS)} FROM articles WHERE rowid = ?"
)
# Between values of different fields, so a phrase never matches across two of them:
# the index sees a word no query can contain (see reader.search for the other side).
FIELD_BREAK = "\n"


def metadata_text(article: Article) -> str:
    """Every metadata value as searchable text, one value per line."""
    values = (value for _, value in flatten(article.metadata))
    return FIELD_BREAK.join(str(value) for value in values if value not in (None, ""))


def article_row(article: Article, rowid: int) -> tuple[Any, ...]:
    return (
        rowid,
        article.id,
        article.size,
        article.mtime_ns,
        article.title,
        article.url,
        article.area,
        article.published.isoformat() if article.published else None,
        published_sort_key(article.published),
        article.description,
        article.image,
        article.locale,
        article.kind,
        article.word_count,
        json.dumps(article.initiatives, ensure_ascii=False),
        json.dumps(article.warnings, ensure_ascii=False),
        json.dumps(article.metadata, ensure_ascii=False),
        article.metadata_format,
        article.published_raw,
        article.body,
        FIELD_BREAK.join(article.initiatives),
        metadata_text(article),
    )


def fts_values(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The FTS insert values (rowid first) out of an article row."""
    by_name = dict(zip(ARTICLE_COLUMNS, row, strict=True))
    return (by_name["rowid"], *(by_name[name] for name in FTS_COLUMNS))


def problem_row(problem: LoadProblem, article_id: str, size: int, mtime_ns: int) -> tuple[Any, ...]:
    return (article_id, str(problem.path), problem.message, size, mtime_ns)


def article_from_row(row: sqlite3.Row, root: Path) -> Article:
    published = row["published"]
    return Article(
        id=row["id"],
        path=_path_of(root, row["id"]),
        title=row["title"],
        url=row["url"],
        area=row["area"],
        published=datetime.fromisoformat(published) if published else None,
        description=row["description"],
        image=row["image"],
        locale=row["locale"],
        kind=row["kind"],
        metadata=json.loads(row["metadata"]),
        body=row["body"],
        initiatives=tuple(json.loads(row["initiatives"])),
        word_count=row["word_count"],
        warnings=tuple(json.loads(row["warnings"])),
        metadata_format=row["metadata_format"],
        published_raw=row["published_raw"],
        size=row["size"],
        mtime_ns=row["mtime_ns"],
    )


def _path_of(root: Path, article_id: str) -> Path:
    return root / article_id if root.is_dir() else root
