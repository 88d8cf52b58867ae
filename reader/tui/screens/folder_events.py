"""The main screen's folder side: reading the folder, live reload, saving where the user
is. MainScreen (screens/main.py) builds on it.

The workers (reader.tui.workers) run in Textual thread workers of the screen: one loads
the folder (its cached rows at once, then what is new or changed), one watches it for
changes as long as the screen lives (cancelled when it goes), one refreshes the store
after a change, one saves the reading state. The screen starts a refresh or a save only
when none is running (the session keeps count) and starts the next when it ends, so
changes and saves coalesce instead of queueing.
"""

from __future__ import annotations

import gc
from pathlib import Path

from textual import on, work
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ProgressBar
from textual.worker import Worker, get_current_worker

from reader.articles import ArticleStore
from reader.loading.discover import no_articles_message
from reader.model import Article, ListRow, LoadProblem
from reader.state import FolderState
from reader.tui.format import display_path, plural
from reader.tui.messages import (
    FolderChanged,
    FolderRefreshed,
    LoadFailed,
    LoadFinished,
    LoadProgress,
    StateSaved,
    StoreOpened,
    Warned,
    WatchStopped,
)
from reader.tui.screens.help import action_keys
from reader.tui.session import ReaderSession, changes_text
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.header import ReaderHeader
from reader.tui.widgets.initiative_list import InitiativeList
from reader.tui.workers import load_folder, refresh_folder, save_state, watch

# A change to the reading state is on disk within this long, however many changes follow
# (a deadline set by the first unsaved change, not a pause that more keys put off).
SAVE_DELAY = 0.25
# The worker group of the watcher, which runs as long as the screen: "no other worker
# is running" means the reader is idle.
WATCH_GROUP = "watch"


