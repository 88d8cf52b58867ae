"""PyMdown Extensions' syntax (what Material for MkDocs sites write), read as markdown-it
rules:

- `/// note | Title` … `///` blocks (pymdownx.blocks): an admonition's name (`note`,
  `tip`, `warning`…, or `admonition` with a `type:` option) or `details` a callout
  (an `admonition_open` token, as `!!! note "Title"` makes), `tab` a content tab (a
  `template` token `tab: Name` and its body in a callout of no kind, as `=== "Name"`
  makes), `html`, `caption` and `define` their body alone; their YAML options (lines
  indented 4 spaces under the opening line) are not text;
- inline: `==mark==` and `^^insert^^` (pymdownx.mark, .caret: paired as `~~` is, a
  `mark` and an `ins` token pair), `H~2~O` and `x^2^` (pymdownx.tilde, .caret:
  mdit-py-plugins' subscript and superscript rules: no unescaped space inside),
  `++ctrl+alt+del++` (pymdownx.keys: a `keys` token holding `Ctrl+Alt+Del`), and
  `:smile:` (pymdownx.emoji: an `emoji` token holding the emoji, from Rich's table of
  names; Material's icons, `:material-check:`, `:fontawesome-brands-github:`, have none
  and are nothing).

`may_hold_inline` says which text may hold those inline marks (the compiled parser
leaves it to markdown-it-py; the loader parses it for its words). Every rule here is
linear in its text: a closing fence or mark is looked for once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline

# -- blocks ------------------------------------------------------------------------------

# An opening line: 3 or more slashes, a name, and a title after a `|`.
_BLOCK_OPENING = re.compile(
    r"(?P<fence>/{3,})[ \t]*(?P<name>[a-z][\w-]*)[ \t]*(?:\|[ \t]*(?P<title>.*?))?[ \t]*"
)
# What opens a block at a line's start (past container marks: the compiled parser leaves
# a page holding one to markdown-it-py).
BLOCK_OPENER = re.compile(r"/{3,}[ \t]*[a-z][\w-]*[ \t]*(?:\||$)", re.MULTILINE)
_BLOCK_CLOSING = re.compile(r"(/{3,})[ \t]*")
# An option line (YAML, indented under the opening line): `type: warning`, `open: true`.
_OPTION = re.compile(r"(?P<key>[\w-]+):[ \t]*(?P<value>.*)")
# pymdownx.blocks' own admonition names; Material sites configure more (any kind
# reader.markup.callouts knows is taken).
_PLAIN_BLOCKS = frozenset({"html", "caption", "define"})
_OTHER_BLOCKS = frozenset({"admonition", "details", "tab"}) | _PLAIN_BLOCKS


def _block_name_known(name: str) -> bool:
    from reader.markup.callouts import kind_of

    return name in _OTHER_BLOCKS or bool(kind_of(name))


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    # (Tried at every line of a paragraph: the cheapest test first.)
    if not state.src.startswith("///", state.bMarks[start_line] + state.tShift[start_line]):
        return False
    if state.is_code_block(start_line):
        return False
    opening = _BLOCK_OPENING.fullmatch(_line(state, start_line))
    if opening is None or not _block_name_known(opening["name"]):
        return False
    if silent:
        return True
    fence, name = opening["fence"], opening["name"]
    title = opening["title"] or ""
    close = _closing_line(state, start_line + 1, end_line, fence)
    # Options: lines indented 4 columns more than the opening line, right under it.
    options: dict[str, str] = {}
    body = start_line + 1
    while body < close and state.sCount[body] - state.sCount[start_line] >= 4:
        read = _options(_line(state, body).rstrip())
        if read is None:
            break
        options.update(read)
        body += 1
    if name == "tab":
        token = state.push("template", "", 0)
        token.content = f"tab: {title}" if title else "tab"
        token.map = [start_line, start_line + 1]
        opened, closed = "callout_open", "callout_close"
        meta = {"kind": "", "label": title}
    elif name in _PLAIN_BLOCKS:
        opened, closed = "callout_open", "callout_close"
        meta = {"kind": "", "label": ""}
    else:
        # `admonition` and `details` take their kind from a `type` option.
        kind = options.get("type", "") if name in ("admonition", "details") else name
        kind = kind or ("details" if name == "details" else "note")
        opened, closed = "admonition_open", "admonition_close"
        meta = {"tag": kind}
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "callout"
    state.lineMax = close
    token = state.push(opened, "div", 1)
    token.meta = meta
    token.block = True
    token.map = [start_line, min(close + 1, end_line)]
    if opened == "admonition_open":
        token.content = title
    state.md.block.tokenize(state, body, close)
    token = state.push(closed, "div", -1)
    token.block = True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = min(close + 1, end_line)
    return True


def _options(text: str) -> dict[str, str] | None:
    """The options on a block's option line (YAML: `type: warning`, or a flow mapping,
    `{type: note, open: true}`), or None if it holds none."""
    if text.startswith("{") and text.endswith("}"):
        pairs = [_OPTION.fullmatch(part.strip()) for part in text[1:-1].split(",")]
    else:
        pairs = [_OPTION.fullmatch(text)]
    if not all(pairs):
        return None
    return {pair["key"].lower(): pair["value"].strip().strip("\"'") for pair in pairs if pair}


def _closing_line(state: StateBlock, start: int, end: int, fence: str) -> int:
    """The line closing a block opened by `fence` (the same number of slashes alone on
    a line), or `end` (an unclosed block runs to the end). Where a fence of that length
    was looked for up to `end` in vain, that is remembered: a page of openers that never
    close is read in linear time."""
    unclosed: dict[tuple[str, int], int] = state.env.setdefault("blocks_unclosed", {})
    looked_from = unclosed.get((fence, end))
    if looked_from is not None and start >= looked_from:
        return end
    for line in range(start, end):
        if state.sCount[line] - state.blkIndent >= 4:
            continue
        text = _line(state, line)
        found = _BLOCK_CLOSING.fullmatch(text) if text.startswith(fence) else None
        if found is not None and found.group(1) == fence:
            return line
    unclosed[(fence, end)] = start
    return end


# -- inline marks ------------------------------------------------------------------------

# Keys: `++ctrl+alt+del++`, up to 10 names of word characters and `-` (a bound: a run of
# `a+a+…` is looked at for a closing `++` 10 names long at most).
_KEYS = re.compile(r"\+\+([\w-]+(?:\+[\w-]+){0,9})\+\+")
# An emoji shortcode's start: a `:` with a name and a `:` after it (the closing `:` may
# start the next one: `:+1::tada:`). Not after a word's character (`a:b:c`, `10:30:45`).
# (Emoji and icons are named in lowercase ASCII, `_`, `+` and `-`: pymdownx reads `\w`,
# which names none more.)
_SHORTCODE = re.compile(r":(?=([a-z0-9_+-]+):)")
# Material for MkDocs' icon sets: an icon has no emoji, and is not text.
_ICON_SETS = ("material-", "fontawesome-", "octicons-", "simple-")
_KEY_NAMES = {
    "ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift", "cmd": "Cmd",
    "command": "Cmd", "option": "Option", "opt": "Option", "meta": "Meta", "win": "Win",
    "windows": "Win", "super": "Super", "fn": "Fn", "del": "Del", "delete": "Del",
    "backspace": "Backspace", "enter": "Enter", "return": "Return", "esc": "Esc",
    "escape": "Esc", "tab": "Tab", "space": "Space", "spacebar": "Space", "ins": "Ins",
    "insert": "Ins", "home": "Home", "end": "End", "page-up": "Page Up",
    "page-down": "Page Down", "arrow-up": "↑", "arrow-down": "↓", "arrow-left": "←",
    "arrow-right": "→", "up": "Up", "down": "Down", "left": "Left", "right": "Right",
    "caps-lock": "Caps Lock", "print-screen": "Print Screen",
}  # fmt: skip


def key_label(name: str) -> str:
    """A key's name as a keyboard shows it (`ctrl` is Ctrl, `c` is C, `f5` is F5)."""
    lowered = name.lower()
    if lowered in _KEY_NAMES:
        return _KEY_NAMES[lowered]
    if len(name) <= 3:
        return name.upper()
    return " ".join(part.capitalize() for part in lowered.split("-") if part)


