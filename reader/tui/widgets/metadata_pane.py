"""The metadata pane: every field of the article's metadata block, plus file facts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from textual.content import Content, Span

from reader.links import check_link
from reader.model import Article, ListRow, flatten
from reader.tui.document import Block, styled
from reader.tui.format import (
    article_reading_minutes,
    display_path,
    format_metadata_format,
    human_size,
    humanise_key,
    plural,
    short_date,
)
from reader.tui.markdown_render import link_style
from reader.tui.widgets.document_view import DocumentView

KEY_WIDTH = 12
INDENT = 2


def value_content(value: Any) -> Content:
    """A metadata value as text; web URLs become terminal hyperlinks."""
    if value is None:
        return styled("—", "muted")
    if isinstance(value, bool):
        return Content("true" if value else "false")
    if isinstance(value, list):
        return Content(", ").join(value_content(item) for item in value)
    text = str(value)
    if not text:
        return styled("(empty)", "muted")
    target = check_link(text.strip()).target
    if target is not None:
        return Content(text, [Span(0, len(text), "link"), Span(0, len(text), link_style(target))])
    return Content(text)


# A date and time as ISO 8601 writes it, one word (`2024-01-15T10:30:45.123456+09:00`),
# and the joints it may wrap at: before the time, its fraction of a second and its zone.
# (Written with spaces, it wraps at those.)
_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:[.,]\d+)?(?:Z|[+-]\d\d(?::?\d\d)?)?", re.I
)
_TIMESTAMP_JOINTS = re.compile(r"(?=T)|(?=[.,])|(?=[+-]\d\d(?::?\d\d)?$)|(?=Z$)", re.I)


# A path's or a web address's joints: after a `/`, `-`, `_`, `&` or `=`, before a `.`, `?`
# or `#` (`www.lincs.police.example/` is wider than the pane at 80 columns).
_PATH_JOINTS = re.compile(r"(?<=[/\-_&=])|(?=[.?#])")


def _value_block(
    value: Content,
    prefix: Content,
    indent: Content,
    below: Content,
    joints: re.Pattern[str] | None = None,
) -> Block:
    """A value's block beside its key. A timestamp, or a path or address (`joints`; any
    one word with a `/`), wraps at its joints rather than a cell short of its end
    (`…:45.12345` over `6+09:00`, `…/changelogs/C` over `HANGELOG_ARCHIVE.md`); a part
    still wider than the pane is cut."""
    plain = value.plain
    if joints is None and not any(char.isspace() for char in plain):
        if _TIMESTAMP.fullmatch(plain):
            joints = _TIMESTAMP_JOINTS
        elif "/" in plain:
            joints = _PATH_JOINTS
    if joints is not None:
        offsets = [found.start() for found in joints.finditer(plain) if found.start() > 0]
        parts = tuple(part for part in value.divide(offsets) if part)
        return Block(
            Content(""), prefix, indent, kind="parts", cells=(parts,), overflow_indent=below
        )
    return Block(value, prefix=prefix, indent=indent, overflow_indent=below)


def _row(
    label: str, value: Content, depth: int, joints: re.Pattern[str] | None = None
) -> list[Block]:
    indent = " " * (INDENT * depth)
    blank = Content(indent + " " * KEY_WIDTH)
    # A value with a word too wide for its column goes below the key, across the pane.
    below = Content(indent + "  ")
    if len(label) < KEY_WIDTH:
        prefix = Content(indent) + styled(label.ljust(KEY_WIDTH), "key")
        return [_value_block(value, prefix, blank, below, joints)]
    # A long key gets a line of its own, the value below it.
    key = Block(styled(label, "key"), prefix=Content(indent), indent=below)
    return [key, _value_block(value, blank, blank, below, joints)]


def _group(title: str, depth: int, first: bool = False) -> Block:
    indent = Content(" " * (INDENT * depth))
    return Block(styled(title, "group"), prefix=indent, indent=indent, gap_before=0 if first else 1)


def _split_prefixed_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """`og:title` and `og:locale` keys become an `og` group, like a nested `og:` mapping."""
    result: dict[str, Any] = {}
    for key, value in mapping.items():
        head, colon, rest = str(key).partition(":")
        if colon and head and rest:
            group = result.setdefault(head, {})
            if isinstance(group, dict):
                group[rest] = value
                continue
        result[str(key)] = value
    return result


def _is_group(value: Any) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, list) and any(isinstance(item, Mapping) for item in value)
    )


def metadata_tree_blocks(mapping: Mapping[str, Any], depth: int) -> Iterable[Block]:
    """Leaves first, then each nested group indented one step further."""
    items = _split_prefixed_keys(mapping)
    for key, value in items.items():
        if not _is_group(value):
            yield from _row(humanise_key(key), value_content(value), depth)
    for key, value in items.items():
        if isinstance(value, Mapping):
            yield _group(humanise_key(key), depth)
            yield from metadata_tree_blocks(value, depth + 1)
        elif _is_group(value):
            for number, item in enumerate(value, start=1):
                yield _group(f"{humanise_key(key)} {number}", depth)
                if isinstance(item, Mapping):
                    yield from metadata_tree_blocks(item, depth + 1)
                else:
                    yield from _row("Value", value_content(item), depth + 1)


def duplicate_blocks(article: Article, group: Sequence[ListRow]) -> list[Block]:
    """*Also published as*: the other articles of `article`'s group of near-duplicates
    (reader.index.duplicates), original first."""
    others = [row for row in group if row.id != article.id]
    if not others:
        return []
    blocks = [_group(f"Also published as: {plural(len(others), 'article')}", 0)]
    original = group[0].id
    for row in others:
        details = [short_date(row.published)] if row.published else []
        if row.area:
            details.append(row.area)
        details.append(row.id)
        text = Content(row.title) + styled("  " + " · ".join(details), "muted")
        if row.id == original:
            text += styled("  (original)", "key")
        blocks.append(Block(text, prefix=Content("  • "), indent=Content("    ")))
    note = (
        "This is the original (the earliest dated); -is:duplicate lists only originals."
        if original == article.id
        else "This is a copy: is:duplicate lists copies, -is:duplicate hides them."
    )
    blocks.append(Block(styled(note, "muted"), prefix=Content("  "), indent=Content("  ")))
    return blocks


def metadata_blocks(article: Article, duplicates: Sequence[ListRow] = ()) -> list[Block]:
    blocks = [_group("Article", 0, first=True)]
    if article.published is not None:
        blocks += _row("Published", Content(short_date(article.published)), 1)
    if article.published_raw:
        blocks += _row("As written", Content(article.published_raw), 1)
    if article.area:
        blocks += _row("Area", Content(article.area), 1)
    if article.url:
        blocks += _row("URL", value_content(article.url), 1)
    blocks += _row("Words", Content(f"{article.word_count:,}"), 1)
    blocks += _row("Reading", Content(f"{article_reading_minutes(article)} min"), 1)
    blocks += _row("Initiatives", Content(f"{len(article.initiatives):,}"), 1)
    blocks += duplicate_blocks(article, duplicates)

    blocks.append(_group("File", 0))
    blocks += _row("Path", Content(display_path(article.path)), 1, _PATH_JOINTS)
    blocks += _row("Size", Content(human_size(article.size)), 1)
    blocks += _row("Metadata", Content(format_metadata_format(article.metadata_format)), 1)

    if article.warnings:
        blocks.append(_group(f"Warnings ({len(article.warnings)})", 0))
        bullet = Content("  ") + styled("⚠ ", "warning")
        for warning in article.warnings:
            blocks.append(Block(Content(warning), prefix=bullet, indent=Content("    ")))

    blocks.append(_group("Metadata fields", 0))
    if article.metadata:
        blocks.extend(metadata_tree_blocks(article.metadata, 1))
    else:
        blocks.append(
            Block(
                styled("No metadata block in this file.", "muted"),
                prefix=Content("  "),
                indent=Content("  "),
            )
        )
    return blocks


class MetadataPane(DocumentView):
    """Every metadata field of the article in the panel."""

    BINDING_GROUP_TITLE = "Metadata"

    article: Article | None = None
    # The article's group of near-duplicates, original first (filled in by a worker).
    duplicates: Sequence[ListRow] = ()

    def show_article(self, article: Article | None) -> None:
        self.article = article
        self.duplicates = ()
        if article is None:
            self.set_blocks([Block(styled("No article selected", "muted"))])
        else:
            self.set_blocks(metadata_blocks(article))
        self.border_subtitle = plural(_count_fields(article), "field") if article else ""

    def show_duplicates(self, group: Sequence[ListRow]) -> None:
        """Add *also published as* for the article shown (`group`: its near-duplicates,
        itself included, original first), keeping the place scrolled to."""
        if self.article is None or list(group) == list(self.duplicates):
            return
        self.duplicates = group
        self.set_blocks(metadata_blocks(self.article, group), keep_scroll=True)


def _count_fields(article: Article) -> int:
    return sum(1 for _ in flatten(article.metadata))
