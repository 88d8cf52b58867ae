"""reader: a keyboard-first terminal reader for folders of markdown articles.

The package below `reader.tui` is a plain library:

    >>> from reader import load_library
    >>> library = load_library("sample_articles")
"""

from reader.loading import load_article
from reader.loading.folder import Library, load_library
from reader.model import Article, LoadProblem
from reader.ordering import sort_articles

__all__ = ["Article", "Library", "LoadProblem", "load_article", "load_library", "sort_articles"]
__version__ = "0.1.0"
