"""The reader in a real terminal (tmux): start to first rows, a cursor move, each key of
a query typed into the search bar while searches run, Enter, the initiatives view.

    python bench/tui_typing.py --corpus DIR [--query "police burglary"] [--no-cache]

Starts `reader DIR` in a tmux pane (120x40) and reads the pane after every key until the
key's effect is on screen. Figures are wall-clock times including tmux's own round trips
(about 2-5 ms per read of the pane), so they are upper bounds of what a person sees. How
long results take after a key is measured in process by bench/tui_search.py.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

READER = Path(sys.executable).with_name("reader")


class Pane:
    def __init__(self, command: str) -> None:
        self.server = f"reader-bench-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.env = env
        self.tmux("new-session", "-d", "-s", "b", "-x", "120", "-y", "40", command)
        self.tmux("set-option", "-s", "escape-time", "0")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.server, *args], capture_output=True, text=True, env=self.env
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "b")

    def styled_screen(self) -> str:
        """The screen with its colours: a cursor move changes only those."""
        return self.tmux("capture-pane", "-p", "-e", "-t", "b")

    def send(self, key: str) -> None:
        self.tmux("send-keys", "-t", "b", key)

    def wait(
        self, test: Callable[[str], bool], timeout: float = 120, styled: bool = False
    ) -> float:
        """Seconds until test(screen) holds."""
        start = time.perf_counter()
        while True:
            if test(self.styled_screen() if styled else self.screen()):
                return time.perf_counter() - start
            if time.perf_counter() - start > timeout:
                raise TimeoutError(self.screen())

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.server, "kill-server"], capture_output=True)


def search_line(screen: str) -> str:
    """The search bar's line: the sidebar's first line under its top border."""
    lines = screen.splitlines()
    return lines[2][:60] if len(lines) > 2 else ""


def sidebar_footer(screen: str) -> str:
    """The sidebar's bottom border: its count and order."""
    lines = [line for line in screen.splitlines() if line.startswith("╰")]
    return lines[0].split("╯")[0].strip("╰─ ") if lines else ""


def cursor_moves(pane: Pane, count: int = 10) -> list[float]:
    """Seconds from each j to the cursor's move on screen."""
    moves = []
    for _ in range(count):
        before = pane.styled_screen()
        pane.send("j")
        moves.append(pane.wait(lambda screen, before=before: screen != before, styled=True))
        time.sleep(0.2)
    return moves


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--query", default="police burglary")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is needed")
    command = f"{shlex.quote(str(READER))} {shlex.quote(str(args.corpus))}"
    if args.no_cache:
        command += " --no-cache"
    started = time.perf_counter()
    pane = Pane(command)
    try:
        pane.wait(lambda screen: "newest first" in sidebar_footer(screen))
        print(f"start to first rows: {ms(time.perf_counter() - started)}")
        moves = cursor_moves(pane)
        print(
            f"j while the folder is checked: median {ms(statistics.median(moves))}, "
            f"max {ms(max(moves))}"
        )
        # A first open reads every file: wait for the header's progress to go.
        pane.wait(lambda screen: "loading" not in screen.splitlines()[0], timeout=600)
        time.sleep(5.0)  # a warm open checks the folder (stat only) in the background
        moves = cursor_moves(pane)
        print(f"j (cursor moves): median {ms(statistics.median(moves))}, max {ms(max(moves))}")

        pane.send("/")
        pane.wait(lambda screen: "/" in search_line(screen))
        echoes = []
        typed = ""
        for char in args.query:
            typed += char
            sent = time.perf_counter()
            pane.send(char if char != " " else "Space")
            pane.wait(lambda screen, typed=typed: typed in search_line(screen))
            echoes.append(time.perf_counter() - sent)
            time.sleep(0.08)  # a fast typist: 12 keys a second, so searches overlap typing
        print(
            f"key echo in the search bar while searching: median {ms(statistics.median(echoes))}, "
            f"max {ms(max(echoes))} ({len(echoes)} keys)"
        )
        pane.wait(lambda screen: " of " in sidebar_footer(screen))
        time.sleep(1.0)
        print(f"  results: {sidebar_footer(pane.screen())}")

        sent = time.perf_counter()
        pane.send("Enter")
        pane.wait(lambda screen: "hits" in screen or "hit " in screen)
        print(f"Enter to the first result with hits marked: {ms(time.perf_counter() - sent)}")

        sent = time.perf_counter()
        pane.send("i")
        pane.wait(lambda screen: " in " in sidebar_footer(screen))
        print(f"i (initiatives view of the results): {ms(time.perf_counter() - sent)}")
        print(f"  {sidebar_footer(pane.screen())}")
        pane.send("i")
        pane.wait(lambda screen: " of " in sidebar_footer(screen))

        sent = time.perf_counter()
        pane.send("/")
        pane.send("Escape")
        pane.wait(lambda screen: " of " not in sidebar_footer(screen))
        print(f"/ Esc back to every article: {ms(time.perf_counter() - sent)}")

        sent = time.perf_counter()
        pane.send("i")
        pane.wait(lambda screen: " in " in sidebar_footer(screen), timeout=60)
        print(f"i over every article: {ms(time.perf_counter() - sent)}")
        print(f"  {sidebar_footer(pane.screen())}")
        pane.send("q")
    finally:
        pane.close()


if __name__ == "__main__":
    main()
