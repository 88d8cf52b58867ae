"""Turn one file into an Article, or a LoadProblem saying why it cannot be one."""

from __future__ import annotations

import codecs
import contextlib
import errno
import functools
import io
import os
import re
import stat
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.limits import MAX_FILE_BYTES, MAX_TITLE_CHARS
from reader.loading.body import body_text, scan_body
from reader.loading.dates import date_from_filename, date_from_path, parse_date
from reader.loading.discover import is_mdx
from reader.loading.metadata import path_index, read_block, text_of
from reader.loading.split import split_metadata
from reader.loading.walk import file_root_id
from reader.markdown import inline_text, parse_inline
from reader.model import Article, LoadProblem
from reader.text.chars import CharTable, non_ascii, replace_each
from reader.text.names import escape_name
from reader.text.sanitize import (
    normalise_newlines,
    one_line,
    strip_control,
    utf8_may_hold_control,
)
from reader.text.tokens import HAN_AND_KANA_LETTERS

# Where each field is looked for, first match wins. Paths are dotted and match nested
# (`og: {title: }`) and flat (`og:title:`) keys alike, case-insensitively.
DATE_KEYS = (
    "publish.date",
    "date",
    "published",
    "pubdate",
    "pub_date",
    "published_at",
    "publish_date",
    "publishdate",  # Hugo's publishDate (keys are matched case-insensitively)
    "article.published_time",
    "og.article.published_time",
)
AREA_KEYS = ("area", "category", "categories", "taxonomies.categories", "section")
URL_KEYS = ("url", "og.url", "link", "permalink", "canonical")
DESCRIPTION_KEYS = ("description", "og.description", "summary", "excerpt")
IMAGE_KEYS = ("image", "og.image")
LOCALE_KEYS = ("locale", "og.locale", "lang", "language")
KIND_KEYS = ("og.type", "type")
# Values that are paths holding a date (Zola's `path = "2022/01/13/slug"`, permalinks).
PATH_DATE_KEYS = ("path", "slug", "permalink", "url", "canonical")
# A title for an index page (Hugo's linkTitle is a short title for any page).
LINK_TITLE_KEYS = ("linktitle",)
INDEX_TITLE_KEYS = ("display_name", "name")
# Files that stand for their folder: without a title, the folder's name is theirs.
INDEX_STEMS = frozenset({"index", "_index", "readme"})
# Written where a value is wanted and meaning "none": never a URL.
_NO_VALUE = frozenset({"", "false", "true", "null", "none", "nil", "~"})
# A title holding markup (`` `feature = "x"` ``, `<em>and</em>`) is shown as its text.
_TITLE_MARKUP = re.compile(r"`|<[A-Za-z/!]")

# A word is a run of non-space characters with a letter or digit in it, so markdown's
# `*` bullets, `#` headings and `---` rules are not counted.
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
# What may stand between an og:title and a site name: "Title | Northamptonshire Police".
# A dash needs a space before it, so "E" is not taken for the og:title of "E-scooters".
# A colon is not one: "Budget: what changes" is a title with a subtitle.
_SITE_SUFFIX = re.compile(r"(?:\s*[|·•»]|\s+[-–—])\s*\S.*")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def article_id(path: Path, root: Path) -> str:
    """The stable id of a file: its path relative to the opened root, with `/` (odd bytes
    and control characters in names escaped, as find_files gives it)."""
    if root.is_dir():
        return escape_name(Path(os.path.relpath(path, root)).as_posix())
    return file_root_id(path)


def load_article(path: Path, root: Path, file_id: str | None = None) -> Article | LoadProblem:
    """Read and parse one file. Never raises: every failure is a LoadProblem.

    `file_id` saves working out the id again when the caller has it (see find_files).
    The Article's (or LoadProblem's) path is for showing: a name with bytes that are not
    UTF-8 or with control characters has them escaped there, and a warning says so.
    """
    written = os.fspath(path)
    escaped = escape_name(written)
    shown = path if escaped == written else Path(escaped)  # (a Path less an article)
    try:
        return _load(path, shown, root, file_id)
    except Exception as error:  # a file must never stop the others loading
        detail = one_line(str(error))[:200]
        message = f"unexpected error while loading: {type(error).__name__} {detail}"
        return LoadProblem(shown, message)


