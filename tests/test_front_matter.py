"""Front matter as real sites write it (Jekyll, Hugo: `---` YAML; Zola, Hugo: `+++` TOML)
takes the quick readers (fastyaml.py, fasttoml.py) and the plain walk: each is held here
to the general path it skips (PyYAML's YamlLoader, tomllib, the general walk), value for
value and type for type, on generated front matter, the real-site samples and the
hostile corpus."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile.corpus import build_corpus, restore_modes
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.limits import MAX_METADATA_VALUES
from reader.loading import find_files, is_article_name, load_article, metadata
from reader.loading.fasttoml import fast_toml
from reader.loading.fastyaml import fast_yaml
from reader.loading.split import split_metadata
from reader.resources import samples_dir


def typed(value: Any) -> Any:
    """`value` with the type of every part spelled out: 1 is not True, nor a date a
    datetime, nor a _LongNumber a str, and two datetimes differ by their zones."""
    if isinstance(value, dict):
        return ("dict", [(typed(key), typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, datetime | time):
        return (type(value).__name__, value.isoformat(), repr(value.tzinfo))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


@contextmanager
def general_path() -> Iterator[None]:
    """The quick readers off: every block goes to PyYAML or tomllib and the general walk."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(metadata, "fast_yaml", lambda block, construct=None: None)
        patch.setattr(metadata, "fast_toml", lambda block: None)
        yield


def both_paths(block: str, fmt: str) -> tuple[Any, Any]:
    quick = metadata.read_block(block, fmt, 2)
    with general_path():
        general = metadata.read_block(block, fmt, 2)
    return typed(tuple(quick)), typed(tuple(general))


# -- YAML ---------------------------------------------------------------------------------

YAML_KEYS = st.sampled_from(
    ["title", "date", "tags", "categories", "linkTitle", "weight", "draft", "og:title",
     "a.b", "x-y", "lastmod", "yes", "on", "1", "null", "Title", "aliases"]
)  # fmt: skip
REAL_YAML_KEYS = st.sampled_from(
    ["title", "date", "tags", "categories", "linkTitle", "weight", "draft", "og:title", "a.b"]
)
YAML_PLAIN = st.sampled_from(
    ["Speedwatch handbook", "2022-06-20", "2022-06-20T09:00:00+01:00", "2022-06-20T09:00:00Z",
     "2018-06-14 09:30:00 +0100", "2018-06-14 09:30:00 +01:00", "2022-6-2", "2019-02-30",
     "2022-06-20T09:00:00.123456789+05:30", "2022-06-20t09:00:00", "2022-06-20 9:00:00",
     "0000-01-01", "20", "-3", "007", "0x1F", "0o17", "1_000", "1:30", "+1", "0",
     "1" * 40, "9" * 5000, "1.5", ".inf", "-.Inf", ".NaN", "1e3", "1.0e+3", "3.", "true",
     "True", "yes", "No", "on", "OFF", "y", "n", "~", "null", "Null", "NULL", "<<", "=",
     "c#", "it's", "a]b", "a,b", "x:y", "\xa0", "café", "en_GB", "/:year/:title/",
     "https://example.org/a?b=1&amp;c", "a &amp; b", "x &#27;[2J", "post", "a  b"]
)  # fmt: skip
YAML_QUOTED = st.one_of(
    st.sampled_from(
        ['"Volunteering"', '"a, b"', '"with \\"quote\\""', '"\\u00e9"', '"bad \\q"', "'it''s'",
         "'a, b'", "''", '""', '"2022-06-20"', "'20'", '"true"', '"x #y"', '"a\\x1bb"',
         '"&lt;b&gt;"', '"]"', "'['"]
    ),
    st.text(alphabet='ab ,"\\\'[]#:', max_size=6).map(lambda text: f'"{text}"'),
    st.text(alphabet="ab ,\"'[]#:", max_size=6).map(lambda text: f"'{text}'"),
)  # fmt: skip
YAML_SCALARS = st.one_of(YAML_PLAIN, YAML_QUOTED)
SEPARATORS = st.sampled_from([", ", ",", " , ", ",  ", " ,", ",, ", ", , "])
# What a flow list reads otherwise than a mapping's value does.
FLOW_ODD = st.sampled_from(
    ["a: b", "a:", ":a", "x:y", "a #b", "a#b", "-x", "- x", "?x", "? x", "a b", "{a}", "[a]"]
)


