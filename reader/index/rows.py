"""Articles to database rows and back, and the text the full-text tables hold.

The full-text tables hold text that SQLite's `ascii` tokenizer (runs of ASCII letters and
digits, lower-cased, and of any non-ASCII characters) splits into exactly the tokens
`reader.text.tokens.tokenize` gives: see `token_text`. FTS5's own Unicode folding differs
from ours, so SQLite never folds anything here.

SEPARATOR goes between two initiatives and between two metadata values: our tokenizer never
gives it (it is not a letter or digit), so no query can match it, and a phrase can never
run from one value into the next.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.loading.text import escape_name
from reader.model import Article, published_sort_key
from reader.text.tokens import index_text as token_text
from reader.text.tokens import metadata_keys, search_text

# A private-use character: one token to FTS5's `ascii` tokenizer, never one of ours.
SEPARATOR = "\ue000"
# Field rows of one article are numbered article_rowid << FIELD_SHIFT | slot, so an
# article's rows are one rowid range and the article is the rowid shifted back. The
# loader allows 50,000 metadata values in a file, well under 2**20.
FIELD_SHIFT = 20
AREA_KEY = "area"
URL_KEY = "url"
FIRST_METADATA_SLOT = 2

ARTICLE_COLUMNS = (
    "rowid", "id", "size", "mtime_ns", "title", "url", "area", "published", "published_key",
    "day", "word_count", "initiative_count", "body_hash",
)  # fmt: skip
TEXT_COLUMNS = (
    "rowid", "body", "description", "image", "locale", "kind", "initiatives", "warnings",
    "metadata", "metadata_format", "published_raw",
)  # fmt: skip
# The searched texts, in the order of BM25's column weights (see reader.index.engine).
SEARCH_COLUMNS = ("title", "body", "initiatives", "metadata")


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_ARTICLE = _insert("articles", ARTICLE_COLUMNS)
INSERT_TEXT = _insert("article_text", TEXT_COLUMNS)
INSERT_SEARCH = _insert("search_fts", ("rowid", *SEARCH_COLUMNS))
INSERT_FIELD = _insert("field_fts", ("rowid", "key", "value"))
# Contentless FTS5 tables forget a row only when given exactly the values it was added
# with; `search_rows` recomputes them from the stored article.
DELETE_SEARCH = (
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(SEARCH_COLUMNS)}) "
    f"VALUES ('delete', ?, {', '.join('?' * len(SEARCH_COLUMNS))})"
)
DELETE_FIELD = "INSERT INTO field_fts(field_fts, rowid, key, value) VALUES ('delete', ?, ?, ?)"


def _separated(texts: Iterable[str]) -> str:
    return f" {SEPARATOR} ".join(token_text(text) for text in texts)


@dataclass(frozen=True, slots=True)
class SearchRows:
    """What one article adds to the full-text tables."""

    # search_fts: title, body, initiatives and metadata values, as SEARCH_COLUMNS.
    columns: tuple[str, str, str, str]
    # field_fts, one row per filter-only value: (slot, key, token text). The key is
    # AREA_KEY, URL_KEY or a folded dotted metadata path.
    fields: tuple[tuple[int, str, str], ...]
    # Folded metadata paths and their dotted prefixes: the field names this article adds.
    keys: frozenset[str]


def search_rows(article: Article) -> SearchRows:
    texts = search_text(article)
    fields: list[tuple[int, str, str]] = []
    if texts.area:
        fields.append((0, AREA_KEY, token_text(texts.area)))
    if texts.url:
        fields.append((1, URL_KEY, token_text(texts.url)))
    for slot, (key, value) in enumerate(texts.metadata, start=FIRST_METADATA_SLOT):
        fields.append((slot, key, token_text(value)))
    return SearchRows(
        columns=(
            token_text(texts.title),
            token_text(texts.body),
            _separated(texts.initiatives),
            _separated(value for _key, value in texts.metadata),
        ),
        fields=tuple(fields),
        keys=metadata_keys((article,)),
    )


def key_prefixes(key: str) -> Iterator[str]:
    """`key` and each dotted prefix of it: a field named by any of these covers `key`."""
    for position, char in enumerate(key):
        if char == "." and position > 0:
            yield key[:position]
    yield key


def key_token(key_id: int) -> str:
    """The token standing for metadata key number `key_id` in field_fts's key column."""
    return f"k{key_id}"


def field_key_text(slot: int, key: str, key_ids: dict[str, int]) -> str:
    """The key column of a field row: AREA_KEY or URL_KEY for those built-in fields; for
    a metadata value, the tokens of its key and of each prefix, so `og:` finds `og.locale`."""
    if slot < FIRST_METADATA_SLOT:
        return key
    return " ".join(key_token(key_ids[prefix]) for prefix in key_prefixes(key))


def field_rowid(article_rowid: int, slot: int) -> int:
    return article_rowid << FIELD_SHIFT | slot


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
