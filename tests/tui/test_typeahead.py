"""Keys in turn (reader/tui/typeahead.py) on a small app of its own: a key typed right
behind one whose effect moves the focus goes where the focus went, however the effect
gets there (a message the screen handles, a dialog opening). With a plain App in place of
KeysInTurn the first three fail: Textual hands the keys to the widget focused when they
arrive, and they are lost."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input

from reader.tui.typeahead import KeysInTurn


class Picker(Widget, can_focus=True):
    """Enter posts Picked; the screen moves the focus when it handles that."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pick", "Pick"),
        Binding("x", "leave", "Leave"),
    ]

    class Picked(Message):
        pass

    def action_pick(self) -> None:
        self.post_message(self.Picked())

    async def action_leave(self) -> None:
        await self.remove()


class Dialog(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="dialog-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()


class Main(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("o", "open", "Open")]

    def compose(self) -> ComposeResult:
        yield Picker(id="picker")
        yield Input(id="input")

    def on_mount(self) -> None:
        self.query_one(Picker).focus()

    def on_picker_picked(self) -> None:
        self.query_one("#input", Input).focus()

    def action_open(self) -> None:
        self.app.push_screen(Dialog())


class InTurn(KeysInTurn[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f5", "mark", "Mark")]

    def __init__(self) -> None:
        super().__init__()
        self.marked = 0

    def get_default_screen(self) -> Screen[None]:
        return Main()

    def action_mark(self) -> None:
        self.marked += 1


def type_at_once(app: App[None], keys: list[tuple[str, str | None]]) -> None:
    for key, character in keys:
        app.post_message(events.Key(key, character))


async def test_keys_behind_a_message_that_moves_the_focus_follow_it() -> None:
    app = InTurn()
    async with app.run_test() as pilot:
        await pilot.pause()
        type_at_once(app, [("enter", "\r"), ("a", "a"), ("b", "b")])
        await pilot.pause(0.3)
        assert app.screen.query_one("#input", Input).value == "ab"


async def test_keys_behind_a_key_that_opens_a_dialog_reach_its_input() -> None:
    app = InTurn()
    async with app.run_test() as pilot:
        await pilot.pause()
        type_at_once(app, [("o", "o"), ("s", "s"), ("o", "o"), ("r", "r"), ("t", "t")])
        await pilot.pause(0.5)
        assert isinstance(app.screen, Dialog)
        assert app.screen.query_one(Input).value == "sort"


async def test_a_paste_behind_a_key_follows_the_focus() -> None:
    pasted = "pasted text"
    app = InTurn()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Paste(pasted))
        await pilot.pause(0.3)
        assert app.screen.query_one("#input", Input).value == pasted


async def test_a_key_whose_widget_leaves_does_not_hold_up_the_next() -> None:
    app = InTurn()
    async with app.run_test() as pilot:
        await pilot.pause()
        type_at_once(app, [("x", "x"), ("f5", None), ("f5", None)])
        await pilot.pause(2.0)
        assert not app.screen.query(Picker)
        assert app.marked == 2


class Closing(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Input(id="closing-input")


async def test_a_key_that_closes_a_dialog_lets_the_next_go_at_once() -> None:
    """The key's marker goes to the screen shown after it, not to the dialog's widget,
    which the key removes (a marker lost with it held the next key up until the check
    gave it up: `w ?` in the load problems dialog, on a busy machine)."""
    app = InTurn()
    async with app.run_test() as pilot:
        await pilot.pause()
        for _ in range(3):
            app.push_screen(Closing())
            await pilot.pause()
            type_at_once(app, [("escape", "\x1b"), ("f5", None)])
            await pilot.pause(0.3)
        assert not isinstance(app.screen, Closing)
        assert app.marked == 3
        assert app.keys_given_up == 0
