"""discover: which files under a root are articles, in what order, and that it always ends."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from reader.loading.discover import discover, file_at, find_files
from reader.model import LoadProblem


def relative(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# x\n")


def test_suffixes_hidden_entries_and_order(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "b.md", "a.txt", "C.MARKDOWN", "d.Md", "notes.rst", "image.png", "README",
        ".hidden.md", ".git/config.md", "z/.cache/x.md", "z/inner.md", "sub/b.md", "sub/a.md",
        "sub/deeper/c.md", "_drafts/draft.md",
    )  # fmt: skip
    found = relative(list(discover(tmp_path)), tmp_path)
    # Files of a folder (by name) before its subfolders (by name), depth first.
    assert found == [
        "C.MARKDOWN",
        "a.txt",
        "b.md",
        "d.Md",
        "_drafts/draft.md",
        "sub/a.md",
        "sub/b.md",
        "sub/deeper/c.md",
        "z/inner.md",
    ]


def test_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    touch(first, "b/2.md", "a.md", "b/1.md", "c.md")
    touch(second, "c.md", "b/1.md", "a.md", "b/2.md")
    assert relative(list(discover(first)), first) == relative(list(discover(second)), second)


def test_a_single_file_is_its_own_root(tmp_path: Path) -> None:
    touch(tmp_path, "only.txt")
    assert list(discover(tmp_path / "only.txt")) == [tmp_path / "only.txt"]


def test_symlink_loops_terminate_and_each_folder_is_entered_once(tmp_path: Path) -> None:
    touch(tmp_path, "a/one.md", "b/two.md")
    (tmp_path / "a" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "b" / "to-a").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")  # points at itself
    found = relative(list(discover(tmp_path)), tmp_path)
    assert found == ["loop.md", "a/one.md", "b/two.md"]


def test_a_linked_folder_outside_the_root_is_followed(tmp_path: Path) -> None:
    touch(tmp_path, "outside/far.md", "root/near.md")
    (tmp_path / "root" / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    root = tmp_path / "root"
    assert relative(list(discover(root)), root) == ["near.md", "linked/far.md"]


def test_broken_symlink_is_still_listed_so_it_becomes_a_problem(tmp_path: Path) -> None:
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")
    assert list(discover(tmp_path)) == [tmp_path / "dangling.md"]


def test_a_folder_that_cannot_be_listed_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path, "ok.md", "locked/secret.md")
    locked = str(tmp_path / "locked")
    real_scandir = os.scandir

    # chmod 000 does not stop root, so the refusal is simulated where it would happen.
    def scandir(path: Any) -> Any:
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems: list[LoadProblem] = []
    assert relative(list(discover(tmp_path, problems)), tmp_path) == ["ok.md"]
    assert problems == [LoadProblem(Path(locked), "cannot list folder: Permission denied")]


def test_empty_folder(tmp_path: Path) -> None:
    assert list(discover(tmp_path)) == []


def test_file_at_names_a_path_as_a_scan_finds_it(tmp_path: Path) -> None:
    root = tmp_path / "news"
    (root / "sub dir").mkdir(parents=True)
    (root / "sub dir" / "a.md").write_text("# A\n")
    (root / "real").mkdir()
    (root / "linked").symlink_to(root / "real")
    found = {found.id: found.path for found in find_files(root)}
    for path in (root / "sub dir" / "a.md", root / "gone.md", root / "sub dir" / "gone.txt"):
        at = file_at(root, str(path))
        assert at is not None and at.path == str(path)
        assert found.get(at.id, str(path)) == str(path)
    assert file_at(root, str(root / "sub dir" / "a.md")).id == "sub dir/a.md"  # type: ignore[union-attr]
    assert file_at(root, os.fsdecode(bytes(root) + b"/bad\xff.md")).id == "bad\\xff.md"  # type: ignore[union-attr]
    assert file_at(root, str(root / "sub dir")).id == "sub dir"  # type: ignore[union-attr]
    # Only a whole scan can say what these are:
    assert file_at(root, str(root / ".hidden.md")) is None
    assert file_at(root, str(root / ".git" / "x.md")) is None
    assert file_at(root, str(tmp_path / "outside.md")) is None
    assert file_at(root, str(root / "linked" / "x.md")) is None  # through a linked folder
    assert file_at(root / "sub dir" / "a.md", str(root / "sub dir" / "a.md")) is None
