"""Property tests for everything that parses file text or typed queries, beyond the
"never raises" ones beside each module (test_split, test_metadata, test_dates,
test_fastbody, test_loading_properties, search/test_query_properties): round trips,
the loader and the renderer agreeing at the markdown limits, and safe output.

Bounded for CI (READER_FUZZ_EXAMPLES examples each, 150 by default); README "Fuzzing"
says how to run them for longer, and fuzz/fuzz.py has coverage-guided targets.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metadata_strings import strings_in

import reader.markdown
from reader.index import ArticleIndex
from reader.limits import MAX_METADATA_DEPTH, MAX_METADATA_VALUES
from reader.loading import parse_article
from reader.loading.body import scan_body
from reader.loading.dates import parse_date
from reader.loading.metadata import parse_block
from reader.loading.split import split_metadata
from reader.model import Article, published_sort_key
from reader.search import QueryError, highlight_spans, parse_query
from reader.text.sanitize import strip_control
from reader.text.tokens import metadata_leaves
from reader.tui.document import layout
from reader.tui.markdown_render import render_markdown

EXAMPLES = int(os.environ.get("READER_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Text without control characters, surrogates, `&` (entities are decoded on purpose)
# or the characters YAML will not carry.
clean_text = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
        blacklist_characters="&\ufeff\ufffe\uffff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u0085",
    ),
    max_size=30,
)


# -- the metadata splitter ------------------------------------------------------------------

_OPENERS = {"yaml": ("---", "---"), "toml": ("+++", "+++"), "fenced-yaml": ("```yaml", "```")}
block_lines = st.lists(st.text(st.characters(blacklist_characters="\r\n"), max_size=20), max_size=8)


@FUZZ
@given(st.sampled_from(sorted(_OPENERS)), block_lines, st.text(max_size=80), st.integers(0, 3))
def test_a_closed_block_splits_back_into_its_block_and_body(
    fmt: str, lines: list[str], body: str, blank_lines: int
) -> None:
    opener, closer = _OPENERS[fmt]
    closes = {"yaml": ("---", "..."), "toml": ("+++",), "fenced-yaml": ("```",)}[fmt]
    lines = [line for line in lines if line.rstrip() not in closes and not line.startswith("```")]
    body = body.replace("\r", "\n").lstrip(" \t\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    text = "\n" * blank_lines + "\n".join([opener, *lines, closer]) + "\n\n" + body
    split = split_metadata(text)
    assert split.format == fmt
    assert split.block == "\n".join(lines)
    assert split.body == body.lstrip("\n") or split.body.strip() == body.strip()
    assert split.block_line == blank_lines + 2


# -- the YAML / TOML wrapper -------------------------------------------------------------

json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), clean_text)
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(clean_text, children, max_size=4)
    ),
    max_leaves=25,
)


def _expected_string(text: str) -> str:
    return text


def _expected(value: Any) -> Any:
    """What parse_block gives for a value: keys on one line, strings as they are."""
    if isinstance(value, dict):
        return {" ".join(str(key).split()): _expected(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expected(item) for item in value]
    return value


@FUZZ
@given(st.dictionaries(clean_text, json_values, max_size=6))
def test_yaml_mappings_round_trip_through_the_metadata_reader(mapping: dict[str, Any]) -> None:
    expected = _expected(mapping)
    if len(expected) != len(mapping):
        return  # two keys the same once on one line
    block = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)
    parsed, warnings = parse_block(block, "yaml", 2)
    assert warnings == []
    assert parsed == expected


yamlish_pieces = st.sampled_from(
    [
        "a: ", "b:\n  c: ", "- ", "&x ", "*x", "&y [", "*y, ", "]", "{", "}", "<<: *x\n",
        "? ", ": ", "!!str ", "!!set ", "!!binary ", "!!python/name:os.system ", "'", '"',
        "\\x1b", "\\u202e", "&#27;", "\n", "\n  ", "2019-02-30", "0x_", "1e999", ".nan",
        "~", "[[", "]]", "= ", '"x"', "[table]", "[[array]]", "\t", "\x85",
        "0x" + "f" * 4_000, "0b" + "1" * 15_000, "1" + ":59" * 1_500, "a.a.a.", "? ",
        "9" * 4_300, "0o" + "7" * 5_000,
    ]
)  # fmt: skip
yamlish = st.lists(st.one_of(yamlish_pieces, clean_text), max_size=40).map("".join)


@FUZZ
@given(yamlish, st.sampled_from(["yaml", "toml"]))
def test_any_metadata_block_gives_bounded_clean_plain_data(block: str, fmt: str) -> None:
    parsed, warnings = parse_block(block, fmt, 2)
    count = 0

    def walk(value: Any, depth: int) -> None:
        nonlocal count
        count += 1
        assert depth <= MAX_METADATA_DEPTH + 1
        if isinstance(value, dict):
            assert all(isinstance(key, str) and "\n" not in key for key in value)
            for item in value.values():
                walk(item, depth + 1)
        elif isinstance(value, list):
            for item in value:
                walk(item, depth + 1)
        else:
            assert value is None or isinstance(value, str | int | float | bool)

    walk(parsed, 0)
    assert count <= MAX_METADATA_VALUES + 1
    for text in strings_in(parsed):
        assert not UNSAFE.search(text)
    assert all("\n" not in warning for warning in warnings)
    # Every value becomes text wherever it is shown or indexed, without raising.
    json.dumps(parsed)
    assert all(isinstance(text, str) for _key, text in metadata_leaves(parsed))


# -- the date parser ---------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.none()
).map(lambda moment: moment.replace(second=0, microsecond=0))
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@FUZZ
@given(moments)
def test_dates_written_as_articles_write_them_read_back(moment: datetime) -> None:
    day_first = f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d}"
    assert parse_date(f"{moment:%H:%M} {day_first}") == moment
    assert parse_date(f"{day_first} {moment:%H:%M}") == moment
    assert parse_date(moment.isoformat()) == moment
    midnight = moment.replace(hour=0, minute=0)
    assert parse_date(f"{moment.day} {moment:%B} {moment.year:04d}") == midnight


@FUZZ
@given(moments, offsets)
def test_aware_dates_read_back_and_sort(moment: datetime, offset: timezone) -> None:
    aware = moment.replace(tzinfo=offset)
    assert parse_date(aware.isoformat()) == aware
    if moment.year >= 1900:
        assert parse_date(format_datetime(aware)) == aware
    published_sort_key(aware)  # the list sorts by it


dateish = st.lists(
    st.one_of(
        st.sampled_from(["/", ":", "-", " ", "T", "Z", "+", ",", "GMT", "Sep", "Fri, ", "."]),
        st.integers(min_value=0, max_value=99999).map(str),
    ),
    max_size=14,
).map("".join)


@FUZZ
@given(st.one_of(dateish, st.text(max_size=40)))
def test_any_date_read_is_one_the_index_and_the_list_can_hold(text: str) -> None:
    moment = parse_date(text)
    if moment is None:
        return
    # The index stores dates as ISO text and reads them back; the list sorts by a key.
    assert datetime.fromisoformat(moment.isoformat()) == moment
    assert isinstance(published_sort_key(moment), float)
    if moment.tzinfo is not None:
        assert moment.astimezone(UTC).tzinfo is UTC or moment.year in (1, 9999)


# -- the initiative extractor, and the renderer agreeing with it -------------------------

markdown_pieces = st.sampled_from(
    [
        "* ", "- ", "+ ", "  * ", "    - ", "1. ", "2) ", "> ", ">> ", "# ", "## ", "\n", "\n\n",
        "```\n", "~~~\n", "    ", "|a|b|\n|-|-|\n", "---\n", "***\n", "text ", "word ",
        "*em* ", "**strong** ", "`code` ", "[link](http://e/) ", "[", "]", "(", ")", "<", ">",
        "&#8238;", "&#27;", "&amp;", "\\", "\t", "<div>", "![alt](x.png)", "\x1b[2J",
        # What real sites add: template tags, callouts, HTML, footnotes, task items.
        "{% assign x = 1 %}\n", "{{< note >}}\n", "{{< /note >}}\n", "{{ page.title }}",
        "{% highlight ruby %}\n", "{% endhighlight %}\n", "{{< ref \"a.md\" >}}",
        "[a]({% link a.md %})", ":::tip[Title]\n", ":::\n", "> [!NOTE]\n", "!!! note\n",
        "[^1]", "[^1]: a note\n", ": a definition\n", "[ ] ", "[x] ", "<b>", "</b>",
        "<br>", "<!-- hidden -->", "<img alt=\"x\">", "{: .lead}\n", "{:toc}\n",
        "<details>\n<summary>S</summary>\n", "</details>\n",
    ]
)  # fmt: skip
markdownish = st.lists(st.one_of(markdown_pieces, clean_text), max_size=50).map("".join)


@FUZZ
@given(markdownish, st.booleans(), st.integers(1, 12), st.integers(20, 400))
def test_loader_and_renderer_count_the_same_initiatives(
    body: str, need_heading: bool, mark_limit: int, char_limit: int
) -> None:
    """Also with small markdown limits, so bodies often cross into plain text."""
    body = strip_control(body)  # as the loader hands bodies on
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader.markdown, "MAX_MARKDOWN_MARKS", mark_limit)
        patch.setattr(reader.markdown, "MAX_MARKDOWN_CHARS", char_limit)
        patch.setattr(reader.markdown, "_COUNTED_FROM_CHARS", 0)
        facts = scan_body(body, need_heading=need_heading)
        blocks, count = render_markdown(body)
    assert count == len(facts.initiatives)
    for item in facts.initiatives:
        assert item and "\n" not in item and not UNSAFE.search(item)
    lines = layout(blocks, 40).lines
    for line in lines:
        assert not UNSAFE.search(line.content.plain)
    plain_text = facts.warning is not None
    assert plain_text == any("plain text" in line.content.plain for line in lines)


@FUZZ
@given(markdownish)
def test_a_whole_article_never_loses_its_body(text: str) -> None:
    article = parse_article(text.replace("\r", "\n"), path=Path("a.md"), article_id="a.md")
    assert isinstance(article, Article)
    # Whatever the metadata did, every word of the text after it is in the body.
    for word in text.split()[-3:]:
        if word.isalnum():
            assert word in article.body or word in str(article.metadata) or word in article.title


# -- the query parser and what runs queries ---------------------------------------------

ARTICLES = [
    parse_article(
        f"---\ntitle: {title}\narea: Kent\ndate: 2019-0{number + 1}-01\n---\n{body}\n",
        path=Path(f"{number}.md"),
        article_id=f"{number}.md",
    )
    for number, (title, body) in enumerate(
        [
            ("Police news", "* Burglary down\n* New officers"),
            ("Café opens", "A café in the high street."),
            ("Escapes [/] $x", "Body with ]0;pwned and [bold] text."),
        ]
    )
]
INDEX = ArticleIndex.temporary(Path("."), in_memory=True)
INDEX.add(ARTICLES)
ENGINE = INDEX.engine()
query_pieces = st.sampled_from(
    [
        '"', "(", ")", "-", ":", " ", "OR", " OR ", "title:", "body:", "area:", "after:",
        "before:", "date:", "is:", "2019", "2019-13", "police", "café", "burglary", "[/]",
        "]0;", "pwned", "*", "\x1b", "\u202e", "\t", "\n",
    ]
)  # fmt: skip
queries = st.one_of(
    st.text(max_size=30), st.lists(st.one_of(query_pieces, clean_text), max_size=15).map("".join)
)


@FUZZ
@given(queries, st.booleans())
def test_any_query_runs_or_is_a_query_error(text: str, prefix_last: bool) -> None:
    try:
        node = ENGINE.parse(text, prefix_last=prefix_last, flags=())
    except QueryError as error:
        assert 0 <= error.position <= len(text)
        return
    assert node == parse_query(
        text, metadata_keys=ENGINE.metadata_keys, flags=(), prefix_last=prefix_last
    )
    results = ENGINE.search(node)
    assert {result[0].id for result in results} <= {article.id for article in ARTICLES}
    for article in ARTICLES:
        for field, value in (("title", article.title), ("body", article.body)):
            spans = highlight_spans(value, node, field=field)
            assert spans == sorted(spans)
            assert all(0 <= start < end <= len(value) for start, end in spans)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


# -- removing control characters -----------------------------------------------------------

controls = st.sampled_from(
    [*map(chr, range(0x20)), "\x7f", *map(chr, range(0x80, 0xA0)), "\u202e", "\u2066", "\ufeff"]
)


@FUZZ
@given(st.lists(st.one_of(controls, st.text(max_size=5)), max_size=30), st.booleans())
def test_every_control_character_goes_however_many_kinds_and_however_long(
    pieces: list[str], long: bool
) -> None:
    piece = "".join(pieces)
    # Long: past the slice strip_control cleans at a time.
    repeats = (1 << 20) // (len(piece) + 1) + 2 if long else 1
    expected = "".join(c for c in piece if c in "\t\n" or not (UNSAFE.match(c) or c == "\ufeff"))
    assert strip_control(piece * repeats) == expected * repeats
