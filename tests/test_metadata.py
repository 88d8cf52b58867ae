"""parse_block, lookup, flatten, text_of: metadata from YAML and TOML, made safe and plain."""

from __future__ import annotations

import json
import threading
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile.test_load import finishes
from hypothesis import given
from hypothesis import strategies as st

from reader.limits import MAX_METADATA_VALUES
from reader.loading import metadata, parse_article
from reader.loading.metadata import lookup, parse_block, text_of
from reader.model import flatten
from reader.text.tokens import metadata_leaves


def test_yaml_mapping_is_parsed() -> None:
    parsed, warnings = parse_block("title: A\ntags: [x, y]\nog:\n  url: http://e/\n", "yaml", 2)
    assert parsed == {"title": "A", "tags": ["x", "y"], "og": {"url": "http://e/"}}
    assert warnings == []


def test_the_c_loader_is_used_when_libyaml_is_present() -> None:
    expected = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader
    assert issubclass(metadata.YamlLoader, expected)


@pytest.mark.parametrize(
    "value", ["2019-02-30", "2019-13-01", "0000-01-01", "0x_", "0b_", "-0b_", "!!float abc"]
)
def test_a_scalar_that_only_looks_like_a_date_or_number_stays_text(value: str) -> None:
    parsed, warnings = parse_block(f"title: Kept\nx: {value}\narea: North\n", "yaml", 2)
    assert parsed == {"title": "Kept", "x": value.removeprefix("!!float "), "area": "North"}
    assert warnings == []
    # Only our loader is lenient: PyYAML's own stays as it was.
    with pytest.raises(ValueError):
        yaml.load(f"x: {value}", Loader=yaml.SafeLoader)


def test_toml_table_is_parsed() -> None:
    parsed, warnings = parse_block('title = "A"\n[extra]\nn = 3\n', "toml", 2)
    assert parsed == {"title": "A", "extra": {"n": 3}}
    assert warnings == []


def test_dates_become_iso_text() -> None:
    parsed, _ = parse_block("d: 2019-09-27\nt: 2019-09-27 07:45:00\n", "yaml", 2)
    assert parsed == {"d": "2019-09-27", "t": "2019-09-27T07:45:00"}
    parsed, _ = parse_block("d = 2019-09-27T07:45:00+01:00\nt = 07:45:00\n", "toml", 2)
    assert parsed == {"d": "2019-09-27T07:45:00+01:00", "t": "07:45:00"}


def test_values_are_only_json_types() -> None:
    parsed, _ = parse_block(
        "n: .nan\ni: .inf\nb: !!binary aGVsbG8=\ns: !!set {a: null, b: null}\nf: 1.5\nx: true\n",
        "yaml",
        2,
    )
    assert parsed == {
        "n": "nan",
        "i": "inf",
        "b": "<5 bytes of binary data>",
        "s": ["a", "b"],
        "f": 1.5,
        "x": True,
    }


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        ("- a\n- b\n", "a list"),
        ("just words\n", "a single str value"),
        ("42\n", "a single int value"),
    ],
)
def test_a_block_that_is_not_a_mapping_is_ignored_with_a_warning(block: str, kind: str) -> None:
    parsed, warnings = parse_block(block, "yaml", 2)
    assert parsed == {}
    assert len(warnings) == 1
    assert kind in warnings[0]
    assert "not a mapping" in warnings[0]


@pytest.mark.parametrize("block", ["", "~\n", "null\n", "# only a comment\n"])
def test_an_empty_or_null_block_is_no_metadata_and_no_warning(block: str) -> None:
    assert parse_block(block, "yaml", 2) == ({}, [])


def test_invalid_yaml_warning_names_the_file_line() -> None:
    # Block line 2 is `bad: x: y`; the block starts on file line 5.
    parsed, warnings = parse_block("title: ok\nbad: x: y\nmore: 1\n", "yaml", 5)
    assert parsed == {}
    assert len(warnings) == 1
    assert "YAML error at line 6" in warnings[0]
    assert "\n" not in warnings[0]


