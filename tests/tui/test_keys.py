"""Every key of the reader, driven through Pilot, checked against the app's real state."""

from __future__ import annotations

import itertools
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Static

from reader.tui import commands as commands_module
from reader.tui.app import ReaderApp
from reader.tui.screens import main as main_module
from reader.tui.screens.confirm_open import ConfirmOpen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.problems import ProblemsScreen
from reader.tui.widgets.article_list import ArticleList
from reader.tui.widgets.article_view import ArticleView
from reader.tui.widgets.metadata_pane import MetadataPane
from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running, settle


def shown_title(app: ReaderApp) -> str | None:
    return app.main.shown.title if app.main.shown else None


async def test_starts_on_the_newest_article_and_shows_it(three_articles: Path) -> None:
    async with running(three_articles, size=(200, 40)) as pilot:
        app = reader(pilot)
        assert [article.title for article in app.main.article_list.rows] == [
            "Gamma",
            "Beta",
            "Alpha",
        ]
        assert app.main.article_list.cursor == 0
        assert shown_title(app) == "Gamma"
        text = app.main.article_view.plain_text()
        assert text.splitlines()[0].strip() == "Gamma"
        assert "Wednesday 1 January 2020, 09:00 · Surrey · 1 min read · 2 initiatives" in text
        assert app.focused is app.main.article_list


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["j"], "Beta"),
        (["down"], "Beta"),
        (["j", "j"], "Alpha"),
        (["j", "j", "j"], "Alpha"),  # stops at the last row
        (["j", "k"], "Gamma"),
        (["j", "up"], "Gamma"),
        (["G"], "Alpha"),
        (["end"], "Alpha"),
        (["G", "g"], "Gamma"),
        (["G", "home"], "Gamma"),
        (["pagedown"], "Alpha"),
        (["pagedown", "pageup"], "Gamma"),
    ],
)
async def test_list_keys_move_the_cursor_and_the_panel_follows(
    three_articles: Path, keys: list[str], expected: str
) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == expected
        assert shown_title(app) == expected
        assert app.main.article_view.plain_text().splitlines()[0].strip() == expected
        assert app.main.metadata_pane.article is not None
        assert app.main.metadata_pane.article.title == expected


@pytest.fixture
def forty_articles(write_articles: WriteArticles) -> Path:
    body = "\n\n".join(f"Paragraph {n} of a long article." for n in range(80))
    return write_articles(
        {
            f"{n:02d}.md": fenced(f"Title {n}", body, date=f"09:00 {n % 28 + 1:02d}/01/{2000 + n}")
            for n in range(40)
        }
    )


async def test_ctrl_d_u_f_b_move_half_a_page_and_a_page_in_the_list(forty_articles: Path) -> None:
    async with running(forty_articles, size=(100, 30)) as pilot:
        app = reader(pilot)
        articles = app.main.article_list
        rows_shown = articles.scrollable_content_region.height // 2
        assert rows_shown >= 6
        half = rows_shown // 2
        await pilot.press("ctrl+d")
        assert articles.cursor == half
        await pilot.press("ctrl+d", "ctrl+u")
        assert articles.cursor == half
        await pilot.press("ctrl+u")
        assert articles.cursor == 0
        await pilot.press("pagedown")
        page = articles.cursor
        assert page > half
        await pilot.press("ctrl+f")
        assert articles.cursor == 2 * page
        await pilot.press("ctrl+b", "ctrl+b")
        assert articles.cursor == 0
        await settle(pilot)
        assert app.focused is articles  # none of them left the list


