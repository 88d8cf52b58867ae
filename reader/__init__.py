"""reader: a keyboard-first terminal reader for folders of markdown articles.

The package below `reader.tui` is a plain library:

    >>> from reader import load_library
    >>> library = load_library("sample_articles")
"""

from __future__ import annotations

from reader.lazy import lazy_names

# (Not typing's: `reader` starts the walk helpers of `reader search` before importing
# typing, reader.launch; mypy reads this name as typing's.)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from reader.loading import load_article
    from reader.loading.folder import Library, load_library
    from reader.model import Article, LoadProblem
    from reader.ordering import sort_articles

__all__ = ["Article", "Library", "LoadProblem", "load_article", "load_library", "sort_articles"]
__version__ = "0.1.0"

# Imported when first used: `reader search` from the shell must not pay for the loader
# (markdown-it, YAML) unless a file changed.
_HOMES = {
    "Article": "reader.model",
    "LoadProblem": "reader.model",
    "Library": "reader.loading.folder",
    "load_library": "reader.loading.folder",
    "load_article": "reader.loading",
    "sort_articles": "reader.ordering",
}

__getattr__ = lazy_names(__name__, _HOMES)
