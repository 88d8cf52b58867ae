"""Markdown body -> document blocks, from the same markdown-it tokens the loader reads.

The loader (reader.loading.body) calls the items of top-level bullet lists *initiatives*;
this renderer numbers the items that rule (`initiative_items`) gives for the same tokens,
so "initiative 3" on screen is `article.initiatives[2]`. Text is only ever put into
`Content(...)`: nothing from the article is parsed as markup. HTML is read as text
(reader.markup.html), template tags are shown only as the text they carry
(reader.markup.templates), callouts as labelled boxes (reader.markup.callouts), and
code is highlighted (reader.markup.code).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from markdown_it.token import Token
from textual.content import Content, Span
from textual.style import Style

from reader.limits import (
    MAX_MARKDOWN_CHARS,
    MAX_MARKDOWN_MARKS,
    MAX_MARKDOWN_NESTING,
    MAX_SHOWN_LINES,
)
from reader.links import check_link
from reader.loading.body import initiative_items, is_initiative_list
from reader.markdown import inline_text, markdown_parser, parse_limited
from reader.markup.callouts import CLOSE_TYPES, OPEN_TYPES, TITLE_TYPES, callout_of
from reader.markup.code import code_spans, language_of
from reader.markup.html import INLINE_ROLES, HtmlBlock, html_blocks, html_tag
from reader.text.sanitize import one_line, strip_control
from reader.tui.document import MAX_MEASURE, Block, join, styled

# Bullets for nesting depth 0, 1, 2 (then repeating).
BULLETS = ("•", "◦", "▪")
QUOTE_BAR = "▌ "
INITIATIVE_BAR = "▌"
CALLOUT_BAR = "┃ "
TASK_MARKS = {False: "☐ ", True: "☑ "}
# (PyMdown's `==mark==`, `^^insert^^`, `H~2~O`, `x^2^` too: reader.markup.pymdownx.)
_INLINE_ROLES = {
    "em": "em", "strong": "strong", "s": "strike",
    "mark": "mark", "ins": "underline", "sub": "sub", "sup": "sup",
}  # fmt: skip


# A long line of plain text is wrapped this many characters at a time, so the start of
# a huge one-line article shows at once (see document.iter_layout).
PLAIN_PIECE_CHARS = 10_000


def link_style(url: str) -> Style:
    """A terminal hyperlink (OSC 8) to `url`: a link's target (reader.links), when it
    opens."""
    return Style(link=url)


@dataclass
class _Container:
    """A block container (list item, quote) contributing a prefix to each line inside."""

    first: Content
    rest: Content
    role: str = ""
    text_role: str = ""
    initiative: int | None = None
    used: bool = False
    ident: int = 0
    is_item: bool = True


@dataclass
class _List:
    ordered: bool
    tight: bool
    initiatives: bool
    number: int
    number_width: int
    depth: int
    ident: int
    parent_item: int | None


@dataclass
class _State:
    blocks: list[Block] = field(default_factory=list)
    containers: list[_Container] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    # What the previously emitted block was inside of, to decide blank lines between.
    previous_containers: frozenset[int] = frozenset()
    previous_lists: frozenset[int] = frozenset()
    previous_initiative: int | None = None
    initiative_count: int = 0
    # The list_item_open tokens (by index) that are initiatives (see reader.loading.body).
    initiatives: frozenset[int] = frozenset()
    # For each open callout, whether it is drawn as one (a container of another name is
    # its content alone).
    callouts: list[bool] = field(default_factory=list)
    # The next block follows a callout's label or an HTML list item: no blank line.
    close_up: bool = False


class RenderCancelled(Exception):
    """render_markdown stopped because `cancelled()` said its blocks are no longer wanted."""


def _never() -> bool:
    return False


def render_markdown(
    body: str,
    title: str | None = None,
    *,
    mdx: bool = False,
    cancelled: Callable[[], bool] = _never,
) -> tuple[list[Block], int]:
    """Blocks for a markdown body, and how many initiatives were numbered.

    A leading `# heading` equal to `title` is left out: the panel shows the title already.
    Only the part of the body the loader reads as markdown is formatted (see
    reader.markdown.parse_limited); a notice, then the rest as plain text, follow it.
    `mdx` reads the body as MDX (reader.markdown.is_mdx). `cancelled` is asked after the
    parse and every few hundred tokens: when it says so, RenderCancelled is raised (a
    thread rendering an article the reader has left stops, and leaves the UI thread the
    interpreter: a long article takes seconds).
    """
    parsed = parse_limited(body, markdown_parser(mdx).parse)
    if cancelled():
        raise RenderCancelled
    blocks, count = _render_tokens(parsed.tokens, title, mdx, cancelled)
    if parsed.reason:
        blocks.append(Block(styled(_plain_text_notice(parsed.reason), "warning"), gap_before=1))
        blocks.extend(plain_blocks(parsed.plain, first_line=parsed.plain_line - 1))
    return blocks, count


def _plain_text_notice(reason: str) -> str:
    if reason == "unreadable":
        return "⚠ The article is shown as plain text: the markdown parser failed on it."
    why = (
        f"its lists or quotes nest more than {MAX_MARKDOWN_NESTING} levels deep"
        if reason == "deep"
        else f"it is longer than the reader formats ({MAX_MARKDOWN_MARKS:,} lines and "
        f"list, quote and table marks, or {MAX_MARKDOWN_CHARS:,} characters)"
    )
    return f"⚠ From here on the article is shown as plain text: {why}."


def plain_blocks(text: str, first_line: int = 0) -> list[Block]:
    """`text` as plain lines (runs of blank lines shown as one), no markup read.

    At most MAX_SHOWN_LINES lines and enough characters to fill them at the widest
    measure become blocks; past that a notice says the rest is not shown.
    """
    blocks: list[Block] = []
    chars_left = MAX_SHOWN_LINES * MAX_MEASURE
    gap = 1
    for number, line in enumerate(_lines(text), start=first_line):
        if len(blocks) >= MAX_SHOWN_LINES or chars_left <= 0:
            blocks.append(Block(styled(_not_shown_notice(), "warning"), gap_before=1))
            break
        if not line.strip():
            gap = 1
            continue
        for piece in _pieces(line[:chars_left]):
            blocks.append(Block(Content(piece), gap_before=gap, source=(number, number + 1)))
            gap = 0
        chars_left -= len(line)
    return blocks


def _not_shown_notice() -> str:
    return (
        f"⚠ The rest of the article is not shown: the reader shows {MAX_SHOWN_LINES:,} "
        "lines of plain text. `reader show ID` prints the whole article."
    )


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, without copying the rest of a huge text at each step."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _pieces(line: str) -> Iterator[str]:
    """A line in pieces of about PLAIN_PIECE_CHARS, cut after a space where there is one."""
    start = 0
    while len(line) - start > PLAIN_PIECE_CHARS:
        end = line.rfind(" ", start, start + PLAIN_PIECE_CHARS) + 1
        if end <= start:
            end = start + PLAIN_PIECE_CHARS
        yield line[start:end]
        start = end
    yield line[start:]


# Tokens rendered between two questions to `cancelled` (about a millisecond's work).
_TOKENS_PER_CHECK = 256


def _render_tokens(
    tokens: list[Token], title: str | None, mdx: bool, cancelled: Callable[[], bool] = _never
) -> tuple[list[Block], int]:
    state = _State(initiatives=frozenset(index for index, _ in initiative_items(tokens, mdx)))
    ids = itertools.count(1)
    index = 0
    next_check = _TOKENS_PER_CHECK
    while index < len(tokens):
        if index >= next_check:
            if cancelled():
                raise RenderCancelled
            next_check = index + _TOKENS_PER_CHECK
        token = tokens[index]
        kind = token.type
        if kind in TITLE_TYPES:
            index += 1  # a callout's title: its label is drawn from the open token
            if kind.endswith("_open"):
                index += 2
            continue
        if kind == "heading_open":
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            text = _inline(tokens[index + 1].children)
            repeats_title = title is not None and one_line(text.plain) == title
            if state.blocks or level != 1 or not repeats_title:
                _emit(state, _over(text, f"h{min(level, 3)}"), source=token.map)
            index += 3
            continue
        if kind == "paragraph_open":
            _emit(state, _inline(tokens[index + 1].children), source=token.map)
            index += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(token.attrGet("start") or 1) if ordered else 1
            count = _count_items(tokens, index)
            parent = state.containers[-1] if state.containers else None
            parent_item = parent.ident if parent is not None and parent.is_item else None
            state.lists.append(
                _List(
                    ordered=ordered,
                    tight=_is_tight(tokens, index),
                    initiatives=is_initiative_list(token),
                    number=start,
                    number_width=len(f"{start + max(count - 1, 0)}."),
                    depth=sum(1 for item in state.lists if not item.initiatives),
                    ident=next(ids),
                    parent_item=parent_item,
                )
            )
        elif kind in ("bullet_list_close", "ordered_list_close"):
            state.lists.pop()
        elif kind == "list_item_open":
            state.containers.append(_item_container(state, tokens, index, next(ids)))
        elif kind == "list_item_close":
            state.containers.pop()
            if state.lists:
                state.lists[-1].number += 1
        elif kind == "blockquote_open":
            bar = styled(QUOTE_BAR, "quote-bar")
            state.containers.append(
                _Container(bar, bar, text_role="quote", ident=next(ids), is_item=False)
            )
        elif kind == "blockquote_close":
            state.containers.pop()
        elif kind in ("fence", "code_block"):
            language = language_of(token.info) if kind == "fence" else ""
            _code(state, token.content, language, token.map)
        elif kind == "hr":
            _emit(state, Content(""), source=token.map, kind="rule")
        elif kind == "table_open":
            index = _table(state, tokens, index)
        elif kind == "html_block":
            _html(state, html_blocks(token.content), token.map)
        elif kind == "template":
            _emit(state, styled(f"[{token.content}]", "template"), source=token.map)
        elif kind in OPEN_TYPES:
            _open_callout(state, token, next(ids))
        elif kind in CLOSE_TYPES:
            if state.callouts and state.callouts.pop():
                state.containers.pop()
        elif kind == "footnote_block_open":
            _emit(state, Content(""), source=token.map, kind="rule")
        elif kind == "footnote_open":
            label = f"[{_footnote_number(token)}] "
            state.containers.append(
                _Container(
                    styled(label, "footnote-ref"),
                    Content(" " * len(label)),
                    ident=next(ids),
                    is_item=False,
                )
            )
        elif kind == "footnote_close":
            state.containers.pop()
        elif kind == "dt_open":
            _emit(state, _over(_inline(tokens[index + 1].children), "strong"), source=token.map)
            index += 3
            continue
        elif kind == "dd_open":
            indent = Content("    ")
            state.containers.append(_Container(indent, indent, ident=next(ids), is_item=False))
        elif kind == "dd_close":
            state.containers.pop()
        index += 1
    return state.blocks, state.initiative_count


def _footnote_number(token: Token) -> int:
    """Footnotes are numbered in the order they are first referred to, from 1."""
    number = token.meta.get("id", 0)
    return number + 1 if isinstance(number, int) else 1


def _code(state: _State, text: str, language: str, source: list[int] | None) -> None:
    code = text.removesuffix("\n").expandtabs(4)
    spans = [Span(0, len(code), "code")] if code else []
    spans.extend(Span(start, end, role) for start, end, role in code_spans(code, language))
    _emit(
        state,
        Content(code, spans),
        source=source,
        role="code",
        lead=styled(" ", "code"),
        fold=True,
    )


def _open_callout(state: _State, token: Token, ident: int) -> None:
    """A callout's box: a coloured bar down its left, headed by its label."""
    callout = callout_of(token)
    drawn = callout is not None and bool(callout.kind)
    state.callouts.append(drawn)
    if callout is None or not drawn:
        return
    bar = styled(CALLOUT_BAR, f"callout-{callout.kind}")
    state.containers.append(_Container(bar, bar, ident=ident, is_item=False))
    label = styled(callout.label or callout.kind.title(), f"callout-{callout.kind}-title")
    _emit(state, label, source=token.map)
    state.close_up = True


