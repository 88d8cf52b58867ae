"""Every string in parsed metadata, keys included: what the safety checks of the loading
tests (and the fuzz target) look through for control characters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
