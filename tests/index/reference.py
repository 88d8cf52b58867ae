"""A brute-force reference for what a query matches, written straight from the README's
rules, and a seeded generator of articles and queries to hold the engine to it (see
test_reference.py and test_engine.py).

The reference re-tokenises every text for every query with its own tokenizer (unicodedata
categories, no regex) and shares no code with the engine beyond the loader.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any

from reader.model import Article, flatten

SEED = 20240611
ARTICLE_COUNT = 200
QUERY_COUNT = 400

WORDS = [
    "police", "Police", "POLICE", "policing", "officer", "officers", "café", "CAFÉ",
    "cafe\u0301", "naïve", "naive", "Zürich", "zurich", "straße", "STRASSE", "ﬁne", "fine",
    "co-op", "coop", "don't", "x_y", "e-mail", "burglary", "burglaries", "drone", "drones",
    "kent", "Kent", "essex", "gang", "Glasgow", "crime", "community", "speed", "2019", "42",
    "½", "Ελλάδα", "ελλαδα", "ΣΊΣΥΦΟΣ", "σίσυφος", "東京", "脆弱性", "情報の脆弱性",
    "한국어", "ｐｏｌｉｃｅ", "Ǆemal", "patrol", "patrols", "night", "safety", "road", "watch",
    "東京都", "京都", "3月", "3月に", "月", "iPhone用の", "한국", "국어",
]  # fmt: skip
AREAS = ["Kent", "Essex", "Thames Valley", "Greater Manchester", "Zürich", "Île-de-France"]
RANKED = ("title", "body", "initiative")
PUNCTUATION = [" ", " ", " ", ", ", ". ", " - ", " — ", " (", ") ", "'", '" ', "; ", " / "]


# -- the reference ------------------------------------------------------------------------


@cache  # pure, so remembering it changes nothing; without it the test takes minutes
def ref_tokens(text: str) -> list[str]:
    """README: NFKD, case-fold, NFKD, drop marks; tokens are runs of L* / N* characters."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    tokens: list[str] = []
    current = ""
    for char in folded:
        category = unicodedata.category(char)
        if category.startswith("M"):
            continue
        if category[0] in "LN":
            current += char
        elif current:
            tokens.append(current)
            current = ""
    if current:
        tokens.append(current)
    pieces: list[str] = []
    for index, token in enumerate(tokens):
        # README: two CJK runs with only punctuation, spaces or lines between are apart.
        if index and ref_is_cjk(tokens[index - 1][-1]) and ref_is_cjk(token[0]):
            pieces.append(RUN_BREAK)
        pieces.extend(ref_cjk_split(token))
    return pieces


RUN_BREAK = "|"  # no token is punctuation


def ref_is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK UNIFIED", "HIRAGANA", "KATAKANA", "HANGUL"))


def ref_cjk_split(token: str) -> list[str]:
    """README: a run of Han, Kana or Hangul is its overlapping pairs of characters (a
    Hangul syllable's jamo count as one character), or itself when one character long."""
    pieces: list[str] = []
    units: list[str] = []  # the CJK run being read, a character (or syllable) each

    def end_run() -> None:
        if len(units) == 1:
            pieces.append(units[0])
        pieces.extend(first + second for first, second in pairwise(units))
        units.clear()

    other = ""
    for char in token:
        if ref_is_cjk(char):
            if other:
                pieces.append(other)
                other = ""
            name = unicodedata.name(char)
            if units and name.startswith(("HANGUL JUNGSEONG", "HANGUL JONGSEONG")):
                units[-1] += char
            else:
                units.append(char)
        else:
            end_run()
            other += char
    end_run()
    if other:
        pieces.append(other)
    return pieces


def ref_leaf_values(value: Any) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, Mapping):
        for item in value.values():
            yield from ref_leaf_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from ref_leaf_values(item)
    else:
        yield str(value)


@cache
def ref_metadata(article: Article) -> list[tuple[str, str]]:
    return [
        (key.casefold().replace(":", "."), text)
        for key, value in flatten(article.metadata)
        for text in ref_leaf_values(value)
    ]