@cache
def _emoji_table() -> dict[str, str]:
    from rich._emoji_codes import EMOJI

    return EMOJI


def shortcode_text(name: str) -> str | None:
    """What `:name:` is: its emoji, "" for an icon of Material's sets, None for a name
    that is neither (`:30:` of a time is text)."""
    emoji = _emoji_table().get(name)
    if emoji is not None:
        return emoji
    return "" if name.startswith(_ICON_SETS) and len(name) > 8 else None


def _shortcode_at(text: str, position: int, limit: int) -> tuple[int, str] | None:
    """The end of the shortcode starting at `position` (ending by `limit`) and its text,
    if one does."""
    found = _SHORTCODE.match(text, position, limit)
    if found is None or (position and _is_word(text[position - 1])):
        return None
    end = found.end(1) + 1
    if end < limit and _is_word(text[end]):
        return None
    shown = shortcode_text(found.group(1))
    return None if shown is None else (end, shown)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


# What each inline mark needs in a text, for may_hold_inline (a superset of what the
# rules take).
# (markdown-it's spaces: a `==` before one opens no mark.)
_SPACES = " \t\n\x0b\x0c\r\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
_MAY_MARK = re.compile(f"==[^{_SPACES}=]")
# What any shortcode holds, looked for first in one pass.
_SHORTCODE_LIKE = re.compile(r":[a-z0-9_+-]+:")
_MAY_CARET = re.compile(rf"\^(?:\^[^{_SPACES}^]|(?:[^\s^\\]|\\.)+\^)", re.DOTALL)
_MAY_TILDE = re.compile(r"~(?:[^\s~\\]|\\.)+~", re.DOTALL)
# Each mark's regex, by its first character.
_MAY_HOLD = (("=", _MAY_MARK), ("^", _MAY_CARET), ("~", _MAY_TILDE), ("+", _KEYS))


