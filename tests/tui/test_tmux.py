"""End to end: the installed `reader` command in a real terminal (tmux), driven by keys.

Skipped only when tmux is missing and READER_REQUIRE_TMUX is unset; CI sets it (and
installs tmux), so there a missing tmux fails instead of skipping.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.state import ReadingState
from tui.helpers import fenced

TMUX = shutil.which("tmux")
READER = Path(sys.executable).with_name("reader")
# The folders every test gets of its own (tests/conftest.py), which the reader in the
# terminal must use too: never the real user's cache, state or configuration.
PRIVATE_DIRS = ("READER_CACHE_DIR", "READER_STATE_DIR", "READER_CONFIG_DIR")


def terminal_env() -> dict[str, str]:
    """The environment of a terminal made now: the test's private folders included (the
    environment is read when the test runs, not when this module is imported)."""
    missing = [name for name in PRIVATE_DIRS if not os.environ.get(name)]
    assert not missing, f"no private folder for {missing}: the reader would use the real ones"
    # COLUMNS / LINES (pytest-xdist workers have them) would override the pane's real size.
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    return {**env, "TERM": "xterm-256color"}


if TMUX is None and not os.environ.get("READER_REQUIRE_TMUX"):
    pytest.skip(
        "tmux is not installed (set READER_REQUIRE_TMUX to fail instead)", allow_module_level=True
    )


class Terminal:
    """A tmux session running one command, 120x40, on a tmux server of its own."""

    def __init__(self, command: str) -> None:
        assert TMUX is not None, "tmux is required (READER_REQUIRE_TMUX is set)"
        self.name = f"reader-test-{uuid.uuid4().hex[:8]}"
        self.env = terminal_env()
        # Keep the pane after the command exits, to read its exit status.
        shell = f"{command}; echo EXIT=$?; sleep 30"
        self.tmux("new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", shell)
        # tmux holds a lone Escape for 500 ms to see if a sequence follows; a person
        # pausing after Esc is slower than this test, so do not wait.
        self.tmux("set-option", "-s", "escape-time", "0")

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        result = subprocess.run(
            [TMUX, "-L", self.name, *args],
            capture_output=True,
            text=True,
            check=True,
            env=self.env,
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def styled_screen(self) -> str:
        """The screen with its colours and attributes, as SGR escape sequences."""
        return self.tmux("capture-pane", "-p", "-e", "-t", self.name)

    def wait_for(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            time.sleep(0.05)

    def wait_until_gone(self, text: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text not in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never went away; the screen was:\n{screen}")
            time.sleep(0.05)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(0.05)

    def close(self) -> None:
        subprocess.run([TMUX or "tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    assert READER.exists(), f"the reader command is not installed next to {sys.executable}"
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.md").write_text(fenced("Alpha", "Alpha body.", date="09:00 01/01/2018"))
    (folder / "b.md").write_text(fenced("Beta", "Beta body.", date="09:00 01/01/2019"))
    (folder / "c.md").write_text(
        fenced(
            "Gamma",
            "Intro.\n\n* First initiative text\n* Second initiative text",
            date="09:00 01/01/2020",
            area="Surrey",
        )
    )
    term = Terminal(f"{shlex.quote(str(READER))} {shlex.quote(str(folder))}")
    try:
        yield term
    finally:
        term.close()


def test_a_terminal_runs_with_the_tests_private_folders(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The reader in a terminal used the real user's cache, state and configuration: the
    environment was read when this module was imported, before each test had its own."""
    script = "; ".join(f'echo "{name}=${name}"' for name in PRIVATE_DIRS)
    term = Terminal(f"sh -c {shlex.quote(script)}")
    try:
        screen = term.wait_for("EXIT=")
    finally:
        term.close()
    for name in PRIVATE_DIRS:
        assert f"{name}={os.environ[name]}" in screen
        assert os.environ[name].startswith(str(tmp_path_factory.getbasetemp()))


def row_of(screen: str, text: str) -> str:
    return next(line for line in screen.splitlines() if text in line)


