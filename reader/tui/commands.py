"""The command palette: "Go to article…" over every title, and the reader's commands."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content, Span
from textual.style import Style

from reader.model import ListRow
from reader.tui.format import list_date

# Fuzzy matching enumerates letter positions; past this many characters of a title it
# gets slow and adds nothing, so only the start of very long titles is matched.
MATCH_CHARS = 120
# Articles listed when the palette opens with no query.
DISCOVER_COUNT = 20
# Titles checked between yields to the event loop, so typing stays responsive at 100k.
CHUNK = 500

# The reader's commands in the command palette: (title, help, action of the main screen
# or the app); the help says which key does the same, as currently bound.
PALETTE_COMMANDS = (
    ("Go to article…", "Fuzzy search of titles", "go_to"),
    ("Search", "Filter the list with a query", "search"),
    ("Facets", "Pick areas and years", "facets"),
    ("Sort", "Newest, oldest, title, area", "sort"),
    ("Initiatives view", "One row per initiative", "initiatives"),
    ("Next initiative", "Highlight the article's next initiative", "next_initiative"),
    ("Previous initiative", "Highlight the article's previous initiative", "previous_initiative"),
    ("Next hit", "The next search hit in the article", "next_hit"),
    ("Previous hit", "The previous search hit in the article", "previous_hit"),
    ("Mark read / unread", "Mark the article read, or unread again", "toggle_read"),
    ("Star / unstar", "Star the article, or take the star away", "toggle_star"),
    ("Open article in browser", "The article's URL", "open_url"),
    ("Copy article URL", "To the clipboard", "copy_url"),
    ("Toggle metadata pane", "Show or hide the metadata", "toggle_metadata"),
    ("Toggle sidebar", "Show or hide the article list", "toggle_sidebar"),
    ("Load problems", "Files that could not be loaded, articles with warnings", "problems"),
    ("Related articles", "The articles most like this one, and the words they share", "related"),
    ("Help", "Every key, as currently bound", "help"),
)


@runtime_checkable
class ArticleSource(Protocol):
    """A screen listing articles (the main screen) that can go to one of them."""

    @property
    def articles(self) -> Sequence[ListRow]: ...

    def go_to_article(self, article_id: str) -> None: ...


def article_prompt(article: ListRow, spans: Sequence[tuple[int, int]], style: Style) -> Content:
    """Title (matches highlighted) over a dim "date · area" line; never parsed as markup."""
    title = Content(article.title, [Span(start, end, style) for start, end in spans])
    meta = list_date(article.published).strip()
    if article.area:
        meta += " · " + article.area
    return title + Content("\n" + meta, [Span(1, len(meta) + 1, Style(dim=True))])


def _offsets_to_spans(offsets: Sequence[int]) -> list[tuple[int, int]]:
    return [(offset, offset + 1) for offset in offsets]


class GoToArticle(Provider):
    """Fuzzy search over article titles (Textual's Matcher) of the screen the palette
    opened over; choosing one opens it."""

    @property
    def source(self) -> ArticleSource | None:
        screen = self.screen
        return screen if isinstance(screen, ArticleSource) else None

    async def discover(self) -> Hits:
        source = self.source
        if source is None:
            return
        open_article = source.go_to_article
        style = self.match_style or Style(bold=True)
        for article in source.articles[:DISCOVER_COUNT]:
            yield DiscoveryHit(
                article_prompt(article, (), style),
                partial(open_article, article.id),
                text=f"Go to article: {article.title}",
            )

    async def search(self, query: str) -> Hits:
        source = self.source
        if source is None:
            return
        matcher = self.matcher(query)
        style = self.match_style or Style(bold=True)
        # A C-speed regex pre-filter: only titles holding the query's letters in order
        # go through the (Python) fuzzy scorer.
        pattern = re.compile(".*?".join(re.escape(char) for char in query.strip()), re.IGNORECASE)
        open_article: Callable[[str], None] = source.go_to_article
        articles = source.articles
        for start in range(0, len(articles), CHUNK):
            for article in articles[start : start + CHUNK]:
                candidate = article.title[:MATCH_CHARS]
                if pattern.search(candidate) is None:
                    continue
                score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
                if score > 0:
                    yield Hit(
                        score,
                        article_prompt(article, _offsets_to_spans(offsets), style),
                        partial(open_article, article.id),
                        text=article.title,
                    )
            await asyncio.sleep(0)
