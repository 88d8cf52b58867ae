"""A line scanner that finds initiatives without markdown-it, for simple bodies.

markdown-it's block parser is most of the cost of loading an article (~160 us of ~400 us
for a 4 KB scrape), and most scraped bodies are only paragraphs, ATX headings and one
flat bullet list. For exactly those this scanner gives markdown-it's answer; for anything
else (fences, quotes, indented or nested blocks, ordered lists, tables, setext headings,
thematic breaks, reference definitions, tabs, uneven bullet indents; template tags,
callouts, definitions and task items; MkDocs' abbreviations, snippets, tabs, `///`
blocks and `[TOC]`) it
returns None and the caller parses with markdown-it. tests/test_fastbody.py checks it
against markdown-it.
"""

from __future__ import annotations

import re

# What a link to an anchor of the page holds (`[Text](#anchor)`).
ANCHOR_LINK_OPENER = "](#"
# A link to an anchor of the page or to another file of the site (`[Text](#anchor)`,
# `[19.x](CHANGELOG_V19.md)`: no scheme, no `//`), as markdown (its text may hold code or
# brackets). A list of nothing else is navigation, no initiatives (reader.loading.body).
PAGE_OR_FILE_LINK = re.compile(
    r"\[(?:[^\[\]\\\n]|\\.|\[[^\[\]\n]*\])+\]\((?![A-Za-z][A-Za-z0-9+.-]*:|//)[^\s()]*\)"
)

# A bullet item: up to 3 spaces, a marker, 1-4 spaces, content.
_ITEM = re.compile(r"( {0,3})([*+-])( {1,4})(\S.*)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ ]|$)")
# Lines whose meaning depends on block rules this scanner does not follow.
_UNSUPPORTED_LINE = re.compile(
    r"""
    \ {4}                              # indented code, or a continuation paragraph
    | \ {0,3}(?: `{3} | ~{3} | > | < | \| | \[[^\]]*\]: )   # fence, quote, html, table, ref
    | \ {0,3}(?: \{ | [:~](?:\s|$) | :{3} | !{3} | \?{3} )   # template, definition, callout
    | \ {0,3}(?: \*\[ | -+8< | ={3} | /{3} | \[TOC\] )  # MkDocs: abbreviation,
                                       # snippet, content tab, `///` block, TOC marker
    | \ {0,3}\d{1,9}[.)](?:\s|$)       # ordered list
    | \ {0,3}(?:=+|-+)\s*$             # setext underline (or an empty item)
    | \ {0,3}([-*_])(?:\ *\1){2,}\ *$  # thematic break
    | \ {0,3}[*+-]\s*$                 # empty list item
    | \ {0,3}[*+-]\ {5}                # list item starting with indented code
    """,
    re.VERBOSE,
)
# Item content that would open a block inside the item (a nested list, heading, ...).
_UNSUPPORTED_CONTENT = re.compile(
    r"[*+-](?:\s|$)|\d{1,9}[.)](?:\s|$)|#{1,6}(?:\s|$)|[`~>|<{]|\[[^\]]*\]:|\[[ xX]\](?:\s|$)"
    r"|([-*_])(?:[ \t]*\1){2,}[ \t]*$"  # a thematic break (`* ---`)
    r"|:{3}|!{3}|\?{3}|[:~](?:\s|$)"  # a callout or a definition
    r"|\*\[|-+8<|={3}|/{3}|\[TOC\]"  # MkDocs: an abbreviation, a snippet, a content tab,
    # a `///` block, a table of contents' marker
)


def fast_initiatives(body: str) -> list[str] | None:
    """The raw markdown text of each top-level bullet item, or None if the body is not
    simple enough to be sure. Each text is the item's paragraph lines joined by newlines.
    """
    if "\t" in body or "|" in body:
        return None
    items: list[str] = []
    current: list[str] | None = None  # lines of the open item paragraph
    in_list = False
    list_indent = 0
    for line in body.split("\n"):
        if not line.strip():
            if current is not None:
                items.append("\n".join(current))
                current = None
            continue
        if _UNSUPPORTED_LINE.match(line):
            return None
        item = _ITEM.fullmatch(line)
        if item:
            indent = len(item.group(1))
            if in_list and indent != list_indent:
                return None
            content = item.group(4)
            if (
                _UNSUPPORTED_CONTENT.match(content)
                or ANCHOR_LINK_OPENER in content
                or (content[0] == "[" and PAGE_OR_FILE_LINK.fullmatch(content.strip()))
            ):
                return None  # (navigation's items too: body.py reads its lists)
            if current is not None:
                items.append("\n".join(current))
            current, in_list, list_indent = [content.strip()], True, indent
        elif _HEADING.match(line):
            if in_list and line[0] == " ":
                return None
            if current is not None:
                items.append("\n".join(current))
                current = None
            in_list = False
        elif current is not None:
            current.append(line.strip())  # lazy continuation of the item's paragraph
        elif in_list:
            if line[0] == " ":
                return None  # might continue the item after a blank line
            in_list = False
    if current is not None:
        items.append("\n".join(current))
    return items
