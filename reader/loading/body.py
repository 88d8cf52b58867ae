"""What the loader reads out of a markdown body: initiatives, the first heading, and the
body's text (what is indexed and counted as words).

The initiative rule lives here, once: `is_initiative_list` and `initiative_items` are what
the loader and the renderer (reader/tui/markdown_render.py) both use, and the line
scanner (fastbody.py) gives the same answer for the simple bodies it reads (its items'
text is made as markdown-it's are, `_plain_each`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, cast

from reader.limits import (
    MAX_INLINE_MARKS,
    MAX_MARKDOWN_CHARS,
    MAX_MARKDOWN_MARKS,
    MAX_MARKDOWN_NESTING,
)
from reader.loading.fastbody import PAGE_OR_FILE_LINK, fast_initiatives
from reader.markup.pymdownx import may_hold_inline as may_hold_pymdownx_inline
from reader.markup.pymdownx import texts_holding_inline
from reader.text.sanitize import one_line, strip_control, utf8_may_hold_control

if TYPE_CHECKING:
    from markdown_it.token import Token

    from reader.markdown import BlockToken, LimitedParse

# reader.markdown (markdown-it and its plugins) is imported where a body needs parsing:
# a body without markup is its own text, and `reader search` from the shell shows
# snippets of such bodies without it.

# Characters that can start inline markup (emphasis, code, links, entities, escapes,
# autolinks, strikethrough, HTML, template tags); text without any of them, nor any of
# PyMdown's marks (may_hold_pymdownx_inline: `==mark==`, `++ctrl++`, `:smile:`), is plain.
_INLINE_MARKS = "*_`[]!<>&\\~{"
_INLINE_MARKUP = re.compile(f"[{re.escape(_INLINE_MARKS)}]")
# What only a full read finds in a body's text: HTML, template tags, kramdown lines and
# attribute lists, callouts, footnotes, MDX, MkDocs' abbreviations, snippets and tabs,
# PyMdown's `///` blocks and Python-Markdown's `[TOC]`. A body without any (nor PyMdown's
# inline marks) is its own text.
_NOT_TEXT = re.compile(
    r"<[A-Za-z/!?]|\{[{%:/]|\{[ \t]*(?:[.#][\w-]|[\w-]+=)|\[[!^]"
    r"|^[ \t]*(?::::|!!!|\?\?\?|\*\[|-+8<|===[!+]*[ \t]+\""
    r"|///+[ \t]*[a-z][\w-]*[ \t]*(?:\||$)|\[TOC\][ \t]*$)",
    re.MULTILINE,
)


# PyMdown's marks, counted in a text that may hold them (`~` is counted already).
_PYMDOWNX_MARKS = "=^+:"


@dataclass(slots=True)
class MarkupBudget:
    """How many more marks of inline markup markdown-it-py may read for one body (of
    MAX_INLINE_MARKS)."""

    left: int = field(default_factory=lambda: MAX_INLINE_MARKS)

    def allows(self, text: str) -> bool:
        """Whether `text` may be parsed; if so, its marks are taken from what is left."""
        marks = sum(map(text.count, _INLINE_MARKS))
        if may_hold_pymdownx_inline(text):
            marks += sum(map(text.count, _PYMDOWNX_MARKS))
        if marks > self.left:
            return False
        self.left -= marks
        return True


@dataclass(frozen=True, slots=True)
class BodyFacts:
    initiatives: tuple[str, ...]
    first_heading: str | None
    # Set when part of the body is plain text (see reader.markdown.parse_limited).
    warning: str | None = None


def scan_body(body: str, *, need_heading: bool = True, mdx: bool = False) -> BodyFacts:
    """Initiatives are the items of the body's top-level bullet lists, as plain text.

    An item's text is its own paragraphs; sub-bullets belong to it but are not repeated.
    Simple bodies take the line scanner; the rest, and any body whose first heading is
    wanted (a file without a title), go through markdown-it. Only the markdown part of a
    body is read (reader.markdown.parse_limited); a warning says where the rest starts.
    The first heading is None unless `need_heading`.
    """
    # The line scanner declines nested blocks, so it only needs the length cut: it reads
    # the markdown part of a long body as markdown-it would (10,000 bullets: 0.24 s less).
    from reader.markdown import LimitedParse, split_markdown

    budget = MarkupBudget()
    if not need_heading:
        markdown, plain = split_markdown(body)
        items = fast_initiatives(markdown)
        if items is not None:
            texts = map(one_line, _plain_each(items, mdx, budget))
            rest: LimitedParse[BlockToken] | None = (
                LimitedParse([], plain, "long", markdown.count("\n") + 1) if plain else None
            )
            warning = _plain_text_warning(rest) if rest is not None else None
            return BodyFacts(tuple(text for text in texts if text), None, warning)
    return _markdown_scan(body, mdx, budget, need_heading)


def markdown_initiatives(body: str, mdx: bool = False) -> tuple[str, ...]:
    """Initiatives found by markdown-it alone (the reference the line scanner must match)."""
    return _markdown_scan(body, mdx).initiatives


def is_initiative_list(token: BlockToken) -> bool:
    """The lists whose items are initiatives: bullet lists at the top level (not ordered,
    not inside a quote, a callout, a list or a footnote)."""
    return token.type == "bullet_list_open" and token.level == 0


def initiative_items(
    tokens: Sequence[BlockToken], mdx: bool = False, budget: MarkupBudget | None = None
) -> list[tuple[int, str]]:
    """Each initiative in `tokens` (a full or a block-only parse): the index of its
    `list_item_open` token and its text (its markup read within `budget`, if given).

    An item of an initiative list is an initiative when its own paragraphs have text; the
    text is those paragraphs as plain text on one line (sub-lists are not part of it). A
    list that is navigation has none (_without_navigation).
    """
    items: list[tuple[int, list[str]]] = []  # each item's paragraphs, as markdown
    lists: list[int] = []  # where each initiative list's items start in `items`
    labels: set[int] = set()  # items whose sub-lists are only links (_without_navigation)
    in_list = False
    opened: int | None = None
    parts: list[str] = []
    nested: list[str] = []  # the paragraphs of the open item's sub-lists' items
    for index, token in enumerate(tokens):
        kind = token.type
        # (The tokens of a list's items, paragraphs most, looked at the fewest times: a
        # page of release notes has thousands.)
        if kind == "inline":
            if opened is not None:
                before = tokens[index - 1]
                if before.type == "paragraph_open":
                    if before.level == 2:
                        # From the markdown, not from a full parse's children: the loader
                        # (block tokens only) and the renderer then read the very same text.
                        parts.append(token.content)
                    elif before.level == 4:
                        nested.append(token.content)
        elif kind not in _LIST_TOKENS:
            continue
        elif kind == "list_item_open":
            if in_list and token.level == 1:
                opened, parts, nested = index, [], []
        elif kind == "list_item_close":
            if opened is not None and token.level == 1:
                items.append((opened, parts))
                if nested and all(PAGE_OR_FILE_LINK.fullmatch(part.strip()) for part in nested):
                    labels.add(opened)
                opened = None
        elif token.level == 0:
            in_list = kind == "bullet_list_open" and is_initiative_list(token)
            if in_list:
                lists.append(len(items))
    items = _without_navigation(items, lists, labels)
    plain = _plain_each([part for _opened, parts in items for part in parts], mdx, budget)
    found = []
    position = 0
    for opened, parts in items:
        count = len(parts)
        text = one_line(
            plain[position] if count == 1 else " ".join(plain[position : position + count])
        )
        position += count
        if text:
            found.append((opened, text))
    return found


def _without_navigation(
    items: list[tuple[int, list[str]]], lists: list[int], labels: set[int]
) -> list[tuple[int, list[str]]]:
    """`items` less those of lists that are navigation: every item (with text) only a link
    to an anchor of the page or to another file (PAGE_OR_FILE_LINK: a table of contents,
    a docs page's list of pages), or a label over a sub-list of only such links (`labels`:
    a changelog's `* Other Versions` over `* [19.x](CHANGELOG_V19.md)`...); one item or
    many. An item with text beside its link (`* [abc123] fix: ...`), or a link to the web
    alone, stays an initiative."""
    if not labels and not any("](" in part for _opened, parts in items for part in parts):
        return items
    kept: list[tuple[int, list[str]]] = []
    for start, end in zip(lists, [*lists[1:], len(items)], strict=True):
        group = items[start:end]
        texts = [(opened, parts) for opened, parts in group if parts]
        if not texts or not all(
            opened in labels or (len(parts) == 1 and PAGE_OR_FILE_LINK.fullmatch(parts[0].strip()))
            for opened, parts in texts
        ):
            kept.extend(group)
    return kept


_LIST_TOKENS = frozenset(
    {"bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close"}
)


def body_text(body: str, *, mdx: bool = False) -> str:
    """The body's text: what search indexes and the word count counts.

    A body with no HTML, template tags, callouts, footnotes or MDX in it is its own text
    (markdown's own marks are not words). Otherwise it is read as the renderer reads it:
    HTML as its text, template tags, kramdown lines, imports and comments left out,
    code blocks kept, each block on its own line.
    """
    if (
        not mdx
        and not (_may_hold_markup(body) and _holds_not_text(body))
        and not may_hold_pymdownx_inline(body)
    ):
        return body
    return _body_text(body, mdx)


# What every construct _NOT_TEXT finds holds: looked for first, one character at a time
# (a single character is found at memory speed; a regex over the whole body, or a search
# for a longer string, costs as much as loading the rest of a typical article).
_MARKS = ("<", "{", "^")
_REPEATED = (
    ("!", ("!!!", "[!")), ("?", ("???",)), (":", (":::",)), ("[", ("*[", "[TOC]")),
    ("8", ("8<",)), ("=", ("===",)), ("/", ("///",)),
)  # fmt: skip


def _may_hold_markup(text: str) -> bool:
    if any(mark in text for mark in _MARKS):
        return True
    for char, markers in _REPEATED:
        at = text.find(char)
        if at < 0:
            continue
        # A marker of the character thrice (`:::`) is looked for only where it is
        # twice: most bodies with a colon have one (a 3.7 KB body: 0.7 us, the look 5).
        again = text.find(char, at + 1) >= 0
        if any((again or marker.count(char) < 2) and marker in text for marker in markers):
            return True
    return False


def _body_text(body: str, mdx: bool) -> str:
    from reader.markdown import limits

    return _cached_body_text(body, mdx, limits())


@lru_cache(maxsize=4)
def _cached_body_text(body: str, mdx: bool, _limits: tuple[int, int, int]) -> str:
    # Cached: the loader counts the words, then search indexes them, in the same process.
    from reader.markup.callouts import TITLE_TYPES, callout_of
    from reader.markup.html import html_text

    parsed = _block_parse(body, mdx)
    parts: list[str] = []
    paragraphs: list[int] = []  # where each paragraph's (heading's, cell's) markdown is in parts
    tokens = parsed.tokens
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "inline":
            opener = tokens[index - 1] if index else None
            if opener is not None and opener.type in TITLE_TYPES:
                continue  # a callout's label: the renderer's, not the file's words
            paragraphs.append(len(parts))
            parts.append(token.content)
        elif kind in ("fence", "code_block"):
            parts.append(token.content)
        elif kind == "html_block":
            parts.append(html_text(token.content))
        elif kind == "template" or (
            # Callouts: our plugins' tokens, or compiled_block_tokens' CompiledCallout.
            kind in _CALLOUT_LABELLED and callout_of(cast("Token", token))
        ):
            continue  # neither a tag's words nor a callout's kind are the article's
    # A paragraph's words are its markdown as it is (markdown's marks are not words), or,
    # with HTML or template tags in it, its plain text.
    budget = MarkupBudget()
    texts = [parts[position] for position in paragraphs]
    holding = _holding_markup(texts)
    if pymdownx := texts_holding_inline(texts):
        holding = sorted({*holding, *pymdownx})
    for marked in holding:
        position = paragraphs[marked]
        parts[position] = _plain(parts[position], mdx, budget)
    if parsed.plain:
        parts.append(parsed.plain)
    return "\n".join(part for part in parts if part)


_CALLOUT_LABELLED = frozenset({"callout_open", "container_callout_open"})


def _block_parse(body: str, mdx: bool) -> LimitedParse[BlockToken]:
    """Block tokens of the markdown part of `body` (cached: the initiatives and the text
    are read from the same parse)."""
    from reader.markdown import limits

    return _cached_block_parse(body, mdx, limits())


@lru_cache(maxsize=2)
def _cached_block_parse(
    body: str, mdx: bool, _limits: tuple[int, int, int]
) -> LimitedParse[BlockToken]:
    from reader.markdown import (
        compiled_block_tokens,
        compiled_mdx_block_tokens,
        markdown_parser,
        parse_limited,
    )

    def parse(text: str) -> list[BlockToken]:
        # markdown-it-pyrs where it reads the text as markdown-it-py does: less CPU.
        compiled = compiled_mdx_block_tokens(text) if mdx else compiled_block_tokens(text)
        if compiled is not None:
            return list(compiled)
        parser = markdown_parser(mdx)
        tokens: list[Token] = []
        parser.block.parse(text, parser, {}, tokens)
        return list(tokens)

    return parse_limited(body, parse)


def _plain_text_warning(parsed: LimitedParse[BlockToken]) -> str | None:
    if parsed.reason == "long":
        return (
            f"the body is longer than the reader formats ({MAX_MARKDOWN_MARKS:,} lines and "
            f"list, quote and table marks, or {MAX_MARKDOWN_CHARS:,} characters): from body "
            f"line {parsed.plain_line:,} it is "
            "plain text, and no initiatives are read from there"
        )
    if parsed.reason == "deep":
        return (
            f"lists or quotes nest more than {MAX_MARKDOWN_NESTING} levels deep at body line "
            f"{parsed.plain_line:,}: from there the body is plain text, and no initiatives "
            "are read from it"
        )
    if parsed.reason == "unreadable":
        return (
            f"the markdown parser failed on the body ({one_line(parsed.error)[:200]}): "
            "it is plain text, and no initiatives are read from it"
        )
    return None


def _markdown_scan(
    body: str, mdx: bool = False, budget: MarkupBudget | None = None, need_heading: bool = True
) -> BodyFacts:
    """Only block structure is parsed for the whole body; inline markup is parsed just for
    the few paragraphs kept, which is about twice as fast as a full parse. The first
    heading is looked for only if `need_heading` (a page of release notes has none: its
    thousands of tokens were read for nothing)."""
    if budget is None:
        budget = MarkupBudget()
    parsed = _block_parse(body, mdx)
    tokens = parsed.tokens
    initiatives = tuple(text for _index, text in initiative_items(tokens, mdx, budget))
    first_heading: str | None = None
    for index, token in enumerate(tokens if need_heading else ()):
        if token.type == "heading_open" and token.tag == "h1":
            first_heading = _heading_title(tokens[index + 1].content, mdx, budget)
        elif token.type == "html_block" and "<h1" in token.content.lower():
            first_heading = _html_heading_title(token.content)
        if first_heading is not None:
            break
    return BodyFacts(initiatives, first_heading, _plain_text_warning(parsed))


def _heading_title(markdown_inline: str, mdx: bool, budget: MarkupBudget) -> str | None:
    """A `# heading` as a title: its plain text without its images, and without links
    holding only images (a README's badges: `# Project [![Build](badge.svg)](ci)` is
    "Project"); a heading of images alone is their alt text."""
    with_images = one_line(_plain(markdown_inline, mdx, budget)) or None
    if with_images is None or not _may_hold_image(markdown_inline):
        return with_images
    if not budget.allows(markdown_inline):  # parsed a second time, from the same budget
        return with_images
    from reader.markdown import inline_text, parse_inline

    children = _without_images(parse_inline(markdown_inline, mdx))
    return one_line(strip_control(inline_text(children))) or with_images


def _may_hold_image(markdown_inline: str) -> bool:
    """Whether inline markdown may hold an image: `![` or an `<img` tag."""
    return "![" in markdown_inline or ("<" in markdown_inline and "<img" in markdown_inline.lower())


def _without_images(children: list[Token]) -> list[Token]:
    """Inline tokens less images (markdown's and <img> tags) and links holding nothing
    but images."""
    kept: list[Token] = []
    index = 0
    while index < len(children):
        token = children[index]
        if token.type == "link_open":
            close = next(
                (at for at in range(index + 1, len(children)) if children[at].type == "link_close"),
                len(children),
            )
            inner = children[index + 1 : close]
            if any(map(_is_image, inner)) and all(
                _is_image(part) or (part.type in _BLANK_INLINE and not part.content.strip())
                for part in inner
            ):
                index = close + 1
                continue
        if not _is_image(token):
            kept.append(token)
        index += 1
    return kept


_BLANK_INLINE = frozenset({"text", "softbreak", "hardbreak"})


def _is_image(token: Token) -> bool:
    if token.type == "image":
        return True
    if token.type != "html_inline":
        return False
    from reader.markup.html import html_tag

    tag = html_tag(token.content)
    return tag is not None and tag.name == "img"


def _html_heading_title(html: str) -> str | None:
    """The first <h1> of an HTML block as a title (a README's `<h1 align="center">`): its
    text without images, else its images' alt text."""
    from reader.markup.html import html_blocks

    for block in html_blocks(html):
        if block.kind == "heading" and block.level == 1:
            text = "".join(run.text for run in block.runs if "image" not in run.roles)
            title = one_line(text) or one_line(block.text)
            if title:
                return title
    return None


def _holding_markup(texts: list[str]) -> list[int]:
    """The indices, in order, of `texts` holding what _NOT_TEXT finds: looked for in them
    all at once, a mark at a time (a page of release notes has thousands of table cells
    and items, and `<br>` in two paragraphs)."""
    joined = "\n".join(texts)  # (no mark _NOT_TEXT finds runs over a line's end)
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    found: set[int] = set()
    for mark in _NOT_TEXT_MARKS:
        position = joined.find(mark)
        while position >= 0:
            index = bisect_right(starts, position) - 1
            if _NOT_TEXT.search(texts[index]):
                found.add(index)
            position = joined.find(mark, starts[index + 1])
    return sorted(found)


def _holds_not_text(text: str) -> bool:
    """_NOT_TEXT.search(text), by a search of the lines holding a mark only (no construct
    it finds runs over a line's end): the regex over a whole page of release notes, for
    the `<br>` at its end, took longer than the rest of reading it but its parse."""
    for mark in _NOT_TEXT_MARKS:
        position = text.find(mark)
        while position >= 0:
            start = text.rfind("\n", 0, position) + 1
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            if _NOT_TEXT.search(text, start, end):
                return True
            position = text.find(mark, end)
    return False


# What every construct _NOT_TEXT finds holds.
_NOT_TEXT_MARKS = ("<", "{", "[!", "[^", ":::", "!!!", "???", "*[", "8<", "===", "///", "[TOC]")


def _plain_each(texts: list[str], mdx: bool, budget: MarkupBudget | None = None) -> list[str]:
    """[_plain(text, mdx, budget) for text in texts]: those with inline markup that the
    compiled parser reads as markdown-it-py does are parsed by it, all in one call (MDX's
    too, but for a text holding a comment: `{/*` opens MDX's one inline rule)."""
    marked = [index for index, text in enumerate(texts) if _INLINE_MARKUP.search(text)]
    if len(marked) < _FEW_FOR_COMPILED:
        return [_plain(text, mdx, budget) for text in texts]  # (_plain looks for PyMdown's)
    if len(marked) < len(texts):
        # Those without markdown's marks may hold PyMdown's (`==Highlighted== text`).
        unmarked = sorted(set(range(len(texts))).difference(marked))
        held = texts_holding_inline([texts[index] for index in unmarked])
        if held:
            marked = sorted({*marked, *(unmarked[at] for at in held)})
    from reader.markdown import compiled_inline_texts

    plain = list(texts)
    given = [texts[index] for index in marked]
    if mdx:  # (an empty text is not taken)
        given = ["" if _MDX_COMMENT_OPENER in text else text for text in given]
    compiled = compiled_inline_texts(given)
    # Controls (an entity may decode to one) looked for in all the texts at once, by
    # their UTF-8 bytes (at memory speed, where a search of each text tests every one
    # of its characters).
    joined = "".join(text for text in compiled if text is not None)
    clean = strip_control if utf8_may_hold_control(joined.encode("utf-8", "surrogatepass")) else str
    for index, text in zip(marked, compiled, strict=True):
        plain[index] = _plain(texts[index], mdx, budget) if text is None else clean(text)
    return plain


# What opens MDX's inline rule (a comment), which only markdown_parser(mdx=True) reads.
_MDX_COMMENT_OPENER = "{/*"
# With fewer paragraphs of inline markup than this, markdown-it-py is as quick.
_FEW_FOR_COMPILED = 4


def _plain(markdown_inline: str, mdx: bool = False, budget: MarkupBudget | None = None) -> str:
    """The plain text of inline markdown; kept as written (less control characters) when
    the budget has not the marks it holds left."""
    if _INLINE_MARKUP.search(markdown_inline) is None and not may_hold_pymdownx_inline(
        markdown_inline
    ):
        return markdown_inline  # nothing to strip: skip the inline parser
    if budget is not None and not budget.allows(markdown_inline):
        return strip_control(markdown_inline)
    from reader.markdown import limits

    if len(markdown_inline) > _LONG_INLINE:
        return _cached_plain(markdown_inline, mdx, limits())
    return _cached_short_plain(markdown_inline, mdx, limits())


# Each text is parsed once for a body's initiatives and its words both (the list items of
# Node's README hold its 640 maintainers' `<<email>>`, which compiled_inline_texts leaves:
# each was parsed twice, a tenth of reading the file); a long one is kept in fewer copies.
_LONG_INLINE = 4096


@lru_cache(maxsize=32)
def _cached_plain(markdown_inline: str, mdx: bool, _limits: tuple[int, int, int]) -> str:
    return _parsed_plain(markdown_inline, mdx)


@lru_cache(maxsize=1024)
def _cached_short_plain(markdown_inline: str, mdx: bool, _limits: tuple[int, int, int]) -> str:
    return _parsed_plain(markdown_inline, mdx)


def _parsed_plain(markdown_inline: str, mdx: bool) -> str:
    from reader.markdown import compiled_inline_text, inline_text, parse_inline

    # The compiled parser where it reads the text as markdown-it-py does (a paragraph of
    # HTML line breaks or autolinks, which compiled_inline_texts leaves: less CPU), MDX's
    # too (see _plain_each).
    mdx_comment = mdx and _MDX_COMMENT_OPENER in markdown_inline
    text = None if mdx_comment else compiled_inline_text(markdown_inline)
    if text is None:
        text = inline_text(parse_inline(markdown_inline, mdx))
    # Entities decode here (`&#8238;` is a bidi override), after the file's text was cleaned.
    return strip_control(text)
