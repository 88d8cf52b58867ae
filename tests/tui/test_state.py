"""What the reader remembers and notices: read and starred marks, where the user was in a
folder, files changing while it runs, and the user's configuration. Driven through Pilot
over several runs of the app (the state and config dirs are private to each test)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

from reader import cli
from reader.config import config_path, load_config
from reader.index import SyncReport
from reader.state import FolderState, ReadingState
from reader.tui import app as app_module
from reader.tui import workers as workers_module
from reader.tui.app import ReaderApp
from reader.tui.screens import list_events as list_events_module
from reader.tui.screens import main as main_module
from reader.tui.widgets.article_list import STAR_MARK, UNREAD_MARK
from reader.tui.widgets.header import ReaderHeader
from tui.conftest import WriteArticles
from tui.helpers import PATIENCE, fenced, reader, running, search, settle, titles, until

# A guard against hanging, not a speed test: conditions are polled this long at most.

LONG_BODY = "\n\n".join(f"Paragraph {n} of the long article, about patrols." for n in range(120))

FOLDER = {
    "a.md": fenced("Alpha", "Alpha body.", date="09:00 01/01/2018", area="Kent", url=None),
    "b.md": fenced(
        "Beta", "Beta body.", date="09:00 01/01/2019", area="Essex", url="https://x.org/b"
    ),
    "c.md": fenced("Gamma", LONG_BODY, date="09:00 01/01/2020", area="Kent", url=None),
    "d.md": fenced(
        "Delta drone", "A drone.", date="09:00 01/01/2021", area="Surrey", url="https://x.org/d"
    ),
}


def cursor_title(app: ReaderApp) -> str | None:
    row = app.main.article_list.article
    return row.title if row is not None else None


def row_by_title(app: ReaderApp, title: str) -> object:
    return next(row for row in app.session.all_rows if row.title == title)


def is_read(app: ReaderApp, title: str) -> bool:
    return app.session.marks.is_read(row_by_title(app, title))  # type: ignore[arg-type]


def is_starred(app: ReaderApp, title: str) -> bool:
    return app.session.marks.is_starred(row_by_title(app, title))  # type: ignore[arg-type]


def header_text(app: ReaderApp) -> str:
    return app.main.query_one(ReaderHeader).render().plain


def notices(app: ReaderApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


@pytest.fixture
def folder(write_articles: WriteArticles) -> Path:
    return write_articles(FOLDER)


def saved_state() -> ReadingState:
    return ReadingState().load()


# -- read and starred ------------------------------------------------------------------------


async def test_an_article_shown_for_a_while_is_read_one_passed_is_not(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)  # however long the start takes
    async with running(folder) as pilot:
        app = reader(pilot)
        assert app.main.shown is not None and app.main.shown.title == "Delta drone"
        # Long enough for the keys below on a busy machine (1 s was not, now and then).
        monkeypatch.setattr(main_module, "READ_DELAY", 3.0)
        # Gamma shown, then Beta straight after: Gamma for much less than the delay.
        await pilot.press("j", "enter", "h", "j", "enter")
        assert app.main.shown.title == "Beta"
        await until(pilot, lambda: is_read(app, "Beta"))
        assert not is_read(app, "Gamma") and not is_read(app, "Delta drone")
        assert not is_read(app, "Alpha")


async def test_holding_j_past_articles_reads_none_of_them(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    async with running(folder) as pilot:
        app = reader(pilot)
        monkeypatch.setattr(main_module, "READ_DELAY", 0.5)
        await pilot.press("j", "j", "j")  # faster than the open delay: only Alpha opens
        await until(pilot, lambda: is_read(app, "Alpha"))
        assert [is_read(app, title) for title in ("Delta drone", "Gamma", "Beta")] == [
            False,
            False,
            False,
        ]


async def test_u_toggles_read_and_star_toggles_starred_with_header_counts(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    async with running(folder, size=(140, 40)) as pilot:
        app = reader(pilot)
        assert "4 unread" in header_text(app) and "★" not in header_text(app)
        monkeypatch.setattr(main_module, "READ_DELAY", 2.0)
        await pilot.press("j", "enter")  # Gamma shown: read in 2 s unless u says otherwise
        await pilot.press("u")
        assert is_read(app, "Gamma")
        assert "3 unread" in header_text(app)
        await pilot.press("u")
        assert not is_read(app, "Gamma")
        await pilot.pause(2.5)  # past the read delay: u decided, the timer does not undo it
        assert not is_read(app, "Gamma")
        assert "4 unread" in header_text(app)
        await pilot.press("asterisk")
        assert is_starred(app, "Gamma") and not is_starred(app, "Delta drone")
        assert "★ 1" in header_text(app)
        # The row shows the star, drawn from the marks.
        line = "".join(segment.text for segment in app.main.article_list.render_line(2))
        assert STAR_MARK in line and "Gamma" in line
        await pilot.press("asterisk")
        assert not is_starred(app, "Gamma") and "★" not in header_text(app)


async def test_an_unread_starred_row_shows_both_marks(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    async with running(folder) as pilot:
        app = reader(pilot)

        def title_line() -> str:  # the cursor's row: Delta drone, first
            return "".join(segment.text for segment in app.main.article_list.render_line(0))

        assert title_line().startswith(f" {UNREAD_MARK} Delta drone")
        await pilot.press("asterisk")
        assert title_line().startswith(f"{UNREAD_MARK}{STAR_MARK} Delta drone")
        await pilot.press("u")
        assert title_line().startswith(f" {STAR_MARK} Delta drone")
        await pilot.press("asterisk")
        assert title_line().startswith("   Delta drone")


async def test_u_and_star_act_on_the_initiatives_article(write_articles: WriteArticles) -> None:
    folder = write_articles(
        {"i.md": fenced("Initiatives", "Intro.\n\n* One thing\n* Another", url=None)}
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("j", "asterisk")
        assert is_starred(app, "Initiatives")


async def test_is_read_and_is_starred_in_the_search_bar_follow_the_marks(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("j", "asterisk", "j", "u")  # Gamma starred, Beta read
        await search(pilot, "is:starred")
        assert titles(app) == ["Gamma"]
        await pilot.press("ctrl+u")
        await search(pilot, "is:read")
        assert titles(app) == ["Beta"]
        await pilot.press("ctrl+u")
        await search(pilot, "is:unread")
        assert titles(app) == ["Delta drone", "Gamma", "Alpha"]
        # Marks changed under an is: query: the list follows at once, the cursor staying
        # at the same place in it.
        await pilot.press("enter")  # to the first result, in the list
        await pilot.press("j", "u")  # Gamma read
        await settle(pilot)
        assert titles(app) == ["Delta drone", "Alpha"]
        assert cursor_title(app) == "Alpha"


async def test_an_article_read_by_being_shown_stays_listed_until_the_user_moves_on(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 0.3)
    async with running(folder) as pilot:
        app = reader(pilot)
        await search(pilot, "is:unread")
        await pilot.press("enter")  # the first result; focus goes to the list
        await settle(pilot)
        first = cursor_title(app)
        assert first is not None
        await until(pilot, lambda: is_read(app, first))
        await settle(pilot)
        assert first in titles(app) and app.main.shown is not None and app.main.shown.title == first
        await pilot.press("j")
        await settle(pilot)
        assert first not in titles(app)
        assert cursor_title(app) == titles(app)[0]


# -- saved between runs ----------------------------------------------------------------------


async def test_marks_are_saved_while_running_and_seen_by_the_next_run(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("j", "asterisk", "j", "u")  # Gamma starred, Beta read
        gamma = app.session.marks.key_of(row_by_title(app, "Gamma"))  # type: ignore[arg-type]
        # Saved a moment later, without quitting (a kill now would lose nothing).
        await until(pilot, lambda: saved_state().is_read("url:https://x.org/b"))
        assert saved_state().is_starred(gamma)
    async with running(folder) as pilot:
        app = reader(pilot)
        assert is_starred(app, "Gamma") and is_read(app, "Beta")
        assert not is_read(app, "Alpha")
        assert "★ 1" in header_text(app)


async def test_saves_run_one_at_a_time_while_keys_come_and_coalesce(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow save (a big state, a busy disk) while the user marks without pause: saves
    still happen while the keys come, one at a time, each taking every change made
    while the one before ran, instead of one per key queueing up behind each other."""
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    save = ReadingState.save
    started: list[float] = []
    running_at_once = [0, 0]  # now, most
    lock = threading.Lock()

    def slow_save(self: ReadingState) -> bool:
        with lock:
            started.append(time.monotonic())
            running_at_once[0] += 1
            running_at_once[1] = max(running_at_once)
        try:
            time.sleep(0.3)
            return save(self)
        finally:
            with lock:
                running_at_once[0] -= 1

    monkeypatch.setattr(ReadingState, "save", slow_save)
    async with running(folder) as pilot:
        app = reader(pilot)
        began = time.monotonic()
        presses = 0
        while time.monotonic() - began < 2.0:
            await pilot.press("u")  # read, unread, read...: a change on every key
            presses += 1
            await pilot.pause(0.03)
        marking_ended = time.monotonic()
        during = [moment for moment in started if moment < marking_ended]
        assert during, "nothing was saved while the keys came"
        read = bool(presses % 2)
        await until(pilot, lambda: saved_state().is_read("url:https://x.org/d") == read)
        assert app.session.marks.is_read(app.main.article_list.rows[0]) == read
        # Coalesced, not one save per key: once the keys stop, the save running then
        # and one more for what came meanwhile, not a backlog of saves (a busy machine
        # presses few keys in 2 s, so the count during them tells too little).
        await pilot.pause(1.0)
        assert len(started) - len(during) <= 2, (len(during), len(started), presses)
    assert running_at_once[1] == 1, "two saves ran at once"


