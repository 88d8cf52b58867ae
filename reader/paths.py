"""Where the reader keeps its files for the user: state, configuration, index cache.

Each folder follows the platform's convention (platformdirs) unless an environment
variable names another; nothing here creates a folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "reader"


def state_dir() -> Path:
    """Reading state: $READER_STATE_DIR, else the platform's user state dir."""
    override = os.environ.get("READER_STATE_DIR")
    return Path(override) if override else Path(platformdirs.user_state_dir(APP_NAME))


def config_dir() -> Path:
    """Configuration: $READER_CONFIG_DIR, else the platform's user config dir."""
    override = os.environ.get("READER_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def cache_dir() -> Path:
    """Where index files go: $READER_CACHE_DIR, else the platform's user cache dir."""
    override = os.environ.get("READER_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "index"


def index_path(root: str | os.PathLike[str]) -> Path:
    """The index's database file for a root, in cache_dir: named by a hash of its real
    path."""
    real = os.path.realpath(root)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return cache_dir() / f"{digest}.sqlite3"
