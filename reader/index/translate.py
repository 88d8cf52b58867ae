"""The query tree (reader.search.query) as a tantivy query: the one place that knows how
each kind of node is searched in the full-text index (reader.index.text_index).

- A word or phrase looks in the title, the body, each initiative and each metadata value.
  Its score is tantivy's BM25 in each of those fields (each with its own statistics)
  times the field's weight (title 4, initiatives 2, body 1, metadata 0.5), added up;
  `title:`, `body:` and `initiative:` look in that field alone. An initiative is part of
  the body too, so a word in one counts in both.
- Closeness: when the query's plain words (its words and phrases, in order, at its top
  level or in its top-level AND) are two or more, an article also scores for holding
  them all as one phrase in its title (that phrase's BM25 times CLOSENESS["title"]) and
  all within NEAR_SLOP positions of each other, in order, in its body (times
  CLOSENESS["body"]). These only add to the score: what matches is unchanged. A last
  word typed as a prefix counts as typed there.
- The last word while typing is a prefix: the completions the index holds are listed
  from its term dictionary; the PREFIX_RANKED commonest are ranked as words, and any
  other completion still matches (a regular expression over the dictionary, score 0). A
  phrase whose last word is a prefix (`co-o`) is a tantivy regex phrase, ranked as a
  phrase.
- `area:`, `url:`, `folder:` and metadata fields look in `fields`, where each value's tokens carry
  their key's prefix (reader.index.rows.key_prefix); a field named by a dotted prefix
  (`og`) looks under every key it starts. They only filter: score 0.
- Dates are a range of the `day` field, `is:` states a set of rowids the caller picked;
  both only filter.
- AND, OR and NOT are tantivy's boolean query (Must, Should, MustNot); a NOT alone
  matches every other article.

Equal scores go to the newest article, then the lowest id: reader.index.engine sorts
them, as it puts results in any other order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import tantivy

from reader.index.rows import AREA_PREFIX, FOLDER_PREFIX, URL_PREFIX, key_prefix
from reader.search.query import (
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
)
from reader.text.tokens import CJK_LETTERS, cjk_bigrams, cjk_run

# Each ranked field's weight in a word's score; `title:` `body:` `initiative:` name one.
WEIGHTS = {"title": 4.0, "body": 1.0, "initiatives": 2.0, "metadata": 0.5}
RANKED_FIELD_OF = {"title": "title", "body": "body", "initiative": "initiatives"}
# The weights of the query's words as one phrase in the title, and close together in the
# body (within NEAR_SLOP positions): an exact title and words side by side rank above
# scattered hits in short articles.
CLOSENESS = {"title": 4.0, "body": 2.0}
NEAR_SLOP = {"title": 0, "body": 4}
# Completions of a prefix ranked as words (the commonest); the rest match with score 0.
PREFIX_RANKED = 64
# Completions listed to find the commonest: a one-letter prefix in a folder of codes
# could have hundreds of thousands.
PREFIX_LISTED = 20_000
# The parser keeps typed queries far shallower (10 levels of brackets and -); a tree
# made in code could be deep enough to overflow the engine's native stack.
MAX_NESTING = 64

Occur = tantivy.Occur
Query = tantivy.Query


class Translator:
    """Makes tantivy queries over one searcher (its term dictionary lists prefixes).

    `keys`: the folder's folded metadata paths (and dotted prefixes); `flagged`: for each
    `is:` state in the query, the rowids of the articles in that state."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        schema: tantivy.Schema,
        keys: Collection[str],
        flagged: Mapping[str, Sequence[int]],
    ) -> None:
        self._searcher = searcher
        self._schema = schema
        self._keys = keys
        self._flagged = flagged

    def ranked_query(self, node: Node) -> tantivy.Query:
        """`query(node)`, scoring more where the query's plain words stand together."""
        query = self.query(node)
        words = _plain_words(node)
        if len(words) < 2:
            return query
        # A phrase alone already holds its words side by side in the body: only the title
        # can add (the body's would cost its positions again: 10-20 ms at 100,000).
        fields = ("title",) if isinstance(node, Phrase) else tuple(CLOSENESS)
        schema = self._schema
        phrase: list[str | tuple[int, str]] = [*words]
        closeness = [
            (
                Occur.Should,
                Query.boost_query(
                    Query.phrase_query(schema, field, phrase, slop=NEAR_SLOP[field]), weight
                ),
            )
            for field, weight in CLOSENESS.items()
            if field in fields
        ]
        return Query.boolean_query([(Occur.Must, query), *closeness])

    def query(self, node: Node, depth: int = 0) -> tantivy.Query:
        if depth > MAX_NESTING:
            raise QueryError(
                f"the query is too complex for the index (nested over {MAX_NESTING} deep)",
                0,
                "use fewer parentheses, - signs and ORs",
            )
        if isinstance(node, Term | Phrase):
            return self._ranked(tuple(WEIGHTS), node)
        if isinstance(node, Field):
            field = RANKED_FIELD_OF.get(node.name)
            if field is not None:
                return self._ranked((field,), node.match)
            return _filter(self._field(node))
        if isinstance(node, DateFilter):
            lower = node.start.toordinal() if node.kind in ("after", "on") else None
            upper = node.end.toordinal() if node.kind in ("before", "on") else None
            days = Query.range_query(self._schema, "day", tantivy.FieldType.Integer, lower, upper)
            return _filter(days)
        if isinstance(node, Flag):
            rowids = list(self._flagged.get(node.name, ()))
            if not rowids:
                return Query.empty_query()
            return _filter(Query.term_set_query(self._schema, "rowid", rowids))
        if isinstance(node, Not):
            return Query.boolean_query(
                [(Occur.Must, _everything()), (Occur.MustNot, self.query(node.node, depth + 1))]
            )
        if isinstance(node, And):
            if not node.nodes:
                return _everything()
            parts = [
                (Occur.MustNot, self.query(child.node, depth + 1))
                if isinstance(child, Not)
                else (Occur.Must, self.query(child, depth + 1))
                for child in node.nodes
            ]
            if all(occur == Occur.MustNot for occur, _query in parts):
                parts.append((Occur.Must, _everything()))
            return Query.boolean_query(parts)
        if isinstance(node, Or):
            return Query.boolean_query(
                [(Occur.Should, self.query(child, depth + 1)) for child in node.nodes]
            )
        raise AssertionError(f"unexpected query node {node!r}")  # pragma: no cover

    def _ranked(self, fields: Sequence[str], match: Term | Phrase) -> tantivy.Query:
        words = (match.word,) if isinstance(match, Term) else match.words
        parts = [
            Query.boost_query(self._words(field, words, match.prefix, ranked=True), WEIGHTS[field])
            for field in fields
        ]
        if len(parts) == 1:
            return parts[0]
        return Query.boolean_query([(Occur.Should, part) for part in parts])

    def _field(self, node: Field) -> tantivy.Query:
        """A filter-only field: its words under the key prefix of each key it names."""
        if node.name == "area":
            prefixes = [AREA_PREFIX]
        elif node.name == "url":
            prefixes = [URL_PREFIX]
        elif node.name == "folder":
            prefixes = [FOLDER_PREFIX]
        else:
            dotted = node.name + "."
            prefixes = [
                key_prefix(key) for key in self._keys if key == node.name or key.startswith(dotted)
            ]
        match = node.match
        words = (match.word,) if isinstance(match, Term) else match.words
        parts = [
            self._words("fields", words, match.prefix, ranked=False, lead=prefix)
            for prefix in sorted(prefixes)
        ]
        if not parts:
            return Query.empty_query()  # a key no article has (any more)
        if len(parts) == 1:
            return parts[0]
        return Query.boolean_query([(Occur.Should, part) for part in parts])

    def _words(
        self, field: str, words: Sequence[str], prefix: bool, *, ranked: bool, lead: str = ""
    ) -> tantivy.Query:
        """The words (one, or a phrase) in `field`, the last one a prefix if so; `lead`
        goes before each (a key's prefix)."""
        schema = self._schema
        if len(words) == 1 and _is_cjk_character(words[0]):
            # A CJK character alone is a token only where its run is one character long;
            # elsewhere it is in the bigrams before and after it (typed as a prefix too:
            # every bigram starting with it is among these).
            char = words[0]
            return Query.boolean_query(
                [
                    (Occur.Should, Query.term_query(schema, field, lead + char)),
                    (Occur.Should, Query.regex_query(schema, field, _beside(lead, char))),
                ]
            )
        if len(words) > 1 and any(map(_is_cjk_character, words)):
            # A CJK character alone in a phrase is a run of its own in the query, beside
            # other letters or digits (`3月`) or a break between runs: in a text the run may
            # go on beyond it on the side with nothing beside it (`3月に`).
            end = len(words) - 1
            patterns = [
                _lone(lead, word, first=at > 0, last=at < end)
                if _is_cjk_character(word)
                else lead + word
                for at, word in enumerate(words)
            ]
            if prefix:
                patterns[-1] += ".*"
            phrase: list[str | tuple[int, str]] = [*patterns]
            return Query.regex_phrase_query(schema, field, phrase)
        words = [lead + word for word in words]
        if not prefix:
            if len(words) == 1:
                return Query.term_query(schema, field, words[0])
            return Query.phrase_query(schema, field, list(words))
        # Tokens are letters and digits only: never a regular expression's operator.
        if len(words) > 1:
            return Query.regex_phrase_query(schema, field, [*words[:-1], f"{words[-1]}.*"])
        every = Query.regex_query(schema, field, f"{words[0]}.*")
        if not ranked:
            return every
        completions = self._searcher.terms_with_prefix(field, words[0], limit=PREFIX_LISTED)
        commonest = sorted(completions, key=lambda item: -item[1])[:PREFIX_RANKED]
        parts = [(Occur.Should, Query.term_query(schema, field, term)) for term, _n in commonest]
        if len(completions) > PREFIX_RANKED:
            parts.append((Occur.Should, _filter(every)))
        if not parts:
            return Query.empty_query()
        return parts[0][1] if len(parts) == 1 else Query.boolean_query(parts)


