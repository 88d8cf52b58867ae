"""HTML in markdown as text: the blocks of an HTML block, and what one inline tag does.

Read with the standard library's html.parser (never with regexes over tags), which never
runs anything: text is kept, tags become structure (breaks, headings, list items, code)
and styles (emphasis, code, superscript, links), images their alt text, and comments,
scripts and styles are dropped. Entities are decoded, then control characters removed,
so nothing in the HTML reaches the terminal as a sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from reader.text.sanitize import one_line, strip_control

# Inline tags and the role (reader/tui/document.py) their text takes.
INLINE_ROLES = {
    "em": "em", "i": "em", "cite": "em", "dfn": "em", "var": "em",
    "strong": "strong", "b": "strong",
    "code": "code-inline", "kbd": "code-inline", "samp": "code-inline", "tt": "code-inline",
    "sup": "sup", "sub": "sub",
    "s": "strike", "del": "strike", "strike": "strike",
    "mark": "mark", "u": "underline", "ins": "underline",
}  # fmt: skip
# Tags that end the text before them and start a new block.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "header", "hgroup", "html", "main", "nav", "p", "section", "table", "tbody",
        "tfoot", "thead", "tr", "video", "audio", "picture",
    }
)  # fmt: skip
# Tags that stay inside a line of text; any other tag (a JSX component: <TabItem>) starts
# a block of its own.
_INLINE_TAGS = frozenset(
    {*INLINE_ROLES, "a", "abbr", "bdi", "bdo", "br", "data", "font", "img", "label", "q",
     "small", "span", "time", "wbr", "big", "nobr", "acronym", "input", "button"}
)  # fmt: skip
# A component's attributes that are text to show (<TabItem label="Python">).
_LABEL_ATTRIBUTES = ("label", "title", "summary")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6, "summary": 3}
# Tags whose content is not text for a reader: dropped with everything inside.
_SKIPPED = frozenset({"script", "style", "template", "svg", "math", "head", "noscript"})
_SPACES = re.compile(r"\s+")
# Open inline tags, links and lists counted at most: tags a file never closes would make
# every piece of text after them carry all of them.
_MAX_OPEN = 32
BULLET = "•"


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text with the roles of the tags around it, and the link it is in."""

    text: str
    roles: tuple[str, ...] = ()
    href: str | None = None


@dataclass(frozen=True, slots=True)
class HtmlBlock:
    """One block of an HTML block: "text", "heading" (`level` 1-6), "item" (a list item,
    `level` its depth from 1, `marker` its bullet or number), "code" (a <pre>, its lines
    kept), "table" (`rows` of cells, each cell its runs) or "rule"."""

    kind: str
    runs: tuple[Run, ...] = ()
    level: int = 0
    marker: str = ""
    rows: tuple[tuple[tuple[Run, ...], ...], ...] = ()

    @property
    def text(self) -> str:
        if self.rows:
            return "\n".join(
                "  ".join("".join(run.text for run in cell) for cell in row) for row in self.rows
            )
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True, slots=True)
class HtmlTag:
    """What one inline tag is: its name, whether it closes, and its attributes."""

    name: str
    closing: bool
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, name: str) -> str:
        return next((value for key, value in self.attrs if key == name), "")


