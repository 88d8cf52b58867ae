"""Parse a metadata block (YAML or TOML) into a clean mapping, and read fields from it.

The mapping handed on holds only JSON types: text keys; str, int, float, bool, None, lists
and mappings. Dates become ISO text, strings are entity-decoded and stripped of control
characters, and the text of every value is made here: a number too long to be text is
kept as the text written (with a warning), so nothing later can fail to print a value.

Every cost is bounded before it is paid: what a block writes is counted before it is
parsed (with the parts of each TOML key, which tomllib pays for with their square), and a
size budget bounds the walk over what was parsed, counting every value's text at each
use, so YAML alias bombs and self-referencing anchors cannot blow up memory or recurse
forever.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from reader.limits import (
    MAX_METADATA_BYTES,
    MAX_METADATA_DEPTH,
    MAX_METADATA_ITEMS,
    MAX_METADATA_VALUES,
    MAX_NUMBER_DIGITS,
)
from reader.loading.fasttoml import fast_toml
from reader.loading.fastyaml import fast_yaml
from reader.model import fold_path
from reader.text.sanitize import clean_value, holds_control, one_line

# libyaml's C loader is ~15x faster than the pure-Python one (DESIGN.md). Both are "safe":
# they build only plain data, never arbitrary Python objects.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

# A list or mapping used as a key is shown as written, up to this many characters.
_COMPLEX_KEY_CHARS = 200


class YamlLoader(_SafeLoader):
    """The safe loader, except that a scalar which looks like a date or number but is not
    one (`date: 2019-02-30`, `n: 0x_`), or has more than MAX_NUMBER_DIGITS digits, stays
    text, and a list or mapping used as a key (`? [a, b]`) becomes a key read as text, as
    written: an odd entry must not cost the whole block."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.source = stream

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # merge keys (`<<: *base`), as SafeConstructor does
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            # A list or mapping key is never built: through aliases it may stand for
            # billions of values, which str() would spell out.
            key = (
                self.construct_object(key_node, deep=True)
                if isinstance(key_node, ScalarNode)
                else _ComplexKey(self._written(key_node))
            )
            if not isinstance(key, Hashable):
                key = _ComplexKey(self._written(key_node))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def _written(self, node: Node) -> str:
        """The text of `node` as the block has it (an alias's is its anchor's), on one line."""
        start, end = node.start_mark.index, node.end_mark.index
        text = one_line(self.source[start : min(end, start + _COMPLEX_KEY_CHARS)])
        return text + "…" if end - start > _COMPLEX_KEY_CHARS else text


@dataclass(frozen=True, slots=True)
class _ComplexKey:
    """A list or mapping used as a YAML key; not text, so it is reported as such."""

    text: str

    def __str__(self) -> str:
        return self.text


class _LongNumber(str):
    """A YAML number of more than MAX_NUMBER_DIGITS digits, kept as the text written."""


# An int of more bits than this has more than MAX_NUMBER_DIGITS decimal digits.
_MAX_NUMBER_BITS = math.ceil(MAX_NUMBER_DIGITS * math.log2(10))


def number_text(value: int) -> str | None:
    """str(value); None past MAX_NUMBER_DIGITS digits, where str() raises (or, with
    Python's limit lifted, takes time quadratic in the digits)."""
    if value.bit_length() > _MAX_NUMBER_BITS:
        return None
    try:
        text = str(value)
    except ValueError:  # the interpreter's limit is set lower
        return None
    return text if len(text) - (value < 0) <= MAX_NUMBER_DIGITS else None


def _or_text(construct: Any, *, number: bool = False) -> Any:
    def construct_or_text(loader: SafeConstructor, node: Node) -> Any:
        written = loader.construct_scalar(node)  # type: ignore[arg-type]
        # Not even tried: YAML 1.1's base-60 numbers (`1:30:30`) cost time quadratic in
        # their length to build.
        if number and len(written) > MAX_NUMBER_DIGITS:
            return _LongNumber(written)
        try:
            value = construct(loader, node)
        except (ValueError, OverflowError):
            return written
        if number and isinstance(value, int) and number_text(value) is None:
            return _LongNumber(written)  # a hex number: fewer digits than its decimal
        return value

    return construct_or_text