def _html(state: _State, blocks: list[HtmlBlock], source: list[int] | None) -> None:
    """An HTML block's blocks: paragraphs, headings (<summary> too), list items, code."""
    previous = ""
    for block in blocks:
        state.close_up = state.close_up or (previous == block.kind == "item")
        previous = block.kind
        if block.kind == "rule":
            _emit(state, Content(""), source=source, kind="rule")
        elif block.kind == "code":
            _code(state, block.text, "", source)
        elif block.kind == "table":
            width = max(len(row) for row in block.rows)
            cells = tuple(
                tuple(_runs_content(HtmlBlock("text", cell)) for cell in row)
                + (Content(""),) * (width - len(row))
                for row in block.rows
            )
            _emit(state, Content(""), source=source, kind="table", cells=cells)
        elif block.kind == "heading":
            text = _over(_runs_content(block), f"h{min(block.level, 3)}")
            _emit(state, text, source=source)
        elif block.kind == "item":
            marker = "  " * (block.level - 1) + block.marker + " "
            item = _Container(
                styled(marker, "bullet"), Content(" " * len(marker)), ident=0, is_item=False
            )
            state.containers.append(item)
            _emit(state, _runs_content(block), source=source)
            state.containers.pop()
        else:
            _emit(state, _runs_content(block), source=source)


