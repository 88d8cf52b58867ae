"""What config.toml asks of the interface, checked: key names a terminal can send, binding
ids, themes. The reader at start and `reader config --check` say the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _normalize_key_list

from reader.config import Config, config_path
from reader.tui.app import ReaderApp, config_messages
from reader.tui.screens.help import HelpScreen
from reader.tui.settings import binding_ids, canonical_key, read_keymap
from reader.tui.widgets.document_view import DocumentView
from reader.tui.widgets.header import ReaderHeader
from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running, search, settle

WHERE = Path("config.toml")


def every_bound_key() -> set[str]:
    """Every key of every binding the reader and Textual's widgets define, as Textual
    stores it (`?` is `question_mark`)."""
    import reader.tui.app  # noqa: F401  (every widget and screen)

    keys: set[str] = set()
    classes: list[type[DOMNode]] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, tuple):
                binding = Binding(*binding)
            keys.update(_normalize_key_list(binding.key).split(","))
    return keys


def test_every_key_textual_binds_is_a_key() -> None:
    keys = every_bound_key()
    assert {"q", "ctrl+q", "question_mark", "right_square_bracket", "shift+tab"} <= keys
    for key in keys:
        assert canonical_key(key) == key


@pytest.mark.parametrize(
    ("key", "canonical"),
    [
        ("q", "q"),
        ("Q", "Q"),
        ("?", "?"),
        ("ctrl+q", "ctrl+q"),
        ("shift+ctrl+up", "ctrl+shift+up"),
        ("f2", "f2"),
        ("pagedown", "pagedown"),
        ("space", "space"),
        ("question_mark", "question_mark"),
        ("ctrl+right_square_bracket", "ctrl+right_square_bracket"),
        ("alt+x", "alt+x"),
        ("caps_lock", "caps_lock"),
    ],
)
def test_keys_a_terminal_sends(key: str, canonical: str) -> None:
    assert canonical_key(key) == canonical


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("ctrl+nonsense", "not a key name"),
        ("nonsense", "not a key name"),
        ("pgdn", "write 'pagedown'"),  # as `?` shows it
        ("esc", "write 'escape'"),
        ("^q", "write 'ctrl+q'"),
        ("solidus", "write 'slash'"),
        ("entr", "did you mean 'enter'"),
        ("ctrl+]", "write 'ctrl+right_square_bracket'"),
        ("ctrl+A", "write 'ctrl+shift+a'"),
        ("shift+a", "sent as 'A'"),
        ("ctl+q", "not a modifier"),
        ("ctrl+ctrl+q", "repeats a modifier"),
        ("ctrl+", "no key after"),
        ("", "empty"),
    ],
)
def test_keys_no_terminal_sends(key: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape(says)):
        canonical_key(key)


def test_the_keymap_keeps_what_works_and_names_what_does_not() -> None:
    keymap, messages = read_keymap(
        {
            "app.quit": "ctrl+nonsense",
            "app.toggle_star": "x, pgdn",
            "app.no_such_thing": "z",
            "list.next": "shift+ctrl+down",
        },
        WHERE,
    )
    # quit keeps its default key (q) rather than none that works.
    assert keymap == {"app.toggle_star": "x", "list.next": "ctrl+shift+down"}
    assert messages == [
        "config.toml: keys.app.quit: 'ctrl+nonsense' is not a key name (names are as in "
        "ctrl+q, pagedown, escape, f2, question_mark); its default key stays",
        "config.toml: keys.app.toggle_star: 'pgdn' is not a key name: write 'pagedown'; "
        "the other keys apply",
        "config.toml: keys.app.no_such_thing is not a binding id (? lists them); ignored",
    ]


def test_binding_ids_include_the_articles_and_the_dialogs() -> None:
    ids = binding_ids()
    for binding_id in ("app.quit", "list.next", "doc.page_down", "article.page_up", "facets.done"):
        assert binding_id in ids


def test_config_messages_cover_values_themes_and_keys() -> None:
    config = Config(theme="no-such-theme", keys={"app.quit": "ctrl+nonsense"})
    config.messages.append("config.toml: default_sort = 'x' is not ...")
    messages = config_messages(config, WHERE)
    assert len(messages) == 3
    assert "default_sort" in messages[0]
    assert "theme = 'no-such-theme'" in messages[1]
    assert "keys.app.quit" in messages[2]
    assert config_messages(Config(theme="nord", keys={"app.quit": "ctrl+q"}), WHERE) == []


# -- in the reader ---------------------------------------------------------------------------


def write_config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def help_lines(app: ReaderApp) -> list[list[str]]:
    text = app.screen.query_one("#help-keys", DocumentView).plain_text()
    return [line.split() for line in text.splitlines()]


async def test_help_shows_every_binding_id_and_the_article_panels_keys(
    three_articles: Path,
) -> None:
    async with running(three_articles, size=(120, 60)) as pilot:
        app = reader(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        lines = help_lines(app)
        # The article panel's own paging keys (the list's pgdn hid them), with their ids.
        page_down = next(line for line in lines if line[-1:] == ["doc.page_down"])
        assert page_down[:2] == ["space", "pgdn"] and page_down[-3:-1] == ["Page", "down"]
        page_up = next(line for line in lines if line[-1:] == ["article.page_up"])
        assert page_up[0] == "b" and page_up[-3:-1] == ["Page", "up"]
        assert ["q", "Quit", "app.quit"] in lines
        assert ["j", "↓", "Next", "article", "list.next"] in lines
        # The dialogs' keys too: the config can remap them.
        assert ["c", "Clear", "all", "facets.clear"] in lines
        shown = {line[-1] for line in lines if line and "." in line[-1]}
        # Every id of the reader's own bindings that has a description to show.
        assert {"app.facets", "problems.close", "help.close", "dialog-list.down"} <= shown


async def test_hints_follow_remapped_keys(write_articles: WriteArticles) -> None:
    folder = write_articles(
        {
            "a.md": fenced("Drones", "About drones.\n\n* One drone\n* Two drones\n"),
            "broken.md": b"\x00\x01",
        }
    )
    write_config(
        '[keys]\n"app.next_initiative" = "x"\n"app.next_hit" = "ctrl+n"\n"app.problems" = "E"\n'
        '"problems.close" = "w"\n"help.close" = "z"\n'
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        header = app.main.query_one(ReaderHeader).render().plain
        assert "1 problem (E)" in header
        assert any("press E to see why" in str(n.message) for n in app._notifications)
        await pilot.press("E")
        assert str(app.screen.query_one("#problems-dialog").border_subtitle).endswith("w closes")
        await pilot.press("w", "question_mark")
        assert str(app.screen.query_one("#help-dialog").border_subtitle) == "z to close"
        await pilot.press("z")
        await pilot.press("enter")
        await settle(pilot)
        assert str(app.main.article_view.border_subtitle) == "2 initiatives · x next"
        await pilot.press("x")
        assert str(app.main.article_view.border_subtitle) == "initiative 1 of 2"
        await search(pilot, "drone")
        await pilot.press("enter")
        await settle(pilot)
        assert "4 hits · ^n next" in str(app.main.article_view.border_subtitle)
