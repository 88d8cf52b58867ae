"""reader.paths: the guess reader.launch makes of a folder's index (without pathlib and
platformdirs) is the index the command opens, wherever the cache folder is named."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import paths

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX path spelling")


@posix_only
@given(st.lists(st.sampled_from(["", ".", "..", "a", "b c", "ü", "/"]), max_size=8))
def test_path_text_writes_a_path_as_pathlib_does(parts: list[str]) -> None:
    path = "/".join(parts)
    assert paths.path_text(path) == str(PurePosixPath(path))


@pytest.mark.parametrize(
    "cache", ["{tmp}/cache", "{tmp}/cache/", "{tmp}//cache/./x/..", "relative/cache"]
)
def test_the_guess_is_the_index_path_for_a_named_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str
) -> None:
    monkeypatch.setenv("READER_CACHE_DIR", cache.format(tmp=tmp_path))
    root = tmp_path / "news"
    root.mkdir()
    for spelling in (str(root), f"{root}/", f"{root}/../news"):
        assert paths.guessed_index_path(spelling) == str(paths.index_path(spelling))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG cache folder")
@pytest.mark.parametrize("xdg", [None, "", "relative", "{tmp}/xdg", "{tmp}/xdg/"])
@pytest.mark.parametrize("home", ["{tmp}/home", "{tmp}/home/", "relative", "", None])
def test_the_guess_is_platformdirs_cache_folder_on_linux(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None
) -> None:
    """Unnamed, the cache folder is platformdirs': $XDG_CACHE_HOME when absolute, else
    ~/.cache (the user's home folder looked up where $HOME is not an absolute path); the
    guess is the same."""
    monkeypatch.delenv("READER_CACHE_DIR")
    for name, value in (("HOME", home), ("XDG_CACHE_HOME", xdg)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value.format(tmp=tmp_path))
    guess = paths.guessed_index_path(str(tmp_path))
    assert guess == str(paths.index_path(tmp_path))
    if xdg and xdg != "relative":
        assert guess.startswith(str(tmp_path / "xdg"))
    elif home and home != "relative":
        assert guess.startswith(str(tmp_path / "home"))


def test_the_index_is_named_by_the_real_path_of_its_folder(tmp_path: Path) -> None:
    """The interpreter's own SHA-256 names the file as hashlib's did."""
    import hashlib

    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    real = str(tmp_path / "real").encode("utf-8", "surrogateescape")
    expected = f"{hashlib.sha256(real).hexdigest()[:20]}.sqlite3"
    assert paths.index_file_name(tmp_path / "link") == expected
    assert paths.index_path(tmp_path / "real").name == expected
