"""Any string either parses or raises QueryError (never anything else), and what parses
prints back to text that parses to the same tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search.query import QueryError, format_query, parse_query

KEYS = frozenset({"og", "og.locale", "og.type", "tags"})

# Pieces of the query language, glued together in any order: far likelier than plain
# random text to reach every branch of the lexer and the parser.
PIECES = [
    '"', "(", ")", "-", ":", " ", " ", "  ", "OR", " OR ", "or", "title:", "body:", "area:",
    "url:", "initiative:", "og.locale:", "og:", "tags:", "titel:", "after:", "before:",
    "date:", "is:", "is:read", "is:starred", "2019", "2019-09", "2019-09-27", "2019-13",
    "-2020", "police", "Café", "co-op", "x_y", "&", "—", "½", "警察", "e\u0301", "https://",
    "\t", "\x00", "\n",
]  # fmt: skip
query_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=25).map(
    "".join
)
any_query = st.one_of(st.text(), query_like)


def _parse_or_error(text: str, prefix_last: bool) -> None:
    try:
        parse_query(text, metadata_keys=KEYS, prefix_last=prefix_last)
    except QueryError as error:
        assert 0 <= error.position <= len(text)
        assert error.message
        rendered = error.render(text)
        assert f"column {error.column}" in rendered


@settings(max_examples=400)
@given(any_query, st.booleans())
def test_any_text_parses_or_raises_query_error(text: str, prefix_last: bool) -> None:
    _parse_or_error(text, prefix_last)


@settings(max_examples=300)
@given(query_like)
def test_parsed_queries_print_back_to_the_same_tree(text: str) -> None:
    try:
        node = parse_query(text, metadata_keys=KEYS)
    except QueryError:
        return
    assert parse_query(format_query(node), metadata_keys=KEYS) == node
