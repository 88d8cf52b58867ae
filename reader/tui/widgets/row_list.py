"""A list of two-line rows drawn with the Line API: the base of the article list and the
initiatives list.

Only the rows on screen are rendered (and cached as strips), so 500,000 rows cost the same
as 100: replacing the rows is a list assignment, a key press redraws two rows. Subclasses
say what a row's two lines hold (`row_line`) and what, besides the row, changes them
(`row_state`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

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

ROW_HEIGHT = 2
# Where a query matches in a text: (start, end) offsets.
Highlighter = Callable[[str], Sequence[tuple[int, int]]]

RowT = TypeVar("RowT")


def row_bindings(noun: str, read: str) -> list[BindingType]:
    """The keys of a row list, described for its rows ("article", "initiative"). Both
    lists share the binding ids, so one keymap entry remaps the key in both."""
    return [
        Binding("j,down", "cursor_down", f"Next {noun}", show=False, id="list.next"),
        Binding("k,up", "cursor_up", f"Previous {noun}", show=False, id="list.previous"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding(
            "ctrl+d", "half_page_down", "Half a page down", show=False, id="list.half_page_down"
        ),
        Binding("ctrl+u", "half_page_up", "Half a page up", show=False, id="list.half_page_up"),
        Binding("g,home", "first", f"First {noun}", show=False, id="list.first"),
        Binding("G,end", "last", f"Last {noun}", show=False, id="list.last"),
        Binding("enter,l", "select", read, id="list.read"),
    ]


class RowList(ScrollView, Generic[RowT], can_focus=True, inherit_bindings=False):
    """Rows in a given order; the cursor row is the one the panel shows."""

    BINDINGS: ClassVar[list[BindingType]] = []
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--title",
        "row-list--title-read",
        "row-list--meta",
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--cursor-text",
        "row-list--unread",
        "row-list--star",
        "row-list--hit",
        "row-list--empty",
        "row-list--bar",
    }

    class Highlighted(Message):
        """The cursor is on another row (by a key, a click, or new rows)."""

        def __init__(self, row_list: RowList[Any], row: Any, index: int, by_user: bool) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row
            self.index = index
            self.by_user = by_user

        @property
        def control(self) -> RowList[Any]:
            return self.row_list

    class Selected(Message):
        """Enter (or a second click) on a row: read it."""

        def __init__(self, row_list: RowList[Any], row: Any) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList[Any]:
            return self.row_list

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[RowT] = ()
        self._index_by_key: dict[Hashable, int] | None = None
        self._cursor = 0
        self._strips: LRUCache[tuple[Hashable, ...], Strip] = LRUCache(512)
        self._styles: dict[str, Style] = {}
        self.highlighter: Highlighter | None = None
        self._version = 0
        self.empty_message = "Nothing to show"
        # Counts render_line calls; tests use it to check only visible rows are drawn.
        self.lines_rendered = 0

    # -- what subclasses say about rows --------------------------------------------------

    def row_key(self, row: RowT) -> Hashable:
        """What identifies a row across set_rows calls (the cursor follows it)."""
        raise NotImplementedError

    def row_state(self, row: RowT) -> Hashable:
        """Anything besides the row that changes how it is drawn (read marks...)."""
        return None

    def row_line(self, row: RowT, part: int, width: int) -> Content:
        """Line `part` (0 or 1) of a row, as content styled by `row-list--` role names."""
        raise NotImplementedError

    # -- rows and cursor -----------------------------------------------------------------

    @property
    def rows(self) -> Sequence[RowT]:
        return self._rows

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current(self) -> RowT | None:
        """The row under the cursor."""
        return self._rows[self._cursor] if self._rows else None

    def index_of(self, key: Hashable) -> int | None:
        if self._index_by_key is None:
            self._index_by_key = {self.row_key(row): index for index, row in enumerate(self._rows)}
        return self._index_by_key.get(key)

    def set_rows(
        self,
        rows: Sequence[RowT],
        keep: Hashable | None = None,
        *,
        at: int | None = None,
        stay: bool = False,
    ) -> None:
        """Show these rows (in this order); the cursor goes to row `at` if given (found
        by the caller, perhaps in a worker: looking a key up here costs a pass over the
        rows), else to the row whose key is `keep` if present; else, with `stay`, it stays
        on its row, or goes to the next row still there if its row left; else to the
        first row. A cursor that stays on its row stays where it was on screen, however
        many rows arrive or leave above it."""
        previous = self.current
        old_rows, old_cursor = self._rows, self._cursor
        on_screen = old_cursor * ROW_HEIGHT - self.scroll_offset.y
        self._rows = rows
        self._index_by_key = None
        self._strips.clear()
        index: int | None = None
        if at is not None and 0 <= at < len(rows):
            index = at
        elif keep is not None:
            index = self.index_of(keep)
        if index is None and stay:
            index = self._survivor(old_rows, old_cursor)
        self._cursor = index if index is not None else 0
        self.virtual_size = Size(0, len(rows) * ROW_HEIGHT)
        self.refresh()
        current = self.current
        same_row = (
            current is not None
            and previous is not None
            and self.row_key(current) == self.row_key(previous)
        )
        if same_row and 0 <= on_screen < self.scrollable_content_region.height:
            target = self._cursor * ROW_HEIGHT - on_screen
            self.scroll_to(y=target, animate=False, immediate=True, force=True)
        if self._rows:
            self._scroll_cursor_into_view()
        if (current is None) != (previous is None) or (current is not None and not same_row):
            self._post_highlighted(by_user=False)

    def _survivor(self, old_rows: Sequence[RowT], old_cursor: int) -> int | None:
        """Where the cursor's row is among the new rows; if it left, the first row after
        it that did not (or, none after it, the nearest before it)."""
        if not old_rows:
            return None
        after = range(old_cursor, len(old_rows))
        before = range(min(old_cursor, len(old_rows)) - 1, -1, -1)
        for number in itertools.chain(after, before):
            index = self.index_of(self.row_key(old_rows[number]))
            if index is not None:
                return index
        return None

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
        self._post_highlighted(by_user)

    def select_key(self, key: Hashable) -> bool:
        """Move the cursor to a row by key; False when it is not in the rows."""
        index = self.index_of(key)
        if index is None:
            return False
        self.move_to(index)
        return True

    def _post_highlighted(self, by_user: bool) -> None:
        self.post_message(self.Highlighted(self, self.current, self._cursor, by_user))

    def set_highlighter(self, highlighter: Highlighter | None) -> None:
        """Highlight spans of the rows' main text (search hits); None for none."""
        self.highlighter = highlighter
        self.redraw()

    def redraw(self) -> None:
        """Draw every row again (what row_state does not cover changed)."""
        self._version += 1
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        """Scroll the least distance that shows the whole cursor row, keeping rows
        aligned to the top edge (no half row at the top)."""
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = self.scroll_offset.y
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

    def visible_rows(self) -> range:
        """Indexes of the rows on screen now."""
        top = self.scroll_offset.y // ROW_HEIGHT
        height = -(-self.scrollable_content_region.height // ROW_HEIGHT) + 1
        return range(top, min(len(self._rows), top + height))

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

    def _half_page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT // 2)

    def action_half_page_down(self) -> None:
        self.move_to(self._cursor + self._half_page_rows())

    def action_half_page_up(self) -> None:
        self.move_to(self._cursor - self._half_page_rows())

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._rows) - 1)

    def action_select(self) -> None:
        if (row := self.current) is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._rows:
            return
        index = (offset.y + self.scroll_offset.y) // ROW_HEIGHT
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

    # -- drawing -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._styles.clear()

    def _style(self, name: str, partial: bool = True) -> Style:
        key = f"{name}:{partial}"
        style = self._styles.get(key)
        if style is None:
            style = self.get_visual_style(f"row-list--{name}", partial=partial)
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        self.lines_rendered += 1
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y  # the rounded position Textual repaints for
        row_index, part = divmod(line, ROW_HEIGHT)
        base = self.visual_style
        if width <= 0:
            return Strip.blank(0)
        if not self._rows:
            if line == 0:
                # Indented as the rows' text is, past their mark column.
                message = Content(" " + self.empty_message).truncate(width, ellipsis=True)
                return self._strip(message.stylize("empty"), base, width)
            return Strip.blank(width, base.rich_style)
        if row_index >= len(self._rows):
            return Strip.blank(width, base.rich_style)
        row = self._rows[row_index]
        is_cursor = row_index == self._cursor
        key = (
            self.row_key(row),
            part,
            width,
            is_cursor,
            self.has_focus,
            self.row_state(row),
            self._version,
        )
        strip = self._strips.get(key)
        if strip is None:
            on_cursor = is_cursor and self.has_focus
            if is_cursor:
                cursor = "cursor" if self.has_focus else "cursor-blurred"
                row_style = self.get_visual_style(f"row-list--{cursor}")
            else:
                row_style = base
            strip = self._strip(self.row_line(row, part, width), row_style, width, on_cursor)
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

    def highlighted(self, text: str, role: str, width: int) -> Content:
        """`text` in `role`, with the highlighter's hits marked, cut to `width` cells."""
        spans = [Span(0, len(text), role)]
        if self.highlighter is not None:
            spans.extend(Span(start, end, "hit") for start, end in self.highlighter(text))
        return Content(text, spans).truncate(max(0, width), ellipsis=True)
