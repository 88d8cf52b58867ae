"""How many of some articles fall in each month, year, area or tag: the reader's timeline
and `reader stats`. Plain Python: no I/O, no Textual.

An article's month is the calendar month of its date as the file wrote it (its own time
zone), the month `date:2019-09` finds; undated articles are counted apart. Months and
years come as a timeline: every period from the first dated article's to the last one's,
empty ones included, oldest first. Areas and tags come most common first. An article
with several tags counts once under each.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reader.model import ListRow
from reader.text.tokens import metadata_leaves

PERIODS = ("month", "year")
GROUPINGS = (*PERIODS, "area", "tag")
# The timeline counts by month unless the articles span more months than this; then by
# year (a bar a month over decades would not fit a terminal).
TIMELINE_MONTHS = 8 * 12
# Metadata keys (folded, dotted) whose values are an article's tags: Jekyll's and Hugo's
# `tags` (a list, or Jekyll's space-separated string), Zola's `taxonomies.tags`.
TAG_KEYS = frozenset({"tags", "tag", "taxonomies.tags"})

_TAG_SEPARATORS = re.compile(r"\s*,\s*")


@dataclass(frozen=True, slots=True)
class Count:
    """One group: its key ("2019-09", "2019", an area, a tag; None for the articles with
    no date, area or tag) and how many articles are in it."""

    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One period of a timeline: its first day, and how many articles fall in it."""

    start: date
    by: str  # "month" or "year"
    count: int

    @property
    def key(self) -> str:
        """ "2019-09" or "2019": as a date term of the query language writes it."""
        if self.by == "year":
            return f"{self.start.year:04d}"
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def term(self) -> str:
        """The query term that finds this period's articles: `date:2019-09`."""
        return f"date:{self.key}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every month (or year) from the first dated article's to the last one's."""

    by: str
    bars: tuple[Bar, ...]
    undated: int

    @property
    def dated(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def total(self) -> int:
        return self.dated + self.undated

    @property
    def highest(self) -> int:
        return max((bar.count for bar in self.bars), default=0)

    def index_of(self, key: str) -> int | None:
        """Where the bar of `key` ("2019-09") is, if the timeline has it."""
        return next((index for index, bar in enumerate(self.bars) if bar.key == key), None)


def _month_numbers(rows: Iterable[ListRow]) -> tuple[Counter[int], int]:
    """Articles per month (numbered year * 12 + month - 1), and how many have no date."""
    months: Counter[int] = Counter()
    undated = 0
    for row in rows:
        published = row.published
        if published is None:
            undated += 1
        else:
            months[published.year * 12 + published.month - 1] += 1
    return months, undated


def timeline(rows: Iterable[ListRow], by: str | None = None) -> Timeline:
    """The rows by month, or by year; None: by month unless they span more than
    TIMELINE_MONTHS months."""
    months, undated = _month_numbers(rows)
    if not months:
        return Timeline(by or "month", (), undated)
    first, last = min(months), max(months)
    if by is None:
        by = "year" if last - first + 1 > TIMELINE_MONTHS else "month"
    if by == "month":
        bars = tuple(
            Bar(date(number // 12, number % 12 + 1, 1), "month", months.get(number, 0))
            for number in range(first, last + 1)
        )
    elif by == "year":
        years: Counter[int] = Counter()
        for number, count in months.items():
            years[number // 12] += count
        bars = tuple(
            Bar(date(year, 1, 1), "year", years.get(year, 0))
            for year in range(first // 12, last // 12 + 1)
        )
    else:
        raise ValueError(f"a timeline is by {' or '.join(PERIODS)}, not {by!r}")
    return Timeline(by, bars, undated)


def count_areas(rows: Iterable[ListRow]) -> list[Count]:
    """Articles per area, most first (then by name); those without one last."""
    areas: Counter[str | None] = Counter(row.area or None for row in rows)
    return _most_first(areas)


def tags_of(metadata: Mapping[str, Any]) -> list[str]:
    """An article's tags, as written, each once: the values of its TAG_KEYS, a string
    split at commas, or (having none) at spaces as Jekyll does."""
    tags: dict[str, str] = {}
    for key, text in metadata_leaves(metadata):
        if key not in TAG_KEYS:
            continue
        parts = _TAG_SEPARATORS.split(text) if "," in text else text.split()
        for part in parts:
            tag = " ".join(part.split())
            if tag:
                tags.setdefault(tag.casefold(), tag)
    return list(tags.values())


def count_tags(tag_lists: Iterable[list[str]]) -> list[Count]:
    """Articles per tag (each article's tags as tags_of gives them), most first; tags
    differing only in case are one, named as first met. Articles without tags last."""
    counts: Counter[str | None] = Counter()
    names: dict[str, str] = {}
    for tags in tag_lists:
        if not tags:
            counts[None] += 1
        for tag in tags:
            name = names.setdefault(tag.casefold(), tag)
            counts[name] += 1
    return _most_first(counts)


def _most_first(counts: Counter[str | None]) -> list[Count]:
    missing = counts.pop(None, 0)
    ordered = [
        Count(key, count)
        for key, count in sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    ]
    if missing:
        ordered.append(Count(None, missing))
    return ordered


def period_counts(line: Timeline) -> list[Count]:
    """A timeline as counts, oldest first, the undated last."""
    counts = [Count(bar.key, bar.count) for bar in line.bars]
    if line.undated:
        counts.append(Count(None, line.undated))
    return counts


# Eighths of a character cell, for bars drawn along a line of text.
EIGHTHS = " ▏▎▍▌▋▊▉"
FULL_BLOCK = "█"


def horizontal_bar(count: int, highest: int, width: int) -> str:
    """`count` as a bar of at most `width` cells (`highest` fills them), drawn in eighths
    of a cell; any count above zero shows at least an eighth."""
    if highest <= 0 or width <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count * width * 8 / highest))
    whole, part = divmod(eighths, 8)
    return FULL_BLOCK * whole + (EIGHTHS[part] if part else "")


__all__ = [
    "GROUPINGS",
    "PERIODS",
    "TAG_KEYS",
    "Bar",
    "Count",
    "Timeline",
    "count_areas",
    "count_tags",
    "horizontal_bar",
    "period_counts",
    "tags_of",
    "timeline",
]