def may_hold_inline(text: str) -> bool:
    """Whether `text` may hold an inline mark of PyMdown's (the rules read none in a
    text this says False of): `==` or `^^` before a character that is no space, `^…^`
    and `~…~` around no space but an escaped one, keys, a shortcode with an emoji or an
    icon. (Each regex only where its first character is, found at memory speed, and
    each starting with a character: one regex of them all, not, was 6 times slower.)"""
    for char, pattern in _MAY_HOLD:
        if char in text and pattern.search(text) is not None:
            return True
    return ":" in text and _holds_shortcode(text, 0)


def texts_holding_inline(texts: list[str]) -> list[int]:
    """The indices, in order, of `texts` that may_hold_inline says True of: looked for
    in them all at once, a regex at a time (a page of release notes has thousands of
    items, few or none holding one; no mark runs over a line's end)."""
    joined = "\n".join(texts)
    if not may_hold_inline(joined):
        return []
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    found: set[int] = set()
    for char, pattern in (*_MAY_HOLD, (":", _SHORTCODE_LIKE)):
        if char not in joined:
            continue
        match = pattern.search(joined)
        while match is not None:
            index = bisect_right(starts, match.start()) - 1
            if index not in found and may_hold_inline(texts[index]):
                found.add(index)
            match = pattern.search(joined, starts[index + 1])
    return sorted(found)


