"""The installed `reader` in a real terminal (tmux) on the hostile corpus.

tmux acts on what reaches it: an OSC 0 from a file would rename the pane, an OSC 52
would fill a paste buffer (with `set-clipboard on`), a clear or reset would wipe the
screen. The test walks the whole list, opening articles on the way, searches, opens the
problems, and checks after each step that none of that happened.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui.test_tmux import READER, Terminal

from hostile.corpus import HostileCorpus


@pytest.fixture
def hostile_terminal(corpus: HostileCorpus, tmp_path: Path) -> Iterator[Terminal]:
    assert READER.exists(), f"the reader command is not installed next to {READER.parent}"
    term = Terminal(f"{shlex.quote(str(READER))} {shlex.quote(str(corpus.root))}")
    try:
        # Let sequences from the application take effect, so a leak would show.
        term.tmux("set-option", "-s", "set-clipboard", "on")
        term.tmux("set-option", "-g", "allow-rename", "on")
        term.tmux("set-option", "-g", "allow-passthrough", "on")
        yield term
    finally:
        term.close()


def assert_untouched(term: Terminal) -> str:
    """Nothing from a file reached tmux as a sequence; returns the screen."""
    title = term.tmux("display-message", "-p", "-t", term.name, "#{pane_title}")
    assert "pwned" not in title
    assert term.tmux("list-buffers") == ""  # no OSC 52 clipboard write arrived
    screen = term.screen()
    header = screen.splitlines()[0]
    assert "reader" in header and "articles" in header, screen  # not cleared or reset
    assert "\x1b" not in screen
    return screen


def test_the_reader_in_tmux_survives_the_hostile_corpus(
    hostile_terminal: Terminal, corpus: HostileCorpus
) -> None:
    term = hostile_terminal
    expected = corpus.expected(simulated=False)
    articles = sum(1 for entry in expected.values() if entry.outcome == "article")
    problems = len(expected) - articles
    screen = term.wait_for(f"{problems} problems", timeout=60)  # shown once loaded
    assert f"{articles} articles" in screen
    assert_untouched(term)
    # Walk the whole list, six rows at a time, letting the panel open on the way.
    for _ in range(0, articles, 6):
        term.tmux("send-keys", "-t", term.name, *["j"] * 6)
        time.sleep(0.15)
        assert_untouched(term)
    term.press("G", "m", "b", "b", "m")
    assert_untouched(term)
    term.press("/")
    term.wait_for("Search: words")  # the bar is open (keys before that go to the list)
    term.tmux("send-keys", "-t", term.name, "-l", "pwned OR [/] OR $HOME")
    term.wait_for(f" of {articles} ")  # the sidebar counts the results
    term.press("Enter")  # to the first result, and the list
    term.wait_until_gone("esc Clear search")
    term.press("j", "j", "j")
    time.sleep(0.3)
    assert_untouched(term)
    term.press("e")
    term.wait_for("could not be loaded")
    assert_untouched(term)
    term.press("Escape")
    term.wait_until_gone("could not be loaded")  # (Escape then q at once reads as alt+q)
    term.press("q")
    screen = term.wait_for("EXIT=0")
    assert "Traceback" not in screen
