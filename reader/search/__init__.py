"""Search: the query language (text in, a tree out), and where a query hits inside an
article (highlights and snippets). The index runs queries: reader.index.SearchEngine.

node = engine.parse('burglary -"cold calling" after:2019', prefix_last=True)
for summary, score in engine.search(node):
    print(summary.title, score, snippets(store.article(summary.id), node))
"""

from reader.search.query import (
    MATCH_ALL,
    And,
    DateFilter,
    Field,
    Flag,
    FlagTest,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    SearchStopped,
    Term,
    field_term,
    format_query,
    is_ranked,
    parse_query,
)
from reader.search.snippets import highlight_spans, snippets

__all__ = [
    "MATCH_ALL",
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
    "SearchStopped",
    "Term",
    "field_term",
    "format_query",
    "highlight_spans",
    "is_ranked",
    "parse_query",
    "snippets",
]
