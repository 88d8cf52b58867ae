"""Search over articles held in memory: which articles match a query, and how well.

Matching follows the query tree over the whole collection, one set of article numbers per
node. Each article's searched texts are folded and tokenised once, on the first search (or
`prepare()`), into one string in which every token is wrapped as START token END and the
texts are separated by GAP, so a word, a prefix or a phrase is one substring search, and a
phrase can never run from one text into the next. A word -> articles map (with the word's
weighted hits in each) answers and ranks single words and prefixes without looking at any
text; it also narrows the articles a phrase or a field is checked in.

Relevance is BM25 over four weighted fields taken as one document, computed exactly as
SQLite FTS5's `bm25()` computes it over the persistent index's columns (reader.index), so
both engines give the same scores: see `bm25`, `idf` and README "Search".
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass
from typing import NamedTuple

from reader.model import Article, published_sort_key
from reader.ordering import RELEVANCE, SEARCH_ORDERS, SORT_ORDERS, sort_articles
from reader.search.query import (
    DEFAULT_FLAGS,
    And,
    DateFilter,
    Field,
    Flag,
    Node,
    Not,
    Or,
    Phrase,
    Term,
    flags_of,
    parse_query,
    ranked_leaves,
)
from reader.text.tokens import metadata_keys, search_text, tokenize

# BM25 parameters and field weights. A hit in a title counts 4, in an initiative 2 (on top
# of the 1 it counts in the body that contains it), in the body 1, in a metadata value 0.5.
K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
INITIATIVE_WEIGHT = 2.0
BODY_WEIGHT = 1.0
METADATA_WEIGHT = 0.5
# The word map keeps each word's weighted hits in half units, as small exact integers.
_HALVES = {
    "title": int(TITLE_WEIGHT * 2),
    "initiative": int(INITIATIVE_WEIGHT * 2),
    "body": int(BODY_WEIGHT * 2),
    "metadata": int(METADATA_WEIGHT * 2),
}

FlagTest = Callable[[str, str], bool]


class SearchStopped(Exception):
    """A search given up because its `should_stop()` said so."""


"""Answers `is:NAME` for one article by its id: flag_test(article_id, "starred") -> bool."""

_START, _END, _GAP = "\x01", "\x02", "\x00"
_LEAF_CACHE_SIZE = 512


class SearchResult(NamedTuple):
    article: Article
    # BM25 relevance; None when the query has no words to rank by.
    score: float | None


@dataclass(frozen=True, slots=True)
class _Doc:
    """One article's searched texts as wrapped tokens: title, GAP, body, GAP, each
    initiative and each metadata value, separated by GAP."""

    text: str
    title_end: int
    body_end: int
    initiatives_end: int
    metadata: tuple[tuple[str, int, int], ...]  # (folded key, start, end) of each value
    area: str
    url: str
    length: int  # tokens in title, body, initiatives and metadata: BM25's document length
    day: int | None  # ordinal of the published calendar date


class _Index:
    def __init__(self, articles: Sequence[Article]) -> None:
        docs: list[_Doc] = []
        # word -> the articles it occurs in (ascending), and its weighted hits in each, in
        # half units (title hit 8, initiative 4, body 2, metadata 1).
        postings: dict[str, list[int]] = {}
        halves: dict[str, list[int]] = {}
        total = 0
        for number, article in enumerate(articles):
            doc, counts = _doc(article)
            docs.append(doc)
            total += doc.length
            for token, count in counts.items():
                found = postings.get(token)
                if found is None:
                    postings[token] = [number]
                    halves[token] = [count]
                else:
                    found.append(number)
                    halves[token].append(count)
        self.docs = docs
        self.postings = postings
        self.halves = halves
        self.vocabulary = sorted(postings)
        average_length = total / len(docs) if docs and total else 1.0
        self.norms = [length_norm(doc.length, average_length) for doc in docs]
        # Relevance ties go to the newest article (undated last), then the lowest id.
        self.tie_keys = [
            (-published_sort_key(article.published), article.id) for article in articles
        ]
        self.everything = frozenset(range(len(docs)))

    def expand(self, prefix: str) -> list[str]:
        """Every word in the collection that starts with `prefix`."""
        vocabulary = self.vocabulary
        position = bisect_left(vocabulary, prefix)
        words = []
        while position < len(vocabulary) and vocabulary[position].startswith(prefix):
            words.append(vocabulary[position])
            position += 1
        return words


def _wrap(tokens: list[str]) -> str:
    return _START + (_END + _START).join(tokens) + _END if tokens else ""


def _doc(article: Article) -> tuple[_Doc, Counter[str]]:
    """The article's searchable form, and each of its words' weighted hits in half units."""
    texts = search_text(article)
    title = tokenize(texts.title)
    body = tokenize(texts.body)
    initiatives = [tokenize(text) for text in texts.initiatives]
    metadata = [(key, tokenize(text)) for key, text in texts.metadata]
    parts = [_wrap(title), _wrap(body)]
    title_end = len(parts[0])
    body_end = title_end + 1 + len(parts[1])
    initiatives_end = body_end
    for tokens in initiatives:
        parts.append(_wrap(tokens))
        initiatives_end += 1 + len(parts[-1])
    spans: list[tuple[str, int, int]] = []
    position = initiatives_end
    for key, tokens in metadata:
        parts.append(_wrap(tokens))
        spans.append((key, position + 1, position + 1 + len(parts[-1])))
        position = spans[-1][2]
    # Counting repeated lists runs in C: far quicker than adding weights word by word.
    counts = Counter(title * _HALVES["title"])
    counts.update(body * _HALVES["body"])
    # One more for each break between two initiatives or two metadata values: the index
    # stores a separator token there (see reader.index.rows), and its BM25 counts it.
    length = len(title) + len(body) + _breaks(initiatives) + _breaks(metadata)
    for tokens in initiatives:
        counts.update(tokens * _HALVES["initiative"])
        length += len(tokens)
    for _key, tokens in metadata:
        counts.update(tokens * _HALVES["metadata"])
        length += len(tokens)
    published = article.published
    doc = _Doc(
        text=_GAP.join(parts),
        title_end=title_end,
        body_end=body_end,
        initiatives_end=initiatives_end,
        metadata=tuple(spans),
        area=_wrap(tokenize(texts.area)),
        url=_wrap(tokenize(texts.url)),
        length=length,
        day=published.date().toordinal() if published is not None else None,
    )
    return doc, counts


def _breaks(values: Sized) -> int:
    return max(len(values) - 1, 0)


def _pattern(match: Term | Phrase) -> str:
    words = (match.word,) if isinstance(match, Term) else match.words
    pattern = _START + (_END + _START).join(words)
    return pattern if match.prefix else pattern + _END


def _count(text: str, pattern: str, start: int, end: int, overlapping: bool) -> int:
    """Occurrences of `pattern` in text[start:end]; with `overlapping`, ones that overlap
    count too ("a a" occurs twice in "a a a")."""
    if not overlapping:
        return text.count(pattern, start, end)
    count = 0
    found = text.find(pattern, start, end)
    while found >= 0:
        count += 1
        found = text.find(pattern, found + 1, end)
    return count


def length_norm(length: int, average_length: float) -> float:
    """K1 × (1 − B + B × length / average length): BM25's document-length term."""
    return K1 * (1 - B + B * length / average_length)


