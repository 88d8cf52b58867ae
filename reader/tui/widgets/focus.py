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

from textual import events
from textual.widget import Widget

__all__ = ["KeysFollowFocus", "forward_to_focus", "key_origin"]


def key_origin(event: events.Key) -> Widget | None:
    """The widget a key was first given to (None: not one of the reader's)."""
    origin = getattr(event, "_reader_origin", None)
    return origin if isinstance(origin, Widget) else None


def forward_to_focus(event: events.Key, focused: Widget) -> None:
    """Hand the key, as a new event, to the focused widget instead."""
    event.stop()
    event.prevent_default()
    focused._forward_event(events.Key(event.key, event.character))


class KeysFollowFocus:
    """Mixed in before the widget class: passes on keys that arrive after the focus left.

    A plain class, not a Widget: Textual inherits CSS along the first DOM base class,
    which must stay the widget's own (Input, ScrollView)."""

    async def _on_key(self, event: events.Key) -> None:
        assert isinstance(self, Widget)
        focused = self.app.focused
        if focused is not None and focused is not self:
            forward_to_focus(event, focused)
            return
        # Dispatch goes on to the widget class's own key handling (Textual calls each
        # class's _on_key along the MRO), and an unhandled key bubbles up to the app.
        event._reader_origin = self  # type: ignore[attr-defined]
