"""From files on disk to Article records: discovery, metadata, dates, initiatives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.loading.discover import (
    ARTICLE_SUFFIXES,
    FoundFile,
    discover,
    file_at,
    find_files,
    is_article_name,
)

if TYPE_CHECKING:
    from reader.loading.article import article_id, decode, load_article, parse_article

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


def __getattr__(name: str) -> Any:
    """The loader itself (markdown-it, YAML) is imported when first used: finding files
    and checking them against the index needs none of it."""
    if name in ("article_id", "decode", "load_article", "parse_article"):
        from reader.loading import article

        return getattr(article, name)
    raise AttributeError(f"module 'reader.loading' has no attribute {name!r}")
