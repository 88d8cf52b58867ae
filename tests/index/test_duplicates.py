"""Near-duplicates found at index time: which articles are copies of which, the
original of a group, `is:duplicate`, and keeping up as files change."""

from __future__ import annotations

import importlib
import random
from pathlib import Path

import pytest

from reader.index import ArticleIndex
from reader.index import duplicates as dup
from reader.loading import parse_article
from reader.model import Article
from tests.index.conftest import write

sync_module = importlib.import_module("reader.index.sync")  # (reader.index.sync: a function)

_WORDS = [f"{stem}{n}" for stem in ("fox", "kent", "road", "theft", "plan") for n in range(400)]


def story(seed: int, words: int = 200) -> str:
    """A body of `words` random words: two seeds share next to no shingles."""
    pick = random.Random(seed)
    return " ".join(pick.choice(_WORDS) for _ in range(words))


def edited(body: str, changes: int, seed: int = 0) -> str:
    """`body` with `changes` words replaced here and there (a republished release)."""
    words = body.split()
    pick = random.Random(seed)
    for place in pick.sample(range(len(words)), changes):
        words[place] = "changed"
    return " ".join(words)


def front(name: str, body: str, date: str | None = None) -> Article:
    header = f"title: {name}\n" + (f"date: {date}\n" if date else "")
    return parse_article(f"---\n{header}---\n{body}\n", path=Path(name), article_id=name)


def index_of(*articles: Article) -> ArticleIndex:
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(articles)
    return index


def group_ids(index: ArticleIndex, article_id: str) -> list[str]:
    return [row.id for row in index.engine().duplicate_group(article_id)]


def test_similarity_estimates_the_share_of_shingles_in_common() -> None:
    body = story(1)
    same = dup.signature(body)
    assert same is not None
    assert dup.similarity(same, same) == 1.0
    near = dup.signature(edited(body, 2))
    other = dup.signature(story(2))
    assert near is not None and other is not None
    assert dup.similarity(same, near) >= 0.8
    assert dup.similarity(same, other) < 0.1


def test_a_short_body_has_no_signature() -> None:
    assert dup.signature("a few words only") is None
    assert dup.signature(story(1, words=dup.MIN_WORDS - 1)) is None
    assert dup.signature(story(1, words=dup.MIN_WORDS)) is not None


def test_copies_are_grouped_with_the_earliest_dated_first() -> None:
    release = story(7)
    index = index_of(
        front("kent/release.md", release, "2020-03-02"),
        front("essex/release.md", edited(release, 2, seed=1), "2020-03-01"),
        front("surrey/release.md", edited(release, 3, seed=2)),  # undated: last
        front("other.md", story(8), "2019-01-01"),
    )
    expected = ["essex/release.md", "kent/release.md", "surrey/release.md"]
    assert group_ids(index, "kent/release.md") == expected
    assert group_ids(index, "surrey/release.md") == expected
    assert group_ids(index, "other.md") == []
    engine = index.engine()
    copies = ["kent/release.md", "surrey/release.md"]
    assert sorted(engine.search("is:duplicate").ids()) == copies
    assert sorted(engine.search("-is:duplicate").ids()) == ["essex/release.md", "other.md"]


def test_same_date_or_none_the_first_path_is_the_original() -> None:
    release = story(3)
    index = index_of(
        front("b/post.md", release, "2021-05-05"),
        front("a/post.md", release, "2021-05-05"),
        front("d/post.md", story(4)),
        front("c/post.md", story(4)),
    )
    engine = index.engine()
    assert sorted(engine.search("is:duplicate").ids()) == ["b/post.md", "d/post.md"]
    assert group_ids(index, "d/post.md") == ["c/post.md", "d/post.md"]


def test_a_copy_of_a_copy_is_in_the_same_group() -> None:
    first = story(5, words=600)
    second = edited(first, 14, seed=1)
    third = edited(second, 14, seed=2)
    signatures = [dup.signature(body) or b"" for body in (first, second, third)]
    # One and three are too far apart to be copies of each other; two joins them.
    assert dup.similarity(signatures[0], signatures[2]) < dup.SIMILARITY
    assert dup.similarity(signatures[0], signatures[1]) >= dup.SIMILARITY
    assert dup.similarity(signatures[1], signatures[2]) >= dup.SIMILARITY
    index = index_of(
        front("one.md", first, "2020-01-01"),
        front("two.md", second, "2020-01-02"),
        front("three.md", third, "2020-01-03"),
    )
    assert group_ids(index, "three.md") == ["one.md", "two.md", "three.md"]


