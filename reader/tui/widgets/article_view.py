"""The article panel: title, byline, the rendered body, and initiatives to step through."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message

from reader.model import Article
from reader.tui.document import Block, styled
from reader.tui.format import human_size, long_date, plural, reading_minutes
from reader.tui.markdown_render import render_markdown
from reader.tui.widgets.document_view import DocumentView

# Bodies longer than this are parsed in a worker thread (the seed is 4 KB; 1 MB takes ~0.1 s).
SYNC_PARSE_CHARS = 64 * 1024


def byline_parts(article: Article) -> tuple[Content, ...]:
    """Date, area, reading time, initiatives:
    Friday 27 September 2019, 07:45 · Northamptonshire · 4 min read · 9 initiatives"""
    parts = [
        styled(long_date(article.published) if article.published else "No date", "byline"),
    ]
    if article.area:
        parts.append(styled(article.area, "byline"))
    parts.append(styled(f"{reading_minutes(article.word_count)} min read", "byline"))
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
    """Shows one article. `]` / `[` step through its initiatives."""

    BINDING_GROUP_TITLE = "Article"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h,escape", "app.focus_list", "Back to list", id="article.back"),
        # As in `less`; elsewhere b toggles the sidebar.
        Binding("b", "page_up", "Page up", show=False, id="article.page_up"),
    ]

    class InitiativeChanged(Message):
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

    def show_article(self, article: Article | None, empty: str = "No article selected") -> None:
        """Show `article`, or the `empty` message when there is none."""
        self.article = article
        self.initiative_count = 0
        if article is None:
            self.set_blocks([Block(styled(empty, "muted"))])
            self._changed()
            return
        if len(article.body) <= SYNC_PARSE_CHARS:
            self._show_body(article, *render_markdown(article.body, article.title))
        else:
            size = human_size(len(article.body.encode("utf-8", "surrogatepass")))
            notice = Block(styled(f"Rendering {size}…", "muted"), gap_before=1)
            self.set_blocks([*header_blocks(article), notice])
            self._parse_in_thread(article)
        self._changed()

    @work(thread=True, exclusive=True, group="article-parse")
    def _parse_in_thread(self, article: Article) -> None:
        blocks, count = render_markdown(article.body, article.title)
        self.app.call_from_thread(self._parsed, article, blocks, count)

    def _parsed(self, article: Article, blocks: list[Block], count: int) -> None:
        if article is self.article:
            self._show_body(article, blocks, count, keep_scroll=True)

    def _show_body(
        self, article: Article, body: list[Block], count: int, keep_scroll: bool = False
    ) -> None:
        if not body:
            body = [Block(styled("This article has no text.", "muted"), gap_before=1)]
        self.initiative_count = count
        self.set_blocks([*header_blocks(article), *body], keep_scroll=keep_scroll)
        self._changed()

    def _changed(self) -> None:
        self.post_message(self.InitiativeChanged(self.current_initiative, self.initiative_count))

    # -- initiatives ------------------------------------------------------------------

    def action_next_initiative(self) -> None:
        self._step_initiative(+1)

    def action_previous_initiative(self) -> None:
        self._step_initiative(-1)

    def _step_initiative(self, direction: int) -> None:
        starts = self.document_layout.initiative_lines
        if not starts:
            self.notify("This article has no initiatives.", severity="warning", timeout=2)
            return
        current = self.current_initiative
        if current is None:
            # Start from what is on screen rather than from the top of the article.
            top = int(self.scroll_y)
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

    def initiative_text(self, number: int) -> str:
        """The text shown on screen for initiative `number`, for tests and checks."""
        return " ".join(
            line.content.plain.strip() for line in self.lines if line.initiative == number
        )
