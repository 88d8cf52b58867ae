"""The timeline (t): how many of the listed articles fall in each month (or year), drawn
as vertical bars of block characters, the axis labelled with years; ←/→ move between
bars and Enter narrows the list to the bar under the cursor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from reader.stats import Bar, Timeline
from reader.tui.format import plural

# Rows of bars; each row is drawn in eighths of a cell.
BAR_ROWS = 5
# The widest a bar is drawn (with one column between bars) when there is room.
MOST_CELLS = 6
_EIGHTHS = " ▁▂▃▄▅▆▇"
_FULL = "█"


def bar_glyphs(count: int, highest: int, rows: int = BAR_ROWS) -> list[str]:
    """A bar's character in each row, top first: `highest` fills every row, any count
    above zero shows at least an eighth of one."""
    if count <= 0 or highest <= 0:
        return [" "] * rows
    eighths = max(1, round(count * rows * 8 / highest))
    glyphs = []
    for level in range(rows - 1, -1, -1):
        filled = eighths - level * 8
        glyphs.append(_FULL if filled >= 8 else _EIGHTHS[filled] if filled > 0 else " ")
    return glyphs


class TimelineView(Widget, can_focus=True):
    """Shown by t under the panes; the screen hands it each list's Timeline."""

    BINDING_GROUP_TITLE = "Timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1)", "Previous bar", show=False, id="timeline.previous"),
        Binding("right,l", "move(1)", "Next bar", show=False, id="timeline.next"),
        Binding("home,g", "move_to(0)", "First bar", show=False, id="timeline.first"),
        Binding("end,G", "move_to(-1)", "Last bar", show=False, id="timeline.last"),
        Binding("enter", "narrow", "Narrow to this period", id="timeline.narrow"),
        Binding("escape", "screen.toggle_timeline", "Close", id="timeline.close"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--bar",
        "timeline--cursor",
        "timeline--axis",
        "timeline--empty",
    }

    class Narrow(Message):
        """Enter on a bar: list only its period (`term`: `date:2019-09`)."""

        def __init__(self, term: str) -> None:
            super().__init__()
            self.term = term

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline: Timeline | None = None
        self.cursor = 0
        # The first bar drawn, when there are more bars than columns.
        self._first = 0

    def show_timeline(self, line: Timeline | None) -> None:
        """Draw `line`; the cursor stays on its period when the new one has it, else
        goes to the newest bar."""
        old = self.timeline
        key = old.bars[self.cursor].key if old is not None and old.bars else None
        self.timeline = line
        bars = line.bars if line is not None else ()
        at = line.index_of(key) if line is not None and key is not None else None
        self.cursor = at if at is not None else max(0, len(bars) - 1)
        self._caption()
        self.refresh()
        self.refresh_bindings()  # Enter is offered only with a bar to narrow to

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter narrows only to a bar: a list with no dated article has none, and the
        footer does not offer it."""
        if action == "narrow":
            return self.current_key is not None
        return True

    @property
    def current_key(self) -> str | None:
        """The period under the cursor ("2019-09"), if there is a bar."""
        line = self.timeline
        return line.bars[self.cursor].key if line is not None and line.bars else None

    def action_move(self, step: int) -> None:
        self.action_move_to(self.cursor + step, clamp=True)

    def action_move_to(self, index: int, clamp: bool = False) -> None:
        line = self.timeline
        if line is None or not line.bars:
            return
        count = len(line.bars)
        index = index % count if not clamp else max(0, min(count - 1, index))
        if index != self.cursor:
            self.cursor = index
            self._caption()
            self.refresh()

    def action_narrow(self) -> None:
        line = self.timeline
        if line is not None and line.bars:
            self.post_message(self.Narrow(line.bars[self.cursor].term))

    def _caption(self) -> None:
        line = self.timeline
        if line is None:
            self.border_title = "Timeline"
            self.border_subtitle = "counting…"
            return
        tallest = f" · tallest {line.highest:,}" if line.bars else ""
        self.border_title = f"Timeline · by {line.by}{tallest}"
        parts = []
        if line.bars:
            bar = line.bars[self.cursor]
            parts.append(f"{bar.key}: {plural(bar.count, 'article')}")
        if line.undated:
            parts.append(f"{line.undated:,} undated")
        self.border_subtitle = " · ".join(parts)

    def _layout(self, width: int) -> tuple[int, int, int]:
        """(cells per bar, bar width, bars shown) for `width` columns."""
        assert self.timeline is not None
        count = len(self.timeline.bars)
        cells = max(1, min(MOST_CELLS, width // max(1, count)))
        drawn = cells - 1 if cells > 1 else 1
        return cells, drawn, max(1, min(count, width // cells))

    def render(self) -> Content:
        line = self.timeline
        width = self.content_size.width
        if line is None:
            return Content.styled("Counting…", ".timeline--empty")
        if not line.bars:
            return Content.styled("No dated article in this list.", ".timeline--empty")
        cells, drawn, shown = self._layout(width)
        # The cursor's bar stays in view, the window moving as little as it can.
        self._first = min(max(self._first, self.cursor - shown + 1), self.cursor)
        self._first = max(0, min(self._first, len(line.bars) - shown))
        bars = line.bars[self._first : self._first + shown]
        highest = max(bar.count for bar in bars)
        columns = [bar_glyphs(bar.count, highest) for bar in bars]
        rows: list[Content] = []
        for level in range(BAR_ROWS):
            parts = []
            for offset, glyphs in enumerate(columns):
                style = (
                    ".timeline--cursor" if self._first + offset == self.cursor else ".timeline--bar"
                )
                parts.append(Content.styled(glyphs[level] * drawn, style))
                if cells > drawn:
                    parts.append(Content(" " * (cells - drawn)))
            rows.append(Content("").join(parts))
        rows.append(Content.styled(self._axis(bars, cells, width), ".timeline--axis"))
        return Content("\n").join(rows)

    def _axis(self, bars: Sequence[Bar], cells: int, width: int) -> str:
        """Labels under the bars, each where there is room: the year where one starts
        (and under the first bar); with room, each month's number between."""
        axis = [" "] * width
        free = 0
        for offset, bar in enumerate(bars):
            key = bar.key
            if offset == 0 or bar.by == "year" or key.endswith("-01"):
                label = key[:4]
            elif cells >= 3:
                label = key[5:]
            else:
                continue
            column = offset * cells
            if column >= free and column + len(label) <= width:
                axis[column : column + len(label)] = label
                free = column + len(label) + 1
        return "".join(axis).rstrip()