def ref_texts(article: Article, field: str | None) -> list[str]:
    """The texts a word is looked for in: each on its own (phrases never span two)."""
    metadata = ref_metadata(article)
    if field is None:
        return [
            article.title,
            article.body,
            *article.initiatives,
            *(text for _key, text in metadata),
        ]
    if field == "title":
        return [article.title]
    if field == "body":
        return [article.body]
    if field == "initiative":
        return list(article.initiatives)
    if field == "area":
        return [article.area or ""]
    if field == "url":
        return [article.url or ""]
    return [text for key, text in metadata if key == field or key.startswith(field + ".")]


def ref_hits(tokens: list[str], wanted: list[str], prefix: bool) -> int:
    """Positions where `wanted` starts in `tokens` (overlaps count)."""
    size = len(wanted)
    count = 0
    for start in range(len(tokens) - size + 1):
        if all(
            ref_token_matches(tokens[start + at], word, at, size, prefix and at == size - 1)
            for at, word in enumerate(wanted)
        ):
            count += 1
    return count


def ref_token_matches(token: str, word: str, at: int, size: int, prefix: bool) -> bool:
    """README: a CJK character that is a run of its own in the query is found as a token
    of its own, or as the first (something before it in the phrase) or last (something
    after it) character of a run; alone, anywhere in a run."""
    if token == word or (prefix and token.startswith(word)):
        return True
    if len(ref_units(word)) != 1 or not ref_is_cjk(word[0]):
        return False
    units = ref_units(token)
    if not units or not ref_is_cjk(token[0]) or len(units) != 2:
        return False
    if size == 1:
        return word in units
    if at == 0:
        return units[1] == word
    if at == size - 1:
        return units[0] == word
    return False


def ref_units(token: str) -> list[str]:
    """A token's characters, a Hangul syllable's jamo as one."""
    units: list[str] = []
    for char in token:
        name = unicodedata.name(char, "")
        if units and name.startswith(("HANGUL JUNGSEONG", "HANGUL JONGSEONG")):
            units[-1] += char
        else:
            units.append(char)
    return units


@dataclass
class Q:
    """A generated query tree node; `render()` is what a user would type."""

    kind: str  # word, phrase, field, date, not, and, or, group
    text: str = ""
    name: str = ""
    quoted: bool = False
    prefix: bool = False
    children: tuple[Q, ...] = ()

    def render(self) -> str:
        if self.kind == "word":
            return self.text
        if self.kind == "phrase":
            return f'"{self.text}"'
        if self.kind == "field":
            return f'{self.name}:"{self.text}"' if self.quoted else f"{self.name}:{self.text}"
        if self.kind == "date":
            return f"{self.name}:{self.text}"
        if self.kind == "not":
            return "-" + self.children[0].render()
        if self.kind == "group":
            return "(" + self.children[0].render() + ")"
        if self.kind == "and":
            return " ".join(child.render() for child in self.children)
        return " OR ".join(child.render() for child in self.children)


def ref_date_range(value: str) -> tuple[date, date]:
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        following = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return date(parts[0], parts[1], 1), date.fromordinal(following.toordinal() - 1)
    day = date(parts[0], parts[1], parts[2])
    return day, day


def ref_match(query: Q, article: Article) -> bool | None:
    """True/False, or None for "no condition" (a word with no letters or digits)."""
    if query.kind in ("word", "phrase", "field"):
        wanted = ref_tokens(query.text)
        if not wanted:
            return None
        field = query.name.casefold() if query.kind == "field" else None
        texts = ref_texts(article, field)
        return any(ref_hits(ref_tokens(text), wanted, query.prefix) > 0 for text in texts)
    if query.kind == "date":
        if article.published is None:
            return False
        day = article.published.date()
        start, end = ref_date_range(query.text)
        if query.name == "after":
            return day >= start
        if query.name == "before":
            return day <= end
        return start <= day <= end
    if query.kind == "not":
        inner = ref_match(query.children[0], article)
        return None if inner is None else not inner
    if query.kind == "group":
        return ref_match(query.children[0], article)
    results = [ref_match(child, article) for child in query.children]
    conditions = [result for result in results if result is not None]
    if not conditions:
        return None
    return all(conditions) if query.kind == "and" else any(conditions)


