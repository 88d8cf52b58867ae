"""Typing while a long query runs, in a real terminal (tmux): a query is pasted into the
search bar, then keys are typed behind it (each one taken back with backspace, so the
query stays the pasted one); each key's echo is timed, then how long until the pasted
query's results (or its error) are on screen.

    python bench/tui_long_query.py --corpus DIR [--keys 10] [--timeout 120]

For each pasted query (one word; the widest query the parser takes, 32 common words
ORed; 3,000 ORs; 5,000 words), prints the median and worst echo of the keys typed right
behind it (while its search runs) and what the bar settled on, when. Figures include
tmux's own round trips (2-5 ms a read of the pane). Run it from the reader's environment
(`.venv/bin/python`); the reader is `python -m reader` from the current directory.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_typing import Pane, ms, search_line, sidebar_footer

COMMON = ["police", "community", "officers", "crime", "safety", "local", "public", "work"]
QUERIES = {
    "one word": "police",
    "32 words ORed": " OR ".join(COMMON * 4),
    "3,000 ORs": " OR ".join(COMMON * 375),
    "5,000 words": " ".join(COMMON * 625),
}


def paste(pane: Pane, text: str) -> None:
    """As a terminal pastes: one bracketed paste, not key by key (through a file: tmux
    takes no command line that long)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as buffer:
        buffer.write(text)
        buffer.flush()
        pane.tmux("load-buffer", buffer.name)
    pane.tmux("paste-buffer", "-p", "-t", "b")
    pane.wait(lambda screen: "/ " + text[:20] in screen)


def settled(screen: str) -> str | None:
    """What the search bar settled on: results listed for the query, or an error."""
    if " of " in sidebar_footer(screen):
        return sidebar_footer(screen)
    # The error under the bar, wrapped in the sidebar's width.
    sidebar = " ".join(line[1:35].strip() for line in screen.splitlines()[2:10])
    found = re.search(r"(query|more than)[a-z0-9, ]* at column \d+", sidebar)
    return found.group().strip() if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--keys", type=int, default=10, choices=range(1, 11))
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed")
    command = f"{shlex.quote(sys.executable)} -m reader {shlex.quote(str(args.corpus))} --fresh"
    for name, query in QUERIES.items():
        pane = Pane(command)
        try:
            pane.wait(lambda screen: "newest first" in sidebar_footer(screen))
            pane.wait(lambda screen: "loading" not in screen.splitlines()[0], timeout=600)
            time.sleep(3.0)  # the folder is checked in the background after a warm open
            pane.send("/")
            pane.wait(lambda screen: "/" in search_line(screen))
            sent = time.perf_counter()
            paste(pane, query)
            time.sleep(0.2)  # its search has started (after the 0.15 s pause)
            echoes = []
            for number in range(args.keys):
                digit = "0123456789"[number]  # no query holds digits: seen only once typed
                key_sent = time.perf_counter()
                pane.send(digit)
                pane.wait(lambda screen, digit=digit: digit in search_line(screen))
                echoes.append(time.perf_counter() - key_sent)
                pane.send("BSpace")  # the query is the pasted one again
                pane.wait(lambda screen, digit=digit: digit not in search_line(screen))
                time.sleep(0.05)
            time.sleep(0.5)  # the search for the query as it is now has started
            try:
                pane.wait(lambda screen: settled(screen) is not None, timeout=args.timeout)
                outcome = f"{settled(pane.screen())!r} {time.perf_counter() - sent:.1f} s after"
            except TimeoutError:
                outcome = f"nothing {args.timeout:.0f} s after"
            print(
                f"{name:14} ({len(query):>6,} characters): key echo while it runs median "
                f"{ms(statistics.median(echoes))}, max {ms(max(echoes))}; {outcome} the paste",
                flush=True,
            )
        finally:
            pane.close()


if __name__ == "__main__":
    main()
