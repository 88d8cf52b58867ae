"""A folder's own ignore files (`.gitignore`, `.ignore`) leave files out of the walk as
git leaves them out (reader.loading.ignore): a site's node_modules/, _site/, public/ and
vendor/ are not articles."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from reader.loading import ignore, walk
from reader.loading.discover import find_files
from reader.loading.ignore import ignored_at

sync_module = importlib.import_module("reader.index.sync")


def tree(root: Path, files: list[str], ignore_files: dict[str, str]) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {name}\n\nText.\n")
    for name, text in ignore_files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def walked(root: Path) -> list[str]:
    return sorted(found.id for found in find_files(root))


SITE_FILES = [
    "README.md",
    "src/content/blog/first-post.md",
    "src/content/blog/notes.txt",
    "node_modules/astro/README.md",
    "node_modules/astro/CHANGELOG.md",
    "node_modules/@types/node/docs/index.md",
    "_site/index.md",
    "public/feed.md",
    "content/public/page.md",
    "vendor/bundle/ruby/gems/jekyll/README.markdown",
    "drafts/secret.md",
    "drafts/keep.md",
    "debug.log.md",
    "docs/a/b/draft.md",
    "docs/draft.md",
    "docs/guide.md",
    "docs/sub/local.md",
    "docs/sub/other.md",
    "theme/exampleSite/content/post.md",
    "build/keep.md",
    "misc/readme.txt",
]
SITE_IGNORES = {
    ".gitignore": (
        "# built and fetched\nnode_modules/\n/_site\n/public/\nvendor\n"
        "drafts/*\n!drafts/keep.md\n*.log.md\ndocs/**/draft.md\n"
        # A file under a folder left out cannot be taken back.
        "build/\n!build/keep.md\n*.txt\n"
    ),
    "docs/sub/.gitignore": "local.md\n",
    # A deeper folder's rules come first: the root's `*.txt` does not leave this out.
    "src/content/blog/.gitignore": "!notes.txt\n",
    "theme/.ignore": "exampleSite/\n",
}


def test_a_site_folder_is_walked_as_git_sees_it(tmp_path: Path) -> None:
    """What the walk finds is what `git` would add (its untracked files not ignored), for
    patterns of every kind: a folder anywhere, anchored, a trailing slash, `*`, `**`, a
    `!` taking a file back, a deeper folder's own rules, and an `.ignore`."""
    root = tree(tmp_path / "site", SITE_FILES, SITE_IGNORES)
    expected = [
        "README.md",
        "content/public/page.md",  # `/public/` is anchored to the root
        "docs/guide.md",
        "docs/sub/other.md",
        "drafts/keep.md",
        "src/content/blog/first-post.md",
        "src/content/blog/notes.txt",
        "theme/exampleSite/content/post.md",
    ]
    # .ignore is ripgrep's, not git's: git alone keeps exampleSite.
    assert shutil.which("git"), "git (which cloned this repository) is needed"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert sorted(name for name in listed if not name.endswith("ignore")) == expected
    expected.remove("theme/exampleSite/content/post.md")
    assert walked(root) == expected


def test_no_ignore_reads_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path / "site", SITE_FILES, SITE_IGNORES)
    monkeypatch.setenv("READER_NO_IGNORE", "1")
    assert walked(root) == sorted(SITE_FILES)
    monkeypatch.setenv("READER_NO_IGNORE", "0")
    assert "node_modules/astro/README.md" not in walked(root)


def test_each_part_of_a_walk_in_helpers_leaves_out_the_same(tmp_path: Path) -> None:
    """The walk `reader search` makes in helper processes, a part each, finds what one
    walk finds: the root's rules reach every part."""
    root = tree(tmp_path / "site", SITE_FILES, SITE_IGNORES)
    parts = 3
    listing: walk.RootListing = []
    found: dict[str, object] = {}
    for number in range(parts):
        found |= walk.stat_files(root, [], part=(number, parts), root_listing=listing)
    assert sorted(found) == walked(root)
    assert sorted(walk.stat_files(root, [])) == walked(root)


def test_file_events_under_a_left_out_folder_need_no_scan(tmp_path: Path) -> None:
    """Files written under node_modules/ while the reader watches (`npm install`) are
    no articles: the events name nothing to read and ask for no walk of the folder; a
    file of the site written meanwhile is read."""
    root = tree(tmp_path / "site", SITE_FILES, SITE_IGNORES)
    (root / "node_modules" / "left-pad").mkdir()
    new_files = [root / "node_modules" / "left-pad" / "README.md", root / "_site" / "new.md"]
    for path in new_files:
        path.write_text("# New\n")
    post = root / "src" / "content" / "blog" / "second.md"
    post.write_text("# Second\n")
    paths = [str(path) for path in new_files] + [str(root / "node_modules" / "left-pad"), str(post)]
    states = sync_module.scan_paths(root, paths, lambda _prefix: False)
    assert states is not None and list(states) == ["src/content/blog/second.md"]
    assert ignored_at(str(root), "docs/sub/local.md", False)
    assert not ignored_at(str(root), "docs/sub/other.md", False)
    assert ignored_at(str(root), "drafts/secret.md", False)
    assert not ignored_at(str(root), "drafts/keep.md", False)


def test_hostile_ignore_files_cost_little(tmp_path: Path) -> None:
    """An ignore file is untrusted input: a huge one is read up to its limit (bytes and
    patterns), a pattern of many stars (each a loop of its expression) is skipped, lines
    that are no pattern are passed over, and the walk stays quick."""
    long_name = "a" * 200 + ".md"
    root = tree(tmp_path / "site", ["kept.md", long_name, "x.md", "y.md", "z.md"], {})
    lines = ["*a" * 40 + "*b", "!", "\\", "[[", "\xff", "a" * 10_000, "x.md"]
    lines += [f"nothing-{number}.md" for number in range(ignore.IGNORE_FILE_PATTERNS)]
    lines += ["y.md", "#" * ignore.IGNORE_FILE_BYTES, "z.md", "kept.md"]
    (root / ".gitignore").write_text("\n".join(lines))
    began = time.process_time()
    # y.md is past the patterns read, z.md and kept.md past the bytes.
    assert walked(root) == sorted(["kept.md", long_name, "y.md", "z.md"])
    assert time.process_time() - began < 1.5