@st.composite
def flow_lists(draw: st.DrawFn, odd: bool) -> str:
    items = draw(st.lists(st.one_of(YAML_SCALARS, FLOW_ODD) if odd else YAML_PLAIN, max_size=4))
    text = ""
    for number, item in enumerate(items):
        text += (draw(SEPARATORS if odd else st.just(", ")) if number else "") + item
    if not odd:
        return f"[{text}]"
    opening = draw(st.sampled_from(["[", "[", "[ "]))
    closing = draw(st.sampled_from(["]", "]", " ]", ",]", ", ]", "] #c", "]x", "] "]))
    return opening + text + closing


@st.composite
def yaml_front_matter(draw: st.DrawFn, odd: bool | None, indent: int = 0, depth: int = 0) -> str:
    """Mappings as Jekyll and Hugo write them, with now and then something odd in any
    entry (`odd`), in none (False), or in one (None): most of those reach the comparison."""
    lines: list[str] = []
    pad = " " * indent
    count = draw(st.integers(1, 6))
    odd_one = draw(st.integers(0, count - 1)) if odd is None else -1
    for number in range(count):
        entry_odd = odd is True or number == odd_one
        key = draw(YAML_KEYS if entry_odd else REAL_YAML_KEYS)
        kind = draw(
            st.sampled_from(
                ["scalar", "scalar", "scalar", "flow", "flow", "items", "items", "map",
                 "null", "junk"]
            )
        )  # fmt: skip
        if kind == "scalar":
            lines.append(f"{pad}{key}: {draw(YAML_SCALARS if entry_odd else YAML_PLAIN)}")
        elif kind == "flow":
            lines.append(f"{pad}{key}: {draw(flow_lists(entry_odd))}")
        elif kind == "items":
            lines.append(f"{pad}{key}:")
            item_pad = pad + " " * draw(st.sampled_from([0, 2, 2, 4]))
            for _ in range(draw(st.integers(1, 3))):
                if not entry_odd:
                    lines.append(f"{item_pad}- {draw(YAML_PLAIN)}")
                    continue
                item = draw(st.one_of(YAML_SCALARS, st.sampled_from(["", "- x", "a: b", "[a]"])))
                shifted = draw(st.integers(0, 19)) == 0
                lines.append(f"{item_pad}{' ' if shifted else ''}- {item}".rstrip(" ") + " ")
        elif kind == "map" and depth < 2:
            lines.append(f"{pad}{key}:")
            step = draw(st.sampled_from([2, 4]))
            lines.append(draw(yaml_front_matter(entry_odd, indent + step, depth + 1)))
        elif kind == "null":
            lines.append(f"{pad}{key}:{draw(st.sampled_from(['', ' ', '  ']))}")
        elif entry_odd:
            lines.append(
                draw(st.sampled_from(["- item", "  continued", "# a comment", "", "-", "key"]))
            )
    return "\n".join(lines)


def _pyyaml(block: str) -> Any:
    try:
        return typed(yaml.load(block, Loader=metadata.YamlLoader))
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return "error"


@settings(max_examples=1500, deadline=None)
@given(st.one_of(yaml_front_matter(odd=True), yaml_front_matter(odd=None)))
@example("tags:\n- a\n- b\ntitle: x")
@example("tags: [a, 'b', \"c\"]\ndraft: false\nweight: 20\nlastmod:")
@example("x: \xa0")
def test_the_yaml_reader_builds_what_pyyaml_builds(block: str) -> None:
    quick = fast_yaml(block, metadata._plain_scalar)
    if quick is not None:
        assert typed(quick) == _pyyaml(block)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(yaml_front_matter(odd=True), yaml_front_matter(odd=None)))