def _load(path: Path, shown: Path, root: Path, file_id: str | None) -> Article | LoadProblem:
    try:
        info = os.stat(path)
        refused = _refused(info)
        if refused is not None:
            return LoadProblem(shown, refused)
        # Opened so that nothing can block: a FIFO put in the file's place since the
        # stat would block open() until a writer came, and a read of some kernel files
        # (/proc/kmsg) until the kernel has something to say. What was opened is what
        # is checked, and read.
        descriptor = os.open(path, _OPEN_FLAGS)
        with open(descriptor, "rb", buffering=0) as handle:
            info = os.fstat(descriptor)
            refused = _refused(info)
            if refused is not None:
                return LoadProblem(shown, refused)
            # Ask for what stat says is there: read(16 MB) would allocate 16 MB first,
            # which costs more than parsing a typical article.
            data = _read(handle, info.st_size + 1)
            if len(data) > info.st_size:  # it grew since the stat: read on, to the limit
                data += _read(handle, MAX_FILE_BYTES + 1 - len(data))
    except OSError as error:
        return LoadProblem(shown, f"cannot read: {error.strerror or type(error).__name__}")
    if len(data) > MAX_FILE_BYTES:
        return LoadProblem(shown, _too_big(len(data)))
    decoded = decode(data)
    if isinstance(decoded, str):
        return LoadProblem(shown, decoded)
    text, warnings = decoded
    file_id = file_id if file_id is not None else article_id(path, root)
    if shown != path:
        warnings.insert(
            0,
            f"the path has bytes that are not UTF-8 or control characters; shown escaped: {shown}",
        )
    return parse_article(
        text,
        path=shown,
        article_id=file_id,
        warnings=warnings,
        size=len(data),
        mtime_ns=info.st_mtime_ns,
    )


# (Not every system has every flag: Windows has none of the last three.)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)
for _flag in ("O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC"):
    _OPEN_FLAGS |= getattr(os, _flag, 0)


def _read(handle: io.FileIO, size: int) -> bytes:
    """Up to `size` bytes, or fewer at the end of the file."""
    parts: list[bytes] = []
    while size > 0:
        part = handle.read(size)
        if part is None:  # nothing to read yet: only a file that is no file does that
            raise BlockingIOError(errno.EAGAIN, "it would wait for data, as no file does")
        if not part:
            break
        parts.append(part)
        size -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


# File systems whose files are the kernel's, not articles: a read of one may block for
# ever (/proc/kmsg), take what another program waits for, or show the machine's secrets.
_KERNEL_FILE_SYSTEMS = frozenset(
    {
        "proc", "sysfs", "debugfs", "tracefs", "securityfs", "configfs", "cgroup",
        "cgroup2", "pstore", "bpf", "efivarfs", "binfmt_misc", "fusectl", "devtmpfs",
    }
)  # fmt: skip


@functools.cache
def _kernel_devices() -> dict[int, str]:
    """The device number (st_dev) of every mounted kernel file system, with its type."""
    devices: dict[int, str] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                fields, _, kind = line.partition(" - ")
                kind = kind.split(" ", 1)[0]
                if kind in _KERNEL_FILE_SYSTEMS:
                    major, minor = fields.split()[2].split(":")
                    devices[os.makedev(int(major), int(minor))] = kind
    except (OSError, ValueError, IndexError):
        pass  # not Linux, or no /proc: at least the usual places
    for folder, kind in (("/proc", "proc"), ("/sys", "sysfs")):
        with contextlib.suppress(OSError):
            devices.setdefault(os.stat(folder).st_dev, kind)
    return devices


def _refused(info: os.stat_result) -> str | None:
    """Why a file with this stat is not read at all, or None."""
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    kind = _kernel_devices().get(info.st_dev)
    if kind is not None:
        return f"not a regular file: one of the kernel's ({kind} file system), not read"
    if info.st_size > MAX_FILE_BYTES:
        return _too_big(info.st_size)
    return None


def _too_big(size: int) -> str:
    return f"file is {size / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB limit"


def decode(data: bytes) -> tuple[str, list[str]] | str:
    """Bytes to normalised text and warnings, or the reason the bytes are not text."""
    warnings: list[str] = []
    encoding, bom_size = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, bom_size = name, len(bom)
            break
    if encoding == "utf-8" and b"\x00" in data:
        return "binary file (contains NUL bytes), not an article"
    body = data[bom_size:]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        text = body.decode(encoding, errors="replace")
        warnings.append(
            f"not valid {encoding.upper()} (first bad byte at offset "
            f"{bom_size + error.start:,}); bad bytes shown as \ufffd"
        )
    if "\x00" in text:
        return f"binary file (NUL characters after a {encoding} byte order mark)"
    if encoding == "utf-8" and not utf8_may_hold_control(body):
        return normalise_newlines(text), warnings  # (a sixth of the time of looking)
    return strip_control(normalise_newlines(text)), warnings