def test_invalid_toml_warning_names_the_file_line() -> None:
    # Block line 2 is the bad one; the block starts on file line 5.
    parsed, warnings = parse_block('title = "A"\nother = \n', "toml", 5)
    assert parsed == {}
    assert len(warnings) == 1
    assert warnings[0].startswith("metadata: TOML error")
    assert "(at line 6, column" in warnings[0]


@pytest.mark.parametrize(
    "block",
    [
        "x: !!python/object/apply:os.system ['echo hacked']\n",
        "x: !!python/name:os.system\n",
        "x: !!binary zz\n",
    ],
)
def test_hostile_or_broken_yaml_is_a_warning_not_an_exception(block: str) -> None:
    parsed, warnings = parse_block(block, "yaml", 2)
    assert parsed == {}
    assert len(warnings) == 1


def test_billion_laughs_is_cut_off_with_a_warning() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines.append("title: laughing")
    result: list[tuple[dict[str, Any], list[str]]] = []
    # Fully expanded this is 9**10 strings: it would never finish. A thread and a
    # generous join tell "cut off" from "still expanding" without timing anything.
    worker = threading.Thread(
        target=lambda: result.append(parse_block("\n".join(lines), "yaml", 2))
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "alias expansion was not bounded"
    parsed, warnings = result[0]
    assert parsed == {}
    assert len(warnings) == 1
    assert f"{MAX_METADATA_VALUES:,} values" in warnings[0]


def test_aliases_within_the_budget_are_expanded() -> None:
    parsed, warnings = parse_block(
        "base: &b {x: 1}\ncopy: *b\nmerged:\n  <<: *b\n  y: 2\n", "yaml", 2
    )
    assert parsed == {"base": {"x": 1}, "copy": {"x": 1}, "merged": {"x": 1, "y": 2}}
    assert warnings == []


@pytest.mark.parametrize("block", ["a: &a [*a]\n", "a: &a {self: *a}\n", "a: &a [1, [2, *a]]\n"])
def test_self_referencing_anchor_terminates_with_a_warning(block: str) -> None:
    parsed, warnings = parse_block(block, "yaml", 2)
    assert parsed == {}
    assert len(warnings) == 1
    assert "levels" in warnings[0]


def test_non_text_keys_are_read_as_text_with_a_warning() -> None:
    parsed, warnings = parse_block("2019: year\n1.5: float\n~: nothing\ntitle: T\n", "yaml", 2)
    assert parsed == {"2019": "year", "1.5": "float", "None": "nothing", "title": "T"}
    assert warnings == ["3 metadata keys are not text ('2019', '1.5', 'None'); read as text"]


def test_list_and_mapping_keys_are_read_as_text_instead_of_losing_the_block() -> None:
    parsed, warnings = parse_block(
        "? [a, b]\n: c\n? {k: v}\n: d\n&r [*r]: e\ntitle: Kept\n", "yaml", 2
    )
    assert parsed == {"[a, b]": "c", "{k: v}": "d", "&r [*r]": "e", "title": "Kept"}
    assert len(warnings) == 1
    assert "3 metadata keys are not text" in warnings[0]


def test_a_key_that_aliases_a_billion_values_is_read_as_written_not_spelled_out() -> None:
    levels = ["&a0 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"&a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    block = "? [" + ", ".join(levels) + "]\n: v\nother: *a8\n? *a8\n: w\n"
    parsed, warnings = finishes(lambda: parse_block(block, "yaml", 2))
    # 9**9 values: the walk refuses the block for the value that uses them, not the keys.
    assert parsed == {}
    assert f"{MAX_METADATA_VALUES:,} values" in warnings[0]
    parsed, warnings = finishes(lambda: parse_block(block.replace("other: *a8\n", ""), "yaml", 2))
    (first, second) = parsed
    assert first.startswith("[&a0 [lol, lol,") and first.endswith("…")
    assert len(first) == 201
    assert second == "&a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]"


def test_thousands_of_non_text_keys_give_one_warning() -> None:
    parsed, warnings = parse_block("\n".join(f"{n}: v" for n in range(5_000)), "yaml", 2)
    assert len(parsed) == 5_000
    assert warnings == [
        "5,000 metadata keys are not text ('0', '1', '2', '3', '4', …); read as text"
    ]


def test_entities_are_decoded_in_keys_and_values() -> None:
    parsed, _ = parse_block(
        'title: "Fish &amp; chips &#8217;n&#x2019; peas"\nlist: [\'a &lt; b\']\n"k&amp;y": v\n',
        "yaml",
        2,
    )
    assert parsed == {"title": "Fish & chips ’n’ peas", "list": ["a < b"], "k&y": "v"}


def test_control_characters_are_removed_from_keys_and_values() -> None:
    # Escapes in a YAML double-quoted string and entities both produce control characters.
    parsed, _ = parse_block(
        'title: "A\\x1b[2J\\u009bB\\u202eC"\n"k\\x07ey": "&#27;v\\tw"\nnested: ["x\\x00y"]\n',
        "yaml",
        2,
    )
    # Only the control characters go: the visible rest of an escape sequence stays.
    assert parsed == {"title": "A[2JBC", "key": "v\tw", "nested": ["xy"]}


def test_oversized_block_is_ignored_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metadata, "MAX_METADATA_BYTES", 1024)
    parsed, warnings = parse_block("title: " + "x" * 2000 + "\n", "yaml", 2)
    assert parsed == {}
    assert len(warnings) == 1
    assert "over the 1 KB limit" in warnings[0]


def test_too_deep_nesting_is_ignored_with_a_warning() -> None:
    block = "a: " + "[" * 80 + "]" * 80 + "\n"
    parsed, warnings = parse_block(block, "yaml", 2)
    assert parsed == {}
    assert len(warnings) == 1


def test_lookup_matches_nested_and_flat_keys_case_insensitively() -> None:
    nested = {"og": {"title": "Nested"}}
    flat = {"og:title": "Flat"}
    dotted = {"OG.Title": "Dotted"}
    assert lookup(nested, "og.title") == "Nested"
    assert lookup(flat, "og.title") == "Flat"
    assert lookup(dotted, "og.title") == "Dotted"
    assert lookup({"Publish": {"Date": "07:45 27/09/2019"}}, "publish.date") == "07:45 27/09/2019"
    assert lookup({"og": {"article": {"published_time": "t"}}}, "og.article.published_time") == "t"


def test_lookup_does_not_match_a_key_prefix() -> None:
    assert lookup({"ogx": {"title": "no"}}, "og.title") is None
    assert lookup({"titles": "no"}, "title") is None
    assert lookup({"og": "not a mapping"}, "og.title") is None


def test_flatten_gives_dotted_leaves() -> None:
    data = {"og:title": "T", "publish": {"date": "d"}, "tags": ["a", "b"], "authors": [{"n": "x"}]}
    assert list(flatten(data)) == [
        ("og.title", "T"),
        ("publish.date", "d"),
        ("tags", ["a", "b"]),
        ("authors.n", "x"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  a\n  b ", "a b"),
        (["", None, "first", "second"], "first"),
        ([], None),
        ("", None),
        (None, None),
        ({"a": 1}, None),
        (3, "3"),
    ],
)
def test_text_of(value: object, expected: str | None) -> None:
    assert text_of(value) == expected


_YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "\n",
                "  ",
                "- ",
                ": ",
                "&a ",
                "*a",
                "!!",
                "!!python/object ",
                "{",
                "}",
                "[",
                "]",
                "?",
                "'",
                '"',
                "|",
                ">",
                "#",
                "---",
                "...",
                "<<: ",
                "%YAML 1.1",
                "\t",
                "&amp;",
                "\\x1b",
                "=",
                "[table]",
                "\x85",
                "\u2028",
            ]
        ),
        st.text(max_size=6),
    ),
    max_size=40,
).map("".join)


