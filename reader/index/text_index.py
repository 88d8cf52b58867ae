"""The full-text half of the index: a tantivy index beside the SQLite file.

It is only ever asked which articles match, and how well: each document is one article,
named by its SQLite rowid; list rows, bodies and metadata are read from SQLite. Fields:

- `rowid` (u64, indexed, fast): results are turned into list rows by it, a changed or
  deleted article is deleted by it, and `is:` states are sets of it.
- `title`, `body`, `initiatives`, `metadata`: the ranked texts (reader.index.translate
  weighs them); `initiatives` has one value per initiative and `metadata` one per
  metadata value, so a phrase never runs from one into the next.
- `fields`: one value per area, URL, folder path and metadata value, each token prefixed by its key
  (reader.index.rows.key_prefix), for `area:`, `url:` and metadata fields.
- `day` (i64, indexed, fast): the calendar day published, for date filters.
- `published` (f64, fast): reader.model.published_sort_key, for the newest first.

Text goes in as reader.text.tokens.index_text makes it (folded, ASCII lower-cased) and
tantivy's `simple` tokenizer only splits it, so tantivy never folds anything.

One writer at a time, across processes: tantivy's own lock file. A writer is made for one
sync and let go at its end, so two readers of a folder take turns.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import tantivy

from reader.text.tokens import PROBE, index_text
from reader.text.tokens import tokens_fingerprint as text_fingerprint

TOKENIZER = "reader"
RANKED_FIELDS = ("title", "body", "initiatives", "metadata")
FILTER_FIELD = "fields"
# The tantivy fields, by name and kind: an index made with others is rebuilt.
SCHEMA_FIELDS = {
    "rowid": "unsigned",
    **dict.fromkeys(RANKED_FIELDS, "text"),
    FILTER_FIELD: "text",
    "day": "integer",
    "published": "float",
}
# Memory for a writer's indexing threads before it writes a segment (tantivy needs at
# least 15 MB a thread). The reader's whole budget at 100,000 articles is 400 MB.
WRITER_HEAP_BYTES = 64_000_000
# One indexing thread: a sync's workers keep both cores busy, and each thread writes a
# segment of its own at every commit (about once a second), which tantivy then merges.
# Writing 30,000 articles (bench/index_writes.py, 3 runs each, same minutes): tantivy's
# threads took 2.4-3.3 s of CPU with one, 3.3-3.5 s with two, in no more time.
WRITER_THREADS = 1


class TextIndexError(Exception):
    """The full-text index is damaged, missing or not ours: rebuild it."""


class TextIndexBusy(Exception):
    """Another writer (this process or another) kept the full-text index past the wait."""


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("rowid", indexed=True, fast=True)
    for name in (*RANKED_FIELDS, FILTER_FIELD):
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="position")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_float_field("published", fast=True)
    return builder.build()


def _analyzer() -> tantivy.TextAnalyzer:
    # Runs of Unicode letters and digits; no lower-casing or folding (index_text did it).
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()


def index_tokens(text: str) -> list[str]:
    """The terms tantivy indexes for `text` as index_text made it."""
    return list(_analyzer().analyze(text))


def tokens_fingerprint() -> str:
    """reader.text.tokens.tokens_fingerprint, and how tantivy's tokenizer splits the
    probe: a tantivy whose Unicode tables differ (an upgrade) must rebuild the index too."""
    tokens = "\n".join(_analyzer().analyze(index_text(PROBE)))
    digest = hashlib.sha256(tokens.encode("utf-8")).hexdigest()[:16]
    return f"{text_fingerprint()} split {digest}"


def open_text_index(path: Path | None, *, create: bool) -> tantivy.Index:
    """The full-text index in folder `path` (None: in memory, always new). With `create`,
    a folder without one gets a new empty one. Raises TextIndexError when there is none
    (and `create` is false) or it is damaged or of another schema."""
    with text_errors():
        if path is None:
            index = tantivy.Index(schema())
        else:
            exists = path.is_dir() and tantivy.Index.exists(str(path))
            if not exists and not create:
                raise TextIndexError(f"no full-text index in {path.name}")
            if exists:
                index = tantivy.Index.open(str(path))
                _check_fields(index)
            else:
                path.mkdir(parents=True, exist_ok=True)
                index = tantivy.Index(schema(), str(path), reuse=False)
        index.register_tokenizer(TOKENIZER, _analyzer())
        # Searches see what was committed when the engine last reloaded: it reloads when
        # SQLite says the index changed, so both halves are read at the same point.
        index.config_reader(reload_policy="manual")
        return index


_PROBES = {"unsigned": 0, "integer": 0, "float": 0.0, "text": "x"}


def _check_fields(index: tantivy.Index) -> None:
    """Every field of SCHEMA_FIELDS is there, of its kind (the bindings cannot show a
    schema: a term of the wrong kind or an unknown field is refused)."""
    searcher = index.searcher()
    for name, kind in SCHEMA_FIELDS.items():
        try:
            searcher.doc_freq(name, _PROBES[kind])
        except ValueError as error:
            raise TextIndexError(f"the full-text index is not the reader's ({error})") from None


@contextlib.contextmanager
def text_errors() -> Iterator[None]:
    """Tantivy raises ValueError for everything: an operating system error (a full disk)
    becomes OSError with its errno, anything else TextIndexError."""
    try:
        yield
    except ValueError as error:
        raise _translated(error) from error


_OS_ERROR = re.compile(r"os error (\d+)")


def _translated(error: ValueError) -> Exception:
    text = str(error)
    found = _OS_ERROR.search(text)
    if found is not None:
        return OSError(int(found.group(1)), text)
    if "writer was killed" in text or "io::Error" in text:
        # A write failed in one of tantivy's threads, which keeps only that much of why.
        return OSError(errno.EIO, f"the full-text index could not be written ({text})")
    if "LockBusy" in text:
        return TextIndexBusy(text)
    return TextIndexError(text)


class TextWriter:
    """The one writer of a full-text index, for one sync. Made, it holds the index's lock
    (waiting up to `timeout` for another writer to finish); `close()` lets go of it."""

    def __init__(self, index: tantivy.Index, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with text_errors():
                    self._writer = index.writer(WRITER_HEAP_BYTES, WRITER_THREADS)
                break
            except TextIndexBusy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self._pending = False
        self._closed = False

    @property
    def committed(self) -> int:
        """The stamp of the last commit: what SQLite's info row `text_commit` must hold."""
        with text_errors():
            return int(self._writer.commit_opstamp)

    @property
    def pending(self) -> bool:
        """Whether documents were added or deleted since the last commit."""
        return self._pending

    def add(self, document: tantivy.Document) -> None:
        with text_errors():
            self._writer.add_document(document)
        self._pending = True

    def delete(self, rowid: int) -> None:
        with text_errors():
            self._writer.delete_documents_by_term("rowid", rowid)
        self._pending = True

    def delete_all(self) -> None:
        with text_errors():
            self._writer.delete_all_documents()
        self._pending = True

    def commit(self) -> int:
        """Make what was added and deleted searchable (and durable); its stamp."""
        with text_errors():
            stamp = int(self._writer.commit())
        self._pending = False
        return stamp

    def rollback(self) -> None:
        with contextlib.suppress(ValueError):
            self._writer.rollback()
        self._pending = False

    def close(self) -> None:
        """Let go of the lock, once tantivy's merges of small segments are done (they
        run in its threads while the sync goes on)."""
        if not self._closed:
            self._closed = True
            with contextlib.suppress(ValueError):
                self._writer.wait_merging_threads()  # and the writer is gone: no lock


def path_of(database: Path) -> Path:
    """The full-text index folder beside a database file."""
    return database.with_name(database.stem + ".text")
