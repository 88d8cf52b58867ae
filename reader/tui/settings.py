"""What config.toml asks of the interface (a theme, key bindings), checked against what
the interface has: the reader at start and `reader config --check` report the same
(reader.tui.app.config_messages)."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_DISPLAY_ALIASES, Keys, key_to_character

from reader.tui.textual_private import FUNCTIONAL_KEYS, character_key

# The modifiers Textual puts in a key's name, in the order it writes them
# (`ctrl+shift+up`, `alt+shift+a`: sorted).
MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")


def theme_message(theme: str | None, themes: Iterable[str], where: Path) -> str | None:
    """What is wrong with the configured theme, or None."""
    if theme is None or theme in themes:
        return None
    return (
        f"{where}: theme = {theme!r} is not a theme this reader knows; "
        'using the default (Ctrl+P, "Change theme" lists them)'
    )


def binding_ids() -> set[str]:
    """Every binding id a keymap can name: those of the widgets and screens defined so
    far, the reader's and Textual's (reader.tui.app defines all of the reader's)."""
    ids: set[str] = set()
    classes: list[type[DOMNode]] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def read_keymap(keys: Mapping[str, str], where: Path) -> tuple[dict[str, str], list[str]]:
    """The keymap to apply from the config's [keys], and a message for each binding id
    or key that can never work. A binding left with no key that works keeps its default:
    an impossible key (`ctrl+nonsense`) must not take `q` away from quit."""
    known = binding_ids()
    keymap: dict[str, str] = {}
    messages: list[str] = []
    for binding_id, value in keys.items():
        if binding_id not in known:
            messages.append(
                f"{where}: keys.{binding_id} is not a binding id (? lists them); ignored"
            )
            continue
        good: list[str] = []
        bad: list[str] = []
        for key in value.split(","):
            try:
                good.append(canonical_key(key.strip()))
            except ValueError as problem:
                bad.append(f"{key.strip()!r} {problem}")
        if bad:
            outcome = "the other keys apply" if good else "its default key stays"
            messages.append(f"{where}: keys.{binding_id}: {'; '.join(bad)}; {outcome}")
        if good:
            keymap[binding_id] = ",".join(good)
    return keymap, messages


def canonical_key(key: str) -> str:
    """`key` as Textual names the key a terminal sends (`shift+ctrl+up` is
    `ctrl+shift+up`); ValueError saying why when no terminal can send it."""
    if not key:
        raise ValueError("is empty")
    if len(key) == 1:
        if key.isprintable() and not key.isspace():
            return key
        raise ValueError("is not a key (write space, tab, enter...)")
    *modifiers, base = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            raise ValueError(f"has {modifier!r}, not a modifier ({', '.join(MODIFIERS)})")
    if len(set(modifiers)) != len(modifiers):
        raise ValueError("repeats a modifier")
    if not base:
        raise ValueError("has no key after its modifiers")
    if len(base) == 1 and base.isalpha() and modifiers == ["shift"]:
        raise ValueError(f"is sent as {base.upper()!r}: write that")
    if modifiers and len(base) == 1 and not (base.isalnum() and base == base.lower()):
        # With a modifier Textual names the key, and never sends an upper-case letter.
        if base.isalpha():
            written = [*sorted({*modifiers, "shift"}), base.lower()]
        else:
            written = [*sorted(modifiers), character_key(base)]
        raise ValueError(f"is never sent: write {'+'.join(written)!r}")
    if len(base) > 1 and base not in _key_names():
        raise ValueError(f"is not a key name{_did_you_mean(base)}")
    return "+".join([*sorted(modifiers), base])


@cache
def _key_names() -> frozenset[str]:
    """The names of the keys Textual reports that are longer than one character."""
    names = {key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")}
    names.update(FUNCTIONAL_KEYS.values())  # the kitty protocol's
    for code in range(0x21, 0x7F):  # punctuation, named: question_mark, full_stop...
        names.add(character_key(chr(code)))
    return frozenset(name for name in names if len(name) > 1)


def _did_you_mean(name: str) -> str:
    # As `?` shows them (pgdn, esc, ⏎, ^q) or as a character's Unicode name (`slash`).
    shown = {alias: key for key, alias in KEY_DISPLAY_ALIASES.items()}
    if name in shown:
        return f": write {shown[name]!r}"
    if name.startswith("^") and len(name) == 2:
        return f": write 'ctrl+{name[1].lower()}'"
    character = key_to_character(name)
    if character is not None and len(character) == 1 and unicodedata.category(character)[0] != "C":
        return f": write {character_key(character)!r}"
    close = difflib.get_close_matches(name, sorted(_key_names()), n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return " (names are as in ctrl+q, pagedown, escape, f2, question_mark)"
