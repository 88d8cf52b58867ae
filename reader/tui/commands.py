"""Command palette providers: "Go to article…" over every title."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content, Span
from textual.style import Style

from reader.model import ListRow
from reader.tui.format import list_date

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

# Fuzzy matching enumerates letter positions; past this many characters of a title it
# gets slow and adds nothing, so only the start of very long titles is matched.
MATCH_CHARS = 120
# Articles listed when the palette opens with no query.
DISCOVER_COUNT = 20
# Titles checked between yields to the event loop, so typing stays responsive at 100k.
CHUNK = 500


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
    """Fuzzy search over article titles (Textual's Matcher); choosing one opens it."""

    @property
    def reader(self) -> ReaderApp:
        from reader.tui.app import ReaderApp

        assert isinstance(self.app, ReaderApp)
        return self.app

    async def discover(self) -> Hits:
        open_article = self.reader.go_to_article
        style = self.match_style or Style(bold=True)
        for article in self.reader.articles[:DISCOVER_COUNT]:
            yield DiscoveryHit(
                article_prompt(article, (), style),
                partial(open_article, article.id),
                text=f"Go to article: {article.title}",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        style = self.match_style or Style(bold=True)
        # A C-speed regex pre-filter: only titles holding the query's letters in order
        # go through the (Python) fuzzy scorer.
        pattern = re.compile(".*?".join(re.escape(char) for char in query.strip()), re.IGNORECASE)
        open_article: Callable[[str], None] = self.reader.go_to_article
        articles = self.reader.articles
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
