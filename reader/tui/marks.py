"""Which articles are read and starred: the one place every widget asks.

For now read means "opened in this session" and nothing is saved; persisted state will
replace this class behind the same methods (the list only calls is_read / is_starred).
"""

from __future__ import annotations

from reader.store import ListRow


class ReadingMarks:
    def __init__(self) -> None:
        self._read: set[str] = set()
        self._starred: set[str] = set()
        # Bumped on every change, so views caching rendered rows know to redraw.
        self.version = 0

    def is_read(self, article: ListRow) -> bool:
        return article.id in self._read

    def is_starred(self, article: ListRow) -> bool:
        return article.id in self._starred

    def has_flag(self, article_id: str, flag: str) -> bool:
        """A query's `is:` state (read, unread, starred) for one article: the search's
        flag test. Safe to call from a search worker thread."""
        if flag == "starred":
            return article_id in self._starred
        read = article_id in self._read
        return read if flag == "read" else not read

    def mark_read(self, article: ListRow, read: bool = True) -> bool:
        """Set the read mark; returns True when it changed."""
        if (article.id in self._read) == read:
            return False
        if read:
            self._read.add(article.id)
        else:
            self._read.discard(article.id)
        self.version += 1
        return True

    def set_starred(self, article: ListRow, starred: bool) -> bool:
        if (article.id in self._starred) == starred:
            return False
        if starred:
            self._starred.add(article.id)
        else:
            self._starred.discard(article.id)
        self.version += 1
        return True

    @property
    def read_count(self) -> int:
        return len(self._read)

    @property
    def starred_count(self) -> int:
        return len(self._starred)
