"""The articles most like the one being read (`r`), with the words they share; Enter
reads one. Found in a thread worker (reader.index.related): the dialog opens at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.index.related import RelatedArticle
from reader.model import Article
from reader.tui.format import list_date, plural
from reader.tui.screens.help import action_keys
from reader.tui.screens.list_keys import ListKeys

FindRelated = Callable[[Article], Sequence[RelatedArticle]]


def related_entry(item: RelatedArticle) -> Content:
    """Title, then date · area · the shared words. Titles come from files: Content,
    never markup."""
    row = item.summary
    title = row.title
    details = [list_date(row.published).strip()] if row.published else []
    if row.area:
        details.append(row.area)
    shared = "shares " + ", ".join(item.shared) if item.shared else ""
    head = " · ".join(details)
    second = head + (" · " if head and shared else "") + shared
    start = len(title) + 1
    spans = [Span(0, len(title), ".related--title")]
    if shared:
        spans.append(Span(start + len(second) - len(shared), start + len(second), ".related--why"))
    return Content(f"{title}\n{second}", spans)


class RelatedScreen(ListKeys, ModalScreen[str | None]):
    """Lists the articles like `article`; Enter dismisses with the chosen one's id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,r", "dismiss", "Close", id="related.close"),
        *ListKeys.LIST_BINDINGS,
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"related--title", "related--why"}

    def __init__(self, article: Article, find: FindRelated) -> None:
        super().__init__()
        self._article = article
        self._find = find
        self.related: list[RelatedArticle] | None = None  # None while being found

    def compose(self) -> ComposeResult:
        with Vertical(id="related-dialog") as dialog:
            dialog.border_title = "Related articles"
            close = action_keys(self, "dismiss")
            dialog.border_subtitle = "Enter reads one" + (f" · {close[0]} closes" if close else "")
            yield Static(
                Content("Finding articles like ") + Content(self._article.title) + Content("…"),
                id="related-summary",
            )
            yield OptionList(id="related-list")

    def on_mount(self) -> None:
        self.run_worker(self._search, thread=True, exclusive=True, group="related")

    def _search(self) -> None:
        try:
            found = list(self._find(self._article))
        except Exception as error:  # an index in trouble: say so, keep the reader
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: list[RelatedArticle]) -> None:
        self.related = found
        summary = self.query_one("#related-summary", Static)
        title = Content(self._article.title)
        if not found:
            summary.update(Content("No other article shares the distinctive words of ") + title)
            return
        summary.update(
            Content(plural(len(found), "article") + " most like ")
            + title
            + Content(", best first, with the words they share:")
        )
        options = self.query_one("#related-list", OptionList)
        options.add_options(Option(related_entry(item), id=item.summary.id) for item in found)
        options.highlighted = 0
        options.focus()

    def _failed(self, reason: str) -> None:
        self.related = []
        self.query_one("#related-summary", Static).update(
            Content("Related articles could not be found: " + reason)
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)