class FolderEvents(Screen[None]):
    """Loads, watches and saves the session's folder; the subclass shows it."""

    session: ReaderSession
    header: ReaderHeader
    progress: ProgressBar
    article_list: ArticleList
    initiative_list: InitiativeList
    article_view: ArticleView
    shown: Article | None

    _save_timer: Timer | None = None
    watcher: Worker[None] | None = None

    # -- what the subclass shows --------------------------------------------------------

    def set_all_rows(self, rows: list[ListRow], *, final: bool = False) -> None:
        raise NotImplementedError

    def show_article(
        self, article: Article, initiative: int | None = None, *, scroll: float | None = None
    ) -> None:
        raise NotImplementedError

    def resume(self, folder: FolderState) -> None:
        raise NotImplementedError

    def _selected_article(self) -> ListRow | None:
        raise NotImplementedError

    def _find_duplicates(self, article: Article) -> None:
        raise NotImplementedError

    # -- loading --------------------------------------------------------------------------

    def start_loading(self) -> None:
        self._load()
        self.start_watching()

    @work(thread=True, exclusive=True, group="load", description="load the folder")
    def _load(self) -> None:
        load_folder(self.session, self.post_message, get_current_worker())

    @on(StoreOpened)
    def _on_store_opened(self, message: StoreOpened) -> None:
        session = self.session
        first_part = session.store is None
        session.store = message.store
        session.rows_partial = not message.complete
        _freeze_loaded_objects()
        if first_part:
            self._show_notices()
            self._show_state_warnings()
            if message.resume is not None:
                self.resume(message.resume)
        if message.rows:
            self.article_list.empty_message = "No articles"
            self.set_all_rows(message.rows)
        self._update_header()

    @on(LoadProgress)
    def _on_load_progress(self, message: LoadProgress) -> None:
        _freeze_loaded_objects()
        self.session.loading = (message.done, message.total)
        self.progress.display = True
        self.progress.update(total=message.total, progress=message.done)
        self.session.marks.add_keys(message.keys)
        self.set_all_rows(message.rows)
        self._update_header()

    @on(LoadFinished)
    def _on_load_finished(self, message: LoadFinished) -> None:
        session = self.session
        session.loading = None
        self.progress.display = False
        self.article_list.empty_message = "No articles in this folder"
        session.marks.add_keys(message.keys)
        session.marks.remove_rows(message.removed)
        session.merger = message.merger
        self._take_folder(message.rows, message.problems, message.warned)
        self._show_notices()
        if self.shown is not None:
            # Opened while the folder loaded, its copies were looked for in a part of it.
            self._find_duplicates(self.shown)
        if session.problems:
            keys = action_keys(self, "problems")  # as the config may have remapped it
            self.notify(
                f"{plural(len(session.problems), 'file')} could not be loaded"
                + (f": press {keys[0]} to see why." if keys else "."),
                severity="warning",
                markup=False,
            )
        self._start_refresh()  # the changes made while it loaded

    @on(LoadFailed)
    def _on_load_failed(self, message: LoadFailed) -> None:
        self.session.loading = None
        self.session.rows_partial = False
        self.progress.display = False
        self.article_list.empty_message = "Could not open this folder"
        self.article_list.refresh()
        self._update_header()
        self.notify(message.reason, title="Cannot load", severity="error", markup=False)

    def _take_folder(
        self, rows: list[ListRow], problems: list[LoadProblem], warned: Warned
    ) -> None:
        """The folder as loaded, or as refreshed: every row, what failed, what warned."""
        _freeze_loaded_objects()
        self.session.take_folder(problems, warned)
        self.initiative_list.forget_texts()
        self.set_all_rows(rows, final=True)
        if not self.session.all_rows:
            self.article_view.show_article(None, empty=_no_articles_text(self.session.root))
        self._update_header()

    def _show_notices(self) -> None:
        """Tell the user, once each, what the store had to do (a rebuilt cache...)."""
        for notice in self.session.new_notices():
            self.notify(notice, title="Index cache", severity="warning", markup=False)

    def _show_state_warnings(self) -> None:
        for warning in self.session.new_state_warnings():
            self.notify(warning, title="Reading state", severity="warning", markup=False)

    def _update_header(self) -> None:
        session = self.session
        loading = session.loading
        self.header.show_status(
            display_path(session.root),
            None if session.rows_partial else len(session.all_rows),
            len(session.problems),
            loading=loading if loading and loading[1] != 0 else None,
            unread=session.marks.unread_count if session.store is not None else None,
            starred=session.marks.starred_count,
        )

    # -- live reload ----------------------------------------------------------------------

    def start_watching(self) -> Worker[None]:
        """Watch the folder until the screen goes (its workers are cancelled then)."""
        self.watcher = self.run_worker(
            self._watch, thread=True, group=WATCH_GROUP, description="watch the folder"
        )
        return self.watcher

    def _watch(self) -> None:
        watch(self.session, self.post_message, get_current_worker().cancelled_event)

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()  # it looks at the cancel event every 50 ms

    @on(WatchStopped)
    def _on_watch_stopped(self, message: WatchStopped) -> None:
        self.notify(
            f"Stopped watching the folder for changes: {message.reason}",
            severity="warning",
            markup=False,
        )

    @on(FolderChanged)
    def _on_folder_changed(self, message: FolderChanged) -> None:
        self.session.note_changes(message.paths)
        self._start_refresh()

    def _start_refresh(self) -> None:
        start, changed = self.session.start_refresh()
        store = self.session.store
        if start and store is not None:
            self._refresh(store, changed)

    @work(thread=True, group="refresh", description="refresh the folder")
    def _refresh(self, store: ArticleStore, changed: set[str] | None) -> None:
        refresh_folder(self.session, store, changed, self.post_message)

    @on(FolderRefreshed)
    def _on_folder_refreshed(self, message: FolderRefreshed) -> None:
        session = self.session
        again = session.refreshed(message.complete)
        if message.error is not None:
            session.take_refresh_keys(message.keys)  # of rows merged: posted next time
            if not session.finished:
                self.notify(
                    f"Could not read the folder's changes: {message.error}",
                    severity="warning",
                    markup=False,
                )
        elif message.rows is not None and message.report is not None:
            self._take_refresh(message)
        if again:
            self._start_refresh()

    def _take_refresh(self, message: FolderRefreshed) -> None:
        session = self.session
        report = message.report
        assert report is not None and message.rows is not None
        session.take_refresh_keys(message.keys)
        keys, session.refresh_keys = session.refresh_keys, []
        store = session.store
        notices = store is not None and len(store.notices) > session.notices_shown
        problems = message.problems
        if not (report.any or keys or len(problems) != len(session.problems) or notices):
            return
        warned = message.warned if message.warned is not None else session.warned
        session.marks.add_keys(keys)
        session.marks.remove_rows(report.removed)
        self._take_folder(message.rows, problems, warned)
        self._show_notices()
        if report.any:
            self.notify(changes_text(report), title="Folder changed", markup=False, timeout=4)
        shown = self.shown
        if shown is not None and shown.id in report.changed and store is not None:
            # The file open changed: show it again, where the reader was in it.
            article = store.article(shown.id)
            if article is not None:
                self.show_article(article, scroll=self.article_view.scroll_y)
                return
        if shown is not None and report.any:
            # Another file that changed may be a copy of it, or no longer one.
            self._find_duplicates(shown)

    # -- the reading state ----------------------------------------------------------------

    def state_changed(self) -> None:
        """Something the reading state keeps changed: save it within SAVE_DELAY."""
        if self.session.finished or not self.app.is_running:
            return
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self._save_soon)

    def _save_soon(self) -> None:
        self._save_timer = None
        if self.session.finished or not self.is_attached:
            return
        self._record_folder()
        if self.session.start_saving():
            self._save()

    @work(thread=True, group="state", description="save the reading state")
    def _save(self) -> None:
        save_state(self.session, self.post_message)

    @on(StateSaved)
    def _on_state_saved(self, message: StateSaved) -> None:
        session = self.session
        if session.saved():
            self._save()  # what changed while it saved
        self._update_header()
        self.article_list.refresh_marks()
        self._show_state_warnings()
        if message.error is not None and message.error != session.last_save_error:
            self.notify(message.error, severity="error", markup=False)
        session.last_save_error = message.error

    def folder_state(self) -> FolderState:
        """Where the user is now, as the next visit should find it."""
        row = self._selected_article()
        shown = self.shown
        view = self.article_view
        wanted = view.wanted_scroll
        scroll = wanted if wanted is not None else view.scroll_y
        return self.session.folder_state(
            row.id if row is not None else None, shown.id if shown is not None else None, scroll
        )

    def _record_folder(self) -> None:
        self.session.record_folder(self.folder_state())

    def finish(self) -> str | None:
        """Leaving: stop watching the folder, save where the user was and every mark;
        what went wrong saving, if anything."""
        session = self.session
        if session.finished:
            return None
        self.stop_watching()
        if self._save_timer is not None:
            self._save_timer.stop()
        self.finish_view()
        if self.article_list.is_attached:
            self._record_folder()
        session.finished = True
        return session.save()

    def finish_view(self) -> None:
        """Leaving: stop what the subclass has running (timers)."""

    def on_unmount(self) -> None:
        self.finish()  # ended without exit(): the marks at least are saved


def _no_articles_text(root: Path) -> str:
    return no_articles_message(root, display_path(root))


def _freeze_loaded_objects() -> None:
    """Move everything alive now (the loaded rows above all) out of the garbage
    collector's sight. With 100,000 articles a full collection walks millions of objects
    and froze the UI for 1.5-2 s every few dozen key presses; rows live until exit."""
    gc.freeze()
