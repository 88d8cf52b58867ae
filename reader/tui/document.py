"""A styled document as blocks of Content, and its layout into screen lines at a width.

Article bodies, the metadata pane and the help screen are all documents: lists of
`Block`s whose text is `Content` (never markup) with *role* names as span styles
("strong", "link", "code"...). Roles are resolved to theme colours only when a line is
drawn (see widgets/document_view.py), so a theme change repaints without a new layout,
and layout (pure computation) can run in a worker thread for big articles.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from textual.content import Content, Span

from reader.limits import MAX_SHOWN_LINES
from reader.text.breaks import breaks_between_characters, line_breaks, widest_word

# Content is immutable: one empty Content serves every block that has no prefix (a new
# one per field per block was a third of the time of building a long document).
_EMPTY = Content("")
# The widest a line of prose gets: long lines are hard to read on wide terminals.
MAX_MEASURE = 96
# A worker laying out a long document shows what it has after this many lines or blocks.
_YIELD_LINES = 2_000
_YIELD_BLOCKS = 200
# Ends a line of code folded to the width: the line goes on below (never cut unseen).
WRAP_MARK = "↩"
# Tabs in table cells are expanded to this many columns (a tab's width on screen
# is the terminal's business otherwise; text that wraps expands them itself).
TAB_SIZE = 4
# The tab stops Textual's wrapping expands tabs to (Content.wrap), kept by ours.
_WRAP_TAB_SIZE = 8


@dataclass(frozen=True, slots=True)
class Block:
    """One wrapped unit: a paragraph, heading, list item paragraph, code block...

    `prefix` starts the first screen line and `indent` every following one (bullets,
    quote bars, initiative numbers). `role` styles every line of the block edge to edge.
    """

    text: Content
    prefix: Content = _EMPTY
    indent: Content = _EMPTY
    role: str = ""
    # Blank lines before the block, and the prefix those blank lines carry (quote bars).
    gap_before: int = 0
    gap_prefix: Content = _EMPTY
    gap_role: str = ""
    # The index of the initiative (top-level bullet item) the block belongs to.
    initiative: int | None = None
    # Lines of the markdown source the block came from (0-based, end exclusive).
    source: tuple[int, int] | None = None
    # "text" wraps `text`; "rule" draws a horizontal line across the measure.
    kind: str = "text"
    # Code keeps its line breaks and folds long lines instead of joining words.
    fold: bool = False
    # kind "table": rows of cells, the first row the header. kind "parts": one row of
    # phrases joined by `text`, wrapped between phrases, never inside one that fits.
    cells: tuple[tuple[Content, ...], ...] = ()
    # Table column alignments: "left", "right" or "center".
    aligns: tuple[str, ...] = ()
    # When a word of `text` (of kind "parts": the whole row) is wider than the room beside
    # the prefix, the text starts on the next line, after this indent, and the prefix (a
    # key) keeps its line; None: such a word is folded where it stands. Words still too
    # wide then are folded.
    overflow_indent: Content | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One screen line: its content, the role of its background, and where it came from."""

    content: Content
    role: str = ""
    block: int = -1
    # Offset into the block's `text.plain` where this line's text starts.
    offset: int = 0
    initiative: int | None = None


@dataclass(slots=True)
class Layout:
    """Blocks laid out at one width."""

    width: int
    lines: list[Line] = field(default_factory=list)
    # First screen line of each initiative, in order.
    initiative_lines: list[int] = field(default_factory=list)
    # First screen line of each block, by block index.
    block_lines: list[int] = field(default_factory=list)


def styled(text: str, role: str = "") -> Content:
    """Plain text (never parsed as markup) with one role over all of it."""
    if not role or not text:
        return Content(text)
    return Content(text, [Span(0, len(text), role)])


def join(parts: Iterable[Content]) -> Content:
    return Content("").join(parts)


def layout(blocks: Sequence[Block], width: int) -> Layout:
    """Wrap every block to `width` cells (at most MAX_MEASURE)."""
    result = Layout(width=width)
    for _ in iter_layout(blocks, width, result):
        pass
    return result


def iter_layout(blocks: Sequence[Block], width: int, result: Layout) -> Iterator[int]:
    """Lay blocks out into `result`, yielding the number of blocks done every so often,
    so a worker can show the start of a huge document before the end is wrapped.

    At most MAX_SHOWN_LINES lines are laid out; a notice line says so when there is more.
    """
    measure = max(1, min(width, MAX_MEASURE))
    lines = result.lines
    seen_initiatives: set[int] = set()
    yielded_blocks = yielded_lines = 0
    notice = Line(styled(_too_long_notice(), "warning"))
    for index, block in enumerate(blocks):
        gap_lines = block.gap_before if lines else 0
        if len(lines) + gap_lines >= MAX_SHOWN_LINES:
            lines.append(notice)  # this block and any after it are left out
            break
        if gap_lines:
            gap = Line(block.gap_prefix, block.gap_role, -1, 0, _gap_initiative(block))
            lines.extend([gap] * gap_lines)
        result.block_lines.append(len(lines))
        if block.initiative is not None and block.initiative not in seen_initiatives:
            seen_initiatives.add(block.initiative)
            result.initiative_lines.append(len(lines))
        # One line more than there is room for tells that the block does not fit.
        room = MAX_SHOWN_LINES - len(lines)
        lines.extend(itertools.islice(_block_lines(block, index, measure), room + 1))
        if len(lines) > MAX_SHOWN_LINES:
            del lines[MAX_SHOWN_LINES:]
            lines.append(notice)
            break
        if (
            index + 1 - yielded_blocks >= _YIELD_BLOCKS
            or len(lines) - yielded_lines >= _YIELD_LINES
        ):
            yielded_blocks, yielded_lines = index + 1, len(lines)
            yield index + 1
    yield len(blocks)