@given(_YAMLISH, st.sampled_from(["yaml", "fenced-yaml", "toml"]))
def test_parse_block_never_raises_and_returns_a_mapping(block: str, fmt: str) -> None:
    parsed, warnings = parse_block(block, fmt, 2)
    assert isinstance(parsed, dict)
    assert all(isinstance(key, str) for key in parsed)
    assert all(isinstance(warning, str) and "\n" not in warning for warning in warnings)


# -- numbers: every value's text is made by the loader, within the limits ------------------

LONG = "more than 4,300 digits"


@pytest.mark.parametrize(
    ("fmt", "value", "written"),
    [
        # Python reads these (no digit limit for these bases) but str() of them raises.
        ("yaml", "0x" + "f" * 4_000, "0x" + "f" * 4_000),
        ("toml", "0x" + "f" * 4_000, "0x" + "f" * 4_000),
        ("toml", "0o" + "7" * 6_000, hex(int("7" * 6_000, 8))),
        ("yaml", "0b" + "1" * 20_000, "0b" + "1" * 20_000),
        ("yaml", "-0x" + "F" * 4_000, "-0x" + "F" * 4_000),
        ("yaml", "!!int 0x" + "f" * 4_000, "0x" + "f" * 4_000),
        # YAML 1.1 base 60: 3,001 parts, built with a multiplication per part.
        ("yaml", "1" + ":30" * 3_000, "1" + ":30" * 3_000),
        ("yaml", "1" + "0" * 6_000, "1" + "0" * 6_000),
        ("yaml", "1." + "5" * 5_000, "1." + "5" * 5_000),
    ],
    ids=["yaml-hex", "toml-hex", "toml-octal", "yaml-binary", "yaml-negative-hex",
         "yaml-tagged", "yaml-base-60", "yaml-decimal", "yaml-float"],
)  # fmt: skip
def test_a_number_too_long_to_be_text_is_kept_as_written_with_a_warning(
    fmt: str, value: str, written: str
) -> None:
    tag = value.startswith("!!")
    block = (
        f'title = "T"\nn = {value}\n[table]\nlist = [1, {value}]\n'
        if fmt == "toml"
        else f"title: T\nn: {value}\ntable:\n  list: [1, {value}]\n"
    )
    parsed, warnings = parse_block(block, fmt, 2)
    assert parsed == {"title": "T", "n": written, "table": {"list": [1, written]}}
    assert type(parsed["n"]) is str
    if not tag:
        assert warnings == [f"2 metadata numbers have {LONG} ('n', 'list'); kept as text"]


