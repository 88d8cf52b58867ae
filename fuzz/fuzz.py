"""Coverage-guided fuzzing of everything that reads file text or typed queries (atheris).

    pip install -e '.[fuzz]'
    python fuzz/fuzz.py article -max_total_time=600     # one target, ten minutes
    python fuzz/fuzz.py query -runs=200000 fuzz/corpus/query   # keep found inputs there

Targets: article (bytes -> decode -> metadata, dates, initiatives -> render and lay out),
metadata (a YAML or TOML block), date, query. Each checks the reader's promises, not
just "no exception": nothing shown holds a control character, the loader and renderer
count the same initiatives, every limit holds. A broken promise is an AssertionError,
and atheris saves the input that caused it (crash-<hash>) for a regression test.
The hypothesis versions of these checks run in CI: tests/hostile/test_properties.py.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import atheris

# The tests' helpers (strings_in) live beside the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from metadata_strings import strings_in

with atheris.instrument_imports():
    from reader.index import ArticleIndex
    from reader.limits import MAX_METADATA_VALUES, MAX_SHOWN_LINES, MAX_TITLE_CHARS
    from reader.links import check_link
    from reader.loading import decode, parse_article
    from reader.loading.dates import parse_date
    from reader.loading.metadata import parse_block
    from reader.model import published_sort_key
    from reader.search import QueryError, highlight_spans
    from reader.text.tokens import metadata_leaves
    from reader.tui.document import layout
    from reader.tui.markdown_render import render_markdown

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def article(data: bytes) -> None:
    decoded = decode(data)
    if isinstance(decoded, str):
        return  # a load problem (NUL bytes): reported, not read
    text, warnings = decoded
    item = parse_article(text, path=Path("fuzz.md"), article_id="fuzz.md", warnings=warnings)
    assert len(item.title) <= MAX_TITLE_CHARS and "\n" not in item.title
    shown = [item.title, item.body, *item.initiatives, *item.warnings, *strings_in(item.metadata)]
    for value in shown:
        assert not UNSAFE.search(value), repr(value[:200])
    blocks, count = render_markdown(item.body, item.title)
    assert count == len(item.initiatives)
    lines = layout(blocks, 60).lines
    assert len(lines) <= MAX_SHOWN_LINES + 1
    for line in lines:
        assert not UNSAFE.search(line.content.plain), repr(line.content.plain)
        for span in line.content.spans:
            link = getattr(span.style, "link", None)
            assert link is None or check_link(link).target == link, link


def metadata(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    fmt = "toml" if provider.ConsumeBool() else "yaml"
    block = provider.ConsumeUnicodeNoSurrogates(len(data))
    parsed, warnings = parse_block(block, fmt, 2)
    values = sum(1 for _ in strings_in(parsed))
    assert values <= 2 * MAX_METADATA_VALUES + 1
    assert all("\n" not in warning for warning in warnings)
    for value in strings_in(parsed):
        assert not UNSAFE.search(value), repr(value[:200])
    # Every value becomes text wherever it is shown or indexed, without raising.
    json.dumps(parsed)
    sum(len(text) for _key, text in metadata_leaves(parsed))


def date(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(200)
    moment = parse_date(text)
    if moment is not None:
        published_sort_key(moment)
        assert type(moment).fromisoformat(moment.isoformat()) == moment


_ARTICLES = [
    parse_article(
        "---\ntitle: Police [/] news\narea: Kent\ndate: 2019-09-27\n---\n* Burglary down\n",
        path=Path("a.md"),
        article_id="a.md",
    )
]
_INDEX = ArticleIndex.temporary(Path("."), in_memory=True)
_INDEX.add(_ARTICLES)
_ENGINE = _INDEX.engine()


def query(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(300)
    try:
        node = _ENGINE.parse(text, prefix_last=True, flags=())
    except QueryError as error:
        assert 0 <= error.position <= len(text)
        return
    _ENGINE.search(node)
    for shown in _ARTICLES:
        spans = highlight_spans(shown.body, node, field="body")
        assert all(0 <= start < end <= len(shown.body) for start, end in spans)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "article": article,
    "metadata": metadata,
    "date": date,
    "query": query,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
