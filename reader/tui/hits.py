"""Search hits in a laid-out document: spans of the blocks' text mapped to screen lines.

A hit is found in a block's whole text (so a phrase wrapped over two lines is still one
hit) and then cut at the line breaks the layout made. Blocks that are not wrapped text
(tables, the byline) are searched line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reader.tui.document import Block, Layout

# (start, end) character offsets into a text.
Spans = Sequence[tuple[int, int]]
# (line, start, end): one hit on one screen line, offsets into Line.content.plain.
Hit = tuple[int, int, int]


def document_hits(
    blocks: Sequence[Block], layout: Layout, find: Callable[[int, str], Spans]
) -> list[Hit]:
    """Every hit, in reading order. `find(block_index, text)` gives the hit spans in a
    block's text (or in one line's text, for blocks that are not wrapped text)."""
    hits: list[Hit] = []
    lines = layout.lines
    line_number = 0
    while line_number < len(lines):
        line = lines[line_number]
        index = line.block
        if index < 0 or index >= len(blocks):
            line_number += 1
            continue
        block = blocks[index]
        end = line_number
        while end < len(lines) and lines[end].block == index:
            end += 1
        if block.kind != "text":
            for number in range(line_number, end):
                plain = lines[number].content.plain
                hits.extend((number, start, stop) for start, stop in find(index, plain))
        else:
            spans = find(index, block.text.plain)
            if spans:
                hits.extend(_cut(block, layout, line_number, end, spans))
        line_number = end
    return hits


def _cut(block: Block, layout: Layout, first: int, end: int, spans: Spans) -> list[Hit]:
    hits: list[Hit] = []
    for number in range(first, end):
        line = layout.lines[number]
        lead = len((block.prefix if number == first else block.indent).plain)
        row_start = line.offset
        row_end = row_start + len(line.content.plain) - lead
        for start, stop in spans:
            if stop <= row_start or start >= row_end:
                continue
            hits.append(
                (
                    number,
                    lead + max(start, row_start) - row_start,
                    lead + min(stop, row_end) - row_start,
                )
            )
    return hits


def hits_by_line(hits: Sequence[Hit]) -> dict[int, list[tuple[int, int]]]:
    """The hits as DocumentView.set_highlights takes them."""
    by_line: dict[int, list[tuple[int, int]]] = {}
    for line, start, end in hits:
        by_line.setdefault(line, []).append((start, end))
    return by_line
