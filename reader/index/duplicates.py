"""Near-duplicate articles: the same text published more than once (a press release put
out by several forces, a post copied into two folders), found at index time.

Each article's body (folded, as the full-text index has it) is cut into shingles, runs of
SHINGLE_WORDS words; a MinHash signature of SIGNATURE_SIZE numbers estimates how many
shingles two bodies share (the Jaccard similarity of their sets). The signature is made
with one hash per shingle (one-permutation hashing: the shingle's hash picks one of the
signature's slots and the rest of it competes for that slot's minimum; an empty slot
borrows from the next one that is not, so two empty ones agree), so a signature costs
about as much as reading the body once more.

The index keeps the signature (table `minhash`) and its BANDS bands of BAND_ROWS numbers
each as hashes (table `minhash_bands`): two articles whose signatures agree in any band are
candidates, kept when at least SIMILARITY of their signatures agree (a sync writes bands a
few thousand articles at a time: PendingBands). Duplicates are the groups of articles
joined by such pairs (a copy of a copy counts). In each group the *original* is the
earliest dated article, then (same date, or none dated) the first by id (its path); the
others are its *copies*: what `is:duplicate` matches. Undated articles come after dated
ones.

Bodies shorter than MIN_WORDS words have no signature: two short notices saying "no
update today" are not copies of one story.
"""

from __future__ import annotations

import math
import sqlite3
import struct
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

SHINGLE_WORDS = 5
SIGNATURE_SIZE = 64
BAND_ROWS = 4
BANDS = SIGNATURE_SIZE // BAND_ROWS
# The share of signature slots two articles must agree in to be copies of each other.
SIMILARITY = 0.7
MIN_WORDS = 20
# Only the start of a body is signed: copies share their start, and a 16 MB body of
# millions of words would cost seconds and hundreds of MB for nothing more.
SIGNED_CHARS = 100_000

# Python's hash of a tuple is a signed 64-bit number: SIGNATURE_SIZE equal ranges of it
# are the slots; a value is the top 31 bits of the hash's offset in its range.
_SLOT_START = -(2**63)
_SLOT_WIDTH = 2**64 // SIGNATURE_SIZE
_VALUE_SHIFT = (_SLOT_WIDTH.bit_length() - 1) - 31
_EMPTY = 0xFFFFFFFF
_PACK = struct.Struct(f"<{SIGNATURE_SIZE}I")

TABLES = """
CREATE TABLE minhash(rowid INTEGER PRIMARY KEY, signature BLOB NOT NULL);
CREATE TABLE minhash_bands(
    band INTEGER NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY(band, rowid)
) WITHOUT ROWID
"""


def signature(folded_body: str) -> bytes | None:
    """The MinHash signature of a body as reader.text.tokens.index_text makes it (None
    when it is too short to tell).

    Every step over the words runs in C (a few hundred microseconds an article in Python
    loops was a quarter of a cold index): words hashed with crc32, each shingle's hash the
    hash of the tuple of its words' hashes (Python hashes a tuple of ints the same in
    every process, unlike text), sorted; a slot is a range of the 64-bit hashes, found by
    bisection, and its value the smallest hash in it."""
    words = folded_body[:SIGNED_CHARS].encode("utf-8", "surrogatepass").split()
    if len(words) < MIN_WORDS:
        return None
    hashed = list(map(zlib.crc32, words))
    following = [hashed[start:] for start in range(SHINGLE_WORDS)]
    shingles = sorted(map(hash, zip(*following, strict=False)))
    count = len(shingles)
    slots = []
    for slot in range(SIGNATURE_SIZE):
        low = _SLOT_START + slot * _SLOT_WIDTH
        place = bisect_left(shingles, low)
        if place < count and shingles[place] < low + _SLOT_WIDTH:
            slots.append((shingles[place] - low) >> _VALUE_SHIFT)
        else:
            slots.append(_EMPTY)
    _fill_empty(slots)
    return _PACK.pack(*slots)


def _fill_empty(slots: list[int]) -> None:
    """Give each empty slot the value of the next slot that is not (going round), marked
    by how far it borrowed, so that two signatures agree on it only as they agree there."""
    count = len(slots)
    if all(value == _EMPTY for value in slots):
        return
    for slot in range(count):
        if slots[slot] != _EMPTY:
            continue
        step = 1
        while slots[(slot + step) % count] == _EMPTY:
            step += 1
        # Borrowed values have the top bit set (own values never do) and are never _EMPTY.
        borrowed = slots[(slot + step) % count]
        slots[slot] = 0x80000000 | ((borrowed + step * 0x9E3779B1) & 0x7FFFFFFE)


