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
import zlib
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import tantivy

from reader.index.duplicates import signature as minhash_signature
from reader.model import (
    Article,
    ArticleJson,
    ArticleSummary,
    JsonText,
    folder_of,
    published_sort_key,
)
from reader.ordering import NEWEST_SQL
from reader.text.names import escape_name
from reader.text.tokens import SearchText, index_text, leaves_and_keys

ARTICLE_COLUMNS = (
    "rowid", "id", "size", "mtime_ns", "title", "url", "area", "published", "published_key",
    "day", "word_count", "initiative_count", "body_hash",
)  # fmt: skip
TEXT_COLUMNS = (
    "rowid", "content", "metadata", "description", "image", "locale", "kind", "warnings",
    "metadata_format", "published_raw",
)  # fmt: skip


def search_text(article: Article) -> SearchText:
    """What is searched of `article`. The body as the loader reads it: HTML and template
    tags are not words."""
    return _search_text_and_keys(article)[0]


def _search_text_and_keys(article: Article) -> tuple[SearchText, frozenset[str]]:
    """search_text, and the article's metadata keys (see IndexTexts.keys)."""
    from reader.loading.body import body_text  # imported when first needed (markdown-it)
    from reader.loading.discover import is_mdx

    leaves, keys = leaves_and_keys(article.metadata)
    text = SearchText(
        title=article.title,
        body=body_text(article.body, mdx=is_mdx(article.path)),
        initiatives=article.initiatives,
        metadata=tuple(leaves),
        area=article.area or "",
        url=article.url or "",
    )
    return text, keys


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


INSERT_ARTICLE = _insert("articles", ARTICLE_COLUMNS)
INSERT_TEXT = _insert("article_text", TEXT_COLUMNS)


class IndexTexts(NamedTuple):
    """What one article adds to the full-text index, as index_text makes each text (a
    tuple: sent back from worker processes, it pickles at C speed)."""

    title: str
    body: str
    # One per initiative, and one per metadata value: a phrase stays inside one.
    initiatives: tuple[str, ...]
    metadata: tuple[str, ...]
    # Area, URL and metadata values with each token prefixed by its key (key_prefix).
    fields: tuple[str, ...]
    # Folded metadata paths and their dotted prefixes: the field names this article adds.
    keys: frozenset[str]
    # The body's MinHash signature (reader.index.duplicates), None for a short body.
    signature: bytes | None = None


class PreparedArticle(NamedTuple):
    """An article as the index writes it, made where it was loaded (a sync's worker
    process): its rows without their rowid, its full-text texts, and what its list row
    and full-text document need besides. Plain values only: sending a whole Article back
    (its Path, its metadata, a dataclass) cost the writing process more than writing it."""

    id: str
    summary_row: tuple[Any, ...]  # the `articles` row after its rowid
    text_row: tuple[Any, ...]  # the `article_text` row after its rowid
    texts: IndexTexts
    published: datetime | None

    def summary(self) -> ArticleSummary:
        """The article's list row ."""
        row = self.summary_row
        return ArticleSummary(
            id=self.id,
            title=row[3],
            area=row[5],
            published=self.published,
            url=row[4],
            word_count=row[9],
            initiative_count=row[10],
            body_hash=row[11],
        )


def prepare(article: Article) -> PreparedArticle:
    summary_row, text_row = article_rows(article, 0)
    return PreparedArticle(
        article.id, summary_row[1:], text_row[1:], index_texts(article), article.published
    )


def index_texts(article: Article) -> IndexTexts:
    texts, keys = _search_text_and_keys(article)
    leaves = texts.metadata
    title, body, area, url, *rest = index_each(
        [texts.title, texts.body, texts.area, texts.url, *texts.initiatives]
        + [value for _key, value in leaves]
    )
    initiatives, values = rest[: len(texts.initiatives)], rest[len(texts.initiatives) :]
    fields = [
        keyed(AREA_PREFIX, area),
        keyed(URL_PREFIX, url),
        keyed(FOLDER_PREFIX, index_text(folder_of(article.id))),
        *(
            keyed(key_prefix(key), value)
            for (key, _text), value in zip(leaves, values, strict=True)
        ),
    ]
    return IndexTexts(
        title=title,
        body=body,
        initiatives=tuple(initiatives),
        metadata=tuple(values),
        fields=tuple(field for field in fields if field),
        keys=keys,
        signature=minhash_signature(body),
    )


