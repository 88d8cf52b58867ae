"""Callouts: GitHub alerts (`> [!NOTE]`), `:::note` containers, `!!! note` admonitions and
note-like Hugo shortcodes, each a labelled box of markdown of one of a few kinds.

markdown-it and its plugins give each its own tokens; `callout_of` reads any of them as
one Callout, so the renderer draws them alike and the loader treats them alike (their
lists are not initiatives: they are not top-level).
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it.token import Token

from reader.text.sanitize import one_line, strip_control

# The kinds drawn, each with its own colour (styles/reader.tcss): GitHub's five, and
# "details" for a collapsible block shown open. Other names map to the nearest.
KINDS = ("note", "tip", "important", "warning", "caution", "details")
_KIND_OF = {
    "note": "note", "info": "note", "information": "note", "notice": "note",
    "todo": "note", "abstract": "note", "summary": "note", "example": "note",
    "quote": "note", "seealso": "note", "question": "note", "primary": "note",
    "secondary": "note", "light": "note", "dark": "note", "aside": "note", "callout": "note",
    "tip": "tip", "hint": "tip", "success": "tip", "check": "tip", "done": "tip",
    "good": "tip",
    "important": "important", "key": "important",
    "warning": "warning", "warn": "warning", "attention": "warning",
    "caution": "caution", "danger": "caution", "error": "caution", "failure": "caution",
    "fail": "caution", "bug": "caution", "alert": "caution",
    "details": "details", "expand": "details", "collapse": "details",
    "spoiler": "details", "dropdown": "details",
}  # fmt: skip

# Shortcodes (Hugo) that hold markdown and are drawn as a callout. Those whose name is a
# kind take it; the others read theirs from an argument (`{{< notice warning >}}`,
# `{{% alert color="warning" %}}`), else are notes.
CALLOUT_SHORTCODES = frozenset(
    {*_KIND_OF, "notice", "alert", "callout", "admonition", "box", "panel", "message"}
)

# The token types that open and close a callout (markdown-it's alerts, mdit-py-plugins'
# admonitions and containers, and the shortcodes read in reader.markup.templates).
OPEN_TYPES = frozenset({"alert_open", "admonition_open", "container_callout_open", "callout_open"})
CLOSE_TYPES = frozenset(
    {"alert_close", "admonition_close", "container_callout_close", "callout_close"}
)
# Title tokens some of them emit: the label is read from the open token instead.
TITLE_TYPES = frozenset(
    {"alert_title_open", "alert_title_close", "admonition_title_open", "admonition_title_close"}
)


@dataclass(frozen=True, slots=True)
class Callout:
    kind: str  # one of KINDS, or "" for a container of another name (drawn plain)
    label: str  # what the box is headed with: its title, else its kind's name


def kind_of(name: str) -> str:
    """The kind a callout name stands for ("" when it is none of them)."""
    return _KIND_OF.get(name.strip().lower(), "")


def callout_of(token: Token) -> Callout | None:
    """The callout an opening token starts, or None when it is not one."""
    kind = token.type
    if kind == "alert_open":
        name = str(token.meta.get("kind") or token.info or "note")
        return Callout(kind_of(name) or "note", name.title())
    if kind == "admonition_open":
        name = str(token.meta.get("tag") or "note")
        return _named(name, token.content)
    if kind == "container_callout_open":
        return container_callout(token.info)
    if kind == "callout_open":
        return Callout(str(token.meta.get("kind", "note")), str(token.meta.get("label", "")))
    return None


def container_callout(info: str) -> Callout:
    """`:::tip[Title]`, `::: warning Custom title`, `:::note`: the kind and the label."""
    info = info.strip()
    name = info
    title = ""
    for position, char in enumerate(info):
        if char == "[" or char == "{" or char.isspace():
            name, rest = info[:position], info[position:].strip()
            if rest.startswith("[") and "]" in rest:
                title = rest[1 : rest.rindex("]")]
            elif not rest.startswith("{"):
                title = rest
            break
    return _named(name, title)


def _named(name: str, title: str) -> Callout:
    kind = kind_of(name)
    title = one_line(strip_control(title)).strip("\"'")
    if not kind:
        return Callout("", title)
    return Callout(kind, title or name.strip().title())