def unpack(packed: bytes) -> tuple[int, ...]:
    return _PACK.unpack(packed)


def similarity(first: bytes, second: bytes) -> float:
    """The share of signature slots two signatures agree in: an estimate of how much of
    their shingles the two bodies share."""
    return _agree(unpack(first), unpack(second))


def _agree(first: Sequence[int], second: Sequence[int]) -> float:
    return sum(a == b for a, b in zip(first, second, strict=True)) / SIGNATURE_SIZE


def bands(packed: bytes) -> list[int]:
    """The band hashes of a signature (signed 64-bit, as SQLite keeps integers)."""
    values = unpack(packed)
    # A tuple of ints hashes the same in every process (see signature): each band's is
    # (band, its BAND_ROWS values), made and hashed in C.
    rows = [values[row::BAND_ROWS] for row in range(BAND_ROWS)]
    return list(map(hash, zip(range(BANDS), *rows, strict=True)))


# -- the index's side: called by reader.index.sync as it writes and removes rows ---------


def store(
    connection: sqlite3.Connection,
    signatures: Iterable[tuple[int, bytes | None]],
    pending: PendingBands | None = None,
) -> None:
    """Keep the signatures (and bands) of newly written articles, by rowid. With
    `pending`, the bands are kept there until write_pending (see PendingBands)."""
    rows = [(rowid, packed) for rowid, packed in signatures if packed is not None]
    if not rows:
        return
    connection.executemany("INSERT INTO minhash(rowid, signature) VALUES (?, ?)", rows)
    band_rows = _band_rows(rows)
    if pending is None:
        _insert_bands(connection, band_rows)
        return
    if not pending.rows:
        # What a sync stopped before writing them (killed) can find again: every
        # signature from here on (rowids only grow) has its bands pending.
        connection.execute(
            "INSERT OR REPLACE INTO info(key, value) VALUES (?, ?)",
            (_PENDING_FROM, min(rowid for rowid, _packed in rows)),
        )
    pending.rows.extend(band_rows)
    if len(pending.rows) >= PENDING_BANDS:
        write_pending(connection, pending)


def _band_rows(signatures: Iterable[tuple[int, bytes]]) -> list[tuple[int, int]]:
    """(band, rowid) rows, as minhash_bands holds them, of (rowid, signature) pairs."""
    rows: list[tuple[int, int]] = []
    for rowid, packed in signatures:
        rows.extend(zip(bands(packed), repeat(rowid)))
    return rows


def _insert_bands(connection: sqlite3.Connection, band_rows: list[tuple[int, int]]) -> None:
    # In the table's order: band hashes are random, and inserted as they come each would
    # land on a page of its own (at 100,000 articles 1.6 million rows took 23 s, most of
    # it writing pages; sorted, a batch's rows go in page by page: 4 s). Sorted by band
    # alone: a third of the time of comparing tuples, and the same rows go in.
    connection.executemany(
        "INSERT OR IGNORE INTO minhash_bands(band, rowid) VALUES (?, ?)",
        sorted(band_rows, key=itemgetter(0)),
    )


