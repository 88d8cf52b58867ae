"""Articles like a given one: the engine's ranking (BM25) over the article's most
distinctive terms, the article itself left out, with the terms each result shares.

The distinctive terms are the article's words weighed as a search engine weighs them: how
often it uses each (a title word counts as TITLE_WEIGHT uses) times how rare the word is in
the index (BM25's idf); words no other article has, or half the articles or more have,
or fewer than MIN_LETTERS long (but for the pairs of characters Chinese, Japanese and
Korean are indexed as: reader.text.tokens), or made of digits only, are left out. The
TERMS best make a query of alternatives over title and body (a title word counting
FIELD_WEIGHTS more), each boosted by its weight, and tantivy ranks the articles by it as
it ranks a search: the more distinctive terms an article shares, the higher.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

import tantivy

from reader.index.rows import index_texts
from reader.index.text_index import index_tokens, text_errors
from reader.model import Article, ArticleSummary
from reader.text.tokens import CJK_UNIT, RUN_BREAK, begins_cjk, token_spans

TERMS = 25
TITLE_WEIGHT = 3
MIN_LETTERS = 3
# A search weighs a title hit 4 times a body hit; here a short title holding one of the
# terms would then outrank a body sharing most of them.
FIELD_WEIGHTS = {"title": 1.5, "body": 1.0}
# Shared terms kept per result (the heaviest), of SHARED_LOOKED looked for (the pairs of a
# CJK word are one word shown: shared_runs).
SHARED_SHOWN = 6
SHARED_LOOKED = 2 * SHARED_SHOWN
# A long article's words are weighed over its opening, this many characters (cut at a
# space): a 16 MB file's every distinct word would cost a second of lookups per megabyte.
WEIGHED_CHARS = 200_000
# The opening of a body looked in for the runs of the CJK pairs a result shares (finding
# the tokens where they stand costs about 3 us a character).
RUN_CHARS = 20_000

Occur = tantivy.Occur
Query = tantivy.Query


@dataclass(frozen=True, slots=True)
class RelatedHit:
    """One related article, by rowid: its score and the distinctive terms it shares,
    heaviest first."""

    rowid: int
    score: float
    shared: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    """An article like another: its list row, score and the distinctive terms shared."""

    summary: ArticleSummary
    score: float
    shared: tuple[str, ...]


def distinctive_terms(searcher: tantivy.Searcher, article: Article) -> list[tuple[str, float]]:
    """The article's TERMS most distinctive terms with their weights, heaviest first
    (equal weights: alphabetical). A body over WEIGHED_CHARS counts by its opening."""
    if len(article.body) > WEIGHED_CHARS:
        opening = article.body[:WEIGHED_CHARS]
        article = replace(article, body=opening[: opening.rfind(" ") + 1] or opening)
    texts = index_texts(article)
    uses: Counter[str] = Counter(index_tokens(texts.body))
    for term in index_tokens(texts.title):
        uses[term] += TITLE_WEIGHT
    documents = max(searcher.num_docs, 1)
    weighed: list[tuple[str, float]] = []
    with text_errors():
        for term, count in uses.items():
            if term.isdigit() or (
                (len(term) < MIN_LETTERS or begins_cjk(term)) and not _cjk_pair(term)
            ):
                # (A CJK term counts by its characters, not code points: a Hangul syllable
                # folds to 2 or 3 jamo, and `것`, as common as "it", passed for 3 letters.)
                continue
            having = max(searcher.doc_freq("body", term), searcher.doc_freq("title", term))
            if having <= 1 or having * 2 > documents:
                # This article's alone (or none's: the index is behind), or so common
                # that it says nothing of likeness.
                continue
            idf = math.log(1 + (documents - having + 0.5) / (having + 0.5))
            weighed.append((term, (1 + math.log(count)) * idf))
    weighed.sort(key=lambda item: (-item[1], item[0]))
    return weighed[:TERMS]


def related_hits(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    terms: Sequence[tuple[str, float]],
    exclude: int,
    limit: int,
) -> list[RelatedHit]:
    """The best `limit` articles for the weighed `terms` (rowid `exclude` left out), each
    with up to SHARED_LOOKED of them it shares (shared_runs keeps SHARED_SHOWN)."""
    if not terms or limit <= 0:
        return []
    alternatives = [
        (Occur.Should, Query.boost_query(_in_title_or_body(schema, term), weight))
        for term, weight in terms
    ]
    query = Query.boolean_query(
        [
            (Occur.Must, Query.boolean_query(alternatives)),
            (Occur.MustNot, Query.term_query(schema, "rowid", exclude)),
        ]
    )
    with text_errors():
        found = searcher.search(query, limit).hits
        rowids = [
            cast(int, rowid)
            for rowid in searcher.fast_field_values("rowid", [address for _s, address in found])
        ]
        shared: dict[int, list[str]] = {rowid: [] for rowid in rowids}
        among = Query.term_set_query(schema, "rowid", rowids) if rowids else None
        for term, _weight in terms:
            if among is None or all(len(have) >= SHARED_LOOKED for have in shared.values()):
                break
            having = Query.boolean_query(
                [(Occur.Must, _in_title_or_body(schema, term)), (Occur.Must, among)]
            )
            hits = searcher.search(having, len(rowids)).hits
            for rowid in searcher.fast_field_values("rowid", [address for _s, address in hits]):
                have = shared[cast(int, rowid)]
                if len(have) < SHARED_LOOKED:
                    have.append(term)
    return [
        RelatedHit(rowid, score, tuple(shared[rowid]))
        for rowid, (score, _address) in zip(rowids, found, strict=True)
    ]


def shared_runs(article: Article, hits: Sequence[RelatedHit]) -> list[RelatedHit]:
    """`hits` with the pairs of CJK characters each shares (as the index holds them,
    folded: `トロ ロー ーン`) shown as the runs of `article` they make side by side, as it
    writes them (`ドローン`), each pair in its longest such run. The runs are looked for
    in the title and the body's first RUN_CHARS; a pair not there is shown as it is."""
    if not any(_cjk_pair(term) for hit in hits for term in hit.shared):
        return [replace(hit, shared=hit.shared[:SHARED_SHOWN]) for hit in hits]
    texts = [(text, token_spans(text)) for text in (article.title, article.body[:RUN_CHARS])]
    return [replace(hit, shared=_with_runs(hit.shared, texts)[:SHARED_SHOWN]) for hit in hits]