# Digits and signs written as superscripts and subscripts (x², H₂O): shown so when every
# character of a <sup> or <sub> has one.
_SCRIPTS = {
    "sup": str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ"),
    "sub": str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"),
}


def _script(text: str, table: dict[int, int]) -> str | None:
    converted = text.translate(table)
    changed = all(a != b for a, b in zip(text, converted, strict=True))
    return converted if changed else None


def _as_script(parts: list[str], start: int, end: int, table: dict[int, int]) -> None:
    """Parts[start:end] (offsets into their joined text) as script characters, if all
    have one (the same length, so spans keep their offsets)."""
    joined = "".join(parts)
    converted = _script(joined[start:end], table)
    if converted is not None:
        parts[:] = [joined[:start] + converted + joined[end:]]


def _is_wide(character: str) -> bool:
    """A character of the scripts written without spaces (Han, kana, full-width forms)."""
    return unicodedata.east_asian_width(character) in ("W", "F")


def _runs_content(block: HtmlBlock) -> Content:
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    for run in block.runs:
        text = run.text
        if "image" in run.roles:
            text = f"[image: {text or 'untitled'}]"
        for role, table in _SCRIPTS.items():
            if role in run.roles:
                text = _script(text, table) or text
        if not text:
            continue
        end = length + len(text)
        spans.extend(Span(length, end, role) for role in run.roles)
        if run.href is not None:
            spans.append(Span(length, end, "link"))
            target = check_link(run.href).target
            if target is not None:
                spans.append(Span(length, end, link_style(target)))
        parts.append(text)
        length = end
    return Content("".join(parts), spans)


