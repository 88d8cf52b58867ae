"""Articles to index rows and back: the SQLite rows of the list and of each article's
text, and the full-text document (reader.index.text_index) of what is searched.

The full-text texts are made here, in the sync's worker processes where there are some
(folding is the costly part of indexing), as plain strings the parent turns into a
tantivy document.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import tantivy

from reader.loading.body import body_text
from reader.markdown import is_mdx
from reader.model import Article, ArticleSummary, folder_of, published_sort_key
from reader.ordering import NEWEST_SQL
from reader.text.sanitize import escape_name
from reader.text.tokens import SearchText, index_text, metadata_keys, metadata_leaves

ARTICLE_COLUMNS = (
    "rowid", "id", "size", "mtime_ns", "title", "url", "area", "published", "published_key",
    "day", "word_count", "initiative_count", "body_hash",
)  # fmt: skip
TEXT_COLUMNS = (
    "rowid", "body", "description", "image", "locale", "kind", "initiatives", "warnings",
    "metadata", "metadata_format", "published_raw",
)  # fmt: skip


def search_text(article: Article) -> SearchText:
    """What is searched of `article`. The body as the loader reads it: HTML and template
    tags are not words."""
    return SearchText(
        title=article.title,
        body=body_text(article.body, mdx=is_mdx(article.path)),
        initiatives=article.initiatives,
        metadata=tuple(metadata_leaves(article.metadata)),
        area=article.area or "",
        url=article.url or "",
    )


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_ARTICLE = _insert("articles", ARTICLE_COLUMNS)
INSERT_TEXT = _insert("article_text", TEXT_COLUMNS)


@dataclass(frozen=True, slots=True)
class IndexTexts:
    """What one article adds to the full-text index, as index_text makes each text."""

    title: str
    body: str
    # One per initiative, and one per metadata value: a phrase stays inside one.
    initiatives: tuple[str, ...]
    metadata: tuple[str, ...]
    # Area, URL and metadata values with each token prefixed by its key (key_prefix).
    fields: tuple[str, ...]
    # Folded metadata paths and their dotted prefixes: the field names this article adds.
    keys: frozenset[str]


def index_texts(article: Article) -> IndexTexts:
    texts = search_text(article)
    values = [(key, index_text(value)) for key, value in texts.metadata]
    fields = [
        keyed(AREA_PREFIX, index_text(texts.area)),
        keyed(URL_PREFIX, index_text(texts.url)),
        keyed(FOLDER_PREFIX, index_text(folder_of(article.id))),
        *(keyed(key_prefix(key), value) for key, value in values),
    ]
    return IndexTexts(
        title=index_text(texts.title),
        body=index_text(texts.body),
        initiatives=tuple(index_text(text) for text in texts.initiatives),
        metadata=tuple(value for _key, value in values),
        fields=tuple(field for field in fields if field),
        keys=metadata_keys((article,)),
    )


@lru_cache(maxsize=4096)  # a folder's articles share their keys
def key_prefix(key: str) -> str:
    """The prefix of every token of a value of metadata key `key` (folded, dotted) in
    the `fields` text: "k" and 8 base-36 digits of a hash, one length for every key, so
    no key's prefix starts another's (a value's prefix search must not reach into
    another key). A hash, not a number the writer hands out: worker processes make them."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=5).digest()
    number = int.from_bytes(digest, "big")
    digits = []
    for _ in range(8):
        number, digit = divmod(number, 36)
        digits.append(_BASE36[digit])
    return "k" + "".join(reversed(digits))


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
# The built-in `area:` and `url:` fields, under names no metadata key has (loaded text
# holds no NUL).
AREA_PREFIX = key_prefix("\x00area")
URL_PREFIX = key_prefix("\x00url")
FOLDER_PREFIX = key_prefix("\x00folder")
# What separates tokens in index_text's output: ASCII that is no letter or digit.
_BETWEEN_TOKENS = re.compile(r"[^0-9a-z\x80-\U0010ffff]+")