def _with_runs(
    shared: tuple[str, ...], texts: list[tuple[str, list[tuple[str, int, int]]]]
) -> tuple[str, ...]:
    pairs = {term for term in shared if _cjk_pair(term)}
    if not pairs:
        return shared
    longest: dict[str, str] = {}
    for text, tokens in texts:
        chain: list[tuple[str, int, int]] = []
        for token in [*tokens, (RUN_BREAK, 0, 0)]:
            if token[0] in pairs and chain and token[1] < chain[-1][2]:
                chain.append(token)  # the next pair of the same run (they overlap)
                continue
            if chain:
                run = text[chain[0][1] : chain[-1][2]]
                for pair, _start, _end in chain:
                    if len(run) > len(longest.get(pair, "")):
                        longest[pair] = run
            chain = [token] if token[0] in pairs else []
    shown: list[str] = []
    for term in shared:
        word = longest.get(term, term)
        if word not in shown:
            shown.append(word)
    return tuple(shown)


def _cjk_pair(term: str) -> bool:
    """Whether `term` is a pair of CJK characters (or Hangul syllables), as a run of
    them is indexed: their words, though shorter than MIN_LETTERS. A run of one character
    is a token too, as is the break between two runs; neither says much of likeness."""
    if len(term) < 2 or not begins_cjk(term):
        return False
    if len(term) == 2:  # two characters, unless a Hangul syllable of two jamo
        return not ("\u1160" <= term[1] <= "\u11ff" or "\ud7b0" <= term[1] <= "\ud7ff")
    return len(CJK_UNIT.findall(term)) >= 2


def _in_title_or_body(schema: tantivy.Schema, term: str) -> tantivy.Query:
    return Query.boolean_query(
        [
            (Occur.Should, Query.boost_query(Query.term_query(schema, field, term), weight))
            for field, weight in FIELD_WEIGHTS.items()
        ]
    )
