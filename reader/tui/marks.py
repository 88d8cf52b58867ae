"""Which articles are read and starred: the one place every widget asks.

The marks live in the saved reading state (reader.state), under each article's state
key. This class knows the folder's articles (their keys, kept up to date by the workers
that load and refresh the folder) so that the header's counts and a search's `is:` test
cost a dictionary lookup, never a pass over 100,000 rows on the UI thread.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from reader.model import ListRow
from reader.search import FlagTest
from reader.state import ReadingState, flag_test


class ReadingMarks:
    def __init__(self, state: ReadingState | None = None) -> None:
        self.state = state if state is not None else ReadingState()
        # Bumped on every change, so views caching rendered rows know to redraw.
        self.version = 0
        # The folder's articles: state key by article id, and how many articles share
        # each key (copies of one URL share their marks).
        self._keys: dict[str, str] = {}
        self._articles_by_key: Counter[str] = Counter()
        self._read = 0
        self._starred = 0
        # Workers change the articles while the UI thread changes marks.
        self._lock = threading.Lock()
        self._flag_test = flag_test(self.state, self._keys)

    # -- the folder's articles ----------------------------------------------------------
    #
    # Counted with the rows the list shows, or the header could count articles the list
    # does not have yet (more unread than articles, during a first load): a worker works
    # out the keys (keys_of: an article in memory hashes its body), and the UI thread
    # takes them (add_keys) along with the rows they belong to.

    @staticmethod
    def keys_of(rows: Iterable[ListRow]) -> list[tuple[str, str]]:
        """(article id, state key) of each row: the slow part of update_rows, for workers."""
        return [(row.id, row.state_key) for row in rows]

    def update_rows(self, rows: Iterable[ListRow]) -> None:
        """Articles that are new, or changed (their key may have changed)."""
        self.add_keys(self.keys_of(rows))

    def add_keys(self, keys: Iterable[tuple[str, str]]) -> None:
        """update_rows with the keys already worked out (keys_of)."""
        with self._lock:
            for article_id, key in keys:
                self._forget(article_id)
                self._keys[article_id] = key
                self._articles_by_key[key] += 1
                self._read += self.state.is_read(key)
                self._starred += self.state.is_starred(key)

    def remove_rows(self, ids: Iterable[str]) -> None:
        with self._lock:
            for article_id in ids:
                self._forget(article_id)

    def _forget(self, article_id: str) -> None:
        key = self._keys.pop(article_id, None)
        if key is None:
            return
        self._articles_by_key[key] -= 1
        if not self._articles_by_key[key]:
            del self._articles_by_key[key]
        self._read -= self.state.is_read(key)
        self._starred -= self.state.is_starred(key)

    def recount(self) -> None:
        """Count again: a save brings in marks another reader made meanwhile."""
        with self._lock:
            is_read, is_starred = self.state.is_read, self.state.is_starred
            counts = self._articles_by_key.items()
            self._read = sum(count for key, count in counts if is_read(key))
            self._starred = sum(count for key, count in counts if is_starred(key))
            self.version += 1

    # -- asking -------------------------------------------------------------------------

    def key_of(self, row: ListRow) -> str:
        # Known keys spare hashing an in-memory article's body on every redraw.
        return self._keys.get(row.id) or row.state_key

    def is_read(self, row: ListRow) -> bool:
        return self.state.is_read(self.key_of(row))

    def is_starred(self, row: ListRow) -> bool:
        return self.state.is_starred(self.key_of(row))

    @property
    def flag_test(self) -> FlagTest:
        """A query's `is:` test (read, unread, starred) by article id, for the search;
        safe to call from a search worker thread."""
        return self._flag_test

    def has_flag(self, article_id: str, flag: str) -> bool:
        return self._flag_test(article_id, flag)

    @property
    def article_count(self) -> int:
        return len(self._keys)

    @property
    def read_count(self) -> int:
        return self._read

    @property
    def unread_count(self) -> int:
        return len(self._keys) - self._read

    @property
    def starred_count(self) -> int:
        return self._starred

    # -- changing (UI thread) -----------------------------------------------------------

    def mark_read(self, article: ListRow, read: bool = True) -> bool:
        """Set the read mark; returns True when it changed."""
        key = self.key_of(article)
        with self._lock:
            if self.state.is_read(key) == read:
                return False
            self.state.set_read(key, read)
            self._read += self._articles_by_key[key] if read else -self._articles_by_key[key]
            self.version += 1
        return True

    def set_starred(self, article: ListRow, starred: bool) -> bool:
        key = self.key_of(article)
        with self._lock:
            if self.state.is_starred(key) == starred:
                return False
            self.state.set_starred(key, starred)
            count = self._articles_by_key[key]
            self._starred += count if starred else -count
            self.version += 1
        return True