def test_yaml_front_matter_reads_as_the_general_path_reads_it(block: str) -> None:
    quick, general = both_paths(block, "yaml")
    assert quick == general


def test_hugo_and_jekyll_front_matter_takes_the_quick_reader() -> None:
    block = (
        'linkTitle: "Speedwatch handbook"\ndate: 2022-06-20T09:00:00+01:00\nweight: 20\n'
        'draft: false\ncategories: ["Volunteering"]\ntags: [speedwatch, roads]\n'
        "aliases:\n  - /old/speedwatch/\n  - /speedwatch/\nsitemap:\n  priority: 0.5\n"
        "lastmod:\nauthor: Priya Natarajan\npermalink: /engineering/:year/:title/\n"
    )
    assert fast_yaml(block, metadata._plain_scalar) is not None
    quick, general = both_paths(block, "yaml")
    assert quick == general


# -- TOML ---------------------------------------------------------------------------------

TOML_KEYS = st.sampled_from(
    ["title", "date", "path", "draft", "weight", "description", "tags", "x-y", "k_1", "1",
     "a.b", '"quoted"', "ключ", "title"]
)  # fmt: skip
TOML_SCALARS = st.one_of(
    st.sampled_from(
        ['"Offline-first forms"', '""', '"a # b"', '"it\'s"', '"tab\\tescape"', '"a\\"b"',
         "'literal \\ back'", "''", "'a \"q\" b'", '"""multi"""', "'''lit'''", '"café"',
         '"&amp; more"', "0", "-0", "+1", "20", "-3", "007", "1_000", "0x1F", "1" * 19,
         "1" * 18, "1.5", "inf", "nan", "1e3", "true", "false", "True", "2022-01-13",
         "2022-01-13T10:00:00Z", "2022-01-13T10:00:00z", "2022-01-13 10:00:00+01:00",
         "2022-01-13t10:00:00-05:30", "2022-01-13T10:00:00", "2022-02-30", "2021-02-29",
         "0000-01-01", "2022-01-13T10:00:00.5Z", "2022-01-13T24:00:00", "10:00:00",
         "2022-1-13", "{ a = 1 }", "bare"]
    ),
    st.text(alphabet="ab #'\"\\.,[]=\n", max_size=6).map(lambda text: f'"{text}"'),
    st.text(alphabet="ab #'\"\\.,[]=\n", max_size=6).map(lambda text: f"'{text}'"),
)  # fmt: skip
TOML_SEPARATORS = st.sampled_from([", ", ",", " , ", ",\t", "", ",,", ", \n  "])


@st.composite
def toml_lists(draw: st.DrawFn) -> str:
    items = draw(st.lists(TOML_SCALARS, max_size=4))
    text = ""
    for number, item in enumerate(items):
        text += (draw(TOML_SEPARATORS) if number else "") + item
    opening = draw(st.sampled_from(["[", "[", "[ ", "[\t"]))
    closing = draw(st.sampled_from(["]", "]", " ]", ",]", ", ]", ",,]", "] # c", "]x", "]#c"]))
    return opening + text + closing


REAL_TOML_SCALARS = st.sampled_from(
    ['"Offline-first forms"', '""', '"it\'s"', "'lit \\ eral'", '"café &amp; more"', "0",
     "20", "-3", "true", "false", "2022-01-13", "2022-01-13T10:00:00Z",
     "2022-01-13 10:00:00+01:00", "2022-01-13T10:00:00-05:30", "2022-01-13T10:00:00",
     "2021-02-29", '"a # b"']
)  # fmt: skip


@st.composite
def toml_line(draw: st.DrawFn) -> str:
    """A line of a TOML header, now and then something odd."""
    kind = draw(st.sampled_from(["value", "value", "value", "list", "list", "table", "other"]))
    pad = draw(st.sampled_from(["", "", "", "  ", "\t"]))
    if kind in ("value", "list"):
        key = draw(TOML_KEYS)
        equals = draw(st.sampled_from([" = ", " = ", "=", " =\t", "  =  "]))
        value = draw(TOML_SCALARS if kind == "value" else toml_lists())
        after = draw(st.sampled_from(["", "", "", " ", " # note", "# note", "\t#x"]))
        return f"{pad}{key}{equals}{value}{after}"
    if kind == "table":
        name = draw(st.sampled_from(["extra", "taxonomies", "extra", "a.b", "x-y"]))
        shape = draw(st.sampled_from(["[{}]", "[{}]", "[ {} ]", "[[{}]]", "[{}] # t"]))
        return pad + shape.format(name)
    return draw(st.sampled_from(["", "# comment", "  ", "key", "= 1", "]"]))