class PendingBands:
    """Bands of articles a sync has written, not yet in the index: every write of bands
    touches pages all over the table (its order is the bands' random hashes), so a
    sync writes them PENDING_BANDS at a time, in one of its transactions (writing
    100,000 articles: 15 s of CPU a batch at a time, 3 s so). A copy among the articles read
    last is found once their bands are written: every 4,096 articles and at the end of
    the sync. A sync that stops before (killed) leaves a mark in `info` by which the
    next one writes them (write_missing)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int]] = []


# Band rows (16 an article) kept pending at most: 4,096 articles, about 8 MB.
PENDING_BANDS = 4096 * BANDS
# The info key holding the first rowid whose bands are pending, while some are.
_PENDING_FROM = "bands_pending_from"


def write_pending(connection: sqlite3.Connection, pending: PendingBands) -> None:
    """Write the pending bands (in a write transaction)."""
    _insert_bands(connection, pending.rows)
    pending.rows.clear()
    connection.execute("DELETE FROM info WHERE key = ?", (_PENDING_FROM,))


def bands_missing(connection: sqlite3.Connection) -> bool:
    """Whether a sync stopped (killed) before it wrote the bands it kept pending."""
    return _pending_from(connection) is not None


def _pending_from(connection: sqlite3.Connection) -> int | None:
    row = connection.execute("SELECT value FROM info WHERE key = ?", (_PENDING_FROM,)).fetchone()
    return None if row is None else int(row[0])


def write_missing(connection: sqlite3.Connection) -> None:
    """Write the bands a sync left pending when it stopped (killed), from the
    signatures kept (in a write transaction)."""
    start = _pending_from(connection)
    if start is None:
        return
    signatures = connection.execute(
        "SELECT rowid, signature FROM minhash WHERE rowid >= ?", (start,)
    )
    _insert_bands(connection, _band_rows(signatures))
    connection.execute("DELETE FROM info WHERE key = ?", (_PENDING_FROM,))


def forget(connection: sqlite3.Connection, rowid: int) -> None:
    """Drop an article's signature and bands (found by its bands: one index less to keep
    up as articles are written)."""
    row = connection.execute("SELECT signature FROM minhash WHERE rowid = ?", (rowid,)).fetchone()
    if row is None:
        return
    connection.executemany(
        "DELETE FROM minhash_bands WHERE band = ? AND rowid = ?",
        _band_rows([(rowid, row[0])]),
    )
    connection.execute("DELETE FROM minhash WHERE rowid = ?", (rowid,))


# -- reading: the groups ------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroups:
    """The groups of near-duplicates in an index, each original first."""

    groups: list[list[int]]
    # rowid -> its group (index into groups)
    group_of: dict[int, int]

    def copies(self) -> set[int]:
        """The rowids of every copy (no original): what `is:duplicate` matches."""
        return {rowid for group in self.groups for rowid in group[1:]}


def find_groups(connection: sqlite3.Connection) -> DuplicateGroups:
    """Every group of near-duplicates, each ordered original first (see the module)."""
    parent: dict[int, int] = {}

    def root(rowid: int) -> int:
        while parent.get(rowid, rowid) != rowid:
            grand = parent.get(parent[rowid], parent[rowid])
            parent[rowid] = grand
            rowid = grand
        return rowid

    signatures: dict[int, tuple[int, ...]] = {}
    for members in _candidate_sets(connection):
        missing = [rowid for rowid in members if rowid not in signatures]
        signatures.update(_signatures(connection, missing))
        # Each member joins the first cluster of this band whose first member it is like
        # (or starts one): a band thousands of articles share (boilerplate) costs members
        # times clusters comparisons, not members squared.
        leaders: list[tuple[int, ...]] = []
        leader_rowids: list[int] = []
        for rowid in members:
            values = signatures.get(rowid)
            if values is None:
                continue
            for leader, leader_rowid in zip(leaders, leader_rowids, strict=True):
                if _agree(values, leader) >= SIMILARITY:
                    first, second = root(rowid), root(leader_rowid)
                    if first != second:
                        parent[first] = second
                    parent.setdefault(second, second)
                    break
            else:
                leaders.append(values)
                leader_rowids.append(rowid)
    by_root: dict[int, list[int]] = {}
    for rowid in parent:
        by_root.setdefault(root(rowid), []).append(rowid)
    groups = [_originals_first(connection, members) for members in by_root.values()]
    groups = [group for group in groups if len(group) > 1]
    groups.sort(key=lambda group: group[0])
    group_of = {rowid: place for place, group in enumerate(groups) for rowid in group}
    return DuplicateGroups(groups, group_of)


def _candidate_sets(connection: sqlite3.Connection) -> Iterator[list[int]]:
    """The rowids that share each band some other article has too."""
    rows = connection.execute(
        "SELECT group_concat(rowid) FROM minhash_bands GROUP BY band HAVING count(*) > 1"
    )
    for (members,) in rows:
        yield sorted(int(rowid) for rowid in members.split(","))


def _signatures(
    connection: sqlite3.Connection, rowids: Sequence[int]
) -> dict[int, tuple[int, ...]]:
    found: dict[int, tuple[int, ...]] = {}
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = connection.execute(
            f"SELECT rowid, signature FROM minhash WHERE rowid IN ({marks})", tuple(chunk)
        )
        found.update((rowid, unpack(packed)) for rowid, packed in rows)
    return found


def _originals_first(connection: sqlite3.Connection, rowids: Sequence[int]) -> list[int]:
    """`rowids` (of articles the index has) earliest dated first, undated last, then by
    id."""
    marks = ", ".join("?" * len(rowids))
    rows = connection.execute(
        f"SELECT rowid, published_key, id FROM articles WHERE rowid IN ({marks})", tuple(rowids)
    ).fetchall()
    rows.sort(key=lambda row: (math.isinf(row[1]), row[1], row[2]))
    return [rowid for rowid, _key, _id in rows]
