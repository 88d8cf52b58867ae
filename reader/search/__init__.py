"""Search: the query language, in-memory matching and ranking, snippets and highlights.

engine = SearchEngine(library.articles)
node = engine.parse('burglary -"cold calling" after:2019', prefix_last=True)
for article, score in engine.search(node):
    print(article.title, score, snippets(article, node))
"""

from reader.ordering import RELEVANCE, SEARCH_ORDERS
from reader.search.engine import (
    FlagTest,
    SearchEngine,
    SearchResult,
    SearchStopped,
)
from reader.search.query import (
    MATCH_ALL,
    And,
    DateFilter,
    Field,
    Flag,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    field_term,
    format_query,
    is_ranked,
    parse_query,
)
from reader.search.snippets import highlight_spans, snippets
from reader.text.tokens import fold, metadata_keys, token_spans, tokenize

__all__ = [
    "MATCH_ALL",
    "RELEVANCE",
    "SEARCH_ORDERS",
    "And",
    "DateFilter",
    "Field",
    "Flag",
    "FlagTest",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "QueryError",
    "SearchEngine",
    "SearchResult",
    "SearchStopped",
    "Term",
    "field_term",
    "fold",
    "format_query",
    "highlight_spans",
    "is_ranked",
    "metadata_keys",
    "parse_query",
    "snippets",
    "token_spans",
    "tokenize",
]