async def test_marks_made_in_the_reader_are_what_reader_search_finds(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    async with running(folder) as pilot:
        await pilot.press("j", "j", "u", "asterisk")  # Beta
        await pilot.press("q")
    capsys.readouterr()
    assert cli.main(["search", "is:read", str(folder)]) == 0
    listed = capsys.readouterr().out
    assert "[b.md]" in listed
    assert not any(f"[{name}]" in listed for name in ("a.md", "c.md", "d.md"))
    assert cli.main(["search", "is:starred OR drone", str(folder)]) == 0
    listed = capsys.readouterr().out
    assert "[b.md]" in listed and "[d.md]" in listed
    assert "[a.md]" not in listed and "[c.md]" not in listed


async def test_a_damaged_state_file_is_set_aside_with_a_notice(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    path = ReadingState().path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", "utf-8")
    async with running(folder) as pilot:
        app = reader(pilot)
        assert any("damaged" in message for message in notices(app))
        await pilot.press("u")
        await pilot.press("q")
    assert saved_state().is_read("url:https://x.org/d")
    assert any(p.name.startswith("state.json.broken-") for p in path.parent.iterdir())


# -- resume ----------------------------------------------------------------------------------


async def test_the_next_visit_resumes_selection_scroll_query_facets_and_sort(
    folder: Path,
) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await search(pilot, "date:2018 OR date:2020 OR date:2021")
        await pilot.press("enter")  # out of the bar, to the results
        app.main._after_facets(("area:kent",))  # what Enter in the facet picker does
        await settle(pilot)
        await pilot.press("s")  # oldest first
        await settle(pilot)
        assert titles(app) == ["Alpha", "Gamma"]
        app.main.go_to_article("c.md")
        await settle(pilot)
        await pilot.press("pagedown", "pagedown", "j")
        await settle(pilot)
        scroll = app.main.article_view.scroll_y
        assert scroll > 10
        listing = app.session.listing
        await pilot.press("q")
    async with running(folder) as pilot:
        app = reader(pilot)
        assert app.session.listing == listing
        assert app.main.search_bar.text == "date:2018 OR date:2020 OR date:2021"
        assert app.session.shown_listing.facets == ("area:kent",)
        assert cursor_title(app) == "Gamma"
        assert app.main.shown is not None and app.main.shown.title == "Gamma"
        await until(pilot, lambda: app.main.article_view.scroll_y == scroll)
        assert titles(app) == ["Alpha", "Gamma"]


async def test_what_the_user_typed_before_the_folder_opened_is_not_undone(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        # Typed while a big folder was still opening (the search waits for typing to
        # pause), then the last visit's place arrives: it must not undo the user's query.
        monkeypatch.setattr(list_events_module, "SEARCH_DELAY", 3600.0)
        await pilot.press("slash", *"gamm")
        app.main.resume(FolderState("a.md", 0.0, "drone", ["area:kent"], "oldest"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.search_bar.text == "gamm" and titles(app) == ["Gamma"]
        assert app.session.shown_listing.facets == () and app.session.listing.sort == "newest"


async def test_fresh_starts_clean_keeps_marks_and_overwrites_the_last_visit(
    folder: Path,
) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("j", "j", "asterisk")  # Beta, starred
        await search(pilot, "drone")
        await pilot.press("enter", "q")  # out of the bar, then quit
    app = ReaderApp(folder, fresh=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.main.search_bar.text == "" and titles(app) == [
            "Delta drone",
            "Gamma",
            "Beta",
            "Alpha",
        ]
        assert cursor_title(app) == "Delta drone"
        assert is_starred(app, "Beta")
        await pilot.press("q")
    app.close_store()
    async with running(folder) as pilot:  # the fresh visit is now the last one
        app = reader(pilot)
        assert app.main.search_bar.text == "" and cursor_title(app) == "Delta drone"


async def test_reader_fresh_reaches_the_app(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[Path, bool]] = []

    def fake_run(root: Path, *, use_cache: bool = True, fresh: bool = False) -> int:
        opened.append((root, fresh))
        return 0

    monkeypatch.setattr(app_module, "run", fake_run)
    monkeypatch.setattr(cli, "_on_a_terminal", lambda: True)  # as if in one
    assert cli.main([str(folder), "--fresh"]) == 0
    assert cli.main([str(folder)]) == 0
    assert opened == [(folder, True), (folder, False)]


# -- live reload -----------------------------------------------------------------------------


def replace_file(path: Path, text: str) -> None:
    """Write as editors do: a whole new file in one step (no half-written file to see)."""
    temp = path.with_name("." + path.name + ".tmp")
    temp.write_text(text, "utf-8")
    os.replace(temp, path)


def changes_told(app: ReaderApp) -> dict[str, int]:
    """The counts of every "2 new, 1 changed" notice so far, added up."""
    told = {"new": 0, "changed": 0, "removed": 0}
    for message in notices(app):
        for part in message.split(", "):
            count, _, what = part.partition(" ")
            if what in told and count.isdigit():
                told[what] += int(count)
    return told


async def test_files_created_changed_and_deleted_while_running_reach_the_list(
    folder: Path,
) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        await search(pilot, "drone OR beta OR alpha")
        assert sorted(titles(app)) == ["Alpha", "Beta", "Delta drone"]
        await pilot.press("enter")
        await settle(pilot)
        app.main.article_list.select_id("b.md")
        await settle(pilot)
        assert cursor_title(app) == "Beta"

        replace_file(folder / "e.md", fenced("Epsilon drone", "New.", date="09:00 01/01/2024"))
        replace_file(folder / "a.md", fenced("Alpha again", "Changed.", date="09:00 01/01/2018"))
        (folder / "d.md").unlink()
        await until(
            pilot, lambda: "Epsilon drone" in titles(app) and len(app.session.all_rows) == 4
        )
        await settle(pilot)
        # The query still applies, to the new files too; the cursor stayed on Beta.
        assert sorted(titles(app)) == ["Alpha again", "Beta", "Epsilon drone"]
        assert cursor_title(app) == "Beta"
        assert app.main.shown is not None and app.main.shown.title == "Beta"
        # Told what changed (in one notice, or more if the changes came apart).
        await until(pilot, lambda: changes_told(app) == {"new": 1, "changed": 1, "removed": 1})


async def test_the_open_article_changing_is_shown_again_where_it_was(folder: Path) -> None:
    async with running(folder) as pilot:
        app = reader(pilot)
        app.main.go_to_article("c.md")
        await settle(pilot)
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        scroll = app.main.article_view.scroll_y
        assert scroll > 0
        body = LONG_BODY.replace("Paragraph 0 of", "Paragraph zero (edited) of")
        replace_file(folder / "c.md", fenced("Gamma", body, date="09:00 01/01/2020", url=None))
        await until(pilot, lambda: "edited" in app.main.article_view.plain_text())
        await settle(pilot)
        assert app.main.article_view.scroll_y == scroll
        assert cursor_title(app) == "Gamma"


async def test_what_the_watcher_names_is_refreshed_else_every_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File events name paths: only those are looked at. A poll names none, and a
    refresh the busy cache left incomplete loses what it was given: then every file."""
    async with running(folder) as pilot:
        app = reader(pilot)
        store = app.session.store
        assert store is not None
        asked: list[list[str] | None] = []
        refresh = store.refresh

        def recording_refresh(on_batch: Any = None, changed_paths: Any = None) -> SyncReport:
            asked.append(None if changed_paths is None else sorted(changed_paths))
            report = refresh(on_batch, changed_paths)
            busy = len(asked) == 3  # the third refresh finds the cache busy
            return SyncReport(report.added, report.changed, report.removed, complete=not busy)

        named = [{"b.md"}, set(), {"c.md"}, {"d.md"}]

        def watcher(root: Path, stop: threading.Event, **kwargs: Any) -> Iterator[frozenset[str]]:
            for count, names in enumerate(named):
                yield frozenset(str(folder / name) for name in names)
                while len(asked) <= count and not stop.wait(0.01):
                    pass  # the next change once this one is refreshed
            stop.wait()

        # The real watcher goes; this one tells of the changes above, one at a time.
        app.main.stop_watching()
        monkeypatch.setattr(store, "refresh", recording_refresh)
        monkeypatch.setattr(workers_module, "watch_folder", watcher)
        app.main.start_watching()
        await until(pilot, lambda: len(asked) == 4)
        b, c = str(folder / "b.md"), str(folder / "c.md")
        assert asked == [[b], None, [c], None]


async def test_a_folder_inside_a_hidden_folder_reloads(tmp_path: Path) -> None:
    """A library under ~/.local/share got no live reload at all."""
    folder = tmp_path / ".local" / "share" / "news"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(FOLDER["a.md"], "utf-8")
    async with running(folder) as pilot:
        app = reader(pilot)
        assert titles(app) == ["Alpha"]
        replace_file(folder / "b.md", FOLDER["b.md"])
        await until(pilot, lambda: sorted(titles(app)) == ["Alpha", "Beta"])


@pytest.mark.parametrize("how", ["recreated", "renamed-into-place"])
async def test_the_folder_deleted_and_back_is_listed_again(
    folder: Path, tmp_path: Path, how: str
) -> None:
    """The reader stayed at 0 articles for good once its folder was deleted and made again."""
    async with running(folder) as pilot:
        app = reader(pilot)
        assert len(app.session.all_rows) == 4
        shutil.rmtree(folder)
        await until(pilot, lambda: len(app.session.all_rows) == 0)
        other = tmp_path / "other"
        other.mkdir()
        (other / "e.md").write_text(fenced("Epsilon", "Back.", date="09:00 01/01/2024"), "utf-8")
        if how == "recreated":
            shutil.copytree(other, folder)
        else:
            other.rename(folder)
        await until(pilot, lambda: titles(app) == ["Epsilon"])
        replace_file(folder / "a.md", FOLDER["a.md"])  # and it is watched again
        await until(pilot, lambda: titles(app) == ["Epsilon", "Alpha"])


async def test_quitting_stops_the_watcher(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started, ended = threading.Event(), threading.Event()
    watch_folder = workers_module.watch_folder

    def watching(root: Path, stop: threading.Event, **kwargs: Any) -> Iterator[frozenset[str]]:
        started.set()
        try:
            yield from watch_folder(root, stop, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(workers_module, "watch_folder", watching)
    async with running(folder) as pilot:
        assert started.wait(PATIENCE) and not ended.is_set()  # watching
        await pilot.press("q")
    assert ended.wait(PATIENCE)


# -- configuration ---------------------------------------------------------------------------


def write_config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


async def test_configured_theme_sort_dates_and_panes_apply(folder: Path) -> None:
    write_config(
        'theme = "textual-light"\ndefault_sort = "title"\ndate_format = "%Y-%m-%d"\n'
        "show_metadata = false\n"
    )
    async with running(folder, size=(160, 40)) as pilot:
        app = reader(pilot)
        assert app.theme == "textual-light"
        assert titles(app) == ["Alpha", "Beta", "Delta drone", "Gamma"]
        date_line = "".join(segment.text for segment in app.main.article_list.render_line(1))
        assert "2018-01-01 · Kent" in date_line
        assert app.main.has_class("-no-metadata")
        await pilot.press("m")  # still there for the asking
        assert not app.main.has_class("-no-metadata")


async def test_a_bad_theme_is_named_and_the_default_kept(folder: Path) -> None:
    write_config('theme = "no-such-theme"\n')
    default = App[None]().theme
    async with running(folder) as pilot:
        app = reader(pilot)
        assert app.theme == default
        assert any("theme = 'no-such-theme'" in message for message in notices(app))


async def test_keys_are_remapped_by_binding_id(folder: Path) -> None:
    write_config('[keys]\n"app.toggle_star" = "x"\n"app.no_such_thing" = "z"\n')
    async with running(folder) as pilot:
        app = reader(pilot)
        assert any("keys.app.no_such_thing" in message for message in notices(app))
        await pilot.press("asterisk")
        assert not is_starred(app, "Delta drone")
        await pilot.press("x")
        assert is_starred(app, "Delta drone")


async def test_an_impossible_key_is_named_and_the_default_kept(folder: Path) -> None:
    """`"app.quit" = "ctrl+nonsense"` once took q away from quit, silently."""
    write_config('[keys]\n"app.quit" = "ctrl+nonsense"\n"app.toggle_star" = "x, ctrl+]"\n')
    async with running(folder) as pilot:
        app = reader(pilot)
        told = "\n".join(notices(app))
        assert "keys.app.quit: 'ctrl+nonsense' is not a key name" in told
        assert "write 'ctrl+right_square_bracket'" in told
        await pilot.press("x")  # the key that works applies
        assert is_starred(app, "Delta drone")
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_a_theme_chosen_in_the_palette_leaves_one_theme_key(folder: Path) -> None:
    from reader.config import DEFAULT_CONFIG_TEXT

    comment = '# theme = "textual-dark"\n'
    write_config(DEFAULT_CONFIG_TEXT.replace(comment, comment + 'theme = "textual-light"\n'))
    async with running(folder) as pilot:
        app = reader(pilot)
        assert app.theme == "textual-light"
        await pilot.press("ctrl+p", *"theme", "enter")
        await settle(pilot)
        await pilot.press(*"nord", "enter")
        await settle(pilot)
        assert app.theme == "nord"
    config = load_config()
    assert config.messages == [] and config.theme == "nord"
    assert DEFAULT_CONFIG_TEXT.replace(comment, comment + 'theme = "nord"\n') == (
        config_path().read_text("utf-8")
    )


async def test_a_theme_is_not_saved_into_a_file_that_does_not_parse(folder: Path) -> None:
    broken = 'theme = "nord"\ntheme = "nord"\n'
    write_config(broken)
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("ctrl+p", *"theme", "enter")
        await settle(pilot)
        await pilot.press(*"dracula", "enter")
        await settle(pilot)
        await until(pilot, lambda: any("Could not save the theme" in n for n in notices(app)))
    assert config_path().read_text("utf-8") == broken


async def test_a_theme_chosen_in_the_palette_is_saved(folder: Path) -> None:
    write_config('# mine\ntheme = "textual-dark"\n\n[keys]\n"app.quit" = "q"\n')
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("ctrl+p", *"theme", "enter")
        await settle(pilot)
        await pilot.press(*"nord", "enter")
        await settle(pilot)
        assert app.theme == "nord"
    assert load_config().theme == "nord"
    assert config_path().read_text("utf-8").startswith("# mine\n")
    assert load_config().keys == {"app.quit": "q"}