def _too_long_notice() -> str:
    return f"⚠ Only the first {MAX_SHOWN_LINES:,} lines are shown."


def _gap_initiative(block: Block) -> int | None:
    # A gap inside an initiative (between its paragraphs) keeps the initiative's tint.
    return block.initiative if block.gap_role else None


def _block_lines(block: Block, index: int, measure: int) -> Iterator[Line]:
    prefix_width = max(block.prefix.cell_length, block.indent.cell_length)
    available = max(1, measure - prefix_width)
    if block.kind == "rule":
        yield Line(block.prefix + styled("─" * available, "rule"), block.role, index)
        return
    if block.overflow_indent is not None and _narrowest(block) > available:
        if block.prefix.plain.strip():
            yield Line(block.prefix.rstrip(), block.role, index, 0, block.initiative)
        indent = block.overflow_indent
        below = replace(block, prefix=indent, indent=indent, overflow_indent=None)
        yield from _block_lines(below, index, measure)
        return
    if block.kind == "parts":
        for number, row in enumerate(_part_rows(block.cells[0], block.text, available)):
            lead = block.prefix if number == 0 else block.indent
            yield Line(lead + row, block.role, index, 0, block.initiative)
        return
    if block.kind == "table":
        for row in _table_rows(block.cells, block.aligns, available):
            yield Line(block.indent + row, block.role, index, 0, block.initiative)
        return
    text = block.text
    marked: set[int] = set()
    if block.fold:
        wrapped = []
        for row in text.split("\n", allow_blank=True):
            if row.cell_length <= available or available < 2:
                wrapped.extend(row.fold(available))
                continue
            parts = row.fold(available - 1)
            marked.update(range(len(wrapped), len(wrapped) + len(parts) - 1))
            wrapped.extend(parts)
    else:
        plain = text.plain
        if not text or ("\n" not in plain and "\t" not in plain and text.cell_length <= available):
            wrapped = [text]  # fits as it is: most lines of plain text, list items...
        else:
            wrapped = wrap(text, available)
    offset = 0
    plain = text.plain
    for number, row in enumerate(wrapped):
        start = plain.find(row.plain, offset) if row.plain else offset
        if start < 0:
            start = offset
        offset = start + len(row.plain)
        lead = block.prefix if number == 0 else block.indent
        if number in marked:
            row = row + styled(WRAP_MARK, "wrap-mark")
        yield Line(lead + row if lead else row, block.role, index, start, block.initiative)


def _narrowest(block: Block) -> int:
    """The fewest cells `block` takes across: its widest word; a "parts" row, all of it."""
    if block.kind == "parts":
        return block.text.join(block.cells[0]).cell_length
    plain = block.text.plain
    if breaks_between_characters(plain):
        return widest_word(plain)
    return block.text.get_minimal_width({})


def wrap(text: Content, width: int) -> list[Content]:
    """`text` wrapped to `width` cells: Textual's wrapping (after spaces), or for Chinese,
    Japanese or Korean text also between characters, never inside a Latin word
    (reader.text.breaks)."""
    if not breaks_between_characters(text.plain):
        return text.wrap(width)
    rows: list[Content] = []
    for line in text.split("\n", allow_blank=True):
        line = line.expand_tabs(_WRAP_TAB_SIZE)
        *before, last = line.divide(line_breaks(line.plain, width))
        rows.extend(row.rstrip() for row in before)
        rows.append(last.rstrip_end(width))
    return rows


def _part_rows(parts: tuple[Content, ...], separator: Content, width: int) -> Iterator[Content]:
    row: list[Content] = []
    used = 0
    for part in parts:
        extra = part.cell_length + (separator.cell_length if row else 0)
        if row and used + extra > width:
            yield separator.join(row).rstrip()
            row, used = [], 0
            extra = part.cell_length
        if not row and part.cell_length > width:
            yield from wrap(part, width)
            continue
        row.append(part)
        used += extra
    if row:
        yield separator.join(row)


_COLUMN_GAP = " │ "


def _table_rows(
    cells: tuple[tuple[Content, ...], ...], aligns: tuple[str, ...], width: int
) -> Iterator[Content]:
    """A grid when the table fits the width; otherwise each row as "header: value" lines."""
    columns = max(len(row) for row in cells)
    rows = [
        tuple(cell.expand_tabs(TAB_SIZE) for cell in row) + (Content(""),) * (columns - len(row))
        for row in cells
    ]
    widths = [max(row[column].cell_length for row in rows) for column in range(columns)]
    if sum(widths) + len(_COLUMN_GAP) * (columns - 1) <= width:
        gap = styled(_COLUMN_GAP, "table-rule")
        for number, row in enumerate(rows):
            padded = [
                _align(cell, widths[column], aligns[column] if column < len(aligns) else "left")
                for column, cell in enumerate(row)
            ]
            line = gap.join(padded).rstrip()
            yield _over_all(line, "table-header") if number == 0 else line
            if number == 0:
                yield styled("─┼─".join("─" * size for size in widths), "table-rule")
        return
    header, *body = rows
    for number, row in enumerate(body):
        if number:
            yield Content("")
        for name, cell in zip(header, row, strict=True):
            label = _over_all(name + ": ", "table-header") if name else Content("")
            yield from wrap(label + cell, width)


def _align(cell: Content, width: int, align: str) -> Content:
    space = width - cell.cell_length
    if align == "right":
        return cell.pad_left(space)
    if align == "center":
        return cell.pad(space // 2, space - space // 2)
    return cell.pad_right(space)


def _over_all(text: Content, role: str) -> Content:
    return text.stylize_before(role) if text else text