for _tag, _construct, _number in (
    ("timestamp", SafeConstructor.construct_yaml_timestamp, False),
    ("int", SafeConstructor.construct_yaml_int, True),
    ("float", SafeConstructor.construct_yaml_float, True),
):
    YamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _or_text(_construct, number=_number))

# Builds plain scalars for fast_yaml as YamlLoader builds them: its constructors need
# nothing of a loader but construct_scalar, which reads a scalar node's text.
_SCALARS = SafeConstructor()


def _build_plain_scalar(tag: str, text: str) -> Any:
    """What YamlLoader builds of a plain scalar `text` that its resolver tags `tag`."""
    return YamlLoader.yaml_constructors[tag](_SCALARS, ScalarNode(tag, text))


def _plain_scalar(tag: str, text: str) -> Any:
    """_build_plain_scalar, remembered for short text: booleans, weights and nulls recur
    from one header to the next, and what is built is never changed (numbers, dates,
    None, text), so it may be handed out again."""
    if len(text) <= _REMEMBERED_CHARS:
        return _remembered_plain_scalar(tag, text)
    return _build_plain_scalar(tag, text)


_REMEMBERED_CHARS = 100
_remembered_plain_scalar = lru_cache(maxsize=4096)(_build_plain_scalar)


# tomllib's messages end "(at line N, column M)", counted from the block's first line.
_TOML_LINE = re.compile(r"\(at line (\d+)")


class _TooLarge(Exception):
    pass


class ParsedBlock(NamedTuple):
    metadata: dict[str, Any]
    warnings: list[str]
    # False when the block is no mapping at all (a YAML error, a list, a lone value):
    # after `---` that is more likely markdown than metadata. A block skipped for a
    # limit is a mapping as far as anyone can tell.
    is_mapping: bool = True


def parse_block(block: str, fmt: str, first_line: int) -> tuple[dict[str, Any], list[str]]:
    """Parse a metadata block; returns (metadata, warnings). Never raises."""
    metadata, warnings, _ = read_block(block, fmt, first_line)
    return metadata, warnings


