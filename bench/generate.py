"""Write N articles in the seed's format into a folder, deterministically.

    python bench/generate.py --count 10000 --out /tmp/corpus-10k [--seed 1] [--huge]
        [--vocabulary bench|zipf [--words 30000]]

Same count and seed give byte-identical files. Articles vary in area (40 forces), date
(2010-2025), bullets (0-10) and size (about 1-5 KB); `--huge` adds one 1 MB article for
the open-time benchmark. Files go in subfolders of 1,000 so no folder gets enormous.

`--vocabulary bench` (the default) writes prose from the 52 words below: every article
holds most of them, a worst case for search. `--vocabulary zipf` draws it from a ranked
vocabulary of `--words` distinct words with weight 1/rank (Zipf's law, as real text has
it): the 52 words first, then pseudo-words of syllables, one in a hundred accented; the
titles, areas, subjects and headers are the same, so the bench queries still hit. Its
files go one level deeper (batch-NNN/part-N/, 250 a folder), as real sites nest them.
"""

from __future__ import annotations

import argparse
import itertools
import random
from bisect import bisect
from collections.abc import Callable
from pathlib import Path

AREAS = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London",
    "Cleveland", "Cumbria", "Derbyshire", "Devon and Cornwall", "Dorset", "Durham",
    "Dyfed-Powys", "Essex", "Gloucestershire", "Greater Manchester", "Gwent", "Hampshire",
    "Hertfordshire", "Humberside", "Kent", "Lancashire", "Leicestershire", "Lincolnshire",
    "Merseyside", "Metropolitan", "Norfolk", "North Wales", "North Yorkshire",
    "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire",
    "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire",
    "West Mercia",
)  # fmt: skip
SUBJECTS = (
    "burglary", "knife crime", "road safety", "drink driving", "rural crime", "cyber crime",
    "anti-social behaviour", "domestic abuse", "county lines", "fraud", "recruitment",
    "neighbourhood policing", "speeding", "vehicle crime", "shoplifting", "modern slavery",
    "hate crime", "missing persons", "wildlife crime", "scam calls",
)  # fmt: skip
VERBS = (
    "launches", "expands", "reviews", "celebrates", "targets", "strengthens", "funds",
    "announces", "trials", "renews",
)  # fmt: skip
NOUNS = (
    "officers", "volunteers", "residents", "partners", "schools", "businesses", "patrols",
    "drones", "cameras", "campaign", "programme", "operation", "unit", "team", "hub",
    "victims", "communities", "councils", "charities", "drivers",
)  # fmt: skip
WORDS = (
    "the", "a", "with", "across", "after", "new", "local", "county", "force", "week", "month",
    "people", "support", "public", "safety", "reported", "arrested", "charged", "court",
    "evidence", "investigation", "help", "advice", "contact", "information", "community",
    "crime", "police", "officer", "said", "continue", "work", "together", "keep", "safe",
    "street", "town", "village", "night", "weekend", "summer", "winter", "increase",
    "reduction", "per", "cent", "year", "results", "priority", "report", "café", "naïve",
)  # fmt: skip


SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def zipf_vocabulary(size: int, rng: random.Random) -> list[str]:
    """WORDS, then pseudo-words, `size` distinct words in all, most common first."""
    words = list(dict.fromkeys(WORDS))
    seen = set(words) | set(NOUNS) | {word for subject in SUBJECTS for word in subject.split()}
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.01:
            word = word.replace("e", "é", 1).replace("i", "ï", 1)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_picker(words: list[str]) -> Callable[[random.Random], str]:
    """A word at random, the word of rank r with weight 1/r."""
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))

    def pick(rng: random.Random) -> str:
        return words[bisect(weights, rng.random() * weights[-1])]

    return pick


def bench_word(rng: random.Random) -> str:
    return rng.choice(WORDS)


# Where prose words come from (generate sets it).
prose_word: Callable[[random.Random], str] = bench_word


def sentence(rng: random.Random, words: int) -> str:
    parts = [prose_word(rng) for _ in range(words)]
    parts[rng.randrange(words)] = rng.choice(NOUNS)
    parts[rng.randrange(words)] = rng.choice(SUBJECTS)
    text = " ".join(parts)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(sentences))


def slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def article(rng: random.Random, number: int, target_bytes: int) -> str:
    area = rng.choice(AREAS)
    subject = rng.choice(SUBJECTS)
    title_text = f"{area} police {rng.choice(VERBS)} {subject} {rng.choice(NOUNS)}"
    title_text = f"{title_text[0].upper()}{title_text[1:]} ({number})"
    year = rng.randint(2010, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(6, 22), rng.randrange(0, 60, 5)
    domain = slug(area).replace("-", "")
    url = f"https://www.{domain}.police.example/news/{year}/{month:02d}/{slug(title_text)}/"
    description = sentence(rng, 18)
    header = (
        "```yaml\n"
        f"area: {area}\n"
        "og:\n"
        f'  description: "{description}"\n'
        f"  image: https://www.{domain}.police.example/og.png?w=600&amp;h=300\n"
        "  locale: en_GB\n"
        f'  title: "{title_text}"\n'
        "  type: website\n"
        f"  url: {url}\n"
        "publish:\n"
        f"  date: {hour:02d}:{minute:02d} {day:02d}/{month:02d}/{year}\n"
        f'title: "{title_text} | {area} Police"\n'
        f"url: {url}\n"
        "```\n\n"
    )
    bullets = rng.randint(0, 10)
    parts = [paragraph(rng, rng.randint(1, 3))]
    body_budget = target_bytes - len(header)
    if bullets:
        parts.append("Steps taken include:")
        parts.append("\n".join(f" * {paragraph(rng, rng.randint(1, 2))}" for _ in range(bullets)))
    while sum(len(part) + 2 for part in parts) < body_budget:
        parts.append(paragraph(rng, rng.randint(2, 5)))
    return header + "\n\n".join(parts) + "\n"


def generate(
    out: Path,
    count: int,
    seed: int = 1,
    huge: bool = False,
    vocabulary: str = "bench",
    words: int = 30_000,
) -> None:
    global prose_word
    rng = random.Random(seed)
    zipf = vocabulary == "zipf"
    prose_word = (
        zipf_picker(zipf_vocabulary(words, random.Random(seed + 1))) if zipf else bench_word
    )
    for number in range(count):
        folder = out / f"batch-{number // 1000:03d}"
        if zipf:
            folder = folder / f"part-{number // 250 % 4}"
        if number % (250 if zipf else 1000) == 0:
            folder.mkdir(parents=True, exist_ok=True)
        text = article(rng, number, rng.randint(1000, 5000))
        (folder / f"{number:06d}_{rng.getrandbits(64):016x}.txt").write_text(text, "utf-8")
    if huge:
        text = article(rng, count, 1024 * 1024)
        (out / "huge_1mb.txt").write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--huge", action="store_true", help="add one 1 MB article")
    parser.add_argument("--vocabulary", choices=("bench", "zipf"), default="bench")
    parser.add_argument("--words", type=int, default=30_000, help="distinct words (zipf)")
    args = parser.parse_args()
    generate(args.out, args.count, args.seed, args.huge, args.vocabulary, args.words)
    print(f"wrote {args.count:,} articles to {args.out}")


if __name__ == "__main__":
    main()