class _BlockReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[HtmlBlock] = []
        self._runs: list[Run] = []
        self._kind = "text"
        self._level = 0
        self._marker = ""
        self._roles: list[tuple[str, str]] = []
        self._links: list[str | None] = []
        self._lists: list[list[int]] = []  # [ordered, next number] for each open list
        self._skip: list[str] = []
        self._pre = 0
        # The table being read: its rows so far, the row being read (None outside one).
        self._rows: list[tuple[tuple[Run, ...], ...]] | None = None
        self._row: list[tuple[Run, ...]] | None = None
        self._tables = 0  # tables open (one inside another is read as its cells' text)
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag in _SKIPPED:
                self._skip.append(tag)
            return
        if tag in _SKIPPED:
            self._skip.append(tag)
            return
        values = {key: strip_control(value or "") for key, value in attrs}
        if tag == "br":
            self._add("\n")
        elif tag == "img":
            # The alt text alone, as the run's text (what is indexed); the renderer
            # writes it as [image: alt].
            alt = one_line(values.get("alt", "")) or one_line(values.get("title", ""))
            self._add(alt, "image", keep_empty=True)
        elif tag == "hr":
            self._flush()
            self.blocks.append(HtmlBlock("rule"))
        elif tag in _HEADINGS:
            self._flush()
            self._kind, self._level = "heading", _HEADINGS[tag]
        elif tag == "li":
            self._flush()
            self._kind, self._level = "item", max(1, len(self._lists))
            if self._lists and self._lists[-1][0]:
                self._marker = f"{self._lists[-1][1]}."
                self._lists[-1][1] += 1
            else:
                self._marker = BULLET
        elif tag in ("ul", "ol", "menu"):
            self._flush()
            start = values.get("start", "1")
            number = int(start) if start.isdigit() and len(start) < 10 else 1
            if len(self._lists) < _MAX_OPEN:
                self._lists.append([tag == "ol", number])
        elif tag == "pre":
            self._flush()
            self._kind, self._pre = "code", self._pre + 1
        elif tag == "table":
            self._tables += 1
            if self._tables == 1:
                self._flush()
                self._rows, self._row = [], None
        elif tag == "tr" and self._tables == 1 and self._rows is not None:
            self._end_row()
            self._row = []
        elif tag in ("td", "th") and self._tables == 1 and self._rows is not None:
            self._end_cell()
            if self._row is None:
                self._row = []
            self._runs, self._in_cell = [], True
        elif tag in _BLOCK_TAGS and not self._tables:
            self._flush()
        elif tag not in _INLINE_TAGS and tag not in _BLOCK_TAGS and not self._tables:
            # A component (<TabItem label="Python">): a block, headed by its label.
            self._flush()
            label = next((values[key] for key in _LABEL_ATTRIBUTES if values.get(key)), "")
            if label:
                self._add(one_line(label), "strong")
                self._flush()
        elif tag == "a" and len(self._links) < _MAX_OPEN:
            self._links.append(values.get("href") or None)
        role = INLINE_ROLES.get(tag) or ("strong" if tag == "th" else None)
        if role is not None and len(self._roles) < _MAX_OPEN:
            self._roles.append((tag, role))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <img/>, and a JSX component closed on itself (<Note />): no content.
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr") and not self._skip:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if self._tables:
            if tag == "table":
                self._tables -= 1
                if not self._tables:
                    self._end_table()
            elif tag in ("td", "th") and self._tables == 1:
                self._end_cell()
            elif tag == "tr" and self._tables == 1:
                self._end_row()
        elif (
            tag in _HEADINGS
            or tag in ("li", "pre")
            or tag in _BLOCK_TAGS
            or tag not in _INLINE_TAGS
        ):
            self._flush()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif tag in ("ul", "ol", "menu"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag == "a" and self._links:
            self._links.pop()
        for index in range(len(self._roles) - 1, -1, -1):
            if self._roles[index][0] == tag:
                del self._roles[index]
                break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        data = strip_control(data)
        if not self._pre:
            data = _SPACES.sub(" ", data)
        self._add(data)

    def _end_cell(self) -> None:
        runs = _trimmed(self._runs)
        self._runs = []
        if self._in_cell and self._row is not None:
            self._row.append(tuple(runs))
        self._in_cell = False

    def _end_row(self) -> None:
        self._end_cell()
        if self._row and self._rows is not None and any(self._row):
            self._rows.append(tuple(self._row))
        self._row = None

    def _end_table(self) -> None:
        self._end_row()
        if self._rows:
            self.blocks.append(HtmlBlock("table", rows=tuple(self._rows)))
        self._rows = None

    def _add(self, text: str, role: str | None = None, keep_empty: bool = False) -> None:
        if not text and not keep_empty:
            return
        if text[:1] == " " and self._runs and self._runs[-1].text.endswith("\n"):
            text = text.lstrip(" ")  # no space at the start of a line after a <br>
            if not text:
                return
        roles = tuple(name for _tag, name in self._roles)
        if role is not None:
            roles += (role,)
        href = next((link for link in reversed(self._links) if link), None)
        self._runs.append(Run(text, roles, href))

    def _flush(self) -> None:
        runs = self._runs
        self._runs = []
        if self._kind == "code":
            text = "".join(run.text for run in runs).strip("\n")
            if text.strip():
                self.blocks.append(HtmlBlock("code", (Run(text),)))
            self._kind = "text"
            return
        runs = _trimmed(runs)
        if not runs:
            return  # nothing yet: a list item or heading keeps its kind for its text
        self.blocks.append(HtmlBlock(self._kind, tuple(runs), self._level, self._marker))
        self._kind, self._level, self._marker = "text", 0, ""

    def close(self) -> None:
        super().close()
        if self._tables:
            self._tables = 1
            self._end_table()
        self._flush()


def _trimmed(runs: list[Run]) -> list[Run]:
    """Runs without the spaces at either end of the block (line breaks kept inside)."""
    start, end = 0, len(runs)
    while start < end and _blank(runs[start]):
        start += 1
    while end > start and _blank(runs[end - 1]):
        end -= 1
    if start == end:
        return []
    runs = runs[start:end]
    first = runs[0]
    runs[0] = Run(first.text.lstrip(" "), first.roles, first.href)
    last = runs[-1]
    runs[-1] = Run(last.text.rstrip(" \n"), last.roles, last.href)
    return [run for run in runs if run.text or "image" in run.roles]


def _blank(run: Run) -> bool:
    return "image" not in run.roles and not run.text.strip()


def tags_that_close(html: str) -> str:
    """`html` with each `<` that does not start a tag closing before the next `<` (or a
    comment that closes) written `&lt;`, so it is read as text.

    html.parser tries such a `<` as a tag up to the end of the text and then reads it as
    text, one character further on: `<a ` 60,000 times took 436 s. Here every `<` is
    looked at once, and the parser reads the rest in one pass.
    """
    if "<" not in html:
        return html
    size = len(html)
    pieces: list[str] = []
    done = 0
    next_close = next_comment_end = -1
    at = html.find("<")
    while at >= 0:
        following = html.find("<", at + 1)
        if html.startswith("<!--", at):
            if next_comment_end < at:
                found = html.find("-->", at + 4)
                next_comment_end = found if found >= 0 else size
            if next_comment_end < size:
                at = html.find("<", next_comment_end + 3)
                continue
        if next_close < at:
            found = html.find(">", at + 1)
            next_close = found if found >= 0 else size
        if next_close >= size or 0 <= following < next_close:
            pieces.append(html[done:at])
            pieces.append("&lt;")
            done = at + 1
        at = following
    pieces.append(html[done:])
    return "".join(pieces)


def html_blocks(html: str) -> list[HtmlBlock]:
    """The blocks of an HTML fragment, in order."""
    reader = _BlockReader()
    reader.feed(tags_that_close(html))
    reader.close()
    return reader.blocks


def html_text(html: str) -> str:
    """The text of an HTML fragment, a line per block: what is indexed and counted."""
    if "<" not in html and "&" not in html:
        return html
    if html.startswith("<!--") and _COMMENTS_ONLY.fullmatch(html) is not None:
        return ""  # (Node's API pages hold 3,000 such blocks: `<!-- YAML` history)
    return "\n".join(block.text for block in html_blocks(html))


# An HTML block of comments only (none holding `--`, where HTMLParser's end of a comment
# and markdown-it's differ), and spaces: no text.
_COMMENTS_ONLY = re.compile(r"(?:<!--(?:[^-]|-(?!-))*-->[ \t\n]*)+")


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag: HtmlTag | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.tag is None:
            values = tuple((key, strip_control(value or "")) for key, value in attrs)
            self.tag = HtmlTag(tag, False, values)

    def handle_endtag(self, tag: str) -> None:
        if self.tag is None:
            self.tag = HtmlTag(tag, True)


@lru_cache(maxsize=1024)
def html_tag(fragment: str) -> HtmlTag | None:
    """The tag an inline HTML token holds (markdown-it gives one tag a token), or None
    for a comment, a declaration or anything else that is not a tag."""
    reader = _TagReader()
    reader.feed(tags_that_close(fragment))
    reader.close()
    return reader.tag


def inline_html_text(fragment: str) -> str:
    """What an inline tag stands for in plain text: a space for a line break, an image's
    alt text; nothing for any other tag or a comment."""
    tag = html_tag(fragment)
    if tag is None or tag.closing:
        return ""
    if tag.name == "br":
        return " "
    if tag.name == "img":
        return one_line(tag.attr("alt"))
    return ""
