"""The reader (Pilot, headless) on the hostile corpus: it opens the folder, counts every
file, walks every article with j, opens each, toggles the panes, shows the problems, and
nothing it draws from file content carries a control character; `o` refuses every URL
that is not http(s) and says so; the search bar takes any input.
"""

from __future__ import annotations

import os
import re
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.segment import Segment
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static
from tui.helpers import busy_workers, running, screen_text, settle, titles

import reader.tui.screens.list_events
import reader.tui.screens.main
import reader.tui.workers
from hostile.corpus import (
    ASKED_URLS,
    OPENED_URLS,
    REFUSED_URLS,
    HostileCorpus,
    simulate_file_system_trouble,
)
from reader.limits import MAX_FILE_BYTES, MAX_SHOWN_LINES
from reader.links import check_link
from reader.tui.app import ReaderApp
from reader.tui.screens.confirm_open import ConfirmOpen
from reader.tui.screens.problems import ProblemsScreen
from reader.tui.widgets.document_view import DocumentView

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def screen_segments(pilot: Pilot[int]) -> Iterator[Segment]:
    for strip in pilot.app.screen._compositor.render_strips():
        yield from strip


def assert_screen_safe(pilot: Pilot[int]) -> None:
    """No control character in any text on screen; every link on it is a web URL."""
    for segment in screen_segments(pilot):
        assert not UNSAFE.search(segment.text), repr(segment.text)
        link = segment.style.link if segment.style is not None else None
        if link:
            assert check_link(link).target == link, link


def assert_document_safe(view: DocumentView) -> None:
    """Every laid-out line of a document, on screen or not, is as safe."""
    lines = view.lines
    assert len(lines) <= MAX_SHOWN_LINES + 1
    for line in lines:
        assert not UNSAFE.search(line.content.plain), repr(line.content.plain[:200])
        for span in line.content.spans:
            link = getattr(span.style, "link", None)
            if link:
                assert check_link(link).target == link, link


async def wait(pilot: Pilot[int]) -> None:
    """Let workers (rendering, layout) finish and their results be applied (which may
    start more: a rendered article is then searched for hits)."""
    for _ in range(20):
        workers = busy_workers(pilot.app)
        if workers:
            await pilot.app.workers.wait_for_complete(workers)
        await pilot.pause()
        if not any(worker.is_running for worker in busy_workers(pilot.app)):
            return


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """URLs handed to the web browser (none is really opened)."""
    opened: list[str] = []

    def record(url: str, *args: Any, **kwargs: Any) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", record)
    return opened


