"""A scrolling view of a document (see reader/tui/document.py) drawn with the Line API.

Only the visible lines are turned into strips, and strips are cached, so a 1 MB article
scrolls like a 1 KB one. Laying out a big document happens in a worker thread; the view
shows the start of it as soon as the first blocks are wrapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from textual import events, work
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.worker import get_current_worker

from reader.links import check_link
from reader.markup.callouts import KINDS
from reader.markup.code import CODE_KINDS
from reader.tui.document import Block, Layout, Line, iter_layout, layout

# Documents with more blocks, or more text, than this are laid out in a worker thread
# (one 950 KB metadata value is a single block, but half a second to wrap).
SYNC_LAYOUT_BLOCKS = 400
SYNC_LAYOUT_CHARS = 64 * 1024


def lays_out_quickly(blocks: Sequence[Block]) -> bool:
    """Whether laying out `blocks` is quick enough for the UI thread."""
    if len(blocks) > SYNC_LAYOUT_BLOCKS:
        return False
    return sum(len(block.text.plain) for block in blocks) <= SYNC_LAYOUT_CHARS


# What stays at the top of the view through a re-layout (a new width): the block, the
# offset into its text of the line shown, and how many blank lines are above that line.
Anchor = tuple[int, int, int]

# Span roles swapped for their "-current" variant on the highlighted initiative's lines.
_CURRENT_ROLES = frozenset({"initiative-bar", "initiative-number"})


class DocumentView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows blocks wrapped to the view's width; roles are styled by `doc--ROLE` rules."""

    BINDING_GROUP_TITLE = "Document"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="doc.scroll_down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="doc.scroll_up"),
        Binding("space,pagedown,ctrl+f", "page_down", "Page down", show=False, id="doc.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="doc.page_up"),
        Binding(
            "ctrl+d", "half_page_down", "Half a page down", show=False, id="doc.half_page_down"
        ),
        Binding("ctrl+u", "half_page_up", "Half a page up", show=False, id="doc.half_page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="doc.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="doc.bottom"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        f"doc--{role}"
        for role in (
            "title",
            "byline",
            "h1",
            "h2",
            "h3",
            "em",
            "strong",
            "strike",
            "code-inline",
            "code",
            "link",
            "image",
            "bullet",
            "quote",
            "quote-bar",
            "rule",
            "table-header",
            "table-rule",
            "initiative",
            "initiative-current",
            "initiative-bar",
            "initiative-bar-current",
            "initiative-number",
            "initiative-number-current",
            "hit",
            "hit-current",
            "group",
            "key",
            "muted",
            "warning",
            "wrap-mark",
            "template",
            "sup",
            "sub",
            "mark",
            "underline",
            "footnote-ref",
            *(f"code-{kind}" for kind in CODE_KINDS),
            *(f"callout-{kind}{part}" for kind in KINDS for part in ("", "-title")),
        )
    }

    class LinkClicked(Message):
        """A web link in the document was clicked."""

        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._blocks: Sequence[Block] = ()
        self._layout = Layout(width=0)
        self._generation = 0
        self._strips: LRUCache[tuple[int, int, int, bool, int], Strip] = LRUCache(1024)
        self._span_styles: dict[tuple[str, bool], Style] = {}
        self._line_styles: dict[str, Style] = {}
        # Highlighted spans per screen line (offsets into Line.content.plain), e.g. search hits.
        self._highlights: Mapping[int, Sequence[tuple[int, int]]] = {}
        # (line, start, end) of the one highlight drawn as the current one (n / N).
        self._current_highlight: tuple[int, int, int] | None = None
        self._highlight_version = 0
        self.current_initiative: int | None = None

    # -- content ----------------------------------------------------------------------

    @property
    def lines(self) -> list[Line]:
        return self._layout.lines

    @property
    def document_layout(self) -> Layout:
        return self._layout

    @property
    def blocks(self) -> Sequence[Block]:
        return self._blocks

    def set_blocks(self, blocks: Sequence[Block], *, keep_scroll: bool = False) -> None:
        """Show new blocks; big documents are laid out in a worker."""
        self._generation += 1
        self._blocks = blocks
        self.current_initiative = None
        self._highlights = {}
        self._current_highlight = None
        if not keep_scroll:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._relayout(anchor=None)

    def plain_text(self) -> str:
        """The text of every laid-out line (what a person would read), for tests and copying."""
        return "\n".join(line.content.plain.rstrip() for line in self._layout.lines)

    def set_highlights(
        self,
        spans_by_line: Mapping[int, Sequence[tuple[int, int]]],
        current: tuple[int, int, int] | None = None,
    ) -> None:
        """Highlight spans of screen lines (search hits): {line: [(start, end), ...]};
        `current` (line, start, end) is drawn apart from the others."""
        self._highlights = spans_by_line
        self._current_highlight = current
        self._highlight_version += 1
        self.refresh()

    def _text_width(self) -> int:
        return self.scrollable_content_region.width

    def _relayout(self, anchor: Anchor | None) -> None:
        width = self._text_width()
        if width <= 0:
            self._layout = Layout(width=0)
            self._update_virtual_size()
            return
        if lays_out_quickly(self._blocks):
            self._apply_layout(layout(self._blocks, width), self._generation, anchor)
        else:
            self._layout_in_thread(self._blocks, width, self._generation, anchor)

    # A description, or Textual would repr() every block on the UI thread.
    @work(thread=True, exclusive=True, group="document-layout", description="lay out")
    def _layout_in_thread(
        self,
        blocks: Sequence[Block],
        width: int,
        generation: int,
        anchor: Anchor | None,
    ) -> None:
        worker = get_current_worker()
        result = Layout(width=width)
        shown_start = anchor is not None
        for done in iter_layout(blocks, width, result):
            if worker.is_cancelled:
                return
            if not shown_start and done < len(blocks):
                # Show the first screens at once; the rest follows when wrapped.
                partial = Layout(
                    width,
                    list(result.lines),
                    list(result.initiative_lines),
                    list(result.block_lines),
                )
                self.app.call_from_thread(self._apply_layout, partial, generation, None)
                shown_start = True
        self.app.call_from_thread(self._apply_layout, result, generation, anchor)

    def _apply_layout(self, new_layout: Layout, generation: int, anchor: Anchor | None) -> None:
        if generation != self._generation:
            return  # a newer document replaced this one while it was laid out
        self._layout = new_layout
        self._strips.clear()
        self._update_virtual_size()
        if anchor is not None:
            self.scroll_to(y=self._line_for(anchor), animate=False, immediate=True)
        self.refresh()
        self.on_layout_applied()

    def on_layout_applied(self) -> None:
        """Hook for subclasses: a (possibly partial) layout is now on screen."""

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._layout.width, len(self._layout.lines))

    def _anchor_at(self, top: int) -> Anchor | None:
        """What line `top` shows, to find it again at another width. A blank line between
        blocks belongs to none: the first line below it that does is the anchor."""
        lines = self._layout.lines
        for index in range(top, len(lines)):
            if lines[index].block >= 0:
                return (lines[index].block, lines[index].offset, index - top)
        return None

    def _line_for(self, anchor: Anchor) -> int:
        """The screen line to put at the top for `anchor` in the current layout."""
        block, offset, above = anchor
        lines = self._layout.lines
        if block < 0 or block >= len(self._layout.block_lines):
            return 0
        line = self._layout.block_lines[block]
        while (
            line + 1 < len(lines)
            and lines[line + 1].block == block
            and lines[line + 1].offset <= offset
        ):
            line += 1
        return max(0, line - above)

    def on_resize(self, event: events.Resize) -> None:
        if self._text_width() != self._layout.width and self._blocks:
            top = self.scroll_offset.y
            self._relayout(self._anchor_at(top) if top > 0 else None)

    # -- drawing ----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._span_styles.clear()
        self._line_styles.clear()

    def _line_style(self, role: str) -> Style:
        style = self._line_styles.get(role)
        if style is None:
            style = self.get_visual_style(f"doc--{role}") if role else self.visual_style
            self._line_styles[role] = style
        return style

    def _span_style(self, role: str | Style, current: bool) -> Style:
        if isinstance(role, Style):
            return role
        key = (role, current)
        style = self._span_styles.get(key)
        if style is None:
            name = f"{role}-current" if current and role in _CURRENT_ROLES else role
            try:
                style = self.get_visual_style(f"doc--{name}", partial=True)
                # get_visual_style leaves out `reverse`: take it from the stylesheet.
                if self.get_component_styles(f"doc--{name}").text_style.reverse:
                    style += Style(reverse=True)
            except KeyError:
                style = Style()
            self._span_styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        # scroll_offset, not int(scroll_y): Textual rounds the position and repaints only
        # when the rounded value changes, so a view drawn from the truncated one stayed a
        # line short after an animated scroll (G, Space: the last line never showed).
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        lines = self._layout.lines
        if index < 0 or index >= len(lines) or width <= 0:
            return Strip.blank(width, self.visual_style.rich_style)
        line = lines[index]
        current = line.initiative is not None and line.initiative == self.current_initiative
        key = (index, width, self._generation, current, self._highlight_version)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_document_line(line, index, width, current)
            self._strips[key] = strip
        return strip

    def _render_document_line(self, line: Line, index: int, width: int, current: bool) -> Strip:
        role = line.role
        if role == "initiative" and current:
            role = "initiative-current"
        base = self._line_style(role)
        content = line.content
        for start, end in self._highlights.get(index, ()):
            content = content.stylize("hit", start, end)
        if self._current_highlight is not None and self._current_highlight[0] == index:
            _line, start, end = self._current_highlight
            content = content.stylize("hit-current", start, end)

        def parse(span_role: str | Style) -> Style:
            return self._span_style(span_role, current)

        segments = [
            Segment(text, style.rich_style)
            for text, style in content.render(base, end="", parse_style=parse)
        ]
        return Strip(segments).crop_extend(0, width, base.rich_style)

    # -- interaction ------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        url = event.style.link
        # Not the second click of a double click: it may have begun on a row of the list
        # this view has just replaced (narrow terminals show one pane at a time).
        if url and check_link(url).opens and event.chain == 1:
            event.stop()
            self.post_message(self.LinkClicked(url))

    def action_half_page_down(self) -> None:
        self.scroll_relative(y=max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_half_page_up(self) -> None:
        self.scroll_relative(y=-max(1, self.scrollable_content_region.height // 2), animate=False)

    def scroll_line_into_view(self, line: int, height: int = 1) -> None:
        """Scroll so lines [line, line + height) are visible, with a little context above."""
        view = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if line >= top and line + min(height, view) <= top + view:
            return
        self.scroll_to(y=max(0, line - 1), animate=False)
