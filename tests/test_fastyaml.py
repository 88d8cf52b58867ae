"""The plain-YAML reader must agree with PyYAML's safe loader whenever it answers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.loading.fastyaml import _LEFT_TO_PYYAML, fast_yaml
from reader.loading.metadata import YamlLoader
from reader.loading.split import split_metadata

SAMPLES = Path(__file__).resolve().parents[1] / "sample_articles"

KEYS = st.sampled_from(
    ["area", "title", "url", "og", "og:title", "publish", "date", "a.b", "x-y", "yes", "on",
     "1", "2019", "null", "k_1", "Title"]
)  # fmt: skip
PLAIN = st.sampled_from(
    ["Northamptonshire", "https://x.example/a?b=1&amp;c=(2)", "07:45 27/09/2019", "en_GB",
     "2019-09-27", "2019-09-27 07:45:00 +01:00", "12", "1.5", "0x1F", "1:30", "true", "No",
     "~", "null", "a: b", "a #b", "a#b", "-x", "- x", "[a]", "a [b] {c}", "x:", "@x", "`x",
     "%x", "!x", "&a x", "*a", "|", ">", "a, b", "Café ünïcode", "=", "<<", ".inf", "+1",
     "-.5", "1_000", "0o17", "Y", "n", "text  ", "multiple   spaces"]
)  # fmt: skip
QUOTED = st.one_of(
    st.sampled_from(
        ['"plain"', '"with \\"quote\\""', '"\\u201Cgenuine\\u201D"', '"tab\\tnew\\nline"',
         '"\\x41\\U0001F600"', '"\\/"', '"bad \\q"', '"\\uD83D"', '"unterminated', "'single'",
         "'it''s'", "'bad ' quote'", '"a" trailing', '"a # not comment"', "''", '""',
         '"\\\\"', '"\\e"', '"\\ "', '"\\0"']
    ),
    st.text(alphabet='ab "\\\'u1F#:', max_size=8).map(lambda t: f'"{t}"'),
    st.text(alphabet="ab \"'#:", max_size=8).map(lambda t: f"'{t}'"),
)  # fmt: skip
# Characters YAML treats apart: line breaks besides \n (NEL, LS, PS), which PyYAML refuses
# inside a plain value, controls it refuses anywhere, and others it reads as text.
SPECIAL = "\x85\u2028\u2029\x0b\x0c\x1c\x7f\x80\x9f\xa0\ufeff\u200b\ufffd"


@st.composite
def with_special(draw: st.DrawFn, values: st.SearchStrategy[str]) -> str:
    """A value with one of SPECIAL put somewhere in it."""
    value = draw(values)
    at = draw(st.integers(0, len(value)))
    return value[:at] + draw(st.sampled_from(SPECIAL)) + value[at:]


BASE_VALUES = st.one_of(PLAIN, QUOTED, st.text(alphabet="ab :#-'\"\\", min_size=1, max_size=10))
VALUES = st.one_of(BASE_VALUES, with_special(BASE_VALUES))


@st.composite
def blocks(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        indent = draw(st.sampled_from([0, 0, 0, 2, 2, 4, 1, 3]))
        key = draw(KEYS)
        kind = draw(st.sampled_from(["value", "value", "group", "comment", "blank", "junk"]))
        if kind == "value":
            lines.append(f"{' ' * indent}{key}: {draw(VALUES)}")
        elif kind == "group":
            lines.append(f"{' ' * indent}{key}:")
        elif kind == "comment":
            lines.append(f"{' ' * indent}# note")
        elif kind == "blank":
            lines.append("")
        else:
            lines.append(draw(st.sampled_from(["- item", "---", "key", "  continued", "\ta: b"])))
    return "\n".join(lines)


@st.composite
def well_formed_blocks(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    """Nested mappings as scrapers write them, so most examples reach the comparison."""
    lines: list[str] = []
    step = draw(st.sampled_from([2, 2, 4]))
    for _ in range(draw(st.integers(1, 5))):
        key = draw(KEYS)
        if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
            lines.append(f"{' ' * indent}{key}:")
            lines.append(draw(well_formed_blocks(indent + step, depth + 1)))
        else:
            lines.append(f"{' ' * indent}{key}: {draw(VALUES)}")
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", f"{' ' * indent}# comment", "  # x"])))
    return "\n".join(lines)


def _pyyaml(block: str) -> object:
    try:
        return yaml.load(block, Loader=YamlLoader)
    except yaml.YAMLError:
        return "error"


@settings(max_examples=4000, deadline=None)
@given(blocks())
def test_fast_reader_agrees_with_pyyaml(block: str) -> None:
    fast = fast_yaml(block)
    if fast is not None:
        assert fast == _pyyaml(block)


@settings(max_examples=4000, deadline=None)
@given(well_formed_blocks())
def test_fast_reader_agrees_with_pyyaml_on_well_formed_blocks(block: str) -> None:
    fast = fast_yaml(block)
    if fast is not None:
        assert fast == _pyyaml(block)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=80))
def test_fast_reader_on_any_text(block: str) -> None:
    fast = fast_yaml(block)
    if fast is not None:
        assert fast == _pyyaml(block)


@pytest.mark.parametrize("char", list(SPECIAL))
@pytest.mark.parametrize(
    "template",
    ["title: a{}b", "title: {}ab", "title: ab{}", 'title: "a{}b"', "title: 'a{}b'",
     "og:\n  title: a{}b", "ti{}tle: ab"],
)  # fmt: skip
def test_special_characters_are_read_as_pyyaml_reads_them(char: str, template: str) -> None:
    block = template.format(char)
    fast = fast_yaml(block)
    if fast is not None:
        assert fast == _pyyaml(block)


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_line_breaks_in_a_plain_value_are_refused_by_both(char: str) -> None:
    block = f"title: a{char}b"
    assert _pyyaml(block) == "error"
    assert fast_yaml(block) is None


def test_every_sample_header_takes_the_fast_path_and_agrees() -> None:
    checked = 0
    for path in SAMPLES.rglob("*.txt"):
        split = split_metadata(path.read_text("utf-8"))
        assert split.block is not None
        fast = fast_yaml(split.block)
        assert fast is not None, path
        assert fast == _pyyaml(split.block)
        checked += 1
    assert checked >= 25


def test_the_characters_left_to_pyyaml_are_every_one_it_refuses_and_the_other_breaks() -> None:
    # One class of what may stay, for speed: exactly PyYAML's non-printable characters,
    # the line breaks other than \n, tabs and CRs, over every code point.
    refused = yaml.reader.Reader.NON_PRINTABLE
    for code in range(0x110000):
        char = chr(code)
        expected = refused.match(char) is not None or char in "\t\r\x85\u2028\u2029"
        assert (_LEFT_TO_PYYAML.match(char) is not None) == expected, hex(code)


@given(st.text(alphabet="aAfFnNoOtTyYwW019.+-~<=_: eEx", max_size=12))
def test_plain_text_is_tagged_as_pyyaml_s_resolver_tags_it(text: str) -> None:
    from reader.loading.fastyaml import _tag_of

    resolver = yaml.resolver.Resolver()
    assert _tag_of(text) == resolver.resolve(yaml.ScalarNode, text, (True, False))
