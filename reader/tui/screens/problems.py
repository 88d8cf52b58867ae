"""Files that could not be loaded, and articles that loaded with warnings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content, Span
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.model import LoadProblem
from reader.text.names import escape_name
from reader.tui.format import display_path, plural
from reader.tui.screens.help import action_keys
from reader.tui.screens.list_keys import ListKeys

# More rows than this and the list says how many are left out (`reader check` has all).
MAX_ROWS = 2000


def _entry(where: str, message: str, where_style: str) -> Content:
    # Paths and messages come from files: Content, never markup.
    return Content(where + "\n" + message, [Span(0, len(where), where_style)])


class ProblemsScreen(ListKeys, ModalScreen[str | None]):
    """Lists load problems and warnings; Enter on a warning opens that article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close", id="problems.close"),
        *ListKeys.LIST_BINDINGS,
    ]
    # Styled in reader.tcss; entries refer to them as ".problems--path" spans.
    COMPONENT_CLASSES: ClassVar[set[str]] = {"problems--path", "problems--article"}

    def __init__(
        self,
        problems: Sequence[LoadProblem],
        warned: Sequence[tuple[str, Sequence[str]]],
        root: Path | None = None,
    ) -> None:
        """`warned`: (article id, its load warnings) of each article loaded with warnings;
        `root`: the folder opened, whose files are named from it, as articles are (a file
        deep in a site wrapped its full path over two lines)."""
        super().__init__()
        self._problems = problems
        self._warned = warned
        self._root = root

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        for problem in self._problems[:MAX_ROWS]:
            options.append(
                Option(_entry(self._shown_path(problem.path), problem.message, ".problems--path"))
            )
        shown = max(0, MAX_ROWS - len(options))
        for article_id, warnings in self._warned[:shown]:
            text = "\n".join(f"⚠ {warning}" for warning in warnings)
            options.append(Option(_entry(article_id, text, ".problems--article"), id=article_id))
        left_out = len(self._problems) + len(self._warned) - len(options)
        with Vertical(id="problems-dialog") as dialog:
            dialog.border_title = "Load problems"
            close = action_keys(self, "dismiss")  # as the config may have remapped it
            dialog.border_subtitle = "Enter opens an article" + (
                f" · {close[0]} closes" if close else ""
            )
            yield Static(self._summary(left_out), id="problems-summary")
            yield OptionList(*options, id="problems-list")

    def _shown_path(self, path: Path) -> str:
        root = self._root
        if root is not None and root.is_dir() and path != root and path.is_relative_to(root):
            return escape_name(path.relative_to(root).as_posix())
        return display_path(path)

    def _summary(self, left_out: int) -> Content:
        parts = [
            plural(len(self._problems), "file") + " could not be loaded",
            plural(len(self._warned), "article") + " loaded with warnings",
        ]
        text = "; ".join(parts) + "."
        if left_out:
            text += f" {left_out:,} more not shown: `reader check` lists them all."
        if not self._problems and not self._warned:
            text = "Every file loaded cleanly."
        return Content(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(event.option.id)
