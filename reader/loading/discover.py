"""Find the article files under a folder."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from reader.model import LoadProblem
from reader.text.sanitize import escape_name, unsafe_name

ARTICLE_SUFFIXES = frozenset({".md", ".markdown", ".mdx", ".txt"})
# Text files of other kinds, counted when a folder has no articles, to say why it is empty.
OTHER_TEXT_SUFFIXES = frozenset(
    {".rst", ".adoc", ".asciidoc", ".org", ".html", ".htm", ".xhtml", ".textile", ".tex",
     ".wiki", ".mediawiki", ".pod", ".rdoc", ".creole", ".rtf", ".mkd", ".mdown", ".mkdn"}
)  # fmt: skip
# Entries looked at when counting them, at most: the count is made on the UI thread.
_COUNT_ENTRIES = 20_000


_SUFFIX_TUPLE = tuple(ARTICLE_SUFFIXES)
_name = attrgetter("name")


def is_mdx(path: str | os.PathLike[str]) -> bool:
    """Whether a file is MDX (markdown with imports and JSX components), read as such."""
    return os.fspath(path).lower().endswith(".mdx")


def is_article_name(name: str) -> bool:
    # endswith on a tuple: this runs once per file on every open, so it is kept cheap.
    return not name.startswith(".") and name.lower().endswith(_SUFFIX_TUPLE)


@dataclass(frozen=True, slots=True)
class FoundFile:
    """An article file found under a root: its path, its id (the path relative to the
    root, `/`-separated, odd bytes and control characters escaped: see escape_name), and
    the directory entry, whose stat() is cached."""

    path: str
    id: str
    entry: os.DirEntry[str] | None


def find_files(
    root: Path, problems: list[LoadProblem] | None = None, links: list[str] | None = None
) -> Iterator[FoundFile]:
    """Article files under `root` (or `root` itself when it is a file), in a stable order.

    Recursive, sorted by name at each level (files before subfolders); hidden files and
    folders are skipped; symlinks are followed but each real folder is entered once, so
    a link loop ends. A folder that cannot be listed is added to `problems`; the path of
    every symlink met (to a file or a folder) to `links`.
    """
    if not root.is_dir():
        yield FoundFile(str(root), escape_name(root.name), None)  # as article_id has it
        return
    for listing in folder_listings(root, problems, links):
        for entry, file_id in listing:
            yield FoundFile(entry.path, file_id, entry)


# An article file's directory entry (its stat() is cached) and id.
ListedFile = tuple[os.DirEntry[str], str]


def folder_listings(
    root: Path,
    problems: list[LoadProblem] | None = None,
    links: list[str] | None = None,
    *,
    part: tuple[int, int] = (0, 1),
    entered: list[tuple[int, int]] | None = None,
    shares: list[list[str]] | None = None,
) -> Iterator[list[ListedFile]]:
    """find_files of the folder `root`, a folder at a time: the article files of each,
    in the same order (a walk that stats 100,000 files makes no FoundFile for each).

    `part` (k, n) walks the k-th of n parts: the root's subfolders are shared out in n
    runs, in order, and the first part has the root's own files, links and trouble too;
    the n parts one after the other are the whole walk, as long as no folder is entered
    by two of them (through a link: `entered` gets the (device, inode) of each folder
    entered, to check). `shares` gets the n runs, each as its folders' id prefixes
    (`name/`), once the root is listed."""
    number, parts = part
    seen: set[tuple[int, int]] = set()
    stack = [(str(root), "")]
    at_root = True
    while stack:
        folder, prefix = stack.pop()
        # The root's files, links and trouble are the first part's.
        mine = number == 0 or not at_root
        try:
            info = os.stat(folder)
            identity = (info.st_dev, info.st_ino)
            if identity in seen:
                continue
            seen.add(identity)
            if entered is not None and mine:  # (every part enters the root)
                entered.append(identity)
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=_name)
        except OSError as error:
            # Unreadable, gone since it was listed, or deeper than the system's path limit.
            if problems is not None and mine:
                reason = error.strerror or type(error).__name__
                shown = Path(escape_name(folder))
                problems.append(LoadProblem(shown, f"cannot list folder: {reason}"))
            continue
        subfolders: list[tuple[str, str]] = []
        files: list[ListedFile] = []
        names = [entry.name for entry in entries]
        # One look at all the names: escape_name of each (100,000 calls) only when some
        # name needs it.
        escaped = map(escape_name, names) if unsafe_name("/".join(names)) else names
        for entry, name, id_name in zip(entries, names, escaped, strict=True):
            if name.startswith("."):
                continue
            if links is not None and mine and entry.is_symlink():
                links.append(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                # A link loop, say: an article-named one is listed so loading reports it.
                is_dir = False
            if is_dir:
                subfolders.append((entry.path, f"{prefix}{id_name}/"))
            elif is_article_name(name):
                files.append((entry, prefix + id_name))
        if at_root:
            at_root = False
            count = len(subfolders)
            runs = [subfolders[count * k // parts : count * (k + 1) // parts] for k in range(parts)]
            if shares is not None:
                shares[:] = [[prefix for _path, prefix in run] for run in runs]
            subfolders = runs[number]
            if not mine:
                files = []
        yield files
        stack.extend(reversed(subfolders))


def file_at(root: Path, path: str) -> FoundFile | None:
    """`path` (a file or folder, existing or not) under the folder `root` with the id
    `find_files` would give it. None when it would not be found under that name: outside
    the folder, hidden, or reached through a linked folder (whose files find_files may
    list under another id), so only a whole scan can tell."""
    try:
        relative = os.path.relpath(path, root)
    except ValueError:  # another drive
        return None
    parts = relative.split(os.sep)
    if parts[0] in (os.pardir, os.curdir) or not root.is_dir():
        return None
    if any(part.startswith(".") for part in parts):
        return None
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.realpath(folder) != os.path.join(os.path.realpath(root), *parts[:-1]):
        return None
    return FoundFile(path, "/".join(escape_name(part) for part in parts), None)


def discover(root: Path, problems: list[LoadProblem] | None = None) -> Iterator[Path]:
    """The paths `find_files` finds."""
    for found in find_files(root, problems):
        yield Path(found.path)


def skipped_text_files(root: Path) -> tuple[Counter[str], bool]:
    """Text files under `root` that are not articles, by suffix (`.rst`, `.html`…), and
    whether the count stopped early (after _COUNT_ENTRIES entries)."""
    counts: Counter[str] = Counter()
    seen = 0
    for _folder, _subfolders, names in os.walk(root):
        _subfolders[:] = [name for name in _subfolders if not name.startswith(".")]
        for name in names:
            seen += 1
            if seen > _COUNT_ENTRIES:
                return counts, True
            suffix = os.path.splitext(name)[1].lower()
            if suffix in OTHER_TEXT_SUFFIXES and not name.startswith("."):
                counts[suffix] += 1
    return counts, False


def no_articles_message(root: Path, shown_root: str) -> str:
    """What to say about a folder in which nothing loaded: where the reader looked, and
    the other text files it skipped (*420 .rst files were skipped*)."""
    message = (
        f"No articles in {shown_root}: the reader looks for .md, .markdown, .mdx and .txt "
        "files in the folder and its subfolders."
    )
    if not root.is_dir():
        return message
    counts, partial = skipped_text_files(root)
    if not counts:
        return message
    parts = [
        f"{count:,} {suffix} file{'s' if count != 1 else ''}"
        for suffix, count in counts.most_common(3)
    ]
    others = sum(counts.values()) - sum(count for _suffix, count in counts.most_common(3))
    if others:
        parts.append(f"{others:,} other text file{'s' if others != 1 else ''}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "was" if sum(counts.values()) == 1 else "were"
    at_least = "at least " if partial else ""
    return f"0 articles; {at_least}{listed} {verb} skipped. {message}"
