"""Template markup in markdown, read as markdown-it rules: Liquid (Jekyll, Eleventy) and
Hugo shortcodes, kramdown attribute lines, and MDX's imports, exports and components.

What each becomes:
- code-block tags (`{% highlight ruby %}` … `{% endhighlight %}`, `{{< highlight go >}}`,
  `{{< code lang="go" >}}`, `{{% code %}}`) a `fence` token with the language, lines kept;
- note-like shortcodes (`{{< note >}}` … `{{< /note >}}`, `{{% notice tip %}}`) a
  callout (`callout_open` / `callout_close`) whose inner markdown is parsed;
- any other tag on a line of its own a block of its own: a `template` token holding the
  text the tag carries (a caption, a title), or nothing when it carries none, so it is
  never run together with the text around it; inside a line, a `template_inline` token
  the same way; `{% comment %}` … `{% endcomment %}` nothing;
- `[text]({% link … %})` and `[text]({{< ref "…" >}})` a link to the path named;
- kramdown attribute lines (`{: .class}`, `{:toc}`) nothing (a `* TOC` list before
  `{:toc}` goes too: kramdown puts a table of contents there), and so are MkDocs'
  (Python-Markdown's) attribute lists (`{ .md-button }`, `{ #setup }`, on a line or in
  one), abbreviations (`*[HTML]: Hyper Text Markup Language`, tooltips on a site) and
  snippet lines (`--8<-- "includes/note.md"`, a file the site's build pastes in), and a
  `[TOC]` line (where the build puts a table of contents);
- MkDocs content tabs (`=== "Linux"` over a body indented 4 spaces) a `template` token
  `tab: Linux`, as a Hugo `{{< tab "Linux" >}}` is, and the body in a callout of no kind
  (drawn plain: its lists are not the page's);
- in MDX, `import` / `export` blocks and `{/* … */}` lines nothing, and a line starting
  with a component tag an `html_block`, read as HTML.

The tags' own words are never text: not shown as written, not indexed, never part of an
initiative. Every pattern here stops at the next opening delimiter, so text full of
openers that never close is read in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from reader.markup.callouts import CALLOUT_SHORTCODES, kind_of
from reader.text.sanitize import one_line, strip_control

# One tag: Hugo `{{< … >}}` and `{{% … %}}`, Liquid `{% … %}` and output `{{ … }}`.
_TAG = re.compile(
    r"""
    \{\{<(?P<hugo>(?:(?!\{\{|\{%|>\}\}).)*)>\}\}
    | \{\{%(?P<hugo_md>(?:(?!\{\{|\{%|%\}\}).)*)%\}\}
    | \{%(?P<liquid>(?:(?!\{\{|\{%|%\}).)*)%\}
    | \{\{(?P<output>(?:(?!\{\{|\{%|\}\}).)*)\}\}
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENERS = ("{{", "{%")
# A line that opens a tag it does not close looks this many lines further for the end.
_TAG_LINES = 12
# An argument: `key="value"`, `key=value`, `"positional"`, `positional`.
_ARGUMENT = re.compile(
    r"""(?:(?P<key>[A-Za-z_][\w-]*)\s*[=:]\s*)?
        (?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|`[^`]*`|[^\s"'`]+)""",
    re.VERBOSE,
)
# Arguments whose value is text to show: `caption="…"`, `title="…"`.
_TEXT_KEYS = frozenset(
    {"caption", "title", "alt", "text", "label", "summary", "description", "content",
     "header", "heading", "quote", "cite", "attr", "name"}
)  # fmt: skip
# Tags whose first quoted argument is a label to show (`{{< tab "Linux" >}}`).
_LABEL_TAGS = frozenset({"tab", "details", "expand", "collapse", "spoiler", "step", "card"})
# Callout shortcodes whose kind is given as an argument.
_GENERIC_CALLOUTS = frozenset(
    {"notice", "alert", "callout", "admonition", "box", "panel", "message"}
)
# Code-block tags and the tags that end them.
_CODE_TAGS = {
    ("liquid", "highlight"): "endhighlight",
    ("liquid", "codeblock"): "endcodeblock",
    ("liquid", "code"): "endcode",
    ("hugo", "highlight"): "/highlight",
    ("hugo", "code"): "/code",
}
_KRAMDOWN_LINE = re.compile(r"\{:(?:[^{}\n]|\{[^{}\n]*\})*\}[ \t]*")
_KRAMDOWN_INLINE = re.compile(r"\{:(?:[^{}\n]|\{[^{}\n]*\})*\}")
_KRAMDOWN_TOC = re.compile(r"\{:\s*\.?toc\s*\}", re.IGNORECASE)
# Python-Markdown's attribute list: classes, ids and `key=value` pairs, nothing else (a
# `{Object}` type in an API page is text). (Possessive runs: read in linear time.)
_ATTRIBUTE = r"""(?:[.#][\w-]++|[\w-]++=(?:"[^"\n]*+"|'[^'\n]*+'|[^\s"'{}]++))"""
ATTRIBUTE_LIST = re.compile(rf"\{{:?[ \t]*+{_ATTRIBUTE}(?:[ \t]++{_ATTRIBUTE})*+[ \t]*+\}}")
# An abbreviation's definition (`*[HTML]: Hyper Text Markup Language`), and a snippet line
# (pymdownx.snippets: `--8<-- "file.md"`, or `--8<--` alone opening and closing a list
# of files).
# Python-Markdown's table of contents marker, a line of its own: the site's build puts the
# page's table of contents there.
TOC_MARKER = "[TOC]"
_ABBREVIATION = re.compile(r"\*\[[^\]\\\n]++\] ?:.*")
_SNIPPET = re.compile(r"""-+8<-+[ \t]+(?:"[^"\n]+"|'[^'\n]+')[ \t]*""")
_SNIPPETS_MARK = re.compile(r"-+8<-+[ \t]*")
# A content tab's opening line (pymdownx.tabbed: `=== "Linux"`, `===! "…"` starting a new
# set, `===+ "…"` the one selected).
_CONTENT_TAB = re.compile(r'===[!+]{0,2}[ \t]+"(?P<label>[^"\n]*)"[ \t]*')
# A content tab's body is indented this much past its `===`.
CONTENT_TAB_INDENT = 4
_MDX_ESM = re.compile(r"(?:import|export)(?=[\s{*])")
_MDX_COMMENT = re.compile(r"\{/\*.*\*/\}[ \t]*")
_MDX_COMPONENT = re.compile(r"</?(?:[A-Za-z][\w.:-]*|>)")
# `](…)` holding template markup: a link whose address the site fills in.
_TEMPLATE_LINK = re.compile(r"\]\((?P<dest>[^()\n]*?\{[{%][^()\n]*?)\)")
# Tags and filters that stand for the path they are given.
_PATH_TAGS = frozenset({"link", "post_url", "ref", "relref", "include_relative"})


@dataclass(frozen=True, slots=True)
class Tag:
    """One template tag: its syntax ("hugo" or "liquid"), name, arguments, and whether it
    closes a paired tag (`{{< /note >}}`)."""

    syntax: str
    name: str
    arguments: tuple[tuple[str, str], ...]  # (key or "", value unquoted)
    closing: bool = False
    comment: bool = False

    def argument(self, *keys: str) -> str:
        return next((value for key, value in self.arguments if key in keys), "")

    def positional(self) -> list[str]:
        return [value for key, value in self.arguments if not key]

    @property
    def text(self) -> str:
        """The text the tag carries, to show: its captions, titles and labels."""
        if self.comment or self.closing:
            return ""
        parts = [value for key, value in self.arguments if key.lower() in _TEXT_KEYS]
        quoted = [value for key, value in self.arguments if not key and " " in value]
        parts.extend(quoted)
        if not parts and self.name.lower() in _LABEL_TAGS:
            parts = self.positional()[:1]
        return one_line(strip_control(" — ".join(part for part in parts if part)))


@lru_cache(maxsize=1024)
def read_tag(source: str) -> Tag | None:
    """The tag `source` (one whole tag, delimiters included) is, or None."""
    found = _TAG.fullmatch(source)
    if found is None:
        return None
    return _tag_of(found)


def _tag_of(found: re.Match[str]) -> Tag:
    group = found.lastgroup or "output"
    inner = found.group(group).strip()
    if group == "output":
        # Liquid output (`{{ page.title }}`) or a Hugo comment (`{{/* … */}}`): no text.
        return Tag("liquid", "", (), comment=True)
    syntax = "liquid" if group == "liquid" else "hugo"
    if syntax == "liquid":
        inner = inner.strip("-").strip()
    if inner.startswith("/*") and inner.endswith("*/"):
        return Tag(syntax, "", (), comment=True)
    closing = inner.startswith("/")
    inner = inner.lstrip("/").rstrip("/").strip()
    name, _, rest = inner.partition(" ")
    if not rest and "\n" in name:
        name, _, rest = name.partition("\n")
    arguments = tuple(
        (match.group("key") or "", _unquoted(match.group("value")))
        for match in _ARGUMENT.finditer(rest)
    )
    return Tag(syntax, name.strip(), arguments, closing=closing)


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
        return value[1:-1]
    return value


@lru_cache(maxsize=4096)
def line_tags(text: str) -> tuple[Tag, ...] | None:
    """The tags `text` consists of (spaces between them allowed), or None if it holds
    anything else. (Cached: looking for a closing tag reads the lines after an opener.)"""
    tags: list[Tag] = []
    position = 0
    size = len(text)
    while position < size:
        while position < size and text[position] in " \t\n":
            position += 1
        if position >= size:
            break
        found = _TAG.match(text, position)
        if found is None:
            return None
        tags.append(_tag_of(found))
        position = found.end()
    return tuple(tags) or None


# -- block rules ------------------------------------------------------------------------


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def tags_over_lines(
    line_text: Callable[[int], str], start: int, end: int
) -> tuple[tuple[Tag, ...] | None, int]:
    """The tags the template rule reads from line `start` (`line_text(n)`: line n past
    its indentation) on, before line `end`, and the last line they take: a tag may run
    over several lines (`{{< figure` … `>}}`), up to a blank one. None: the line starts
    no tag line (`{{ site.title }} is a blog` is a paragraph's)."""
    last = start
    text = line_text(start)
    tags = line_tags(text)
    while tags is None and last + 1 < end and last - start < _TAG_LINES:
        following = line_text(last + 1)
        if not following:
            break  # a blank line
        last += 1
        text += "\n" + following
        tags = line_tags(text)
    return tags, last


def _template_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    first = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[first : first + 1] != "{":
        return False
    text = _line(state, start_line)
    if text.startswith("{:"):
        return _kramdown_line(state, start_line, end_line, text, silent)
    if not text.startswith(_OPENERS):
        return False
    tags, last = tags_over_lines(lambda line: _line(state, line), start_line, end_line)
    if tags is None:
        return False
    if silent:
        return True
    unclosed = state.env.setdefault("template_unclosed", {})
    block = template_block(tags, last, end_line, lambda line: _line(state, line), unclosed)
    if block.kind == "code":
        body = state.src[state.bMarks[last + 1] : state.bMarks[block.close]]
        token = state.push("fence", "code", 0)
        token.info = block.text
        token.content = body
        token.markup = "```"
        token.map = [last, block.close + 1]
    elif block.kind == "callout" and block.meta is not None:
        _callout(state, start_line, last, block.close, block.meta)
    elif block.text:
        token = state.push("template", "", 0)
        token.content = block.text
        token.map = [start_line, last + 1]
    state.line = block.end
    return True


@dataclass(frozen=True, slots=True)
class TemplateBlock:
    """What the tags on a line of their own (ending on line `last`) make: a code block
    ("code": its language in `text`, its lines up to `close`), a callout ("callout": its
    markdown up to `close`, `meta` its kind and label), or a template token holding
    `text` ("tags"; none when `text` is empty, as for a comment). `end`: the line after."""

    kind: str
    end: int
    close: int = 0
    text: str = ""
    meta: dict[str, str] | None = None


def template_block(
    tags: tuple[Tag, ...],
    last: int,
    end_line: int,
    line_text: Callable[[int], str],
    unclosed: dict[tuple[str, str], tuple[int, int]],
) -> TemplateBlock:
    """What the template rule makes of `tags`, a line's (or lines') whole text ending on
    line `last`, in a block ending before `end_line`; `line_text` gives a line's text past
    its indentation. (The compiled block parse reads top-level tags through this too.)"""
    if len(tags) == 1 and not tags[0].closing:
        tag = tags[0]
        key = (tag.syntax, tag.name.lower())
        if key in _CODE_TAGS:
            close = closing_line(
                line_text, last + 1, end_line, tag.syntax, _CODE_TAGS[key], unclosed
            )
            if close is not None:
                return TemplateBlock("code", close + 1, close, _code_language(tag))
        if key == ("liquid", "comment"):
            close = closing_line(line_text, last + 1, end_line, "liquid", "endcomment", unclosed)
            return TemplateBlock("tags", (close if close is not None else last) + 1)
        if tag.syntax == "hugo" and tag.name.lower() in CALLOUT_SHORTCODES:
            name = "/" + tag.name.lower()
            close = closing_line(line_text, last + 1, end_line, "hugo", name, unclosed)
            if close is not None:
                return TemplateBlock("callout", close + 1, close, meta=_callout_meta(tag))
    shown = " · ".join(
        f"{tag.name}: {tag.text}" if tag.name else tag.text for tag in tags if tag.text
    )
    return TemplateBlock("tags", last + 1, text=shown)


def closing_line(
    line_text: Callable[[int], str],
    start: int,
    end_line: int,
    syntax: str,
    name: str,
    unclosed: dict[tuple[str, str], tuple[int, int]],
) -> int | None:
    """The first line from `start` that is the tag `name` alone (`/note`, `endhighlight`),
    counting the same tag opened again inside (nested notes).

    A search that meets no such line at all is remembered in `unclosed` for the rest of
    the parse, so a file of openers that never close is read in linear time, not once
    per opener."""
    known = unclosed.get((syntax, name))
    if known is not None and start >= known[0] and end_line <= known[1]:
        return None  # no such line between these lines, as a search found before
    opened = name[3:] if name.startswith("end") else name.lstrip("/")
    depth = 0
    seen = False
    for line in range(start, end_line):
        text = line_text(line)
        if not text.startswith(_OPENERS):
            continue
        tags = line_tags(text)
        if not tags or len(tags) != 1 or tags[0].syntax != syntax:
            continue
        tag = tags[0]
        written = ("/" if tag.closing else "") + tag.name.lower()
        if written == name:
            seen = True
            if depth == 0:
                return line
            depth -= 1
        elif written == opened:
            depth += 1
    if not seen:
        unclosed[(syntax, name)] = (start, end_line)
    return None


def _code_language(tag: Tag) -> str:
    language = tag.argument("lang", "language") or next(
        (value for value in tag.positional() if "=" not in value), ""
    )
    return language.removeprefix("lang:")


def _callout_meta(tag: Tag) -> dict[str, str]:
    name = tag.name.lower()
    positional = tag.positional()
    word = name
    if name in _GENERIC_CALLOUTS:
        # `{{< notice warning >}}`, `{{% alert color="warning" %}}`: the kind is an argument.
        named = tag.argument("type", "color", "theme", "context", "style", "class")
        word = named or (positional[0] if positional else "") or name
    kind = kind_of(word) or "note"
    title = tag.argument("title", "summary", "header", "heading")
    if not title and kind == "details" and positional:
        title = positional[0]
    label = one_line(strip_control(title)) or word.title()
    return {"kind": kind, "label": label}


def _callout(
    state: StateBlock, start_line: int, last: int, close: int, meta: dict[str, str]
) -> None:
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "callout"
    state.lineMax = close
    token = state.push("callout_open", "div", 1)
    token.meta = dict(meta)
    token.block = True
    token.map = [start_line, close + 1]
    state.md.block.tokenize(state, last + 1, close)
    token = state.push("callout_close", "div", -1)
    token.block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = close + 1


def _kramdown_line(
    state: StateBlock, start_line: int, end_line: int, text: str, silent: bool
) -> bool:
    if text.startswith("{::comment}"):
        if silent:
            return True
        # Unclosed, it is the line alone; that is remembered, so a file of openers is
        # read in linear time.
        line = end_line
        if not state.env.get("kramdown_unclosed"):
            line = start_line
            while line < end_line and "{:/comment}" not in _line(state, line):
                line += 1
            state.env["kramdown_unclosed"] = line >= end_line
        state.line = (line if line < end_line else start_line) + 1
        return True
    if _KRAMDOWN_LINE.fullmatch(text) is None:
        return False
    if silent:
        return True
    if _KRAMDOWN_TOC.fullmatch(text.strip()):
        _drop_list_before(state)
    state.line = start_line + 1
    return True


def kramdown_attribute_line(text: str) -> bool:
    """Whether `text` (a line, past its indentation) is a kramdown attribute line, which
    the template rule reads as nothing (`{: .lead}` under a paragraph; not `{:toc}`,
    which drops the list before it, nor a `{::` extension)."""
    return (
        not text.startswith("{::")
        and _KRAMDOWN_LINE.fullmatch(text) is not None
        and _KRAMDOWN_TOC.fullmatch(text.strip()) is None
    )


def _drop_list_before(state: StateBlock) -> None:
    """Drop the list just before (`* TOC` above `{:toc}`): a table of contents goes there."""
    tokens = state.tokens
    if not tokens or tokens[-1].type not in ("bullet_list_close", "ordered_list_close"):
        return
    level = tokens[-1].level
    for index in range(len(tokens) - 2, -1, -1):
        token = tokens[index]
        if token.level == level and token.type.endswith("_list_open"):
            del tokens[index:]
            return


def nothing_lines(line_text: Callable[[int], str], start: int, end: int) -> int:
    """How many lines from `start` (before `end`; `line_text(n)`: line n past its
    indentation) the MkDocs line rule reads as nothing: an attribute list, an
    abbreviation, a snippet line or a `[TOC]` alone on line `start` (1), a `--8<--` list of files up
    to its closing `--8<--` (its lines, before a blank one), else 0. (The compiled block
    parse reads top-level lines through this too.)"""
    text = line_text(start)
    if text[:1] == "[":
        return 1 if text.rstrip(" \t") == TOC_MARKER else 0
    if text[:1] == "{":
        return 1 if not text.startswith("{:") and ATTRIBUTE_LIST.fullmatch(text.rstrip()) else 0
    if text[:1] == "*":
        return 1 if _ABBREVIATION.fullmatch(text) else 0
    if text[:1] != "-" or "8<" not in text:
        return 0
    if _SNIPPET.fullmatch(text):
        return 1
    if not _SNIPPETS_MARK.fullmatch(text):
        return 0
    for line in range(start + 1, end):
        following = line_text(line)
        if not following:
            return 0
        if _SNIPPETS_MARK.fullmatch(following):
            return line + 1 - start
    return 0


def content_tab_label(text: str) -> str | None:
    """The label of the content tab `text` (a line past its indentation) opens, or None."""
    found = _CONTENT_TAB.fullmatch(text) if text.startswith("===") else None
    return None if found is None else one_line(strip_control(found.group("label")))


def indented_body_end(
    line_indent: Callable[[int], tuple[int, bool]], start: int, end: int, indent: int
) -> int:
    """The line after an indented body starting on line `start` (before `end`), as
    mdit-py-plugins' admonition rule ends one (a content tab's too): at a line with text
    indented less than `indent` columns, or at the second of two lines in a row indented
    less (blank lines). `line_indent(n)`: line n's indentation in columns, and whether it
    is blank."""
    was_short = False
    line = start
    while line < end:
        columns, blank = line_indent(line)
        short = columns < indent
        if (short and was_short) or (short and not blank):
            break
        was_short = short
        line += 1
    return line


def _mkdocs_line(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    first = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[first : first + 1] not in ("{", "*", "-", "["):
        return False
    count = nothing_lines(lambda line: _line(state, line), start_line, end_line)
    if not count:
        return False
    if not silent:
        state.line = start_line + count
    return True


def _content_tab(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    first = state.bMarks[start_line] + state.tShift[start_line]
    if state.src[first : first + 3] != "===":
        return False
    label = content_tab_label(_line(state, start_line))
    if label is None:
        return False
    if silent:
        return True
    indent = state.sCount[start_line] + CONTENT_TAB_INDENT

    def line_indent(line: int) -> tuple[int, bool]:
        blank = state.bMarks[line] + state.tShift[line] >= state.eMarks[line]
        return state.sCount[line], blank

    end = indented_body_end(line_indent, start_line + 1, end_line, indent)
    token = state.push("template", "", 0)
    token.content = f"tab: {label}" if label else "tab"
    token.map = [start_line, start_line + 1]
    old_parent, old_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType = "callout"
    state.lineMax = end
    state.blkIndent = indent
    token = state.push("callout_open", "div", 1)
    token.meta = {"kind": "", "label": label}
    token.block = True
    token.map = [start_line, end]
    state.md.block.tokenize(state, start_line + 1, end)
    token = state.push("callout_close", "div", -1)
    token.block = True
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_max, old_indent
    state.line = end
    return True


def mdx_line(text: str) -> str:
    """What MDX's block rules read a line's text (past its indentation) as: "esm" (an
    `import` / `export` block's first line), "comment" (`{/* … */}`), "component" (a
    line starting with a component tag and ending with `>`), or "" (none of those). (The
    compiled block parse reads MDX through this too.)"""
    if _MDX_ESM.match(text):
        return "esm"
    if _MDX_COMMENT.fullmatch(text):
        return "comment"
    if _MDX_COMPONENT.match(text) and text.rstrip().endswith(">"):
        return "component"
    return ""


def _mdx_esm(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`import` / `export` at the top level, up to a blank line (it cannot interrupt a
    paragraph, so prose that starts a line with "import" stays prose)."""
    if state.blkIndent != 0 or state.level != 0 or state.is_code_block(start_line):
        return False
    if mdx_line(_line(state, start_line)) != "esm":
        return False
    if not silent:
        line = start_line + 1
        while line < end_line and not state.isEmpty(line):
            line += 1
        state.line = line
    return True


def _mdx_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    kind = mdx_line(_line(state, start_line))
    if kind not in ("comment", "component"):
        return False
    if silent:
        return True
    line = start_line + 1
    if kind != "comment":
        while line < end_line and not state.isEmpty(line):
            line += 1
    if kind == "component":
        token = state.push("html_block", "", 0)
        token.content = state.src[state.bMarks[start_line] : state.eMarks[line - 1]] + "\n"
        token.map = [start_line, line]
    state.line = line
    return True


# -- inline rules -----------------------------------------------------------------------


def _template_inline(state: StateInline, silent: bool) -> bool:
    source = state.src
    position = state.pos
    if source[position] != "{":
        return False
    if source.startswith("{:", position):
        found = _KRAMDOWN_INLINE.match(source, position)
        if found is None or found.end() > state.posMax:
            return False
        state.pos = found.end()
        return True
    if (found := ATTRIBUTE_LIST.match(source, position)) is not None:
        if found.end() > state.posMax:
            return False
        state.pos = found.end()  # `[Get started](start.md){ .md-button }`: the link
        return True
    if not source.startswith(_OPENERS, position):
        return False
    found = _TAG.match(source, position)
    if found is None or found.end() > state.posMax:
        return False
    end = found.end()
    tag = _tag_of(found)
    if tag.text:
        if not silent:
            token = state.push("template_inline", "", 0)
            token.content = f"{tag.name}: {tag.text}" if tag.name else tag.text
    elif source[position - 1 : position] == " " and source[end : end + 1] == " ":
        end += 1  # "Thanks to {{ lead }} and": one space left, not two
    state.pos = end
    return True


def _mdx_inline(state: StateInline, silent: bool) -> bool:
    """`{/* a comment */}` inside a line of MDX: nothing."""
    if not state.src.startswith("{/*", state.pos):
        return False
    end = state.src.find("*/}", state.pos + 3, state.posMax)
    if end < 0:
        return False
    state.pos = end + 3
    return True


def template_links(text: str) -> str:
    """`[text]({% link a.md %})` and `[text]({{< ref "a.md" >}})` as `[text](a.md)`, so
    they are links showing their text (to a path, not a web address, so never opened)."""
    if "](" not in text or ("{{" not in text and "{%" not in text):
        return text
    return _TEMPLATE_LINK.sub(_link_to_path, text)


def _link_to_path(found: re.Match[str]) -> str:
    destination = _TAG.sub(_tag_path, found.group("dest"))
    destination = destination.strip().split(" ")[0] if destination.strip() else ""
    return f"](<{destination}>)" if destination else "]()"


def _tag_path(found: re.Match[str]) -> str:
    if found.lastgroup == "output":
        # `{{ '/about/' | relative_url }}` is the path; `{{ site.baseurl }}` nothing.
        inner = found.group("output").strip()
        value = inner.split("|")[0].strip()
        return _unquoted(value) if value[:1] in "\"'" else ""
    tag = _tag_of(found)
    if tag.name.lower() in _PATH_TAGS:
        positional = tag.positional()
        return positional[0] if positional else ""
    return ""


def _template_link_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and "{" in token.content:
            token.content = template_links(token.content)


def template_plugin(md: MarkdownIt, *, mdx: bool = False) -> None:
    """Add the rules above to `md` (the MDX ones with `mdx`)."""
    terminates: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before("fence", "template", _template_block, terminates)
    md.inline.ruler.before("escape", "template_inline", _template_inline)
    md.core.ruler.before("inline", "template_links", _template_link_rule)
    md.block.ruler.before("fence", "mkdocs_line", _mkdocs_line, terminates)
    md.block.ruler.before("fence", "content_tab", _content_tab, terminates)
    if mdx:
        md.block.ruler.before("fence", "mdx_esm", _mdx_esm)
        md.block.ruler.before("fence", "mdx", _mdx_block, terminates)
        md.inline.ruler.before("escape", "mdx_inline", _mdx_inline)