def keyed(prefix: str, stored: str) -> str:
    """Text as index_text stores it with each token written as `prefix` + token."""
    tokens = _BETWEEN_TOKENS.sub(" ", stored).split()
    return prefix + f" {prefix}".join(tokens) if tokens else ""


def text_document(rowid: int, article: Article, texts: IndexTexts) -> tantivy.Document:
    """The full-text document of an article (see reader.index.text_index)."""
    document = tantivy.Document(
        title=texts.title,
        body=texts.body,
        initiatives=list(texts.initiatives),
        metadata=list(texts.metadata),
        fields=list(texts.fields),
    )
    document.add_unsigned("rowid", rowid)
    published = article.published
    document.add_float("published", published_sort_key(published))
    if published is not None:
        document.add_integer("day", published.date().toordinal())
    return document


def article_rows(article: Article, rowid: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The `articles` row and the `article_text` row."""
    published = article.published
    summary = (
        rowid,
        article.id,
        article.size,
        article.mtime_ns,
        article.title,
        article.url,
        article.area,
        published.isoformat() if published else None,
        published_sort_key(published),
        published.date().toordinal() if published else None,
        article.word_count,
        len(article.initiatives),
        article.body_hash,
    )
    text = (
        rowid,
        article.body,
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


# Columns and tables for article_from_row: "SELECT {ARTICLE_SELECT} WHERE ...".
ARTICLE_SELECT = (
    "a.id, a.size, a.mtime_ns, a.title, a.url, a.area, a.published, a.word_count, "
    "t.body, t.description, t.image, t.locale, t.kind, t.initiatives, t.warnings, "
    "t.metadata, t.metadata_format, t.published_raw "
    "FROM articles a JOIN article_text t ON t.rowid = a.rowid"
)


def article_from_row(row: sqlite3.Row | tuple[Any, ...], root: Path, root_is_dir: bool) -> Article:
    """An Article from the columns of ARTICLE_SELECT."""
    (
        file_id, size, mtime_ns, title, url, area, published, word_count, body, description,
        image, locale, kind, initiatives, warnings, metadata, metadata_format, published_raw,
    ) = row  # fmt: skip
    return Article(
        id=file_id,
        # As the loader shows it: a root that is not UTF-8 is escaped (ids are already).
        path=Path(escape_name(os.fspath(root / file_id if root_is_dir else root))),
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


_SUMMARY_COLUMNS = "rowid, id, title, area, published, url, word_count, initiative_count, body_hash"


def read_summary_rows(
    connection: sqlite3.Connection,
    rowids: Sequence[int] | None = None,
    *,
    limit: int | None = None,
) -> list[tuple[int, ArticleSummary]]:
    """(rowid, list row) for every article in the index (or the newest `limit`), newest
    first; or for the articles with these rowids (a few hundred at a time), unordered."""
    if rowids is None and limit is not None:
        rows = connection.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles {NEWEST_SQL} LIMIT ?", (limit,)
        )
    elif rowids is None:
        rows = connection.execute(f"SELECT {_SUMMARY_COLUMNS} FROM articles {NEWEST_SQL}")
    else:
        marks = ", ".join("?" * len(rowids))
        rows = connection.execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM articles WHERE rowid IN ({marks})", tuple(rowids)
        )
    parse = datetime.fromisoformat
    return [
        (
            rowid,
            ArticleSummary(
                file_id, title, area, parse(date) if date else None, url, words, n, body_hash
            ),
        )
        for rowid, file_id, title, area, date, url, words, n, body_hash in rows
    ]


def summarise(article: Article) -> ArticleSummary:
    return ArticleSummary(
        id=article.id,
        title=article.title,
        area=article.area,
        published=article.published,
        url=article.url,
        word_count=article.word_count,
        initiative_count=len(article.initiatives),
        body_hash=article.body_hash,
    )