def _over(text: Content, role: str) -> Content:
    """`text` with `role` under its existing spans."""
    return text.stylize_before(role) if text else text


def _emit(
    state: _State,
    text: Content,
    *,
    source: list[int] | None,
    role: str = "",
    lead: Content | None = None,
    fold: bool = False,
    kind: str = "text",
    cells: tuple[tuple[Content, ...], ...] = (),
    aligns: tuple[str, ...] = (),
) -> None:
    containers = state.containers
    initiative = next((c.initiative for c in containers if c.initiative is not None), None)
    for container in containers:
        if container.text_role:
            text = _over(text, container.text_role)
    line_role = role or next((c.role for c in reversed(containers) if c.role), "")
    prefix = join(c.rest if c.used else c.first for c in containers)
    indent = join(c.rest for c in containers)
    if lead is not None:
        prefix, indent = prefix + lead, indent + lead
    for container in containers:
        container.used = True

    lists = frozenset(item.ident for item in state.lists)
    here = frozenset(c.ident for c in containers)
    innermost = state.lists[-1] if state.lists else None
    gap = 1
    if (
        innermost is not None
        and innermost.tight
        and not innermost.initiatives
        and (
            innermost.ident in state.previous_lists
            or (
                innermost.parent_item is not None
                and innermost.parent_item in state.previous_containers
            )
        )
    ):
        gap = 0
    if state.close_up:
        gap, state.close_up = 0, False
    same_initiative = initiative is not None and initiative == state.previous_initiative
    shared = [c for c in containers if c.ident in state.previous_containers]
    gap_prefix = join(c.rest for c in shared) if shared else Content("")
    state.blocks.append(
        Block(
            text=text,
            prefix=prefix,
            indent=indent,
            role=line_role,
            gap_before=gap if state.blocks else 0,
            gap_prefix=gap_prefix,
            gap_role="initiative" if same_initiative else "",
            initiative=initiative,
            source=(source[0], source[1]) if source else None,
            kind=kind,
            fold=fold,
            cells=cells,
            aligns=aligns,
        )
    )
    state.previous_containers = here
    state.previous_lists = lists
    state.previous_initiative = initiative


