"""The article panel: title, byline, the rendered body, initiatives and search hits to
step through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.scrollbar import ScrollMessage
from textual.worker import get_current_worker

from reader.loading.discover import is_mdx
from reader.model import Article
from reader.search import Node, highlight_spans, is_ranked
from reader.tui.document import Block, Layout, styled
from reader.tui.format import article_reading_minutes, human_size, long_date, plural
from reader.tui.hits import Hit, Spans, document_hits, hits_by_line
from reader.tui.markdown_render import RenderCancelled, render_markdown
from reader.tui.widgets.document_view import DocumentView, lays_out_quickly

# Bodies longer than this, or of more lines, are parsed in a worker thread (the seed is
# 4 KB; a 60 KB body of 10,000 one-word bullets took 0.8 s on the UI thread).
SYNC_PARSE_CHARS = 64 * 1024
SYNC_PARSE_LINES = 1_000
# A body four times that (an 824 KB changelog took 2-6 s to render whole) shows its opening
# part first, rendered on its own in a tenth of a second, until the whole is ready.
OPENING_PART_CHARS = 32 * 1024
OPENING_PART_LINES = 1_000
# The workers rendering an article's body.
PARSE_GROUP = "article-parse"


def opening_part(body: str) -> str | None:
    """The first lines of a body long enough to be shown before it is rendered whole:
    up to a blank line (else a line end) before OPENING_PART_CHARS characters or
    OPENING_PART_LINES lines; None for a body rendered quickly enough whole.

    Markdown read from a part is the whole's up to near its end (a list or fence cut
    there runs to the part's end; a link defined further down is not yet a link): the
    whole replaces it when rendered."""
    if len(body) <= 4 * SYNC_PARSE_CHARS and body.count("\n") <= 4 * SYNC_PARSE_LINES:
        return None
    end = min(len(body), OPENING_PART_CHARS)
    line_end = -1
    for _ in range(OPENING_PART_LINES):
        line_end = body.find("\n", line_end + 1, end)
        if line_end < 0:
            break
        end_of_lines = line_end
    else:
        end = end_of_lines
    paragraph_end = body.rfind("\n\n", 0, end)
    if paragraph_end > end // 2:
        return body[:paragraph_end]
    line_end = body.rfind("\n", 0, end)
    return body[:line_end] if line_end > 0 else None


def byline_parts(article: Article) -> tuple[Content, ...]:
    """Date, area, reading time, initiatives:
    Friday 27 September 2019, 07:45 · Northamptonshire · 4 min read · 9 initiatives"""
    parts = [
        styled(long_date(article.published) if article.published else "No date", "byline"),
    ]
    if article.area:
        parts.append(styled(article.area, "byline"))
    parts.append(styled(f"{article_reading_minutes(article)} min read", "byline"))
    if article.initiatives:
        parts.append(styled(plural(len(article.initiatives), "initiative"), "initiative-number"))
    return tuple(parts)


def header_blocks(article: Article) -> list[Block]:
    blocks = [
        Block(styled(article.title, "title")),
        Block(styled(" · ", "muted"), kind="parts", cells=(byline_parts(article),)),
    ]
    if article.warnings:
        notice = plural(len(article.warnings), "load warning")
        blocks.append(Block(styled(f"⚠ {notice} (see the metadata pane, m)", "warning")))
    blocks.append(Block(Content(""), kind="rule"))
    return blocks


class ArticleView(DocumentView):
    """Shows one article. `]` / `[` step through its initiatives, `n` / `N` (app keys)
    through the hits of the search query."""

    BINDING_GROUP_TITLE = "Article"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h,escape", "screen.focus_list", "Back to list", id="article.back"),
        # As in `less`; elsewhere b toggles the sidebar.
        Binding("b", "page_up", "Page up", show=False, id="article.page_up"),
    ]

    class InitiativeChanged(Message):
        def __init__(self, index: int | None, count: int) -> None:
            super().__init__()
            self.index = index
            self.count = count

    class UserScrolled(Message):
        """The user scrolled the article (a key, the wheel, the scrollbar): they are
        reading it. Scrolling done for them (opening, resuming, a new width) is not."""

    class HitsChanged(Message):
        """The query's hits in the article were found again, or n / N moved to one."""

        def __init__(self, index: int | None, count: int) -> None:
            super().__init__()
            self.index = index
            self.count = count

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self.initiative_count = 0
        self._header_blocks = 0
        # The initiative to highlight once the article is laid out far enough to hold it.
        self._wanted_initiative: int | None = None
        self.search_query: Node | None = None
        self.hits: list[Hit] = []
        self.current_hit: int | None = None
        self._told_hits: tuple[int | None, int] = (None, 0)
        # The line to scroll to once the body is laid out that far (or to its end).
        self.wanted_scroll: float | None = None
        self._body_shown = False
        # A long body's opening part is shown while the whole is rendered.
        self._opening_shown = False

    def show_article(
        self,
        article: Article | None,
        empty: str = "No article selected",
        initiative: int | None = None,
        scroll: float | None = None,
    ) -> None:
        """Show `article` (at initiative number `initiative`, 0-based, or scrolled to
        line `scroll`, if given), or the `empty` message when there is none."""
        self.article = article
        self.initiative_count = 0
        self._wanted_initiative = initiative
        self.wanted_scroll = scroll if scroll else None
        self._body_shown = False
        self._opening_shown = False
        self._forget_hits()
        # A render of the article shown before (a thread: it cannot be stopped, only asked
        # to stop) is no longer wanted.
        self.workers.cancel_group(self, PARSE_GROUP)
        if article is None:
            self.set_blocks([Block(styled(empty, "muted"))])
            self._changed()
            return
        body = article.body
        if len(body) <= SYNC_PARSE_CHARS and body.count("\n") <= SYNC_PARSE_LINES:
            rendered = render_markdown(body, article.title, mdx=is_mdx(article.path))
            self._show_body(article, *rendered)
        else:
            size = human_size(len(article.body.encode("utf-8", "surrogatepass")))
            notice = Block(styled(f"Rendering {size}…", "muted"), gap_before=1)
            header = header_blocks(article)
            self._header_blocks = len(header)
            self.set_blocks([*header, notice])
            self._parse_in_thread(article)
        self._changed()

    # Descriptions, or Textual would repr() the arguments (a whole article) on the UI thread.
    @work(thread=True, exclusive=True, group=PARSE_GROUP, description="render markdown")
    def _parse_in_thread(self, article: Article) -> None:
        worker = get_current_worker()
        mdx = is_mdx(article.path)
        opening = opening_part(article.body)
        try:
            if opening is not None:
                blocks, _count = render_markdown(
                    opening, article.title, mdx=mdx, cancelled=lambda: worker.is_cancelled
                )
                rest_bytes = article.body[len(opening) :].encode("utf-8", "surrogatepass")
                rest = human_size(len(rest_bytes))
                self.app.call_from_thread(self._parsed_opening, article, blocks, rest)
            blocks, count = render_markdown(
                article.body, article.title, mdx=mdx, cancelled=lambda: worker.is_cancelled
            )
        except RenderCancelled:
            return  # another article is shown: its render needs the interpreter
        self.app.call_from_thread(self._parsed, article, blocks, count)

    def _parsed_opening(self, article: Article, blocks: list[Block], rest: str) -> None:
        if article is not self.article or self._body_shown:
            return
        notice = Block(styled(f"Rendering the rest ({rest})…", "muted"), gap_before=1)
        header = header_blocks(article)
        self._header_blocks = len(header)
        self._opening_shown = True
        self.set_blocks([*header, *blocks, notice], keep_scroll=True)

    def _parsed(self, article: Article, blocks: list[Block], count: int) -> None:
        if article is self.article:
            if self._opening_shown and self.current_initiative is not None:
                # Stepped to in the opening part: still the one highlighted in the whole.
                self._wanted_initiative = self.current_initiative
            self._show_body(article, blocks, count, keep_scroll=True)

    def _show_body(
        self, article: Article, body: list[Block], count: int, keep_scroll: bool = False
    ) -> None:
        if not body:
            body = [Block(styled("This article has no text.", "muted"), gap_before=1)]
        self.initiative_count = count
        header = header_blocks(article)
        self._header_blocks = len(header)
        self._body_shown = True
        self.set_blocks([*header, *body], keep_scroll=keep_scroll)
        self._changed()

    def _changed(self) -> None:
        self.post_message(self.InitiativeChanged(self.current_initiative, self.initiative_count))

    # -- the user scrolling -----------------------------------------------------------

    def _user_scrolled(self) -> None:
        if self.article is not None:
            self.post_message(self.UserScrolled())

    def action_scroll_down(self) -> None:
        self._user_scrolled()
        super().action_scroll_down()

    def action_scroll_up(self) -> None:
        self._user_scrolled()
        super().action_scroll_up()

    def action_page_down(self) -> None:
        self._user_scrolled()
        super().action_page_down()

    def action_page_up(self) -> None:
        self._user_scrolled()
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self._user_scrolled()
        super().action_scroll_home()

    def action_scroll_end(self) -> None:
        self._user_scrolled()
        super().action_scroll_end()

    # Beside Widget's own handlers of these (Textual calls every class's handler).
    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._user_scrolled()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._user_scrolled()

    @on(ScrollMessage)
    def _on_scrollbar(self, message: ScrollMessage) -> None:
        self._user_scrolled()  # the scrollbar dragged or clicked

    # -- initiatives ------------------------------------------------------------------

    def action_next_initiative(self) -> None:
        self._step_initiative(+1)

    def action_previous_initiative(self) -> None:
        self._step_initiative(-1)

    def _step_initiative(self, direction: int) -> None:
        self._user_scrolled()
        starts = self.document_layout.initiative_lines
        if not starts:
            self.notify("This article has no initiatives.", severity="warning", timeout=2)
            return
        current = self.current_initiative
        if current is None:
            # Start from what is on screen rather than from the top of the article.
            top = self.scroll_offset.y
            if direction > 0:
                target = next((n for n, line in enumerate(starts) if line >= top), len(starts) - 1)
            else:
                target = next((n for n in reversed(range(len(starts))) if starts[n] < top), 0)
        else:
            target = current + direction
        if not 0 <= target < len(starts):
            self.app.bell()
            return
        self.select_initiative(target)

    def select_initiative(self, number: int) -> None:
        """Highlight initiative `number` (0-based) and scroll it into view."""
        starts = self.document_layout.initiative_lines
        if not 0 <= number < len(starts):
            return
        self.current_initiative = number
        start = starts[number]
        end = start
        lines = self.lines
        while end < len(lines) and (lines[end].initiative == number or end == start):
            end += 1
        self.scroll_line_into_view(start, end - start)
        self.refresh()
        self._changed()

    def on_layout_applied(self) -> None:
        wanted = self._wanted_initiative
        if wanted is not None and wanted < len(self.document_layout.initiative_lines):
            self._wanted_initiative = None
            self.select_initiative(wanted)
        line = self.wanted_scroll
        if line is not None and self._body_shown:
            # Forced: until the next refresh shows its scrollbar, a view that was empty
            # a moment ago does not allow scrolling.
            self.scroll_to(y=line, animate=False, immediate=True, force=True)
            reached = line <= len(self.lines) - self.scrollable_content_region.height
            if reached or len(self.document_layout.block_lines) >= len(self.blocks):
                self.wanted_scroll = None  # else a partial layout: the rest may reach it
        self._find_hits()

    # -- search hits ------------------------------------------------------------------

    def set_query(self, query: Node | None) -> None:
        """Highlight the hits of `query` (None: no search) in this and later articles."""
        if query == self.search_query:
            return
        self.search_query = query
        self._find_hits()

    def _find_hits(self) -> None:
        query = self.search_query
        if query is None or self.article is None or not is_ranked(query):
            self._show_hits([], self.document_layout)
            return
        if lays_out_quickly(self.blocks):
            self._show_hits(self._hits_in(self.blocks, self.document_layout, query), None)
        else:
            self._find_hits_in_thread(self.blocks, self.document_layout, query)

    def _hits_in(self, blocks: Sequence[Block], layout: Layout, query: Node) -> list[Hit]:
        header = self._header_blocks

        def find(index: int, text: str) -> Spans:
            if index == 0:
                return highlight_spans(text, query, field="title")
            if index < header:
                return ()  # the byline and rules
            return highlight_spans(text, query, field="body")

        return document_hits(blocks, layout, find)

    @work(thread=True, exclusive=True, group="article-hits", description="find hits")
    def _find_hits_in_thread(self, blocks: Sequence[Block], layout: Layout, query: Node) -> None:
        hits = self._hits_in(blocks, layout, query)
        self.app.call_from_thread(self._show_hits, hits, layout)

    def _show_hits(self, hits: list[Hit], layout: Layout | None) -> None:
        if layout is not None and layout is not self.document_layout:
            return  # laid out again (another article, another width) while searching
        if not hits and not self.hits:
            self._hits_changed()
            return
        self.hits = hits
        self.current_hit = None
        self.set_highlights(hits_by_line(hits))
        self._hits_changed()

    def _forget_hits(self) -> None:
        self.hits = []
        self.current_hit = None

    def _hits_changed(self) -> None:
        state = (self.current_hit, len(self.hits))
        if state != self._told_hits:
            self._told_hits = state
            self.post_message(self.HitsChanged(*state))

    def step_hit(self, direction: int) -> None:
        """Move to the next (+1) or previous (-1) hit, scroll it into view and mark it."""
        self._user_scrolled()
        hits = self.hits
        if not hits:
            message = "No search hits in this article." if self.search_query else "No search."
            self.notify(message, severity="warning", timeout=2)
            return
        current = self.current_hit
        if current is None:
            # Start from what is on screen rather than from the top of the article.
            top = self.scroll_offset.y
            if direction > 0:
                target = next((n for n, hit in enumerate(hits) if hit[0] >= top), len(hits) - 1)
            else:
                target = next((n for n in reversed(range(len(hits))) if hits[n][0] < top), 0)
        else:
            target = current + direction
        if not 0 <= target < len(hits):
            # Round to the other end, as vim and less do, and say so.
            target %= len(hits)
            if direction > 0:
                notice = "Past the last hit: back to the first."
            else:
                notice = "Before the first hit: on to the last."
            self.notify(notice, title="Search wrapped", timeout=2)
        self.current_hit = target
        self.set_highlights(hits_by_line(hits), current=hits[target])
        self.scroll_line_into_view(hits[target][0])
        self._hits_changed()

    def initiative_text(self, number: int) -> str:
        """The text shown on screen for initiative `number`, for tests and checks."""
        return " ".join(
            line.content.plain.strip() for line in self.lines if line.initiative == number
        )
