"""Folders shaped like the real cases of issue 13's ranking item: a release-notes blog
(ruby-lang.org's news) and a documentation site (Hugo's), each with many short documents
that mention the query's words scattered, a few times each."""

from __future__ import annotations

import random
from pathlib import Path

FILLER = [
    "the", "a", "of", "to", "and", "in", "for", "with", "on", "is", "this", "that", "by",
    "from", "as", "it", "be", "are", "you", "can", "your", "we", "page", "site", "build",
    "content", "template", "config", "file", "output", "function", "value", "list", "version",
    "users", "fixes", "changes", "security", "update", "bug", "report", "see", "below", "more",
    "details", "about",
]  # fmt: skip


def _text(rng: random.Random, words: int, mentions: list[str]) -> str:
    """`words` filler words with each of `mentions` put in at random places."""
    text = [rng.choice(FILLER) for _ in range(words)]
    for mention in mentions:
        text.insert(rng.randrange(len(text) + 1), mention)
    return " ".join(text) + "."


def _post(root: Path, name: str, title: str, body: str, **metadata: str) -> None:
    lines = "".join(f"{key}: {value}\n" for key, value in metadata.items())
    (root / name).write_text(f'---\ntitle: "{title}"\n{lines}---\n{body}\n', encoding="utf-8")


def write_release_blog(root: Path, seed: int = 7) -> None:
    """ruby-lang news: the release post, its previews and candidates, other releases, and
    short posts that mention ruby, 3.3.0 and released apart."""
    rng = random.Random(seed)
    _post(
        root,
        "2023-12-25-ruby-3-3-0-released.md",
        "Ruby 3.3.0 Released",
        _text(rng, 3000, ["Ruby 3.3.0", "Ruby 3.3", "YJIT", "Prism", "released"] * 3),
        date="2023-12-25",
    )
    for number, stage in enumerate(["preview1", "preview2", "preview3", "rc1"]):
        _post(
            root,
            f"2023-{number + 5:02}-01-ruby-3-3-0-{stage}-released.md",
            f"Ruby 3.3.0-{stage} Released",
            _text(rng, 80, [f"Ruby 3.3.0-{stage}", "Ruby 3.3.0", "released", "ruby"] * 3),
            date=f"2023-{number + 5:02}-01",
        )
    for version in ["3.2.0", "3.2.1", "3.2.2", "3.1.4", "3.0.6", "2.7.8", "3.4.0", "3.3.1"]:
        _post(
            root,
            f"ruby-{version}-released.md",
            f"Ruby {version} Released",
            _text(rng, 300, [f"Ruby {version}", "released", "ruby", "3.3.0"] * 2),
            date="2023-03-30",
        )
    for number, title in enumerate(
        [
            "Ruby 3.3.0 and 3.2.3 released, with the 3.3.0 fixes",
            "Released: Ruby 3.3.0 news, Ruby 3.3.0 docs, Ruby 3.2 fixes",
            "Ruby 3.3.0 roadmap: what is released when",
        ]
    ):  # short posts whose titles hold the words apart, some twice
        _post(
            root,
            f"2023-11-{number + 1:02}-title-{number}.md",
            title,
            _text(rng, 40, ["Ruby 3.3.0", "released", "ruby", "3.3.0 released"] * 3),
            date=f"2023-11-{number + 1:02}",
        )
    for number in range(60):  # short posts: the words apart, several times
        _post(
            root,
            f"short-{number:02}.md",
            rng.choice(["Security advisory", "Conference news", "Meeting notes", "Bug fix"]),
            _text(rng, rng.randrange(20, 60), ["ruby", "released", "3.3.0", "ruby", "released"]),
            tags="[ruby, release]",
        )


def write_docs_site(root: Path, seed: int = 11) -> None:
    """Hugo's documentation: the page titled *Multilingual mode* (long), pages whose long
    titles mention multilingual, and short pages mentioning it several times."""
    rng = random.Random(seed)
    _post(
        root,
        "multilingual.md",
        "Multilingual mode",
        _text(rng, 3000, ["multilingual"] * 12 + ["language"] * 20),
        description="Localize your project for each language and region.",
        keywords="[multilingual, i18n, internationalization]",
    )
    for number, title in enumerate(
        [
            "Configure languages for a multilingual site with translations of every page",
            "Translation tables in multilingual projects and how strings are looked up",
            "Menus, links and the language switcher of a multilingual project's templates",
        ]
    ):
        _post(
            root,
            f"long-title-{number}.md",
            title,
            _text(rng, 200, ["multilingual"] * 4),
            keywords="[multilingual]",
        )
    for number in range(80):
        _post(
            root,
            f"f{number:02}.md",
            rng.choice(["lang.Translate", "site.Language", "page.Translations", "urls.RelLangURL"]),
            _text(rng, rng.randrange(15, 40), ["multilingual"] * rng.randrange(2, 5)),
            description="Returns a value in a multilingual project.",
            keywords="[multilingual]",
        )
    for number in range(40):
        _post(root, f"o{number:02}.md", "Other page", _text(rng, 100, []))