def bm25(frequency: float, norm: float, idf: float) -> float:
    """One word's or phrase's share of an article's score.

    `frequency` is the weighted hit count: title hits × 4 + initiative hits × 2 + body hits
    + metadata hits × 0.5 (only the field's own for `title:`, `initiative:`, `body:`),
    exact in floating point; `norm` is `length_norm()` of the article; `idf` is `idf()`.
    """
    # Grouped as FTS5 groups it, so both give the same floating-point result.
    return idf * ((frequency * (K1 + 1)) / (frequency + norm))


# What `idf` gives a word in half the articles or more, where the formula is 0 or less.
MIN_IDF = 1e-6


def idf(articles: int, containing: int) -> float:
    """ln((N - n + 0.5) / (n + 0.5)), or MIN_IDF where that is not positive: N articles,
    n of them hit. The classic BM25 IDF exactly as SQLite FTS5's bm25() computes it, so
    the persistent index ranks in SQLite and gives these same scores."""
    value = math.log((articles - containing + 0.5) / (containing + 0.5))
    return value if value > 0 else MIN_IDF


class SearchEngine:
    """Searches a fixed collection of articles; build it once, query it many times.

    Thread-safe: the TUI may search from several workers at once.
    """

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles: tuple[Article, ...] = tuple(articles)
        self._index: _Index | None = None
        self._metadata_keys: frozenset[str] | None = None
        self._leaves: OrderedDict[Node, frozenset[int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def metadata_keys(self) -> frozenset[str]:
        """Folded dotted metadata paths (and their prefixes) a query may use as fields."""
        if self._metadata_keys is None:
            self._metadata_keys = metadata_keys(self.articles)
        return self._metadata_keys

    def parse(
        self, text: str, *, prefix_last: bool = False, flags: Sequence[str] = DEFAULT_FLAGS
    ) -> Node:
        """`parse_query` with this collection's metadata keys; raises QueryError."""
        return parse_query(
            text, metadata_keys=self.metadata_keys, flags=flags, prefix_last=prefix_last
        )

    def prepare(self) -> None:
        """Fold and tokenise every article now rather than on the first search (a second
        or so per 5,000 articles: call it from a worker)."""
        self._built()
        _ = self.metadata_keys

    def _built(self) -> _Index:
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = _Index(self.articles)
                index = self._index
        return index

    def search(
        self,
        query: Node | str,
        *,
        order: str = RELEVANCE,
        fallback_order: str = "newest",
        flag_test: FlagTest | None = None,
        prefix_last: bool = False,
        limit: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[SearchResult]:
        """The articles matching `query`, best first.

        `order` is "relevance" (BM25 when the query has words, else `fallback_order`) or
        one of `reader.ordering.SORT_ORDERS`. Scores are given whenever the query has words,
        whatever the order. A query using `is:` needs `flag_test`. A string query is parsed
        first (raising QueryError). `limit` keeps only the first N results. When
        `should_stop()` turns true (a newer search wants the engine) SearchStopped is
        raised, here between matching and ranking.
        """
        if order not in SEARCH_ORDERS or fallback_order not in SORT_ORDERS:
            raise ValueError(f"unknown order {order!r}; choose one of {', '.join(SEARCH_ORDERS)}")
        node = self.parse(query, prefix_last=prefix_last) if isinstance(query, str) else query
        if flag_test is None and flags_of(node):
            raise ValueError("the query uses is: states but no flag_test was given")
        index = self._built()
        matched = self._match(index, node, flag_test)
        if should_stop is not None and should_stop():
            raise SearchStopped
        leaves = ranked_leaves(node)
        scores = self._scores(index, leaves, matched) if leaves else None
        if order == RELEVANCE and scores is not None:
            tie_keys = index.tie_keys
            ranked = sorted(matched, key=lambda number: (-scores[number], tie_keys[number]))
            return [
                SearchResult(self.articles[number], scores[number]) for number in ranked[:limit]
            ]
        if order == RELEVANCE:
            order = fallback_order
        position = {id(self.articles[number]): number for number in matched}
        ordered = sort_articles((self.articles[number] for number in matched), order)
        return [
            SearchResult(article, None if scores is None else scores[position[id(article)]])
            for article in ordered[:limit]
        ]

    # -- matching --------------------------------------------------------------------------

    def _match(self, index: _Index, node: Node, flag_test: FlagTest | None) -> frozenset[int]:
        if isinstance(node, And):
            positives = [child for child in node.nodes if not isinstance(child, Not)]
            negatives = [child.node for child in node.nodes if isinstance(child, Not)]
            sets = sorted((self._match(index, child, flag_test) for child in positives), key=len)
            result = set(sets[0]) if sets else set(index.everything)
            for other in sets[1:]:
                result.intersection_update(other)
            for negative in negatives:
                if not result:
                    break
                result.difference_update(self._match(index, negative, flag_test))
            return frozenset(result)
        if isinstance(node, Or):
            union: set[int] = set()
            for child in node.nodes:
                union.update(self._match(index, child, flag_test))
            return frozenset(union)
        if isinstance(node, Not):
            return index.everything - self._match(index, node.node, flag_test)
        if isinstance(node, Flag):
            assert flag_test is not None  # checked in search()
            return frozenset(
                number
                for number, article in enumerate(self.articles)
                if flag_test(article.id, node.name)
            )
        return self._leaf(index, node)

    def _leaf(self, index: _Index, leaf: Term | Phrase | Field | DateFilter) -> frozenset[int]:
        with self._lock:
            found = self._leaves.get(leaf)
            if found is not None:
                self._leaves.move_to_end(leaf)
                return found
        if isinstance(leaf, DateFilter):
            found = _dated(index, leaf)
        elif isinstance(leaf, Field):
            found = _in_field(index, leaf)
        else:
            found = _anywhere(index, leaf)
        with self._lock:
            self._leaves[leaf] = found
            if len(self._leaves) > _LEAF_CACHE_SIZE:
                self._leaves.popitem(last=False)
        return found

    # -- ranking ---------------------------------------------------------------------------

    def _scores(
        self, index: _Index, leaves: list[Term | Phrase | Field], matched: frozenset[int]
    ) -> dict[int, float]:
        """Each matched article's BM25 score: the sum, in query order, of its share of
        every ranked leaf it has hits of."""
        scores = dict.fromkeys(matched, 0.0)
        docs = index.docs
        norms = index.norms
        for leaf in leaves:
            containing = self._leaf(index, leaf)
            if not containing:
                continue  # no hits anywhere, so none in the matched articles
            weight = idf(len(docs), len(containing))
            field = leaf.name if isinstance(leaf, Field) else None
            match = leaf.match if isinstance(leaf, Field) else leaf
            pattern = _pattern(match)
            overlapping = isinstance(match, Phrase) and _may_overlap(match)
            if isinstance(leaf, Term):
                # A plain word: its weighted hits are in the word map already.
                halves: dict[int, int] = {}
                for word in index.expand(leaf.word) if leaf.prefix else (leaf.word,):
                    for number, count in zip(index.postings[word], index.halves[word], strict=True):
                        if number in matched:
                            halves[number] = halves.get(number, 0) + count
                for number, count in halves.items():
                    scores[number] += bm25(count / 2, norms[number], weight)
                continue
            for number in matched & containing:
                frequency = _frequency(docs[number], field, pattern, overlapping)
                scores[number] += bm25(frequency, norms[number], weight)
        return scores


# The ranked fields, in the order their weighted hits are summed.
_RANKED = (
    ("title", TITLE_WEIGHT),
    ("initiative", INITIATIVE_WEIGHT),
    ("body", BODY_WEIGHT),
    ("metadata", METADATA_WEIGHT),
)


def _region(doc: _Doc, field: str) -> tuple[int, int]:
    """Where a field's wrapped tokens are in `doc.text` (initiatives and metadata values
    together: GAP between them stops a match running from one into the next)."""
    if field == "title":
        return 0, doc.title_end
    if field == "body":
        return doc.title_end + 1, doc.body_end
    if field == "initiative":
        return doc.body_end + 1, doc.initiatives_end
    return doc.initiatives_end + 1, len(doc.text)


def _frequency(doc: _Doc, field: str | None, pattern: str, overlapping: bool) -> float:
    """Weighted hits of `pattern` in one ranked field of `doc`, or in all four when None."""
    text = doc.text
    if field is None and not overlapping:  # a plain word: the common case, kept fast
        return (
            TITLE_WEIGHT * text.count(pattern, 0, doc.title_end)
            + INITIATIVE_WEIGHT * text.count(pattern, doc.body_end + 1, doc.initiatives_end)
            + BODY_WEIGHT * text.count(pattern, doc.title_end + 1, doc.body_end)
            + METADATA_WEIGHT * text.count(pattern, doc.initiatives_end + 1)
        )
    frequency = 0.0
    for name, weight in _RANKED:
        if field is None or field == name:
            start, end = _region(doc, name)
            frequency += weight * _count(text, pattern, start, end, overlapping)
    return frequency


def _may_overlap(phrase: Phrase) -> bool:
    """Whether two hits of `phrase` can share tokens ("a a", "a b a"); if not, counting
    hits is a plain substring count."""
    words = phrase.words
    size = len(words)
    if phrase.prefix:
        return len(set(words)) < size or any(w.startswith(words[-1]) for w in words[:-1])
    return any(words[k:] == words[: size - k] for k in range(1, size))


def _candidates(index: _Index, match: Term | Phrase) -> set[int]:
    """Articles with every token of `match` somewhere (the last one as a prefix if so)."""
    words = (match.word,) if isinstance(match, Term) else match.words
    exact = words[:-1] if match.prefix else words
    sets: list[list[int] | set[int]] = []
    for word in exact:
        found = index.postings.get(word)
        if found is None:
            return set()
        sets.append(found)
    if match.prefix:
        expanded: set[int] = set()
        for word in index.expand(words[-1]):
            expanded.update(index.postings[word])
        sets.append(expanded)
    sets.sort(key=len)
    result = set(sets[0])
    for other in sets[1:]:
        if not result:
            break
        result.intersection_update(other)
    return result


def _anywhere(index: _Index, match: Term | Phrase) -> frozenset[int]:
    candidates = _candidates(index, match)
    if isinstance(match, Term):
        return frozenset(candidates)  # the word map is exact for one token
    pattern = _pattern(match)
    docs = index.docs
    return frozenset(number for number in candidates if pattern in docs[number].text)


def _in_field(index: _Index, field: Field) -> frozenset[int]:
    pattern = _pattern(field.match)
    docs = index.docs
    name = field.name
    if name in ("area", "url"):
        # Short texts outside the word map: look at every article.
        return frozenset(
            number
            for number, doc in enumerate(docs)
            if pattern in (doc.area if name == "area" else doc.url)
        )
    candidates = _candidates(index, field.match)
    if name in ("title", "body", "initiative"):
        return frozenset(
            number
            for number in candidates
            if docs[number].text.find(pattern, *_region(docs[number], name)) >= 0
        )
    prefix = name + "."
    return frozenset(
        number
        for number in candidates
        if any(
            (key == name or key.startswith(prefix))
            and docs[number].text.find(pattern, start, end) >= 0
            for key, start, end in docs[number].metadata
        )
    )


def _dated(index: _Index, leaf: DateFilter) -> frozenset[int]:
    first = leaf.start.toordinal() if leaf.kind in ("after", "on") else None
    last = leaf.end.toordinal() if leaf.kind in ("before", "on") else None
    return frozenset(
        number
        for number, doc in enumerate(index.docs)
        if doc.day is not None
        and (first is None or doc.day >= first)
        and (last is None or doc.day <= last)
    )