@st.composite
def toml_front_matter(draw: st.DrawFn) -> str:
    """Headers as Zola and Hugo write them, with now and then something odd."""
    return "\n".join(draw(st.lists(toml_line(), min_size=1, max_size=8)))


@st.composite
def real_toml_front_matter(draw: st.DrawFn) -> str:
    """Headers as Zola and Hugo write them: a few keys, then tables of a few keys; one
    line, now and then, something odd (so that most reach the comparison)."""
    keys = st.lists(st.sampled_from(["title", "date", "path", "draft", "tags", "k_1"]), unique=True)
    value = st.one_of(
        REAL_TOML_SCALARS,
        st.lists(REAL_TOML_SCALARS, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
        st.lists(REAL_TOML_SCALARS, max_size=3).map(
            lambda items: "[\n" + "".join(f"  {item},\n" for item in items) + "]"
        ),
    )
    lines = [f"{key} = {draw(value)}" for key in draw(keys)]
    for table in draw(st.lists(st.sampled_from(["extra", "taxonomies"]), unique=True)):
        lines.append(f"[{table}]")
        lines += [f"{key} = {draw(value)}" for key in draw(keys)]
    if lines and draw(st.booleans()):
        at = draw(st.integers(0, len(lines) - 1))
        key, equals, _value = lines[at].partition(" = ")
        if equals and draw(st.booleans()):
            lines[at] = f"{key} = {draw(st.one_of(TOML_SCALARS, toml_lists()))}"
        else:
            lines[at] = draw(toml_line())
    return "\n".join(lines)


def _tomllib(block: str) -> Any:
    try:
        return typed(tomllib.loads(block))
    except tomllib.TOMLDecodeError:
        return "error"


@settings(max_examples=1500, deadline=None)
@given(st.one_of(toml_front_matter(), real_toml_front_matter()))
@example('title = "A"\ntags = ["a", "b",]\n[extra]\nn = 3 # c')
@example("d = 2022-01-13T10:00:00Z\ne = [2022-01-13, 2021-02-29]")
def test_the_toml_reader_builds_what_tomllib_builds(block: str) -> None:
    quick = fast_toml(block)
    if quick is not None:
        assert typed(quick) == _tomllib(block)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(toml_front_matter(), real_toml_front_matter()))
def test_toml_front_matter_reads_as_the_general_path_reads_it(block: str) -> None:
    quick, general = both_paths(block, "toml")
    assert quick == general


def test_zola_and_hugo_front_matter_takes_the_quick_reader() -> None:
    block = (
        'title = "Offline-first report forms"\npath = "2022/01/13/offline-first-forms"\n'
        "date = 2022-01-13T09:00:00Z\ndraft = false\nweight = 3\n\n# taxonomy\n[taxonomies]\n"
        'tags = ["forms", "offline", "rural",]\ncategories = ["Field tech"]\n\n'
        "[extra]\nauthor = 'Tomás Ferreira'  # who wrote it\nupdated = 2022-02-01\n"
    )
    assert fast_toml(block) is not None
    quick, general = both_paths(block, "toml")
    assert quick == general


@pytest.mark.parametrize(
    "block",
    ["a = 1\na = 2", "[extra]\n[extra]", "extra = 1\n[extra]", "d = 2022-02-30",
     'a = "\x1b"', "a = 1\r\nb = 2", "t = 1.5", "[a.b]\nc = 1"],
)  # fmt: skip
def test_toml_the_quick_reader_leaves_to_tomllib(block: str) -> None:
    assert fast_toml(block) is None
    quick, general = both_paths(block, "toml")
    assert quick == general


