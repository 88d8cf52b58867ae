"""The one markdown-it configuration the whole reader uses: the loader's initiative
extraction and the article renderer must agree on where a list starts and ends."""

from __future__ import annotations

import html
import logging
import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Generic, Protocol, TypeVar

import markdown_it_pyrs
from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.admon.index import MARKER_LEN as ADMONITION_MARKER_LEN
from mdit_py_plugins.admon.index import MARKERS as ADMONITION_MARKERS
from mdit_py_plugins.admon.index import _get_tag as admonition_tag
from mdit_py_plugins.admon.index import _validate as admonition_valid
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from reader.limits import MAX_MARKDOWN_CHARS, MAX_MARKDOWN_MARKS, MAX_MARKDOWN_NESTING
from reader.markup.callouts import OPEN_TYPES as CALLOUT_OPEN_TYPES
from reader.markup.html import inline_html_text
from reader.markup.pymdownx import BLOCK_OPENER as PYMDOWNX_BLOCK_OPENER
from reader.markup.pymdownx import may_hold_inline as may_hold_pymdownx_inline
from reader.markup.pymdownx import pymdownx_plugin, texts_holding_inline
from reader.markup.templates import (
    CONTENT_TAB_INDENT,
    content_tab_label,
    indented_body_end,
    kramdown_attribute_line,
    line_tags,
    mdx_line,
    nothing_lines,
    tags_over_lines,
    template_block,
    template_links,
    template_plugin,
)

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