def test_a_number_within_the_limit_stays_a_number() -> None:
    digits = "9" * 4_300
    parsed, warnings = parse_block(f"n: {digits}\nh: 0x{'f' * 3_500}\n", "yaml", 2)
    assert parsed == {"n": int(digits), "h": int("f" * 3_500, 16)}
    assert warnings == []


def test_a_key_too_long_to_be_a_number_is_read_as_text() -> None:
    key = "0x" + "f" * 4_000
    parsed, warnings = parse_block(f"? {key}\n: v\ntitle: T\n", "yaml", 2)
    assert parsed == {key: "v", "title": "T"}
    assert warnings == [f"metadata number in {key[:40]!r} has {LONG}; kept as text"]


@pytest.mark.parametrize("fmt", ["yaml", "toml"])
def test_no_value_the_loader_hands_on_fails_to_become_text(fmt: str) -> None:
    """What search, the index, JSON output and the metadata pane do with a value: none
    of it may raise outside the loader, whatever the number was."""
    values = ["0x" + "f" * 4_000, "0b" + "1" * 15_000, "0o" + "7" * 5_000, "1" + ":0" * 2_000]
    values = values[:3] if fmt == "toml" else values
    block = "\n".join(
        f"k{n} = [{value}, {{x = {value}}}]"
        if fmt == "toml"
        else f"k{n}: [{value}, {{x: {value}}}]"
        for n, value in enumerate(values)
    )
    parsed, _ = parse_block(block, fmt, 2)
    assert len(parsed) == len(values)
    article = parse_article(
        ("+++\n" if fmt == "toml" else "---\n")
        + block
        + ("\n+++\n" if fmt == "toml" else "\n---\n"),
        path=Path("n.md"),
        article_id="n.md",
    )
    assert article.metadata == parsed
    json.dumps(article.metadata)
    assert [text for _key, text in metadata_leaves(article.metadata)]
    for _key, value in flatten(article.metadata):
        str(value)
        text_of(value)