# -- whole articles -----------------------------------------------------------------------


def _loaded(path: Path, root: Path, file_id: str) -> Any:
    loaded = load_article(path, root, file_id)
    return repr(loaded), typed(getattr(loaded, "metadata", None))


def _compare_folder(root: Path) -> int:
    """How many files of `root` load alike on both paths (it fails on one that does not)."""
    files = [(Path(found.path), found.id) for found in find_files(root)]
    quick = [_loaded(path, root, file_id) for path, file_id in files]
    with general_path():
        general = [_loaded(path, root, file_id) for path, file_id in files]
    for (_path, file_id), one, other in zip(files, quick, general, strict=True):
        assert one == other, file_id
    return len(files)


def test_every_sample_loads_as_the_general_path_loads_it() -> None:
    assert _compare_folder(samples_dir()) >= 30


def test_every_real_site_sample_takes_the_quick_readers() -> None:
    for path in (samples_dir() / "sites").rglob("*"):
        if path.is_file() and is_article_name(path.name):  # (not a site's mkdocs.yml)
            split = split_metadata(path.read_text("utf-8"))
            assert split.block is not None
            if split.format == "toml":
                assert fast_toml(split.block) is not None, path
            else:
                assert fast_yaml(split.block, metadata._plain_scalar) is not None, path


def test_every_hostile_file_loads_as_the_general_path_loads_it(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "hostile")
    try:
        assert _compare_folder(corpus.root) >= 100
    finally:
        restore_modes(corpus.root)


def test_typed_tells_apart_what_equality_does_not() -> None:
    assert typed({"a": 1}) != typed({"a": True})
    assert typed(date(2020, 1, 2)) != typed(datetime(2020, 1, 2))
    assert typed(metadata._LongNumber("1")) != typed("1")


def _deep(levels: int, leaf: str) -> str:
    return "".join(f"{' ' * level}k{level}:\n" for level in range(levels)) + " " * levels + leaf


@pytest.mark.parametrize(
    ("block", "fmt"),
    [
        # As many values as the walk takes, and one more: a list and its items count.
        ("tags: [" + ", ".join(["a"] * (MAX_METADATA_VALUES - 1)) + "]", "yaml"),
        ("tags: [" + ", ".join(["a"] * MAX_METADATA_VALUES) + "]", "yaml"),
        ("tags:\n" + "- a\n" * (MAX_METADATA_VALUES - 2) + "n: 1", "yaml"),
        ("tags:\n" + "- a\n" * (MAX_METADATA_VALUES - 1) + "n: 1", "yaml"),
        ("n: [" + ", ".join(["1"] * (MAX_METADATA_VALUES - 1)) + "]", "yaml"),
        ("n: [" + ", ".join(["1"] * MAX_METADATA_VALUES) + "]", "yaml"),
        ("\n".join(f"k{n}: {('true', '~')[n % 2]}" for n in range(MAX_METADATA_VALUES)), "yaml"),
        ("\n".join(f"k{n}: {('no', '')[n % 2]}" for n in range(MAX_METADATA_VALUES + 1)), "yaml"),
        # (The longest TOML lists the quick reader is given: it takes no longer block.)
        ("t=[" + ",".join(["1"] * (MAX_METADATA_VALUES - 2)) + "]", "toml"),
        ("t=[" + '"",' * (MAX_METADATA_VALUES // 2) + "]", "toml"),
        # Lists at the deepest level the walk reads, and below it.
        (_deep(49, "v: [a]"), "yaml"),
        (_deep(50, "v: [a]"), "yaml"),
        (_deep(50, "v: []"), "yaml"),
        (_deep(51, "v: [a]"), "yaml"),
        (_deep(50, "v: [1]"), "yaml"),
        (_deep(50, "v:\n" + " " * 50 + "- a"), "yaml"),
    ],
)
def test_lists_spend_the_budget_as_the_general_walk_spends_it(block: str, fmt: str) -> None:
    quick, general = both_paths(block, fmt)
    assert quick == general