def read_block(block: str, fmt: str, first_line: int) -> ParsedBlock:
    """parse_block, and whether the block was a mapping at all."""
    warnings: list[str] = []
    size = len(block.encode("utf-8", "surrogatepass"))
    if size > MAX_METADATA_BYTES:
        limit_kb = MAX_METADATA_BYTES // 1024
        warnings.append(
            f"metadata block is {size // 1024:,} KB, over the {limit_kb:,} KB limit; ignored"
        )
        return ParsedBlock({}, warnings)
    plain = False  # read by fast_yaml or fast_toml
    try:
        if fmt == "toml":
            # Simple front matter takes the quick reader. It reads nothing that could
            # make a short block too much (see fast_toml), so those are not counted.
            raw: Any = fast_toml(block) if len(block) <= _SHORT_TOML_CHARS else None
            plain = raw is not None
            too_much = not plain and _toml_too_much(block)
            if not plain and not too_much:
                raw = _parse_toml(block)
        else:
            too_much = _yaml_too_much(block)
            # Plain scraper headers take the quick reader; anything else goes to PyYAML.
            raw = None if too_much else fast_yaml(block, _plain_scalar)
            plain = raw is not None
            if raw is None and not too_much:
                raw = yaml.load(block, Loader=YamlLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + first_line}" if mark is not None else ""
        problem = error.problem or error.context or "invalid YAML"
        warnings.append(f"metadata: YAML error{where}: {one_line(problem)}")
        return ParsedBlock({}, warnings, is_mapping=False)
    except tomllib.TOMLDecodeError as error:
        message = _TOML_LINE.sub(
            lambda match: f"(at line {int(match.group(1)) + first_line - 1}", str(error)
        )
        warnings.append(f"metadata: TOML error: {one_line(message)}")
        return ParsedBlock({}, warnings, is_mapping=False)
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as error:
        warnings.append(f"metadata: cannot parse block: {one_line(str(error))[:200]}")
        return ParsedBlock({}, warnings, is_mapping=False)

    if too_much:
        warnings.append(
            f"metadata block writes more than {MAX_METADATA_ITEMS:,} keys and values, or "
            f"nests more than {MAX_METADATA_DEPTH} levels; ignored"
        )
        return ParsedBlock({}, warnings)
    if raw is None:
        return ParsedBlock({}, warnings)
    if not isinstance(raw, Mapping):
        kind = "a list" if isinstance(raw, list) else f"a single {type(raw).__name__} value"
        warnings.append(f"metadata block is {kind}, not a mapping of keys to values; ignored")
        return ParsedBlock({}, warnings, is_mapping=False)
    walk = _Walk()
    try:
        if plain:
            # Only what a plain value can hold: entities and escapes need cleaning (the
            # TOML reader reads no escape).
            clean = (fmt == "toml" or "\\" not in block) and not holds_control(block)
            metadata = _normalise_plain(raw, walk, 0, clean)
        else:
            metadata = _normalise_mapping(raw, walk, 0)
    except (_TooLarge, RecursionError):
        warnings.append(
            f"metadata expands to more than {MAX_METADATA_VALUES:,} values, "
            f"{MAX_METADATA_BYTES // 1024:,} KB of text or {MAX_METADATA_DEPTH} levels "
            "(YAML aliases?); ignored"
        )
        return ParsedBlock({}, warnings)
    if walk.odd_keys:
        warnings.append(_odd_keys_warning(walk.odd_keys))
    if walk.long_numbers:
        warnings.append(_long_numbers_warning(walk.long_numbers))
    return ParsedBlock(metadata, warnings)


def _yaml_too_much(block: str) -> bool:
    """Whether a YAML block writes more than MAX_METADATA_ITEMS nodes, or nests deeper than
    the walk reads, counted on the parser's events: a fifth of the cost of building the
    nodes, and nothing kept. A block no longer than that many characters cannot."""
    if len(block) <= MAX_METADATA_ITEMS:
        return False
    items = depth = 0
    for event in yaml.parse(block, Loader=_SafeLoader):
        if isinstance(event, ScalarEvent | AliasEvent):
            items += 1
        elif isinstance(event, CollectionStartEvent):
            items += 1
            depth += 1
            if depth > MAX_METADATA_DEPTH + 2:
                return True
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if items > MAX_METADATA_ITEMS:
            return True
    return False


# TOML's strings (a multi-line one may end in up to two more quotes) and comments, each
# matched whole, left to right: what is outside them is keys, values and punctuation.
# No group repeats once a character: re keeps a record of every repeat of a group.
_TOML_STRING_OR_COMMENT = re.compile(
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"{3,5}'
    r"|'''[\s\S]*?'''(?!')"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
)
# Outside strings: a key (its parts between dots), a bare value (a number, a date, true),
# or a few of them side by side (which only counts them as fewer).
_TOML_WORD = re.compile(r"[\w+:.-][\w+:. \t-]*")


# A block this short writes at most MAX_METADATA_ITEMS items as _toml_too_much counts
# them: each of its words (of _TOML_WORD) at most one more part than it has characters,
# each comma one. What fast_toml reads has no dot outside strings and comments, so no
# key of more than one part either: a block it reads this short is never too much.
_SHORT_TOML_CHARS = MAX_METADATA_ITEMS // 2


