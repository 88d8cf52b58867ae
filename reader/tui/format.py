"""Dates, sizes and keys as the reader shows them. Plain Python: no Textual.

Month and day names are spelt out here rather than taken from strftime, so what the
screen shows does not depend on the machine's locale.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path

from reader.loading.article import count_han_and_kana
from reader.model import Article
from reader.text.names import escape_name

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WORDS_PER_MINUTE = 230
# Chinese and Japanese are read in characters, silently about 400-500 a minute: counted as
# words of WORDS_PER_MINUTE (each Han or Kana character is one, as word processors count
# them) their reading times came out about twice too long.
CJK_CHARACTERS_PER_MINUTE = 450

# Metadata group and key names that are acronyms or have a better-known long form.
KNOWN_NAMES = {
    "og": "Open Graph",
    "dc": "Dublin Core",
    "url": "URL",
    "uri": "URI",
    "id": "ID",
    "html": "HTML",
    "seo": "SEO",
    "api": "API",
    "rss": "RSS",
    "isbn": "ISBN",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[_\-\s]+")


def _has_time(moment: datetime) -> bool:
    # A date without a time of day is stored as midnight; do not show "00:00" for it.
    return (moment.hour, moment.minute, moment.second) != (0, 0, 0)


def long_date(moment: datetime) -> str:
    """Friday 27 September 2019, 07:45 (the time only when the file gave one)."""
    text = f"{DAYS[moment.weekday()]} {moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{text}, {moment:%H:%M}" if _has_time(moment) else text


def short_date(moment: datetime) -> str:
    """Fri 27 Sep 2019, 07:45"""
    text = f"{DAYS[moment.weekday()][:3]} {moment.day} {MONTHS[moment.month - 1][:3]} {moment.year}"
    return f"{text}, {moment:%H:%M}" if _has_time(moment) else text


def list_date(moment: datetime | None, pattern: str | None = None) -> str:
    """27 Sep 2019: fixed width (11 cells), for the article list; or `moment` in a
    strftime `pattern` (the user's date_format), "no date" padded to its width."""
    if pattern is not None:
        if moment is None:
            return "no date".ljust(len(datetime(2019, 9, 27, 7, 45).strftime(pattern)))
        return moment.strftime(pattern)
    if moment is None:
        return "no date".ljust(11)
    return f"{moment.day:>2} {MONTHS[moment.month - 1][:3]} {moment.year}"


def reading_minutes(words: int, han_and_kana: int = 0) -> int:
    """Minutes to read `words` (as count_words counts them), of which `han_and_kana` are
    Chinese or Japanese characters (read at CJK_CHARACTERS_PER_MINUTE)."""
    han_and_kana = min(han_and_kana, words)
    minutes = (words - han_and_kana) / WORDS_PER_MINUTE + han_and_kana / CJK_CHARACTERS_PER_MINUTE
    return max(1, math.ceil(minutes))


def article_reading_minutes(article: Article) -> int:
    """The article's reading time: its Han and Kana counted in its body (the stored word
    count counts each as a word, as word processors do)."""
    return reading_minutes(article.word_count, count_han_and_kana(article.body))


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    word = noun if count == 1 else (plural_noun or noun + "s")
    return f"{count:,} {word}"


def humanise_key(key: str) -> str:
    """A metadata key as a label: "published_time" -> "Published time", "og" -> "Open Graph"."""
    known = KNOWN_NAMES.get(key.lower())
    if known:
        return known
    words = _SEPARATORS.split(_CAMEL.sub(" ", key).strip())
    words = [KNOWN_NAMES.get(word.lower(), word) for word in words if word]
    if not words:
        return key
    first = words[0]
    words = [word if word.isupper() else word.lower() for word in words]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:].lower()
    return " ".join(words)


def display_path(path: Path) -> str:
    """A path with the home folder written as ~, odd bytes and control characters escaped
    (the folder opened may have come from an archive too)."""
    home = Path.home()
    shown = str(path)
    if path.is_absolute() and home != Path(home.anchor) and path.is_relative_to(home):
        shown = "~/" + path.relative_to(home).as_posix()
    return escape_name(shown)


def format_metadata_format(name: str) -> str:
    return {
        "fenced-yaml": "fenced YAML block",
        "yaml": "YAML front matter",
        "toml": "TOML front matter",
        "none": "none (plain markdown)",
    }.get(name, name)
