"""Highlight spans and snippets: where a query hits inside a text."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.loading import parse_article
from reader.model import Article
from reader.search import Node, Phrase, Term, highlight_spans, parse_query, snippets
from reader.search.snippets import _INLINE_MARKUP, _hit_pattern, _matches_at, plain_text
from reader.text.tokens import token_spans

KEYS = frozenset({"og", "og.type", "og.locale"})


def q(text: str, prefix_last: bool = False) -> Node:
    return parse_query(text, metadata_keys=KEYS, prefix_last=prefix_last)


def marked(text: str, query: str, field: str | None = None) -> str:
    """`text` with [brackets] around each highlighted span: easy to read in a test."""
    out = text
    for start, end in reversed(highlight_spans(text, q(query), field=field)):
        out = out[:start] + "[" + out[start:end] + "]" + out[end:]
    return out


def test_words_are_highlighted_whatever_their_case_and_accents() -> None:
    assert marked("Police and POLICE, policing", "police") == "[Police] and [POLICE], policing"
    assert marked("Un café crème", "CAFE") == "Un [café] crème"
    assert marked("Un cafe\u0301 noir", "café") == "Un [cafe\u0301] noir"
    assert marked("x_police", "police") == "x_[police]"


def test_phrases_are_highlighted_whole_including_the_gap() -> None:
    assert marked("The Chief  Constable said", '"chief constable"') == "The [Chief  Constable] said"
    assert marked("chief, then constable", '"chief constable"') == "chief, then constable"
    assert marked("co-op shop", "co-op") == "[co-op] shop"


def test_overlapping_phrase_hits_merge() -> None:
    assert highlight_spans("a a a b", Phrase(("a", "a"))) == [(0, 5)]


def test_prefix_highlights_the_whole_word() -> None:
    assert marked("Police policy polite", "pol") == "Police policy polite"  # a whole word
    assert highlight_spans("Police policy", q("pol", prefix_last=True)) == [(0, 6), (7, 13)]


def test_negated_words_are_not_highlighted() -> None:
    assert marked("kent police", "-police kent") == "[kent] police"


def test_fields_are_highlighted_only_where_they_search() -> None:
    text = "drones website gang"
    query = "title:drones og.type:website initiative:gang"
    assert marked(text, query, field="title") == "[drones] website gang"
    assert (
        marked(text, query, field="body") == "drones website [gang]"
    )  # initiatives are in the body
    assert marked(text, query, field="og.type") == "drones [website] gang"
    assert marked(text, query) == "[drones] [website] [gang]"


def test_no_words_no_highlights() -> None:
    assert highlight_spans("anything at all", q("after:2019 -kent")) == []


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("abAB éÉ_-.\u0301ß")), max_size=30), st.data())
def test_a_word_highlights_exactly_its_tokens(text: str, data: st.DataObject) -> None:
    tokens = token_spans(text)
    word = data.draw(st.sampled_from([t for t, _s, _e in tokens] or ["zz"]))
    expected = [(start, end) for token, start, end in tokens if token == word]
    assert highlight_spans(text, Term(word)) == expected


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab _-.é")), max_size=40), st.data())
def test_leaping_to_the_first_word_finds_what_the_pattern_finds(
    text: str, data: st.DataObject
) -> None:
    first = data.draw(st.sampled_from(["a", "ab", "b", "é"]))
    runs = data.draw(
        st.lists(st.tuples(st.lists(st.sampled_from(["a", "b", "ab"]), max_size=2), st.booleans()))
    )
    wanted = frozenset((tuple([first, *rest]), prefix) for rest, prefix in runs) or frozenset(
        {((first,), False)}
    )
    pattern = _hit_pattern(wanted)
    expected = [(hit.start(1), hit.end(1)) for hit in pattern.finditer(text)]
    assert [(hit.start(1), hit.end(1)) for hit in _matches_at(pattern, text, first)] == expected


def article(body: str, **metadata: str) -> Article:
    lines = "".join(f"{key}: {value}\n" for key, value in {"title": "T", **metadata}.items())
    return parse_article(f"---\n{lines}---\n{body}\n", path=Path("a.md"), article_id="a.md")


def test_snippet_is_a_window_around_the_hit_cut_at_spaces() -> None:
    body = (
        " ".join(f"w{n}" for n in range(100)) + " burglary " + " ".join(f"v{n}" for n in range(100))
    )
    (snippet,) = snippets(article(body), q("burglary"), width=60)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "burglary" in snippet
    assert len(snippet) <= 62
    inner = snippet.strip("…")
    assert all(word in body.split() for word in inner.split())  # no word cut in half


def test_short_body_has_no_ellipsis() -> None:
    assert snippets(article("Just one burglary."), q("burglary")) == ["Just one burglary."]


def test_snippets_are_plain_text() -> None:
    body = "Intro.\n\n * A **burglary** [unit](https://x.example/burglary) helps\n"
    (snippet,) = snippets(article(body), q("burglary"))
    assert snippet == "Intro. • A burglary unit helps"


def test_a_body_holding_the_bullets_stand_in_keeps_it() -> None:
    """Bullets stand in as \\x07 while the hits are found (reader.search.snippets), but
    not in a body that holds one (loaded text never does: a body made in memory)."""
    item = dataclasses.replace(article("x"), body="Bell \x07 rang.\n\n * A burglary\n")
    assert snippets(item, q("burglary")) == ["Bell \x07 rang. • A burglary"]


def test_snippets_are_in_order_apart_and_limited() -> None:
    filler = " ".join(["filler"] * 40)
    body = f"burglary one {filler} burglary two {filler} burglary three {filler} burglary four"
    found = snippets(article(body), q("burglary"), limit=3, width=40)
    assert len(found) == 3
    assert ["one" in found[0], "two" in found[1], "three" in found[2]] == [True] * 3


def test_metadata_snippet_when_the_body_has_no_hit() -> None:
    item = article("Nothing here.", og="{type: website}")
    assert snippets(item, q("og.type:website")) == ["og.type: website"]
    assert snippets(item, q("title:t")) == []
    assert snippets(item, q("after:2019")) == []


def test_plain_text_drops_markdown() -> None:
    markdown = "# Head\n\n> quoted **bold** `code` ![alt](i.png)\n\n1. first\n - bullet"
    assert plain_text(markdown) == "Head quoted bold code alt first • bullet"


ADVERSARIAL_LINES = {
    "unclosed links": "[a](b " * 170_000,
    "unclosed images": "![a](" * 24_000,
    "unclosed images, spaced": "![a](b c " * 14_000,
    "labels only": "[a]" * 40_000,
    "brackets": "[" * 120_000,
    "open labels": "[abc " * 24_000,
    "nested": "[[a](b)" * 20_000,
    "parentheses": "[a](" + "(" * 120_000,
    "closed links": "[link text](https://example.org/path) " * 3_000,
}


@pytest.mark.parametrize("line", ADVERSARIAL_LINES.values(), ids=ADVERSARIAL_LINES.keys())
def test_snippets_take_linear_time_on_lines_of_links(line: str) -> None:
    """Generous bounds that tell linear from quadratic: each of these took 4 s to
    minutes before (a regex backtracking from every `[` to the end of the line)."""
    body = f"{line} burglary here\n\n{line}\n"
    start = time.process_time()
    found = snippets(article(body), q("burglary"))
    assert time.process_time() - start < 2
    assert any("burglary here" in snippet for snippet in found)


def test_links_inside_labels_and_addresses_with_brackets_stay_readable() -> None:
    # Approximate, as snippets are: such links stay as written, the plain ones do not.
    assert plain_text("[a [b] c](u) and [x](y(1)) [ok](u)") == "[a [b] c](u) and [x](y(1)) ok"


# The emphasis rule as first written (every alternative tried at every character).
_INLINE_MARKUP_AS_WRITTEN = re.compile(r"\*\*|__|~~|`|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("**__~~`a1é東 \n\t-_*")), max_size=30))
def test_emphasis_marks_are_the_ones_the_rule_names(text: str) -> None:
    assert _INLINE_MARKUP.sub("", text) == _INLINE_MARKUP_AS_WRITTEN.sub("", text)


# The line rules as first written: bullets, then headings, quotes and numbers, each a
# regex with `^` in multiline mode.
_BULLET_AS_WRITTEN = re.compile(r"^[ \t]*[*+-][ \t]+", re.M)
_LINE_MARKER_AS_WRITTEN = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|\d{1,9}[.)][ \t]+)", re.M)


def _plain_text_as_written(markdown: str) -> str:
    text = _BULLET_AS_WRITTEN.sub("• ", markdown)
    text = _LINE_MARKER_AS_WRITTEN.sub("", text)
    return " ".join(_INLINE_MARKUP_AS_WRITTEN.sub("", text).split())


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("*+-#>1.) \t\n\r\x0bab•")), max_size=40))
def test_line_marks_are_the_ones_the_rules_name(text: str) -> None:
    assert plain_text(text) == _plain_text_as_written(text)
