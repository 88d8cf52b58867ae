"""Article text is data: markup-like text, escape sequences and huge lines render literally.

Each hostile string goes into the title, the area, the body and a metadata key and value
of one article (raw bytes on disk, ESC included); the reader must open it, show the text as
written (the loader strips control characters, so ESC itself is gone) and never send an
escape sequence from the file to the terminal.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from reader.tui.app import ReaderApp
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.problems import ProblemsScreen
from tui.conftest import WriteArticles
from tui.helpers import running, screen_text, settle

HOSTILE = [
    "[/]",
    "[bold]not bold",
    "[link=https://evil.example]click[/link]",
    "[@click=app.quit]quit[/]",
    "$var and $accent",
    "\x1b[2J\x1b[31mred\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "x" * 3000,
    "[" * 200 + "]" * 200,
]


def without_controls(text: str) -> str:
    return "".join(char for char in text if char >= " " or char in "\n\t")


def squeeze(text: str) -> str:
    """Text with all whitespace removed: wrapped lines compare equal to the original."""
    return "".join(text.split())


def yaml_quoted(text: str) -> str:
    return (
        '"'
        + text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\x1b", "\\e")
        .replace("\x07", "\\a")
        + '"'
    )


def hostile_article(text: str) -> bytes:
    quoted = yaml_quoted(text)
    lines = [
        "---",
        f"title: {quoted}",
        f"area: {quoted}",
        "date: 2020-01-02 10:00",
        f"{yaml_quoted('key ' + text[:40])}: {quoted}",
        "og:",
        f"  description: {quoted}",
        "---",
        "",
        f"Body: {text}",
        "",
        f"* Initiative {text}",
        "",
        f"> {text}",
        "",
    ]
    # The ESC and BEL bytes go into the file raw in the body, not only YAML-escaped.
    return "\n".join(lines).encode("utf-8")


def assert_no_escape(pilot: Pilot[int]) -> None:
    text = screen_text(pilot)
    assert "\x1b" not in text
    assert "\x07" not in text


@pytest.mark.parametrize("hostile", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_text_renders_literally(write_articles: WriteArticles, hostile: str) -> None:
    folder = write_articles({"hostile.md": hostile_article(hostile)})
    expected = squeeze(without_controls(hostile))
    async with running(folder, size=(160, 50)) as pilot:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        assert app.is_running
        (article,) = app.main.articles
        # Long titles are cut (with an ellipsis) by the loader; the rest is as written.
        title = article.title.removesuffix("…")
        assert title == without_controls(hostile)[: len(title)]
        view = app.main.article_view
        assert f"Body:{expected}" in squeeze(view.plain_text())
        # Initiative lines start with the bar and number; the text follows them.
        prefix = len("▌  1  ")
        initiative = "".join(
            line.content.plain[prefix:] for line in view.lines if line.initiative == 0
        )
        assert squeeze(initiative) == f"Initiative{expected}"
        metadata = squeeze(app.main.metadata_pane.plain_text())
        assert expected[:200] in metadata
        assert_no_escape(pilot)
        # The literal text reaches the screen (the list truncates titles, so look for
        # the start of it).
        assert squeeze(without_controls(hostile))[:8] in squeeze(screen_text(pilot))
        # Moving around, opening help and the palette with this title does not break.
        await pilot.press("enter", "right_square_bracket", "tab", "G", "h")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*without_controls(hostile)[:3].replace(" ", ""))
        await pilot.pause(0.3)
        assert_no_escape(pilot)
        await pilot.press("escape")
        assert app.is_running


async def test_hostile_file_names_and_problems(write_articles: WriteArticles) -> None:
    folder = write_articles(
        {
            "[bold]broken[/].md": b"\x00binary",
            "[link=x]y[/link].md": b"---\ntitle: '[/]'\ndate: '[/] \x1b[2J'\n---\nbody",
        }
    )
    async with running(folder) as pilot:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        await pilot.press("e")
        assert isinstance(app.screen, ProblemsScreen)
        await settle(pilot)
        text = screen_text(pilot)
        assert "[bold]broken[/].md" in text
        assert "[link=x]y[/link].md" in text
        assert "\x1b" not in text
