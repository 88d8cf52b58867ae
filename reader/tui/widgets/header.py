"""The one-line header: app name, folder, article count, problems, loading progress."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Static

from reader.tui.format import plural


class ReaderHeader(Static):
    # Styled in reader.tcss; the header's text refers to them as ".reader-header--*" spans.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader-header--name",
        "reader-header--folder",
        "reader-header--count",
        "reader-header--problems",
        "reader-header--loading",
    }

    def show_status(
        self,
        folder: str,
        articles: int,
        problems: int,
        loading: tuple[int, int] | None = None,
        unread: int | None = None,
    ) -> None:
        parts = [
            Content.styled("reader", ".reader-header--name"),
            Content.styled(folder, ".reader-header--folder"),
            Content.styled(plural(articles, "article"), ".reader-header--count"),
        ]
        if unread is not None and articles:
            parts.append(Content.styled(f"{unread:,} unread", ".reader-header--count"))
        if problems:
            problem_text = f"⚠ {plural(problems, 'problem')} (e)"
            parts.append(Content.styled(problem_text, ".reader-header--problems"))
        if loading is not None:
            done, total = loading
            parts.append(Content.styled(f"loading {done:,}/{total:,}", ".reader-header--loading"))
        self.update(Content(" · ").join(parts))
