"""Find the article files under a folder."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.loading.walk import FolderTrouble, ListedFile, file_root_id, folder_listings
from reader.model import LoadProblem
from reader.text.names import escape_name

# Text files of other kinds, counted when a folder has no articles, to say why it is empty.
OTHER_TEXT_SUFFIXES = frozenset(
    {".rst", ".adoc", ".asciidoc", ".org", ".html", ".htm", ".xhtml", ".textile", ".tex",
     ".wiki", ".mediawiki", ".pod", ".rdoc", ".creole", ".rtf", ".mkd", ".mdown", ".mkdn"}
)  # fmt: skip
# Entries looked at when counting them, at most: the count is made on the UI thread.
_COUNT_ENTRIES = 20_000


def is_mdx(path: str | os.PathLike[str]) -> bool:
    """Whether a file is MDX (markdown with imports and JSX components), read as such."""
    return os.fspath(path).lower().endswith(".mdx")


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
    """Article files under `root` (or `root` itself when it is a file), in a stable order:
    see reader.loading.walk.listed_folders. A folder that cannot be listed is added to
    `problems`; the path of every symlink met (to a file or a folder) to `links`."""
    if not root.is_dir():
        yield FoundFile(str(root), file_root_id(root), None)
        return
    for listing in folder_listings_with_problems(root, problems, links):
        for entry, file_id in listing:
            yield FoundFile(entry.path, file_id, entry)


def folder_listings_with_problems(
    root: Path, problems: list[LoadProblem] | None, links: list[str] | None = None
) -> Iterator[list[ListedFile]]:
    """reader.loading.walk.folder_listings of the folder `root`, each folder it could not
    list added to `problems` as a LoadProblem by the time the next listing comes (or the
    walk ends)."""
    troubles: list[FolderTrouble] = []
    for listing in folder_listings(root, troubles, links):
        if problems is not None:
            problems += listing_problems(troubles)
        troubles.clear()
        yield listing
    if problems is not None:
        problems += listing_problems(troubles)


def listing_problems(troubles: list[FolderTrouble]) -> list[LoadProblem]:
    """The folders a walk could not list (folder_listings' `problems`), as problems."""
    return [LoadProblem(Path(path), message) for path, message in troubles]


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