def ref_ranked_leaves(query: Q) -> Iterator[Q]:
    """Words, phrases and title:/body:/initiative: terms not under a negation."""
    ranked_field = query.kind == "field" and query.name.casefold() in RANKED
    if ranked_field or (query.kind in ("word", "phrase") and ref_tokens(query.text)):
        yield query
    elif query.kind in ("and", "or", "group"):
        for child in query.children:
            yield from ref_ranked_leaves(child)


def ref_matches(query: Q, articles: list[Article]) -> list[Article]:
    """The articles `query` matches; newest first (undated last), then by id."""
    matched = [a for a in articles if ref_match(query, a) in (True, None)]
    newest = sorted(matched, key=lambda a: a.id)
    newest.sort(key=lambda a: _timestamp(a), reverse=True)
    return newest


def _timestamp(article: Article) -> float:
    published = article.published
    if published is None:
        return float("-inf")
    if published.tzinfo is None:
        return (published - published.min).total_seconds()
    return (published.replace(tzinfo=None) - published.utcoffset() - published.min).total_seconds()


# -- the generated corpus and queries -------------------------------------------------------


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    text = words[0]
    for word in words[1:]:
        text += rng.choice(PUNCTUATION) + word
    if rng.random() < 0.2:
        text += f" [{rng.choice(WORDS)} site](https://example.org/{rng.choice(WORDS)}/page)"
    if rng.random() < 0.2:
        text = text.replace(" ", " **", 1) + "**"
    return text


def _published(rng: random.Random) -> tuple[str, str] | None:
    year, month, day = rng.randint(2018, 2021), rng.randint(1, 12), rng.randint(1, 28)
    choice = rng.randrange(5)
    if choice == 0:
        return None
    if choice == 1:
        return (
            "publish.date",
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {day:02d}/{month:02d}/{year}",
        )
    if choice == 2:
        return "date", f"{year}-{month:02d}-{day:02d}"
    if choice == 3:
        # Late on New Year's Eve west of Greenwich: in UTC it is already the next year, but
        # the date as written is the one that counts.
        return "date", f"{year}-12-31T23:30:00-05:00"
    return "date", f"{year}-12-31"