def test_an_aliased_number_counts_its_digits_at_every_use() -> None:
    # One 4,299-digit number used 9,000 times: 38 MB of digits to show and to index.
    block = "n: &n " + "9" * 4_299 + "\nmany: [" + ", ".join(["*n"] * 9_000) + "]\n"
    parsed, warnings = parse_block(block, "yaml", 2)
    assert parsed == {}
    assert "KB of text" in warnings[0]


# -- what a block writes is counted before it is parsed -------------------------------------

ITEMS_OR_LEVELS = "writes more than 40,000 keys and values, or nests more than 50 levels"


@pytest.mark.parametrize(
    "block",
    [
        # tomllib's time and memory grow with the square of a key's parts.
        "a." * 50_000 + "a = 1\n",
        "[" + "a." * 250_000 + "a]\nb = 1\n",
        "[[" + "a." * 50_000 + "a]]\nb = 1\n",
        "x = {" + "a . " * 50_000 + "a = 1}\n",
        '"q".' * 30_000 + "a = 1\n",
        "a." * 51 + "a = 1\n",
        # 100,000 values: about 5 us each to parse, only to be refused afterwards.
        "x = [" + "1," * 100_000 + "1]\n",
        "[[t]]\n" * 50_000,
        "\n".join(f"k{n} = {n}" for n in range(25_000)),
    ],
    ids=["dotted-key", "table-header", "array-header", "inline-table", "quoted-parts",
         "52-parts", "many-values", "many-tables", "many-keys"],
)  # fmt: skip
def test_a_toml_block_too_deep_or_too_big_to_parse_is_not_parsed(block: str) -> None:
    parsed, warnings = finishes(lambda: parse_block('title = "T"\n' + block, "toml", 2), 30)
    assert parsed == {}
    assert warnings == [f"metadata block {ITEMS_OR_LEVELS}; ignored"]


def test_toml_dots_and_commas_in_strings_and_comments_are_not_key_parts() -> None:
    dots = "a." * 5_000
    block = (
        f'title = "{dots}"\n'
        f"literal = '{dots}'\n"
        f'multi = """\n{dots}\n""\\""""\n'
        f"raw = '''{dots}''''\n"
        f"# {dots}\n"
        f'"{dots}".b = "{"," * 50_000}"\n' + ".".join(["a"] * 51) + " = 1\n"
    )
    parsed, warnings = parse_block(block, "toml", 2)
    assert warnings == []
    assert parsed == tomllib.loads(block)
    assert parsed["title"] == dots
    assert parsed[dots] == {"b": "," * 50_000}


@pytest.mark.parametrize(
    "block",
    [
        "x: [" + "1, " * 50_000 + "1]\n",
        "\n".join(f"k{n}: [a, b]" for n in range(15_000)),
        "x: " + "[" * 60 + "a" * 40_000 + "]" * 60 + "\n",
    ],
    ids=["many-values", "many-keys", "deep"],
)
def test_a_yaml_block_too_big_to_build_is_not_built(block: str) -> None:
    parsed, warnings = finishes(lambda: parse_block("title: T\n" + block, "yaml", 2), 30)
    assert parsed == {}
    assert warnings == [f"metadata block {ITEMS_OR_LEVELS}; ignored"]