def _plain_words(node: Node) -> list[str]:
    """The words of the query's plain words and phrases, in order: the query itself or
    the children of its top-level AND (fields, groups and negations left out)."""
    children = node.nodes if isinstance(node, And) else (node,)
    words: list[str] = []
    for child in children:
        if isinstance(child, Term):
            words.append(child.word)
        elif isinstance(child, Phrase):
            words.extend(child.words)
    return words


# One character of a run (tantivy's regex syntax: `--` is a class difference): a Hangul
# syllable is folded to a leading jamo and up to 2 more (a vowel, a final), so 가 (ㄱ ㅏ)
# must not take 각's final ㄱ for the start of the next syllable.
_JAMO_TAIL = "\u1160-\u11ff\ud7b0-\ud7ff"
_CJK_UNIT = f"[{CJK_LETTERS}--{_JAMO_TAIL}][{_JAMO_TAIL}]{{0,2}}"


def _is_cjk_character(word: str) -> bool:
    # An ASCII word never is: known without compiling cjk_run.
    if word.isascii() or cjk_run().fullmatch(word) is None:
        return False
    return cjk_bigrams(word) == [(0, len(word))]


def _beside(lead: str, char: str) -> str:
    """A regular expression for the bigrams with `char` first or last."""
    return f"{lead}({char}{_CJK_UNIT}|{_CJK_UNIT}{char})"


def _lone(lead: str, char: str, *, first: bool, last: bool) -> str:
    """A regular expression for the token of a text's run holding `char`, a run of its
    own in a query's phrase: as its run's first character and/or its last."""
    if first and last:
        return lead + char
    if first:
        return f"{lead}{char}({_CJK_UNIT})?"
    return f"{lead}({_CJK_UNIT})?{char}"


def _filter(query: tantivy.Query) -> tantivy.Query:
    """Matches as `query` does, adding nothing to the score."""
    return Query.const_score_query(query, 0.0)


def _everything() -> tantivy.Query:
    return _filter(Query.all_query())
