"""Keys typed faster than the reader acts on them go where the focus has moved.

Textual picks the widget for a key when the app takes the key from the terminal. A key
that moves the focus acts a little later (`/` bubbles up to the app's binding; Enter in
the search bar has to reach the input first), so the keys typed right behind it, by a fast
typist or while a big folder keeps the reader busy, went to the widget that had the focus
before: `/kent` ran k and e as commands, and `Enter j` typed a j into the query. Each of
the reader's focusable widgets passes on a key that reaches it after the focus moved
away, and the app does the same for keys that bubble up from such a widget
(`ReaderApp.on_event`).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.widget import Widget

__all__ = ["KeysFollowFocus", "input_origin", "pass_on"]

# What the mixin passes on: keys, and pastes (a bracketed paste is one event).
TypedEvent = events.Key | events.Paste


def input_origin(event: TypedEvent) -> Widget | None:
    """The widget a key or paste was first given to (None: not one of the reader's)."""
    origin = getattr(event, "_reader_origin", None)
    return origin if isinstance(origin, Widget) else None


def pass_on(event: TypedEvent, app: App[Any]) -> None:
    """Hand the key or paste, as a new event, to where the focus is now: the focused
    widget; or, when a dialog has just opened and focused nothing yet, the app again once
    the dialog is drawn, as if just typed (it then goes to what the dialog focused)."""
    event.stop()
    event.prevent_default()
    typed: TypedEvent
    if isinstance(event, events.Key):
        typed = events.Key(event.key, event.character)
    else:
        typed = events.Paste(event.text)
    focused = app.focused
    if focused is not None:
        focused._forward_event(typed)
    else:
        # Once the dialog is drawn: it focuses its input as it mounts.
        app.call_after_refresh(app.post_message, typed)


class KeysFollowFocus:
    """Mixed in before the widget class: passes on keys (and pastes) that arrive after
    the focus left, or after a dialog opened over this widget's screen.

    A plain class, not a Widget: Textual inherits CSS along the first DOM base class,
    which must stay the widget's own (Input, ScrollView)."""

    def _follow_focus(self, event: TypedEvent) -> None:
        assert isinstance(self, Widget)
        app = self.app
        focused = app.focused
        if self.screen is not app.screen or (focused is not None and focused is not self):
            pass_on(event, app)
            return
        # Dispatch goes on to the widget class's own handling (Textual calls each class's
        # _on_key or _on_paste along the MRO), and what it leaves bubbles up to the app.
        event._reader_origin = self  # type: ignore[union-attr]

    async def _on_key(self, event: events.Key) -> None:
        self._follow_focus(event)

    def _on_paste(self, event: events.Paste) -> None:
        self._follow_focus(event)