async def test_ctrl_d_u_f_b_scroll_the_article(forty_articles: Path) -> None:
    async with running(forty_articles, size=(100, 30)) as pilot:
        app = reader(pilot)
        await pilot.press("enter")
        view = app.main.article_view
        height = view.scrollable_content_region.height

        async def top_after(*keys: str) -> int:
            await pilot.press(*keys)
            await settle(pilot)
            return int(view.scroll_y)

        assert await top_after("ctrl+d") == height // 2
        assert await top_after("ctrl+d") == 2 * (height // 2)
        assert await top_after("ctrl+u", "ctrl+u") == 0
        page = await top_after("space")
        assert page >= height - 1
        assert await top_after("ctrl+f") == 2 * page
        assert await top_after("ctrl+b") == page
        assert await top_after("b") == 0


async def test_holding_j_opens_only_where_the_cursor_rests(write_articles: WriteArticles) -> None:
    folder = write_articles(
        {
            f"{n:02d}.md": fenced(f"Title {n}", "Body.", date=f"09:00 {n + 1:02d}/01/2020")
            for n in range(20)
        }
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        opened: list[str] = []
        original = app.main.article_view.show_article

        def spy(article: object, **options: object) -> None:
            opened.append(getattr(article, "title", ""))
            original(article, **options)  # type: ignore[arg-type]

        app.main.article_view.show_article = spy  # type: ignore[method-assign]
        for _ in range(10):
            await pilot.press("j")  # faster than the open delay between presses
        await settle(pilot)
        # Key presses arrive faster than the delay, so the panel renders (far) fewer times
        # than the cursor moved, and ends on the article under the cursor.
        assert len(opened) < 10
        assert opened[-1] == "Title 9"
        assert shown_title(app) == "Title 9"


async def test_enter_and_l_focus_the_article_h_and_escape_return(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        for forward, back in (("enter", "h"), ("l", "escape")):
            await pilot.press(forward)
            assert app.focused is app.main.article_view
            await pilot.press(back)
            assert app.focused is app.main.article_list


async def test_enter_opens_the_cursor_article_at_once(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("j", "enter")
        # No wait for the open delay: Enter shows the article immediately.
        assert shown_title(app) == "Beta"
        assert app.focused is app.main.article_view


async def test_tab_and_shift_tab_cycle_focus(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        order = [app.main.article_list, app.main.article_view, app.main.metadata_pane]
        for expected in [*order[1:], order[0]]:
            await pilot.press("tab")
            assert app.focused is expected
        for expected in reversed(order):
            await pilot.press("shift+tab")
            assert app.focused is expected


async def test_article_scrolls_with_j_k_space_b(write_articles: WriteArticles) -> None:
    body = "\n\n".join(f"Paragraph {n} with enough words to fill a line." for n in range(80))
    folder = write_articles({"long.md": fenced("Long", body)})
    async with running(folder, size=(100, 30)) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        await pilot.press("enter")
        assert view.scroll_y == 0
        await pilot.press("j", "j")
        assert view.scroll_y == 2
        await pilot.press("k")
        assert view.scroll_y == 1
        await pilot.press("space")
        after_page = view.scroll_y
        assert after_page > 10
        await pilot.press("b")
        assert view.scroll_y == 1
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y > 0
        await pilot.press("g")
        assert view.scroll_y == 0


async def test_m_toggles_metadata_and_b_toggles_the_sidebar(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        sidebar = app.main.query_one("#sidebar")
        assert app.main.metadata_pane.display and sidebar.display
        await pilot.press("m")
        assert not app.main.metadata_pane.display
        await pilot.press("m")
        assert app.main.metadata_pane.display
        await pilot.press("b")
        assert not sidebar.display
        # The list was focused; focus moves to a pane that can still be seen.
        await pilot.pause()
        assert app.focused is app.main.article_view
        await pilot.press("tab")  # b pages up in the article, so leave it first
        assert app.focused is app.main.metadata_pane
        await pilot.press("b")
        assert sidebar.display
        assert app.focused is app.main.article_list


async def test_right_and_left_bracket_step_through_initiatives(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        assert view.current_initiative is None
        await pilot.press("right_square_bracket")
        assert view.current_initiative == 0
        assert "First initiative text" in view.initiative_text(0)
        assert view.border_subtitle == "initiative 1 of 2"
        await pilot.press("right_square_bracket")
        assert view.current_initiative == 1
        await pilot.press("right_square_bracket")  # no third: stays (and rings the bell)
        assert view.current_initiative == 1
        await pilot.press("left_square_bracket")
        assert view.current_initiative == 0
        # The highlighted initiative is drawn differently from the other one.
        starts = view.document_layout.initiative_lines
        current = view.render_line(starts[0] - int(view.scroll_y))
        other = view.render_line(starts[1] - int(view.scroll_y))
        assert current.text.strip().startswith("▌  1")
        assert {s.style for s in current} != {s.style for s in other}


async def test_initiative_jump_scrolls_it_into_view(write_articles: WriteArticles) -> None:
    filler = "\n\n".join(f"Filler paragraph {n}." for n in range(60))
    folder = write_articles({"x.md": fenced("X", filler + "\n\n* Far initiative\n* Another")})
    async with running(folder, size=(100, 24)) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        await pilot.press("right_square_bracket")
        await pilot.pause()
        line = view.document_layout.initiative_lines[0]
        top = int(view.scroll_y)
        assert top <= line < top + view.scrollable_content_region.height


async def test_o_opens_web_urls_in_the_browser(
    three_articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    async with running(three_articles) as pilot:
        await pilot.press("o")
        await settle(pilot)
        assert opened == ["https://example.org/gamma"]


async def test_o_without_a_browser_says_so_and_how_to_copy_the_url(
    three_articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine without a display or a browser (a server over ssh): the notice says
    what else to do."""
    monkeypatch.setattr(webbrowser, "get", lambda: (_ for _ in ()).throw(webbrowser.Error()))
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("o")
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert any(m == "No web browser found to open it: y copies the URL." for m in messages)


class TerminalBrowser(webbrowser.GenericBrowser):
    """A browser that runs in the terminal, as lynx does (webbrowser's class for one),
    recording what it was asked to open and whether the reader had
    stepped aside by then."""

    def __init__(self, app: ReaderApp) -> None:
        super().__init__("lynx")
        self.app = app
        self.opened: list[tuple[str, bool]] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append((url, self.app.suspended))
        return True


async def test_o_hands_the_terminal_to_a_browser_that_runs_in_it(
    three_articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ReaderApp(three_articles)
    browser = TerminalBrowser(app)
    monkeypatch.setattr(webbrowser, "get", lambda: browser)
    monkeypatch.setattr(webbrowser, "open", lambda url: pytest.fail("not this one"))
    app.suspended = False

    @contextmanager
    def suspend() -> Iterator[None]:  # what a real terminal's driver does
        app.suspended = True
        yield
        app.suspended = False

    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            # Headless, the terminal cannot be handed over: said, and nothing opened.
            await pilot.press("o")
            await settle(pilot)
            assert browser.opened == []
            messages = [str(notification.message) for notification in app._notifications]
            assert any("Not opening lynx: it needs this terminal" in m for m in messages)
            monkeypatch.setattr(app, "suspend", suspend)
            await pilot.press("o")
            await settle(pilot)
            assert browser.opened == [("https://example.org/gamma", True)]
            assert not app.suspended
    finally:
        app.close_store()


async def test_o_refuses_urls_that_are_not_http(
    three_articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("j")  # Beta: url is file:///etc/passwd
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert opened == []
        messages = [notification.message for notification in app._notifications]
        assert any("only http and https" in message for message in messages)


async def test_y_copies_the_url(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("y")
        assert app.clipboard == "https://example.org/gamma"


async def test_o_and_y_without_a_url_say_so(write_articles: WriteArticles) -> None:
    folder = write_articles({"n.md": fenced("No link", "Body.", url=None)})
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("y")
        assert app.clipboard == ""
        assert any("no URL" in n.message for n in app._notifications)


async def test_question_mark_shows_help_built_from_the_bindings(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        app.set_keymap({"app.toggle_metadata": "M"})  # a remapped key shows as remapped
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-keys").plain_text()  # type: ignore[attr-defined]
        for line in ("Next initiative", "Copy URL", "Back to list", "Next article", "Quit"):
            assert line in text
        metadata_line = next(line for line in text.splitlines() if "Metadata" in line.split())
        assert metadata_line.split()[0] == "M"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_help_intro_wraps_as_paragraphs(
    three_articles: Path, size: tuple[int, int]
) -> None:
    """The intro's lines are filled to the dialog's width: no line ends mid-sentence
    (at 80 columns *s sorts,* stood alone on a line, the next sentence under it)."""
    async with running(three_articles, size=size) as pilot:
        app = reader(pilot)
        await pilot.press("question_mark")
        intro = app.screen.query_one("#help-intro", Static)
        width = intro.content_region.width
        lines = [strip.text.strip() for strip in intro.render_lines(intro.region.reset_offset)]
        paragraph = lines[: lines.index("")]
        assert len(paragraph) >= 2
        for line, after in itertools.pairwise(paragraph):
            # Only a word that did not fit on the line sent it on.
            assert len(line) + 1 + len(after.split()[0]) > width, (line, after)
        assert "f narrows the list" in " ".join(paragraph)


# What the issue asked to reach from Ctrl+P, and the key each should show.
PALETTE = {
    "Star / unstar": "*",
    "Mark read / unread": "u",
    "Open article in browser": "o",
    "Copy article URL": "y",
    "Next initiative": "]",
    "Previous initiative": "[",
    "Facets": "f",
    "Sort": "s",
    "Help": "?",
    "Load problems": "e",
    "Search": "/",
    "Initiatives view": "i",
    "Next hit": "n",
    "Previous hit": "N",
    "Toggle metadata pane": "m",
    "Toggle sidebar": "b",
}


async def test_every_action_is_in_the_palette_with_its_key(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        for title, key in PALETTE.items():
            assert commands[title].endswith(f"({key})"), (title, commands[title])
        # Every action of a key shown in the footer or the help is there.
        bindings = [*ReaderApp.BINDINGS, *MainScreen.BINDINGS]
        actions = {binding.action for binding in bindings if isinstance(binding, Binding)}
        listed = {action for _title, _help, action in commands_module.PALETTE_COMMANDS}
        assert actions - listed <= {"quit", "command_palette"}
        # A remapped key shows as remapped.
        app.set_keymap({"app.toggle_star": "S"})
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert commands["Star / unstar"].endswith("(S)")


@pytest.mark.parametrize(
    ("typed", "check"),
    [
        ("star / unstar", lambda app: app.session.marks.is_starred(app.main.article_list.article)),
        ("mark read", lambda app: app.session.marks.is_read(app.main.article_list.article)),
        ("next initiative", lambda app: app.main.article_view.current_initiative == 0),
        ("copy article url", lambda app: app.clipboard == "https://example.org/gamma"),
        ("help", lambda app: isinstance(app.screen, HelpScreen)),
        ("sort", lambda app: app.session.listing.sort == "oldest"),
    ],
)
async def test_palette_commands_act(
    three_articles: Path, monkeypatch: pytest.MonkeyPatch, typed: str, check: Any
) -> None:
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert check(app)


async def test_q_quits(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
        assert app.return_code == 0


async def test_palette_goes_to_an_article_by_fuzzy_title(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"alph")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(app) == "Alpha"
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == "Alpha"
        assert app.focused is app.main.article_view


async def test_palette_lists_themes(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")  # "Change theme" opens the theme picker
        await pilot.pause(0.3)
        await pilot.press(*"textual-light", "enter")
        await pilot.pause(0.3)
        assert app.theme == "textual-light"


async def test_load_problems_are_counted_and_listed(write_articles: WriteArticles) -> None:
    folder = write_articles(
        {
            "good.md": fenced("Good", "Fine."),
            "binary.md": b"\x00\x01\x02 not text",
            "warned.md": "```yaml\ntitle: Warned\ndate: not a date\n```\n\nBody.",
        }
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        assert len(app.session.problems) == 1
        header = app.main.query_one("#header").render()
        assert "1 problem" in str(header)
        await pilot.press("e")
        assert isinstance(app.screen, ProblemsScreen)
        options = app.screen.query_one("#problems-list")
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert any("binary.md" in prompt and "binary file" in prompt for prompt in prompts)
        assert any("warned.md" in prompt and "not a date" in prompt for prompt in prompts)
        # Named from the folder, as articles are: a deep site's full paths wrapped.
        assert prompts[0].startswith("binary.md\n")
        # Enter on a warned article opens it (j and k move as in the reader's lists).
        await pilot.press("j", "k", "j", "enter")
        await settle(pilot)
        assert shown_title(app) == "Warned"


@pytest.mark.parametrize(
    ("size", "metadata", "sidebar", "article"),
    [((140, 40), True, True, True), ((90, 30), False, True, True), ((50, 20), False, False, True)],
)
async def test_panes_fit_the_terminal_width(
    three_articles: Path, size: tuple[int, int], metadata: bool, sidebar: bool, article: bool
) -> None:
    async with running(three_articles, size=size) as pilot:
        app = reader(pilot)
        assert app.main.metadata_pane.display is metadata
        assert app.main.query_one("#sidebar").display is sidebar
        assert app.main.article_view.display is article


async def test_narrow_terminal_shows_one_pane_at_a_time(three_articles: Path) -> None:
    async with running(three_articles, size=(50, 20)) as pilot:
        app = reader(pilot)
        sidebar = app.main.query_one("#sidebar")
        assert app.focused is app.main.article_view
        await pilot.press("h")  # back to the list: it replaces the article
        assert sidebar.display and not app.main.article_view.display
        assert app.focused is app.main.article_list
        await pilot.press("j", "enter")
        assert app.main.article_view.display and not sidebar.display
        assert shown_title(app) == "Beta"
        await pilot.press("m")
        assert app.main.metadata_pane.display and not app.main.article_view.display


async def test_m_shows_metadata_on_a_medium_terminal(three_articles: Path) -> None:
    async with running(three_articles, size=(90, 30)) as pilot:
        app = reader(pilot)
        await pilot.press("m")
        assert app.main.metadata_pane.display


async def test_the_metadata_pane_takes_the_lists_place_below_100_columns(
    three_articles: Path,
) -> None:
    """At 80x24 the list, the article and the metadata pane side by side left the article
    22 columns: the metadata pane takes the list's place (a notice says so), `h` brings
    the list back in its place, and resizing lays the panes out for the new width."""
    async with running(three_articles, size=(80, 24)) as pilot:
        app = reader(pilot)
        main = app.main
        sidebar, view, pane = main.query_one("#sidebar"), main.article_view, main.metadata_pane
        assert sidebar.display and not pane.display
        await pilot.press("m")
        await settle(pilot)
        assert pane.display and view.display and not sidebar.display
        assert view.scrollable_content_region.width >= 40
        assert view.document_layout.width == view.scrollable_content_region.width
        assert any("list is hidden" in str(note.message) for note in app._notifications)
        await pilot.press("h")
        await settle(pilot)
        assert sidebar.display and view.display and not pane.display
        assert app.focused is main.article_list
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert sidebar.display and view.display and pane.display
        assert view.document_layout.width == view.scrollable_content_region.width
        await pilot.press("m")  # hidden, then shown beside the list at 120 columns
        await pilot.press("m")
        await settle(pilot)
        assert sidebar.display and pane.display
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert sidebar.display and view.display and not pane.display
        assert view.document_layout.width == view.scrollable_content_region.width >= 40


@pytest.mark.parametrize(
    "key",
    [
        "j",
        "k",
        "G",
        "enter",
        "h",
        "m",
        "b",
        "right_square_bracket",
        "question_mark",
        "escape",
        "tab",
    ],
)
async def test_a_tiny_terminal_does_not_break(three_articles: Path, key: str) -> None:
    async with running(three_articles, size=(20, 5)) as pilot:
        app = reader(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert app.is_running


async def test_list_fills_while_loading_and_the_cursor_stays_on_its_article(
    three_articles: Path,
) -> None:
    app = ReaderApp(three_articles)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = list(app.main.article_list.rows)
        gamma, beta, alpha = rows
        # Batches as the loader posts them: the newest so far first.
        app.main.set_all_rows([alpha])
        assert app.main.article_list.article is alpha
        # Rows arriving above it do not move the cursor off its article (nor does the
        # user's moving, below, change that).
        app.main.set_all_rows([beta, alpha])
        assert app.main.article_list.article is alpha
        await pilot.press("k")  # the user picks Beta
        app.main.set_all_rows([gamma, beta, alpha])
        assert app.main.article_list.article is beta  # the same article, though it moved down


async def test_clicking_a_row_selects_it(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.click(ArticleList, offset=(5, 2))  # second row (rows are two lines)
        await settle(pilot)
        assert shown_title(app) == "Beta"


def test_every_binding_has_an_id() -> None:
    from reader.tui.screens.facets import FacetScreen
    from reader.tui.widgets.document_view import DocumentView
    from reader.tui.widgets.initiative_list import InitiativeList
    from reader.tui.widgets.search_bar import SearchBar

    for owner in (
        ReaderApp,
        ArticleList,
        InitiativeList,
        SearchBar,
        ArticleView,
        DocumentView,
        MetadataPane,
        HelpScreen,
        ProblemsScreen,
        FacetScreen,
    ):
        for binding in owner.BINDINGS:
            assert getattr(binding, "id", None), f"{owner.__name__}: {binding}"


async def test_keys_act_on_the_cursor_article_before_the_open_delay(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        # Pressed together, faster than the panel's open delay.
        await pilot.press("j", "y")
        assert app.clipboard == "file:///etc/passwd"  # Beta's, not Gamma's
        await pilot.press("k", "right_square_bracket")
        assert shown_title(app) == "Gamma"
        assert app.main.article_view.current_initiative == 0


async def test_ctrl_g_searches_article_titles_only(three_articles: Path) -> None:
    from textual.command import CommandPalette

    async with running(three_articles) as pilot:
        app = reader(pilot)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"bta")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert shown_title(app) == "Beta"


async def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    async with running(tmp_path) as pilot:
        app = reader(pilot)
        assert app.main.articles == []
        assert "No articles in" in app.main.article_view.plain_text()
        await pilot.press("j", "enter", "right_square_bracket", "o", "y", "m", "question_mark")
        assert app.is_running


async def test_resizing_keeps_the_reading_position(write_articles: WriteArticles) -> None:
    body = "\n\n".join(f"Paragraph {n} " + "with several words " * 8 for n in range(60))
    folder = write_articles({"long.md": fenced("Long", body)})
    async with running(folder, size=(120, 30)) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        await pilot.press("enter", *["j"] * 40)
        top = view.lines[int(view.scroll_y)]
        width, line_count = view.document_layout.width, len(view.lines)
        await pilot.resize_terminal(160, 30)
        await settle(pilot)
        after = view.lines[int(view.scroll_y)]
        # Wider lines, so fewer of them, but the same paragraph at the top.
        assert view.document_layout.width > width
        assert len(view.lines) < line_count
        assert top.block > 0 and after.block == top.block


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the web browser was asked to open."""
    urls: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: urls.append(url) or True)
    return urls


async def click_on(pilot: Pilot[int], view: ArticleView, text: str, times: int = 1) -> None:
    """Click (`times` in a row) on `text` in the article, and let what it does happen."""
    lines = enumerate(view.lines)
    number, line = next((n, line) for n, line in lines if text in line.content.plain)
    column = line.content.plain.index(text)
    region = view.content_region
    await pilot.click(offset=(region.x + column + 2, region.y + number), times=times)
    await settle(pilot)


async def test_clicking_a_link_opens_it(write_articles: WriteArticles, opened: list[str]) -> None:
    folder = write_articles(
        {"l.md": fenced("Links", "Read [the report](https://example.org/r) now.")}
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        await click_on(pilot, app.main.article_view, "the report")
        assert opened == ["https://example.org/r"]
        # A double click opens it once: its second click may be one that began on a row
        # of the list (on a narrow terminal the article takes the list's place).
        opened.clear()
        await click_on(pilot, app.main.article_view, "the report", times=2)
        assert opened == ["https://example.org/r"]


# -- look-alike links ---------------------------------------------------------------------------

LOOK_ALIKES = (
    "[plain](https://example.org/ok) "
    "[cyrillic](https://www.p\u0430ypal.com/x) "
    "[zero width](https://exa\u200bmple.com/) "
    "[spaced](<http://exa mple.com>) "
    "[user](https://www.google.com@evil.example/) "
    "[slash](https://www.paypal.com\u2215login.evil.example/)"
)


def link_targets(view: ArticleView) -> dict[str, str | None]:
    """Each link's text in the article, and the hyperlink it is drawn with (None: none)."""
    targets: dict[str, str | None] = {}
    for line in view.lines:
        plain = line.content.plain
        for span in line.content.spans:
            if span.style == "link":
                targets.setdefault(plain[span.start : span.end], None)
            link = getattr(span.style, "link", None)
            if link:
                targets[plain[span.start : span.end]] = link
    return targets


async def test_only_links_that_hide_nothing_are_drawn_as_hyperlinks(
    write_articles: WriteArticles,
) -> None:
    folder = write_articles({"l.md": fenced("Links", LOOK_ALIKES)})
    async with running(folder) as pilot:
        assert link_targets(reader(pilot).main.article_view) == {
            "plain": "https://example.org/ok",
            "cyrillic": "https://www.xn--pypal-4ve.com/x",  # to the host in ASCII
            "zero width": None,
            "spaced": None,  # was drawn to http://exa%20mple.com
            "user": None,
            "slash": None,
        }


async def test_o_asks_before_an_internationalised_host_showing_it_in_ascii(
    write_articles: WriteArticles, opened: list[str]
) -> None:
    folder = write_articles(
        {"p.md": fenced("Pay", "Body.", url="https://www.p\u0430ypal.com/login")}
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmOpen)
        assert "www.xn--pypal-4ve.com" in str(app.screen.query_one(Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert opened == [] and not isinstance(app.screen, ConfirmOpen)
        await pilot.press("o", "y")
        await settle(pilot)
        assert opened == ["https://www.xn--pypal-4ve.com/login"]


async def test_clicking_a_link_to_an_internationalised_host_asks_first(
    write_articles: WriteArticles, opened: list[str]
) -> None:
    folder = write_articles({"l.md": fenced("Links", LOOK_ALIKES)})
    async with running(folder) as pilot:
        app = reader(pilot)
        await click_on(pilot, app.main.article_view, "cyrillic")
        assert isinstance(app.screen, ConfirmOpen) and opened == []
        await pilot.press("enter")
        await settle(pilot)
        assert opened == ["https://www.xn--pypal-4ve.com/x"]


@pytest.mark.parametrize(
    ("url", "copied", "said"),
    [
        ("https://example.org/a", "https://example.org/a", "https://example.org/a"),
        ("https://www.p\u0430ypal.com/", "https://www.xn--pypal-4ve.com/", "xn--pypal-4ve"),
        ("mailto:news@example.org", "mailto:news@example.org", "not a web link"),
        ("https://www.google.com@evil.example/", "", "Not copying"),
        ("https://www.pay\u200bpal.com/", "", "Not copying"),
    ],
)
async def test_y_copies_only_what_o_would_open(
    write_articles: WriteArticles, url: str, copied: str, said: str
) -> None:
    folder = write_articles({"u.md": fenced("Link", "Body.", url=url)})
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("y")
        assert app.clipboard == copied
        messages = [str(notification.message) for notification in app._notifications]
        assert any(said in message for message in messages), messages


@pytest.mark.parametrize(
    "url", ["https://example.org/" + "a" * 200_000, "https://x.org/ " * 14_000]
)
async def test_a_200_kb_url_is_one_short_line_in_a_notice(
    write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: True)
    folder = write_articles({"u.md": fenced("Long", "Body.", url=url)})
    async with running(folder) as pilot:
        app = reader(pilot)
        assert app.main.shown is not None and app.main.shown.url == url.strip()
        await pilot.press("o", "y")
        await settle(pilot)
        messages = [str(notification.message) for notification in app._notifications]
        assert len(messages) == 2
        assert all(len(message) < 300 and "\n" not in message for message in messages)


async def test_a_theme_change_repaints_the_panes(three_articles: Path) -> None:
    async with running(three_articles) as pilot:
        app = reader(pilot)
        before = app.main.article_view.render_line(0)
        list_before = app.main.article_list.render_line(2)
        app.theme = "textual-light"
        await pilot.pause()
        after = app.main.article_view.render_line(0)
        assert after.text == before.text
        assert [s.style for s in after] != [s.style for s in before]
        assert [s.style for s in app.main.article_list.render_line(2)] != [
            s.style for s in list_before
        ]


async def test_body_highlights_mark_spans_of_lines(three_articles: Path) -> None:
    """The hook search uses to mark hits in the article body."""
    async with running(three_articles) as pilot:
        view = reader(pilot).main.article_view
        number = next(n for n, line in enumerate(view.lines) if line.content.plain == "Outro.")
        y = number - int(view.scroll_y)
        before = view.render_line(y)
        view.set_highlights({number: [(0, 5)]})
        after = view.render_line(y)
        assert after.text == before.text
        hit = next(segment for segment in after if segment.text == "Outro")
        plain = next(segment for segment in before if "Outro" in segment.text)
        assert hit.style != plain.style