def record_notices(app: ReaderApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    notices: list[str] = []
    notify = app.notify

    def recording(message: str, *args: Any, **kwargs: Any) -> None:
        notices.append(message)
        notify(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", recording)
    return notices


async def open_next(pilot: Pilot[int], app: ReaderApp) -> None:
    """j, then wait until the article under the cursor is shown and rendered."""
    await pilot.press("j")
    cursor = app.main.article_list.article
    assert cursor is not None
    for _ in range(1000):
        shown = app.main.shown is not None and app.main.shown.id == cursor.id
        if shown and not any(worker.is_running for worker in busy_workers(app)):
            break
        await pilot.pause(0.01)
    await pilot.pause()  # what the workers posted is on screen


PARTS = 3


def not_watching(root: Path, stop: threading.Event, **kwargs: Any) -> Iterator[frozenset[str]]:
    """A folder watcher that sees nothing: live reload would rightly drop the files that
    vanished (they are gone), and this walk counts them as reported."""
    stop.wait()
    yield from ()


@pytest.mark.parametrize("part", range(PARTS))
async def test_walk_every_article_of_the_hostile_corpus(
    corpus: HostileCorpus, monkeypatch: pytest.MonkeyPatch, browser: list[str], part: int
) -> None:
    """j through the list, checking every article drawn; each part of the list is a test
    of its own, so test workers share the walk."""
    simulate_file_system_trouble(monkeypatch, corpus)
    monkeypatch.setattr(reader.tui.workers, "watch_folder", not_watching)
    # The panel follows the cursor after a pause; here the pause need not be felt.
    monkeypatch.setattr(reader.tui.screens.main, "OPEN_DELAY", 0.01)
    app = ReaderApp(corpus.root)
    async with app.run_test(size=(100, 30)) as pilot:  # wide enough for all three panes
        await settle(pilot)
        expected = corpus.expected(simulated=True)
        assert len(app.session.all_rows) + len(app.session.problems) == len(expected)
        assert f"{len(app.session.problems)} problems" in screen_text(pilot).splitlines()[0]
        ids = [row.id for row in app.session.all_rows]
        start, stop = len(ids) * part // PARTS, len(ids) * (part + 1) // PARTS
        app.main.go_to_article(ids[start])
        await pilot.press("h")
        await wait(pilot)
        seen = []
        for step in range(start, stop):
            if step > start:
                await open_next(pilot, app)
            assert app.main.shown is not None
            seen.append(app.main.shown.id)
            assert_document_safe(app.main.article_view)
            assert_document_safe(app.main.metadata_pane)
            assert_screen_safe(pilot)
            if step % 20 == 0:
                # Into the article, to its end, panes off and on again.
                await pilot.press("l", "right_square_bracket", "G", "m", "b")
                await wait(pilot)
                assert_screen_safe(pilot)
                await pilot.press("m", "b", "h")
        assert seen == ids[start:stop]
        await pilot.press("e")
        await wait(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert_screen_safe(pilot)
        await pilot.press("escape")
        assert app.is_running
    assert browser == []


async def test_o_refuses_every_url_but_http_and_says_so(
    corpus: HostileCorpus, monkeypatch: pytest.MonkeyPatch, browser: list[str]
) -> None:
    app = ReaderApp(corpus.root)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        url_entries = [entry for entry in corpus.entries.values() if entry.url is not None]
        assert len(url_entries) == len(REFUSED_URLS) + len(OPENED_URLS) + len(ASKED_URLS)
        for entry in url_entries:
            app.main.go_to_article(entry.id)
            await wait(pilot)
            assert app.main.shown is not None and app.main.shown.id == entry.id
            notices.clear()
            await pilot.press("o")
            await wait(pilot)
            url = app.main.shown.url
            assert url is not None
            if entry.url in OPENED_URLS:
                assert browser[-1] == url
                assert notices == [url]
            elif entry.url in ASKED_URLS:
                assert isinstance(app.screen, ConfirmOpen)  # asked: nothing opened yet
                assert ASKED_URLS[entry.url] in str(app.screen.query_one(Static).render())
                assert notices == [] and url not in browser
                await pilot.press("n")
                assert not isinstance(app.screen, ConfirmOpen)
            else:
                assert url not in browser
                assert len(notices) == 1
                assert notices[0].startswith("Not opening")
                assert "only http and https links are opened" in notices[0]
            assert_screen_safe(pilot)
        assert browser == OPENED_URLS


# Text typed or pasted into the search bar: query syntax gone wrong, markup, escapes,
# control characters (a paste can hold anything), huge and odd Unicode.
QUERIES = [
    '"unclosed phrase',
    "((((((((((",
    "title: -",
    "OR OR OR",
    "after:99/99/9999 before:-1 date:2019-13 is:",
    "[/] [bold]x[/bold] [link=javascript:alert(1)]y[/link]",
    "$accent ${HOME} $(reboot)",
    "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZWNobw==\x07",
    "\x9b31m \x00 \x08\x7f \t\r\n",
    "\u202eevil\u202c \u2066x\u2069 zero\u200bwidth",
    "警察 " * 200 + "e\u0301" * 500,
    "a" * 20_000,
    "(" * 5_000 + '"' * 1_001 + "-" * 1_000,
    "pwned",
]


async def test_the_search_bar_survives_any_input(corpus: HostileCorpus) -> None:
    app = ReaderApp(corpus.root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        bar = app.main.search_bar
        for number, query in enumerate(QUERIES):
            bar.set_text("")
            # Pasted, as a terminal delivers a bracketed paste, then a key typed.
            bar.input.post_message(events.Paste(query))
            await pilot.press("x")
            await pilot.pause(reader.tui.screens.list_events.SEARCH_DELAY + 0.05)  # the search runs
            await wait(pilot)
            assert app.is_running
            assert not UNSAFE.search(bar.text)
            assert_screen_safe(pilot)
            assert_document_safe(app.main.article_view)
            if number % 4 == 0:
                await pilot.press("enter")  # to the first result, if any, and back
                await wait(pilot)
                assert_screen_safe(pilot)
                await pilot.press("slash")
        await pilot.press("escape")
        await wait(pilot)
        assert app.is_running
        assert len(app.session.results) == len(app.session.all_rows)


async def test_a_hostile_folder_name_is_shown_escaped(tmp_path: Path) -> None:
    folder = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"esc\x1b]0;pwned\x07\xff")))
    folder.mkdir()
    (folder / "a.md").write_text("# A\n")
    app = ReaderApp(folder)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        assert "esc\\x1b]0;pwned\\x07\\xff" in screen_text(pilot).splitlines()[0]
        await pilot.press("enter")
        await wait(pilot)
        assert_screen_safe(pilot)
        assert_document_safe(app.main.metadata_pane)


async def test_an_article_grown_past_the_size_limit_leaves_the_list_for_the_problems(
    tmp_path: Path,
) -> None:
    """While the reader runs: no ghost row (counted as an article, gone when chosen)."""
    (tmp_path / "a.md").write_text("# Alpha\n\nBody.\n")
    (tmp_path / "b.md").write_text("# Beta\n\nBody.\n")
    async with running(tmp_path) as pilot:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        await settle(pilot)
        assert sorted(titles(app)) == ["Alpha", "Beta"]
        with (tmp_path / "a.md").open("ab") as grown:
            grown.write(b"x" * MAX_FILE_BYTES)
        for _ in range(400):  # live reload takes about half a second
            if len(app.session.problems) == 1 and len(app.session.all_rows) == 1:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert titles(app) == ["Beta"]
        assert [problem.path.name for problem in app.session.problems] == ["a.md"]
        assert "1 problem" in screen_text(pilot).splitlines()[0]
