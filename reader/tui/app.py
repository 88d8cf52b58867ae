"""The reader's Textual app: what is app-wide, and nothing else.

The theme (the configured one; one chosen from the command palette is saved for next
time), the configuration's messages and keymap, the command palette's providers and the
reader's commands in it, help, and leaving (the main screen saves where the user was).
The main view is MainScreen (reader.tui.screens.main); what the reader is doing in the
folder is a ReaderSession (reader.tui.session); keys are acted on in the order typed
(reader.tui.typeahead).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Mapping
from multiprocessing import resource_tracker
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from reader.config import Config, config_path, load_config, save_theme
from reader.resources import styles_dir
from reader.tui.commands import PALETTE_COMMANDS, GoToArticle
from reader.tui.screens.facets import FacetScreen
from reader.tui.screens.help import HelpScreen, KeySource, action_keys, binding_sections
from reader.tui.screens.main import MainScreen
from reader.tui.screens.problems import ProblemsScreen
from reader.tui.screens.related import RelatedScreen
from reader.tui.session import ReaderSession
from reader.tui.settings import read_keymap, theme_message
from reader.tui.textual_private import character_key
from reader.tui.typeahead import KeysInTurn

# gc.set_threshold for the running reader (see run).
GC_THRESHOLDS = (10_000, 20, 100)

# Paragraphs, each one string: the dialog wraps them to its width.
HELP_INTRO = [
    "reader lists the articles of one folder; the article panel follows the list's "
    "cursor. / searches (README: Search), f narrows the list by area, year, tag and "
    "folder, s sorts, i lists every initiative (the numbered bullet points) of the "
    "listed articles, t charts the list by month and r finds related articles.",
    "",
    "To change a key, put its binding id (on the right) in the [keys] table of "
    'config.toml with the keys as Textual names them: "app.quit" = "ctrl+q, q" '
    "(reader config --path says where the file is, --check checks it).",
]


class ReaderApp(KeysInTurn[int]):
    """Browse, search and read a folder of articles."""

    CSS_PATH = styles_dir() / "reader.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {GoToArticle}
    BINDING_GROUP_TITLE = "Everywhere"
    # After the main screen's keys in the footer (screens/main.py).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.command_palette"),
        Binding("ctrl+g", "go_to", "Go to article…", show=False, id="app.go_to_article"),
    ]

    def __init__(
        self,
        root: Path,
        *,
        use_cache: bool = True,
        fresh: bool = False,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.config = config if config is not None else load_config()
        self._config_messages = list(self.config.messages)
        if use_cache and os.name == "posix":
            # The index reads a big folder in worker processes, whose start needs
            # multiprocessing's resource tracker, which needs a real stderr: start it now,
            # before Textual swaps stderr for one without a file descriptor. (Windows has
            # no resource tracker: starting one there fails.)
            resource_tracker.ensure_running()
        self.session = ReaderSession(root, self.config, use_cache=use_cache, fresh=fresh)
        # The keymap applied (set_keymap), for the help and the keys shown in hints.
        self.keymap: dict[str, str] = {}
        self._theme_ready = False
        self._apply_theme_setting()

    def get_default_screen(self) -> Screen[None]:
        return MainScreen(self.session)

    @property
    def main(self) -> MainScreen:
        """The main screen (under any dialog)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def _main_screen(self) -> MainScreen | None:
        """The main screen, or None once the app is shutting down."""
        stack = self.screen_stack
        return stack[0] if stack and isinstance(stack[0], MainScreen) else None

    def on_mount(self) -> None:
        keymap, messages = read_keymap(self.config.keys, config_path())
        self._config_messages.extend(messages)
        self.set_keymap(keymap)
        for message in self._config_messages:
            self.notify(message, title="Configuration", severity="warning", markup=False)
        self._theme_ready = True

    # -- configuration ----------------------------------------------------------------

    def _apply_theme_setting(self) -> None:
        theme = self.config.theme
        problem = theme_message(theme, self.available_themes, config_path())
        if problem is not None:
            self._config_messages.append(problem)
        elif theme is not None:
            self.theme = theme

    def watch_theme(self, theme: str) -> None:
        """A theme chosen from the command palette is kept for next time."""
        if self._theme_ready and theme != self.config.theme:
            self.config.theme = theme
            self._save_theme(theme)

    @work(thread=True, group="config", description="save the theme")
    def _save_theme(self, theme: str) -> None:
        try:
            save_theme(theme)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.call_from_thread(
                self.notify,
                f"Could not save the theme in {config_path()}: {reason}",
                severity="warning",
                markup=False,
            )

    def set_keymap(self, keymap: Mapping[str, str]) -> None:
        self.keymap = _named_keys(keymap)
        super().set_keymap(keymap)

    def update_keymap(self, keymap: Mapping[str, str]) -> None:
        self.keymap = {**self.keymap, **_named_keys(keymap)}
        super().update_keymap(keymap)

    # -- help and the command palette -------------------------------------------------

    def action_help(self) -> None:
        main = self.main
        everywhere = [*App.BINDINGS, *MainScreen.BINDINGS, *ReaderApp.BINDINGS]
        sources: list[tuple[str, KeySource]] = [
            *main.key_sections(),
            ("Everywhere", everywhere),
            ("Focus", Screen.BINDINGS),
            ("Facets dialog", FacetScreen),
            ("Load problems dialog", ProblemsScreen),
            ("Related articles dialog", RelatedScreen),
            ("This help", HelpScreen),
        ]
        self.push_screen(HelpScreen(binding_sections(self, sources), HELP_INTRO))

    def action_go_to(self) -> None:
        """The command palette with article titles only."""
        self.push_screen(CommandPalette(providers=[GoToArticle], placeholder="Go to article…"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self._main_screen()
        if main is None:
            return
        for title, help_text, action in PALETTE_COMMANDS:
            owner = main if hasattr(main, f"action_{action}") else self
            keys = " ".join(action_keys(owner, action))
            yield SystemCommand(
                title,
                f"{help_text} ({keys})" if keys else help_text,
                getattr(owner, f"action_{action}"),
            )

    # -- leaving ----------------------------------------------------------------------

    def exit(
        self,
        result: int | None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        main = self._main_screen()
        error = main.finish() if main is not None else None
        if error is not None and message is None:
            message = Text(f"reader: {error}")
        super().exit(result, return_code, message)

    def close_store(self) -> None:
        self.session.close_store()


def _named_keys(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap with each one-character key by its name, as Textual keeps it."""
    return {
        binding_id: ",".join(
            character_key(key) if len(key) == 1 else key
            for key in (part.strip() for part in keys.split(","))
        )
        for binding_id, keys in keymap.items()
    }


def config_messages(config: Config, where: Path) -> list[str]:
    """What the reader would say about the config at start, without starting it."""
    from textual.theme import BUILTIN_THEMES  # the reader registers no themes of its own

    messages = list(config.messages)
    theme = theme_message(config.theme, BUILTIN_THEMES, where)
    if theme is not None:
        messages.append(theme)
    messages.extend(read_keymap(config.keys, where)[1])
    return messages


def run(root: Path, *, use_cache: bool = True, fresh: bool = False) -> int:
    """Run the reader on a folder (or file) until the user quits; the exit status.
    `fresh`: start at the top, not where the last visit to the folder left off."""
    # Textual's rendering leaves much short-lived cyclic garbage and a search over 100,000
    # rows allocates in bulk: with the default thresholds the oldest generation was
    # collected every few searches, each pass holding every thread for 50-150 ms. The
    # young generations still collect the short-lived garbage.
    gc.set_threshold(*GC_THRESHOLDS)
    app = ReaderApp(root, use_cache=use_cache, fresh=fresh)
    try:
        app.run()
    finally:
        app.close_store()
    return app.return_code or 0