def test_reader_in_a_real_terminal(terminal: Terminal) -> None:
    # Panes are drawn in turn: wait for each part of the first screen.
    for text in (
        "Wednesday 1 January 2020",  # the article panel's byline
        "1  First initiative text",  # numbered initiatives
        "Published   Wed 1 Jan",  # the metadata pane
        "1 Jan 2019 · Kent",  # the list's second row
        "/ Search",  # the footer
    ):
        screen = terminal.wait_for(text)
    header = screen.splitlines()[0]
    assert "reader" in header and "news" in header and "3 articles" in header
    # The list, newest first, with dates and areas.
    lines = screen.splitlines()
    order = [
        next(i for i, line in enumerate(lines) if name in line)
        for name in ("Gamma", "Beta", "Alpha")
    ]
    assert order == sorted(order)
    assert "1 Jan 2020 · Surrey" in screen
    assert "2 initiatives" in screen
    assert "As written  09:00" in screen

    terminal.press("j")
    screen = terminal.wait_for("Tuesday 1 January 2019")
    assert "Beta body." in screen

    terminal.press("k", "]")
    screen = terminal.wait_for("initiative 1 of 2")

    terminal.press("?")
    screen = terminal.wait_for("Next initiative")
    assert "Keys" in screen and "Next article" in screen and "list.next" in screen
    terminal.press("Escape")
    screen = terminal.wait_until_gone("Next initiative")
    assert "initiative 1 of 2" in screen

    # Search: the list filters as the query is typed, Enter goes to the first result.
    terminal.press("/", "b", "e", "t")
    screen = terminal.wait_for("1 of 3 · by relevance")
    sidebar = "\n".join(line[:36] for line in screen.splitlines())
    assert "Beta" in sidebar and "Gamma" not in sidebar and "Alpha" not in sidebar
    terminal.press("Enter")
    screen = terminal.wait_for("Tuesday 1 January 2019")
    terminal.press("/", "Escape")
    screen = terminal.wait_for("3 · newest first")

    terminal.press("q")
    screen = terminal.wait_for("EXIT=0")
    assert "\x1b" not in screen


# SGR attributes a mark must keep without colours: bold, underline, reverse.
SGR = re.compile(r"\x1b\[([0-9;]*)m")
ATTRIBUTES = {"1": "bold", "4": "underline", "7": "reverse"}
ATTRIBUTES_OFF = {"22": "bold", "24": "underline", "27": "reverse"}


def attributes_of(line: str) -> tuple[str, list[frozenset[str]]]:
    """A line of a styled capture as its text and the attributes on each character."""
    text: list[str] = []
    on: set[str] = set()
    per_char: list[frozenset[str]] = []
    position = 0
    for match in SGR.finditer(line + "\x1b[m"):
        for char in line[position : match.start()]:
            text.append(char)
            per_char.append(frozenset(on))
        position = match.end()
        params = match.group(1).split(";")
        index = 0
        while index < len(params):
            param = params[index]
            if param in ("38", "48", "58"):  # a colour: its arguments follow
                index += 3 if index + 1 < len(params) and params[index + 1] == "5" else 5
                continue
            if param in ("", "0"):
                on.clear()
            elif param in ATTRIBUTES:
                on.add(ATTRIBUTES[param])
            elif param in ATTRIBUTES_OFF:
                on.discard(ATTRIBUTES_OFF[param])
            index += 1
    return "".join(text), per_char


def marks_on(screen: str, word: str, pane: int) -> frozenset[str]:
    """The attributes every character of the first `word` in pane `pane` (0: the list,
    1: the article; panes meet at "││") has."""
    for line in screen.splitlines():
        text, per_char = attributes_of(line)
        edges = [0, *(match.end() for match in re.finditer("││", text)), len(text)]
        if pane + 1 >= len(edges):
            continue
        start = text.find(word, edges[pane], edges[pane + 1])
        if start >= 0:
            return frozenset.intersection(*per_char[start : start + len(word)])
    raise AssertionError(f"{word!r} is not in pane {pane}")