def _metadata(rng: random.Random, title: str) -> dict[str, Any]:
    data: dict[str, Any] = {"title": title}
    if rng.random() < 0.8:
        data["area"] = rng.choice(AREAS)
    if rng.random() < 0.7:
        data["og"] = {
            "locale": rng.choice(["en_GB", "fr_FR", "de_CH"]),
            "type": rng.choice(["website", "article"]),
            "description": _sentence(rng, 3, 10),
        }
    if rng.random() < 0.5:
        data["tags"] = [rng.choice(WORDS) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.6:
        force = rng.choice(["kent", "essex"])
        data["url"] = f"https://www.{force}.police.example/news/{rng.randint(1, 999)}/"
    published = _published(rng)
    if published is not None:
        key, value = published
        if key == "publish.date":
            data["publish"] = {"date": value}
        else:
            data[key] = value
    return data


def _yaml(data: Mapping[str, Any], indent: str = "") -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            lines.append(f"{indent}{key}:")
            lines.append(_yaml(value, indent + "  "))
        else:
            lines.append(f"{indent}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines)


def _toml(data: Mapping[str, Any]) -> str:
    flat = [
        f"{k} = {json.dumps(v, ensure_ascii=False)}"
        for k, v in data.items()
        if not isinstance(v, Mapping)
    ]
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.append(f"[{key}]")
            flat.extend(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in value.items())
    return "\n".join(flat)


def make_file(rng: random.Random, number: int) -> tuple[str, str]:
    """(file name, text) of one generated article."""
    title = _sentence(rng, 2, 6).replace("[", "").replace("]", "")
    paragraphs = [_sentence(rng, 5, 25) for _ in range(rng.randint(1, 3))]
    bullets = [f" * {_sentence(rng, 3, 12)}" for _ in range(rng.randint(0, 4))]
    body = "\n\n".join(paragraphs[:1] + (["\n".join(bullets)] if bullets else []) + paragraphs[1:])
    metadata = _metadata(rng, title)
    style = rng.randrange(4)
    if style == 0:
        text = f"```yaml\n{_yaml(metadata)}\n```\n\n{body}\n"
    elif style == 1:
        text = f"---\n{_yaml(metadata)}\n---\n{body}\n"
    elif style == 2:
        text = f"+++\n{_toml(metadata)}\n+++\n{body}\n"
    else:
        text = f"# {title}\n\n{body}\n"
    return f"{number:03d}.md", text


def _value(rng: random.Random) -> str:
    return rng.choice(WORDS)


def make_atom(rng: random.Random, articles: list[Article]) -> Q:
    choice = rng.random()
    if choice < 0.35:
        return Q("word", _value(rng) if rng.random() > 0.03 else rng.choice(["&", "—", "-"]))
    if choice < 0.5:
        if rng.random() < 0.5:
            source = rng.choice(articles)
            tokens = source.body.split()
            start = rng.randrange(max(len(tokens) - 2, 1))
            text = " ".join(tokens[start : start + rng.randint(2, 3)]).replace('"', "")
        else:
            text = " ".join(_value(rng) for _ in range(rng.randint(2, 3)))
        return Q("phrase", text)
    if choice < 0.85:
        name = rng.choice(
            [
                "title",
                "body",
                "initiative",
                "area",
                "url",
                "og.locale",
                "og.type",
                "tags",
                "og",
                "Title",
                "OG.Locale",
                "publish.date",
            ]
        )
        if name.casefold() == "area":
            text = rng.choice(AREAS)
        elif name.casefold() == "og.locale":
            text = rng.choice(["en_GB", "fr", "de_ch", "gb"])
        elif name == "og.type":
            text = rng.choice(["website", "article"])
        elif name == "url":
            text = rng.choice(["kent", "essex.police", "https://www.kent.police.example/news"])
        elif name == "publish.date":
            text = str(rng.randint(2018, 2021))
        else:
            text = _value(rng) if rng.random() < 0.7 else f"{_value(rng)} {_value(rng)}"
        quoted = " " in text or rng.random() < 0.2
        if not ref_tokens(text):
            text = "police"
        return Q("field", text, name, quoted)
    kind = rng.choice(["after", "before", "date"])
    year = rng.randint(2017, 2022)
    shape = rng.randrange(3)
    value = str(year) if shape == 0 else f"{year}-{rng.randint(1, 12):02d}"
    if shape == 2:
        value += f"-{rng.randint(1, 28):02d}"
    return Q("date", value, kind)


def make_query(rng: random.Random, articles: list[Article], depth: int = 0) -> Q:
    roll = rng.random()
    if depth >= 2 or roll < 0.3:
        atom = make_atom(rng, articles)
        return Q("not", children=(atom,)) if rng.random() < 0.2 else atom
    children = tuple(make_query(rng, articles, depth + 1) for _ in range(rng.randint(2, 3)))
    # A compound child keeps its meaning only inside parentheses.
    children = tuple(
        Q("group", children=(child,)) if child.kind in ("and", "or") else child
        for child in children
    )
    if roll < 0.6:
        return Q("and", children=children)
    if roll < 0.85:
        return Q("or", children=children)
    return Q("not", children=(Q("group", children=(Q("and", children=children),)),))


def make_prefix_query(rng: random.Random, articles: list[Article]) -> Q:
    """A query ending in a word that is a prefix (as when typing): base AND prefix-word."""
    base = make_query(rng, articles, 1)
    if base.kind in ("and", "or"):
        base = Q("group", children=(base,))
    stem = rng.choice([w for w in WORDS if len(ref_tokens(w)) == 1])
    stem = stem[: rng.randint(1, len(stem))]
    if rng.random() < 0.3:
        last = Q("field", stem, rng.choice(["title", "body", "og.type", "area"]), prefix=True)
    else:
        last = Q("word", stem, prefix=True)
    if not ref_tokens(stem):
        last = Q("word", "pol", prefix=True)
    return Q("and", children=(base, last))