def parse_article(
    text: str,
    *,
    path: Path,
    article_id: str,
    warnings: list[str] | None = None,
    size: int = 0,
    mtime_ns: int = 0,
) -> Article:
    """Build an Article from decoded, normalised text."""
    warnings = list(warnings or ())
    split = split_metadata(text)
    if split.warning:
        warnings.append(split.warning)
    metadata: dict[str, Any] = {}
    body = split.body
    if split.block is not None:
        metadata, block_warnings, is_mapping = read_block(
            split.block, split.format, split.block_line
        )
        warnings.extend(block_warnings)
        if split.format == "yaml" and not is_mapping and split.block.strip():
            # `---` also opens plain markdown (a rule, then text): when what follows is not
            # metadata, keep it in the body instead of losing it.
            body = "\n".join(text.split("\n")[split.block_line - 2 :])
            warnings.append("the `---` block is not metadata; shown as part of the body")
    # The first heading is only needed as a title fallback; finding it costs a full parse.
    paths = path_index(metadata)
    has_title = _first(paths, ("title", "og.title")) is not None
    mdx = is_mdx(path)
    facts = scan_body(body, need_heading=not has_title, mdx=mdx)
    if facts.warning:
        warnings.append(facts.warning)

    title = _title(paths, facts.first_heading, path, article_id, warnings)
    published, published_raw = _published(paths, path, article_id, warnings)
    return Article(
        id=article_id,
        path=path,
        title=title,
        url=_url(paths),
        area=_area(paths),
        published=published,
        description=_first(paths, DESCRIPTION_KEYS),
        image=_first(paths, IMAGE_KEYS),
        locale=_first(paths, LOCALE_KEYS),
        kind=_first(paths, KIND_KEYS),
        metadata=metadata,
        body=body,
        initiatives=facts.initiatives,
        word_count=count_words(body_text(body, mdx=mdx)),
        warnings=tuple(warnings),
        metadata_format=split.format if split.block is not None else "none",
        published_raw=published_raw,
        size=size,
        mtime_ns=mtime_ns,
    )


# Texts longer than this are counted a slice at a time: split() on a 16 MB body builds
# a list of millions of words, ~200 MB, where a slice's list is a few MB.
_COUNT_SLICE = 1 << 20
_WHITESPACE = re.compile(r"\s")


def count_words(text: str) -> int:
    if len(text) <= _COUNT_SLICE:
        return _count_words(text)
    total = 0
    start = 0
    while start < len(text):
        space = _WHITESPACE.search(text, start + _COUNT_SLICE)  # cut between words
        end = space.start() if space is not None else len(text)
        total += _count_words(text[start:end])
        start = end
    return total


def _count_words(text: str) -> int:
    # Each character as the count sees it: a letter or digit becomes "a", whitespace (what
    # str.split() splits at) " ", anything else nothing. A word with a letter or digit in
    # it is then a run of "a"s, and one without is gone: counted in C, in a few passes.
    if not text.isascii():
        if len(text.encode("utf-8", "surrogatepass")) > 2 * len(text):
            # Mostly not ASCII (Chinese, Japanese: hundreds of distinct characters): one
            # lookup a character, in a table kept from one text to the next, costs less
            # than finding the distinct ones and replacing each (a Japanese page, 406
            # characters: about 40 us against 150-170). One character a class (a Han or
            # Kana letter "h", a word by itself) is half again quicker than " a ".
            classes = _WORD_CLASS_CHARS.translate(text)
            return (
                classes.count("h")
                + classes.count(" a")
                + classes.count("ha")
                + classes.startswith("a")
            )
        text = replace_each(text, {char: _WORD_CLASSES[char] for char in non_ascii(text)})
    ascii_classes = text.encode("ascii").translate(_ASCII_WORD_CLASSES, _ASCII_NOT_IN_WORDS)
    return ascii_classes.count(b" a") + ascii_classes.startswith(b"a")


def count_han_and_kana(text: str) -> int:
    """How many of count_words' words in `text` are Han or Kana characters (each counts as
    a word; such text is read in characters, not words)."""
    if text.isascii():
        return 0
    return _WORD_CLASS_CHARS.translate(text).count("h")


def _word_class(char: str) -> str:
    if _LETTER_OR_DIGIT.match(char):
        # Chinese and Japanese put no space between words: each Han or Kana character
        # counts as a word, as word processors count them (Korean spaces its words).
        return " a " if _HAN_OR_KANA.match(char) else "a"
    return " " if char.isspace() else ""


