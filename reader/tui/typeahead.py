"""Keys typed faster than the reader acts go where the focus has moved.

Textual hands a key to the widget focused when the app takes the key from the terminal,
but a key that moves the focus acts later: its binding runs once the key has bubbled up
from the widget to the app, and what the binding posts (RowList.Selected, Input.Submitted)
is handled later still, by the screen. Keys typed right behind it, by a fast typist or
while a big folder keeps the reader busy, went to the widget focused before: `/kent` ran
k and e as commands, and `Enter j` typed a j into the query.

So the app takes keys (and pastes) one at a time, in the order typed: the next goes out
once the last has been acted on. A key is handed out as Textual would (priority bindings
first, then the focused widget), and a `KeyDone` marker is posted behind it to the same
widget. The marker bubbles up the same way the key does, so it reaches the app after the
key, or alone if the widget kept the key (typed it). A key that reached the app has its
bindings run, and a second marker follows whatever they posted to the widget, up to the
screen that handles it. Only public Textual is used: `App.on_event`, `post_message`,
`Message.is_forwarded`, focus, `call_after_refresh`.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from textual import events
from textual.app import App, ReturnType
from textual.dom import NoScreen
from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer
from textual.widget import Widget

__all__ = ["KeyDone", "KeysInTurn"]

TypedEvent = events.Key | events.Paste

# A key whose marker has not come back in this long is given up on if the widget it
# went to has left (removed as the key was acted on), and after GIVE_UP_SECONDS in any case.
CHECK_SECONDS = 0.1
GIVE_UP_SECONDS = 3.0
# A screen just opened focuses its input as it mounts: keys wait for that this many
# refreshes at most.
FOCUS_WAITS = 5
# Keys typed before the app has a screen wait for it, looking again this often.
STARTING_SECONDS = 0.05


class KeyDone(Message):
    """Posted behind a key to the widget that got it: back at the app, the key is done."""

    def __init__(self, key: TypedEvent) -> None:
        super().__init__()
        self.key = key


class KeysInTurn(App[ReturnType]):
    """An app (the reader's derives from it) that acts on keys and pastes one at a time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[TypedEvent] = deque()
        # The key being acted on, where it went, and the marker it waits for.
        self._key: TypedEvent | None = None
        self._key_target: MessagePump | None = None
        self._key_done: KeyDone | None = None
        self._key_sent = 0.0
        self._key_check: Timer | None = None
        self._focus_waits = 0
        # Keys whose marker never came back (their widget left as they were acted on):
        # the next key went after CHECK_SECONDS or GIVE_UP_SECONDS instead.
        self.keys_given_up = 0

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste):
            if not event.is_forwarded:
                # Typed: in turn, behind the keys not yet acted on.
                self._typed.append(event)
                await self._send_next()
                return
            if event is self._key:
                # Back from the widget: its bindings now, the marker behind what they post.
                await super().on_event(event)
                self._follow(event, self._key_target)
                return
        await super().on_event(event)

    async def on_key_done(self, message: KeyDone) -> None:
        if message is self._key_done:
            self._finish_key()
            await self._send_next()

    async def _send_next(self) -> None:
        while self._key is None and self._typed:
            if not self.screen_stack:
                self.set_timer(STARTING_SECONDS, self._send_later)  # not started yet
                return
            screen = self.screen
            waiting_for_focus = screen.focused is None and (
                not screen.is_mounted or bool(screen.focus_chain)
            )
            if waiting_for_focus and self._focus_waits < FOCUS_WAITS:
                # A dialog just opened: it focuses its input as it mounts.
                self._focus_waits += 1
                self.call_after_refresh(self._send_later)
                return
            self._focus_waits = 0
            event = self._typed.popleft()
            target: MessagePump = screen.focused or screen
            self._key = event
            self._key_target = target
            await super().on_event(event)  # priority bindings, else to the focused widget
            if event.is_forwarded:
                self._follow(event, target)
            else:
                # A priority binding took it: the marker follows what it posted.
                self._follow(event, self.screen)

    async def _send_later(self) -> None:
        await self._send_next()

    def _follow(self, event: TypedEvent, target: MessagePump | None) -> None:
        """Post the key's marker to `target`; the next key goes when it comes back. A
        target whose screen the key closed cannot send it back: the marker goes to the
        screen now shown, behind what closing posted to it (the dialog's result)."""
        if target is not None and self._screen_gone(target):
            target = self.screen if self.screen_stack else None
        done = KeyDone(event)
        self._key_done = done
        self._key_target = target
        self._key_sent = time.monotonic()
        if target is None or not target.post_message(done):
            self._finish_key()
            self.call_later(self._send_next)
            return
        if self._key_check is None:
            self._key_check = self.set_interval(CHECK_SECONDS, self._check_key)

    def _screen_gone(self, target: MessagePump) -> bool:
        """Whether `target` has left, or its screen is no longer open."""
        if not target.is_attached:
            return True
        if isinstance(target, Widget):
            try:
                return target.screen not in self.screen_stack
            except NoScreen:
                return True
        return False

    def _finish_key(self) -> None:
        self._key = None
        self._key_target = None
        self._key_done = None

    async def _check_key(self) -> None:
        """A marker that cannot come back (its widget left the screen) is not waited for."""
        if self._key is None:
            if self._key_check is not None:
                self._key_check.stop()
                self._key_check = None
            return
        target = self._key_target
        gone = target is None or self._screen_gone(target)
        if gone or time.monotonic() - self._key_sent > GIVE_UP_SECONDS:
            self.keys_given_up += 1
            self._finish_key()
            await self._send_next()
