"""Publication dates in the shapes article files use. Never raises: None means "not a date"."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

# The seed's `publish.date`: "07:45 27/09/2019" (time first, day before month).
_TIME_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}):(\d{2})\s+(\d{1,2})/(\d{1,2})/(\d{4})")
# "27/09/2019" with an optional " 07:45" after it.
_DAY_MONTH_YEAR_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2}))?")
_FILENAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})-")
# A date in a path: folders `2019/09/27/` (Zola's `path = "2019/09/27/slug"`, permalinks
# `/2019/09/27/slug/`), or a part `2019-09-27` or `2019-09-27-slug`.
_PATH_DATE = re.compile(
    r"(?:^|/)((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=/|$)"
    r"|(?:^|/)((?:19|20)\d{2})-(\d{2})-(\d{2})(?=[-_./]|$)"
)
_STRPTIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S %z",  # Jekyll: 2018-06-14 09:30:00 +0100
    "%Y-%m-%d %H:%M %z",
    # Month or day of one digit, which fromisoformat refuses (Jekyll takes 2022-7-8).
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y",  # German and other day-first dates written with dots
    "%d.%m.%Y %H:%M",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b %d %Y",  # Astro's blog template: pubDate: 'Jul 08 2022'
    "%B %d %Y",
    "%d %B %Y %H:%M",
    "%d %b %Y %H:%M",
)


def parse_date(value: object) -> datetime | None:
    """A datetime from a metadata value, or None when the value is not a date we know."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 100:
        return None
    try:
        return _parse_text(text)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def _parse_text(text: str) -> datetime | None:
    match = _TIME_DAY_MONTH_YEAR.fullmatch(text)
    if match:
        hour, minute, day, month, year = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute)
    match = _DAY_MONTH_YEAR_TIME.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups()[:3])
        hour, minute = (int(g) if g else 0 for g in match.groups()[3:])
        return datetime(year, month, day, hour, minute)
    if text[0].isdigit():
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _STRPTIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    if "," in text or text[:3].isalpha():
        # RFC 2822, as RSS pubDate writes it: "Fri, 27 Sep 2019 07:45:00 +0100".
        return parsedate_to_datetime(text)
    return None


def date_from_filename(name: str) -> datetime | None:
    """The date in a Jekyll-style `YYYY-MM-DD-` file-name prefix, if any."""
    match = _FILENAME_DATE.match(name)
    if not match:
        return None
    try:
        year, month, day = (int(g) for g in match.groups())
        return datetime(year, month, day)
    except ValueError:
        return None


def date_from_path(path: str) -> datetime | None:
    """The first date in a `/`-separated path or URL path: `…/2019/09/27/…`,
    `…/2019-09-27-slug/…` (None if there is none that is a real day)."""
    if len(path) > 2000:
        return None
    for match in _PATH_DATE.finditer(path):
        year, month, day = (int(group) for group in match.groups() if group is not None)
        try:
            return datetime(year, month, day)
        except ValueError:
            continue
    return None
