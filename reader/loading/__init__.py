"""From files on disk to Article records: discovery, metadata, dates, initiatives."""

from __future__ import annotations

from reader.lazy import lazy_names

# Nothing imported here: the walk helpers (reader.loading.walk) import this package, and
# each name below is imported when first used (the loader itself, markdown-it and YAML,
# is needed only to read a file). (Not `discover`, which names its module here once
# imported: reader.loading.discover.discover.)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reader.loading.article import article_id, decode, load_article, parse_article
    from reader.loading.discover import FoundFile, file_at, find_files
    from reader.loading.walk import ARTICLE_SUFFIXES, is_article_name

__all__ = [
    "ARTICLE_SUFFIXES",
    "FoundFile",
    "article_id",
    "decode",
    "file_at",
    "find_files",
    "is_article_name",
    "load_article",
    "parse_article",
]

_HOMES = {
    "ARTICLE_SUFFIXES": "reader.loading.walk",
    "is_article_name": "reader.loading.walk",
    "FoundFile": "reader.loading.discover",
    "file_at": "reader.loading.discover",
    "find_files": "reader.loading.discover",
    "article_id": "reader.loading.article",
    "decode": "reader.loading.article",
    "load_article": "reader.loading.article",
    "parse_article": "reader.loading.article",
}

__getattr__ = lazy_names(__name__, _HOMES)