_HAN_OR_KANA = re.compile(f"[{HAN_AND_KANA_LETTERS}]")


# _word_class of each character, and the same as one character ("h" for " a ").
_WORD_CLASSES = CharTable(_word_class)
_WORD_CLASS_CHARS = CharTable(lambda char: _word_class(char).replace(" a ", "h"))
_ASCII_WORD_CLASSES = bytes(ord(_word_class(chr(code)) or "x") for code in range(256))
_ASCII_NOT_IN_WORDS = bytes(code for code in range(128) if not _word_class(chr(code)))


def _first(paths: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of `keys` (folded dotted paths) with a non-empty value, as one line."""
    for key in keys:
        text = text_of(paths.get(key))
        if text:
            return text
    return None


def _area(paths: Mapping[str, Any]) -> str | None:
    """The first of AREA_KEYS naming an area: a number is none (npm's pages say
    `section: 1`, the manual's section, which made `1` the area of 74 of them)."""
    for key in AREA_KEYS:
        value = paths.get(key)
        first = (
            next((item for item in value if item not in (None, "")), None)
            if isinstance(value, list)
            else value
        )
        if isinstance(first, int | float):  # (bool is an int: `category: true` is none)
            continue
        text = text_of(value)
        if text:
            return text
    return None


def _url(paths: Mapping[str, Any]) -> str | None:
    """The first URL key holding an address: `permalink: false` and empty values are not."""
    for key in URL_KEYS:
        value = paths.get(key)
        if isinstance(value, bool):
            continue
        text = text_of(value)
        # Nor is a pattern of one (Jekyll's `permalink: /:categories/:title/`).
        if text and text.lower() not in _NO_VALUE and "/:" not in text:
            return text
    return None


def _title(
    paths: Mapping[str, Any],
    heading: str | None,
    path: Path,
    article_id: str,
    warnings: list[str],
) -> str:
    title = text_of(paths.get("title"))
    og_title = text_of(paths.get("og.title"))
    # "<og:title> | Site Name": the og:title is the article's own, cleaner title.
    if (
        title
        and og_title
        and title.startswith(og_title)
        and _SITE_SUFFIX.fullmatch(title[len(og_title) :])
    ):
        title = og_title
    is_index = path.stem.lower() in INDEX_STEMS
    title = (
        title
        or og_title
        or _first(paths, LINK_TITLE_KEYS)
        or (_first(paths, INDEX_TITLE_KEYS) if is_index else None)
    )
    if title and _TITLE_MARKUP.search(title):
        title = one_line(strip_control(inline_text(parse_inline(title)))) or title
    title = title or heading
    if not title and is_index:
        folder = _folder_name(path, article_id)
        if folder:
            title = folder
            warnings.append("no title in the metadata or a # heading; using the folder's name")
    if not title:
        title = one_line(re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem).replace("_", " "))
        title = title or path.name
        warnings.append("no title in the metadata or a # heading; using the file name")
    if len(title) > MAX_TITLE_CHARS:
        warnings.append(f"title is {len(title):,} characters; cut to {MAX_TITLE_CHARS}")
        title = title[: MAX_TITLE_CHARS - 1] + "…"
    return title


def _folder_name(path: Path, article_id: str) -> str:
    """The name of an index file's folder, as a title (a date prefix dropped)."""
    parent = article_id.rpartition("/")[0].rpartition("/")[2] or path.parent.name
    return one_line(re.sub(r"^\d{4}-\d{2}-\d{2}-", "", parent).replace("_", " "))


def _published(
    paths: Mapping[str, Any], path: Path, article_id: str, warnings: list[str]
) -> tuple[datetime | None, str | None]:
    for key in DATE_KEYS:
        raw = text_of(paths.get(key))
        if raw is None:
            continue
        published = parse_date(raw)
        if published is not None:
            return published, raw
        shown = raw if len(raw) <= 60 else raw[:59] + "…"
        warnings.append(f"date {shown!r} in '{key}' is not a date I can read")
        return _date_from_paths(paths, path, article_id), raw
    return _date_from_paths(paths, path, article_id), None


def _date_from_paths(paths: Mapping[str, Any], path: Path, article_id: str) -> datetime | None:
    """A date the file's name, a path in its metadata or its folders hold, in that order."""
    found = date_from_filename(path.name)
    if found is not None:
        return found
    for key in PATH_DATE_KEYS:
        value = paths.get(key)
        text = text_of(value) if isinstance(value, str) else None
        if text:
            found = date_from_path(text.split("://", 1)[-1])
            if found is not None:
                return found
    return date_from_path(article_id)
