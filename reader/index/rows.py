"""Articles to database rows and back."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.loading.metadata import flatten
from reader.model import Article, published_sort_key

ARTICLE_COLUMNS = (
    "rowid", "id", "size", "mtime_ns", "title", "url", "area", "published", "published_key",
    "word_count", "initiative_count",
)  # fmt: skip
FTS_COLUMNS = ("title", "initiatives_text", "body", "metadata_text")
TEXT_COLUMNS = (
    "rowid", *FTS_COLUMNS, "description", "image", "locale", "kind", "initiatives", "warnings",
    "metadata", "metadata_format", "published_raw",
)  # fmt: skip


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_ARTICLE = _insert("articles", ARTICLE_COLUMNS)
INSERT_TEXT = _insert("article_text", TEXT_COLUMNS)
INSERT_FTS = _insert("articles_fts", ("rowid", *FTS_COLUMNS))
# FTS5 external-content tables forget a row only when told its old values.
DELETE_FTS = (
    f"INSERT INTO articles_fts(articles_fts, rowid, {', '.join(FTS_COLUMNS)}) "
    f"SELECT 'delete', rowid, {', '.join(FTS_COLUMNS)} FROM article_text WHERE rowid = ?"
)
# Values of different fields are kept on separate lines. (FTS5 phrases do not stop at
# line ends; reader.search checks phrase hits in the text when that matters.)
FIELD_BREAK = "\n"


def metadata_text(article: Article) -> str:
    """Every metadata value as searchable text, one value per line."""
    values = (value for _, value in flatten(article.metadata))
    return FIELD_BREAK.join(str(value) for value in values if value not in (None, ""))


def article_rows(article: Article, rowid: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The `articles` row and the `article_text` row (whose first 5 values feed FTS)."""
    summary = (
        rowid,
        article.id,
        article.size,
        article.mtime_ns,
        article.title,
        article.url,
        article.area,
        article.published.isoformat() if article.published else None,
        published_sort_key(article.published),
        article.word_count,
        len(article.initiatives),
    )
    text = (
        rowid,
        article.title,
        FIELD_BREAK.join(article.initiatives),
        article.body,
        metadata_text(article),
        article.description,
        article.image,
        article.locale,
        article.kind,
        json.dumps(article.initiatives, ensure_ascii=False),
        json.dumps(article.warnings, ensure_ascii=False),
        json.dumps(article.metadata, ensure_ascii=False),
        article.metadata_format,
        article.published_raw,
    )
    return summary, text


SELECT_ARTICLE = (
    "SELECT a.id, a.size, a.mtime_ns, a.title, a.url, a.area, a.published, a.word_count, "
    "t.body, t.description, t.image, t.locale, t.kind, t.initiatives, t.warnings, "
    "t.metadata, t.metadata_format, t.published_raw "
    "FROM articles a JOIN article_text t ON t.rowid = a.rowid"
)


def article_from_row(row: sqlite3.Row | tuple[Any, ...], root: Path) -> Article:
    """An Article from a SELECT_ARTICLE row."""
    (
        file_id, size, mtime_ns, title, url, area, published, word_count, body, description,
        image, locale, kind, initiatives, warnings, metadata, metadata_format, published_raw,
    ) = row  # fmt: skip
    return Article(
        id=file_id,
        path=root / file_id if root.is_dir() else root,
        title=title,
        url=url,
        area=area,
        published=datetime.fromisoformat(published) if published else None,
        description=description,
        image=image,
        locale=locale,
        kind=kind,
        metadata=json.loads(metadata),
        body=body,
        initiatives=tuple(json.loads(initiatives)),
        word_count=word_count,
        warnings=tuple(json.loads(warnings)),
        metadata_format=metadata_format,
        published_raw=published_raw,
        size=size,
        mtime_ns=mtime_ns,
    )
