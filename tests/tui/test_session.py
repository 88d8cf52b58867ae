"""The reader's session without a terminal: each decision the main screen asks it for."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reader.config import Config
from reader.index import SyncReport
from reader.listing import Listing
from reader.model import Article
from reader.search import MATCH_ALL, parse_query
from reader.state import FolderState, ReadingState
from reader.tui.results import InitiativeRows, Results, ResultsRequest, RowMerger
from reader.tui.session import PaneChoice, Panes, ReaderSession, changes_text, width_class
from tui.helpers import make_articles

ROOT = Path("/news")


ROWS = make_articles(6)


def article(number: int, initiatives: int = 0) -> Article:
    """Article `number` (0 the newest) with this many initiatives."""
    texts = tuple(f"Initiative {n}" for n in range(initiatives))
    return replace(ROWS[number], initiatives=texts)


@pytest.fixture
def session(tmp_path: Path) -> ReaderSession:
    return ReaderSession(ROOT, Config(), state=ReadingState(tmp_path / "state.json"))


def results_for(request: ResultsRequest, rows: list[Article], *, ranked: bool = False) -> Results:
    node = parse_query("article") if ranked else MATCH_ALL
    cursor = next((n for n, row in enumerate(rows) if row.id == request.keep), None)
    return Results(request, node, rows, None, cursor, None, len(rows))


# -- panes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (140, Panes(sidebar=True, article=True, metadata=True)),
        (90, Panes(sidebar=True, article=True, metadata=False)),
        (50, Panes(sidebar=False, article=True, metadata=False, compact=True)),
    ],
)
def test_panes_suit_the_width(width: int, expected: Panes) -> None:
    assert PaneChoice(width_class(width)).panes(Config()) == expected


def test_panes_follow_the_config_until_the_user_chooses() -> None:
    config = Config(show_metadata=False, show_sidebar=False)
    wide = PaneChoice("wide")
    assert wide.panes(config) == Panes(sidebar=False, article=True, metadata=False)
    assert wide.with_metadata(True).with_sidebar(True).panes(config) == Panes()


def test_a_compact_terminal_shows_one_pane_at_a_time() -> None:
    config = Config()
    compact = PaneChoice("compact")
    sidebar = compact.with_sidebar(True)
    assert sidebar.panes(config) == Panes(True, False, False, True)
    metadata = sidebar.with_metadata(True)  # it takes the sidebar's place
    assert metadata.panes(config) == Panes(False, False, True, True)
    assert metadata.article_only().panes(config) == Panes(False, True, False, True)
    # Below 100 columns the metadata pane and the list take each other's place.
    medium = PaneChoice("medium").with_metadata(True)
    assert medium.panes(config) == Panes(False, True, True)
    assert medium.with_sidebar(True).panes(config) == Panes(True, True, False)
    # Wider terminals keep the user's choices when the article is opened.
    wide = PaneChoice("wide").with_metadata(False)
    assert wide.article_only() == wide


# -- resuming --------------------------------------------------------------------------------


def test_resuming_takes_the_query_facets_and_sort(session: ReaderSession) -> None:
    folder = FolderState("000003.md", 12.0, "drone", ["area:kent"], "oldest")
    assert session.resume_folder(folder)
    assert session.listing == Listing("drone", ("area:kent",), "oldest")
    # The cursor goes to the resumed article as soon as it is listed...
    assert session.keep_on("000000.md") == "000003.md"
    # ... scrolled where it was, once.
    assert session.scroll_to_resume("000003.md") == 12.0
    assert session.scroll_to_resume("000003.md") is None
    # Once the user moves, the cursor stays where they are.
    session.moved()
    assert session.keep_on("000000.md") == "000000.md"


def test_resuming_undoes_nothing_the_user_did(session: ReaderSession) -> None:
    session.set_text("gamm")
    assert not session.resume_folder(FolderState("a.md", 0.0, "drone", [], "oldest"))
    assert session.listing == Listing("gamm")
    other = ReaderSession(ROOT, Config(), state=session.state)
    other.moved()
    assert not other.resume_folder(FolderState("a.md", 0.0, "drone", [], "oldest"))


def test_an_unknown_sort_to_resume_keeps_the_configured_one(session: ReaderSession) -> None:
    session.resume_folder(FolderState(None, 0.0, "", [], "sideways"))
    assert session.listing.sort == "newest"


def test_a_warm_open_lists_the_newest_rows_first_only_when_the_list_starts_with_them(
    session: ReaderSession,
) -> None:
    first = ROWS[:2]
    assert session.starts_among(first, None)
    assert session.starts_among(first, FolderState("000001.md"))
    assert not session.starts_among(first, FolderState("000005.md"))  # past the first rows
    assert not session.starts_among(first, FolderState(None, 0.0, "drone"))
    assert not session.starts_among(first, FolderState(None, 0.0, "", [], "oldest"))


# -- what the list shows ---------------------------------------------------------------------


def test_rows_arriving_are_shown_as_they_are_or_worked_out_again(session: ReaderSession) -> None:
    assert session.take_rows(list(ROWS), final=False, now=100.0) == "show"
    session.set_text("article")
    assert session.take_rows(list(ROWS), final=False, now=100.0) == "request"
    # While files stream in, a query runs again at most once a second...
    assert session.take_rows(list(ROWS), final=False, now=100.5) is None
    assert session.take_rows(list(ROWS), final=False, now=101.0) == "request"
    # ... and once they are all in.
    assert session.take_rows(list(ROWS), final=True, now=101.1) == "request"


def test_only_the_latest_request_is_shown(session: ReaderSession) -> None:
    session.take_rows(list(ROWS), final=True, now=0.0)
    older = session.request(None, None, "000000.md")
    newer = session.request(None, None, "000000.md")
    assert session.results_pending(typing=False)
    assert session.take_results(results_for(older, ROWS[:2])) is None
    assert session.take_failure(older) is False
    assert session.take_results(results_for(newer, ROWS[:3])) is True  # the first part
    assert not session.results_pending(typing=False)
    assert session.results_pending(typing=True)
    assert session.take_results(results_for(newer, ROWS[:3])) is False  # the rest


def test_a_move_made_while_results_were_worked_out_is_kept(session: ReaderSession) -> None:
    request = session.request("000000.md", None, "000000.md")
    results = results_for(request, ROWS)
    first = session.take_results(results)
    assert first is True
    assert session.cursor_for(results, first, "000000.md", 0) == 0
    # The user moved to 2.md meanwhile: the cursor stays there.
    assert session.cursor_for(results, first, "000002.md", 2) == 2
    # Enter in the search bar goes to the first result whatever the cursor did.
    jump = session.request(None, None, "000000.md", jump=True)
    results = results_for(jump, ROWS)
    assert (
        session.cursor_for(results, session.take_results(results) or False, "000002.md", 2) is None
    )
    # The rest after the best results: the cursor stays at its row.
    assert session.cursor_for(results, False, "000004.md", 4) == 4


def test_an_article_leaving_the_list_after_a_mark_gives_its_place_to_the_next(
    session: ReaderSession,
) -> None:
    request = session.request("000003.md", None, "000003.md")
    session.marks_rerun = (request.generation, 3)
    rows = [row for row in ROWS if row.id != "000003.md"]
    results = results_for(request, rows)
    assert session.cursor_for(results, session.take_results(results) or False, "000003.md", 3) == 3
    last = session.request("000005.md", None, "000005.md")
    session.marks_rerun = (last.generation, 5)
    results = results_for(last, ROWS[:5])
    assert session.cursor_for(results, session.take_results(results) or False, "000005.md", 5) == 4


def test_the_count_line(session: ReaderSession) -> None:
    session.rows_partial = True
    session.take_rows(list(ROWS), final=True, now=0.0)
    assert session.counts_caption(()) == ("Articles", "reading the list… · newest first")
    session.rows_partial = False
    session.show_rows(ROWS)
    assert session.counts_caption(()) == ("Articles", "6 · newest first")
    session.set_text("article")
    request = session.request(None, None, None)
    results = results_for(request, ROWS[:2], ranked=True)
    session.take_results(results)
    session.query_node = results.node
    session.show_rows(results.rows)
    assert session.counts_caption(()) == ("Articles", "2 of 6 · by relevance")
    session.initiatives = True
    assert session.counts_caption(()) == ("Initiatives", "collecting… · by relevance")
    rows = InitiativeRows([article(1, initiatives=3), article(2), article(3, initiatives=2)])
    assert session.counts_caption(rows) == ("Initiatives", "5 in 2 articles · by relevance")


# -- the read rule ---------------------------------------------------------------------------


def test_only_the_article_the_user_chose_is_read_after_the_delay(session: ReaderSession) -> None:
    first, second = ROWS[0], ROWS[1]
    session.marks.update_rows(ROWS)
    # Shown without a key from the user (the first article, a search's first result).
    assert not session.shown(first)
    assert not session.read_after_delay(first, first)
    # Chosen (moved to), then shown: its delay starts, and it is read at the end.
    assert session.choose(second.id)
    assert not session.choose(second.id)  # already the chosen one
    assert session.shown(second)
    assert not session.read_after_delay(second, first)  # no longer shown
    assert session.read_after_delay(second, second)
    assert session.marks.is_read(second)
    assert not session.reads_on_view(second)  # read already


def test_another_article_taking_the_panel_unchooses(session: ReaderSession) -> None:
    session.marks.update_rows(ROWS)
    session.choose(ROWS[1].id)
    assert not session.shown(ROWS[2])
    assert not session.read_after_delay(ROWS[1], ROWS[1])


@pytest.mark.parametrize(("mark_read_on", "on_view", "on_open"), [
    ("view", True, False),
    ("open", False, True),
    ("never", False, False),
])  # fmt: skip
def test_mark_read_on(tmp_path: Path, mark_read_on: str, on_view: bool, on_open: bool) -> None:
    config = Config(mark_read_on=mark_read_on)
    session = ReaderSession(ROOT, config, state=ReadingState(tmp_path / "state.json"))
    session.marks.update_rows(ROWS)
    assert session.reads_on_view(ROWS[0]) is on_view
    assert session.read_on_open(ROWS[0]) is on_open


def test_a_list_of_an_is_query_is_worked_out_again_after_a_mark(session: ReaderSession) -> None:
    assert not session.marks_changed(rerun_now=True)  # no is: in the query
    session.query_node = parse_query("is:unread")
    assert session.marks_changed(rerun_now=True)  # u or *: at once
    # Read by being shown: when the user moves on, not from under them.
    assert not session.marks_changed(rerun_now=False)
    assert session.moved()
    assert not session.moved()


# -- where the user is -----------------------------------------------------------------------


def test_where_the_user_is(session: ReaderSession) -> None:
    session.set_text("drone")
    state = session.folder_state("000002.md", "000002.md", 7.0)
    assert state == FolderState("000002.md", 7.0, "drone", [], "newest")
    # Not the article shown: no scroll.
    assert session.folder_state("000002.md", "000001.md", 7.0).scroll == 0.0


def test_the_article_to_resume_is_kept_until_the_user_moves(session: ReaderSession) -> None:
    session.resume_folder(FolderState("000005.md", 30.0))
    # Not loaded yet (the cursor is elsewhere): kept for next time, with its scroll.
    assert session.folder_state("000000.md", "000000.md", 3.0) == FolderState(
        "000005.md", 30.0, sort="newest"
    )
    session.moved()
    assert session.folder_state("000000.md", "000000.md", 3.0).selected == "000000.md"


# -- saving and refreshing, one at a time ----------------------------------------------------


def test_saves_run_one_at_a_time_and_coalesce(session: ReaderSession) -> None:
    assert session.start_saving()
    assert not session.start_saving()  # one runs: it is made again when that one ends
    assert not session.start_saving()
    assert session.saved()  # the one wanted meanwhile, once
    assert not session.saved()
    session.finished = True
    assert not session.start_saving()


def test_a_save_that_fails_says_where(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    session = ReaderSession(ROOT, Config(), state=ReadingState(blocked / "state.json"))
    session.marks.update_rows(ROWS)
    session.marks.mark_read(ROWS[0])
    error = session.save()
    assert error is not None and str(blocked / "state.json") in error


def test_refreshes_wait_for_the_load_and_run_one_at_a_time(session: ReaderSession) -> None:
    session.note_changes(frozenset({"/news/a.md"}))
    assert session.start_refresh() == (False, None)  # the folder is still loading
    session.store = object()  # type: ignore[assignment]
    session.merger = RowMerger(list(ROWS))
    assert session.start_refresh() == (True, {"/news/a.md"})
    session.note_changes(frozenset({"/news/b.md"}))
    assert session.start_refresh() == (False, None)  # one runs: the next follows it
    assert session.refreshed(complete=True)
    assert session.start_refresh() == (True, {"/news/b.md"})
    # The cache was busy: the paths it took are not all dealt with, so the next refresh
    # looks at every file; it starts with the next change.
    assert not session.refreshed(complete=False)
    session.note_changes(frozenset({"/news/c.md"}))
    assert session.start_refresh() == (True, None)
    session.refreshed(complete=True)
    assert session.start_refresh() == (False, None)  # nothing changed since
    session.note_changes(frozenset())  # a poll, or the folder back: every file
    assert session.start_refresh() == (True, None)


def test_what_a_refresh_found_in_words() -> None:
    report = SyncReport(added=["a", "b"], changed=["c"], removed=["d"])
    assert changes_text(report) == "2 new, 1 changed, 1 removed"
