"""Regenerate docs/screenshot.svg: the reader on the bundled samples, as in the README.

    python docs/screenshot.py

Opens the seed article and highlights its first initiative, in the default dark theme.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from reader.tui.app import ReaderApp

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "000_98cd3e962c103980.txt"


async def main() -> None:
    os.chdir(REPO)  # a relative root keeps machine-specific paths out of the picture
    app = ReaderApp(Path("sample_articles"))
    async with app.run_test(size=(130, 42)) as pilot:
        app.theme = "textual-dark"
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        app.go_to_article(SEED_ID)
        await pilot.pause(0.1)
        await pilot.press("right_square_bracket", "shift+tab")
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        app.save_screenshot(filename="screenshot.svg", path=str(REPO / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
