"""Where the bundled sample articles and stylesheets are.

An installed wheel carries them inside the package (reader/_data, see pyproject.toml); a
source checkout or editable install finds them at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


def samples_dir() -> Path:
    """The bundled sample_articles folder."""
    return _data_dir("sample_articles")


def styles_dir() -> Path:
    """The folder of .tcss stylesheets."""
    return _data_dir("styles")