def index_each(texts: list[str]) -> list[str]:
    """[index_text(text) for text in texts], in one call: joined by NUL, which index_text
    keeps (it is no letter or digit, and a token never runs across it), and loaded text
    never holds (a test holds index_text to this)."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:  # an article made in memory may hold NUL
        return [index_text(text) for text in texts]
    return index_text(joined).split("\x00")


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
# A token in index_text's output: what separates tokens there is ASCII that is no
# letter or digit. The class is written as what it is not: [0-9a-z\x80-\U0010ffff] is the
# same set, but re takes 2.5 ms to compile a range of 65,000 characters, this 0.05 ms.
_STORED_TOKEN = re.compile(r"[^\x00-\x2f\x3a-\x60\x7b-\x7f]+")


def keyed(prefix: str, stored: str) -> str:
    """Text as index_text stores it with each token written as `prefix` + token."""
    tokens = _STORED_TOKEN.findall(stored)
    return prefix + f" {prefix}".join(tokens) if tokens else ""


def text_document(rowid: int, prepared: PreparedArticle) -> tantivy.Document:
    """The full-text document of an article (see reader.index.text_index)."""
    texts = prepared.texts
    document = tantivy.Document(
        title=texts.title,
        body=texts.body,
        initiatives=list(texts.initiatives),
        metadata=list(texts.metadata),
        fields=list(texts.fields),
    )
    document.add_unsigned("rowid", rowid)
    # As the list row has them (made where the article was read).
    summary = prepared.summary_row
    document.add_float("published", summary[_PUBLISHED_KEY])
    if summary[_DAY] is not None:
        document.add_integer("day", summary[_DAY])
    return document


# Where the `articles` columns published_key and day are in PreparedArticle.summary_row.
_PUBLISHED_KEY = ARTICLE_COLUMNS.index("published_key") - 1
_DAY = ARTICLE_COLUMNS.index("day") - 1


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
        pack_content(article.body, _to_json(article.initiatives)),
        _to_json(article.metadata),
        article.description,
        article.image,
        article.locale,
        article.kind,
        _to_json(article.warnings) if article.warnings else "[]",
        article.metadata_format,
        article.published_raw,
    )
    return summary, text


# json.dumps(value, ensure_ascii=False), with one encoder made once (dumps makes one
# for every call given an option).
_to_json = json.JSONEncoder(ensure_ascii=False).encode


# zlib level 1 with a 16 KB window: as small as a 32 KB window on the bench corpus (3.2
# times smaller than the text), in less than half the time (40 rather than 93 us an
# article: zlib sets up its window for each call); level 6 was 6% smaller for 50% more.
_LEVEL = 1
_WINDOW_BITS = 14


def pack_content(body: str, initiatives: str) -> bytes:
    """An article's body and initiatives JSON as the one compressed `content` value of
    its `article_text` row: the body's length, a newline, then the two texts. One value,
    so zlib is set up once and sees them together. (The metadata JSON stays text beside
    it: facets and stats read it for every article, with a LIKE that skips most rows.)"""
    text = f"{len(body)}\n{body}{initiatives}"
    return zlib.compress(text.encode("utf-8", "surrogatepass"), _LEVEL, _WINDOW_BITS)


def unpack_content(content: bytes) -> tuple[str, str]:
    """(body, initiatives JSON) from pack_content's value."""
    text = zlib.decompress(content, _WINDOW_BITS).decode("utf-8", "surrogatepass")
    newline = text.index("\n")
    body_end = newline + 1 + int(text[:newline])
    return text[newline + 1 : body_end], text[body_end:]