@pytest.mark.parametrize("no_color", [False, True], ids=["256 colours", "NO_COLOR"])
def test_search_hits_are_marked_by_more_than_colour(tmp_path: Path, no_color: bool) -> None:
    """In a 256-colour terminal and with NO_COLOR, a hit is bold and underlined, on the
    cursor's unread row too, and the current hit in the article is reversed."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.md").write_text(
        fenced("Drone unit takes off", "The new drone flies.", date="09:00 01/01/2020")
    )
    (folder / "b.md").write_text(fenced("Speed checks", "On the A1.", date="09:00 01/01/2019"))
    names = ("READER_CACHE_DIR", "READER_STATE_DIR", "READER_CONFIG_DIR")
    env = [f"{name}={shlex.quote(os.environ[name])}" for name in names]
    if no_color:
        env.append("NO_COLOR=1")
    term = Terminal(f"env {' '.join(env)} {shlex.quote(str(READER))} {shlex.quote(str(folder))}")
    try:
        term.wait_for("Speed checks")
        term.press("/", "d", "r", "o", "n", "e")
        term.wait_for("1 of 2 · by relevance")
        term.press("Enter")  # the list, its first row (unread) under the cursor
        term.wait_for("2 hits · n next")
        screen = term.styled_screen()
        list_pane, article_pane = 0, 1
        assert "• Drone unit" in term.screen()  # unread
        assert {"bold", "underline"} <= marks_on(screen, "Drone", list_pane)
        assert "underline" not in marks_on(screen, " unit takes", list_pane)
        assert {"bold", "underline"} <= marks_on(screen, "drone", article_pane)
        term.press("n")
        term.wait_for("hit 1 of 2")
        screen = term.styled_screen()
        assert "reverse" in marks_on(screen, "Drone", article_pane)
        assert "reverse" not in marks_on(screen, "drone", article_pane)
    finally:
        term.close()


def test_reader_with_an_ascii_encoding_draws_what_it_can(tmp_path: Path) -> None:
    """PYTHONIOENCODING=ascii: the screen once filled with `\\u2500` escapes, each six
    cells wide where one was meant. Each character the encoding lacks is one `?`."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.md").write_text(fenced("Café — naïve", "Body.", date="09:00 01/01/2018"))
    command = f"PYTHONIOENCODING=ascii {shlex.quote(str(READER))} {shlex.quote(str(folder))}"
    terminal = Terminal(command)
    try:
        terminal.wait_for("Caf? ? na?ve")
        screen = terminal.wait_for(" fields ")  # the last pane drawn
        assert "\\u" not in screen and "\\x" not in screen
        # The layout holds: every row of the panes runs from the left border to the right.
        panes = terminal.tmux("capture-pane", "-p", "-N", "-t", terminal.name).splitlines()[1:-1]
        assert len(panes) == 38
        assert all(len(row) == 120 and row[0] == row[-1] == "?" for row in panes)
        terminal.press("q")
        terminal.wait_for("EXIT=0")
    finally:
        terminal.close()


@pytest.mark.parametrize("marks_before", [0, 100_000])
def test_a_mark_is_on_disk_within_a_second_however_fast_the_keys_come(
    tmp_path: Path, marks_before: int
) -> None:
    """Keys 40 ms apart (star, next, star, next...) for three seconds, then kill -9: every
    star made more than a second before the kill is on disk. (A save that waited for a
    pause in the keys saved none; with 100,000 marks, rewriting the file took seconds a
    save and the saves queued.)"""
    count = 150
    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:03d}.md").write_text(
            fenced(
                f"Article {number}", "Text.", date=f"09:00 01/01/{1800 + number}",
                url=f"https://x.org/{number:03d}",
            )
        )  # fmt: skip
    if marks_before:
        state = ReadingState()
        for number in range(marks_before):
            state.set_read(f"url:https://elsewhere.example/{number}", True)
        state.save()
    pid_file = tmp_path / "pid"
    dirs = " ".join(
        f"READER_{name}_DIR={shlex.quote(os.environ[f'READER_{name}_DIR'])}"
        for name in ("STATE", "CACHE", "CONFIG")
    )
    command = f"exec env {dirs} {shlex.quote(str(READER))} {shlex.quote(str(folder))}"
    term = Terminal(f"sh -c {shlex.quote(f'echo $$ > {pid_file}; {command}')}")
    try:
        term.wait_for(f"{count} articles")
        term.wait_until_gone("loading")
        # On a busy machine the folder comes in more than one batch, and the cursor stays
        # on the newest article of the first (rows arriving never move it): to the top.
        term.press("g")
        term.wait_for(f"1 January {1800 + count - 1}")  # the newest, open in the panel
        pid = int(pid_file.read_text())
        starred: list[tuple[float, int]] = []  # (when, which article: newest first)
        started = time.time()
        while time.time() - started < 3.0:
            starred.append((time.time(), count - 1 - len(starred)))
            term.tmux("send-keys", "-t", term.name, "*")
            time.sleep(0.04)
            term.tmux("send-keys", "-t", term.name, "j")
            time.sleep(0.04)
        os.kill(pid, signal.SIGKILL)
        killed = time.time()
    finally:
        term.close()
    due = [number for made, number in starred if made < killed - 1.0]
    assert len(due) >= 10  # the keys did come fast, for long enough
    state = ReadingState().load()
    missing = [number for number in due if not state.is_starred(f"url:https://x.org/{number:03d}")]
    assert missing == [], (
        f"{len(missing)} of {len(due)} stars made over a second before the kill lost"
    )
    assert len(state.marks) >= marks_before + len(due)
