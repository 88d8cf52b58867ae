"""Parse a metadata block (YAML or TOML) into a clean mapping, and read fields from it.

The mapping handed on holds only JSON types: text keys; str, int, float, bool, None, lists
and mappings. Dates become ISO text, strings are entity-decoded and stripped of control
characters. A size budget bounds the walk, so YAML alias bombs and self-referencing
anchors cannot blow up memory or recurse forever.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node

from reader.limits import MAX_METADATA_BYTES, MAX_METADATA_DEPTH, MAX_METADATA_VALUES
from reader.loading.fastyaml import fast_yaml
from reader.loading.text import clean_value, one_line

# libyaml's C loader is ~15x faster than the pure-Python one (DESIGN.md). Both are "safe":
# they build only plain data, never arbitrary Python objects.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class YamlLoader(_SafeLoader):
    """The safe loader, except that a scalar which looks like a date or number but is not
    one (`date: 2019-02-30`, `n: 0x_`) stays text, and a list or mapping used as a key
    (`? [a, b]`) becomes a key read as text: an odd entry must not cost the whole block."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # merge keys (`<<: *base`), as SafeConstructor does
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                key = _ComplexKey(str(key))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping


@dataclass(frozen=True, slots=True)
class _ComplexKey:
    """A list or mapping used as a YAML key; not text, so it is reported as such."""

    text: str

    def __str__(self) -> str:
        return self.text


def _or_text(construct: Any) -> Any:
    def construct_or_text(loader: SafeConstructor, node: Node) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)  # type: ignore[arg-type]

    return construct_or_text


for _tag, _construct in (
    ("timestamp", SafeConstructor.construct_yaml_timestamp),
    ("int", SafeConstructor.construct_yaml_int),
    ("float", SafeConstructor.construct_yaml_float),
):
    YamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _or_text(_construct))

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
    try:
        if fmt == "toml":
            raw: Any = _parse_toml(block)
        else:
            # Plain scraper headers take the quick reader; anything else goes to PyYAML.
            raw = fast_yaml(block)
            if raw is None:
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

    if raw is None:
        return ParsedBlock({}, warnings)
    if not isinstance(raw, Mapping):
        kind = "a list" if isinstance(raw, list) else f"a single {type(raw).__name__} value"
        warnings.append(f"metadata block is {kind}, not a mapping of keys to values; ignored")
        return ParsedBlock({}, warnings, is_mapping=False)
    walk = _Walk()
    try:
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
    return ParsedBlock(metadata, warnings)


class _Walk:
    """What the walk over parsed metadata may still produce, and what it found.

    Values and characters are counted at every use, so an alias counts as often as it is
    used: a 500 KB string aliased 10,000 times is 5 GB of text, not 500 KB.
    """

    def __init__(self) -> None:
        self.values = MAX_METADATA_VALUES
        # Without aliases a block's text is at most the block, so this never refuses one.
        self.chars = MAX_METADATA_BYTES
        self.odd_keys: list[str] = []

    def spend(self, chars: int = 0, *, value: bool = True) -> None:
        self.values -= value
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


def _parse_toml(block: str) -> Any:
    return tomllib.loads(block)


def _normalise(value: Any, walk: _Walk, depth: int) -> Any:
    if depth > MAX_METADATA_DEPTH:
        raise _TooLarge
    if isinstance(value, str):
        walk.spend(len(value))
        return clean_value(value)
    walk.spend()
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _normalise_mapping(value, walk, depth + 1)
    if isinstance(value, list | tuple):
        return [_normalise(item, walk, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_normalise(item, walk, depth + 1) for item in value), key=str)
    if isinstance(value, bytes):
        return f"<{len(value):,} bytes of binary data>"
    text = str(value)
    walk.spend(len(text))
    return clean_value(text)


def _normalise_mapping(mapping: Mapping[Any, Any], walk: _Walk, depth: int) -> dict[str, Any]:
    """`mapping` made plain; keys that were not text are noted in `walk.odd_keys`."""
    result: dict[str, Any] = {}
    for key, value in mapping.items():
        text = key if isinstance(key, str) else str(key)
        walk.spend(len(text), value=False)  # keys count as text, not as values
        name = one_line(clean_value(text))
        if not isinstance(key, str):
            walk.odd_keys.append(name)
        result[name] = _normalise(value, walk, depth)
    return result


_SEPARATOR = re.compile(r"[.:]")


def fold_path(path: str) -> str:
    """A dotted metadata path in the form `path_index` keys use: casefolded, `:` -> `.`."""
    return _SEPARATOR.sub(".", path.casefold())


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
            if isinstance(value, Mapping):
                walk(value, path + ".")

    walk(metadata, "")
    return index


def lookup(metadata: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (`og.title`), or None.

    Keys match case-insensitively, and `.` and `:` are interchangeable, so `og.title` finds
    both a nested `og: {title: ...}` and a flat `og:title: ...` key.
    """
    return path_index(metadata).get(fold_path(path))


def flatten(metadata: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) for every leaf; `:` in keys becomes `.` (og:title -> og.title).

    Lists of scalars are leaves; mappings inside lists are flattened under the list's key.
    """
    for key, value in metadata.items():
        name = prefix + _SEPARATOR.sub(".", key)
        if isinstance(value, Mapping):
            yield from flatten(value, name + ".")
        elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            for item in value:
                if isinstance(item, Mapping):
                    yield from flatten(item, name + ".")
                else:
                    yield name, item
        else:
            yield name, value


def text_of(value: Any) -> str | None:
    """A metadata value as one line of text: first item of a list; None when empty."""
    if isinstance(value, list):
        value = next((item for item in value if item not in (None, "")), None)
    if value is None or isinstance(value, Mapping | list):
        return None
    text = one_line(str(value))
    return text or None
