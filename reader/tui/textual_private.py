"""Every private Textual name the reader uses, in one place.

Textual has no public way to ask for these; each is named here, and
tests/tui/test_textual_private.py checks that each is still there and still does what
the reader relies on, so a Textual upgrade that moves one fails that test, by name,
rather than somewhere in the reader.

- FUNCTIONAL_KEYS (textual._keyboard_protocol): the names of the keys the kitty keyboard
  protocol reports (f13..f35, media keys): `reader config --check` knows them as keys.
- character_key (textual.keys._character_to_key): the name Textual gives the key that
  types a character ("?" is question_mark): config keys are checked against it.
"""

from __future__ import annotations

from textual._keyboard_protocol import FUNCTIONAL_KEYS
from textual.keys import _character_to_key as character_key

__all__ = ["FUNCTIONAL_KEYS", "PRIVATE_NAMES", "character_key"]

# (module, name) of each private name above, for the test that checks them.
PRIVATE_NAMES = (
    ("textual._keyboard_protocol", "FUNCTIONAL_KEYS"),
    ("textual.keys", "_character_to_key"),
)
