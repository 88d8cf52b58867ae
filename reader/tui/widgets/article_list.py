"""The sidebar's article list: one two-line row per article (title; date and area).

Rows are list rows (reader.model.ListRow): an index summary or an article in memory,
never a body. See widgets/row_list.py for how the rows are drawn.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from textual.binding import BindingType
from textual.content import Content, Span

from reader.model import ListRow
from reader.tui.format import list_date
from reader.tui.marks import ReadingMarks
from reader.tui.widgets.row_list import ROW_HEIGHT, Highlighter, RowList, row_bindings

__all__ = ["ROW_HEIGHT", "STAR_MARK", "UNREAD_MARK", "ArticleList", "Highlighter"]

UNREAD_MARK = "•"
STAR_MARK = "★"


class ArticleList(RowList[ListRow]):
    """Articles in the current order; the cursor row is the article shown in the panel."""

    BINDING_GROUP_TITLE = "Article list"
    BINDINGS: ClassVar[list[BindingType]] = row_bindings("article", "Read")

    def __init__(
        self,
        marks: ReadingMarks,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.marks = marks
        self.empty_message = "No articles"
        # A strftime pattern for the dates (the user's date_format); None: 27 Sep 2019.
        self.date_format: str | None = None

    @property
    def article(self) -> ListRow | None:
        """The article under the cursor."""
        return self.current

    def select_id(self, article_id: str) -> bool:
        """Move the cursor to an article by id; False when it is not in the rows."""
        return self.select_key(article_id)

    def set_title_highlighter(self, highlighter: Highlighter | None) -> None:
        """Highlight spans of titles (search hits); None for no highlighting."""
        self.set_highlighter(highlighter)

    def refresh_marks(self) -> None:
        """Redraw after read/starred marks changed (cached rows key on the marks)."""
        self.refresh()

    def row_key(self, row: ListRow) -> Hashable:
        return row.id

    def row_state(self, row: ListRow) -> Hashable:
        return (self.marks.is_read(row), self.marks.is_starred(row))

    def row_line(self, row: ListRow, part: int, width: int) -> Content:
        if part == 0:
            return self._title_line(row, width)
        meta = list_date(row.published, self.date_format)
        if row.area:
            meta += " · " + row.area
        return Content("   " + meta, [Span(3, 3 + len(meta), "meta")]).truncate(
            width, ellipsis=True
        )

    def _title_line(self, row: ListRow, width: int) -> Content:
        read = self.marks.is_read(row)
        # The star keeps its column; the unread dot stands beside it, or in its place.
        unread = Content(UNREAD_MARK, [Span(0, 1, "unread")]) if not read else Content(" ")
        if self.marks.is_starred(row):
            marker = unread + Content(STAR_MARK + " ", [Span(0, 1, "star")])
        else:
            marker = Content(" ") + unread + Content(" ")
        title = self.highlighted(row.title, "title-read" if read else "title", width - 3)
        return marker + title
