"""What the loader reads out of a markdown body: initiatives and the first heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from reader.limits import MAX_MARKDOWN_CHARS, MAX_MARKDOWN_LINES, MAX_MARKDOWN_NESTING
from reader.loading.fastbody import fast_initiatives
from reader.markdown import (
    LimitedParse,
    inline_text,
    markdown_parser,
    parse_limited,
    split_markdown,
)
from reader.text.sanitize import one_line, strip_control

# Characters that can start inline markup (emphasis, code, links, entities, escapes,
# autolinks, strikethrough); text without any of them is already plain.
_INLINE_MARKUP = re.compile(r"[*_`\[\]!<>&\\~]")


@dataclass(frozen=True, slots=True)
class BodyFacts:
    initiatives: tuple[str, ...]
    first_heading: str | None
    # Set when part of the body is plain text (see reader.markdown.parse_limited).
    warning: str | None = None


def scan_body(body: str, *, need_heading: bool = True) -> BodyFacts:
    """Initiatives are the items of the body's top-level bullet lists, as plain text.

    An item's text is its own paragraphs; sub-bullets belong to it but are not repeated.
    Simple bodies take the line scanner; the rest, and any body whose first heading is
    wanted (a file without a title), go through markdown-it. Only the markdown part of a
    body is read (reader.markdown.parse_limited); a warning says where the rest starts.
    """
    # The line scanner declines nested blocks, so it only needs the length cut: it reads
    # the markdown part of a long body as markdown-it would (10,000 bullets: 0.24 s less).
    if not need_heading:
        markdown, plain = split_markdown(body)
        items = fast_initiatives(markdown)
        if items is not None:
            texts = (one_line(_plain(item)) for item in items)
            rest = LimitedParse([], plain, "long", markdown.count("\n") + 1) if plain else None
            warning = _plain_text_warning(rest) if rest is not None else None
            return BodyFacts(tuple(text for text in texts if text), None, warning)
    return _markdown_scan(body)


def markdown_initiatives(body: str) -> tuple[str, ...]:
    """Initiatives found by markdown-it alone (the reference the line scanner must match)."""
    return _markdown_scan(body).initiatives


def _block_tokens(text: str) -> list[Token]:
    parser = markdown_parser()
    tokens: list[Token] = []
    parser.block.parse(text, parser, {}, tokens)
    return tokens


def _plain_text_warning(parsed: LimitedParse) -> str | None:
    if parsed.reason == "long":
        return (
            f"the body is longer than the reader formats ({MAX_MARKDOWN_LINES:,} lines or "
            f"{MAX_MARKDOWN_CHARS:,} characters): from body line {parsed.plain_line:,} it is "
            "plain text, and no initiatives are read from there"
        )
    if parsed.reason == "deep":
        return (
            f"lists or quotes nest more than {MAX_MARKDOWN_NESTING} levels deep at body line "
            f"{parsed.plain_line:,}: from there the body is plain text, and no initiatives "
            "are read from it"
        )
    return None


def _markdown_scan(body: str) -> BodyFacts:
    """Only block structure is parsed for the whole body; inline markup is parsed just for
    the few paragraphs kept, which is about twice as fast as a full parse."""
    parsed = parse_limited(body, _block_tokens)
    tokens = parsed.tokens

    initiatives: list[str] = []
    first_heading: str | None = None
    in_top_bullets = False
    item_parts: list[str] | None = None
    item_level = 0
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "bullet_list_open" and token.level == 0:
            in_top_bullets = True
        elif kind == "bullet_list_close" and token.level == 0:
            in_top_bullets = False
        elif kind == "list_item_open" and in_top_bullets and token.level == 1:
            item_parts, item_level = [], token.level
        elif kind == "list_item_close" and item_parts is not None and token.level == item_level:
            text = one_line(" ".join(item_parts))
            if text:
                initiatives.append(text)
            item_parts = None
        elif kind == "inline":
            opener = tokens[index - 1] if index else None
            if (
                item_parts is not None
                and opener is not None
                and opener.type == "paragraph_open"
                and opener.level == item_level + 1
            ):
                item_parts.append(_plain(token.content))
            elif (
                first_heading is None
                and opener is not None
                and opener.type == "heading_open"
                and opener.tag == "h1"
            ):
                first_heading = one_line(_plain(token.content)) or None
    return BodyFacts(tuple(initiatives), first_heading, _plain_text_warning(parsed))


def _plain(markdown_inline: str) -> str:
    if _INLINE_MARKUP.search(markdown_inline) is None:
        return markdown_inline  # nothing to strip: skip the inline parser
    parser = markdown_parser()
    children: list[Token] = []
    parser.inline.parse(markdown_inline, parser, {}, children)
    # Entities decode here (`&#8238;` is a bidi override), after the file's text was cleaned.
    return strip_control(inline_text(children))
