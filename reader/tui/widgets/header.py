"""The one-line header: app name, folder, article count, unread and starred counts,
problems, loading progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from reader.tui.format import plural
from reader.tui.screens.help import action_keys


@dataclass(frozen=True)
class Status:
    folder: str = ""
    articles: int | None = 0  # None: the list is still being read
    problems: int = 0
    # Files read, of how many (None: the folder is still being walked).
    loading: tuple[int, int | None] | None = None
    # None until the reading state is loaded.
    unread: int | None = None
    starred: int = 0


class ReaderHeader(Widget):
    # Styled in reader.tcss; the header's text refers to them as ".reader-header--*" spans.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader-header--name",
        "reader-header--folder",
        "reader-header--count",
        "reader-header--unread",
        "reader-header--starred",
        "reader-header--problems",
        "reader-header--loading",
    }

    status: reactive[Status] = reactive(Status, layout=False)

    def show_status(
        self,
        folder: str,
        articles: int | None,
        problems: int,
        loading: tuple[int, int | None] | None = None,
        unread: int | None = None,
        starred: int = 0,
    ) -> None:
        self.status = Status(folder, articles, problems, loading, unread, starred)

    def render(self) -> Content:
        status = self.status
        count = "… articles" if status.articles is None else plural(status.articles, "article")
        tail = [Content.styled(count, ".reader-header--count")]
        if status.unread is not None and status.articles:
            tail.append(Content.styled(f"{status.unread:,} unread", ".reader-header--unread"))
        if status.starred:
            tail.append(Content.styled(f"★ {status.starred:,}", ".reader-header--starred"))
        if status.problems:
            keys = action_keys(self.screen, "problems")  # as the config may have remapped it
            problems = f"⚠ {plural(status.problems, 'problem')}" + (f" ({keys[0]})" if keys else "")
            tail.append(Content.styled(problems, ".reader-header--problems"))
        if status.loading is not None:
            done, total = status.loading
            if total is None:
                loading = f"loading {done:,} read, folder still being walked"
            else:
                loading = f"loading {done:,}/{total:,}"
            tail.append(Content.styled(loading, ".reader-header--loading"))
        separator = Content(" · ")
        name = Content.styled("reader", ".reader-header--name")
        fixed = (separator + separator.join(tail)).cell_length + name.cell_length + 3
        # A long folder gives way from the left: its last parts say which folder it is.
        room = self.content_size.width - fixed
        folder = status.folder
        if 0 < room < len(folder):
            folder = "…" + folder[len(folder) - room + 1 :]
        parts = [name, Content.styled(folder, ".reader-header--folder"), *tail]
        return separator.join(parts)
