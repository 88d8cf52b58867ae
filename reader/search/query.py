"""The query language: text in, a tree of frozen dataclasses out, or a QueryError.

    police "chief constable" -burglary (Kent OR Essex) title:drones after:2019-06 og.locale:en_GB

Grammar (NOT binds tightest, then the implicit AND between neighbours, then OR):

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary+
    unary    := "-" unary | primary
    primary  := word | '"' phrase '"' | field ":" (word | '"' phrase '"') | "(" or_expr ")"

Words and phrases are stored folded and split into tokens (see `reader.text.tokens`): a word
with several tokens (`co-op`) is the phrase "co op"; a word or phrase with no letters or
digits at all (`&`, `-`) is dropped, as if it were not there. The empty query is `MATCH_ALL`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reader.text.cells import cells
from reader.text.tokens import tokenize, words_text

TEXT_FIELDS = ("title", "body", "area", "url", "initiative", "folder")
# Fields whose hits count towards relevance; the others only filter.
RANKED_FIELDS = ("title", "body", "initiative")
DATE_FIELDS = ("after", "before", "date")
FLAG_FIELD = "is"
# `is:duplicate` (a near-duplicate copy, reader.index.duplicates) is the index's to answer;
# the others the caller's (reading state).
INDEX_FLAGS = ("duplicate",)
DEFAULT_FLAGS = ("read", "unread", "starred", *INDEX_FLAGS)
# Queries are input too (a paste can hold anything), and each of these is far beyond what
# anyone types: longer than MAX_CHARACTERS, or with more than MAX_TERMS words (each word
# of a phrase counts, and each field, date and is:), or nested deeper than MAX_DEPTH
# (parentheses and -). A query of 3,000 ORs took minutes to rank; one nested 18 deep
# overflowed SQLite's full-text query parser.
MAX_CHARACTERS = 1000
MAX_TERMS = 32
MAX_DEPTH = 10
_TOO_MANY_TERMS_HINT = (
    f"a query holds at most {MAX_TERMS} search terms (each word of a phrase counts): "
    "search for fewer"
)

DateKind = Literal["after", "before", "on"]


@dataclass(frozen=True, slots=True)
class Term:
    """One folded token; with `prefix`, any token starting with it."""

    word: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive folded tokens within one text; with `prefix`, the last one is a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """A word or phrase searched in one field: a built-in one or a folded metadata path."""

    name: str
    match: Term | Phrase


@dataclass(frozen=True, slots=True)
class DateFilter:
    """Published on a calendar date in [start, end] (`on`), on or after start, or up to end."""

    kind: DateKind
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class Flag:
    """`is:NAME`: a per-article state (read, starred…) that the caller evaluates."""

    name: str


# Answers `is:NAME` for one article by its id: flag_test(article_id, "starred") -> bool.
FlagTest = Callable[[str, str], bool]


class SearchStopped(Exception):
    """A search given up because its `should_stop()` said so (a newer one replaced it)."""


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Term | Phrase | Field | DateFilter | Flag | Not | And | Or
Leaf = Term | Phrase | Field
MATCH_ALL = And(())


class QueryError(ValueError):
    """A query that cannot be read: what is wrong, where (0-based `position`), and a hint."""

    def __init__(self, message: str, position: int, hint: str | None = None) -> None:
        super().__init__(f"{message} at column {position + 1}")
        self.message = message
        self.position = position
        self.hint = hint

    @property
    def column(self) -> int:
        return self.position + 1

    def render(self, query: str) -> str:
        """The message, the query with a caret under the column, and the hint: for a
        terminal. A long query is shown around the column only, on one line."""
        start = max(0, self.position - _SHOWN_AROUND)
        end = self.position + _SHOWN_AROUND
        head = "…" if start else ""
        window = "".join(_printable(char) for char in query[start:end])
        shown = head + window + ("…" if end < len(query) else "")
        caret = " " * cells(head + window[: self.position - start]) + "^"
        lines = [f"{self.message} at column {self.column}", f"  {shown}", f"  {caret}"]
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


# Characters shown each side of an error's column in render().
_SHOWN_AROUND = 60


def _printable(char: str) -> str:
    return "?" if unicodedata.category(char).startswith("C") else char


def parse_query(
    text: str,
    *,
    metadata_keys: Collection[str] = (),
    flags: Collection[str] = DEFAULT_FLAGS,
    prefix_last: bool = False,
) -> Node:
    """Parse `text`; raises QueryError.

    `metadata_keys` are the folded dotted paths that may be used as fields (see
    `reader.text.tokens.metadata_keys`); `flags` the names `is:` accepts. With
    `prefix_last` (live search while typing) the last word matches as a prefix, unless it is
    quoted, negated, or followed by whitespace.
    """
    if len(text) > MAX_CHARACTERS:
        raise QueryError(
            f"query longer than {MAX_CHARACTERS:,} characters",
            MAX_CHARACTERS,
            "shorten it: a query this long is not a search anyone types",
        )
    lexemes = _lex(text)
    prefix_at = _prefix_target(text, lexemes) if prefix_last else -1
    keys = frozenset(key.casefold() for key in metadata_keys)
    parser = _Parser(text, lexemes, keys, flags, prefix_at)
    return parser.parse()


# -- lexing -------------------------------------------------------------------------------

_FIELD = re.compile(r"([^\W\d][\w.\-]*):(.*)", re.DOTALL)
_STOP = frozenset('()"')


@dataclass(frozen=True, slots=True)
class _Lexeme:
    kind: Literal["word", "phrase", "field", "(", ")", "OR", "-"]
    start: int
    end: int
    text: str = ""  # the word, the phrase inside its quotes, or a field's value
    name: str = ""  # a field's name as typed
    quoted: bool = False  # a field value in quotes
    value_start: int = 0


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    length = len(query)
    index = 0
    while index < length:
        char = query[index]
        if char.isspace():
            index += 1
        elif char in "()":
            lexemes.append(_Lexeme(char, index, index + 1))  # type: ignore[arg-type]
            index += 1
        elif char == '"':
            close = _closing_quote(query, index)
            lexemes.append(_Lexeme("phrase", index, close + 1, query[index + 1 : close]))
            index = close + 1
        elif char == "-" and index + 1 < length and not _ends_atom(query[index + 1]):
            lexemes.append(_Lexeme("-", index, index + 1))
            index += 1
        else:
            end = index
            while end < length and not query[end].isspace() and query[end] not in _STOP:
                end += 1
            lexemes.append(_word_lexeme(query, index, end, lexemes))
            index = lexemes[-1].end
    return lexemes


def _ends_atom(char: str) -> bool:
    return char.isspace() or char == ")"


def _closing_quote(query: str, opening: int) -> int:
    close = query.find('"', opening + 1)
    if close < 0:
        raise QueryError("unclosed quote", opening, 'add a closing " or remove this one')
    return close


def _word_lexeme(query: str, start: int, end: int, before: list[_Lexeme]) -> _Lexeme:
    word = query[start:end]
    match = _FIELD.fullmatch(word)
    # `https://…` is a pasted address, not a field called "https".
    if match is not None and not match.group(2).startswith("//"):
        name, value = match.groups()
        value_start = start + len(name) + 1
        if not value and end < len(query) and query[end] == '"':
            close = _closing_quote(query, end)
            return _Lexeme(
                "field", start, close + 1, query[end + 1 : close], name, True, value_start
            )
        return _Lexeme("field", start, end, value, name, False, value_start)
    negated = bool(before) and before[-1].kind == "-" and before[-1].end == start
    if word == "OR" and not negated:
        return _Lexeme("OR", start, end)
    return _Lexeme("word", start, end, word)


def _prefix_target(query: str, lexemes: list[_Lexeme]) -> int:
    """Index of the lexeme that matches as a prefix while typing, or -1."""
    if not lexemes or lexemes[-1].end != len(query):
        return -1
    last = lexemes[-1]
    negated = len(lexemes) > 1 and lexemes[-2].kind == "-" and lexemes[-2].end == last.start
    if negated or not (last.kind == "word" or (last.kind == "field" and not last.quoted)):
        return -1
    return len(lexemes) - 1


# -- parsing ------------------------------------------------------------------------------


class _Parser:
    def __init__(
        self,
        query: str,
        lexemes: list[_Lexeme],
        metadata_keys: frozenset[str],
        flags: Collection[str],
        prefix_at: int,
    ) -> None:
        self.query = query
        self.lexemes = lexemes
        self.metadata_keys = metadata_keys
        self.flags = tuple(flags)
        self.prefix_at = prefix_at
        self.index = 0
        self.depth = 0
        self.terms = 0

    def parse(self) -> Node:
        node = self._or()
        if self.index < len(self.lexemes):  # only a ")" stops the top level early
            stray = self.lexemes[self.index]
            raise QueryError("unmatched )", stray.start, "remove it, or add a ( before it")
        return MATCH_ALL if node is None else node

    def _peek(self) -> str | None:
        return self.lexemes[self.index].kind if self.index < len(self.lexemes) else None

    def _take(self) -> _Lexeme:
        lexeme = self.lexemes[self.index]
        self.index += 1
        return lexeme

    def _or(self) -> Node | None:
        if self._peek() == "OR":
            raise QueryError(
                "OR needs a search term before it",
                self.lexemes[self.index].start,
                'write "a OR b"; to search for the word or, write it in lower case',
            )
        branches = [self._and()]
        while self._peek() == "OR":
            keyword = self._take()
            if self._peek() in (None, ")", "OR"):
                raise QueryError(
                    "OR needs a search term after it",
                    keyword.start,
                    'write "a OR b"; to search for the word or, write it in lower case',
                )
            branches.append(self._and())
        return _combine(Or, branches)

    def _and(self) -> Node | None:
        items: list[Node | None] = []
        while self._peek() not in (None, ")", "OR"):
            items.append(self._unary())
        return _combine(And, items)

    def _unary(self) -> Node | None:
        lexeme = self._take()
        nests = lexeme.kind in ("-", "(")
        self.depth += nests
        try:
            if self.depth > MAX_DEPTH:
                raise QueryError(
                    f"query nested more than {MAX_DEPTH} deep",
                    lexeme.start,
                    "use fewer parentheses and - signs inside each other",
                )
            if lexeme.kind == "-":
                if self._peek() in (None, ")", "OR"):  # the lexer never makes this, but be sure
                    raise QueryError("nothing after -", lexeme.start, "write -word to exclude it")
                operand = self._unary()
                return None if operand is None else Not(operand)
            if lexeme.kind == "(":
                return self._group(lexeme)
            node: Node | None
            if lexeme.kind == "word":
                node = _text_node(lexeme.text, self.index - 1 == self.prefix_at)
            elif lexeme.kind == "phrase":
                node = _text_node(lexeme.text, False)
            elif lexeme.kind == "field":
                node = self._field(lexeme)
            else:
                raise QueryError(f"unexpected {lexeme.kind}", lexeme.start)  # pragma: no cover
            self._count(node, lexeme)
            return node
        finally:
            self.depth -= nests

    def _count(self, node: Node | None, lexeme: _Lexeme) -> None:
        """Count the search terms `node` adds; too many is an error at `lexeme`."""
        match = node.match if isinstance(node, Field) else node
        self.terms += len(match.words) if isinstance(match, Phrase) else node is not None
        if self.terms > MAX_TERMS:
            raise QueryError(
                f"more than {MAX_TERMS} search terms", lexeme.start, _TOO_MANY_TERMS_HINT
            )

    def _group(self, opening: _Lexeme) -> Node | None:
        if self._peek() == ")":
            raise QueryError("empty parentheses", opening.start, "put search terms inside them")
        inner = self._or()
        if self._peek() != ")":
            raise QueryError("unclosed parenthesis", opening.start, "add a ) to close it")
        self._take()
        return inner

    def _field(self, lexeme: _Lexeme) -> Node:
        name = lexeme.name.casefold()
        value = lexeme.text
        if name in DATE_FIELDS:
            start, end = _date_range(name, value.strip(), lexeme.value_start)
            kind: DateKind = "on" if name == "date" else name  # type: ignore[assignment]
            return DateFilter(kind, start, end)
        if name == FLAG_FIELD:
            return self._flag(value, lexeme.value_start)
        if name not in TEXT_FIELDS and name not in self.metadata_keys:
            raise QueryError(
                f"unknown field '{lexeme.name}:'", lexeme.start, self._field_hint(name)
            )
        if not value.strip():
            hint = f'write {name}:word or {name}:"a phrase", with no space after the colon'
            if self.query.startswith("(", lexeme.end):
                hint = f"a field takes one word or phrase: write ({name}:a OR {name}:b)"
            raise QueryError(
                f"{lexeme.name}: needs something to search for", lexeme.value_start, hint
            )
        prefix = not lexeme.quoted and self.index - 1 == self.prefix_at
        node = _text_node(value, prefix)
        if node is None:
            raise QueryError(
                f"nothing to search for in {lexeme.name}:{value}",
                lexeme.value_start,
                "a field value needs letters or digits",
            )
        return Field(name, node)

    def _flag(self, value: str, position: int) -> Flag:
        flag = value.strip().casefold()
        if flag in self.flags:
            return Flag(flag)
        if not self.flags:
            raise QueryError(
                f"is:{value} is not available here",
                position,
                "is: filters by reading state, which only the reader keeps",
            )
        choices = ", ".join(f"is:{name}" for name in self.flags)
        if not flag:
            raise QueryError("is: needs a state", position, f"write one of {choices}")
        from difflib import get_close_matches  # for a hint only: not at start

        close = get_close_matches(flag, self.flags, n=1)
        hint = f"did you mean is:{close[0]}?" if close else f"write one of {choices}"
        raise QueryError(f"unknown state 'is:{value}'", position, hint)

    def _field_hint(self, name: str) -> str:
        built_in = (*TEXT_FIELDS, *DATE_FIELDS, FLAG_FIELD)
        from difflib import get_close_matches  # for a hint only: not at start

        close = get_close_matches(name, [*built_in, *sorted(self.metadata_keys)], n=1)
        if close:
            return f"did you mean {close[0]}:?"
        fields = ", ".join(f"{field}:" for field in built_in)
        return f"fields are {fields} and the metadata keys of the articles"


def _text_node(text: str, prefix: bool) -> Term | Phrase | None:
    tokens = tokenize(text)
    if not tokens:
        return None
    if len(tokens) == 1:
        return Term(tokens[0], prefix)
    return Phrase(tuple(tokens), prefix)


def _combine(kind: type[And] | type[Or], items: list[Node | None]) -> Node | None:
    """`kind` of the items that are not None, flattening nested ones of the same kind."""
    nodes: list[Node] = []
    for item in items:
        if isinstance(item, kind):
            nodes.extend(item.nodes)
        elif item is not None:
            nodes.append(item)
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(tuple(nodes))


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DATE_HINT = "a date is a year, month or day: 2019, 2019-09 or 2019-09-27"


def _date_range(field: str, value: str, position: int) -> tuple[date, date]:
    """The first and last day of the year, month or day `value` names."""
    if not value:
        raise QueryError(f"{field}: needs a date", position, _DATE_HINT)
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        year = int(match.group(1))
        if match.group(3) is not None:
            day = date(year, int(match.group(2)), int(match.group(3)))
            return day, day
        if match.group(2) is not None:
            month = int(match.group(2))
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return date(year, month, 1), date(year, month, last)
        return date(year, 1, 1), date(year, 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        raise QueryError(f"'{value}' is not a date", position, _DATE_HINT) from None


# -- reading a parsed query ------------------------------------------------------------


def format_query(node: Node) -> str:
    """Query text that parses back to `node` (prefix matching aside)."""
    if isinstance(node, Term):
        return node.word
    if isinstance(node, Phrase):
        return '"' + words_text(node.words) + '"'
    if isinstance(node, Field):
        return f"{node.name}:{format_query(node.match)}"
    if isinstance(node, DateFilter):
        field = "date" if node.kind == "on" else node.kind
        return f"{field}:{_format_period(node.start, node.end)}"
    if isinstance(node, Flag):
        return f"{FLAG_FIELD}:{node.name}"
    if isinstance(node, Not):
        inner = format_query(node.node)
        return f"-({inner})" if isinstance(node.node, And | Or) else f"-{inner}"
    if isinstance(node, And):
        return " ".join(
            f"({format_query(child)})" if isinstance(child, Or) else format_query(child)
            for child in node.nodes
        )
    return " OR ".join(format_query(child) for child in node.nodes)


def field_term(name: str, value: str) -> str | None:
    """Query text for "`value` in field `name`", safe whatever `value` holds (quotes,
    colons, brackets): `field_term("area", 'Devon & "Cornwall"')` is `area:"devon cornwall"`.
    None when `value` has no letters or digits to search for."""
    node = _text_node(value, False)
    return None if node is None else format_query(Field(name.casefold(), node))


def _format_period(start: date, end: date) -> str:
    if start == end:
        return start.isoformat()
    if start.day == 1 and end == date(start.year, start.month, 1).replace(
        day=calendar.monthrange(start.year, start.month)[1]
    ):
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}"


def positive_leaves(node: Node) -> Iterator[Leaf]:
    """Word, phrase and field leaves that are not under a negation, in query order."""
    if isinstance(node, Term | Phrase | Field):
        yield node
    elif isinstance(node, And | Or):
        for child in node.nodes:
            yield from positive_leaves(child)


def ranked_leaves(node: Node) -> list[Leaf]:
    """The positive leaves that count towards relevance: words, phrases, title/body/initiative."""
    return [
        leaf
        for leaf in positive_leaves(node)
        if not isinstance(leaf, Field) or leaf.name in RANKED_FIELDS
    ]


def is_ranked(node: Node) -> bool:
    """Whether results of `node` are ordered by relevance (it has a positive word)."""
    return bool(ranked_leaves(node))


def flags_of(node: Node) -> set[str]:
    """The `is:` states `node` uses."""
    if isinstance(node, Flag):
        return {node.name}
    if isinstance(node, Not):
        return flags_of(node.node)
    if isinstance(node, And | Or):
        return set().union(*(flags_of(child) for child in node.nodes))
    return set()
