"""The one markdown-it configuration the whole reader uses: the loader's initiative
extraction and the article renderer must agree on where a list starts and ends."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.limits import MAX_MARKDOWN_NESTING


@cache
def markdown_parser() -> MarkdownIt:
    """CommonMark plus tables and strikethrough; raw HTML is kept as text, never run."""
    parser = MarkdownIt("commonmark", {"maxNesting": MAX_MARKDOWN_NESTING, "html": False})
    parser.enable(["table", "strikethrough"])
    return parser


def inline_text(children: list[Token] | None) -> str:
    """The plain text of inline tokens: markup dropped, code and image alt text kept."""
    parts: list[str] = []
    for token in children or ():
        if token.type in ("text", "text_special", "code_inline", "html_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(inline_text(token.children))
    return "".join(parts)
