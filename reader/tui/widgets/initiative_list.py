"""The initiatives view: one two-line row per initiative of the listed articles
(the initiative's text; the date, area and title of its article).

100,000 articles have about 500,000 initiatives, 80 MB of text: the rows (InitiativeRows)
hold only which article and which of its initiatives, and the texts of the rows on screen
are read from the store as they are drawn (a few dozen at a time, kept in a cache).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import ClassVar

from textual.binding import BindingType
from textual.cache import LRUCache
from textual.content import Content, Span

from reader.tui.format import list_date
from reader.tui.results import InitiativeRow
from reader.tui.widgets.row_list import RowList, row_bindings

# Reads the initiatives of some articles by id (ArticleStore.initiatives).
InitiativeSource = Callable[[Sequence[str]], Mapping[str, tuple[str, ...]]]
BAR = "▌"


class InitiativeList(RowList[InitiativeRow]):
    """Initiatives of the listed articles; the panel shows the cursor's one in its article."""

    BINDING_GROUP_TITLE = "Initiatives view"
    BINDINGS: ClassVar[list[BindingType]] = row_bindings("initiative", "Read")

    def __init__(
        self,
        source: InitiativeSource,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._source = source
        self._texts: LRUCache[str, tuple[str, ...]] = LRUCache(4096)
        self.empty_message = "No initiatives in these articles"
        # A strftime pattern for the dates (the user's date_format); None: 27 Sep 2019.
        self.date_format: str | None = None

    @property
    def initiative(self) -> InitiativeRow | None:
        return self.current

    def forget_texts(self) -> None:
        """Drop the cached texts (the folder changed)."""
        self._texts.clear()
        self.redraw()

    def text_of(self, row: InitiativeRow) -> str:
        """The initiative's text, read with those of the other rows on screen."""
        texts = self._texts.get(row.article.id)
        if texts is None:
            rows = self.rows
            wanted = {row.article.id}
            wanted.update(
                rows[index].article.id
                for index in self.visible_rows()
                if rows[index].article.id not in self._texts
            )
            found = self._source(sorted(wanted))
            for article_id in wanted:
                self._texts[article_id] = found.get(article_id, ())
            texts = self._texts.get(row.article.id, ())
        return texts[row.number] if row.number < len(texts) else ""

    def row_key(self, row: InitiativeRow) -> Hashable:
        return (row.article.id, row.number)

    def row_line(self, row: InitiativeRow, part: int, width: int) -> Content:
        if part == 0:
            text = self.text_of(row) or "(no longer in the folder)"
            return (
                Content(" ")
                + Content(BAR + " ", [Span(0, 1, "bar")])
                + self.highlighted(text, "title", width - 3)
            )
        article = row.article
        meta = list_date(article.published, self.date_format)
        if article.area:
            meta += " · " + article.area
        meta += " · " + article.title
        return Content("   " + meta, [Span(3, 3 + len(meta), "meta")]).truncate(
            width, ellipsis=True
        )
