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
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import Node

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
    one (`date: 2019-02-30`, `n: 0x_`) stays text: a typo must not cost the whole block."""


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


def parse_block(block: str, fmt: str, first_line: int) -> tuple[dict[str, Any], list[str]]:
    """Parse a metadata block; returns (metadata, warnings). Never raises."""
    warnings: list[str] = []
    size = len(block.encode("utf-8", "surrogatepass"))
    if size > MAX_METADATA_BYTES:
        limit_kb = MAX_METADATA_BYTES // 1024
        warnings.append(
            f"metadata block is {size // 1024:,} KB, over the {limit_kb:,} KB limit; ignored"
        )
        return {}, warnings
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
        return {}, warnings
    except tomllib.TOMLDecodeError as error:
        message = _TOML_LINE.sub(
            lambda match: f"(at line {int(match.group(1)) + first_line - 1}", str(error)
        )
        warnings.append(f"metadata: TOML error: {one_line(message)}")
        return {}, warnings
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as error:
        warnings.append(f"metadata: cannot parse block: {one_line(str(error))[:200]}")
        return {}, warnings

    if raw is None:
        return {}, warnings
    if not isinstance(raw, Mapping):
        kind = "a list" if isinstance(raw, list) else f"a single {type(raw).__name__} value"
        warnings.append(f"metadata block is {kind}, not a mapping of keys to values; ignored")
        return {}, warnings
    try:
        budget = [MAX_METADATA_VALUES]
        return _normalise_mapping(raw, budget, 0, warnings), warnings
    except (_TooLarge, RecursionError):
        warnings.append(
            f"metadata expands to more than {MAX_METADATA_VALUES:,} values or "
            f"{MAX_METADATA_DEPTH} levels (YAML aliases?); ignored"
        )
        return {}, warnings


def _parse_toml(block: str) -> Any:
    return tomllib.loads(block)


def _normalise(value: Any, budget: list[int], depth: int, warnings: list[str]) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_METADATA_DEPTH:
        raise _TooLarge
    if isinstance(value, str):
        return clean_value(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _normalise_mapping(value, budget, depth + 1, warnings)
    if isinstance(value, list | tuple):
        return [_normalise(item, budget, depth + 1, warnings) for item in value]
    if isinstance(value, set | frozenset):
        items = [_normalise(item, budget, depth + 1, warnings) for item in value]
        return sorted(items, key=str)
    if isinstance(value, bytes):
        return f"<{len(value):,} bytes of binary data>"
    return clean_value(str(value))


def _normalise_mapping(
    mapping: Mapping[Any, Any], budget: list[int], depth: int, warnings: list[str]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(key, str):
            name = one_line(clean_value(key))
        else:
            name = one_line(clean_value(str(key)))
            warnings.append(f"metadata key {name!r} is not text; read as text")
        result[name] = _normalise(value, budget, depth, warnings)
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
