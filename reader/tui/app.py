"""The reader's Textual app: layout, keys, loading, and opening articles.

Data work lives below tui/ (reader.library); this module wires it to widgets. Loading
runs in a thread worker that posts batches, so the window is up at once and the list
fills while files load.
"""

from __future__ import annotations

import gc
import time
import webbrowser
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar
from textual.worker import get_current_worker

from reader.library import Library, load_library
from reader.model import Article, LoadProblem, published_sort_key
from reader.resources import styles_dir
from reader.tui.commands import GoToArticle
from reader.tui.format import display_path, plural
from reader.tui.markdown_render import is_web_url
from reader.tui.marks import ReadingMarks
from reader.tui.screens.help import HelpScreen, binding_sections
from reader.tui.screens.problems import ProblemsScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.document_view import DocumentView
from reader.tui.widgets.header import ReaderHeader
from reader.tui.widgets.metadata_pane import MetadataPane

# Holding j moves the cursor at key-repeat speed; the panel renders once it rests this long.
OPEN_DELAY = 0.1
# How often the loader hands a batch of articles to the list.
BATCH_SECONDS = 0.25
# Terminal widths (columns) below which the metadata pane starts hidden, and below which
# only one pane is shown at a time.
WIDE = 100
COMPACT = 60


class LoadProgress(Message):
    """Some files loaded: the articles so far, newest first."""

    def __init__(self, done: int, total: int, articles: list[Article], problems: int) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.articles = articles
        self.problems = problems


class LoadFinished(Message):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library


class LoadFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def _newest_first(article: Article) -> tuple[float, str]:
    # The same order as library.sort_articles(..., "newest"): date descending, then id.
    return (-published_sort_key(article.published), article.id)


class MainScreen(Screen[None]):
    """Header, sidebar, article panel, metadata pane, footer."""

    def __init__(self, marks: ReadingMarks) -> None:
        super().__init__()
        self.marks = marks
        self._width_class = ""

    def compose(self) -> ComposeResult:
        yield ReaderHeader(id="header")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar") as sidebar:
                sidebar.border_title = "Articles"
                yield ProgressBar(id="progress", show_eta=False)
                yield ArticleList(self.marks, id="articles")
            article = ArticleView(id="article")
            article.border_title = "Article"
            yield article
            metadata = MetadataPane(id="metadata")
            metadata.border_title = "Metadata"
            yield metadata
        yield Footer()

    def on_mount(self) -> None:
        app = self.app
        if isinstance(app, ReaderApp):
            app.start()

    def on_resize(self) -> None:
        app = self.app
        if isinstance(app, ReaderApp):
            app.fit_to_width(self.size.width)