@cache
def markdown_parser(mdx: bool = False) -> MarkdownIt:
    """CommonMark with what real sites write: tables, strikethrough, task lists, GitHub
    alerts, footnotes, definition lists, `:::` containers and `!!!` admonitions, template
    tags (reader.markup.templates), PyMdown's `///` blocks and inline marks
    (reader.markup.pymdownx), and, for MDX, its imports and components.

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
    parser.use(pymdownx_plugin)
    return parser


def silence_block_rule_logging() -> None:
    """markdown-it-py's block rules log every line they try at debug level (1,900 calls
    for a 16 KB page of release notes, 5% of reading it, though no one listens): from
    now on, in this process, those calls do nothing. For a sync's worker processes,
    whose logging no one reads."""
    for name, module in list(sys.modules.items()):
        logger = getattr(module, "LOGGER", None)
        if name.startswith("markdown_it.rules_block.") and isinstance(logger, logging.Logger):
            logger.debug = _ignore  # type: ignore[method-assign]


def _ignore(*_args: object, **_kwargs: object) -> None:
    pass


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
        elif kind in ("keys", "emoji"):
            parts.append(token.content)
    return "".join(parts)


# markdown-it-pyrs (markdown-it's Rust port) with markdown_parser's inline rules, less
# those of our plugins and HTML: for paragraphs that hold none of their openers
# (_PLUGIN_INLINE), its inline parse is markdown-it-py's (tests/test_compiled_markdown.py
# checks it on every sample, on generated text and on the real-shaped bench corpus). Only
# the paragraph block rule: each text given is one paragraph, never a heading or a list.
# What opens inline markup only markdown_parser reads: HTML and autolinks, template
# tags and kramdown attributes (`{{`, `{%`, `{:`: a lone `{`, as in the `{Object}` of
# each argument of Node's API docs, is text to both) and inline footnotes (`^[`; a
# footnote reference, `[^1]`, is text to both: the loader's inline parse knows no
# definitions). Strikethrough too: the two parsers pair `~~` runs beside emphasis each
# in their own way (`**~~~~*~~`), and few paragraphs hold one. Likewise emphasis runs
# left unpaired in an image's alt text (`![*_**](u)`), and its entities and escapes,
# which the compiled parser's HTML leaves out of the alt text (`![&amp;](u)`): a
# paragraph with an image and any of those is left to markdown-it-py. And PyMdown's
# inline marks (`==mark==`, `H~2~O`, `++ctrl++`, `:smile:`: may_hold_pymdownx_inline).
_PLUGIN_INLINE = ("<", "{{", "{%", "{:", "^[", "~~")
# And MkDocs' attribute lists (`[Start](a.md){ .md-button }`), looked for by their start.
_ATTRIBUTE_OPENER = re.compile(r"\{[ \t]*(?:[.#]|[\w-]+=)")
# Paragraph text with more openers than this may nest past maxNesting, where the two
# parsers each stop in their own way: left to markdown-it-py.
_MOST_OPENERS = MAX_MARKDOWN_NESTING
# Past ASCII, the two parsers tell emphasis apart by different characters beside its `*`
# or `_`: line separators are spaces to markdown-it-pyrs, not to markdown-it-py
# (`**\u2028**\\**`), and symbols (`€`, emoji, U+FFFD) punctuation to markdown-it-py only
# (`a**€**b`). A text holding a line separator, or a symbol beside a `*` or `_`, is left
# to markdown-it-py.
_LINE_SEPARATORS = ("\u2028", "\u2029")
_PAST_ASCII_BESIDE_EMPHASIS = re.compile(r"(?<=[*_])[^\x00-\x7f]|[^\x00-\x7f](?=[*_])")


def _emphasis_read_apart(text: str) -> bool:
    return any(separator in text for separator in _LINE_SEPARATORS) or any(
        unicodedata.category(char.group())[0] == "S"
        for char in _PAST_ASCII_BESIDE_EMPHASIS.finditer(text)
    )


_IMAGE_MARKS = frozenset("*_&\\")


@cache
def _compiled_inline_parser(html: bool = False) -> markdown_it_pyrs.MarkdownIt:
    """`html`: with inline HTML and autolinks (compiled_inline_text)."""
    parser = markdown_it_pyrs.MarkdownIt("zero")
    parser.enable_many(["paragraph", "newline", "escape", "backticks"])
    parser.enable_many(["emphasis", "link", "image", "entity"])
    return parser.enable_many(["autolink", "html_inline"]) if html else parser


def compiled_inline_texts(texts: list[str]) -> list[str | None]:
    """inline_text(parse_inline(text)) for each of `texts` (paragraph markdown, as block
    tokens hold it) that the compiled parser reads as markdown-it-py does, in one call
    for all of them; None for the others. An item list of release notes holds thousands
    of links and code spans: markdown-it-py parsed them at 1 MB/s."""
    found: list[str | None] = [None] * len(texts)
    # What no text holds is not looked for in each (a list of release notes: 80 items).
    whole = "\0".join(texts)
    blank, image = "\n\n" in whole, "![" in whole
    wide = not whole.isascii()
    plugin = any(mark in whole for mark in _PLUGIN_INLINE)
    attributes = "{" in whole and _ATTRIBUTE_OPENER.search(whole) is not None
    pymdownx = frozenset(texts_holding_inline(texts))
    chosen = [
        index
        for index, text in enumerate(texts)
        if text.strip()
        and not (blank and "\n\n" in text)
        and not (wide and not text.isascii() and _emphasis_read_apart(text))
        and not (plugin and any(mark in text for mark in _PLUGIN_INLINE))
        and not (attributes and "{" in text and _ATTRIBUTE_OPENER.search(text) is not None)
        and index not in pymdownx
        and not (image and "![" in text and not _IMAGE_MARKS.isdisjoint(text))
        and text.count("[") + text.count("*") + text.count("_") <= _MOST_OPENERS
        and ("`" not in text or "[" not in text or _code_spans_close(text))
    ]
    if not chosen:
        return found
    try:
        rendered = _rendered_apart([texts[index] for index in chosen])
    except BaseException as error:
        # A panic in the Rust parser on text we did not foresee (see _code_spans_close):
        # markdown-it-py reads it instead.
        if type(error).__name__ != "PanicException":
            raise
        return found
    if rendered.count("</p>\n") != len(chosen):  # a text that is not one paragraph: none
        return found
    # Read back all at once, the paragraphs apart by NULs (the compiled parser writes none:
    # it reads a NUL as U+FFFD). Not one <p> each (not seen): markdown-it-py reads them.
    inner = rendered.removeprefix("<p>").removesuffix("</p>\n").replace("</p>\n<p>", "\0")
    texts_read = _rendered_text(inner).split("\0")
    if len(texts_read) != len(chosen):
        return found
    for index, text in zip(chosen, texts_read, strict=True):
        found[index] = text
    return found


def _rendered_apart(texts: list[str]) -> str:
    """The compiled parser's HTML of `texts`, each a paragraph: what it makes of them all
    at once, made _RENDERED_AT_ONCE characters or so a call (it takes longer a character
    on longer text: a page of release notes' 1,000 items in one call cost it 1.7 times
    what they cost in calls of 20-30 items)."""
    parser = _compiled_inline_parser()
    rendered = []
    start = size = 0
    for end, text in enumerate(texts, 1):
        size += len(text)
        if size >= _RENDERED_AT_ONCE:
            rendered.append(parser.render("\n\n".join(texts[start:end])))
            start, size = end, 0
    if start < len(texts):
        rendered.append(parser.render("\n\n".join(texts[start:])))
    return "".join(rendered)


_RENDERED_AT_ONCE = 4096


# The compiled parser's HTML, read back as inline_text reads tokens (its HTML is read
# faster than its tree is made, and the text in it is escaped: every `<` opens a tag it
# wrote): an image is its alt text, other tags nothing, a line break a space.
_RENDERED_IMAGE = re.compile(r'<img src="[^"]*" alt="([^"]*)"[^>]*>')
_RENDERED_TAG = re.compile(r"<[^>]*>")


def _rendered_text(rendered: str) -> str:
    if "<img" in rendered:
        rendered = _RENDERED_IMAGE.sub(r"\1", rendered)
    if "<" in rendered:
        rendered = _RENDERED_TAG.sub("", rendered)
    return html.unescape(rendered.replace("\n", " "))


# Inline HTML both parsers read alike: tags, http(s) autolinks and email autolinks (a
# README's maintainers, `<<name@example.com>>`), ASCII, spelt as the CommonMark spec
# spells them (the two parsers' regexes for tags differ in comments, CDATA, declarations
# and what spaces are: those are left to markdown-it-py). A `<` inside a quoted attribute
# is not taken, so that every `<` of a text taken opens one of these, or is text to both
# as the first of `<<` (nothing either parser reads starts so). An attribute's value is
# printable ASCII but `"'=<>\``, or quoted: printable ASCII or a space but the quote, `<`
# and `>` (spelt as ranges of what is taken: a class of what is not, up to U+10FFFF, took
# 12-23 ms to compile, in every process that reads markdown).
_UNQUOTED_VALUE_CHAR = "[!#-&(-;?-_a-~]"
_SINGLE_QUOTED_VALUE_CHAR = "[ -&(-;=?-~]"
_DOUBLE_QUOTED_VALUE_CHAR = "[ !#-;=?-~]"
_HTML_BOTH_READ = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*"  # an opening tag
    r"(?:[ \t\n]+[A-Za-z_:][A-Za-z0-9:._-]*(?:[ \t\n]*=[ \t\n]*"  # its attributes
    f"(?:{_UNQUOTED_VALUE_CHAR}+"
    f"|'{_SINGLE_QUOTED_VALUE_CHAR}*'|\"{_DOUBLE_QUOTED_VALUE_CHAR}*\"))?)*"
    r"[ \t\n]*/?"
    r"|/[A-Za-z][A-Za-z0-9-]*[ \t\n]*"  # a closing tag
    r"|https?://[!-;=?-~]*"  # an autolink
    r"|[A-Za-z0-9.+_-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"  # an email autolink
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)


def compiled_inline_text(text: str) -> str | None:
    """inline_text(parse_inline(text)) for one paragraph's markdown that may hold inline
    HTML (`<br>` ending the lines of a release's downloads) or autolinks, if the compiled
    parser reads it as markdown-it-py does (as compiled_inline_texts judges, every `<` a
    tag or an autolink of _HTML_BOTH_READ); else None. Read from its tree (an HTML tag in
    the text is text to inline_html_text): markdown-it-py read such a paragraph at
    1 MB/s, a fifth of loading a page of release notes."""
    if not _inline_read_alike(text) or "\0" in text or "\r" in text:
        return None
    position = text.find("<")
    while position >= 0:
        if text.startswith("<", position + 1):
            position += 1
            continue
        tag = _HTML_BOTH_READ.match(text, position)
        if tag is None:
            return None
        position = text.find("<", tag.end())
    try:
        tree = _compiled_inline_parser(html=True).tree(text)
    except BaseException as error:  # a panic in the Rust parser: markdown-it-py reads it
        if type(error).__name__ != "PanicException":
            raise
        return None
    blocks = tree.children
    if len(blocks) != 1 or blocks[0].name != "paragraph":
        return None
    try:
        return _node_text(blocks[0])
    except _Unforeseen:
        return None


def _inline_read_alike(text: str) -> bool:
    """compiled_inline_texts's test of one text (less its `<`): whether the compiled
    parser reads it as markdown-it-py does."""
    return bool(
        text.strip()
        and "\n\n" not in text
        and (text.isascii() or not _emphasis_read_apart(text))
        and not any(mark in text for mark in _PLUGIN_INLINE if mark != "<")
        and ("{" not in text or _ATTRIBUTE_OPENER.search(text) is None)
        and not may_hold_pymdownx_inline(text)
        and ("![" not in text or _IMAGE_MARKS.isdisjoint(text))
        and text.count("[") + text.count("*") + text.count("_") <= _MOST_OPENERS
        and ("`" not in text or "[" not in text or _code_spans_close(text))
    )


# Nodes of the compiled inline tree whose text is their children's.
_INLINE_CONTAINERS = frozenset({"em", "strong", "link", "image", "autolink", "code_inline"})


def _node_text(node: markdown_it_pyrs.Node) -> str:
    """inline_text of the compiled tree's inline nodes under `node`."""
    parts: list[str] = []
    for child in node.children:
        name = child.name
        if name == "text" or name == "text_special":
            parts.append(child.meta["content"])
        elif name == "softbreak" or name == "hardbreak":
            parts.append(" ")
        elif name == "html_inline":
            parts.append(inline_html_text(child.meta["content"]))
        elif name in _INLINE_CONTAINERS:
            parts.append(_node_text(child))
        else:
            raise _Unforeseen
    return "".join(parts)


_BACKTICKS = re.compile(r"`+")


def _code_spans_close(text: str) -> bool:
    """Whether every run of backticks in `text` opens or closes a code span. The compiled
    parser (markdown-it.rs 0.6) panics reading a link's label that holds an unclosed one
    (`[`, then a backtick): such text is left to markdown-it-py, as is an escaped
    backtick (which opens nothing) beside them."""
    if "\\`" in text:
        return False
    if "``" not in text:  # every run one backtick: each closes the one before
        return text.count("`") % 2 == 0
    runs = [len(run) for run in _BACKTICKS.findall(text)]
    while runs:
        opener = runs.pop(0)
        if opener not in runs:
            return False
        del runs[: runs.index(opener) + 1]
    return True


# What the markdown limit counts (MAX_MARKDOWN_MARKS), each mark weighing about what a
# line of release notes costs to parse (~20 us on the compiled path): a line, and each
# mark that opens a table cell, a quote or a list item (a line may hold many: `> - > - `
# nests four), and more for what costs more: a quote (markdown-it-py reads deep ones), an
# empty list item (`-` alone), a reference definition, a footnote and a definition
# list's definition (markdown-it-py's plugins: 60 and 120 us a line). Prose pays for its
# sentences (`. `) and dashes too: the count is a cost bound, not a parse. Measured by
# bench/long_markdown.py.
BLOCK_MARKS = (
    ("\n", 1), ("|", 1), (">", 2), ("- ", 1), ("* ", 1), ("+ ", 1), (". ", 1), (") ", 1),
    ("-\n", 1), ("]:", 2), ("[^", 2), ("\n:", 6),
)  # fmt: skip
# A body this short, and without a table (whose cells are counted), is read whole
# without counting its marks (a pass over it for each kind: 1 to 2 ms a MB each): however
# it is written, it costs less than the limit's worth of lines of release notes (32 KB of
# lines of nested quotes and lists, or of empty items, the costliest: 0.45 s at load 5).
_COUNTED_FROM_CHARS = 1 << 15
# Lines are counted this many characters at a time; the piece where the limit is reached
# is halved down to _MARKS_LINES_CHARS, then counted a line at a time.
_MARKS_PIECE_CHARS = 1 << 16
_MARKS_LINES_CHARS = 1 << 10


def block_marks(text: str, start: int = 0, end: int | None = None) -> int:
    """The lines and block marks ending in `text[start:end]`, by weight (see BLOCK_MARKS):
    a mark that begins before `start` (a line end, then `:`) counts where it ends. The
    cells of a table whose delimiter row ends there count too (_table_cells)."""
    stop = len(text) if end is None else end
    marks = 0
    for mark, weight in BLOCK_MARKS:
        found = text.count(mark, max(0, start - len(mark) + 1), stop)
        marks += found * weight
        if mark == "|" and found:
            marks += _table_cells(text, start, stop) // _CELLS_A_MARK
    return marks


# A line that may be a table's delimiter row (`|---|:-:|`): only pipes, dashes, colons
# and blanks, a pipe among them.
_DELIMITER_ROW = re.compile(r"^[ \t]*[|:-][|: \t-]*\|[|: \t-]*$", re.MULTILINE)
# A table's cells are its columns times its rows, whether its rows write them or not: a
# row with fewer cells than the header is filled up (markdown-it-py stops at 65,536 cells
# filled in one table, markdown-it-pyrs never: a 24 KB file of a header of 5,000 cells and
# 2,000 lines of `a` took it 45 s). About 5 us a cell, a quarter of a mark.
_CELLS_A_MARK = 4


def _table_cells(text: str, start: int, stop: int) -> int:
    """The most cells the tables whose delimiter row ends in `text[start:stop]` may have:
    their columns times their lines, up to a blank line."""
    cells = 0
    for row in _DELIMITER_ROW.finditer(text, start, stop):
        if "-" not in row.group():
            continue
        blank = text.find("\n\n", row.end())
        rows = text.count("\n", row.end(), blank if blank >= 0 else len(text))
        cells += (row.group().count("|") + 1) * (rows + 1)
    return cells


def split_markdown(body: str) -> tuple[str, str]:
    """The part of `body` read as markdown, and the rest, which is plain text.

    The markdown part is whole lines, as many as hold MAX_MARKDOWN_MARKS lines and block
    marks (a line that alone holds more starts the plain text), cut at the end of a line
    (or a space) before MAX_MARKDOWN_CHARS characters; a body of _COUNTED_FROM_CHARS or
    fewer is markdown whole. The loader's initiatives and the rendered article both come
    from it, so they agree.
    """
    if (len(body) <= _COUNTED_FROM_CHARS and "|" not in body) or (
        len(body) <= MAX_MARKDOWN_CHARS and block_marks(body) <= MAX_MARKDOWN_MARKS
    ):
        return body, ""
    end = min(len(body), MAX_MARKDOWN_CHARS)
    marked = _marked_end(body, end)
    if marked < end:
        end = marked  # the start of the line that would pass MAX_MARKDOWN_MARKS
    elif end < len(body):
        # Within the character limit: back up to a line end, else to a space.
        cut = body.rfind("\n", 0, end) + 1 or body.rfind(" ", 0, end) + 1
        end = cut or end
    return body[:end], body[end:]


def _marked_end(body: str, end: int) -> int:
    """Where the lines of `body[:end]` that hold MAX_MARKDOWN_MARKS marks end: the start
    of the first line past it, or `end` when they are all within it."""
    left = MAX_MARKDOWN_MARKS
    start = 0
    while start < end:
        # A piece of whole lines.
        stop = body.find("\n", min(start + _MARKS_PIECE_CHARS, end) - 1, end) + 1 or end
        marks = block_marks(body, start, stop)
        if marks <= left:
            left, start = left - marks, stop
            continue
        while stop - start > _MARKS_LINES_CHARS:  # halved to a few lines
            middle = body.find("\n", (start + stop) // 2, stop - 1) + 1
            if middle == 0:
                break
            marks = block_marks(body, start, middle)
            if marks <= left:
                left, start = left - marks, middle
            else:
                stop = middle
        while start < stop:  # the line where the marks run out
            line_end = body.find("\n", start, stop) + 1 or stop
            left -= block_marks(body, start, line_end)
            if left < 0:
                return start
            start = line_end
    return end


def limits() -> tuple[int, int, int]:
    """The markdown limits in force (a cache of parses keys on them: tests change them)."""
    return MAX_MARKDOWN_MARKS, MAX_MARKDOWN_CHARS, MAX_MARKDOWN_NESTING


class BlockToken(Protocol):
    """What the loader reads of a block token: markdown-it-py's Token, or a CompiledToken."""

    @property
    def type(self) -> str: ...
    @property
    def tag(self) -> str: ...
    @property
    def nesting(self) -> int: ...
    @property
    def level(self) -> int: ...
    @property
    def content(self) -> str: ...
    @property
    def map(self) -> list[int] | None: ...


TokenT = TypeVar("TokenT", bound=BlockToken)


@dataclass(frozen=True, slots=True)
class LimitedParse(Generic[TokenT]):
    """Tokens for the part of a body read as markdown, and the plain text after it."""

    tokens: list[TokenT]
    # The rest of the body, shown as plain text ("" when the whole body is markdown).
    plain: str
    # Why there is plain text: "long" (over MAX_MARKDOWN_MARKS / _CHARS) or "deep" (a
    # list or quote nested past MAX_MARKDOWN_NESTING), "unreadable" (the parser failed
    # on it: the whole body is plain text, and `error` says how); "" when there is none.
    reason: str = ""
    # The body line (1-based) where the plain text starts.
    plain_line: int = 0
    error: str = ""


def parse_limited(body: str, parse: Callable[[str], list[TokenT]]) -> LimitedParse[TokenT]:
    """Parse the markdown part of `body` with `parse` (a full or a block-only parse).

    markdown-it stops at MAX_MARKDOWN_NESTING levels and then drops the rest of the
    document without a word; here the markdown ends where that happens and everything
    from that line on is plain text instead. A body the parser fails on (markdown-it-py
    raises IndexError on `> - - - <![CDATA[` then `> `, and its `:::` rule on `> :::note`
    then `> `) is plain text, whole: the loader and the renderer read the same.
    """
    markdown, plain = split_markdown(body)
    reason = "long" if plain else ""
    try:
        tokens = parse(markdown)
        while (deep := _first_too_deep(tokens)) is not None:
            start = _line_offset(markdown, deep)
            markdown, plain, reason = markdown[:start], markdown[start:] + plain, "deep"
            tokens = parse(markdown)
    except _PARSER_FAILURES as error:
        return LimitedParse([], body, "unreadable", 1, f"{type(error).__name__} {error}")
    plain_line = markdown.count("\n") + 1 if reason else 0
    return LimitedParse(tokens, plain, reason, plain_line)


# What a parser's bug raises on odd text (not MemoryError or RecursionError: the limits'
# business).
_PARSER_FAILURES = (IndexError, KeyError, ValueError, TypeError, AttributeError)


def _first_too_deep(tokens: Sequence[BlockToken]) -> int | None:
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


# What opens a block only markdown_parser reads (`:::` containers, `!!!` and `???`
# admonitions, GitHub alerts, footnotes, template tags and kramdown lines), and what its
# block parse reads unnormalised (NUL, CR), by a character each holds: a body holding
# any is left to markdown-it-py. (A character is found at memory speed; a longer string
# is looked for only when its first character is there; those starting with `[` or `{`,
# common in real text, by one regex each, which finds its first character as fast and
# costs one search, not one for each string.) A container or an admonition opens only
# at a line's start, after its containers' marks (_opens_a_line): `Wow!!!` or `a:::b`
# in a line of text is text to both parsers.
_PLUGIN_BLOCK_MARKS = (
    (":", (":::",)), ("!", ("!!!",)), ("?", ("???",)), ("\0", ("\0",)), ("\r", ("\r",)),
    ("/", ("///",)),
)  # fmt: skip
_PLUGIN_OPENER = re.compile(r":::|!!!|\?\?\?|///")
_CONTAINER_OPENER = re.compile(r":::")
# `!!!` and `???` admonitions at a top-level line's start are stood in (_stand_in_lines);
# a page with one elsewhere (in a list item, a quote, indented) is left to markdown-it-py.
_ADMONITION_OPENER = re.compile(r"!!!|\?\?\?")
# MkDocs' lines the template plugin reads (attribute lists, abbreviations, snippets,
# content tabs), by their start (each a regex starting with a character of its own, found
# at memory speed; a snippet's `--` are container marks to _opens_a_line) and a string
# each holds: stood in at a top-level line's start, else left to markdown-it-py.
# A line that may be a definition list's definition (a `:` or `~` line, not the text's
# first), which _DIFFERING_LINE leaves to markdown-it-py outside fenced code.
_DEFINITION_LINE = re.compile(r"\n[ \t]{0,3}[:~][ \t]")
_MKDOCS_OPENERS = (
    ("{", _ATTRIBUTE_OPENER),
    ("[TOC]", re.compile(r"\[TOC\][ \t]*$", re.MULTILINE)),
    ("*[", re.compile(r"(?<!\*)\*\[[^\]\n]+\] ?:")),  # (not `**[CVE-1](u)**: …`)
    ("8<", re.compile(r"-8<-")),
    ("===", re.compile(r"===[!+]{0,2}[ \t]+\"")),
)
# Task list items' boxes (markdown-it-py takes them off): `[ ]`, `[x]`. (GitHub alerts,
# template tags and footnote definitions: see _with_stand_ins.)
_TASK_BOX = re.compile(r"\[[ xX]\]")
# Lines the two parsers read apart, in a quote or a list item too (looked for after a
# newline: a regex starting with one skips to the next at memory speed): a definition
# list's `: ` or `~ ` line (markdown_parser's plugin); an empty list item, which may end
# a quote's lazy paragraph line for markdown-it-py (`> a` then `-`), not
# markdown-it-pyrs; a quote's line then one not of the quote, maybe a lazy line of its
# paragraph, whose leading spaces markdown-it-py keeps and markdown-it-pyrs drops; a
# quote's line with a tab before its text, which the two expand apart (`> > \t code`); a
# quote in a quote, whose lazy lines may start with the outer one's `>` (`> > a` then
# `>     b`).
# (Each starts with one of the characters of the lookahead: a line starting with any other,
# most lines of text, is passed over without trying each in turn: a third less time.)
_DIFFERING_LINE = re.compile(
    r"\n(?=[- \t>:~*+.)0-9])"
    r"(?:[ \t>]*(?:[:~](?:[ \t]|$)|(?:[-*+]|\d{1,9}[.)])[ \t]*$)"
    r"|[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*>.*\n[ \t]*[^ \t\n>]"
    r"|[- \t*+.)0-9]*>[- \t*+.)0-9]*>"
    r"|(?=[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*>)[- \t>*+\d.)]*\t)",
    re.MULTILINE,
)
# A line opening more containers than this (each `>`, list marker or indent is a character
# or more): markdown-it-pyrs builds, and drops, its tree recursively, and 50,000 levels
# overflowed the stack (the process died; 10,000 did not). markdown-it-py stops at
# MAX_MARKDOWN_NESTING.
_DEEP_LINE = re.compile(r"\n[ \t>*+\-.)0-9]{1000}")
# HTML blocks that run to their closing tag over blank lines (`<pre>`, `<script>`, `<style>`,
# `<textarea>`, comments, `<?`, `<!`): ended by their list item's end, markdown-it-py's
# keeps the blank lines before it, markdown-it-pyrs's not. Only one that may be in a list
# item or a quote is looked for: a line starting with one opens a block at the top level
# (they all end a paragraph, so it is no lazy line of one), and elsewhere in a line it is
# inline HTML. (Real docs pages are full of top-level comments: Node's API pages hold
# `<!-- YAML` history before each section.) At the top level, a declaration in lower case
# (`<!doctype html>`) opens an HTML block for markdown-it-pyrs only: only those the two
# read alike are taken (_DECLARATION_BOTH_READ).
_UNTIL_CLOSED_HTML = re.compile(r"<(?:pre|script|style|textarea|!|\?)", re.IGNORECASE)
_DECLARATION_BOTH_READ = re.compile(r"<!(?:--|\[CDATA\[|[A-Z])")
# A line with a `|`, then a delimiter row of one column (`a|` over `---`): a table's head
# to markdown-it-py, a setext heading to markdown-it-pyrs. (From the line's last `|`:
# linear time.)
_ONE_COLUMN_TABLE = re.compile(r"\|[^|\n]*\n[ \t>]*\|?[ \t]*:?-+:?[ \t]*\|?[ \t]*$", re.MULTILINE)
# A line of text (not a list item's), then an ordered list item not numbered 1: it ends a
# table for markdown-it-py, it is the table's next row for markdown-it-pyrs (and a
# paragraph's next line for both). Found from the item, then the line before it: few
# lines are such items, where most are text (a regex for the two lines read each line).
_ORDERED_ITEM_NOT_ONE = re.compile(r"\n[ \t>]*(?!0*1[.)])\d{1,9}[.)]")
_TEXT_LINE = re.compile(r"[ \t>]*(?![-*+][ \t]|\d{1,9}[.)])[^ \t\n>][^\n]*")
# A delimiter row's like (only `|`, `-`, `:`, spaces and tabs, in a quote or not):
# markdown-it-pyrs reads the line before it as a table's head where markdown-it-py reads
# it as a paragraph's line (a list item's own line `- a | b`, a lazy line, a `[r]:` line's
# next). Taken only under a line at the top level that starts a block (see
# _table_head_apart). (The possessive `>` run and the lookahead keep it linear.)
_DELIMITER_ROW = re.compile(r"^[ \t>]*+(?=[|: \t]*-)[-|: \t]+$", re.MULTILINE)
# The same after a newline, to look for in "\n" and the markdown (a regex starting with one
# skips to the next at memory speed; `^` is tried at every character: 5 times as long).
_DELIMITER_ROW_AFTER_NEWLINE = re.compile("\n" + _DELIMITER_ROW.pattern[1:], re.MULTILINE)
_NOT_TOP_LEVEL = re.compile(r"[ \t>]|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|\[.*\]:")
# A line ending in a backslash, in lines that may hold a link definition
# (_in_definition_runs): a definition whose address or title ends in one is one to
# markdown-it-pyrs, not to markdown-it-py (`- [docs]: C:\\Users\\` then `- item`). (A
# shell command's lines in fenced code end in one, with definitions elsewhere.)
_BACKSLASH_LINE_END = re.compile(r"\\[ \t]*$", re.MULTILINE)
# A line that may start a link definition (or hold its address or title after one).
_BRACKET_LINE = re.compile(r"^[ \t>*+\-.)0-9]*\[", re.MULTILINE)
# Spaces but space, tab and line ends: the two parsers take different ones for the spaces
# of markdown's syntax (`[a]: /u\xa0` is a link definition to markdown-it-pyrs; `<br>`
# then `\x1c` an HTML block to markdown-it-py, whose regexes' `\s` takes it), and trim
# different ones off a paragraph. Those in ASCII are looked for one by one (at memory
# speed), the others only in text past ASCII.
_ASCII_ODD_SPACES = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
_UNICODE_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Unicode spaces that are not line separators too, a run at a time (_spaces_in_text_only).
_TEXT_SPACES = re.compile("[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_CONTAINER_MARKS = " \t>*+-.)0123456789"
_LETTER = re.compile(r"[^\W\d_]")
# Rust node name: markdown-it-py token type and tag, for containers.
_COMPILED_CONTAINERS = {
    "blockquote": ("blockquote", "blockquote"),
    "bullet_list": ("bullet_list", "ul"),
    "ordered_list": ("ordered_list", "ol"),
    "list_item": ("list_item", "li"),
    "table": ("table", "table"),
    "thead": ("thead", "thead"),
    "tbody": ("tbody", "tbody"),
    "trow": ("tr", "tr"),
}


@cache
def _compiled_block_parser() -> markdown_it_pyrs.MarkdownIt:
    """markdown-it-pyrs with the block rules markdown_parser shares with it and no inline
    rules: each paragraph, heading and table cell holds one text node, its markdown as
    markdown-it-py's block parse gives it (an `inline` token's content)."""
    parser = markdown_it_pyrs.MarkdownIt("zero")
    parser.enable_many(["blockquote", "code", "fence", "heading", "hr", "lheading", "list"])
    return parser.enable_many(["paragraph", "reference", "html_block", "table"])


class CompiledToken:
    """A block token made from markdown-it-pyrs's tree: what the loader reads of one (a
    markdown-it-py Token costs 5 times as much to make, a tenth of reading a body)."""

    __slots__ = ("content", "level", "nesting", "tag", "type")
    map: list[int] | None = None

    def __init__(self, kind: str, tag: str, nesting: int, level: int, content: str = "") -> None:
        self.type = kind
        self.tag = tag
        self.nesting = nesting
        self.level = level
        self.content = content


class CompiledCallout(CompiledToken):
    """An alert's or a callout shortcode's opening token, with what callout_of reads."""

    __slots__ = ("info", "meta")

    def __init__(
        self, kind: str, level: int, meta: dict[str, str] | None, info: str = "", content: str = ""
    ) -> None:
        super().__init__(kind, "div", 1, level, content)
        self.meta = dict(meta or {})
        self.info = self.meta.get("kind", "") if kind == "alert_open" else info


def compiled_block_tokens(markdown: str) -> list[CompiledToken] | None:
    """markdown_parser()'s block tokens for `markdown` (not MDX), made by markdown-it-pyrs
    (in 2.5 times less CPU, its tree and the walk of it included), for markdown both
    parsers read alike; None for the rest, which markdown-it-py reads: what only
    markdown_parser's plugins read, what the two read apart (each kind pinned by
    tests/test_compiled_markdown.py), and blocks nested near MAX_MARKDOWN_NESTING, where
    markdown-it-py stops.

    The tokens carry what the loader reads (BlockToken): type, tag, level, nesting and
    content, code and HTML blocks' too; no source map. tests/test_compiled_markdown.py
    checks them against markdown-it-py's on every sample, on generated bodies and on the
    real-shaped bench corpus.

    `:::` containers opened at a line's start are stood in as in MDX
    (_compiled_with_line_stand_ins)."""
    if ":::" in markdown and _CONTAINER_LINE.search("\n" + markdown) is not None:
        return _compiled_with_line_stand_ins(markdown, mdx=False)
    return _compiled_without_containers(markdown)


def _compiled_without_containers(markdown: str) -> list[CompiledToken] | None:
    """compiled_block_tokens for markdown whose `:::` lines are left as they are: None
    for one starting a line (a container to markdown-it-py, if it names one)."""
    admonitions = False
    if any(
        char in markdown and any(mark in markdown for mark in marks)
        for char, marks in _PLUGIN_BLOCK_MARKS
    ):
        if "\0" in markdown or "\r" in markdown or _opens_a_line(markdown, _CONTAINER_OPENER):
            return None
        if "///" in markdown and _opens_a_line(markdown, PYMDOWNX_BLOCK_OPENER):
            return None  # PyMdown's `///` blocks: markdown-it-py's alone
        admonitions = _opens_a_line(markdown, _ADMONITION_OPENER)
    mkdocs = _holds_mkdocs_line(markdown)
    if "[" in markdown and _TASK_BOX.search(markdown) is not None:
        return None
    footnotes = "[^" in markdown and _holds_footnote_line(markdown)
    if footnotes is None:
        return None
    stand_ins: list[_StandIn] = []
    if (admonitions or mkdocs) and _DEFINITION_LINE.search(markdown) is not None:
        return None  # (not stood in only to be left, as nearly all of those would be)
    if (
        footnotes
        or admonitions
        or mkdocs
        or _starts_a_line_with_tag(markdown)
        or _holds_alert_line(markdown)
    ):
        stood_in = _with_stand_ins(markdown)
        if stood_in is None:
            return None
        ends_in_newline = markdown.endswith("\n")
        markdown, stand_ins = stood_in
    lines = "\n" + markdown
    if _DEEP_LINE.search(lines) is not None:
        return None
    if "<" in markdown and _html_read_apart(markdown):
        return None
    if "|" in markdown and (
        _ONE_COLUMN_TABLE.search(markdown) is not None
        or _ordered_after_table_text(markdown)
        or ("\t" in markdown and _tab_beside_pipe(markdown))
        or ("-" in markdown and _table_head_apart(markdown))
    ):
        return None
    if (
        "]:" in markdown
        and "\\" in markdown
        and _in_definition_runs(
            markdown, (found.start() for found in _BACKSLASH_LINE_END.finditer(markdown))
        )
    ):
        return None
    if any(space in markdown for space in _ASCII_ODD_SPACES):
        return None
    if (
        not markdown.isascii()
        and _UNICODE_SPACE.search(markdown) is not None
        and not _spaces_in_text_only(markdown)
    ):
        return None
    # Lines the two parsers read apart are taken only as lines of fenced code (a docs
    # page's REPL session: `> Buffer.alloc(5)` then its output) or of an HTML block (a
    # comment's `10.`), which neither reads.
    tokens = _compiled_tokens(markdown, _differing_lines(lines))
    if tokens is None or not stand_ins:
        return tokens
    return _stood_in_tokens(tokens, stand_ins, ends_in_newline)


# GitHub alerts (a quote whose first line is `> [!NOTE]`) and template tags on lines of
# their own, at a line's start (Hugo shortcodes, Liquid tags; docs sites are full of
# them) are markdown_parser's plugins'. The compiled parser reads a body holding them
# with each such line (a code or comment tag's lines up to its end tag included) as a
# heading of its own holding _STAND_IN, and the plugins' tokens are put in the
# headings' place (_stood_in_tokens). A heading is a block of one line that ends a
# paragraph, a list, a quote, a table or a link definition before it, as a tag's line
# does (the template rule ends those too), and the line after it starts a block, as
# after an alert's first line (markdown-it-py reads the alert's markdown from there).
_STAND_IN = "readercompiledstandin"
_STAND_IN_LINE = "###### " + _STAND_IN
# A line that may be a quote's first line holding only an alert's kind: `> [!NOTE]`,
# `- > [!tip]`, what markdown-it-py's blockquote rule reads (`[!`, a kind, `]`).
_ALERT_LINE = re.compile(
    r"^(?P<quote>[ \t>*+\-.)0-9]*>)[ \t]*\[!(?P<kind>.*)\][ \t]*$", re.MULTILINE
)
_ALERT_OPENER = re.compile(r"\[!")
_ALERT_KINDS = frozenset({"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"})
# A quote's line (in a list item or not).
_QUOTE_LINE = re.compile(r"[ \t*+\-.)0-9]*>")
# What opens a template tag or a kramdown line at a line's start, past any indentation
# or container marks (_starts_a_line_with_tag): the template rule's. Those not at a
# top-level line's start (in a list, a quote, indented), kramdown's but attribute lines
# (`{:toc}`, `{::…}`) and tags running over lines are left to markdown-it-py; a top-level
# line that merely starts with a tag is a paragraph's (_tag_lines_left).
_LINE_START_TAG = re.compile(r"\{[{%:]")
_TAG_OPENERS = ("{{", "{%")


def _starts_a_line_with_tag(text: str) -> bool:
    return "{" in text and _opens_a_line(text, _LINE_START_TAG)


def _holds_alert_line(text: str) -> bool:
    """Whether a line of `text` is one _ALERT_LINE finds (looked for only in the lines
    holding `[!`: the regex tried at every line's start cost 0.25 ms a page)."""
    return "[!" in text and any(
        _ALERT_LINE.match(text, start, end) is not None
        for _found, start, end in _first_in_each_line(text, _ALERT_OPENER)
    )


# A footnote definition's first line (`[^label]:`, as markdown_parser's footnote rule
# reads it: a label without spaces). The rule reads one in any block; only those at a
# line's very start are stood in (_stand_in_lines): a definition there is at the top
# level, or the lazy line of a quote's paragraph or a table's row (see
# _footnote_may_start).
_FOOTNOTE_OPENER = re.compile(r"\[\^")
_FOOTNOTE_DEFINITION = re.compile(r"\[\^[^ \]\n]+\]:")


def _holds_footnote_line(text: str) -> bool | None:
    """Whether a line of `text` starts with a footnote definition (looked for only in the
    lines holding `[^`: most hold references); None if a line may start one after its
    containers' marks or indentation (in a list item, a quote, another definition),
    which is left to markdown-it-py."""
    held = False
    for found, start, _end in _first_in_each_line(text, _FOOTNOTE_OPENER):
        if _FOOTNOTE_DEFINITION.match(text, found.start()) is None:
            continue
        before = text[start : found.start()]
        if before and not before.strip(_CONTAINER_MARKS):
            return None
        held = held or not before
    return held


@dataclass(frozen=True, slots=True)
class _StandIn:
    """What a stand-in heading stands for: an alert's first line ("alert", its title in
    `text`), a code block's tags ("fence", its code in `text`), a callout's opening or
    closing tag ("callout_open", "callout_close"), tags shown as a template token
    ("template", their text in `text`), or tags that make no token (""); in MDX
    (_mdx_stand_in_lines), a component's lines ("html_block", as `text`), a `:::`
    container's opening or closing line ("container_open", its params in `text`;
    "container_close"), an import or export block ("top_level": no token, and the
    heading must be at the top level), or nothing before a fenced code block
    ("before_fence": the block's token must follow, holding `text`); a footnote
    definition ("footnote": its heading is the first line of a list item standing for
    the definition, _FOOTNOTE_STAND_IN_LINE); an admonition's opening line
    ("admonition_open", its title in `text`, its tag in `meta`) and its body's end
    ("admonition_close"), _mkdocs_stand_in."""

    kind: str
    text: str = ""
    meta: dict[str, str] | None = None


def _with_stand_ins(markdown: str) -> tuple[str, list[_StandIn]] | None:
    """`markdown` with stand-in headings for its alerts' first lines and its top-level
    template tags, and what each stands for, in order; None where markdown-it-py is to
    read it (see _starts_a_line_with_tag, _stand_in_lines)."""
    if _STAND_IN in markdown:
        return None
    lines, end = _text_lines(markdown)
    stood: list[str] = []
    stand_ins: list[_StandIn] = []
    if not _stand_in_lines(lines, 0, end, stood, stand_ins, {}, 0):
        return None
    text = "\n".join(stood + lines[end:])
    if _starts_a_line_with_tag(text) and _tag_lines_left(stood):
        return None
    if any(mark in text for mark in ("!!!", "???")) and _opens_a_line(text, _ADMONITION_OPENER):
        return None
    if _holds_mkdocs_line(text):
        return None
    return text, stand_ins


# A fenced code block's opening marks (_text_lines).
_FENCE_MARKS = re.compile(r"```|~~~")


def _text_lines(markdown: str) -> tuple[list[str], int]:
    """`markdown`'s lines, and how many of them to stand in: all, or all but the empty
    string after a final newline where it may go into a fenced code block. That string
    is no line to markdown-it (its `lineMax`): a block running to the text's end (an
    unclosed container, an admonition's body) ends at the text's last line. Read as a
    blank line before the block's stand-in closing heading, it ends a quote's lazy lines
    there, as the text's end does, but goes into a fenced code block unclosed in a list
    item, which both parsers run over blank lines to the heading (`- ```` then a blank
    line: a line of code more). So it is left off where a fence may open in a list item
    or a quote or indented (after container marks), and a quote's last line is then left
    to markdown-it-py (_DIFFERING_LINE)."""
    lines = markdown.split("\n")
    if markdown.endswith("\n") and ("```" in markdown or "~~~" in markdown):
        for found, start, _end in _first_in_each_line(markdown, _FENCE_MARKS):
            before = markdown[start : found.start()]
            if before and not before.strip(_CONTAINER_MARKS):
                return lines, len(lines) - 1
    return lines, len(lines)


def _holds_mkdocs_line(text: str) -> bool:
    """Whether a line of `text` may start with one of MkDocs' lines (_MKDOCS_OPENERS)
    after its containers' marks."""
    return any(mark in text and _opens_a_line(text, opener) for mark, opener in _MKDOCS_OPENERS)


def _tag_lines_left(stood: list[str]) -> bool:
    """Whether a line of `stood` (a body's lines with stand-ins) is one the template
    rule may read: a tag or kramdown line in a list item, a quote or indented, or tags
    running over lines. A top-level line that merely starts with a tag
    (`{% raw %}{{ x }}{% endraw %} names it`, `{{ site.title }} is a blog`) is a
    paragraph's to both parsers: the rule finds no tag line there
    (templates.tags_over_lines)."""

    def line_text(at: int) -> str:
        return stood[at].lstrip(" \t")

    for index, line in enumerate(stood):
        if _LINE_START_TAG.match(line.lstrip(_CONTAINER_MARKS)) is None:
            continue
        if (
            line.startswith(_TAG_OPENERS)
            and tags_over_lines(line_text, index, len(stood))[0] is None
        ):
            continue
        return True
    return False


def _stand_in_lines(
    lines: list[str],
    start: int,
    end: int,
    stood: list[str],
    stand_ins: list[_StandIn],
    unclosed: dict[tuple[str, str], tuple[int, int]],
    depth: int,
) -> bool:
    """Append `lines[start:end]` to `stood`, with stand-ins (and to `stand_ins` what they
    stand for), reading tags as markdown_parser's template rule does (a callout's lines
    as a block of their own, up to its closing tag); False where markdown-it-py is to
    read the body: callouts nested near MAX_MARKDOWN_NESTING, an alert's line after a
    quote's line (maybe not the quote's first), and a tag line with a `|` over a
    delimiter row's like (a table's head to markdown-it-py, whose table rule comes
    first), a footnote definition's line holding a tab, or where it may be a table's
    row (_footnote_may_start), and one in a definition's first line."""
    if depth > MAX_MARKDOWN_NESTING - 3:
        return False
    line = start
    looked_from = len(stood)  # the lines before it were looked at for a footnote definition
    while line < end:
        text = lines[line]
        if text.startswith("[^") and (definition := _FOOTNOTE_DEFINITION.match(text)):
            if "\t" in text or not _footnote_may_start(stood, looked_from):
                return False
            first = text[definition.end() :]
            content = first.lstrip(" ")
            # A definition, or what opens a block only plugins read (looked for at a line's
            # start only), in its first line, past any list item's or quote's marks.
            marked = content.lstrip(_CONTAINER_MARKS)
            if _FOOTNOTE_DEFINITION.match(marked) or _PLUGIN_OPENER.match(marked):
                return False
            stood.append(_FOOTNOTE_STAND_IN_LINE)
            stand_ins.append(_StandIn("footnote"))
            looked_from = len(stood)
            # Its first line's text, on a line of its own below the heading, indented as
            # the footnote rule reads it: its spaces past the definition's 4 columns (as
            # many as follow the `:`, or 4 fewer when those are 4 or more), but an HTML
            # block's, whose text keeps none of fewer than 4. (Without text, a blank line,
            # as the rule reads it.)
            spaces = len(first) - len(content)
            if spaces < 4:
                spaces = 4 if content.startswith("<") else spaces + 4
            text = " " * spaces + content
        tags = line_tags(text) if text.startswith(_TAG_OPENERS) else None
        if tags is not None:
            if "|" in text and line + 1 < end and _DELIMITER_ROW.match(lines[line + 1]):
                return False
            block = template_block(tags, line, end, lambda at: lines[at].lstrip(" \t"), unclosed)
            stood.append(_STAND_IN_LINE)
            if block.kind == "code":
                code = "".join(code_line + "\n" for code_line in lines[line + 1 : block.close])
                stand_ins.append(_StandIn("fence", code))
            elif block.kind == "callout":
                stand_ins.append(_StandIn("callout_open", meta=block.meta))
                inner = (lines, line + 1, block.close, stood, stand_ins, unclosed, depth + 1)
                if not _stand_in_lines(*inner):
                    return False
                stood.append(_STAND_IN_LINE)
                stand_ins.append(_StandIn("callout_close"))
            else:
                stand_ins.append(_StandIn("template" if block.text else "", block.text))
            line = block.end
            continue
        if text.startswith("{:") and kramdown_attribute_line(text):
            # (Jekyll's `{: .lead}` under a paragraph: the template rule's, read as nothing.)
            stood.append(_STAND_IN_LINE)
            stand_ins.append(_StandIn(""))
            line += 1
            continue
        if text.startswith(_MKDOCS_STARTS) and (text[0] != "-" or "8<" in text):
            taken = _mkdocs_stand_in(lines, line, end, stood, stand_ins, depth)
            if taken is None:
                return False
            if taken:
                line = taken
                continue
        if "[!" in text and (alert := _ALERT_LINE.fullmatch(text)) is not None:
            kind = alert.group("kind").upper()
            if kind in _ALERT_KINDS:
                if line > 0 and _QUOTE_LINE.match(lines[line - 1]) is not None:
                    return False
                stood.append(alert.group("quote") + " " + _STAND_IN_LINE)
                stand_ins.append(_StandIn("alert", kind.capitalize(), {"kind": kind}))
                line += 1
                continue
        stood.append(text)
        line += 1
    return True


# What starts a line _mkdocs_stand_in reads: an admonition, a content tab, an attribute
# list, an abbreviation, a snippet, a table of contents' marker.
_MKDOCS_STARTS = ("!", "?", "===", "{", "*[", "-", "[TOC]")


def _mkdocs_stand_in(
    lines: list[str],
    line: int,
    end: int,
    stood: list[str],
    stand_ins: list[_StandIn],
    depth: int,
) -> int | None:
    """Stand-ins for line `line` if it starts one of MkDocs' blocks or lines (at its very
    start: at the top level, or in a body stood in): an admonition (`!!! note "Title"`,
    `???+ tip`: as mdit-py-plugins' rule reads it, its opening and closing tokens, its
    title's, and its body, its indentation taken off, read as markdown of its own) or a
    content tab (its label, and its body, as the template plugin reads it), or lines read
    as nothing (an attribute list, an abbreviation, a snippet: templates.nothing_lines).
    The line after those it takes, 0 if it is none of them; None where markdown-it-py is
    to read the body: a line with a `|` over a delimiter row's like (a table's head), a
    body holding a tab or a template tag's line."""
    text = lines[line]
    stood_ins: list[_StandIn] = []
    indent = 0
    if text[:1] in "!?":
        opening = _admonition_opening(text)
        if opening is not None:
            tag, title, indent = opening
            stood_ins = [_StandIn("admonition_open", title, {"tag": tag})]
            closed = _StandIn("admonition_close")
    elif text[:1] == "=":
        label = content_tab_label(text)
        if label is not None:
            indent = CONTENT_TAB_INDENT
            meta = {"kind": "", "label": label}
            stood_ins = [_StandIn("template", f"tab: {label}" if label else "tab")]
            stood_ins.append(_StandIn("callout_open", meta=meta))
            closed = _StandIn("callout_close")
    count = 0 if stood_ins else nothing_lines(lines.__getitem__, line, end)
    if not stood_ins and not count:
        return 0
    if "|" in text and line + 1 < end and _DELIMITER_ROW.match(lines[line + 1]):
        return None
    # (Each stand-in's heading is followed by a blank line: the line after it starts a
    # block for both parsers, and a table's head there is not taken for a line after
    # text, _table_head_apart.)
    if count:
        stood.extend((_STAND_IN_LINE, ""))
        stand_ins.append(_StandIn(""))
        return line + count
    body_end = indented_body_end(lambda at: _indentation(lines[at]), line + 1, end, indent)
    body = lines[line + 1 : body_end]
    if "\t" in text or any("\t" in body_line for body_line in body):
        return None
    if any(body_line.lstrip(" ").startswith(_TAG_OPENERS) for body_line in body):
        return None  # (a code tag's block keeps its lines' indentation: the rule's is raw)
    for stand_in in stood_ins:
        stood.append(_STAND_IN_LINE)
        stand_ins.append(stand_in)
    stood.append("")
    # (A line of the body indented less than `indent` is blank.)
    dedented = [body_line[indent:] for body_line in body]
    if not _stand_in_lines(dedented, 0, len(dedented), stood, stand_ins, {}, depth + 1):
        return None
    stood.extend((_STAND_IN_LINE, ""))
    stand_ins.append(closed)
    return body_end


def _admonition_opening(text: str) -> tuple[str, str, int] | None:
    """The tag, the title and the body's indentation of the admonition `text` (a line at
    a block's start) opens, read by mdit-py-plugins' admonition rule's own functions and
    as it reads them; None if it opens none."""
    marker = max(
        (mark for mark in ADMONITION_MARKERS if text.startswith(mark)), key=len, default=""
    )
    if not marker:
        return None
    params = text[len(marker) :]
    if not admonition_valid(params):
        return None
    spaces = len(params) - len(params.lstrip(" "))
    tags, title = admonition_tag(params)
    return tags[0], title, ADMONITION_MARKER_LEN + spaces


def _indentation(text: str) -> tuple[int, bool]:
    """A line's indentation in columns (a tab to the next multiple of 4), as markdown-it's
    `sCount` counts it at the top level, and whether it is blank."""
    columns = 0
    for char in text:
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        else:
            return columns, False
    return columns, True


# A footnote definition's stand-in: a list item whose text starts 4 columns in, as the
# definition's blocks do (the footnote rule reads them as a list item's, 4 columns in,
# and it ends where a list item would end), holding the stand-in heading on its first
# line. Consecutive definitions are the items of one list (an ordered list numbered with
# `)`, which few pages write): _stood_in_tokens makes each item a definition and takes
# the list away, and leaves to markdown-it-py a list holding any other item.
_FOOTNOTE_STAND_IN_LINE = "1)  " + _STAND_IN_LINE


def _footnote_may_start(stood: list[str], looked_from: int) -> bool:
    """Whether a footnote definition's line after `stood` starts a block: whether none of
    the lines before it, back to a blank line or `looked_from`, is a delimiter row's
    like. (The footnote rule ends no table, as a list item does: a definition there is a
    table's row. Nor a quote: the line after a quote's is left to markdown-it-py by
    _DIFFERING_LINE.)"""
    for text in reversed(stood[looked_from:]):
        if not text.strip(" \t"):
            return True
        if _DELIMITER_ROW.match(text) is not None:
            return False
    return True


def _stood_in_tokens(
    tokens: list[CompiledToken], stand_ins: list[_StandIn], ends_in_newline: bool
) -> list[CompiledToken] | None:
    """`tokens`, of a body read with stand-ins, with the tokens markdown_parser's plugins
    make in their place (an alert's quote becomes the alert, a callout's blocks go one
    level deeper, a footnote definition's list item the definition, its blocks one level
    shallower); None if a stand-in is not a heading where its line put it (in a code
    or HTML block, a paragraph, a table), which markdown-it-py then reads, or if the
    body does not end in a newline (`ends_in_newline`) and its last block is a code or
    HTML block: a container's stand-in closing line after it ends its last line with
    one, markdown-it-py's not (as _compiled_tokens checks for a body without stand-ins)."""
    # The stand-ins' headings' text (a body holds no other: see _with_stand_ins).
    places = [index for index, token in enumerate(tokens) if token.content == _STAND_IN]
    if len(places) != len(stand_ins):
        return None
    found: list[CompiledToken] = []
    depth = 0  # callouts open
    alerts: list[int] = []  # the levels of the quotes read as alerts, innermost last
    footnotes = _FootnoteList()
    stood_raw: CompiledToken | None = None  # the last code or HTML block stood in
    start = 0
    for place, stand_in in zip(places, stand_ins, strict=True):
        heading = tokens[place - 1]
        if heading.type != "heading_open" or heading.tag != "h6":
            return None
        if stand_in.kind == "footnote":
            # Its list item's first line, the item in a list at the top level.
            item = tokens[place - 2]
            if heading.level != 2 or item.type != "list_item_open" or depth:
                return None
            if not _put_deeper(tokens[start : place - 2], depth, alerts, found, footnotes):
                return None
            if not footnotes.open:  # the list's first item: the list is not the page's
                if not found or found[-1].type != "ordered_list_open":
                    return None
                found.pop()
                footnotes.open = True
            found.append(CompiledToken("footnote_reference_open", "", 1, 0))
            footnotes.in_item = True
            start = place + 2
            continue
        if not _put_deeper(tokens[start : place - 1], depth, alerts, found, footnotes):
            return None
        start = place + 2
        level = heading.level + depth - footnotes.in_item
        if stand_in.kind == "alert":
            quote = found[-1] if found else None
            if quote is None or quote.type != "blockquote_open":
                return None
            found[-1] = CompiledCallout("alert_open", level - 1, stand_in.meta)
            found.append(CompiledToken("alert_title_open", "p", 1, level))
            found.append(CompiledToken("inline", "", 0, level + 1, stand_in.text))
            found.append(CompiledToken("alert_title_close", "p", -1, level))
            alerts.append(level - 1)
        elif stand_in.kind == "fence":
            stood_raw = CompiledToken("fence", "code", 0, level, stand_in.text)
            found.append(stood_raw)
        elif stand_in.kind == "template":
            found.append(CompiledToken("template", "", 0, level, stand_in.text))
        elif stand_in.kind == "admonition_open":
            found.append(
                CompiledCallout("admonition_open", level, stand_in.meta, "", stand_in.text)
            )
            if stand_in.text:
                found.append(CompiledToken("admonition_title_open", "p", 1, level + 1))
                found.append(CompiledToken("inline", "", 0, level + 2, stand_in.text))
                found.append(CompiledToken("admonition_title_close", "p", -1, level + 1))
            depth += 1
        elif stand_in.kind == "admonition_close":
            depth -= 1
            found.append(CompiledToken("admonition_close", "div", -1, level - 1))
        elif stand_in.kind == "callout_open":
            found.append(CompiledCallout("callout_open", level, stand_in.meta))
            depth += 1
        elif stand_in.kind == "callout_close":
            depth -= 1
            found.append(CompiledToken("callout_close", "div", -1, level - 1))
        elif stand_in.kind == "html_block":
            stood_raw = CompiledToken("html_block", "", 0, level, stand_in.text)
            found.append(stood_raw)
        elif stand_in.kind == "container_open":
            found.append(CompiledCallout("container_callout_open", level, None, stand_in.text))
            depth += 1
        elif stand_in.kind == "container_close":
            depth -= 1
            found.append(CompiledToken("container_callout_close", "div", -1, level - 1))
        elif stand_in.kind == "top_level":
            if heading.level:
                return None
        elif stand_in.kind == "before_fence":
            fence = tokens[place + 2] if place + 2 < len(tokens) else None
            if fence is None or fence.type != "fence" or fence.content != stand_in.text:
                return None
    if not _put_deeper(tokens[start:], depth, alerts, found, footnotes):
        return None
    if depth or alerts or footnotes.open:
        return None
    if not ends_in_newline and _ends_in_raw_block(found):
        last = next(token for token in reversed(found) if token.nesting >= 0)
        if last is not stood_raw:
            return None
    return found


@dataclass(slots=True)
class _FootnoteList:
    """The list standing for footnote definitions (_FOOTNOTE_STAND_IN_LINE), as
    _stood_in_tokens reads it: whether it is open, and one of its items."""

    open: bool = False
    in_item: bool = False


def _put_deeper(
    tokens: list[CompiledToken],
    depth: int,
    alerts: list[int],
    found: list[CompiledToken],
    footnotes: _FootnoteList,
) -> bool:
    """Append `tokens` to `found`, `depth` levels deeper (inside callouts), a quote's
    close an alert's where `alerts` says (taking it off), or in the list of footnote
    definitions as _put_in_footnotes puts them; False where that nests near
    MAX_MARKDOWN_NESTING, or the list of definitions holds another item."""
    if footnotes.open:
        return _put_in_footnotes(tokens, alerts, found, footnotes)
    if not depth and not alerts:
        found.extend(tokens)
        return True
    for token in tokens:
        level = token.level + depth
        if alerts and token.type == "blockquote_close" and alerts[-1] == level:
            found.append(CompiledToken("alert_close", "div", -1, level))
            alerts.pop()
        elif depth:
            if level > MAX_MARKDOWN_NESTING - 2:
                return False
            found.append(CompiledToken(token.type, token.tag, token.nesting, level, token.content))
        else:
            found.append(token)
    return True


def _put_in_footnotes(
    tokens: list[CompiledToken],
    alerts: list[int],
    found: list[CompiledToken],
    footnotes: _FootnoteList,
) -> bool:
    """_put_deeper in the list standing for footnote definitions (at the top level: in
    no callout, and in no alert once the list is closed): an item's blocks one level
    shallower, its close the definition's, the list's close taken away; False at any
    other token of the list (another item)."""
    for index, token in enumerate(tokens):
        if token.level >= 2:  # in a definition
            level = token.level - 1
            if alerts and token.type == "blockquote_close" and alerts[-1] == level:
                found.append(CompiledToken("alert_close", "div", -1, level))
                alerts.pop()
            else:
                kind, tag, nesting = token.type, token.tag, token.nesting
                found.append(CompiledToken(kind, tag, nesting, level, token.content))
        elif footnotes.in_item and token.type == "list_item_close":
            found.append(CompiledToken("footnote_reference_close", "", -1, 0))
            footnotes.in_item = False
        elif not footnotes.in_item and token.type == "ordered_list_close":
            footnotes.open = False
            found.extend(tokens[index + 1 :])
            return True
        else:
            return False
    return True


# MDX (markdown_parser(mdx=True)) reads more lines than markdown: import and export blocks
# at the top level, and `{/* … */}` comment lines and component lines anywhere
# (templates.mdx_line); Docusaurus and Astro pages hold `:::` containers too. The compiled
# parser reads such a page with a stand-in heading for each of those lines, as for tags
# (_mdx_stand_in_lines). A line that may start one (past container marks, or up to three
# spaces in for an import): a page without any is read as markdown. (Looked for after a
# newline: a regex starting with one skips to the next at memory speed.)
_MDX_LINE = re.compile(r"\n(?:[ \t>*+\-.)0-9]*(?:<|\{/\*)| {0,3}(?:import|export)|:::)")
# The lines _mdx_stand_in_lines looks at: those, and fenced code blocks' opening lines.
_MDX_SCANNED_LINE = re.compile(
    r"\n(?:[ \t>*+\-.)0-9]*(?:<|\{/\*)| {0,3}(?:import|export|```|~~~)|:::)"
)
# Plain markdown's `:::` containers, at a line's start, are stood in as MDX's are; the
# lines _mdx_stand_in_lines looks at then: those, and fenced code blocks' opening lines.
_CONTAINER_LINE = re.compile(r"\n:::")
_CONTAINER_SCANNED_LINE = re.compile(r"\n(?: {0,3}(?:```|~~~)|:::)")


def compiled_mdx_block_tokens(markdown: str) -> list[CompiledToken] | None:
    """compiled_block_tokens for MDX: markdown_parser(mdx=True)'s block tokens, by
    markdown-it-pyrs, where it provably reads them alike; None for the rest. Its imports
    and exports, comments and components at a line's start (up to three spaces in, not on
    a list item's first line or in a quote) and its `:::` containers (not indented) are
    stood in (_mdx_stand_in_lines); a page with any other line MDX reads (in a quote, on a
    list item's first line, indented 4 spaces or more) is left to markdown-it-py, as is
    one with an import or export line that may go on a paragraph, or with a footnote
    definition (MDX reads a component or a comment on its first line)."""
    if _STAND_IN in markdown or "\r" in markdown or "\0" in markdown:
        return None
    if "[^" in markdown and _holds_footnote_line(markdown) is not False:
        return None
    if _MDX_LINE.search("\n" + markdown) is None:
        return _compiled_without_containers(markdown)
    return _compiled_with_line_stand_ins(markdown, mdx=True)


def _compiled_with_line_stand_ins(markdown: str, mdx: bool) -> list[CompiledToken] | None:
    """The compiled parser's tokens for `markdown` read with stand-ins for MDX's lines
    (`mdx`) or for its `:::` containers only (_mdx_stand_in_lines), and the tokens
    markdown_parser makes in their place; None where markdown-it-py is to read it."""
    if _STAND_IN in markdown or "\r" in markdown or "\0" in markdown:
        return None
    lines, end = _text_lines(markdown)
    scanned = _line_numbers("\n" + markdown, _MDX_SCANNED_LINE if mdx else _CONTAINER_SCANNED_LINE)
    stood: list[str] = []
    stand_ins: list[_StandIn] = []
    if not _mdx_stand_in_lines(lines, scanned, 0, end, stood, stand_ins, 0, mdx):
        return None
    tokens = _compiled_without_containers("\n".join(stood + lines[end:]))
    if tokens is None or not stand_ins:
        return tokens
    return _stood_in_tokens(tokens, stand_ins, markdown.endswith("\n"))


def _line_numbers(text: str, pattern: re.Pattern[str]) -> list[int]:
    """The 0-based numbers of the lines where `pattern` (starting with a newline) matches
    in `text` (a newline, then the text's lines), in order."""
    numbers: list[int] = []
    line = -1
    position = 0
    for found in pattern.finditer(text):
        line += text.count("\n", position, found.start() + 1)
        position = found.start() + 1
        numbers.append(line)
    return numbers


def _mdx_stand_in_lines(
    lines: list[str],
    scanned: list[int],
    start: int,
    end: int,
    stood: list[str],
    stand_ins: list[_StandIn],
    depth: int,
    mdx: bool = True,
) -> bool:
    """Append `lines[start:end]` to `stood`, with stand-ins (indented as their lines are)
    for MDX's lines, as templates' MDX rules and the `:::` container rule read them: a
    component's lines (up to a blank line) are its HTML block, a comment's line nothing,
    an import or export block (up to a blank line, and only where a block starts at the
    top level: after a blank line or a stand-in) nothing, a container's lines a block of
    their own up to its closing line. With `mdx` False, for plain markdown, `:::`
    containers only: `scanned` then holds only their lines and fences' (and a fence's
    code is looked at for theirs). False where markdown-it-py is to read the body: any
    other line MDX may read (see compiled_mdx_block_tokens), containers nested near
    MAX_MARKDOWN_NESTING, a stand-in's line with a `|` over a delimiter row's like (a
    table's head), an unclosed fenced code block holding a line MDX may read. Only the
    lines in `scanned` (_MDX_SCANNED_LINE's) are looked at: the others are as written.

    A fenced code block (opened up to three spaces in) is passed over whole (MDX reads no
    line in it), and if it holds a line MDX may read, a stand-in heading before it is
    followed, the compiled parser must say, by a fenced code block holding just its lines
    (so a fence read apart here, in a list item say, is seen)."""
    if depth > MAX_MARKDOWN_NESTING - 3:
        return False
    line = start
    block_start = True  # a block starts on this line at the top level (to an import)
    next_scanned = bisect_left(scanned, start)
    while line < end:
        while next_scanned < len(scanned) and scanned[next_scanned] < line:
            next_scanned += 1
        at = scanned[next_scanned] if next_scanned < len(scanned) else end
        if at >= end:
            stood.extend(lines[line:end])
            break
        if at > line:
            stood.extend(lines[line:at])
            block_start = not lines[at - 1].strip(" \t")
            line = at
        text = lines[line]
        content = text.lstrip(" ")
        indent = text[: len(text) - len(content)]
        kind = mdx_line(content) if len(indent) < 4 and content[0] in "<{ie" else ""
        opens_container = not indent and content.startswith(":::")
        if (
            (kind or opens_container)
            and "|" in text
            and line + 1 < end
            and _DELIMITER_ROW.match(lines[line + 1])
        ):
            return False
        if kind == "esm" and depth == 0 and not block_start:
            return False  # maybe a paragraph's line
        if kind == "component" or kind == "comment" or (kind == "esm" and depth == 0):
            after = line + 1
            if kind != "comment":
                while after < end and lines[after].strip(" \t"):
                    after += 1
            if kind == "component":
                stand_ins.append(_StandIn("html_block", "\n".join(lines[line:after]) + "\n"))
            else:
                stand_ins.append(_StandIn("top_level" if kind == "esm" else ""))
            stood.append(indent + _STAND_IN_LINE)
            line, block_start = after, True
            continue
        if opens_container:
            markers = len(content) - len(content.lstrip(":"))
            params = content[markers:]
            if _is_container(params, ""):
                close = _container_close(lines, line + 1, end, markers)
                stood.append(_STAND_IN_LINE)
                stand_ins.append(_StandIn("container_open", params))
                inner_end = end if close is None else close
                inner = (lines, scanned, line + 1, inner_end, stood, stand_ins, depth + 1, mdx)
                if not _mdx_stand_in_lines(*inner):
                    return False
                stood.append(_STAND_IN_LINE)
                stand_ins.append(_StandIn("container_close"))
                line, block_start = (end if close is None else close + 1), True
                continue
        if len(indent) < 4 and content.startswith(("```", "~~~")):
            fence = content[0]
            markers = len(content) - len(content.lstrip(fence))
            if markers >= 3 and not (fence == "`" and "`" in content[markers:]):
                close = _fence_close(lines, line + 1, end, fence, markers)
                code = lines[line + 1 : end if close is None else close]
                read = _MDX_LINE if mdx else _CONTAINER_LINE
                if code and read.search("\n" + "\n".join(code)) is not None:
                    code_text = _fence_code(code, len(indent))
                    if close is None or code_text is None:
                        return False
                    stood.append(indent + _STAND_IN_LINE)
                    stand_ins.append(_StandIn("before_fence", code_text))
                after = end if close is None else close + 1
                stood.extend(lines[line:after])
                line, block_start = after, True
                continue
        marked = text.lstrip(_CONTAINER_MARKS) if "<" in text or "{/*" in text else ""
        if marked and mdx_line(marked) in ("comment", "component"):
            return False  # in a list item's first line or a quote, or indented
        stood.append(text)
        line += 1
        block_start = False
    return True


def _container_close(lines: list[str], start: int, end: int, markers: int) -> int | None:
    """The line closing a `:::` container opened at a line's start with `markers` colons,
    as the container rule finds it (fenced code not looked at): at least as many colons
    and nothing but spaces after them, indented less than 4 columns (a tab takes any
    indentation to 4); None if none does (the container runs to `end`)."""
    for line in range(start, end):
        text = lines[line]
        content = text.lstrip(" \t")
        if not content.startswith(":"):
            continue
        indent = text[: len(text) - len(content)]
        if len(indent) >= 4 or "\t" in indent:
            continue
        colons = len(content) - len(content.lstrip(":"))
        if colons >= markers and not content[colons:].strip(" \t"):
            return line
    return None


def _fence_code(code: list[str], indent: int) -> str | None:
    """A fenced code block's content, its lines less up to `indent` spaces (its opening
    line's); None if one starts with a tab."""
    if indent == 0:
        return "".join(line + "\n" for line in code)
    if any(line.lstrip(" ")[:1] == "\t" for line in code):
        return None
    lines = (line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in code)
    return "".join(line + "\n" for line in lines)


def _fence_close(lines: list[str], start: int, end: int, fence: str, markers: int) -> int | None:
    """The line closing a fenced code block opened with `markers` of `fence` (a backtick
    or a tilde), as CommonMark finds it at the top level: at least as many and nothing but
    spaces after them, indented less than 4 columns; None if none does."""
    for line in range(start, end):
        text = lines[line]
        content = text.lstrip(" ")
        if not content.startswith(fence) or len(text) - len(content) >= 4:
            continue
        run = len(content) - len(content.lstrip(fence))
        if run >= markers and not content[run:].strip(" \t"):
            return line
    return None


def _tab_beside_pipe(markdown: str) -> bool:
    """Whether a line holds a tab and a `|`: the two parsers read a table's lines with
    tabs apart (`-\t|---|` is a list item to markdown-it-py, a delimiter row to
    markdown-it-pyrs)."""
    return any("\t" in line and "|" in line for line in markdown.split("\n"))


def _first_in_each_line(
    text: str, pattern: re.Pattern[str]
) -> Iterator[tuple[re.Match[str], int, int]]:
    """The first match of `pattern` in each line of `text` holding one, with the line's
    start and end. (The callers look at what comes before a match in its line: a later
    one in the line follows the first, which is not among the marks they allow there.)"""
    found = pattern.search(text)
    while found is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start())
        yield found, start, len(text) if end < 0 else end
        found = None if end < 0 else pattern.search(text, end)


def _opens_a_line(markdown: str, opener: re.Pattern[str]) -> bool:
    """Whether a line of `markdown` starts with `opener` after its containers' marks
    (list markers, `>`, indentation: any run of those characters), or none."""
    return any(
        not markdown[start : found.start()].strip(_CONTAINER_MARKS)
        for found, start, _end in _first_in_each_line(markdown, opener)
    )


def _html_read_apart(markdown: str) -> bool:
    """Whether a line of `markdown` opens an HTML block the two parsers may read apart
    (see _UNTIL_CLOSED_HTML): one running to its closing tag after a list item's or a
    quote's marks (or any indentation), or at the top level a declaration not spelt as
    both read one (`<!doctype html>`). A comment closed in its first line is no such
    block (`  <!-- eslint-disable -->` over a list item's code, in Node's API pages)."""
    for found, start, end in _first_in_each_line(markdown, _UNTIL_CLOSED_HTML):
        before = markdown[start : found.start()]
        if (
            before
            and not before.strip(_CONTAINER_MARKS)
            and not _comment_closed_in_its_line(markdown, found.start(), end)
        ):
            return True
        if (
            not before
            and found.group() == "<!"
            and _DECLARATION_BOTH_READ.match(markdown, found.start()) is None
        ):
            return True
    return False


def _comment_closed_in_its_line(markdown: str, start: int, end: int) -> bool:
    """Whether a comment opens at `start` and closes before `end` (its line's end): an
    HTML block of that one line to both parsers (`<!-->` too: its `-->` is looked for
    in the whole line by both)."""
    return markdown.startswith("<!--", start) and markdown.find("-->", start, end) >= 0


def _ordered_after_table_text(markdown: str) -> bool:
    """Whether a line of text (_TEXT_LINE), then an ordered list item not numbered 1
    (_ORDERED_ITEM_NOT_ONE), may be a table's row: whether the lines up to it, back to a
    blank line, hold a delimiter row's like. (A table ends at a blank line; elsewhere the
    two parsers read such an item alike: a docs page's steps, each with a paragraph.)"""
    for start in _texts_before_ordered_items(markdown):
        run_start, run_end = _run_around(markdown, start)
        if _DELIMITER_ROW.search(markdown, run_start, run_end) is not None:
            return True
    return False


def _texts_before_ordered_items(markdown: str) -> Iterator[int]:
    """Where each line of text (_TEXT_LINE) followed by an ordered list item not numbered
    1 (_ORDERED_ITEM_NOT_ONE) starts in `markdown`, in order."""
    lines = "\n" + markdown
    for item in _ORDERED_ITEM_NOT_ONE.finditer(lines):
        newline = lines.rfind("\n", 0, item.start())
        if newline >= 0 and _TEXT_LINE.fullmatch(lines, newline + 1, item.start()) is not None:
            yield newline  # (in "\n" + markdown, where the text line starts in markdown)


def _run_around(markdown: str, position: int) -> tuple[int, int]:
    """(start, end) of the run of lines of `markdown` holding `position`: from the line
    after a blank one (spaces and tabs only: markdown's blank) or the text's start, to the
    end of the line before the next blank one or the text's end."""
    start = markdown.rfind("\n", 0, position) + 1
    while start > 0:
        before = markdown.rfind("\n", 0, start - 1) + 1
        if not markdown[before : start - 1].strip(" \t"):
            break
        start = before
    end = markdown.find("\n", position)
    while end >= 0:
        after = markdown.find("\n", end + 1)
        if not markdown[end + 1 : len(markdown) if after < 0 else after].strip(" \t"):
            break
        end = after
    return start, len(markdown) if end < 0 else end


def _in_definition_runs(markdown: str, positions: Iterable[int]) -> bool:
    """Whether any of `positions` is in a run of lines (_run_around) that may hold a link
    definition: a line starting with `[` after its containers' marks."""
    runs: list[tuple[int, int]] = []
    for found in _BRACKET_LINE.finditer(markdown):
        if not runs or found.start() >= runs[-1][1]:
            runs.append(_run_around(markdown, found.start()))
    starts = [start for start, _end in runs]
    for position in positions:
        place = bisect_right(starts, position) - 1
        if place >= 0 and position <= runs[place][1]:
            return True
    return False


def _spaces_in_text_only(markdown: str) -> bool:
    """Whether every Unicode space in `markdown` is inside a line's text, where no block's
    syntax reads it: after a letter of the line (so past its containers' marks, a list
    item's number, a fence's backticks, a heading's `#`), between two characters that
    are neither spaces nor a table's `|` nor a heading's closing `#`, in a line that
    starts no HTML block (whose start markdown-it-py finds with `\\s`). A changelog's
    `use\\xa0`Error``, a Japanese `東京\\u3000大阪`. None is taken in a body with line
    separators (U+0085, U+2028, U+2029), nor in lines that may hold a link definition,
    whose address and title the two parsers end at different spaces."""
    if any(separator in markdown for separator in "\x85\u2028\u2029"):
        return False
    runs = [found.span() for found in _TEXT_SPACES.finditer(markdown)]
    if "]:" in markdown and _in_definition_runs(markdown, (start for start, _end in runs)):
        return False
    for start, end in runs:
        line = markdown[markdown.rfind("\n", 0, start) + 1 : start]
        if (
            not line
            or line[-1].isspace()
            or line[-1] == "|"
            or end == len(markdown)
            or markdown[end].isspace()
            or markdown[end] in "|#"
            or line.lstrip(_CONTAINER_MARKS).startswith("<")
            or _LETTER.search(line) is None
        ):
            return False
    return True


def _table_head_apart(markdown: str) -> bool:
    """Whether a delimiter row's like, it or the line before it holding a `|`, follows a
    line markdown-it-pyrs may read as a table's head apart from markdown-it-py: any but a
    line at the top level (not indented, not a list item's, a quote's or a definition's)
    after a blank line or at the text's start."""
    for row in _DELIMITER_ROW_AFTER_NEWLINE.finditer("\n" + markdown):
        # (row.start(), in "\n" + markdown, is where the row starts in markdown.)
        if row.start() == 0:
            continue
        head_start = markdown.rfind("\n", 0, row.start() - 1) + 1
        head = markdown[head_start : row.start() - 1]
        if not head.strip() or ("|" not in head and "|" not in row.group()):
            continue
        if _NOT_TOP_LEVEL.match(head) is not None:
            return True
        if head_start > 0:
            before = markdown[markdown.rfind("\n", 0, head_start - 1) + 1 : head_start - 1]
            if before.strip():
                return True
    return False


# markdown-it-pyrs reads a run of reference definitions (`[a]: b` lines) in time that
# grows with its square (4,000 lines: 1 s; markdown-it-py 0.18 s): a body with more
# `]:` than this is markdown-it-py's. Node's fs.md has 73.
_MAX_COMPILED_DEFINITIONS = 1_000


def _compiled_tokens(markdown: str, in_code: Sequence[int] = ()) -> list[CompiledToken] | None:
    """The tokens of markdown-it-pyrs's tree for `markdown`, whatever it holds; None if the
    tree nests too deep, is not shaped as foreseen, the parser panics, or a line starting
    at an offset of `in_code` (in order) is not inside a top-level fenced code or HTML
    block (_inside_raw_blocks)."""
    if markdown.count("]:") > _MAX_COMPILED_DEFINITIONS:
        return None
    try:
        tree = _compiled_block_parser().tree(markdown)
    except BaseException as error:  # a panic in the Rust parser: markdown-it-py reads it
        if type(error).__name__ != "PanicException":
            raise
        return None
    if in_code and not _inside_raw_blocks(tree, markdown, in_code):
        return None
    tokens: list[CompiledToken] = []
    try:
        if not _append_block_tokens(tree, 0, tokens):
            return None
    except _Unforeseen:
        return None
    if not markdown.endswith("\n") and _ends_in_raw_block(tokens):
        # markdown-it-pyrs ends the text with a newline first: a code or HTML block that
        # ends the text without one holds it, markdown-it-py's not.
        return None
    return tokens


def _differing_lines(lines: str) -> list[int]:
    """Where each line _DIFFERING_LINE finds in `lines` ("\\n" and the markdown) starts
    in the markdown, in order (a match runs into the next line at most: each line is
    looked at)."""
    starts = []
    found = _DIFFERING_LINE.search(lines)
    while found is not None:
        starts.append(found.start())  # lines[i] is markdown[i - 1]: after the newline
        found = _DIFFERING_LINE.search(lines, found.start() + 1)
    return starts


def _inside_raw_blocks(
    tree: markdown_it_pyrs.Node, markdown: str, line_starts: Sequence[int]
) -> bool:
    """Whether each line of `markdown` starting at an offset of `line_starts` is inside a
    fenced code block or an HTML block at the top level of its tree: after the opening
    line, before the last one (the closing one, or the text's last line). Both parsers
    read such a line as the block's raw text, looking only for the block's end (Node's
    API pages write version histories in `<!-- YAML` comments, with lines like `10.`)."""
    blocks = []
    for child in tree.children:
        if child.name in _RAW_BLOCKS:
            if child.srcmap is None:
                return False
            blocks.append(child.srcmap)
    if not blocks:
        return False
    # The tree's offsets are in UTF-8 bytes: made character offsets, one pass in all.
    if not markdown.isascii():
        data = markdown.encode("utf-8", "surrogatepass")
        chars_at: dict[int, int] = {0: 0}
        done = 0
        for offset in sorted({offset for block in blocks for offset in block}):
            chars_at[offset] = chars_at[done] + len(
                data[done:offset].decode("utf-8", "surrogatepass")
            )
            done = offset
        blocks = [(chars_at[start], chars_at[end]) for start, end in blocks]
    # Each block's inner lines, from its second line's start to its last line's: none in
    # a block of one line (no newline in it: find gives -1), left out so that the starts
    # stay in order.
    inner = [
        (markdown.find("\n", start, end) + 1, markdown.rfind("\n", start, end) + 1)
        for start, end in blocks
    ]
    inner = [(start, end) for start, end in inner if start > 0]
    starts = [start for start, _end in inner]
    for line_start in line_starts:
        place = bisect_right(starts, line_start) - 1
        if place < 0:
            return False
        code_start, code_end = inner[place]
        if not code_start <= line_start < code_end:
            return False
    return True


_RAW_BLOCKS = ("fence", "html_block")


def _ends_in_raw_block(tokens: list[CompiledToken]) -> bool:
    last = next((token for token in reversed(tokens) if token.nesting >= 0), None)
    return last is not None and last.type in ("fence", "code_block", "html_block")


def _append_block_tokens(
    node: markdown_it_pyrs.Node, level: int, tokens: list[CompiledToken], cell: str = "td"
) -> bool:
    """Append the block tokens of `node`'s children, at `level`; False where they nest
    near MAX_MARKDOWN_NESTING, hold a node markdown-it-py has no token for, or a table
    the two read apart. `cell`: the tag of a table cell here (`th` in a table's head)."""
    if level > MAX_MARKDOWN_NESTING - 3:
        return False
    append = tokens.append
    shared = _shared_at(level)
    for child in node.children:
        name = child.name
        if name == "text":  # a tight list item's paragraph (no node of its own), trimmed
            # as markdown-it-py trims a paragraph (MD_TRIM_CHARS; see _text_of)
            opened, closed = shared["paragraph"]
            content = child.meta["content"].strip(MD_TRIM_CHARS)
        elif (
            name == "list_item"
            and level < MAX_MARKDOWN_NESTING - 3
            and len(inner_nodes := child.children) == 1
            and inner_nodes[0].name == "text"
        ):
            # A tight item of one paragraph (most of a page of release notes): its tokens
            # as the container's call for it would append them, without the call.
            item_opened, item_closed = shared[name]
            opened, closed = _shared_at(level + 1)["paragraph"]
            append(item_opened)
            append(opened)
            content = inner_nodes[0].meta["content"].strip(MD_TRIM_CHARS)
            append(CompiledToken("inline", "", 0, level + 2, content))
            append(closed)
            append(item_closed)
            continue
        elif name == "paragraph" or name == "tcell":
            opened, closed = shared[name if name == "paragraph" else cell]
            content = _text_of(child)
        elif name == "heading" or name == "lheading":
            opened, closed = shared[f"h{child.meta['level']}"]
            content = _text_of(child)
        elif name in _COMPILED_CONTAINERS:
            if name == "table" and len(child.meta["alignments"]) < 2:
                # One column: markdown-it-pyrs takes `a` over `|---|` for a table's head,
                # markdown-it-py wants a `|` in it (and reads a paragraph).
                return False
            opened, closed = shared[name]
            append(opened)
            inner = "th" if name == "thead" else cell
            if not _append_block_tokens(child, level + 1, tokens, inner):
                return False
            append(closed)
            continue
        elif name in _COMPILED_LEAVES:
            kind, tag = _COMPILED_LEAVES[name]
            content = child.meta.get("content", "") if kind != "hr" else ""
            append(CompiledToken(kind, tag, 0, level, content))
            continue
        elif name == "definition":  # a link reference definition makes no token
            continue
        else:
            return False
        # A paragraph, heading or cell: its opening and closing tokens (the same objects
        # for every body: only the inline token between them is its own) and its text.
        append(opened)
        append(CompiledToken("inline", "", 0, level + 1, content))
        append(closed)
    return True


_COMPILED_LEAVES = {
    "fence": ("fence", "code"),
    "code_block": ("code_block", "code"),
    "html_block": ("html_block", ""),
    "hr": ("hr", "hr"),
}
# Rust node name, or a paragraph's, heading's or cell's tag: markdown-it-py token type
# (less _open and _close) and tag, for the tokens that open and close a block.
_OPENED_BLOCKS = {
    **_COMPILED_CONTAINERS,
    "paragraph": ("paragraph", "p"),
    "th": ("th", "th"),
    "td": ("td", "td"),
    **{f"h{rank}": ("heading", f"h{rank}") for rank in range(1, 7)},
}
_SHARED: dict[int, dict[str, tuple[CompiledToken, CompiledToken]]] = {}


def _shared_at(level: int) -> dict[str, tuple[CompiledToken, CompiledToken]]:
    """The opening and closing tokens of each block (by _OPENED_BLOCKS name) at `level`,
    made once: the loader only reads tokens, and making three for every paragraph of a
    page of release notes was a tenth of reading it."""
    shared = _SHARED.get(level)
    if shared is None:
        shared = {
            name: (
                CompiledToken(kind + "_open", tag, 1, level),
                CompiledToken(kind + "_close", tag, -1, level),
            )
            for name, (kind, tag) in _OPENED_BLOCKS.items()
        }
        _SHARED[level] = shared
    return shared


def _text_of(node: markdown_it_pyrs.Node) -> str:
    """The markdown of a paragraph, heading or cell: its one text node's ("" if none)."""
    children = node.children
    if len(children) > 1:  # not seen: without inline rules the text is one node
        raise _Unforeseen
    return children[0].meta["content"].strip(MD_TRIM_CHARS) if children else ""


class _Unforeseen(Exception):
    """A compiled tree not shaped as foreseen: markdown-it-py reads the body."""