def test_a_different_story_on_the_same_topic_is_no_copy() -> None:
    # Half the text in common (a shared boilerplate paragraph) is not a copy.
    shared = story(9, words=100)
    index = index_of(
        front("one.md", shared + " " + story(10, words=100)),
        front("two.md", shared + " " + story(11, words=100)),
    )
    assert group_ids(index, "one.md") == []
    assert index.engine().search("is:duplicate").ids() == []


def test_is_duplicate_combines_with_words() -> None:
    release = story(12) + " burglary"
    index = index_of(
        front("a.md", release, "2020-01-01"),
        front("b.md", release, "2020-01-02"),
        front("c.md", story(13) + " burglary"),
    )
    engine = index.engine()
    assert sorted(engine.search("burglary -is:duplicate").ids()) == ["a.md", "c.md"]
    assert engine.search("burglary is:duplicate").ids() == ["b.md"]


def test_groups_follow_the_folder_as_files_change(root: Path) -> None:
    release = story(20)
    write(root, "a.md", "A", release, date="2020-01-01")
    write(root, "b.md", "B", release, date="2020-01-02")
    write(root, "c.md", "C", story(21), date="2020-01-03")
    with ArticleIndex.open(root) as index:
        index.sync(workers=1)
        assert index.engine().search("is:duplicate").ids() == ["b.md"]
        # The original goes: its copy is no copy of anything now.
        (root / "a.md").unlink()
        index.sync(workers=1)
        assert index.engine().search("is:duplicate").ids() == []
        # Another file becomes a copy of b.
        write(root, "c.md", "C", release, date="2020-01-03")
        index.sync(workers=1)
        assert index.engine().search("is:duplicate").ids() == ["c.md"]
        assert group_ids(index, "c.md") == ["b.md", "c.md"]
        # What a removed or changed article had is gone: a signature and its bands each.
        connection = index._opened.connection
        assert connection.execute("SELECT count(*) FROM minhash").fetchone()[0] == 2
        bands = connection.execute("SELECT count(*) FROM minhash_bands").fetchone()[0]
        assert bands == 2 * dup.BANDS
    # Kept in the cache: a new session finds the same without reading a file.
    with ArticleIndex.open(root) as index:
        assert index.engine().search("is:duplicate").ids() == ["c.md"]


def test_a_band_shared_by_thousands_is_not_quadratic() -> None:
    # Every body the same: one group, found in one pass over the members.
    body = story(30)
    index = index_of(*(front(f"{n:04}.md", body, "2020-01-01") for n in range(1500)))
    copies = index.engine().search("is:duplicate", limit=5)
    assert copies.total == 1499


def test_a_signature_is_the_same_in_every_process() -> None:
    # Worker processes make them (each with its own string hash seed): they must agree.
    import subprocess
    import sys

    body = story(40)
    script = (
        "import sys; from reader.index.duplicates import signature; "
        "sys.stdout.write(signature(sys.stdin.read()).hex())"
    )
    made = {
        subprocess.run(
            [sys.executable, "-c", script],
            input=body,
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "random")
    }
    assert made == {(dup.signature(body) or b"").hex()}


