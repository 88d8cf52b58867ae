"""What the list shows, without a running app: queries with facets, sorting in runs, and
search hits mapped onto the lines of a laid-out article."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from textual.content import Content

from reader.listing import (
    Listing,
    area_facet,
    facet_node,
    facets_caption,
    listing_node,
    sorted_rows,
    year_facet,
)
from reader.model import ArticleSummary
from reader.ordering import SORT_ORDERS, sort_articles
from reader.search import MATCH_ALL, And, DateFilter, Field, Or, Phrase, Term, highlight_spans
from reader.search import parse_query as parse
from reader.tui.document import Block, Layout, layout
from reader.tui.hits import document_hits, hits_by_line


def test_facets_of_one_field_widen_and_of_two_fields_narrow() -> None:
    terms = ["area:kent", year_facet(2019), "area:essex"]
    node = facet_node(terms)
    assert isinstance(node, And)
    areas, years = node.nodes
    assert areas == Or((Field("area", Term("kent")), Field("area", Term("essex"))))
    assert isinstance(years, DateFilter) and years.start.year == years.end.year == 2019
    # Leaving a field out (the picker counts each field without its own choices).
    assert facet_node(terms, leave_out="area") == years
    assert facet_node([]) == MATCH_ALL


def test_the_typed_query_and_the_facets_combine() -> None:
    listing = Listing(text="burglary OR theft", facets=("area:kent",))
    node = listing_node(listing, parse)
    # The typed OR stays inside its own part: (burglary OR theft) AND area:kent.
    assert node == And((Or((Term("burglary"), Term("theft"))), Field("area", Term("kent"))))
    assert listing_node(Listing(), parse) == MATCH_ALL
    assert not Listing(text="   ").filtered and Listing(facets=("date:2020",)).filtered


def test_area_facets_are_safe_query_text() -> None:
    term = area_facet('Devon & "Cornwall" (x)')
    assert term is not None
    assert parse(term) == Field("area", Phrase(("devon", "cornwall", "x")))
    assert area_facet("&&") is None


def test_facets_caption_groups_by_field() -> None:
    terms = [year_facet(2020), "area:kent", "area:essex"]
    assert facets_caption(terms) == "area:kent OR area:essex · date:2020"


def test_sort_cycles_through_every_order() -> None:
    listing = Listing()
    seen = [listing.sort]
    for _ in SORT_ORDERS:
        listing = listing.next_sort()
        seen.append(listing.sort)
    assert seen == [*SORT_ORDERS, SORT_ORDERS[0]]


def _rows(count: int) -> list[ArticleSummary]:
    start = datetime(2020, 1, 1)
    return [
        ArticleSummary(
            id=f"{number:05d}.md",
            # Repeated titles, areas and dates, and some missing: ties everywhere.
            title=("Zebra", "apple", "Apple", "mango")[number % 4],
            area=None if number % 7 == 0 else ("Kent", "essex", "Surrey")[number % 3],
            published=None if number % 11 == 0 else start + timedelta(days=number % 50),
            url=None,
            word_count=0,
            initiative_count=0,
        )
        for number in range(count)
    ]


@pytest.mark.parametrize("order", SORT_ORDERS)
def test_sorting_in_runs_gives_the_library_order(order: str) -> None:
    rows = _rows(20_000)  # several runs
    assert [row.id for row in sorted_rows(rows, order)] == [
        row.id for row in sort_articles(rows, order)
    ]


def _wrapped(text: str, width: int) -> tuple[list[Block], Layout]:
    bullet = Block(Content(text), prefix=Content("• "), indent=Content("  "))
    blocks = [Block(Content("Title")), bullet]
    return blocks, layout(blocks, width)


def test_a_hit_wrapped_over_two_lines_is_marked_on_both() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve"
    blocks, laid_out = _wrapped(text, 20)
    node = parse('"seven eight nine ten"')
    hits = document_hits(blocks, laid_out, lambda index, text: highlight_spans(text, node))
    lines = laid_out.lines
    marked = " ".join(lines[line].content.plain[start:end] for line, start, end in hits)
    assert marked == "seven eight nine ten"
    assert len({line for line, _start, _end in hits}) == 2  # it crosses a line break
    # Offsets count the bullet before the text.
    first_line, first_start, _ = hits[0]
    assert lines[first_line].content.plain[first_start:].startswith("seven")


def test_hits_on_lines_of_tables_and_other_blocks() -> None:
    table = Block(
        Content(""),
        kind="table",
        cells=((Content("Force"), Content("Count")), (Content("Kent drones"), Content("3"))),
    )
    blocks = [Block(Content("Title")), table]
    laid_out = layout(blocks, 60)
    node = parse("drones")
    hits = document_hits(blocks, laid_out, lambda index, text: highlight_spans(text, node))
    assert [laid_out.lines[line].content.plain[start:end] for line, start, end in hits] == [
        "drones"
    ]
    assert hits_by_line(hits) == {hits[0][0]: [(hits[0][1], hits[0][2])]}