def _toml_too_much(block: str) -> bool:
    """Whether a TOML block writes more than MAX_METADATA_ITEMS key parts, values and
    commas, or a key (`a.b.c = 1`, `[a.b.c]`) of more parts than the walk reads levels.

    tomllib's time and memory grow with the square of a key's parts: 50,000 parts (a
    100 KB block) take gigabytes. Strings and comments become one letter first, so their
    dots and commas are not counted, and a quoted key part counts as one part."""
    text = _TOML_STRING_OR_COMMENT.sub("s", block)
    items = text.count(",")
    for word in _TOML_WORD.finditer(text):
        parts = word.group().count(".") + 1
        items += parts
        if parts > MAX_METADATA_DEPTH + 1 or items > MAX_METADATA_ITEMS:
            return True
    return items > MAX_METADATA_ITEMS


class _Walk:
    """What the walk over parsed metadata may still produce, and what it found.

    Values and characters are counted at every use, so an alias counts as often as it is
    used: a 500 KB string aliased 10,000 times is 5 GB of text, not 500 KB. Every value's
    text counts, numbers' included: a 4,000-digit number is 4,000 characters to show.
    """

    def __init__(self) -> None:
        self.values = MAX_METADATA_VALUES
        # Without aliases a block's text is at most the block, so this never refuses one.
        self.chars = MAX_METADATA_BYTES
        self.odd_keys: list[str] = []
        # The key whose value is being read; the keys of numbers kept as text.
        self.key = ""
        self.long_numbers: list[str] = []

    def spend(self, chars: int = 0, *, values: int = 1) -> None:
        self.values -= values
        self.chars -= chars
        if self.values < 0 or self.chars < 0:
            raise _TooLarge


def _odd_keys_warning(keys: list[str]) -> str:
    """One warning for all keys that are not text (numbers, dates, lists...)."""
    if len(keys) == 1:
        return f"metadata key {keys[0]!r} is not text; read as text"
    shown = ", ".join(repr(key[:40]) for key in keys[:5])
    more = ", …" if len(keys) > 5 else ""
    return f"{len(keys):,} metadata keys are not text ({shown}{more}); read as text"


def _long_numbers_warning(keys: list[str]) -> str:
    """One warning for all numbers too long to be numbers."""
    limit = f"more than {MAX_NUMBER_DIGITS:,} digits"
    if len(keys) == 1:
        return f"metadata number in {keys[0][:40]!r} has {limit}; kept as text"
    shown = ", ".join(repr(key[:40]) for key in keys[:5])
    more = ", …" if len(keys) > 5 else ""
    return f"{len(keys):,} metadata numbers have {limit} ({shown}{more}); kept as text"


def _parse_toml(block: str) -> Any:
    return tomllib.loads(block)


