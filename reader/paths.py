"""Where the reader keeps its files for the user: state, configuration, index cache.

Each folder follows the platform's convention (platformdirs) unless an environment
variable names another; nothing here creates a folder.

pathlib and platformdirs are imported when a function first needs them (30 ms, with
hashlib's OpenSSL): reader.launch guesses a folder's index (guessed_index_path) before it
imports the rest of the reader, and that guess is in front of the walk it begins.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "reader"


def state_dir() -> Path:
    """Reading state: $READER_STATE_DIR, else the platform's user state dir."""
    from pathlib import Path

    override = os.environ.get("READER_STATE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))


def config_dir() -> Path:
    """Configuration: $READER_CONFIG_DIR, else the platform's user config dir."""
    from pathlib import Path

    override = os.environ.get("READER_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def cache_dir() -> Path:
    """Where index files go: $READER_CACHE_DIR, else the platform's user cache dir."""
    from pathlib import Path

    override = os.environ.get("READER_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME)) / "index"


def index_path(root: str | os.PathLike[str]) -> Path:
    """The index's database file for a root, in cache_dir: named by a hash of its real
    path (index_file_name)."""
    return cache_dir() / index_file_name(root)


def index_file_name(root: str | os.PathLike[str]) -> str:
    """The name of the index's database file for a root: a hash of its real path."""
    try:  # the interpreter's own SHA-256, without hashlib's OpenSSL (4 ms to import)
        from _sha256 import sha256  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
        except ImportError:  # (a Python without them)
            from hashlib import sha256  # type: ignore[assignment, unused-ignore]
    real = os.path.realpath(root)
    return f"{sha256(real.encode('utf-8', 'surrogateescape')).hexdigest()[:20]}.sqlite3"


def guessed_index_path(root: str) -> str:
    """str(index_path(root)), worked out without importing pathlib and platformdirs where
    that is plain: a cache folder named by $READER_CACHE_DIR, or the XDG cache folder
    platformdirs gives on Linux; elsewhere index_path's own answer. A guess, for
    reader.launch: it is checked against the index the command opens, and an odd case
    platformdirs answers otherwise costs only the head start."""
    folder = os.environ.get("READER_CACHE_DIR") or _linux_cache_dir()
    if folder is None or os.name != "posix":
        return str(index_path(root))
    return path_text(os.path.join(folder, index_file_name(root)))


def _linux_cache_dir() -> str | None:
    """platformdirs' user cache folder for the reader's index on Linux: $XDG_CACHE_HOME if
    an absolute path, else ~/.cache; None where a $HOME that is not an absolute path
    makes platformdirs look the home folder up (and expanduser not)."""
    if not sys.platform.startswith("linux"):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, APP_NAME, "index")
    if not os.path.isabs(os.environ.get("HOME", "/")):
        return None
    return os.path.join(os.path.expanduser("~/.cache"), APP_NAME, "index")


def path_text(path: str) -> str:
    """str(Path(path)): the path as pathlib writes it (no empty or `.` parts, no slash at
    the end, `..` kept), without importing pathlib where paths are POSIX."""
    if os.name != "posix":
        from pathlib import Path

        return str(Path(path))
    # Two slashes at the start are kept, as POSIX leaves their meaning to the system.
    root = "//" if path[:2] == "//" and path[2:3] != "/" else "/" if path[:1] == "/" else ""
    return root + "/".join(part for part in path.split("/") if part and part != ".") or "."