def _item_container(state: _State, tokens: list[Token], index: int, ident: int) -> _Container:
    current = state.lists[-1]
    checked = tokens[index].meta.get("checked")
    task = styled(TASK_MARKS[bool(checked)], "bullet") if checked is not None else None
    if index in state.initiatives:
        number = state.initiative_count
        state.initiative_count += 1
        label = f"{number + 1:>2}"
        bar = styled(INITIATIVE_BAR, "initiative-bar")
        first = join([bar, styled(f" {label} ", "initiative-number"), Content(" ")])
        rest = join([bar, Content(" " * (len(label) + 3))])
        if task is not None:
            first, rest = first + task, rest + Content(" " * task.cell_length)
        return _Container(first, rest, role="initiative", initiative=number, ident=ident)
    if task is not None:
        marker = task.plain
    elif current.ordered:
        marker = f"{current.number}.".rjust(current.number_width) + " "
    else:
        marker = BULLETS[current.depth % len(BULLETS)] + " "
    return _Container(styled(marker, "bullet"), Content(" " * len(marker)), ident=ident)


def _count_items(tokens: list[Token], index: int) -> int:
    level = tokens[index].level
    count = 0
    # Index from `index` on: islice(tokens, index + 1) would walk the tokens before it too,
    # which made every list cost the length of the document before it (quadratic).
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        if token.level == level and token.type.endswith("_list_close"):
            break
        if token.type == "list_item_open" and token.level == level + 1:
            count += 1
    return count


def _is_tight(tokens: list[Token], index: int) -> bool:
    # markdown-it marks the paragraphs of a tight list hidden.
    level = tokens[index].level
    for position in range(index + 1, len(tokens)):
        token = tokens[position]
        if token.type == "paragraph_open" and token.level == level + 2:
            return bool(token.hidden)
        if token.level == level and token.type.endswith("_list_close"):
            break
    return True