def _normalise(value: Any, walk: _Walk, depth: int) -> Any:
    """`value` made plain, its text made and spent from the budget."""
    if depth > MAX_METADATA_DEPTH:
        raise _TooLarge
    if isinstance(value, str):
        if isinstance(value, _LongNumber):
            walk.long_numbers.append(walk.key)
        walk.spend(len(value))
        return str(clean_value(value))  # str(): a plain str, not the subclass
    if isinstance(value, Mapping):
        walk.spend()
        return _normalise_mapping(value, walk, depth + 1)
    if isinstance(value, list | tuple):
        walk.spend()
        return [_normalise(item, walk, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        walk.spend()
        return sorted((_normalise(item, walk, depth + 1) for item in value), key=str)
    if isinstance(value, bool) or value is None:
        walk.spend(5)
        return value
    if isinstance(value, int):
        text = number_text(value)
        if text is None:  # from TOML, whose hex numbers have no length limit
            walk.long_numbers.append(walk.key)
            text = hex(value)
            walk.spend(len(text))
            return text
        walk.spend(len(text))
        return value
    if isinstance(value, float):
        text = str(value)
        walk.spend(len(text))
        return value if math.isfinite(value) else text
    if isinstance(value, datetime | date | time):
        text = value.isoformat()
    elif isinstance(value, bytes):
        text = f"<{len(value):,} bytes of binary data>"
    else:
        text = clean_value(str(value))
    walk.spend(len(text))
    return text


def _normalise_mapping(mapping: Mapping[Any, Any], walk: _Walk, depth: int) -> dict[str, Any]:
    """`mapping` made plain; keys that were not text are noted in `walk.odd_keys`."""
    result: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(key, str):
            text = key
        elif isinstance(key, int) and not isinstance(key, bool):
            text = number_text(key) or hex(key)  # a YAML int key: never past the limit
        else:
            text = str(key)
        walk.spend(len(text), values=0)  # keys count as text, not as values
        name = one_line(clean_value(text))
        if not isinstance(key, str):
            walk.odd_keys.append(name)
        elif isinstance(key, _LongNumber):
            walk.long_numbers.append(name)
        walk.key = name
        result[name] = _normalise(value, walk, depth)
    return result


def _normalise_plain(
    mapping: Mapping[str, Any], walk: _Walk, depth: int, clean: bool
) -> dict[str, Any]:
    """_normalise_mapping of what fast_yaml and fast_toml read (text keys it needs not
    clean, as they read them; mappings never empty, but a TOML table one level down),
    with its budget spent once a mapping (the walk fails alike: it only counts down),
    and text values cleaned only where they may need it: all of them unless `clean`
    (the block holds no control character and no escape), else those holding an
    entity. Lists of text, booleans and nulls are walked so too; other values (numbers,
    dates, other lists) are the general walk's. A third of the time on seed headers;
    tests/test_metadata.py and tests/test_front_matter.py hold it to the general walk."""
    if depth > MAX_METADATA_DEPTH:
        raise _TooLarge
    result: dict[str, Any] = {}
    chars = values = 0
    for key, value in mapping.items():
        chars += len(key)
        if type(value) is str:  # (not a _LongNumber)
            values += 1
            chars += len(value)
            result[key] = clean_value(value) if not clean or "&" in value else value
        elif type(value) is dict:
            values += 1
            result[key] = _normalise_plain(value, walk, depth + 1, clean)
        elif type(value) is list and all(type(item) is str for item in value):
            if value and depth >= MAX_METADATA_DEPTH:
                raise _TooLarge  # (its items are a level deeper)
            values += 1 + len(value)
            chars += sum(map(len, value))
            result[key] = [
                clean_value(item) if not clean or "&" in item else item for item in value
            ]
        elif value is None or type(value) is bool:
            values += 1
            chars += 5
            result[key] = value
        else:
            walk.key = key  # (whose number is too long, if it is one)
            result[key] = _normalise(value, walk, depth)
    walk.spend(chars, values=values)
    return result


def path_index(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Every value in `metadata` (leaves and groups) by its folded dotted path.

    `og: {title: X}` and a flat `og:title: X` both give "og.title"; the first non-empty
    value seen for a path wins. Build it once per article when reading several fields.
    """
    index: dict[str, Any] = {}

    def walk(mapping: Mapping[str, Any], prefix: str) -> None:
        for key, value in mapping.items():
            path = prefix + fold_path(key)
            if index.get(path) is None:
                index[path] = value
            # (Most values are text: not asked whether they are a Mapping, an ABC.)
            if type(value) is not str and isinstance(value, Mapping):
                walk(value, path + ".")

    walk(metadata, "")
    return index


def lookup(metadata: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`og.title`), or None.

    Keys match case-insensitively, and `.` and `:` are interchangeable, so `og.title` finds
    both a nested `og: {title: ...}` and a flat `og:title: ...` key.
    """
    return path_index(metadata).get(fold_path(path))


def text_of(value: Any) -> str | None:
    """A metadata value as one line of text: first item of a list; None when empty."""
    if type(value) is str:  # (most: not asked whether it is a Mapping, an ABC)
        return one_line(value) or None
    if isinstance(value, list):
        value = next((item for item in value if item not in (None, "")), None)
    if value is None or isinstance(value, Mapping | list):
        return None
    text = one_line(str(value))
    return text or None