def _holds_shortcode(text: str, start: int) -> bool:
    """Whether a shortcode the rule takes starts in `text` at or after `start`."""
    first = _SHORTCODE_LIKE.search(text, start)
    if first is None:
        return False
    table = _emoji_table()
    for each in _SHORTCODE.finditer(text, first.start()):
        name = each.group(1)
        if (name in table or name.startswith(_ICON_SETS)) and _shortcode_at(
            text, each.start(), len(text)
        ) is not None:
            return True
    return False


def _inline_mark(state: StateInline, silent: bool) -> bool:
    """One rule for the marks above (a rule tried at every `:` of a text: one call)."""
    char = state.src[state.pos]
    if char == ":":
        return _shortcode(state, silent)
    if char == "+":
        return _keys(state, silent)
    if char == "=" or char == "^":
        return _pair_marks(state, silent)
    return False


def _keys(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("++", state.pos):
        return False
    found = _KEYS.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        token = state.push("keys", "kbd", 0)
        token.content = "+".join(key_label(name) for name in found.group(1).split("+"))
        token.markup = "++"
    state.pos = found.end()
    return True


def _shortcode(state: StateInline, silent: bool) -> bool:
    source, position = state.src, state.pos
    if source[position] != ":":
        return False
    found = _shortcode_at(source, position, state.posMax)
    if found is None:
        return False
    end, shown = found
    if shown:
        if not silent:
            token = state.push("emoji", "", 0)
            token.content = shown
    elif source[end : end + 1] == " " and (position == 0 or source[position - 1] in " \n"):
        end += 1  # "an :material-check: icon": one space left, not two; none at the start
    state.pos = end
    return True


def _pair_marks(state: StateInline, silent: bool) -> bool:
    """`==` and `^^` runs as delimiters, as markdown-it's strikethrough rule reads `~~`
    (a run of one is left: `^` opens a superscript)."""
    from markdown_it.rules_inline.state_inline import Delimiter

    marker = state.src[state.pos]
    if silent:
        return False
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = marker
        length -= 1
    for _ in range(0, length, 2):
        token = state.push("text", "", 0)
        token.content = marker * 2
        state.delimiters.append(
            Delimiter(
                marker=ord(marker),
                length=0,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


_PAIRED = {ord("="): "mark", ord("^"): "ins"}


def _paired_marks(state: StateInline) -> None:
    """The `==` and `^^` delimiters paired (balance_pairs) as `mark` and `ins` tokens."""
    _pair_tokens(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair_tokens(state, meta["delimiters"])


def _pair_tokens(state: StateInline, delimiters: list) -> None:  # type: ignore[type-arg]
    lone: list[tuple[int, str]] = []
    for opener in delimiters:
        tag = _PAIRED.get(opener.marker)
        if tag is None or opener.end == -1:
            continue
        closer = delimiters[opener.end]
        for token, nesting in ((state.tokens[opener.token], 1), (state.tokens[closer.token], -1)):
            token.type = f"{tag}_{'open' if nesting == 1 else 'close'}"
            token.tag = tag
            token.nesting = nesting
            token.markup = token.content
            token.content = ""
        before = state.tokens[closer.token - 1]
        if before.type == "text" and before.content == chr(opener.marker):
            lone.append((closer.token - 1, f"{tag}_close"))
    # An odd run's lone marker goes after the closing tokens that follow it (as for `~~`).
    while lone:
        at, closing = lone.pop()
        after = at + 1
        while after < len(state.tokens) and state.tokens[after].type == closing:
            after += 1
        after -= 1
        if after != at:
            state.tokens[at], state.tokens[after] = state.tokens[after], state.tokens[at]


def pymdownx_plugin(md: MarkdownIt) -> None:
    """Add the rules above to `md`."""
    from mdit_py_plugins.subscript import sub_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    terminates = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before("fence", "pymdownx_block", _block, terminates)  # type: ignore[arg-type]
    md.inline.ruler.before("emphasis", "pymdownx", _inline_mark)
    md.inline.ruler2.before("emphasis", "pymdownx_marks", _paired_marks)
    md.use(sub_plugin)
    md.use(superscript_plugin)
