"""The sidebar: one two-line row per article, drawn with the Line API.

Only the rows on screen are rendered (and cached as strips), so 100,000 articles cost
the same as 100: replacing the rows is a list assignment, a key press redraws two rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content, Span
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from reader.model import Article
from reader.tui.format import list_date
from reader.tui.marks import ReadingMarks

ROW_HEIGHT = 2
# Where a query matches in a title: (start, end) offsets. Search supplies one later.
TitleHighlighter = Callable[[str], Sequence[tuple[int, int]]]

UNREAD_MARK = "•"
STAR_MARK = "★"


class ArticleList(ScrollView, can_focus=True, inherit_bindings=False):
    """Articles, newest first; the cursor row is the article shown in the panel."""

    BINDING_GROUP_TITLE = "Article list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next article", show=False, id="list.next"),
        Binding("k,up", "cursor_up", "Previous article", show=False, id="list.previous"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("g,home", "first", "First (newest)", show=False, id="list.first"),
        Binding("G,end", "last", "Last (oldest)", show=False, id="list.last"),
        Binding("enter,l", "select", "Read", id="list.read"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--title",
        "article-list--title-read",
        "article-list--meta",
        "article-list--cursor",
        "article-list--cursor-blurred",
        "article-list--cursor-text",
        "article-list--unread",
        "article-list--star",
        "article-list--hit",
        "article-list--empty",
    }

    class Highlighted(Message):
        """The cursor is on another article (by a key, a click, or new rows)."""

        def __init__(self, article: Article | None, index: int, by_user: bool) -> None:
            super().__init__()
            self.article = article
            self.index = index
            self.by_user = by_user

    class Selected(Message):
        """Enter (or a second click) on an article: read it."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

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
        self._rows: Sequence[Article] = ()
        self._index_by_id: dict[str, int] | None = None
        self._cursor = 0
        self._strips: LRUCache[tuple[str, int, int, bool, bool, bool, bool, int], Strip] = LRUCache(
            512
        )
        self._styles: dict[str, Style] = {}
        self.title_highlighter: TitleHighlighter | None = None
        self._highlight_version = 0
        self.empty_message = "No articles"
        # Counts render_line calls; tests use it to check only visible rows are drawn.
        self.lines_rendered = 0

    # -- rows and cursor --------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Article]:
        return self._rows

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def article(self) -> Article | None:
        """The article under the cursor."""
        return self._rows[self._cursor] if self._rows else None

    def index_of(self, article_id: str) -> int | None:
        if self._index_by_id is None:
            self._index_by_id = {article.id: index for index, article in enumerate(self._rows)}
        return self._index_by_id.get(article_id)

    def set_rows(self, articles: Sequence[Article], keep_id: str | None = None) -> None:
        """Show these articles (in this order); the cursor stays on `keep_id` if present,
        otherwise it goes to the first row."""
        previous = self.article
        self._rows = articles
        self._index_by_id = None
        self._strips.clear()
        index = self.index_of(keep_id) if keep_id is not None else None
        self._cursor = index if index is not None else 0
        self.virtual_size = Size(0, len(articles) * ROW_HEIGHT)
        self.refresh()
        if self._rows:
            self._scroll_cursor_into_view()
        current = self.article
        if (current is None) != (previous is None) or (
            current is not None and previous is not None and current.id != previous.id
        ):
            self.post_message(self.Highlighted(current, self._cursor, by_user=False))

    def move_to(self, index: int, *, by_user: bool = True) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self._cursor:
            return
        old = self._cursor
        self._cursor = index
        self.refresh_lines(old * ROW_HEIGHT, ROW_HEIGHT)
        self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self._rows[index], index, by_user))

    def select_id(self, article_id: str) -> bool:
        """Move the cursor to an article by id; False when it is not in the rows."""
        index = self.index_of(article_id)
        if index is None:
            return False
        self.move_to(index)
        return True

    def set_title_highlighter(self, highlighter: TitleHighlighter | None) -> None:
        """Highlight spans of titles (search hits); None for no highlighting."""
        self.title_highlighter = highlighter
        self._highlight_version += 1
        self.refresh()

    def refresh_marks(self) -> None:
        """Redraw after read/starred marks changed (cached rows key on the marks)."""
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        """Scroll the least distance that shows the whole cursor row, keeping rows
        aligned to the top edge (no half row at the top)."""
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = int(self.scroll_y)
        first_whole = -(-top // ROW_HEIGHT)
        last_whole = (top + height) // ROW_HEIGHT - 1
        if self._cursor < first_whole:
            target = self._cursor * ROW_HEIGHT
        elif self._cursor > last_whole:
            visible_rows = max(1, height // ROW_HEIGHT)
            target = (self._cursor - visible_rows + 1) * ROW_HEIGHT
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self._cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self._cursor + self._page_rows())

    def action_page_up(self) -> None:
        self.move_to(self._cursor - self._page_rows())

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._rows) - 1)

    def action_select(self) -> None:
        if (article := self.article) is not None:
            self.post_message(self.Selected(article))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._rows:
            return
        index = (offset.y + int(self.scroll_y)) // ROW_HEIGHT
        if index >= len(self._rows):
            return
        if index == self._cursor or event.chain > 1:
            self.move_to(index)
            self.action_select()
        else:
            self.move_to(index)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def _style(self, name: str, partial: bool = True) -> Style:
        key = f"{name}:{partial}"
        style = self._styles.get(key)
        if style is None:
            style = self.get_visual_style(f"article-list--{name}", partial=partial)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        self.lines_rendered += 1
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        row, part = divmod(line, ROW_HEIGHT)
        base = self.visual_style
        if width <= 0:
            return Strip.blank(0)
        if not self._rows:
            if line == 0:
                message = Content(self.empty_message).truncate(width, ellipsis=True)
                return self._strip(message.stylize("empty"), base, width)
            return Strip.blank(width, base.rich_style)
        if row >= len(self._rows):
            return Strip.blank(width, base.rich_style)
        article = self._rows[row]
        is_cursor = row == self._cursor
        read = self.marks.is_read(article)
        starred = self.marks.is_starred(article)
        key = (
            article.id,
            part,
            width,
            is_cursor,
            self.has_focus,
            read,
            starred,
            self._highlight_version,
        )
        strip = self._strips.get(key)
        if strip is None:
            on_cursor = is_cursor and self.has_focus
            if is_cursor:
                cursor = "cursor" if self.has_focus else "cursor-blurred"
                row_style = self.get_visual_style(f"article-list--{cursor}")
            else:
                row_style = base
            content = (
                self._title_line(article, width, read, starred)
                if part == 0
                else self._meta_line(article, width)
            )
            strip = self._strip(content, row_style, width, on_cursor)
            self._strips[key] = strip
        return strip

    def _strip(self, content: Content, base: Style, width: int, on_cursor: bool = False) -> Strip:
        # On the focused cursor's background the row's own colours give way to the
        # cursor's text colour, so every part of the row stays readable.
        over = self._style("cursor-text") if on_cursor else None

        def parse(role: str | Style) -> Style:
            style = role if isinstance(role, Style) else self._style(role)
            return style + over if over is not None else style

        segments = [
            Segment(text, style.rich_style)
            for text, style in content.render(base, end="", parse_style=parse)
        ]
        return Strip(segments).crop_extend(0, width, base.rich_style)

    def _title_line(self, article: Article, width: int, read: bool, starred: bool) -> Content:
        if starred:
            marker = Content(STAR_MARK + " ", [Span(0, 1, "star")])
        elif not read:
            marker = Content(UNREAD_MARK + " ", [Span(0, 1, "unread")])
        else:
            marker = Content("  ")
        title = article.title
        spans = [Span(0, len(title), "title-read" if read else "title")]
        if self.title_highlighter is not None:
            spans.extend(Span(start, end, "hit") for start, end in self.title_highlighter(title))
        text = Content(title, spans).truncate(max(0, width - 3), ellipsis=True)
        return Content(" ") + marker + text

    def _meta_line(self, article: Article, width: int) -> Content:
        meta = list_date(article.published)
        if article.area:
            meta += " · " + article.area
        return Content("   " + meta, [Span(3, 3 + len(meta), "meta")]).truncate(
            width, ellipsis=True
        )