def _table(state: _State, tokens: list[Token], index: int) -> int:
    """Collect a table's cells into one block; returns the index of table_close."""
    rows: list[tuple[Content, ...]] = []
    row: list[Content] = []
    aligns: list[str] = []
    source = tokens[index].map
    position = index + 1
    while position < len(tokens) and tokens[position].type != "table_close":
        token = tokens[position]
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            rows.append(tuple(row))
        elif token.type == "th_open":
            style = str(token.attrGet("style") or "")
            aligns.append(style.removeprefix("text-align:") if style else "left")
        elif token.type == "inline":
            row.append(_inline(token.children))
        position += 1
    if rows:
        _emit(
            state,
            Content(""),
            source=source,
            kind="table",
            cells=tuple(rows),
            aligns=tuple(aligns),
        )
    return position


def _inline(children: Iterable[Token] | None) -> Content:
    """Inline tokens to Content: emphasis, code, links, images; text never parsed as markup."""
    parts: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str, int, str | None]] = []
    length = 0

    def add(text: str, role: str = "") -> None:
        nonlocal length
        # markdown-it decodes entities itself (`&#8238;` is a bidi override), after the
        # loader cleaned the text.
        text = strip_control(text)
        if not text or (text == " " and parts and parts[-1].endswith("\n")):
            return  # a line break from <br> and then markdown's own: one break
        parts.append(text)
        if role:
            spans.append(Span(length, length + len(text), role))
        length += len(text)

    html_open: list[tuple[str, int, str | None]] = []

    def html_inline(fragment: str) -> None:
        tag = html_tag(fragment)
        if tag is None:
            return  # a comment
        name = tag.name
        if not tag.closing:
            if name == "br":
                add("\n")
            elif name == "img":
                alt = one_line(tag.attr("alt")) or "untitled"
                add(f"[image: {alt}]", "image")
            elif name in INLINE_ROLES or name == "a":
                html_open.append((name, length, tag.attr("href") or None))
            return
        for position in range(len(html_open) - 1, -1, -1):
            if html_open[position][0] == name:
                _name, start, href = html_open.pop(position)
                if length > start:
                    if name == "a":
                        spans.append(Span(start, length, "link"))
                        target = check_link(href).target if href else None
                        if target is not None:
                            spans.append(Span(start, length, link_style(target)))
                    else:
                        role = INLINE_ROLES[name]
                        if role in _SCRIPTS:
                            _as_script(parts, start, length, _SCRIPTS[role])
                        spans.append(Span(start, length, role))
                return

    tokens = list(children or ())
    for position, token in enumerate(tokens):
        kind = token.type
        if kind in ("text", "text_special"):
            add(token.content)
        elif kind == "html_inline":
            html_inline(token.content)
        elif kind == "template_inline":
            add(f"[{token.content}]", "template")
        elif kind == "footnote_ref":
            add(f"[{_footnote_number(token)}]", "footnote-ref")
        elif kind == "softbreak":
            following = tokens[position + 1].content[:1] if position + 1 < len(tokens) else ""
            if not (parts and _is_wide(parts[-1][-1]) and following and _is_wide(following)):
                add(" ")  # (Chinese and Japanese lines join without a space)
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline" or kind == "keys":
            add(token.content, "code-inline")
        elif kind == "emoji":
            add(token.content)
        elif kind == "image":
            add(f"[image: {inline_text(token.children) or 'untitled'}]", "image")
        elif kind.endswith("_open"):
            href = str(token.attrGet("href") or "") if kind == "link_open" else None
            opened.append((kind[: -len("_open")], length, href))
        elif kind.endswith("_close") and opened:
            name, start, href = opened.pop()
            if length == start:
                continue
            if name == "link":
                spans.append(Span(start, length, "link"))
                target = check_link(href).target if href else None
                if target is not None:
                    spans.append(Span(start, length, link_style(target)))
            elif name in _INLINE_ROLES:
                role = _INLINE_ROLES[name]
                if role in _SCRIPTS:
                    _as_script(parts, start, length, _SCRIPTS[role])
                spans.append(Span(start, length, role))
    return Content("".join(parts), spans)
