"""From files on disk to Article records: discovery, metadata, dates, initiatives."""

from reader.loading.article import article_id, decode, load_article, parse_article
from reader.loading.discover import (
    ARTICLE_SUFFIXES,
    FoundFile,
    discover,
    file_at,
    find_files,
    is_article_name,
)

__all__ = [
    "ARTICLE_SUFFIXES",
    "FoundFile",
    "article_id",
    "decode",
    "discover",
    "file_at",
    "find_files",
    "is_article_name",
    "load_article",
    "parse_article",
]
