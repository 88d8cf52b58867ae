"""`reader search` (its lines and --json) and `reader list --json` read each result's
printed values straight from its index row (reader.index.rows.PrintedArticle,
cli_search._source_made); what they print must be, byte for byte, what whole Articles give
(format_row, article_json, snippets: each output's from_articles), on real-shaped
samples, a generated corpus, the hostile corpus and a folder of odd cases."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.corpus import build_corpus, restore_modes
from hypothesis import given
from hypothesis import strategies as st

from reader import cli_search
from reader.articles import ArticleStore, open_store
from reader.index import rows
from reader.index.rows import ArticlePaths, article_path
from reader.model import JsonText
from reader.resources import samples_dir

BENCH = Path(__file__).resolve().parents[2] / "bench"

QUERIES = [
    ("police", False),
    ("burglary", False),
    ("crime", False),
    ("the", False),
    ("kent", False),
    ("café", False),
    ('"county lines"', False),
    ("polic", True),
    ("website", False),  # in metadata values (og.type) rather than bodies
    ("area:kent", False),  # no words: no scores
    ("initiative:patrols", False),
    ("東京", False),
    ("body", False),
    ("x", False),
]


def odd_cases(root: Path) -> Path:
    """Articles whose paths, dates, metadata and bodies take the less common turns."""
    files = {
        "top.md": "---\ntitle: Kent police\ndate: 2020-05-01T10:00:00+02:00\n---\nPolice.\n",
        "a/b/c/deep.md": "---\ntitle: Deep\ntags: [kent, police]\n---\nNothing here.\n",
        "mdx/page.mdx": "import X from 'x'\n\n# Police\n\n<X>kent</X> police report\n",
        "names/con\x1btrol.md": "# Control name\n\npolice in the name folder\n",
        "names/spaced  name .md": "# Spaced\n\nThe police said.\n",
        "cjk/東京.md": "---\ntitle: 東京の警察\n---\n東京で police が。\n",
        "meta/only.md": (
            "---\ntitle: Title police\nog:\n  type: website\n  title: Kent police story\n"
            "description: County lines police\n---\nNo words of the query.\n"
        ),
        "undated.md": "# Café Kent\n\n * Burglary patrols\n * Crime week\n\nThe café.\n",
        "markup.md": "# T\n\n**Police** [kent](https://k.example) `crime` <b>x</b> {{< y >}}\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "names").joinpath(b"bad\xff.md".decode("utf-8", "surrogateescape")).write_bytes(
        b"# Bad name\n\npolice kent\n"
    )
    return root


def generated(root: Path) -> Path:
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--count", "300", "--out", str(root)],
        check=True,
        capture_output=True,
    )
    return root


@pytest.fixture(params=["samples", "generated", "hostile", "odd"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    kind = request.param
    if kind == "samples":
        root = samples_dir()
    elif kind == "generated":
        root = generated(tmp_path / "generated")
    elif kind == "hostile":
        root = build_corpus(tmp_path / "hostile").root
    else:
        root = odd_cases(tmp_path / "odd")
    opened = open_store(root)
    try:
        opened.refresh()
        assert opened.source() is not None  # an index on disk, which a worker reads
        yield opened
    finally:
        opened.close()
        if kind == "hostile":
            restore_modes(root)


def test_json_from_index_columns_is_byte_identical_to_whole_articles(
    store: ArticleStore,
) -> None:
    source = store.source()
    assert source is not None
    searcher = store.searcher()
    compared = 0
    for text, prefix in QUERIES:
        query = searcher.parse(text, prefix_last=prefix)
        found = searcher.search_ids(query)
        scores = dict(zip(found.ids, found.scores, strict=True))
        outputs = [cli_search._SearchJson(flag, scores, query) for flag in (False, True)]
        for output in [*outputs, cli_search._SearchLines(query)]:
            general = output.from_articles(store.articles(found.ids))
            columns, count = cli_search._source_made(source, found.ids, output)
            assert columns == general, (text, output)
            assert count == len(found.ids)
        compared += len(found.ids)
    assert compared >= 10  # the queries find something in every corpus


def test_list_json_from_index_columns_is_byte_identical_to_whole_articles(
    store: ArticleStore,
) -> None:
    """`reader list --json` prints the same columns, with no score or snippets."""
    source = store.source()
    assert source is not None
    ids = [row.id for row in store.rows()]
    assert len(ids) >= 5
    for ensure_ascii in (False, True):
        output = cli_search._ListJson(ensure_ascii)
        general = output.from_articles(store.articles(ids))
        columns, _count = cli_search._source_made(source, ids, output)
        assert columns == general, ensure_ascii
        first = json.loads(f"[{columns}]")[0]
        assert "score" not in first and "snippets" not in first


segments = st.sampled_from(["a", "", ".", "..", "b c", "\x1b", "é", "\udcff", "x.md", "\u202e"])


@given(
    root=st.sampled_from(["/", "/tmp/r", "/tmp/r/", "relative", ".", "/tmp/\x1bodd\udcfe"]),
    parts=st.lists(segments, min_size=1, max_size=4),
    root_is_dir=st.booleans(),
)
def testarticle_paths_are_the_paths_of_articles_made_whole(
    root: str, parts: list[str], root_is_dir: bool
) -> None:
    file_id = "/".join(parts)
    paths = ArticlePaths(Path(root), root_is_dir)
    for _twice in range(2):  # the second time from the folder's path kept
        assert paths(file_id) == str(article_path(Path(root), root_is_dir, file_id))


# Any text: surrogates, control characters, quotes, backslashes, non-ASCII.
_TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF))
_VALUE = st.one_of(
    _TEXT,
    st.none(),
    st.integers(),
    st.floats(),  # NaN and the infinities among them
    st.booleans(),
    st.lists(_TEXT),
    st.lists(st.one_of(_TEXT, st.integers(), st.none(), st.floats())),
    st.dictionaries(_TEXT, _TEXT, max_size=3),
)


@given(
    keys=st.lists(_TEXT, min_size=1, max_size=6, unique=True),
    values=st.data(),
    ensure_ascii=st.booleans(),
)
def test_object_json_is_json_dumps(
    keys: list[str], values: st.DataObject, ensure_ascii: bool
) -> None:
    """cli_search.ObjectJson, made of pieces, is json.dumps of the dict byte for byte."""
    drawn = [values.draw(_VALUE) for _key in keys]
    encode = cli_search.ObjectJson(keys, ensure_ascii)
    assert encode(drawn) == json.dumps(
        dict(zip(keys, drawn, strict=True)), ensure_ascii=ensure_ascii
    )


def test_object_json_of_the_printed_shapes() -> None:
    """The values a result holds, each kind written as json.dumps writes it."""
    keys = ["id", "score", "word_count", "snippets", "none"]
    for ensure_ascii in (False, True):
        encode = cli_search.ObjectJson(keys, ensure_ascii)
        for score in (1.5, 0.1 + 0.2, 1e300, float("nan"), float("inf"), -float("inf"), None, 3):
            values = ['a\ud800"\\\x00\x1f\u2028é', score, 2**70, ["x", "\t"], None]
            assert encode(values) == json.dumps(
                dict(zip(keys, values, strict=True)), ensure_ascii=ensure_ascii
            )


@given(st.lists(st.lists(_TEXT, max_size=4), min_size=1, max_size=3), st.booleans())
def test_lists_kept_as_the_index_writes_them_are_printed_as_json_dumps_prints_them(
    lists: list[list[str]], ensure_ascii: bool
) -> None:
    """A list's JSON as the index keeps it (model.JsonText, written by rows._to_json) is
    printed as json.dumps prints the list: as it is, or encoded again where the output is
    ASCII only and it holds other characters (DEL among them)."""
    keys = [f"k{index}" for index in range(len(lists))]
    kept = [JsonText(rows._to_json(values)) for values in lists]
    encode = cli_search.ObjectJson(keys, ensure_ascii)
    expected = json.dumps(dict(zip(keys, lists, strict=True)), ensure_ascii=ensure_ascii)
    assert encode(kept) == expected


def test_lists_kept_with_del_or_accents_are_encoded_again_for_ascii_output() -> None:
    for values in (["\x7f"], ["é"], ["\ud800"], ['"\\\n\x01']):
        for ensure_ascii in (False, True):
            encode = cli_search.ObjectJson(["k"], ensure_ascii)
            expected = json.dumps({"k": values}, ensure_ascii=ensure_ascii)
            assert encode([JsonText(rows._to_json(values))]) == expected