def test_only_the_start_of_a_long_body_is_signed() -> None:
    # A 16 MB body would otherwise cost seconds and hundreds of MB (millions of shingles).
    body = story(50, words=40_000)
    assert len(body) > dup.SIGNED_CHARS
    assert dup.signature(body) == dup.signature(body[: dup.SIGNED_CHARS])
    assert dup.signature(body) != dup.signature(story(50, words=40_000)[: dup.SIGNED_CHARS // 2])


def _signature_by_definition(folded_body: str) -> bytes | None:
    """The signature as the module describes it, one shingle at a time: each slot's
    value the smallest offset in its range of the shingles' hashes, an empty slot
    borrowing from the next that is not, going round."""
    import struct
    import zlib

    words = folded_body[: dup.SIGNED_CHARS].encode("utf-8", "surrogatepass").split()
    if len(words) < dup.MIN_WORDS:
        return None
    hashed = [zlib.crc32(word) for word in words]
    width = 2**64 // dup.SIGNATURE_SIZE
    empty = 0xFFFFFFFF
    slots = [empty] * dup.SIGNATURE_SIZE
    for start in range(len(hashed) - dup.SHINGLE_WORDS + 1):
        offset = hash(tuple(hashed[start : start + dup.SHINGLE_WORDS])) + 2**63
        slot, value = divmod(offset, width)
        slots[slot] = min(slots[slot], value >> ((width.bit_length() - 1) - 31))
    if any(value != empty for value in slots):
        # In order, each from the slots as filled so far (the last may borrow from the
        # first, filled from another).
        for slot in range(dup.SIGNATURE_SIZE):
            step = 0
            while slots[(slot + step) % dup.SIGNATURE_SIZE] == empty:
                step += 1
            if step:
                borrowed = slots[(slot + step) % dup.SIGNATURE_SIZE]
                slots[slot] = 0x80000000 | ((borrowed + step * 0x9E3779B1) & 0x7FFFFFFE)
    return struct.pack(f"<{dup.SIGNATURE_SIZE}I", *slots)


@pytest.mark.parametrize("seed", range(40))
def test_a_signature_is_what_its_definition_says(seed: int) -> None:
    # Bodies of every length from none to a few thousand words, from small vocabularies
    # (many slots empty, repeated shingles) to large ones, some over SIGNED_CHARS.
    pick = random.Random(seed)
    vocabulary = _WORDS[: pick.choice((1, 2, 5, 50, 2000))]
    for words in (0, dup.MIN_WORDS - 1, dup.MIN_WORDS, 21, 24, 30, 64, 200, pick.randrange(3000)):
        body = " ".join(pick.choice(vocabulary) for _ in range(words))
        assert dup.signature(body) == _signature_by_definition(body), (seed, words)
    long_body = story(seed, words=pick.randrange(10_000, 20_000))
    assert dup.signature(long_body) == _signature_by_definition(long_body)


def _copies_folder(root: Path) -> list[str]:
    """Nine files, three stories each written three times (some edited), read two at a
    time by the sync; the copies, as `is:duplicate` lists them."""
    for story_seed in range(3):
        release = story(60 + story_seed)
        for copy in range(3):
            body = edited(release, copy, seed=copy) if copy else release
            write(
                root,
                f"s{story_seed}c{copy}.md",
                f"S{story_seed}",
                body,
                date=f"2020-01-0{copy + 1}",
            )
    return sorted(f"s{story_seed}c{copy}.md" for story_seed in range(3) for copy in (1, 2))


def _band_rows(index: ArticleIndex) -> int:
    return int(index._opened.connection.execute("SELECT count(*) FROM minhash_bands").fetchone()[0])


def test_bands_kept_pending_for_a_while_find_the_same_copies(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync writes bands a few thousand articles at a time: here every three articles,
    read two at a time, so some wait over a batch and the last wait for the end."""
    copies = _copies_folder(root)
    monkeypatch.setattr(sync_module, "CHUNK_SIZE", 2)
    monkeypatch.setattr(dup, "PENDING_BANDS", 3 * dup.BANDS)
    monkeypatch.setattr(sync_module, "COMMIT_SECONDS", 0)
    with ArticleIndex.open(root) as index:
        during: list[list[str]] = []
        # The reader searches as rows come in; its engine, made then, is told when the
        # last bands are written (after the last rows).
        index.sync(
            workers=1,
            on_batch=lambda _rows, _done, _total: during.append(
                index.engine().search("is:duplicate").ids()
            ),
        )
        assert during[-1] != copies
        assert sorted(index.engine().search("is:duplicate").ids()) == copies
        assert _band_rows(index) == 9 * dup.BANDS
        assert not dup.bands_missing(index._opened.connection)


def test_bands_a_stopped_sync_kept_pending_are_written_by_the_next(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync stopped (killed) before it wrote the bands it kept: the next one writes
    them from the signatures kept, and finds every copy."""
    copies = _copies_folder(root)
    monkeypatch.setattr(sync_module, "CHUNK_SIZE", 2)

    def stopped(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as stop:
        stop.setattr(sync_module, "write_pending", stopped)
        with ArticleIndex.open(root) as index, pytest.raises(KeyboardInterrupt):
            index.sync(workers=1)
    with ArticleIndex.open(root) as index:
        assert dup.bands_missing(index._opened.connection)
        assert _band_rows(index) == 0
        engine = index.engine()
        assert engine.search("is:duplicate").ids() == []  # the bands are missing
        index.sync(workers=1)  # nothing changed in the folder: only the bands are written
        # An engine made before knows its copies are out of date.
        assert sorted(engine.search("is:duplicate").ids()) == copies
        assert sorted(index.engine().search("is:duplicate").ids()) == copies
        assert _band_rows(index) == 9 * dup.BANDS
        assert not dup.bands_missing(index._opened.connection)


def test_band_hashes_are_the_hashes_of_each_band_and_its_values() -> None:
    # (The index keeps them: made another way, they must stay the same numbers.)
    pick = random.Random(7)
    for _ in range(200):
        packed = pick.randbytes(4 * dup.SIGNATURE_SIZE)
        values = dup.unpack(packed)
        expected = [
            hash((band, *values[band * dup.BAND_ROWS : (band + 1) * dup.BAND_ROWS]))
            for band in range(dup.BANDS)
        ]
        assert dup.bands(packed) == expected