def test_a_big_yaml_block_within_the_limits_is_read() -> None:
    block = "\n".join(f"k{n}: {'v' * 100}" for n in range(5_000)) + "\nlist: [a, b]\n"
    parsed, warnings = parse_block(block, "yaml", 2)
    assert warnings == []
    assert len(parsed) == 5_001


# -- the walk of what fast_yaml reads: a shortcut held to the general one -----------------

_PLAIN_VALUES = st.one_of(
    st.sampled_from(["West Mercia", "en_GB", "a &amp; b", "x &#27;[2J", "x\u202ey", "café"]),
    st.text(alphabet="ab &;#x2\u202e\u200fé", min_size=1, max_size=12).map(lambda t: f"'{t}'"),
    st.sampled_from(['"a\\x1bb"', '"a\\rb"', '"a\\tb"', '"a\\u202eb"', '"caf\\u00e9"', '"&lt;"']),
)


@st.composite
def _plain_blocks(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    lines: list[str] = []
    for number in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(["title", "og:title", "a.b", "url", "k-1", "Area"]))
        key = f"{key}{number}"
        if depth < 3 and draw(st.booleans()):
            lines.append(f"{' ' * indent}{key}:")
            lines.append(draw(_plain_blocks(indent + 2, depth + 1)))
        else:
            lines.append(f"{' ' * indent}{key}: {draw(_PLAIN_VALUES)}")
    return "\n".join(lines)


def _by_the_general_walk(block: str) -> tuple[dict[str, Any], list[str]]:
    """read_block's answer were fast_yaml's mapping walked as PyYAML's is."""
    from reader.loading.fastyaml import fast_yaml

    raw = fast_yaml(block)
    assert raw is not None, block
    expected, warnings = read_block_of(raw)
    return expected, warnings


def read_block_of(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    walk = metadata._Walk()
    try:
        return metadata._normalise_mapping(raw, walk, 0), []
    except metadata._TooLarge:
        return {}, ["too large"]


@given(_plain_blocks())
def test_what_fast_yaml_reads_is_made_plain_as_the_general_walk_makes_it(block: str) -> None:
    parsed = metadata.read_block(block, "yaml", 2)
    assert (parsed.metadata, parsed.warnings) == _by_the_general_walk(block)


@pytest.mark.parametrize(
    "block",
    [
        # Deeper than the walk reads: refused by both.
        "".join(f"{' ' * level}k{level}:\n" for level in range(60)) + " " * 60 + "v: x",
        "".join(f"{' ' * level}k{level}:\n" for level in range(51)) + " " * 51 + "v: x",
        "".join(f"{' ' * level}k{level}:\n" for level in range(50)) + " " * 50 + "v: x",
        # More values than the walk takes, and exactly as many.
        "\n".join(f"k{n}: v" for n in range(MAX_METADATA_VALUES + 1)),
        "\n".join(f"k{n}: v" for n in range(MAX_METADATA_VALUES)),
        "g:\n" + "\n".join(f"  k{n}: v" for n in range(MAX_METADATA_VALUES - 1)),
        "g:\n" + "\n".join(f"  k{n}: v" for n in range(MAX_METADATA_VALUES)),
    ],
    ids=["60 deep", "51 deep", "50 deep", "values+1", "values", "grouped", "grouped+1"],
)
def test_the_walk_of_what_fast_yaml_reads_has_the_general_limits(block: str) -> None:
    parsed = metadata.read_block(block, "yaml", 2)
    expected, warnings = _by_the_general_walk(block)
    assert parsed.metadata == expected
    assert bool(parsed.warnings) == bool(warnings)
