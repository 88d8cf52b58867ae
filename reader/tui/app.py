"""The reader's Textual app: layout, keys, loading, searching and opening articles.

Data work lives below tui/ (reader.articles, reader.search); this module wires it to widgets.
Every slow step runs in a thread worker that posts a message back: opening the store and
reading the folder (the cached list is shown at once, then new and changed files stream
in), each search as the query is typed (the latest wins; typing never waits), counting
facets, and building the initiatives view. The UI thread only renders.

The reader also remembers (reader.state): read and starred marks, and where the user was
in the folder (selection, scroll, query, facets, sort), saved a moment after each change
and on exit; and it watches the folder (reader.watch), new, changed and deleted files
reaching the list as they happen. The user's settings come from reader.config.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
import webbrowser
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from multiprocessing import resource_tracker
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, ProgressBar
from textual.worker import get_current_worker

from reader.articles import ArticleStore, open_store
from reader.config import Config, config_path, load_config, save_theme
from reader.index import SyncReport
from reader.links import check_link, shown_url
from reader.loading.discover import no_articles_message
from reader.model import Article, ListRow, LoadProblem
from reader.ordering import ORDER_CAPTIONS, RELEVANCE_CAPTION, SORT_ORDERS
from reader.resources import styles_dir
from reader.search import (
    MATCH_ALL,
    Node,
    QueryError,
    SearchStopped,
    highlight_spans,
    is_ranked,
)
from reader.search.query import flags_of
from reader.state import FolderState, ReadingState
from reader.tui.commands import GoToArticle
from reader.tui.format import display_path, plural
from reader.tui.listing import Listing
from reader.tui.marks import ReadingMarks
from reader.tui.results import (
    InitiativeRow,
    InitiativeRows,
    Results,
    ResultsRequest,
    RowMerger,
    SortedRows,
    count_facets,
    list_results,
    position,
)
from reader.tui.screens.confirm_open import ConfirmOpen
from reader.tui.screens.facets import FacetScreen
from reader.tui.screens.help import HelpScreen, action_keys, binding_sections
from reader.tui.screens.problems import ProblemsScreen
from reader.tui.settings import read_keymap, theme_message
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.document_view import DocumentView
from reader.tui.widgets.focus import input_origin, pass_on
from reader.tui.widgets.header import ReaderHeader
from reader.tui.widgets.initiative_list import InitiativeList, InitiativeSource
from reader.tui.widgets.metadata_pane import MetadataPane
from reader.tui.widgets.row_list import Highlighter, RowList
from reader.tui.widgets.search_bar import SearchBar
from reader.watch import watch_folder

# Holding j moves the cursor at key-repeat speed; the panel renders once it rests this long.
OPEN_DELAY = 0.1
# An article the user chose (moved to, opened, scrolled) is marked read once it has been
# shown this long (one passed on the way is not; see ReaderApp._choose).
READ_DELAY = 1.0
# A change to the reading state is on disk within this long, however many changes follow
# (a deadline set by the first unsaved change, not a pause that more keys put off).
SAVE_DELAY = 0.25
# How often the loader hands a batch of articles to the list.
BATCH_SECONDS = 0.25
# A warm open lists this many newest articles (screens of them) while it reads the rest.
FIRST_ROWS = 200
# The search runs once typing pauses this long.
SEARCH_DELAY = 0.15
# While files stream in, an active query is run again at most this often.
RESEARCH_SECONDS = 1.0
# Terminal widths (columns) below which the metadata pane starts hidden, and below which
# only one pane is shown at a time.
WIDE = 100
COMPACT = 60

# gc.set_threshold for the running reader (see run).
GC_THRESHOLDS = (10_000, 20, 100)

# -- messages from the workers -----------------------------------------------------------


class StoreOpened(Message):
    """The store is open: its cached list rows (empty on a first visit), newest first;
    the reading state is loaded, with where the user was last time (None: start fresh).
    Not `complete`: only the newest rows, the rest follows in another StoreOpened."""

    def __init__(
        self,
        store: ArticleStore,
        rows: list[ListRow],
        resume: FolderState | None,
        *,
        complete: bool = True,
    ) -> None:
        super().__init__()
        self.store = store
        self.rows = rows
        self.resume = resume
        self.complete = complete


# (article id, state key) of rows new or changed since the last message: the reading
# marks take them with the rows (see ReadingMarks.add_keys).
RowKeys = list[tuple[str, str]]


class LoadProgress(Message):
    """Some new or changed files were read: every row so far, newest first."""

    def __init__(self, done: int, total: int, rows: list[ListRow], keys: RowKeys) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.rows = rows
        self.keys = keys


class LoadFinished(Message):
    def __init__(
        self,
        rows: list[ListRow],
        problems: list[LoadProblem],
        warned: list[tuple[str, tuple[str, ...]]],
        keys: RowKeys,
        removed: Sequence[str],
    ) -> None:
        super().__init__()
        self.rows = rows
        self.problems = problems
        self.warned = warned
        self.keys = keys
        self.removed = removed


class LoadFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class FolderChanged(Message):
    """Files in the folder were created, changed or deleted (or, polling, may have been)."""


class StateSaved(Message):
    """The reading state was saved (or not: `error` says why)."""

    def __init__(self, error: str | None) -> None:
        super().__init__()
        self.error = error


class FolderRefreshed(Message):
    """Files changed while the reader runs: every row now, and what changed."""

    def __init__(
        self,
        rows: list[ListRow],
        report: SyncReport,
        problems: list[LoadProblem],
        warned: list[tuple[str, tuple[str, ...]]],
        keys: RowKeys,
    ) -> None:
        super().__init__()
        self.rows = rows
        self.report = report
        self.problems = problems
        self.warned = warned
        self.keys = keys


class ResultsReady(Message):
    def __init__(self, results: Results) -> None:
        super().__init__()
        self.results = results


class ResultsFailed(Message):
    def __init__(self, request: ResultsRequest, error: QueryError) -> None:
        super().__init__()
        self.request = request
        self.error = error


# -- the screen --------------------------------------------------------------------------


class MainScreen(Screen[None]):
    """Header, sidebar (search bar and list), article panel, metadata pane, footer."""

    # Keys typed while the reader starts go to the list (the search bar is hidden).
    AUTO_FOCUS = "#articles"

    def __init__(self, marks: ReadingMarks, initiative_source: InitiativeSource) -> None:
        super().__init__()
        self.marks = marks
        self._initiative_source = initiative_source

    def compose(self) -> ComposeResult:
        yield ReaderHeader(id="header")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar") as sidebar:
                sidebar.border_title = "Articles"
                search = SearchBar(id="search")
                search.display = False  # until / (or a query to resume)
                yield search
                yield ProgressBar(id="progress", show_eta=False)
                yield ArticleList(self.marks, id="articles")
                yield InitiativeList(self._initiative_source, id="initiatives")
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
    """Browse, search and read a folder of articles."""

    CSS_PATH = styles_dir() / "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {GoToArticle}
    BINDING_GROUP_TITLE = "Everywhere"
    # In footer order; `show=False` keys are in the help screen (?) and the palette.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="app.search"),
        Binding("f", "facets", "Facets", id="app.facets"),
        Binding("s", "sort", "Sort", id="app.sort"),
        Binding("i", "initiatives", "Initiatives", id="app.initiatives"),
        # Shown only while the query has words to find (see check_action).
        Binding(
            "n",
            "next_hit",
            "Next hit",
            id="app.next_hit",
            group=Binding.Group("Hit", compact=True),
        ),
        Binding(
            "N",
            "previous_hit",
            "Previous hit",
            id="app.previous_hit",
            group=Binding.Group("Hit", compact=True),
        ),
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
        Binding("u", "toggle_read", "Read / unread", show=False, id="app.toggle_read"),
        Binding("asterisk", "toggle_star", "Star / unstar", show=False, id="app.toggle_star"),
        Binding("o", "open_url", "Open", show=False, id="app.open_url"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("y", "copy_url", "Copy URL", show=False, id="app.copy_url"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="app.toggle_sidebar"),
        # The header shows "⚠ N problems (e)" when there are any.
        Binding("e", "problems", "Load problems", show=False, id="app.problems"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.command_palette"),
        Binding("ctrl+g", "go_to", "Go to article…", show=False, id="app.go_to_article"),
    ]
    # Actions that act on the main screen's list: off while a dialog is open.
    _MAIN_ONLY = frozenset(
        {
            "search",
            "facets",
            "sort",
            "initiatives",
            "next_hit",
            "previous_hit",
            "toggle_read",
            "toggle_star",
        }
    )

    def __init__(
        self,
        root: Path,
        *,
        use_cache: bool = True,
        fresh: bool = False,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.root = root
        self.use_cache = use_cache
        # --fresh: ignore where the user was in this folder (and overwrite it on exit).
        self.fresh = fresh
        self.config = config if config is not None else load_config()
        self._config_messages = list(self.config.messages)
        if use_cache and os.name == "posix":
            # The index reads a big folder in worker processes, whose start needs
            # multiprocessing's resource tracker, which needs a real stderr: start it now,
            # before Textual swaps stderr for one without a file descriptor. (Windows has
            # no resource tracker: starting one there fails.)
            resource_tracker.ensure_running()
        self.store: ArticleStore | None = None
        # Loaded by the loading worker, before the first rows are shown.
        self.state = ReadingState()
        self.marks = ReadingMarks(self.state)
        self._state_warnings_shown = 0
        # Every article, newest first; `results` is what the list shows of them.
        self.all_rows: list[ListRow] = []
        self.results: Sequence[ListRow] = []
        self.problems: list[LoadProblem] = []
        self.warned: list[tuple[str, tuple[str, ...]]] = []
        self.shown: Article | None = None
        self.loading: tuple[int, int] | None = (0, 0)
        # What the user asked for, and what the list shows (the last query that parsed).
        self._listing = Listing(sort=self.config.default_sort)
        self.shown_listing = self._listing
        self.query_node: Node | None = None
        self._hit_keys_shown = False
        self.initiatives_mode = False
        self._generation = 0
        self._shown_generation = 0
        self._partial = False
        # The article under the list's cursor when results were last asked for: results
        # that arrive after the user moved keep the article moved to.
        self._article_at_request: str | None = None
        # Only the newest rows of a warm open are listed yet (see FIRST_ROWS).
        self._rows_partial = False
        self._sorted = SortedRows()
        # How many articles the query matches (the list may show only the best so far).
        self.result_total = 0
        self._search_timer: Timer | None = None
        self._last_research = 0.0
        self._shown_notices = 0
        self._user_moved = False
        self._open_timer: Timer | None = None
        self._pending: tuple[ListRow, int | None] | None = None
        # None: follow the terminal width; True/False: the user's choice (m / b).
        self._metadata_choice: bool | None = None
        self._sidebar_choice: bool | None = None
        self._width_class = ""
        # Where the user was last time (selection, scroll, query...), until they move.
        self._resume: FolderState | None = None
        self._resume_scroll: float | None = None
        self._read_timer: Timer | None = None
        # The article the user chose to read (see _choose): the only one the read delay
        # can mark read. Rows arriving or leaving, a search, resuming choose nothing.
        self._chosen: str | None = None
        self._save_timer: Timer | None = None
        # One save runs at a time (see _start_saving); the last, on leaving, waits for it.
        self._saving = False
        self._saving_lock = threading.Lock()
        self._save_lock = threading.Lock()
        # A query using is: to run again once the user moves on (see _marks_changed).
        self._flags_rerun_pending = False
        # (generation, cursor): a list re-run after a mark changed keeps the cursor's row
        # number when the article left the results.
        self._marks_rerun: tuple[int, int] | None = None
        self._finished = False
        self._last_save_error: str | None = None
        # Live reload: the watcher waits for the first load, then refreshes the store
        # (rows merged by the loading worker's merger, handed over when it is done).
        self._watch_stop = threading.Event()
        self._loaded = threading.Event()
        self._watch_store: ArticleStore | None = None
        self._watch_merger: RowMerger | None = None
        # Keys of rows a refresh merged and has not posted yet (one that failed, too).
        self._refresh_keys: RowKeys = []
        self._watch_thread: threading.Thread | None = None
        self._refresh_lock = threading.Lock()
        # Paths file events named since the last refresh took them; None when the
        # watcher polls (it cannot name them): the refresh stats every file.
        self._changed_paths: set[str] | None = set()
        self._changed_lock = threading.Lock()
        self._theme_ready = False
        self._apply_theme_setting()

    # -- configuration ----------------------------------------------------------------

    def _apply_theme_setting(self) -> None:
        theme = self.config.theme
        problem = theme_message(theme, self.available_themes, config_path())
        if problem is not None:
            self._config_messages.append(problem)
        elif theme is not None:
            self.theme = theme

    def _apply_keymap_setting(self) -> None:
        keymap, messages = read_keymap(self.config.keys, config_path())
        self._config_messages.extend(messages)
        self.set_keymap(keymap)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen from the command palette is kept for next time."""
        if self._theme_ready and theme != self.config.theme:
            self.config.theme = theme
            self._save_theme(theme)

    @work(thread=True, group="config", description="save the theme")
    def _save_theme(self, theme: str) -> None:
        try:
            save_theme(theme)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.call_from_thread(
                self.notify,
                f"Could not save the theme in {config_path()}: {reason}",
                severity="warning",
                markup=False,
            )

    @property
    def listing(self) -> Listing:
        """What the user asked the list to show: query, facets, sort."""
        return self._listing

    @listing.setter
    def listing(self, listing: Listing) -> None:
        self._listing = listing
        self._state_changed()

    # -- widgets ----------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.marks, self._initiatives_of)

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    @property
    def _main_alive(self) -> bool:
        """False once the app is shutting down (a timer may still fire then)."""
        return bool(self.screen_stack) and isinstance(self.screen_stack[0], MainScreen)

    @property
    def article_list(self) -> ArticleList:
        return self.main.query_one("#articles", ArticleList)

    @property
    def initiative_list(self) -> InitiativeList:
        return self.main.query_one("#initiatives", InitiativeList)

    @property
    def active_list(self) -> ArticleList | InitiativeList:
        """The list in the sidebar now: articles, or initiatives (i)."""
        return self.initiative_list if self.initiatives_mode else self.article_list

    @property
    def search_bar(self) -> SearchBar:
        return self.main.query_one("#search", SearchBar)

    @property
    def article_view(self) -> ArticleView:
        return self.main.query_one("#article", ArticleView)

    @property
    def metadata_pane(self) -> MetadataPane:
        return self.main.query_one("#metadata", MetadataPane)

    @property
    def articles(self) -> list[ListRow]:
        """Every article in the folder (as list rows), newest first."""
        return self.all_rows

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and event.is_forwarded:
            # A key or paste bubbling up from a widget the focus has left since (see
            # reader.tui.widgets.focus): where the focus is now gets it, and its bindings;
            # first those of a dialog opened meanwhile that come before everything.
            origin = input_origin(event)
            if origin is not None and origin is not self.focused:
                if isinstance(event, events.Key) and await self._check_bindings(
                    event.key, priority=True
                ):
                    event.stop()
                    return
                pass_on(event, self)
                return
        await super().on_event(event)

    def start(self) -> None:
        """The main screen is up: show the empty panes and start loading."""
        self.article_list.empty_message = "Loading…"
        self.initiative_list.display = False
        self.search_bar.display = False
        self.search_bar.input.on_enter = self._submit_query
        self.article_list.on_select = self._select_row
        self.initiative_list.on_select = self._select_row
        self.article_view.show_article(None)
        self.metadata_pane.show_article(None)
        self.article_list.focus()
        self.article_list.date_format = self.config.date_format
        self.initiative_list.date_format = self.config.date_format
        self._apply_keymap_setting()
        for message in self._config_messages:
            self.notify(message, title="Configuration", severity="warning", markup=False)
        self._theme_ready = True
        self.watch(self.article_view, "scroll_y", self._state_changed, init=False)
        self._update_header()
        self._update_counts()
        self._load()
        self._start_watching()

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def _initiatives_of(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The initiatives view's texts, read from the store as rows are drawn."""
        return self.store.initiatives(ids) if self.store is not None else {}

    # -- loading ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", description="load the folder")
    def _load(self) -> None:
        try:
            self._load_folder()
        finally:
            self._loaded.set()  # the watcher may start refreshing (or stop: no store)

    def _load_folder(self) -> None:
        worker = get_current_worker()
        try:
            self.state.load()
        except OSError as error:
            self.state.warnings.append(f"cannot read the reading state: {error}")
        resume = None if self.fresh else self.state.folder(self.root)
        try:
            store = open_store(self.root, use_cache=self.use_cache)
            first = store.first_rows(FIRST_ROWS)
            if len(first) == FIRST_ROWS and self._starts_among(first, resume):
                # The newest screens of a big folder now; all of them take a while.
                self.marks.update_rows(first)
                self.post_message(StoreOpened(store, first, resume, complete=False))
            rows = store.rows()
            # Made now (sharing the rows just read), the first search does not wait for it.
            store.searcher()
        except OSError as error:
            self.post_message(LoadFailed(str(error)))
            return
        self.marks.update_rows(rows)
        self.post_message(StoreOpened(store, rows, resume))
        merger = RowMerger(rows)
        last_post = time.monotonic()
        keys: RowKeys = []  # of the rows merged since the last message

        def on_batch(batch: Sequence[ListRow], done: int, total: int) -> None:
            nonlocal last_post, keys
            if worker.is_cancelled:
                raise _Cancelled
            merger.add(batch)
            keys += self.marks.keys_of(batch)
            now = time.monotonic()
            if now - last_post >= BATCH_SECONDS or done == total:
                self.post_message(LoadProgress(done, total, merger.rows(), keys))
                keys = []
                last_post = now

        try:
            report = store.refresh(on_batch)
            merger.remove(report.removed)
            problems = store.problems()
            warned = store.warnings()
        except _Cancelled:
            return
        except OSError as error:
            self.post_message(LoadFailed(str(error)))
            return
        self.post_message(LoadFinished(merger.rows(), problems, warned, keys, report.removed))
        self._watch_store, self._watch_merger = store, merger

    @on(StoreOpened)
    def _on_store_opened(self, message: StoreOpened) -> None:
        first_part = self.store is None
        self.store = message.store
        self._rows_partial = not message.complete
        _freeze_loaded_objects()
        if first_part:
            self._show_notices()
            self._show_state_warnings()
            if message.resume is not None:
                self._resume_folder(message.resume)
        if message.rows:
            self.article_list.empty_message = "No articles"
            self._set_all_rows(message.rows)
        self._update_header()

    def _starts_among(self, rows: list[ListRow], resume: FolderState | None) -> bool:
        """Whether the list starts the same with only these newest `rows`: newest first,
        nothing filtered, and the article to resume on among them (were it not, the first
        would be shown, and read, for nothing)."""
        sort = self.config.default_sort
        if resume is not None and resume.sort in SORT_ORDERS:
            sort = resume.sort
        if sort != "newest":
            return False
        if resume is None:
            return True
        if resume.query or resume.facets:
            return False
        return resume.selected is None or any(row.id == resume.selected for row in rows)

    @on(LoadProgress)
    def _on_load_progress(self, message: LoadProgress) -> None:
        _freeze_loaded_objects()
        self.loading = (message.done, message.total)
        progress = self.main.query_one("#progress", ProgressBar)
        progress.display = True
        progress.update(total=message.total, progress=message.done)
        self.marks.add_keys(message.keys)
        self._set_all_rows(message.rows)
        self._update_header()

    @on(LoadFinished)
    def _on_load_finished(self, message: LoadFinished) -> None:
        self.loading = None
        self.main.query_one("#progress", ProgressBar).display = False
        self.article_list.empty_message = "No articles in this folder"
        self.marks.add_keys(message.keys)
        self.marks.remove_rows(message.removed)
        self._take_folder(message.rows, message.problems, message.warned)
        self._show_notices()
        if self.problems:
            keys = action_keys(self, "problems")  # as the config may have remapped it
            self.notify(
                f"{plural(len(self.problems), 'file')} could not be loaded"
                + (f": press {keys[0]} to see why." if keys else "."),
                severity="warning",
                markup=False,
            )

    def _take_folder(
        self,
        rows: list[ListRow],
        problems: list[LoadProblem],
        warned: list[tuple[str, tuple[str, ...]]],
    ) -> None:
        """The folder as loaded, or as refreshed: every row, what failed, what warned."""
        _freeze_loaded_objects()
        self.problems = problems
        self.warned = warned
        self.initiative_list.forget_texts()
        self._set_all_rows(rows, final=True)
        if not self.all_rows:
            self.article_view.show_article(None, empty=_no_articles_text(self.root))
        self._update_header()

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        self.loading = None
        self._rows_partial = False
        self.main.query_one("#progress", ProgressBar).display = False
        self.article_list.empty_message = "Could not open this folder"
        self.article_list.refresh()
        self._update_header()
        self.notify(message.reason, title="Cannot load", severity="error", markup=False)

    def _show_notices(self) -> None:
        """Tell the user, once each, what the store had to do (a rebuilt cache...)."""
        if self.store is None:
            return
        notices = self.store.notices
        for notice in notices[self._shown_notices :]:
            self.notify(notice, title="Index cache", severity="warning", markup=False)
        self._shown_notices = len(notices)

    # -- live reload ------------------------------------------------------------------

    def _start_watching(self) -> None:
        # A plain thread, not a worker: it lasts the whole session, and "no worker is
        # running" should go on meaning the reader is idle. Each refresh is a worker.
        self._watch_thread = threading.Thread(target=self._watch, name="reader-watch", daemon=True)
        self._watch_thread.start()

    def _watch(self) -> None:
        try:
            for changed in watch_folder(self.root, self._watch_stop):
                with self._changed_lock:
                    if not changed:
                        self._changed_paths = None
                    elif self._changed_paths is not None:
                        self._changed_paths.update(changed)
                self.post_message(FolderChanged())
        except Exception as error:  # no live reload is no reason to end the reader
            self.notify(
                f"Stopped watching the folder for changes: {error}",
                severity="warning",
                markup=False,
            )

    def _stop_watching(self) -> None:
        self._watch_stop.set()
        thread = self._watch_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2)  # it looks at the stop flag every 50 ms

    @on(FolderChanged)
    def _on_folder_changed(self) -> None:
        if not self._finished:
            self._refresh_folder()

    @work(thread=True, exclusive=True, group="refresh", description="refresh the folder")
    def _refresh_folder(self) -> None:
        """Bring the store up to date and post every row. Changes made while the first
        load runs wait for it here (so none is missed); a refresh asked for while one
        runs follows it (it may find what the first was too early for)."""
        worker = get_current_worker()
        while not self._loaded.wait(0.1):
            if worker.is_cancelled or self._watch_stop.is_set():
                return
        with self._refresh_lock:
            store, merger = self._watch_store, self._watch_merger
            if worker.is_cancelled or self._watch_stop.is_set() or store is None:
                return  # a later refresh will do; leaving; or the folder never loaded
            assert merger is not None
            self._refresh_store(store, merger)

    def _check_every_file_next(self) -> None:
        """The paths this refresh took were not all dealt with: the next one stats every
        file, so none of them is lost."""
        with self._changed_lock:
            self._changed_paths = None

    def _refresh_store(self, store: ArticleStore, merger: RowMerger) -> None:
        keys = self._refresh_keys

        def on_batch(batch: Sequence[ListRow], _done: int, _total: int) -> None:
            merger.add(batch)
            keys.extend(self.marks.keys_of(batch))

        with self._changed_lock:
            changed, self._changed_paths = self._changed_paths, set()
        if changed is not None and not changed:
            return  # an earlier refresh took these changes
        try:
            report = store.refresh(on_batch, changed)
            if not report.complete:
                self._check_every_file_next()  # the cache was busy
            merger.remove(report.removed)
            problems = store.problems()
            warned = store.warnings() if report.any else self.warned
        except Exception as error:  # a failed reload must not end the reader
            self._check_every_file_next()
            if not self._watch_stop.is_set():
                self.notify(
                    f"Could not read the folder's changes: {error}",
                    severity="warning",
                    markup=False,
                )
            return
        notices = len(store.notices) > self._shown_notices  # say the store changed ways
        if report.any or keys or len(problems) != len(self.problems) or notices:
            self.post_message(FolderRefreshed(merger.rows(), report, problems, warned, keys[:]))
            keys.clear()

    @on(FolderRefreshed)
    def _on_folder_refreshed(self, message: FolderRefreshed) -> None:
        report = message.report
        self.marks.add_keys(message.keys)
        self.marks.remove_rows(report.removed)
        self._take_folder(message.rows, message.problems, message.warned)
        self._show_notices()
        if report.any:
            self.notify(changes_text(report), title="Folder changed", markup=False, timeout=4)
        shown = self.shown
        if shown is not None and shown.id in report.changed:
            # The file open changed: show it again, where the reader was in it.
            article = self.store.article(shown.id) if self.store is not None else None
            if article is not None:
                self.show_article(article, scroll=self.article_view.scroll_y)

    # -- reading state ----------------------------------------------------------------

    def _show_state_warnings(self) -> None:
        warnings = self.state.warnings
        for warning in warnings[self._state_warnings_shown :]:
            self.notify(warning, title="Reading state", severity="warning", markup=False)
        self._state_warnings_shown = len(warnings)

    def _resume_folder(self, folder: FolderState) -> None:
        """Back where the user was in this folder last time: the query, facets and sort
        now, the article (and its scroll) as soon as it is among the rows. Not if they
        have moved or typed already."""
        if self._user_moved or self.listing != Listing(sort=self.config.default_sort):
            return
        sort = folder.sort if folder.sort in SORT_ORDERS else self.listing.sort
        self.listing = Listing(folder.query, (), sort).with_facets(folder.facets)
        self._resume = folder
        self._resume_scroll = folder.scroll or None
        bar = self.search_bar
        bar.set_text(folder.query)
        bar.show_facets(self.listing.facets)
        self._sync_search_bar()

    def _selected_article(self) -> ListRow | None:
        """The article under the cursor (in the initiatives view, the initiative's)."""
        if self.initiatives_mode:
            row = self.initiative_list.initiative
            return row.article if row is not None else None
        return self.article_list.article

    def _folder_state(self) -> FolderState:
        """Where the user is now, as the next visit should find it."""
        row = self._selected_article()
        selected = row.id if row is not None else None
        resume = self._resume
        if not self._user_moved and resume is not None and resume.selected is not None:
            selected = resume.selected  # perhaps not loaded yet: keep it for next time
        view = self.article_view
        if self.shown is not None and self.shown.id == selected:
            wanted = view.wanted_scroll
            scroll = wanted if wanted is not None else view.scroll_y
        elif resume is not None and selected == resume.selected:
            scroll = resume.scroll
        else:
            scroll = 0.0
        listing = self.listing
        facets = list(listing.facets)
        return FolderState(selected, float(scroll), listing.text, facets, listing.sort)

    def _state_changed(self) -> None:
        """Something the reading state keeps changed: save it within SAVE_DELAY."""
        if self._finished or not self.is_running:
            return
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self._save_soon)

    def _save_soon(self) -> None:
        self._save_timer = None
        if self._finished or not self._main_alive:
            return
        self._record_folder()
        self._start_saving()

    def _start_saving(self) -> None:
        """One save at a time: what changes while one runs is saved by the same worker
        going round again as soon as it ends, so saves coalesce instead of queueing."""
        with self._saving_lock:
            if self._saving:
                return  # the running save sees the changes when it ends
            self._saving = True
        self._save_in_thread()

    def _record_folder(self) -> None:
        if self.store is None:
            return  # the folder never opened: keep what the last visit saved
        folder = self._folder_state()
        if replace(self.state.folder(self.root), updated=0.0) != folder:
            self.state.set_folder(self.root, folder)

    @work(thread=True, group="state", description="save the reading state")
    def _save_in_thread(self) -> None:
        while True:
            error = self._save_state()
            self.post_message(StateSaved(error))
            with self._saving_lock:
                if error is not None or not self.state.unsaved:
                    self._saving = False
                    break
        if error is None and self.state.wants_compaction:
            with contextlib.suppress(OSError, ValueError):
                self.state.compact()  # saves may run meanwhile; a failure: next time

    def _save_state(self) -> str | None:
        """Save the reading state (any thread); what went wrong, if anything."""
        try:
            with self._save_lock:
                if self.state.save():
                    self.marks.recount()  # the save brought in marks other readers made
        except (OSError, ValueError) as error:
            return f"Could not save the reading state in {self.state.path}: {error}"
        return None

    @on(StateSaved)
    def _on_state_saved(self, message: StateSaved) -> None:
        if not self._main_alive:
            return
        self._update_header()
        self.article_list.refresh_marks()
        self._show_state_warnings()
        if message.error is not None and message.error != self._last_save_error:
            self.notify(message.error, severity="error", markup=False)
        self._last_save_error = message.error

    def _finish(self) -> str | None:
        """Leaving: stop watching the folder, save where the user was and every mark."""
        if self._finished:
            return None
        self._stop_watching()
        for timer in (self._save_timer, self._read_timer):
            if timer is not None:
                timer.stop()
        if self._main_alive:
            self._record_folder()
        self._finished = True
        return self._save_state()

    def exit(
        self,
        result: int | None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        error = self._finish()
        if error is not None and message is None:
            message = Text(f"reader: {error}")
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        self._finish()  # ended without exit(): the marks at least are saved

    def _set_all_rows(self, rows: list[ListRow], *, final: bool = False) -> None:
        """Every article (newest first) changed: loading, or the folder changed."""
        self.all_rows = rows
        current = self.article_list.article
        # Rows arriving or leaving never move the cursor off its article (if it left, to
        # the next one); until the user moves, it goes to the one they were on last time
        # as soon as that is listed.
        resume = self._resume
        if not self._user_moved and resume is not None and resume.selected is not None:
            keep: str | None = resume.selected
        else:
            keep = current.id if current is not None else None
        listing = self.listing
        if not listing.filtered and listing.sort == "newest" and not self.initiatives_mode:
            self._cancel_results()
            self.shown_listing = listing
            self._show_rows(rows, keep, stay=True)
        elif final or time.monotonic() - self._last_research >= RESEARCH_SECONDS:
            self._last_research = time.monotonic()
            self._request_results(keep=keep)
        self._update_counts()

    def _update_header(self) -> None:
        self.main.query_one(ReaderHeader).show_status(
            display_path(self.root),
            None if self._rows_partial else len(self.all_rows),
            len(self.problems),
            loading=self.loading if self.loading and self.loading[1] else None,
            unread=self.marks.unread_count if self.store is not None else None,
            starred=self.marks.starred_count,
        )

    # -- what the list shows ----------------------------------------------------------

    def _request_results(self, *, keep: str | None, jump: bool = False) -> None:
        """Work out the list for the current query, facets, sort and view, in a worker."""
        self._generation += 1
        current = self.initiative_list.initiative if self.initiatives_mode else None
        if current is not None:
            keep_initiative: tuple[str, int] | None = (current.article.id, current.number)
        else:
            keep_initiative = (keep, 0) if keep is not None else None
        request = ResultsRequest(
            self._generation,
            self.listing,
            keep,
            keep_initiative,
            self.initiatives_mode,
            jump,
        )
        current_article = self.article_list.article
        self._article_at_request = current_article.id if current_article is not None else None
        self._compute_results(request, self.all_rows)

    def _cancel_results(self) -> None:
        """Results still being computed are for a list no longer wanted."""
        self._generation += 1
        self._shown_generation = self._generation
        self._partial = False

    @property
    def results_pending(self) -> bool:
        """Whether the list is still to change for what was asked: typing has not paused
        yet, a search is running, or only the best results are shown so far."""
        return (
            self._search_timer is not None
            or self._shown_generation != self._generation
            or self._partial
        )

    # A description, or Textual would repr() the arguments (100,000 rows) on the UI thread.
    @work(thread=True, exclusive=True, group="results", description="list results")
    def _compute_results(self, request: ResultsRequest, all_rows: list[ListRow]) -> None:
        store = self.store
        if store is None:
            return  # asked for before the store opened: the load finishing asks again

        def show_best(best: Results) -> bool:
            self.post_message(ResultsReady(best))
            return request.generation == self._generation  # not if typing went on

        try:
            results = list_results(
                request,
                store,
                all_rows,
                sorted_all=lambda order: self._sorted.get(all_rows, order),
                flag_test=self.marks.has_flag,
                show_best=show_best,
                # Typing went on: the engine is wanted for the newer query.
                should_stop=lambda: request.generation != self._generation,
            )
        except QueryError as error:
            self.post_message(ResultsFailed(request, error))
            return
        except SearchStopped:
            return
        if results is not None:
            self.post_message(ResultsReady(results))

    @on(ResultsReady)
    def _on_results(self, message: ResultsReady) -> None:
        results = message.results
        request = results.request
        if request.generation != self._generation:
            return  # a newer request is on its way
        first_part = self._shown_generation != request.generation
        self._shown_generation = request.generation
        self._partial = results.partial
        self.result_total = results.total
        self.search_bar.show_error(None)
        self.shown_listing = request.listing
        node = results.node if results.node != MATCH_ALL else None
        if node != self.query_node:
            self.query_node = node
            highlight = _title_hits(node) if node is not None and is_ranked(node) else None
            self.article_list.set_title_highlighter(highlight)
            self.initiative_list.set_highlighter(
                _initiative_hits(node) if node is not None and is_ranked(node) else None
            )
            self.article_view.set_query(node)
        if self.check_action("next_hit", ()) != self._hit_keys_shown:
            self._hit_keys_shown = bool(self.check_action("next_hit", ()))
            self.refresh_bindings()  # n / N come and go in the footer (it is rebuilt)
        if results.initiatives is not None:
            self.initiative_list.set_rows(
                results.initiatives,
                at=results.initiative_cursor,
                stay=request.keep_initiative is not None,
            )
        # All the results after the best of them: they start with the same rows, so the
        # cursor stays where it is (the user may have moved it meanwhile).
        at = results.cursor if first_part else self.article_list.cursor
        current = self.article_list.article
        moved = current is not None and current.id != self._article_at_request
        if first_part and moved and not request.jump and current is not None:
            # The user moved (j after Esc) while these were worked out: stay where they went.
            found = position((row.id for row in results.rows), current.id)
            at = found if found is not None else at
        rerun = self._marks_rerun
        if at is None and rerun is not None and rerun[0] == request.generation:
            # The article left the results (u under is:unread): the next takes its place.
            at = min(rerun[1], len(results.rows) - 1)
        # A list worked out again for the same article stays on it (or the next one, if
        # it left); a new query starts at its first result.
        self._show_rows(results.rows, request.keep, at=at, stay=request.keep is not None)
        if request.jump and first_part:
            self._jump_to_first()

    @on(ResultsFailed)
    def _on_results_failed(self, message: ResultsFailed) -> None:
        if message.request.generation != self._generation:
            return
        self._shown_generation = message.request.generation
        # The previous results stay on screen; the bar says what is wrong with the query.
        self.search_bar.show_error(message.error)
        if message.request.jump:
            self.bell()

    def _show_rows(
        self,
        rows: Sequence[ListRow],
        keep: str | None = None,
        at: int | None = None,
        *,
        stay: bool = False,
    ) -> None:
        self.results = rows
        if not self._partial:
            self.result_total = len(rows)
        if self.loading is None:
            self.article_list.empty_message = (
                NO_MATCH_TEXT if self.all_rows else "No articles in this folder"
            )
        self.article_list.set_rows(rows, keep=keep, at=at, stay=stay)
        self._update_counts()

    def _update_counts(self) -> None:
        """The sidebar's title and count line: "132 of 4,210 · by relevance"."""
        sidebar = self.main.query_one("#sidebar")
        listing = self.shown_listing
        if self.query_node is not None and is_ranked(self.query_node):
            order = RELEVANCE_CAPTION
        else:
            order = ORDER_CAPTIONS.get(listing.sort, listing.sort)
        if self.initiatives_mode:
            sidebar.border_title = "Initiatives"
            rows = self.initiative_list.rows
            if isinstance(rows, InitiativeRows):
                count = f"{len(rows):,} in {plural(rows.article_count, 'article')}"
            else:
                count = "collecting…"
        else:
            sidebar.border_title = "Articles"
            shown = self.result_total if listing.filtered else len(self.results)
            total = len(self.all_rows)
            count = f"{shown:,} of {total:,}" if listing.filtered else f"{total:,}"
            if self._rows_partial:
                count = "reading the list…"
        sidebar.border_subtitle = f"{count} · {order}"

    # -- the search bar ---------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _on_query_changed(self, event: Input.Changed) -> None:
        self._take_bar_text()

    def _take_bar_text(self) -> None:
        """The query is the bar's text now (not a change event's, which may come late:
        after Escape cleared the bar, or after Enter typed right behind the last key);
        its search runs once typing pauses."""
        text = self.search_bar.text
        if text == self.listing.text:
            return
        self.listing = self.listing.with_text(text)
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        self._search_timer = None
        if not self._main_alive:
            return
        # New words: the cursor starts at the best (or first) result.
        self._request_results(keep=None)

    @on(Input.Submitted, "#search-input")
    def _on_query_submitted(self) -> None:
        # Enter is handled as it arrives (QueryInput.on_enter), once the reader has started.
        self._submit_query()

    def _submit_query(self) -> None:
        """Enter in the search bar (called as the key arrives, see QueryInput.on_enter)."""
        self._take_bar_text()
        waiting = self._search_timer is not None or self._shown_generation != self._generation
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if waiting:
            # To the list at once (keys typed next are commands, not query), to its first
            # result when the results are in.
            self._request_results(keep=None, jump=True)
            self.action_focus_list()
        elif self.search_bar.query_one("#search-error").display:
            self.bell()  # the query cannot be read: stay in the bar
        else:
            self._jump_to_first()

    @on(Input.Blurred, "#search-input")
    def _on_query_blurred(self, event: Input.Blurred) -> None:
        self._sync_search_bar()

    def _sync_search_bar(self) -> None:
        """The bar shows while it is in use or a query or facets are active."""
        bar = self.search_bar
        bar.display = bool(bar.has_focus_within or self.listing.filtered or bar.text)

    def _jump_to_first(self) -> None:
        """Enter in the search bar: the first result, shown, with the list focused."""
        rows = self.active_list.rows
        if not rows:
            self.notify("Nothing matches.", severity="warning", timeout=3)
            return
        self._user_moved = True
        self.active_list.move_to(0)
        current = self.active_list.current
        if current is not None:
            self._open_row_now(current)
            article = current.article if isinstance(current, InitiativeRow) else current
            self._choose(article.id)
        self.action_focus_list()

    def action_search(self) -> None:
        bar = self.search_bar
        bar.display = True
        self._show_sidebar(bar.input)
        bar.input.cursor_position = len(bar.text)

    def action_clear_search(self) -> None:
        """Escape in the bar: no query, no facets, the whole list (on the same article)."""
        current = self.article_list.article
        was_filtered = self.listing.filtered or self.shown_listing.filtered
        self._clear_search(keep=current.id if current is not None else None, again=was_filtered)
        self.action_focus_list()

    def _clear_search(self, *, keep: str | None, again: bool) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self.listing = self.listing.cleared()
        bar = self.search_bar
        bar.set_text("")
        bar.show_facets(())
        bar.show_error(None)
        if again:
            self._request_results(keep=keep)
        self._sync_search_bar()

    # -- facets, sort, initiatives ------------------------------------------------------

    def action_facets(self) -> None:
        screen = FacetScreen(self.shown_listing.facets)
        self.push_screen(screen, self._after_facets)
        # Only the best results may be in yet: then the worker searches for all of them.
        results = None if self._partial else self.results
        self._count_facets(screen, self.shown_listing, results, self.all_rows)

    @work(thread=True, exclusive=True, group="facets", description="count facets")
    def _count_facets(
        self,
        screen: FacetScreen,
        listing: Listing,
        shown: Sequence[ListRow] | None,
        all_rows: Sequence[ListRow],
    ) -> None:
        if self.store is not None:
            counts = count_facets(self.store, listing, shown, all_rows, self.marks.has_flag)
            self.call_from_thread(screen.show_counts, counts, listing.facets)

    @on(FacetScreen.Ticked)
    def _on_facets_ticked(self, message: FacetScreen.Ticked) -> None:
        """A facet ticked or unticked in the picker: count for what is ticked now."""
        if message.screen is not self.screen:
            return  # Enter ticked and closed at once: the list is worked out instead
        listing = self.shown_listing.with_facets(message.terms)
        same = listing.facets == self.shown_listing.facets and not self._partial
        self._count_facets(message.screen, listing, self.results if same else None, self.all_rows)

    def _after_facets(self, terms: tuple[str, ...] | None) -> None:
        if terms is None or terms == self.listing.facets:
            return
        self.listing = self.listing.with_facets(terms)
        self.search_bar.show_facets(self.listing.facets)
        self._sync_search_bar()
        current = self.article_list.article
        self._request_results(keep=current.id if current is not None else None)

    def action_sort(self) -> None:
        self.listing = self.listing.next_sort()
        if self.query_node is not None and is_ranked(self.query_node):
            caption = ORDER_CAPTIONS[self.listing.sort]
            self.notify(
                f"Sorted {caption} when the query has no words; by relevance while it has.",
                timeout=3,
            )
        current = self.article_list.article
        self._request_results(keep=current.id if current is not None else None)

    def action_initiatives(self) -> None:
        """Switch between the articles and one row per initiative of them."""
        articles, initiatives = self.article_list, self.initiative_list
        had_focus = self.focused is self.active_list
        self.initiatives_mode = not self.initiatives_mode
        # On the sidebar, not the screen: a screen class restyles every widget.
        self.main.query_one("#sidebar").set_class(self.initiatives_mode, "-initiatives")
        articles.display = not self.initiatives_mode
        initiatives.display = self.initiatives_mode
        if self.initiatives_mode:
            current = articles.article
            initiatives.set_rows([])
            self._request_results(keep=current.id if current is not None else None)
        else:
            row = initiatives.initiative
            if row is not None and articles.select_id(row.article.id):
                self._user_moved = True
            initiatives.set_rows([])
        self._update_counts()
        if had_focus:
            self.focus_now(self.active_list)
        elif self.initiatives_mode and self.main.has_class("-no-sidebar"):
            # The list asked for is hidden (one pane at a time on a narrow terminal).
            self.action_focus_list()

    # -- opening articles -------------------------------------------------------------

    @on(RowList.Highlighted, "#articles")
    def _on_article_highlighted(self, message: RowList.Highlighted) -> None:
        if self.initiatives_mode:
            return
        row: ListRow | None = message.row
        if message.by_user:
            self._user_moved = True
            if row is not None:
                self._choose(row.id)
            if self._flags_rerun_pending:
                self._rerun_for_marks()
        self._schedule_open((row, None) if row is not None else None)
        self._state_changed()

    @on(RowList.Highlighted, "#initiatives")
    def _on_initiative_highlighted(self, message: RowList.Highlighted) -> None:
        if not self.initiatives_mode:
            return
        row: InitiativeRow | None = message.row
        if message.by_user and row is not None:
            self._choose(row.article.id)
        if message.by_user and self._flags_rerun_pending:
            self._rerun_for_marks()
        self._schedule_open((row.article, row.number) if row is not None else None)
        self._state_changed()

    def _schedule_open(self, pending: tuple[ListRow, int | None] | None) -> None:
        self._pending = pending
        if self._open_timer is not None:
            self._open_timer.stop()
            self._open_timer = None
        if pending is None:
            return
        if self.shown is None:
            self._open_pending()  # nothing on screen yet: show the first article at once
            return
        self._open_timer = self.set_timer(OPEN_DELAY, self._open_pending)

    def _open_now(self) -> None:
        """Show the article under the cursor now, not after the open delay: keys that act
        on "the article" (], o, y, n...) act on the one the cursor is on."""
        if self._open_timer is not None:
            self._open_timer.stop()
            self._open_pending()

    def _open_row_now(self, row: ListRow | InitiativeRow) -> None:
        if isinstance(row, InitiativeRow):
            self._pending = (row.article, row.number)
        else:
            self._pending = (row, None)
        if self._open_timer is not None:
            self._open_timer.stop()
        self._open_pending()

    def _open_pending(self) -> None:
        self._open_timer = None
        if self._pending is None or not self._main_alive:
            return
        row, initiative = self._pending
        view = self.article_view
        if self.shown is not None and row.id == self.shown.id:
            if initiative is not None and initiative != view.current_initiative:
                view.select_initiative(initiative)
            return
        article = self._read_article(row)
        if article is None:
            self.shown = None
            view.show_article(None, empty="This article is no longer in the folder.")
            self.metadata_pane.show_article(None)
            return
        self.show_article(article, initiative)

    def _read_article(self, row: ListRow) -> Article | None:
        """The full article for a list row: the row itself in memory, else the store's."""
        if isinstance(row, Article):
            return row
        return self.store.article(row.id) if self.store is not None else None

    def show_article(
        self, article: Article, initiative: int | None = None, *, scroll: float | None = None
    ) -> None:
        """Put `article` in the panel (scrolled to line `scroll`) and the metadata pane;
        it is marked read once it has been shown for READ_DELAY."""
        resume = self._resume
        if scroll is None and resume is not None and article.id == resume.selected:
            scroll, self._resume_scroll = self._resume_scroll, None
        self.shown = article
        self.article_view.show_article(article, initiative=initiative, scroll=scroll)
        self.metadata_pane.show_article(article)
        self._stop_read_timer()
        if article.id == self._chosen:
            self._start_read_timer(article)
        else:
            self._chosen = None  # chosen, but another article took the panel first

    def _choose(self, article_id: str, *, opened: bool = False) -> None:
        """The user chose this article: moved to it, scrolled it, or `opened` it (Enter,
        the palette...). Per mark_read_on it is read once shown for READ_DELAY ("view"),
        when opened ("open"), or only by u ("never")."""
        if self._chosen != article_id:
            self._chosen = article_id
            self._stop_read_timer()
        shown = self.shown
        if shown is None or shown.id != article_id:
            return  # shown after the open delay: show_article starts the timer then
        if opened and self.config.mark_read_on == "open" and self.marks.mark_read(shown):
            self._marks_changed(rerun_now=False)
        self._start_read_timer(shown)

    def _start_read_timer(self, article: Article) -> None:
        if (
            self.config.mark_read_on == "view"
            and self._read_timer is None
            and not self.marks.is_read(article)
        ):
            self._read_timer = self.set_timer(READ_DELAY, partial(self._read_after_delay, article))

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    def _read_after_delay(self, article: Article) -> None:
        self._read_timer = None
        if (
            self._main_alive
            and self.shown is article
            and self._chosen == article.id
            and self.marks.mark_read(article)
        ):
            # Under an is:unread query it stays listed while it is read (see _marks_changed).
            self._marks_changed(rerun_now=False)

    def _marks_changed(self, *, rerun_now: bool = True) -> None:
        """Read or starred marks changed: redraw, count, save. A list of an is: query is
        worked out again: at once after u or *; after an article is read by being shown,
        when the user moves on (it would vanish from under them as they read it)."""
        self.article_list.refresh_marks()
        self._update_header()
        self._state_changed()
        if self.query_node is not None and flags_of(self.query_node):
            if rerun_now:
                self._rerun_for_marks()
            else:
                self._flags_rerun_pending = True

    def _rerun_for_marks(self) -> None:
        self._flags_rerun_pending = False
        current = self.article_list.article
        self._request_results(keep=current.id if current is not None else None)
        self._marks_rerun = (self._generation, self.article_list.cursor)

    def action_toggle_read(self) -> None:
        row = self._selected_article()
        if row is None:
            self.notify("No article is selected.", severity="warning", timeout=3)
            return
        self._stop_read_timer()  # the user decides now; the timer must not undo it
        self.marks.mark_read(row, not self.marks.is_read(row))
        self._marks_changed()

    def action_toggle_star(self) -> None:
        row = self._selected_article()
        if row is None:
            self.notify("No article is selected.", severity="warning", timeout=3)
            return
        self.marks.set_starred(row, not self.marks.is_starred(row))
        self._marks_changed()

    def _select_row(self, row: ListRow | InitiativeRow) -> None:
        """Enter on a row of the list (RowList.on_select): read it."""
        self._open_row_now(row)
        self._choose(row.article.id if isinstance(row, InitiativeRow) else row.id, opened=True)
        self.action_focus_article()

    @on(ArticleView.InitiativeChanged)
    @on(ArticleView.HitsChanged)
    def _on_article_position(self) -> None:
        if not self._main_alive:
            return  # a late message from a worker while the app shuts down
        view = self.article_view
        parts = []
        if view.hits:
            if view.current_hit is None:
                parts.append(self._with_key_hint(plural(len(view.hits), "hit"), "next_hit"))
            else:
                parts.append(f"hit {view.current_hit + 1} of {len(view.hits)}")
        count = view.initiative_count
        if count and view.current_initiative is None:
            parts.append(self._with_key_hint(plural(count, "initiative"), "next_initiative"))
        elif count and view.current_initiative is not None:
            parts.append(f"initiative {view.current_initiative + 1} of {count}")
        view.border_subtitle = " · ".join(parts)

    @on(ArticleView.UserScrolled)
    def _on_article_scrolled(self) -> None:
        if self._main_alive and self.shown is not None:
            self._choose(self.shown.id)

    def _with_key_hint(self, text: str, action: str) -> str:
        """`text · ] next`, with the key `action` has now (the config may remap it)."""
        keys = action_keys(self, action)
        return f"{text} · {keys[0]} next" if keys else text

    @on(DocumentView.LinkClicked)
    def _on_link_clicked(self, message: DocumentView.LinkClicked) -> None:
        self.open_in_browser(message.url)

    def go_to_article(self, article_id: str) -> None:
        """Select an article by id (command palette, problems screen) and read it; a
        search that hides it is cleared."""
        if self.initiatives_mode:
            self.action_initiatives()
        row = next((row for row in self.all_rows if row.id == article_id), None)
        if row is None:
            self.notify("That article is no longer in the folder.", severity="warning")
            return
        self._user_moved = True
        if not self.article_list.select_id(article_id):
            # Hidden by the search: show everything again, the cursor landing on it.
            self._clear_search(keep=article_id, again=True)
        self._open_row_now(row)
        self._choose(row.id, opened=True)
        self.action_focus_article()

    # -- actions ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._MAIN_ONLY and (
            not self.screen_stack or self.screen is not self.screen_stack[0]
        ):
            return False
        if action in ("next_hit", "previous_hit"):
            return self.query_node is not None and is_ranked(self.query_node)
        return True

    def action_focus_article(self) -> None:
        if self._width_class == "compact":
            self._sidebar_choice = False
            self._metadata_choice = False
            self._apply_panes()
        self.focus_now(self.article_view)

    def _show_sidebar(self, focus: Widget) -> None:
        """Show the sidebar (the only pane on a narrow terminal) and focus `focus` in it."""
        if not self._sidebar_visible():
            self._sidebar_choice = True
            if self._width_class == "compact":
                self._metadata_choice = False
            self._apply_panes(focus)
        self.focus_now(focus)

    def focus_now(self, widget: Widget) -> None:
        """Focus `widget` (in the main screen) before the next key is handled. Widget.focus()
        waits its turn behind the keys already queued, which would reach the old focus:
        "/kent" typed fast would run k and e as commands, and "Enter j" type a j."""
        self.main.set_focus(widget)

    def action_focus_list(self) -> None:
        self._show_sidebar(self.active_list)

    def action_toggle_sidebar(self) -> None:
        self._sidebar_choice = not self._sidebar_visible()
        if self._sidebar_choice and self._width_class == "compact":
            self._metadata_choice = False
        self._apply_panes()
        if self._sidebar_choice:
            self.focus_now(self.active_list)

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

    def action_next_hit(self) -> None:
        self._open_now()
        self.article_view.step_hit(+1)

    def action_previous_hit(self) -> None:
        self._open_now()
        self.article_view.step_hit(-1)

    def action_open_url(self) -> None:
        url = self._shown_url()
        if url is not None:
            self.open_in_browser(url)

    def action_copy_url(self) -> None:
        url = self._shown_url()
        if url is not None:
            self.copy_link(url)

    def copy_link(self, url: str) -> None:
        """Copy what `o` would open (the host in ASCII); a link of another scheme
        (mailto:) as written, saying so; nothing of a link that hides something."""
        link = check_link(url)
        if link.target is not None:
            self.copy_to_clipboard(link.target)
            self.notify(shown_url(link.target), title="Copied URL", markup=False, timeout=3)
        elif link.other_scheme:
            self.copy_to_clipboard(url)
            self.notify(
                f"Copied {shown_url(url)!r}, which is not a web link: the reader does not open it.",
                severity="warning",
                markup=False,
            )
        else:
            self.notify(
                f"Not copying {shown_url(url)!r}: {link.refusal}.",
                severity="warning",
                markup=False,
            )

    def action_help(self) -> None:
        main = self.main
        nodes: list[tuple[str, DOMNode | type[DOMNode]]] = [
            ("Article list", main.query_one("#articles")),
            ("Initiatives view", main.query_one("#initiatives")),
            ("Search bar", main.query_one("#search")),
            ("Article", main.query_one("#article")),
            ("Article and metadata panes", main.query_one("#metadata")),
            ("Everywhere", self),
            ("Focus", main),
            ("Facets dialog", FacetScreen),
            ("Load problems dialog", ProblemsScreen),
            ("This help", HelpScreen),
        ]
        intro = [
            "reader lists the articles of one folder; the article panel follows the",
            "list's cursor. / searches (README: Search), f picks areas and years, s sorts,",
            "i lists every initiative (the numbered bullet points) of the listed articles.",
            "",
            "To change a key, put its binding id (on the right) in the [keys] table of "
            'config.toml with the keys as Textual names them: "app.quit" = "ctrl+q, q" '
            "(reader config --path says where the file is, --check checks it).",
        ]
        self.push_screen(HelpScreen(binding_sections(self, nodes), intro))

    def action_problems(self) -> None:
        self.push_screen(ProblemsScreen(self.problems, self.warned), self._after_problems)

    def _after_problems(self, article_id: str | None) -> None:
        if article_id is not None:
            self.go_to_article(article_id)

    def action_go_to(self) -> None:
        """The command palette with article titles only."""
        self.push_screen(CommandPalette(providers=[GoToArticle], placeholder="Go to article…"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in PALETTE_COMMANDS:
            keys = " ".join(action_keys(self, action))
            yield SystemCommand(
                title,
                f"{help_text} ({keys})" if keys else help_text,
                getattr(self, f"action_{action}"),
            )

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
        """Open a web page (reader.links says which), asking first when its host is
        internationalised; never handed to a shell."""
        link = check_link(url)
        if link.target is None:
            self.notify(
                f"Not opening {shown_url(url)!r}: {link.refusal} (only http and https links "
                "are opened, and only those that hide nothing).",
                severity="warning",
                markup=False,
            )
        elif link.idn_host is not None:
            self.push_screen(ConfirmOpen(link), partial(self._open_if_confirmed, link.target))
        else:
            self._open_target(link.target)

    def _open_if_confirmed(self, target: str, confirmed: bool | None) -> None:
        if confirmed:
            self._open_target(target)

    def _open_target(self, target: str) -> None:
        self.notify(shown_url(target), title="Opening in browser", markup=False, timeout=3)
        self._open_url_in_thread(target)

    @work(thread=True, group="browser")
    def _open_url_in_thread(self, url: str) -> None:
        # webbrowser can wait on a launcher process; keep that off the UI thread.
        browser = terminal_browser()
        if browser is not None:
            self.call_from_thread(self._open_in_terminal_browser, browser, url)
        elif not webbrowser.open(url):
            self.call_from_thread(
                self.notify, "No web browser found to open it.", severity="error", markup=False
            )

    def _open_in_terminal_browser(self, browser: webbrowser.BaseBrowser, url: str) -> None:
        """Hand the terminal to a browser that runs in it (lynx, w3m), and take it back
        when the user quits that browser."""
        try:
            with self.suspend():
                opened = browser.open(url)
        except SuspendNotSupported:
            self.notify(
                f"Not opening {browser.name}: it needs this terminal, which cannot be handed "
                "over here. y copies the URL.",
                severity="warning",
                markup=False,
            )
            return
        if not opened:
            self.notify(f"{browser.name} could not open it.", severity="error", markup=False)

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
        return self._width_class == "wide" and self.config.show_metadata

    def _sidebar_visible(self) -> bool:
        if self._sidebar_choice is not None:
            return self._sidebar_choice
        return self._width_class != "compact" and self.config.show_sidebar

    def _apply_panes(self, focus: Widget | None = None) -> None:
        """Show the panes that suit the width and the user's choices; focus `focus`, or
        a pane still shown if the focused one was hidden."""
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
        if focus is not None:
            self.focus_now(focus)
        elif focused is None or not focused.display or _hidden(focused, main):
            target: Widget = (
                self.active_list
                if sidebar
                else self.article_view
                if article
                else self.metadata_pane
            )
            self.call_after_refresh(target.focus)


def _title_hits(node: Node) -> Highlighter:
    return lambda title: highlight_spans(title, node, field="title")


def _initiative_hits(node: Node) -> Highlighter:
    return lambda text: highlight_spans(text, node, field="initiative")


def _hidden(widget: object, main: MainScreen) -> bool:
    pane = {
        "articles": "-no-sidebar",
        "initiatives": "-no-sidebar",
        "search-input": "-no-sidebar",
        "article": "-no-article",
        "metadata": "-no-metadata",
    }.get(getattr(widget, "id", None) or "")
    return pane is not None and main.has_class(pane)


NO_MATCH_TEXT = "No article matches"

# The reader's commands in the command palette: (title, help, app action); the help says
# which key does the same, as currently bound.
PALETTE_COMMANDS = (
    ("Go to article…", "Fuzzy search of titles", "go_to"),
    ("Search", "Filter the list with a query", "search"),
    ("Facets", "Pick areas and years", "facets"),
    ("Sort", "Newest, oldest, title, area", "sort"),
    ("Initiatives view", "One row per initiative", "initiatives"),
    ("Next initiative", "Highlight the article's next initiative", "next_initiative"),
    ("Previous initiative", "Highlight the article's previous initiative", "previous_initiative"),
    ("Next hit", "The next search hit in the article", "next_hit"),
    ("Previous hit", "The previous search hit in the article", "previous_hit"),
    ("Mark read / unread", "Mark the article read, or unread again", "toggle_read"),
    ("Star / unstar", "Star the article, or take the star away", "toggle_star"),
    ("Open article in browser", "The article's URL", "open_url"),
    ("Copy article URL", "To the clipboard", "copy_url"),
    ("Toggle metadata pane", "Show or hide the metadata", "toggle_metadata"),
    ("Toggle sidebar", "Show or hide the article list", "toggle_sidebar"),
    ("Load problems", "Files that could not be loaded, articles with warnings", "problems"),
    ("Help", "Every key, as currently bound", "help"),
)


def terminal_browser() -> webbrowser.BaseBrowser | None:
    """The browser `webbrowser` would use, when it runs in this terminal and waits (lynx or
    w3m on a machine without a display, or a $BROWSER command): it must have the
    terminal to itself. None for a browser in a window of its own, or none at all."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    # A BackgroundBrowser (xdg-open, a $BROWSER that detaches) is a GenericBrowser too.
    in_terminal = isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
        browser, webbrowser.BackgroundBrowser
    )
    return browser if in_terminal else None


def changes_text(report: SyncReport) -> str:
    """What a refresh found: "2 new, 1 changed, 1 removed"."""
    parts = [
        f"{len(ids):,} {what}"
        for ids, what in (
            (report.added, "new"),
            (report.changed, "changed"),
            (report.removed, "removed"),
        )
        if ids
    ]
    return ", ".join(parts)


def _no_articles_text(root: Path) -> str:
    return no_articles_message(root, display_path(root))


def _freeze_loaded_objects() -> None:
    """Move everything alive now (the loaded rows above all) out of the garbage
    collector's sight. With 100,000 articles a full collection walks millions of objects
    and froze the UI for 1.5-2 s every few dozen key presses; rows live until exit."""
    gc.freeze()


class _Cancelled(Exception):
    """Raised inside the loader's progress callback to stop a cancelled load."""


def run(root: Path, *, use_cache: bool = True, fresh: bool = False) -> int:
    """Run the reader on a folder (or file) until the user quits; the exit status.
    `fresh`: start at the top, not where the last visit to the folder left off."""
    # Textual's rendering leaves much short-lived cyclic garbage and a search over 100,000
    # rows allocates in bulk: with the default thresholds the oldest generation was
    # collected every few searches, each pass holding every thread for 50-150 ms. The
    # young generations still collect the short-lived garbage.
    gc.set_threshold(*GC_THRESHOLDS)
    app = ReaderApp(root, use_cache=use_cache, fresh=fresh)
    try:
        app.run()
    finally:
        app.close_store()
    return app.return_code or 0
