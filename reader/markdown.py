"""The one markdown-it configuration the whole reader uses: the loader's initiative
extraction and the article renderer must agree on where a list starts and ends."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from reader.limits import MAX_MARKDOWN_CHARS, MAX_MARKDOWN_LINES, MAX_MARKDOWN_NESTING
from reader.markup.callouts import OPEN_TYPES as CALLOUT_OPEN_TYPES
from reader.markup.html import inline_html_text
from reader.markup.templates import template_links, template_plugin

# Blocks whose content markdown-it parses one level deeper.
_CONTAINERS = frozenset(
    {"blockquote_open", "list_item_open", "footnote_reference_open", "dd_open"} | CALLOUT_OPEN_TYPES
)


class _AsWritten(MarkdownIt):
    """Links kept as the file writes them. markdown-it would percent-encode a space in a
    link's host (`exa mple.com` became `exa%20mple.com`), turn any host into punycode and
    back for display: reader.links judges what was written, and draws and opens only
    links that hide nothing."""

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


def is_mdx(path: str | os.PathLike[str]) -> bool:
    """Whether a file is MDX (markdown with imports and JSX components), read as such."""
    return os.fspath(path).lower().endswith(".mdx")


@cache
def markdown_parser(mdx: bool = False) -> MarkdownIt:
    """CommonMark with what real sites write: tables, strikethrough, task lists, GitHub
    alerts, footnotes, definition lists, `:::` containers and `!!!` admonitions, template
    tags (reader.markup.templates), and, for MDX, its imports and components.

    HTML is parsed into html_block / html_inline tokens, which are only ever read as
    text (reader.markup.html), never run or passed to the terminal.
    """
    options = {
        "maxNesting": MAX_MARKDOWN_NESTING,
        "html": True,
        "alerts": True,
        "tasklists": True,
    }
    parser = _AsWritten("commonmark", options)
    parser.enable(["table", "strikethrough"])
    parser.use(footnote_plugin)
    parser.use(deflist_plugin)
    parser.use(container_plugin, name="callout", validate=_is_container)
    parser.use(admon_plugin)
    parser.use(template_plugin, mdx=mdx)
    return parser


def _is_container(params: str, markup: str) -> bool:
    """`:::note`, `:::tip[Title]`, `::: warning A title`: a name first."""
    name = params.strip()
    return bool(name) and (name[0].isalpha())


def parse_inline(text: str, mdx: bool = False) -> list[Token]:
    """The inline tokens of `text` (one paragraph's or heading's markdown)."""
    parser = markdown_parser(mdx)
    children: list[Token] = []
    parser.inline.parse(template_links(text), parser, {}, children)
    return children


def inline_text(children: list[Token] | None) -> str:
    """The plain text of inline tokens: markup dropped, code and image alt text kept;
    HTML tags and template tags are not text (a line break is a space, an <img> its alt
    text)."""
    parts: list[str] = []
    for token in children or ():
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append(inline_text(token.children))
        elif kind == "html_inline":
            parts.append(inline_html_text(token.content))
    return "".join(parts)


def split_markdown(body: str) -> tuple[str, str]:
    """The part of `body` read as markdown, and the rest, which is plain text.

    The markdown part is the first MAX_MARKDOWN_LINES lines, cut at the end of a line
    (or a space) before MAX_MARKDOWN_CHARS characters; the loader's initiatives and the
    rendered article both come from it, so they agree.
    """
    if len(body) <= MAX_MARKDOWN_CHARS and body.count("\n") < MAX_MARKDOWN_LINES:
        return body, ""
    end = min(len(body), MAX_MARKDOWN_CHARS)
    newline = -1
    for _ in range(MAX_MARKDOWN_LINES):
        newline = body.find("\n", newline + 1, end)
        if newline < 0:
            break
    if newline >= 0:
        end = newline + 1  # the end of line MAX_MARKDOWN_LINES
    elif end < len(body):
        # Within the character limit: back up to a line end, else to a space.
        cut = body.rfind("\n", 0, end) + 1 or body.rfind(" ", 0, end) + 1
        end = cut or end
    return body[:end], body[end:]


def limits() -> tuple[int, int, int]:
    """The markdown limits in force (a cache of parses keys on them: tests change them)."""
    return MAX_MARKDOWN_LINES, MAX_MARKDOWN_CHARS, MAX_MARKDOWN_NESTING


@dataclass(frozen=True, slots=True)
class LimitedParse:
    """Tokens for the part of a body read as markdown, and the plain text after it."""

    tokens: list[Token]
    # The rest of the body, shown as plain text ("" when the whole body is markdown).
    plain: str
    # Why there is plain text: "long" (over MAX_MARKDOWN_LINES / _CHARS) or "deep" (a
    # list or quote nested past MAX_MARKDOWN_NESTING); "" when there is none.
    reason: str = ""
    # The body line (1-based) where the plain text starts.
    plain_line: int = 0


def parse_limited(body: str, parse: Callable[[str], list[Token]]) -> LimitedParse:
    """Parse the markdown part of `body` with `parse` (a full or a block-only parse).

    markdown-it stops at MAX_MARKDOWN_NESTING levels and then drops the rest of the
    document without a word; here the markdown ends where that happens and everything
    from that line on is plain text instead.
    """
    markdown, plain = split_markdown(body)
    reason = "long" if plain else ""
    tokens = parse(markdown)
    while (deep := _first_too_deep(tokens)) is not None:
        start = _line_offset(markdown, deep)
        markdown, plain, reason = markdown[:start], markdown[start:] + plain, "deep"
        tokens = parse(markdown)
    plain_line = markdown.count("\n") + 1 if reason else 0
    return LimitedParse(tokens, plain, reason, plain_line)


def _first_too_deep(tokens: list[Token]) -> int | None:
    """The line where the first quote or list item too deep to parse starts."""
    for token in tokens:
        if (
            token.type in _CONTAINERS
            and token.level >= MAX_MARKDOWN_NESTING - 1
            and token.map is not None
        ):
            return token.map[0]
    return None


def _line_offset(text: str, line: int) -> int:
    """Where 0-based `line` of `text` starts."""
    offset = 0
    for _ in range(line):
        offset = text.index("\n", offset) + 1
    return offset