class ReaderApp(App[int]):
    """Browse and read a folder of articles."""

    CSS_PATH = styles_dir() / "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {GoToArticle}
    BINDING_GROUP_TITLE = "Everywhere"
    # In footer order; `show=False` keys are in the help screen (?) and the palette.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "right_square_bracket",
            "next_initiative",
            "Next initiative",
            id="app.next_initiative",
            group=Binding.Group("Initiative", compact=True),
        ),
        Binding(
            "left_square_bracket",
            "previous_initiative",
            "Previous initiative",
            id="app.previous_initiative",
            group=Binding.Group("Initiative", compact=True),
        ),
        Binding("m", "toggle_metadata", "Metadata", id="app.toggle_metadata"),
        Binding("o", "open_url", "Open", id="app.open_url"),
        Binding("y", "copy_url", "Copy URL", id="app.copy_url"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="app.toggle_sidebar"),
        # The header shows "⚠ N problems (e)" when there are any.
        Binding("e", "problems", "Load problems", show=False, id="app.problems"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.command_palette"),
        Binding("ctrl+g", "go_to", "Go to article…", show=False, id="app.go_to_article"),
    ]

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self.marks = ReadingMarks()
        self.articles: list[Article] = []
        self.problems: list[LoadProblem] = []
        self.library: Library | None = None
        self.shown: Article | None = None
        self.loading: tuple[int, int] | None = (0, 0)
        self._user_moved = False
        self._open_timer: Timer | None = None
        self._pending: Article | None = None
        # None: follow the terminal width; True/False: the user's choice (m / b).
        self._metadata_choice: bool | None = None
        self._sidebar_choice: bool | None = None
        self._width_class = ""

    # -- widgets ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.marks)

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def article_list(self) -> ArticleList:
        return self.main.query_one("#articles", ArticleList)

    @property
    def article_view(self) -> ArticleView:
        return self.main.query_one("#article", ArticleView)

    @property
    def metadata_pane(self) -> MetadataPane:
        return self.main.query_one("#metadata", MetadataPane)

    def start(self) -> None:
        """The main screen is up: show the empty panes and start loading."""
        self.article_list.empty_message = "Loading…"
        self.article_view.show_article(None)
        self.metadata_pane.show_article(None)
        self.article_list.focus()
        self._update_header()
        self._load()

    # -- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        worker = get_current_worker()
        keyed: list[tuple[tuple[float, str], Article]] = []
        fresh: list[Article] = []
        problems = 0
        last_post = time.monotonic()

        def on_progress(done: int, total: int, item: Article | LoadProblem) -> None:
            nonlocal problems, last_post
            if worker.is_cancelled:
                raise _Cancelled
            if isinstance(item, Article):
                fresh.append(item)
            else:
                problems += 1
            now = time.monotonic()
            if now - last_post >= BATCH_SECONDS or done == total:
                keyed.extend((_newest_first(article), article) for article in fresh)
                fresh.clear()
                keyed.sort(key=itemgetter(0))
                self.post_message(
                    LoadProgress(done, total, [article for _, article in keyed], problems)
                )
                last_post = now

        try:
            library = load_library(self.root, on_progress=on_progress)
        except _Cancelled:
            return
        except OSError as error:
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(LoadFinished(library))

    @on(LoadProgress)
    def _on_load_progress(self, message: LoadProgress) -> None:
        _freeze_loaded_objects()
        self.loading = (message.done, message.total)
        progress = self.main.query_one("#progress", ProgressBar)
        progress.update(total=message.total, progress=message.done)
        self._set_articles(message.articles)
        self._update_header(problems=message.problems)

    @on(LoadFinished)
    def _on_load_finished(self, message: LoadFinished) -> None:
        _freeze_loaded_objects()
        self.library = message.library
        self.problems = list(message.library.problems)
        self.loading = None
        self.main.query_one("#progress", ProgressBar).display = False
        self.article_list.empty_message = "No articles in this folder"
        self._set_articles(message.library.articles)
        if not self.articles:
            self.article_view.show_article(None, empty=_no_articles_text(self.root))
        self._update_header()
        if self.problems:
            self.notify(
                f"{plural(len(self.problems), 'file')} could not be loaded: press e to see why.",
                severity="warning",
                markup=False,
            )

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        self.loading = None
        self.main.query_one("#progress", ProgressBar).display = False
        self.article_list.empty_message = "Could not open this folder"
        self.article_list.refresh()
        self._update_header()
        self.notify(message.reason, title="Cannot load", severity="error", markup=False)

    def _set_articles(self, articles: list[Article]) -> None:
        self.articles = articles
        article_list = self.article_list
        # Until the user moves, stay on the newest article; after, on the one they chose.
        current = article_list.article
        keep = current.id if self._user_moved and current is not None else None
        article_list.set_rows(articles, keep_id=keep)
        self.main.query_one("#sidebar").border_subtitle = f"{len(articles):,} · newest first"

    def _update_header(self, problems: int | None = None) -> None:
        count = len(self.problems) if problems is None else problems
        self.main.query_one(ReaderHeader).show_status(
            display_path(self.root),
            len(self.articles),
            count,
            loading=self.loading if self.loading and self.loading[1] else None,
        )

    # -- opening articles -------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _on_highlighted(self, message: ArticleList.Highlighted) -> None:
        if message.by_user:
            self._user_moved = True
        self._pending = message.article
        if self.shown is None:
            self._open_pending()  # nothing on screen yet: show the first article at once
            return
        if self._open_timer is not None:
            self._open_timer.stop()
        self._open_timer = self.set_timer(OPEN_DELAY, self._open_pending)

    def _open_now(self) -> None:
        """Show the article under the cursor now, not after the open delay: keys that act
        on "the article" (], o, y...) act on the one the cursor is on."""
        if self._open_timer is not None:
            self._open_timer.stop()
            self._open_pending()

    def _open_pending(self) -> None:
        self._open_timer = None
        article = self._pending
        if article is not None and (self.shown is None or article.id != self.shown.id):
            self.show_article(article)

    def show_article(self, article: Article) -> None:
        """Put `article` in the panel and the metadata pane, and mark it read."""
        self.shown = article
        self.article_view.show_article(article)
        self.metadata_pane.show_article(article)
        if self.marks.mark_read(article):
            self.article_list.refresh_marks()

    @on(ArticleList.Selected)
    def _on_selected(self, message: ArticleList.Selected) -> None:
        self._pending = message.article
        if self._open_timer is not None:
            self._open_timer.stop()
        self._open_pending()
        self.action_focus_article()

    @on(ArticleView.InitiativeChanged)
    def _on_initiative_changed(self, message: ArticleView.InitiativeChanged) -> None:
        view = self.article_view
        if message.count == 0:
            view.border_subtitle = ""
        elif message.index is None:
            view.border_subtitle = f"{plural(message.count, 'initiative')} · ] next"
        else:
            view.border_subtitle = f"initiative {message.index + 1} of {message.count}"

    @on(DocumentView.LinkClicked)
    def _on_link_clicked(self, message: DocumentView.LinkClicked) -> None:
        self.open_in_browser(message.url)

    def go_to_article(self, article_id: str) -> None:
        """Select an article by id (command palette, problems screen) and read it."""
        if not self.article_list.select_id(article_id):
            self.notify("That article is no longer in the list.", severity="warning")
            return
        self._user_moved = True
        article = self.article_list.article
        if article is not None:
            self._pending = article
            self._open_pending()
        self.action_focus_article()

    # -- actions ----------------------------------------------------------------------

    def action_focus_article(self) -> None:
        if self._width_class == "compact":
            self._sidebar_choice = False
            self._metadata_choice = False
            self._apply_panes()
        self.article_view.focus()

    def action_focus_list(self) -> None:
        if not self._sidebar_visible():
            self._sidebar_choice = True
            if self._width_class == "compact":
                self._metadata_choice = False
            self._apply_panes()
        self.article_list.focus()

    def action_toggle_sidebar(self) -> None:
        self._sidebar_choice = not self._sidebar_visible()
        if self._sidebar_choice and self._width_class == "compact":
            self._metadata_choice = False
        self._apply_panes()
        if self._sidebar_choice:
            self.article_list.focus()

    def action_toggle_metadata(self) -> None:
        self._metadata_choice = not self._metadata_visible()
        if self._metadata_choice and self._width_class == "compact":
            self._sidebar_choice = False
        self._apply_panes()

    def action_next_initiative(self) -> None:
        self._open_now()
        self.article_view.action_next_initiative()

    def action_previous_initiative(self) -> None:
        self._open_now()
        self.article_view.action_previous_initiative()

    def action_open_url(self) -> None:
        url = self._shown_url()
        if url is not None:
            self.open_in_browser(url)

    def action_copy_url(self) -> None:
        url = self._shown_url()
        if url is not None:
            self.copy_to_clipboard(url)
            self.notify(url, title="Copied URL", markup=False, timeout=3)

    def action_help(self) -> None:
        main = self.main
        nodes = [
            ("Article list", main.query_one("#articles")),
            ("Article", main.query_one("#article")),
            ("Article and metadata panes", main.query_one("#metadata")),
            ("Everywhere", self),
            ("Focus", main),
        ]
        intro = [
            "reader shows the articles of one folder, newest first. The article panel",
            "follows the list's cursor; initiatives are the numbered bullet points.",
        ]
        self.push_screen(HelpScreen(binding_sections(nodes), intro))

    def action_problems(self) -> None:
        warned = [article for article in self.articles if article.warnings]
        self.push_screen(ProblemsScreen(self.problems, warned), self._after_problems)

    def _after_problems(self, article_id: str | None) -> None:
        if article_id is not None:
            self.go_to_article(article_id)

    def action_go_to(self) -> None:
        """The command palette with article titles only."""
        self.push_screen(CommandPalette(providers=[GoToArticle], placeholder="Go to article…"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Go to article…", "Fuzzy search of titles (ctrl+g)", self.action_go_to)
        yield SystemCommand(
            "Toggle metadata pane", "Show or hide the metadata (m)", self.action_toggle_metadata
        )
        yield SystemCommand(
            "Toggle sidebar", "Show or hide the article list (b)", self.action_toggle_sidebar
        )
        yield SystemCommand(
            "Load problems", "Files that could not be loaded (e)", self.action_problems
        )
        yield SystemCommand(
            "Open article in browser", "The article's URL (o)", self.action_open_url
        )
        yield SystemCommand("Copy article URL", "To the clipboard (y)", self.action_copy_url)

    def _shown_url(self) -> str | None:
        self._open_now()
        article = self.shown
        if article is None:
            self.notify("No article is open.", severity="warning")
            return None
        if not article.url:
            self.notify("This article has no URL.", severity="warning")
            return None
        return article.url

    def open_in_browser(self, url: str) -> None:
        """Open a web page; anything but http(s) is refused, never handed to a shell."""
        if not is_web_url(url):
            shown = url if len(url) <= 80 else url[:79] + "…"
            self.notify(
                f"Not opening {shown!r}: only http and https links are opened.",
                severity="warning",
                markup=False,
            )
            return
        self.notify(url, title="Opening in browser", markup=False, timeout=3)
        self._open_url_in_thread(url)

    @work(thread=True, group="browser")
    def _open_url_in_thread(self, url: str) -> None:
        # webbrowser can wait on a launcher process; keep that off the UI thread.
        if not webbrowser.open(url):
            self.call_from_thread(
                self.notify, "No web browser found to open it.", severity="error", markup=False
            )

    # -- panes and width --------------------------------------------------------------

    def fit_to_width(self, width: int) -> None:
        width_class = "compact" if width < COMPACT else "medium" if width < WIDE else "wide"
        if width_class != self._width_class:
            # Crossing a breakpoint resets the panes to what suits the new width.
            self._width_class = width_class
            self._metadata_choice = None
            self._sidebar_choice = None
            self._apply_panes()

    def _metadata_visible(self) -> bool:
        if self._metadata_choice is not None:
            return self._metadata_choice
        return self._width_class == "wide"

    def _sidebar_visible(self) -> bool:
        if self._sidebar_choice is not None:
            return self._sidebar_choice
        return self._width_class != "compact"

    def _apply_panes(self) -> None:
        main = self.main
        compact = self._width_class == "compact"
        metadata = self._metadata_visible()
        sidebar = self._sidebar_visible() and not (compact and metadata)
        # Compact terminals show one pane at a time.
        article = not compact or not (sidebar or metadata)
        main.set_class(compact, "-compact")
        main.set_class(not metadata, "-no-metadata")
        main.set_class(not sidebar, "-no-sidebar")
        main.set_class(not article, "-no-article")
        focused = main.focused
        if focused is None or not focused.display or _hidden(focused, main):
            target: DocumentView | ArticleList = (
                self.article_list
                if sidebar
                else self.article_view
                if article
                else self.metadata_pane
            )
            self.call_after_refresh(target.focus)


def _hidden(widget: object, main: MainScreen) -> bool:
    pane = {
        "articles": "-no-sidebar",
        "article": "-no-article",
        "metadata": "-no-metadata",
    }.get(getattr(widget, "id", None) or "")
    return pane is not None and main.has_class(pane)


def _no_articles_text(root: Path) -> str:
    return (
        f"No articles in {display_path(root)}: the reader looks for .md, .markdown and .txt "
        "files in the folder and its subfolders."
    )


def _freeze_loaded_objects() -> None:
    """Move everything alive now (the loaded articles above all) out of the garbage
    collector's sight. With 100,000 articles a full collection walks millions of objects
    and froze the UI for 1.5-2 s every few dozen key presses; articles live until exit."""
    gc.freeze()


class _Cancelled(Exception):
    """Raised inside the loader's progress callback to stop a cancelled load."""


def run(root: Path) -> int:
    """Run the reader on a folder (or file) until the user quits; the exit status."""
    app = ReaderApp(root)
    app.run()
    return app.return_code or 0
