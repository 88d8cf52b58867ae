"""The main screen: header, sidebar (search bar and list), article panel, metadata pane,
footer; and everything the keys of the main view do.

The screen composes its widgets, handles their messages and the workers', and keeps the
panes' layout in reactives. What the reader is doing (query, facets, sort, results,
resume, marks, the read rule) lives in a ReaderSession (reader.tui.session): the screen
asks it what to do and shows the answer. Long work runs in thread workers
(reader.tui.workers) that post messages back (reader.tui.messages): reading the folder
(the cached list at once, then new and changed files), watching it for changes and
refreshing the list, saving the reading state, each search as the query is typed (the
latest wins; typing never waits). The screen is built in three layers: FolderEvents
(screens/folder_events.py: loading, live reload, saving), ListEvents
(screens/list_events.py: what the list shows, the search bar, facets, sort, the
initiatives view), and this module (the panes, opening and reading articles, marks,
the article's keys).
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.events import Resize
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, ProgressBar

from reader.model import Article, ListRow
from reader.tui.browser import copy_link, open_in_browser
from reader.tui.format import plural
from reader.tui.results import InitiativeRow
from reader.tui.screens.help import action_keys
from reader.tui.screens.list_events import NO_MATCH_TEXT, article_of
from reader.tui.screens.overview_events import OverviewEvents
from reader.tui.screens.problems import ProblemsScreen
from reader.tui.screens.related import RelatedScreen
from reader.tui.session import WIDE, PaneChoice, Panes, ReaderSession, width_class
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.document_view import DocumentView
from reader.tui.widgets.header import ReaderHeader
from reader.tui.widgets.initiative_list import InitiativeList
from reader.tui.widgets.metadata_pane import MetadataPane
from reader.tui.widgets.row_list import RowList
from reader.tui.widgets.search_bar import SearchBar

# Holding j moves the cursor at key-repeat speed; the panel renders once it rests this long.
OPEN_DELAY = 0.1
# An article the user chose (moved to, opened, scrolled) is marked read once it has been
# shown this long (one passed on the way is not; see ReaderSession.shown).
READ_DELAY = 1.0
# Actions on the list, hidden from the footer while a dialog is over the screen.
_LIST_ACTIONS = frozenset(
    {
        "search",
        "facets",
        "sort",
        "initiatives",
        "next_hit",
        "previous_hit",
        "toggle_read",
        "toggle_star",
        "toggle_timeline",
        "export",
    }
)


class MainScreen(OverviewEvents):
    """Browse, search and read the session's folder."""

    # Keys typed while the reader starts go to the list (the search bar is hidden).
    AUTO_FOCUS = "#articles"
    BINDING_GROUP_TITLE = "Reader"
    # In footer order (the app's Help and Quit follow); `show=False` keys are in the help
    # screen (?) and the palette. The ids say "app." as they did when the app held these
    # keys: config files name them.
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
        Binding("y", "copy_url", "Copy URL", show=False, id="app.copy_url"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, id="app.toggle_sidebar"),
        # The header shows "⚠ N problems (e)" when there are any.
        Binding("e", "problems", "Load problems", show=False, id="app.problems"),
        Binding("r", "related", "Related articles", show=False, id="app.related"),
    ]

    # The terminal's width class ("compact", "medium", "wide"); the panes shown.
    width: reactive[str] = reactive("", init=False)
    panes: reactive[Panes] = reactive(Panes(), init=False)

    def __init__(self, session: ReaderSession) -> None:
        super().__init__()
        self.session = session
        config = session.config
        self.header = ReaderHeader(id="header")
        self.search_bar = SearchBar(id="search")
        self.progress = ProgressBar(id="progress", show_eta=False)
        self.article_list = ArticleList(session.marks, id="articles")
        self.initiative_list = InitiativeList(session.initiatives_of, id="initiatives")
        self.article_view = ArticleView(id="article")
        self.metadata_pane = MetadataPane(id="metadata")
        self.sidebar = Vertical(id="sidebar")
        self.article_list.date_format = config.date_format
        self.initiative_list.date_format = config.date_format
        # What the user chose with b and m (None: what suits the width).
        self._choice = PaneChoice()
        self.shown: Article | None = None
        self._hit_keys_shown = False
        self._search_timer: Timer | None = None
        self._open_timer: Timer | None = None
        self._read_timer: Timer | None = None
        self._pending: tuple[ListRow, int | None] | None = None

    def compose(self) -> ComposeResult:
        yield self.header
        with Horizontal(id="panes"):
            with self.sidebar:
                self.sidebar.border_title = "Articles"
                yield self.saved_list
                yield self.search_bar
                yield self.progress
                yield self.article_list
                yield self.initiative_list
            self.article_view.border_title = "Article"
            yield self.article_view
            self.metadata_pane.border_title = "Metadata"
            yield self.metadata_pane
        yield self.timeline
        yield Footer()

    def on_mount(self) -> None:
        """Show the empty panes and start loading."""
        self.article_list.empty_message = "Loading…"
        self.initiative_list.display = False
        self.search_bar.display = False  # until / (or a query to resume)
        self.article_view.show_article(None)
        self.metadata_pane.show_article(None)
        self.watch(self.article_view, "scroll_y", self.state_changed, init=False)
        self._update_header()
        self._update_counts()
        self.start_loading()

    @property
    def active_list(self) -> ArticleList | InitiativeList:
        """The list in the sidebar now: articles, or initiatives (i)."""
        return self.initiative_list if self.session.initiatives else self.article_list

    @property
    def articles(self) -> list[ListRow]:
        """Every article in the folder (as list rows), newest first."""
        return self.session.all_rows

    def key_sections(self) -> list[tuple[str, DOMNode]]:
        """The panes whose keys the help lists, with its titles."""
        return [
            ("Article list", self.article_list),
            ("Initiatives view", self.initiative_list),
            ("Search bar", self.search_bar),
            ("Searches", self.saved_list),
            ("Timeline", self.timeline),
            ("Article", self.article_view),
            ("Article and metadata panes", self.metadata_pane),
        ]

    # -- panes and width --------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self.width = width_class(self.size.width)

    def watch_width(self, width: str) -> None:
        # Crossing a breakpoint resets the panes to what suits the new width.
        self._set_panes(PaneChoice(width))

    def _set_panes(self, choice: PaneChoice, focus: Widget | None = None) -> None:
        self._choice = choice
        self.panes = choice.panes(self.session.config)
        if focus is not None:
            self.focus_now(focus)

    def watch_panes(self, panes: Panes) -> None:
        """Show the panes; focus one still shown if the focused one was hidden."""
        self.set_class(panes.compact, "-compact")
        self.set_class(not panes.metadata, "-no-metadata")
        self.set_class(not panes.sidebar, "-no-sidebar")
        self.set_class(not panes.article, "-no-article")
        self.call_after_refresh(self._focus_a_shown_pane)

    def _focus_a_shown_pane(self) -> None:
        focused = self.focused
        if focused is not None and focused.display and not self._pane_hidden(focused):
            return
        panes = self.panes
        target: Widget = (
            self.active_list
            if panes.sidebar
            else self.article_view
            if panes.article
            else self.metadata_pane
        )
        target.focus()

    def _pane_hidden(self, widget: Widget) -> bool:
        panes = self.panes
        if widget is self.metadata_pane:
            return not panes.metadata
        if widget is self.article_view:
            return not panes.article
        in_sidebar = widget in (self.article_list, self.initiative_list, self.search_bar.input)
        return in_sidebar and not panes.sidebar

    def focus_now(self, widget: Widget) -> None:
        """Focus `widget` before anything else is handled (Widget.focus() waits its turn
        behind the messages already queued)."""
        self.set_focus(widget)

    def _show_sidebar(self, focus: Widget) -> None:
        """Show the sidebar (the only pane on a narrow terminal) and focus `focus` in it."""
        if not self._choice.sidebar_visible(self.session.config):
            self._set_panes(self._choice.with_sidebar(True))
        self.focus_now(focus)

    def action_focus_list(self) -> None:
        self._show_sidebar(self.active_list)

    def action_focus_article(self) -> None:
        self._set_panes(self._choice.article_only(), focus=self.article_view)

    def action_toggle_sidebar(self) -> None:
        shown = not self._choice.sidebar_visible(self.session.config)
        self._set_panes(self._choice.with_sidebar(shown))
        if shown:
            self.focus_now(self.active_list)

    def action_toggle_metadata(self) -> None:
        shown = not self._choice.metadata_visible(self.session.config)
        list_shown = self.panes.sidebar
        self._set_panes(self._choice.with_metadata(shown))
        if list_shown and not self.panes.sidebar and not self.panes.compact:
            self.notify(
                f"The list is hidden while the metadata pane is shown, below {WIDE} columns: "
                "h shows it (and hides the metadata pane).",
                timeout=4,
            )

    # -- opening articles -------------------------------------------------------------

    @on(RowList.Highlighted, "#articles")
    def _on_article_highlighted(self, message: RowList.Highlighted) -> None:
        if self.session.initiatives:
            return
        row: ListRow | None = message.row
        if message.by_user:
            rerun = self.session.moved()
            if row is not None:
                self._choose(row.id)
            if rerun:
                self._rerun_for_marks()
        self._schedule_open((row, None) if row is not None else None)
        self.state_changed()

    @on(RowList.Highlighted, "#initiatives")
    def _on_initiative_highlighted(self, message: RowList.Highlighted) -> None:
        session = self.session
        if not session.initiatives:
            return
        row: InitiativeRow | None = message.row
        if message.by_user and row is not None:
            self._choose(row.article.id)
        if message.by_user and session.flags_rerun_pending:
            session.flags_rerun_pending = False
            self._rerun_for_marks()
        self._schedule_open((row.article, row.number) if row is not None else None)
        self.state_changed()

    @on(RowList.Selected)
    def _on_row_selected(self, message: RowList.Selected) -> None:
        """Enter on a row of the list: read it."""
        row: ListRow | InitiativeRow = message.row
        self._open_row_now(row)
        self._choose(article_of(row).id, opened=True)
        self.action_focus_article()

    def _schedule_open(self, pending: tuple[ListRow, int | None] | None) -> None:
        self._pending = pending
        if self._open_timer is not None:
            self._open_timer.stop()
            self._open_timer = None
        if pending is None:
            if self.shown is not None and self.session.all_rows:
                # The query (or a facet) matches nothing: the panel says so, rather than
                # keep an article that is no longer in the list.
                self._show_nothing(
                    self.initiative_list.empty_message
                    if self.session.initiatives
                    else NO_MATCH_TEXT
                )
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
        if self._pending is None or not self.is_attached:
            return
        row, initiative = self._pending
        view = self.article_view
        if self.shown is not None and row.id == self.shown.id:
            if initiative is not None and initiative != view.current_initiative:
                view.select_initiative(initiative)
            return
        article = self.session.article(row)
        if article is None:
            self._show_nothing("This article is no longer in the folder.")
            return
        self.show_article(article, initiative)

    def _show_nothing(self, message: str) -> None:
        """No article in the panel (nor the metadata pane): `message` says why."""
        self.shown = None
        self._stop_read_timer()
        self.article_view.show_article(None, empty=message)
        self.metadata_pane.show_article(None)

    def show_article(
        self, article: Article, initiative: int | None = None, *, scroll: float | None = None
    ) -> None:
        """Put `article` in the panel (scrolled to line `scroll`) and the metadata pane;
        it is marked read once it has been shown for READ_DELAY, if the user chose it."""
        if scroll is None:
            scroll = self.session.scroll_to_resume(article.id)
        self.shown = article
        self.article_view.show_article(article, initiative=initiative, scroll=scroll)
        self.metadata_pane.show_article(article)
        self._find_duplicates(article)
        self._stop_read_timer()
        if self.session.shown(article):
            self._start_read_timer(article)

    def _choose(self, article_id: str, *, opened: bool = False) -> None:
        """The user chose this article: moved to it, scrolled it, or `opened` it (Enter,
        the palette...). Per mark_read_on it is read once shown for READ_DELAY ("view"),
        when opened ("open"), or only by u ("never")."""
        session = self.session
        if session.choose(article_id):
            self._stop_read_timer()
        shown = self.shown
        if shown is None or shown.id != article_id:
            return  # shown after the open delay: show_article starts the timer then
        if opened and session.read_on_open(shown):
            self._marks_changed(rerun_now=False)
        if session.reads_on_view(shown):
            self._start_read_timer(shown)

    def _start_read_timer(self, article: Article) -> None:
        if self._read_timer is None:
            self._read_timer = self.set_timer(READ_DELAY, partial(self._read_after_delay, article))

    def finish_view(self) -> None:
        self._stop_read_timer()

    def _stop_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None

    def _read_after_delay(self, article: Article) -> None:
        self._read_timer = None
        if self.is_attached and self.session.read_after_delay(article, self.shown):
            # Under an is:unread query it stays listed while it is read (see marks_changed).
            self._marks_changed(rerun_now=False)

    def _marks_changed(self, *, rerun_now: bool = True) -> None:
        """Read or starred marks changed: redraw, count, save; an is: query's list is
        worked out again (ReaderSession.marks_changed says when)."""
        self.article_list.refresh_marks()
        self._update_header()
        self.state_changed()
        if self.session.marks_changed(rerun_now=rerun_now):
            self._rerun_for_marks()
        self.count_saved_soon()

    def _rerun_for_marks(self) -> None:
        self._request_keeping_cursor()
        self.session.marks_rerun = (self.session.generation, self.article_list.cursor)

    def _selected_article(self) -> ListRow | None:
        """The article under the cursor (in the initiatives view, the initiative's)."""
        if self.session.initiatives:
            row = self.initiative_list.initiative
            return row.article if row is not None else None
        return self.article_list.article

    def action_toggle_read(self) -> None:
        row = self._selected_article()
        if row is None:
            self.notify("No article is selected.", severity="warning", timeout=3)
            return
        self._stop_read_timer()  # the user decides now; the timer must not undo it
        marks = self.session.marks
        marks.mark_read(row, not marks.is_read(row))
        self._marks_changed()

    def action_toggle_star(self) -> None:
        row = self._selected_article()
        if row is None:
            self.notify("No article is selected.", severity="warning", timeout=3)
            return
        marks = self.session.marks
        marks.set_starred(row, not marks.is_starred(row))
        self._marks_changed()

    @on(ArticleView.InitiativeChanged)
    @on(ArticleView.HitsChanged)
    def _on_article_position(self) -> None:
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
        if self.shown is not None:
            self._choose(self.shown.id)

    def _with_key_hint(self, text: str, action: str) -> str:
        """`text · ] next`, with the key `action` has now (the config may remap it)."""
        keys = action_keys(self, action)
        return f"{text} · {keys[0]} next" if keys else text

    @on(DocumentView.LinkClicked)
    def _on_link_clicked(self, message: DocumentView.LinkClicked) -> None:
        open_in_browser(self, message.url)

    def go_to_article(self, article_id: str) -> None:
        """Select an article by id (command palette, problems screen) and read it; a
        search that hides it is cleared."""
        if self.session.initiatives:
            self.action_initiatives()
        row = self.session.row(article_id)
        if row is None:
            self.notify("That article is no longer in the folder.", severity="warning")
            return
        self.session.user_moved = True
        if not self.article_list.select_id(article_id):
            # Hidden by the search: show everything again, the cursor landing on it.
            self._clear_search(keep=article_id, again=True)
        self._open_row_now(row)
        self._choose(row.id, opened=True)
        self.action_focus_article()

    # -- the article's keys -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _LIST_ACTIONS and self.app.screen is not self:
            return False  # off (and out of the footer) while a dialog is open
        if action in ("next_hit", "previous_hit"):
            return self.session.ranked
        return True

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
            open_in_browser(self, url)

    def action_copy_url(self) -> None:
        url = self._shown_url()
        if url is not None:
            copy_link(self, url)

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

    def action_problems(self) -> None:
        session = self.session
        problems = ProblemsScreen(session.problems, session.warned, session.root)
        self.app.push_screen(problems, self._after_problems)

    def _after_problems(self, article_id: str | None) -> None:
        if article_id is not None:
            self.go_to_article(article_id)

    # -- related articles and near-duplicates -----------------------------------------

    def action_related(self) -> None:
        """The articles most like the one shown (`r`), in a dialog; Enter reads one."""
        self._open_now()
        article, store = self.shown, self.session.store
        if article is None or store is None:
            self.notify("No article is open.", severity="warning")
            return
        self.app.push_screen(
            RelatedScreen(article, lambda article: store.searcher().related(article)),
            self._after_related,
        )

    def _after_related(self, article_id: str | None) -> None:
        if article_id is not None:
            self.go_to_article(article_id)

    def _find_duplicates(self, article: Article) -> None:
        """Fill the metadata pane's *also published as* for `article`, in a worker (the
        index's groups are worked out again after each write: a while at 100k)."""
        store = self.session.store
        if store is None:
            return

        def find() -> None:
            try:
                group = store.searcher().duplicate_group(article.id)
            except Exception:  # an index in trouble: the pane goes without, the reader on
                return
            self.app.call_from_thread(self._show_duplicates, article.id, group)

        self.run_worker(find, thread=True, exclusive=True, group="duplicates")

    def _show_duplicates(self, article_id: str, group: list[ListRow]) -> None:
        shown = self.shown
        if shown is not None and shown.id == article_id and self.is_attached:
            self.metadata_pane.show_duplicates(group)