# Columns and tables for article_from_row: "SELECT {ARTICLE_SELECT} WHERE ...".
ARTICLE_SELECT = (
    "a.id, a.size, a.mtime_ns, a.title, a.url, a.area, a.published, a.word_count, "
    "t.content, t.metadata, t.description, t.image, t.locale, t.kind, t.warnings, "
    "t.metadata_format, t.published_raw "
    "FROM articles a JOIN article_text t ON t.rowid = a.rowid"
)


def article_from_row(row: sqlite3.Row | tuple[Any, ...], root: Path, root_is_dir: bool) -> Article:
    """An Article from the columns of ARTICLE_SELECT."""
    (
        file_id, size, mtime_ns, title, url, area, published, word_count, content,
        metadata, description, image, locale, kind, warnings, metadata_format, published_raw,
    ) = row  # fmt: skip
    body, initiatives = unpack_content(content)
    return Article(
        id=file_id,
        path=article_path(root, root_is_dir, file_id),
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


def article_path(root: Path, root_is_dir: bool, file_id: str) -> Path:
    """The path of the article `file_id` of `root`, as the loader gives it."""
    # As the loader shows it: a root that is not UTF-8 is escaped (ids are already).
    return Path(escape_name(os.fspath(root / file_id if root_is_dir else root)))


class ArticlePaths:
    """The text of the path article_from_row gives each article, for many: each
    folder's path is made once and the file's name added to it (a Path an article, and
    its text, cost 5 us)."""

    def __init__(self, root: Path, root_is_dir: bool) -> None:
        self._root = root
        self._root_is_dir = root_is_dir
        self._folders: dict[str, str] = {}

    def __call__(self, file_id: str) -> str:
        folder, _slash, name = file_id.rpartition("/")
        # Path drops an empty or "." name; elsewhere (Windows) it writes "\\".
        if not self._root_is_dir or name in ("", ".") or os.sep != "/":
            return str(article_path(self._root, self._root_is_dir, file_id))
        prefix = self._folders.get(folder)
        if prefix is None:
            prefix = str(article_path(self._root, True, folder))
            # (Path(".") / name is `name`.)
            prefix = "" if prefix == "." else prefix if prefix.endswith("/") else prefix + "/"
            self._folders[folder] = prefix
        return prefix + escape_name(name)


# Columns and tables for printed_from_row: "SELECT {PRINTED_SELECT} WHERE ...".
PRINTED_SELECT = (
    "a.id, a.title, a.url, a.area, a.published, a.word_count, t.content, t.metadata, "
    "t.description, t.image, t.locale, t.kind, t.warnings "
    "FROM articles a JOIN article_text t ON t.rowid = a.rowid"
)


class PrintedArticle(NamedTuple):
    """An article as `reader search --json` prints it, and what its snippets are made
    of, read from its row without making an Article (its Path, its date, its metadata
    parsed: a third of reading one)."""

    json: ArticleJson
    body: str
    metadata: str  # the metadata's JSON: only a result with no hit in its body needs it


def printed_from_row(row: tuple[Any, ...], paths: ArticlePaths) -> PrintedArticle:
    """A PrintedArticle from the columns of PRINTED_SELECT: the values article_json
    gives the Article article_from_row makes of the same row."""
    (
        file_id, title, url, area, published, word_count, content, metadata, description,
        image, locale, kind, warnings,
    ) = row  # fmt: skip
    body, initiatives = unpack_content(content)
    # The date as an Article's gives it (the round trip costs less than a microsecond).
    iso = datetime.fromisoformat(published).isoformat() if published else None
    # The lists as their JSON: most of a result's text, written by json.dumps as the
    # output is (decoding and encoding them again cost 15-20 us a result).
    listing = ArticleJson(
        file_id, paths(file_id), title, url, area, iso, description, image, locale, kind,
        JsonText(initiatives), word_count, JsonText(warnings),
    )  # fmt: skip
    return PrintedArticle(listing, body, metadata)


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
