"""The user's configuration: a TOML file in the platform's config dir.

A bad value never stops the reader: it gives a message naming the key and that key alone
falls back to its default. `reader config --init` writes the commented default below.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Comment, Table

from reader.atomic import atomic_write
from reader.ordering import SORT_ORDERS
from reader.paths import config_dir

CONFIG_FILE = "config.toml"

# The values of mark_read_on (see the template below).
MARK_READ_ON = ("view", "open", "never")

DEFAULT_CONFIG_TEXT = """\
# reader configuration. Every key is optional; delete a line to get its default.

# Colour theme: any Textual theme name (Ctrl+P, "Change theme" lists them).
# Changing the theme from the command palette saves it here.
# theme = "textual-dark"

# Order of the article list: "newest", "oldest", "title" or "area".
# default_sort = "newest"

# Folder opened by a bare `reader` (default: the bundled sample articles).
# default_folder = "~/articles"

# How dates are shown in the list, as a strftime pattern.
# date_format = "%d %b %Y"

# Panes shown at start (narrow terminals still hide them).
# show_sidebar = true
# show_metadata = true

# When an article counts as read: "view" once you have moved to it, opened it or
# scrolled it and it has been shown for a second; "open" when you open it (Enter);
# "never" only when you mark it (u).
# mark_read_on = "view"

# Key remapping by binding id: `?` in the reader lists the ids and their keys.
# Several keys for one action are separated by commas.
[keys]
# "app.next_initiative" = "]"
# "app.toggle_metadata" = "m, f2"
"""


@dataclass
class Config:
    theme: str | None = None
    default_sort: str = "newest"
    default_folder: Path | None = None
    date_format: str = "%d %b %Y"
    show_sidebar: bool = True
    show_metadata: bool = True
    mark_read_on: str = "view"
    keys: dict[str, str] = field(default_factory=dict)
    # Problems found while reading the file, each naming the key.
    messages: list[str] = field(default_factory=list)


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


# Binding ids look like "app.quit" or "list.next".
_BINDING_ID = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")


def load_config(path: Path | None = None) -> Config:
    """Read the config file; missing file = defaults; bad keys reported and defaulted."""
    path = path if path is not None else config_path()
    config = Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as error:
        config.messages.append(f"{path}: cannot read ({error}); using defaults")
        return config
    except tomllib.TOMLDecodeError as error:
        config.messages.append(f"{path}: not valid TOML ({error}); using defaults")
        return config

    def bad(key: str, value: Any, wanted: str) -> None:
        config.messages.append(f"{path}: {key} = {value!r} is not {wanted}; using the default")

    for key, value in data.items():
        if key == "theme":
            if isinstance(value, str) and value.strip():
                config.theme = value.strip()
            else:
                bad(key, value, "a theme name")
        elif key == "default_sort":
            if value in SORT_ORDERS:
                config.default_sort = value
            else:
                bad(key, value, "one of " + ", ".join(SORT_ORDERS))
        elif key == "default_folder":
            if isinstance(value, str) and value.strip():
                config.default_folder = Path(value).expanduser()
            else:
                bad(key, value, "a folder path")
        elif key == "date_format":
            if _valid_date_format(value):
                config.date_format = value
            else:
                bad(key, value, "a strftime pattern such as '%d %b %Y'")
        elif key in ("show_sidebar", "show_metadata"):
            if isinstance(value, bool):
                setattr(config, key, value)
            else:
                bad(key, value, "true or false")
        elif key == "mark_read_on":
            if value in MARK_READ_ON:
                config.mark_read_on = value
            else:
                bad(key, value, "one of " + ", ".join(MARK_READ_ON))
        elif key == "keys":
            if isinstance(value, dict):
                _read_keys(value, config, path)
            else:
                bad(key, value, "a table of binding id = key")
        else:
            config.messages.append(f"{path}: unknown key {key!r} ignored")
    return config


# strftime directives that mean something on every platform (glibc passes unknown ones
# through as text, which would show "%Q" in the list instead of a date).
_DIRECTIVE = re.compile(r"%(-?)(.)", re.DOTALL)
_KNOWN_DIRECTIVES = frozenset("aAbBcdHIjmMpSUwWxXyYzZeGuV%")


def _valid_date_format(value: Any) -> bool:
    if not isinstance(value, str) or not value or len(value) > 64:
        return False
    directives = [match.group(2) for match in _DIRECTIVE.finditer(value)]
    if not directives or any(char not in _KNOWN_DIRECTIVES for char in directives):
        return False
    if value.count("%") != len(directives) + value.count("%%"):
        return False  # a lone "%" at the end
    try:
        datetime(2019, 9, 27, 7, 45).strftime(value)
    except ValueError:
        return False
    return True


def _read_keys(table: dict[str, Any], config: Config, path: Path, prefix: str = "") -> None:
    for name, keys in table.items():
        binding_id = prefix + name
        if isinstance(keys, dict):
            # `app.quit = "x"` unquoted is a nested table in TOML: read it as "app.quit".
            _read_keys(keys, config, path, binding_id + ".")
        elif not _BINDING_ID.fullmatch(binding_id):
            config.messages.append(f"{path}: keys.{binding_id} is not a binding id; ignored")
        elif isinstance(keys, str) and keys.strip():
            config.keys[binding_id] = ",".join(part.strip() for part in keys.split(","))
        else:
            config.messages.append(
                f"{path}: keys.{binding_id} = {keys!r} is not a key name such as 'ctrl+n'; ignored"
            )


def write_default_config(path: Path | None = None) -> Path:
    """Write the commented default file; refuses (FileExistsError) to overwrite one."""
    path = path if path is not None else config_path()
    if path.exists():
        raise FileExistsError(path)
    atomic_write(path, DEFAULT_CONFIG_TEXT)
    return path


def save_theme(theme: str, path: Path | None = None) -> None:
    """Set `theme` in the config file, keeping the rest as written (comments, order, the
    other keys). A real `theme` key is changed where it is; a new one goes under the
    template's commented `# theme = …` line, else above the first table. A file that
    does not parse is left alone (ValueError): rewriting it could lose what it holds."""
    path = path if path is not None else config_path()
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        text = ""
    try:
        tomllib.loads(text)  # what load_config reads must read it
        document = tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, TOMLKitError) as error:
        raise ValueError(f"not valid TOML ({error}); the theme is not saved") from None
    if "theme" in document:
        document["theme"] = theme
    elif (line := _commented_key_line(document, "theme")) is not None:
        document._insert_at(line + 1, "theme", theme)
    else:
        document["theme"] = theme
    atomic_write(path, tomlkit.dumps(document))


def _commented_key_line(document: tomlkit.TOMLDocument, key: str) -> int | None:
    """Where in the top of the file a comment such as `# theme = "textual-dark"` is."""
    commented = re.compile(rf"#\s*{re.escape(key)}\s*=")
    for index, (name, item) in enumerate(document.body):
        if isinstance(item, Table | AoT):
            return None  # past the top-level keys
        if name is None and isinstance(item, Comment) and commented.match(item.as_string()):
            return index
    return None
