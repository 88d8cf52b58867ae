"""`reader related ID`: text and JSON, errors, and `is:duplicate` from `reader search`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reader.cli import main
from tests.index.test_duplicates import edited, story

if TYPE_CHECKING:
    from tests.conftest import WriteFile


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


FILLER = "officers were called to the area on the day and said that " * 2


@pytest.fixture
def folder(tmp_path: Path, write_file: WriteFile) -> Path:
    release = story(1)
    write_file(
        "a/drones.md",
        f"---\ntitle: Drone patrols\ndate: 2020-01-01\n---\n{FILLER} "
        "Thermal drones over the moorland found rustlers.\n",
    )
    write_file(
        "b/drones.md",
        f"---\ntitle: Drones again\ndate: 2020-02-01\n---\n{FILLER} "
        "A thermal drones team on moorland farms.\n",
    )
    write_file("cakes.md", f"---\ntitle: Cakes\ndate: 2020-03-01\n---\n{FILLER} Cakes sold.\n")
    write_file("release.md", f"---\ntitle: Release\ndate: 2021-01-01\n---\n{release}\n")
    write_file("copy.md", f"---\ntitle: Copy\ndate: 2021-01-02\n---\n{edited(release, 2)}\n")
    return tmp_path


def test_related_text_lists_the_alike_with_shared_words(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, err = run(capsys, "related", "a/drones.md", "--root", str(folder))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].endswith("[b/drones.md]")
    assert lines[1].startswith("    shared: ")
    assert {"drones", "thermal", "moorland"} <= set(lines[1].split(": ")[1].split(", "))
    assert "[a/drones.md]" not in out


def test_related_json_has_score_and_shared(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, _ = run(capsys, "related", "a/drones.md", str(folder), "--json")
    assert status == 0
    items = json.loads(out)
    assert items[0]["id"] == "b/drones.md"
    assert items[0]["score"] > 0 and "thermal" in items[0]["shared"]
    assert all(item["id"] != "a/drones.md" for item in items)


def test_related_of_an_unknown_id_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, err = run(capsys, "related", "a/drone.md", "--root", str(folder))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "did you mean 'a/drones.md'?" in err


def test_search_is_duplicate_from_the_shell(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, _ = run(capsys, "search", "is:duplicate", str(folder), "--json")
    assert status == 0
    assert [item["id"] for item in json.loads(out)] == ["copy.md"]
    status, out, _ = run(capsys, "search", "--json", "--", "-is:duplicate", str(folder))
    assert sorted(item["id"] for item in json.loads(out)) == [
        "a/drones.md", "b/drones.md", "cakes.md", "release.md"
    ]  # fmt: skip
