"""The list / show / check subcommands, through main(argv) and one real subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from reader import articles as store_module
from reader import cli as cli_module
from reader import cli_common, cli_search, load_library
from reader.cli import main
from reader.resources import samples_dir
from reader.text.cells import cells

if TYPE_CHECKING:
    from tests.conftest import WriteFile

LIST_KEYS = {
    "id", "path", "title", "url", "area", "published", "description", "image", "locale",
    "kind", "initiatives", "word_count", "warnings",
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status: int, out: str, err: str) -> None:
    assert status != 0
    assert out == ""
    assert err.startswith("reader: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.fixture
def folder(tmp_path: Path, write_file: WriteFile) -> Path:
    """Two good articles, one with warnings, one binary file and one duplicate URL."""
    write_file(
        "news/2019-road.md",
        "---\ntitle: Road reopens\ndate: 2019-04-02T09:00:00+01:00\narea: North\n"
        "url: http://e/road\n---\nThe road is open.\n\n* Resurfaced\n* New signs\n",
    )
    write_file(
        "old.md",
        "```yaml\ntitle: Old news\npublish:\n  date: 07:45 27/09/2015\ncategory: South\n"
        "url: http://e/road\n```\n\nOld.\n",
    )
    write_file("undated.md", "---\ndate: 99/99/9999\n---\nNo title here.\n")
    write_file("binary.md", b"\x00\x01")
    return tmp_path


def test_list_text(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = run(capsys, "list", str(folder))
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2019-04-02  North ")
    assert lines[0].endswith("  Road reopens  [news/2019-road.md]")
    assert lines[1].startswith("2015-09-27  South ")
    assert lines[1].endswith("  Old news  [old.md]")
    assert lines[2].startswith("——————————  ")  # no date
    assert lines[2].endswith("  undated  [undated.md]")
    # The problem file is not silently dropped: stderr says so in one line.
    assert err == "reader: 1 file could not be loaded; `reader check` lists them\n"


def test_search_rows_are_list_rows_undated_ones_too(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reader search` prints each result as `reader list` does (cli_common.format_line),
    an undated article's date column too, whether its lines are made here or by workers."""
    _status, listed, _err = run(capsys, "list", str(folder))
    undated = next(line for line in listed.splitlines() if line.endswith("[undated.md]"))
    status, found, _err = run(capsys, "search", "title", str(folder))
    assert status == 0 and found.splitlines()[0] == undated
    monkeypatch.setattr(cli_search, "PARALLEL_RESULTS", 1)
    status, found, _err = run(capsys, "search", "title", str(folder))
    assert status == 0 and found.splitlines()[0] == undated


@pytest.mark.parametrize("command", [["list"], ["search", "patrol OR drones"]])
def test_list_columns_line_up_with_wide_and_long_areas(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, write_file: WriteFile, command: list[str]
) -> None:
    """The area column is counted in terminal columns: a Japanese area (two columns a
    character) is padded, or cut, to the width an English one takes."""
    areas = {
        "en.md": "Kent",
        "ja.md": "地域安全",
        "long.md": "防犯パトロール地域安全対策",
        "accent.md": "Cafe\u0301 area",
    }
    for index, (name, area) in enumerate(areas.items()):
        write_file(
            name,
            f'---\ntitle: Patrol {index}\ndate: 2019-04-0{index + 1}\narea: "{area}"\n---\n'
            "Drones patrol.\n",
        )
    status, out, _ = run(capsys, *command, str(tmp_path))
    assert status == 0
    rows = [line for line in out.splitlines() if not line.startswith(" ")]
    assert len(rows) == 4
    # Every title starts in the same terminal column.
    assert {cells(row[: row.index("  Patrol ")]) for row in rows} == {10 + 2 + 18}
    assert "  地域安全          " in out  # 8 columns + 10 spaces
    assert "  防犯パトロール地… " in out  # 16 columns + the cut's 1, then a space to 18
    assert "  Cafe\u0301 area         " in out  # the accent a mark on the e: 9 columns


def test_list_json(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, "list", str(folder), "--json")
    assert status == 0
    data = json.loads(out)
    assert [item["id"] for item in data] == ["news/2019-road.md", "old.md", "undated.md"]
    assert all(set(item) == LIST_KEYS for item in data)
    road = data[0]
    assert road["published"] == "2019-04-02T09:00:00+01:00"
    assert road["initiatives"] == ["Resurfaced", "New signs"]
    assert road["path"] == str(folder / "news" / "2019-road.md")
    assert road["url"] == "http://e/road"
    assert data[1]["published"] == "2015-09-27T07:45:00"
    assert data[2]["published"] is None
    assert any("99/99/9999" in warning for warning in data[2]["warnings"])


@pytest.mark.parametrize("command", [["list"], ["search", "news OR old OR undated"]])
def test_big_outputs_are_written_a_batch_of_articles_at_a_time(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    """Bodies are read (and objects written) a batch at a time, so 100,000 results are
    never all in memory and the first reach `| head` at once; the output is the same.
    (Both read the values they print, ArticleSource.printed, where the index is on
    disk.)"""
    from reader.index import ArticleSource

    status, whole, _ = run(capsys, *command, str(folder), "--json")
    assert status == 0 and len(json.loads(whole)) >= 2
    batches: list[int] = []
    articles = store_module.ArticleStore.articles
    printed = ArticleSource.printed

    def counted(self: Any, ids: Any) -> Any:
        batches.append(len(ids))
        return articles(self, ids)

    def counted_printed(self: Any, ids: Any) -> Any:
        batches.append(len(ids))
        return printed(self, ids)

    monkeypatch.setattr(cli_common, "PRINT_BATCH", 1)  # list
    monkeypatch.setattr(cli_search, "PRINT_BATCH", 1)  # search --json
    monkeypatch.setattr(store_module.ArticleStore, "articles", counted)
    monkeypatch.setattr(ArticleSource, "printed", counted_printed)
    status, batched, _ = run(capsys, *command, str(folder), "--json")
    assert status == 0 and batched == whole
    assert batches and set(batches) == {1}


def patrol_notes(folder: Path, *, dated: bool = False) -> Path:
    """30 notes, two in three with Kent, café and road safety in the body (and all in a
    metadata value), the others only in the metadata; `dated`: each with a date."""
    folder.mkdir()
    for number in range(30):
        body = f"Patrols in Kent café {number}.\n\n* Road safety week {number}\n"
        if number % 3 == 0:
            body = f"Nothing here {number}.\n"
        date = f"date: 2021-03-{number % 28 + 1:02d}\n" if dated else ""
        (folder / f"{number:02d}.md").write_text(
            f"---\ntitle: Item {number}\narea: Kent\n{date}note: road safety kent\n---\n{body}",
            encoding="utf-8",
        )
    return folder


def spy_on_workers(patch: pytest.MonkeyPatch) -> tuple[list[int], list[str]]:
    """From now on (under `patch`), the size of each batch handed to a worker
    (cli_search._source_made), and "worker started" in the second list for any other
    task (a worker's first, which starts it); the tasks run as they would."""
    from concurrent.futures import ProcessPoolExecutor

    submitted: list[int] = []
    events: list[str] = []
    submit = ProcessPoolExecutor.submit

    def counted(self: Any, function: Any, *args: Any, **kwargs: Any) -> Any:
        if function is cli_search._source_made:
            submitted.append(len(args[1]))
        else:
            events.append("worker started")
        return submit(self, function, *args, **kwargs)

    patch.setattr(ProcessPoolExecutor, "submit", counted)
    return submitted, events


def test_many_search_results_are_made_in_worker_processes_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From PARALLEL_RESULTS results on, `search --json` reads articles and makes their
    snippets in worker processes, a batch each: the output is the same, in order (hits
    in the body, only in metadata, accented, a phrase). In a folder of PARALLEL_RESULTS
    articles or more, with a core free, the workers start before the search."""
    folder = patrol_notes(tmp_path / "news")
    search = cli_search._search

    for query in ["kent", "cafe", '"road safety"']:
        status, serial, _ = run(capsys, "search", query, str(folder), "--json")
        assert status == 0 and len(json.loads(serial)) >= 20
        with monkeypatch.context() as patch:
            submitted, events = spy_on_workers(patch)

            def searched(*args: Any) -> Any:
                events.append("searched")  # noqa: B023 - called within this iteration
                return search(*args)

            patch.setattr(cli_search, "PARALLEL_RESULTS", 1)
            patch.setattr(cli_search, "PRINT_BATCH", 7)
            patch.setattr(cli_search, "_search", searched)
            patch.setattr(cli_search, "cores_free", lambda: True)
            status, parallel, _ = run(capsys, "search", query, str(folder), "--json")
        assert status == 0 and parallel == serial, query
        # The first batch is made here while the workers start; the rest by them.
        assert sum(submitted) == len(json.loads(parallel)) - 7
        assert submitted and set(submitted[:-1]) <= {7}
        # The workers were started as soon as the folder was open, before the search.
        assert events[: events.index("searched")].count("worker started") == os.cpu_count()


def test_many_search_lines_are_made_in_worker_processes_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reader search`'s lines (each result's row and first snippet) are made as
    --json's results are, in worker processes from PARALLEL_RESULTS on: the same lines,
    in order, and the same count of results shown."""
    folder = patrol_notes(tmp_path / "news", dated=True)
    for argv in (["kent"], ["cafe"], ['"road safety"', "--limit", "12"]):
        status, serial, serial_err = run(capsys, "search", *argv[:1], str(folder), *argv[1:])
        assert status == 0 and serial.count("\n    ") >= 10
        with monkeypatch.context() as patch:
            submitted, _events = spy_on_workers(patch)
            patch.setattr(cli_search, "PARALLEL_RESULTS", 1)
            patch.setattr(cli_search, "PRINT_BATCH", 7)
            status, parallel, err = run(capsys, "search", *argv[:1], str(folder), *argv[1:])
        assert (status, parallel, err) == (0, serial, serial_err), argv
        rows = [line for line in parallel.splitlines() if not line.startswith("    ")]
        assert sum(submitted) == len(rows) - 7  # the first batch made here
        assert submitted and set(submitted[:-1]) <= {7}
    assert "showing 12" in err


def test_search_lines_start_no_workers_before_they_know_the_results_are_many(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`search --json` starts its workers as soon as a big folder is open; `search`'s
    lines, most often of a few results, start them only once the results are many (a
    search of none in 10,000 articles took 0.9 s rather than 0.5 s with them)."""
    folder = patrol_notes(tmp_path / "news")
    run(capsys, "search", "kent", str(folder))
    monkeypatch.setattr(cli_search, "PARALLEL_RESULTS", 1)
    monkeypatch.setattr(cli_search, "cores_free", lambda: True)
    for argv, early in (([], False), (["--json"], True)):
        with monkeypatch.context() as patch:
            _submitted, events = spy_on_workers(patch)
            status, _out, _err = run(capsys, "search", "xyzzy", str(folder), *argv)
        assert status == 0 and bool(events) == early, argv


def test_long_lists_are_made_in_worker_processes_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`list --json` of PARALLEL_RESULTS articles or more is made as `search --json`'s
    results are: a batch each in worker processes, started (with a core free) before the
    folder is brought up to date; the output is the same, in order, as made here."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(30):
        (folder / f"{number:02d}.md").write_text(
            f"---\ntitle: Item {number}\ndate: 2020-01-{number % 28 + 1:02d}\n---\n"
            f"Patrols {number}.\n\n* Road safety week {number}\n",
            encoding="utf-8",
        )
    status, serial, _ = run(capsys, "list", str(folder), "--json")
    assert status == 0 and len(json.loads(serial)) == 30
    submitted, events = spy_on_workers(monkeypatch)
    refresh = cli_common.refresh_folder

    def refreshed(*args: Any) -> Any:
        events.append("refreshed")
        return refresh(*args)

    monkeypatch.setattr(cli_search, "PARALLEL_RESULTS", 1)
    monkeypatch.setattr(cli_search, "PRINT_BATCH", 7)
    monkeypatch.setattr(cli_search, "cores_free", lambda: True)
    monkeypatch.setattr(cli_module, "refresh_folder", refreshed)
    status, parallel, _ = run(capsys, "list", str(folder), "--json")
    assert status == 0 and parallel == serial
    assert submitted == [7, 7, 7, 2]  # the first 7 made here while the workers start
    assert events[: events.index("refreshed")].count("worker started") == os.cpu_count()


@pytest.mark.parametrize("command", [["search", "kent"], ["search", "kent", "--json"], ["list"]])
@pytest.mark.parametrize("breaks_at", [2, 6])  # before the first batch is given, or after
def test_output_is_whole_when_a_worker_dies(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    breaks_at: int,
) -> None:
    """A worker that dies (killed, out of memory) breaks the pool: it takes no more
    batches (submit raises BrokenProcessPool), and this process makes the rest; the
    output is whole, in order, and the command ends well."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    folder = patrol_notes(tmp_path / "news", dated=True)
    argv = (
        [*command[:2], str(folder), *command[2:]]
        if command[0] == "search"
        else ["list", str(folder), "--json"]
    )
    status, serial, serial_err = run(capsys, *argv)
    assert status == 0
    submit = ProcessPoolExecutor.submit
    handed: list[int] = []

    def dying(self: Any, function: Any, *args: Any, **kwargs: Any) -> Any:
        if function is cli_search._source_made:
            handed.append(len(args[1]))
            if len(handed) >= breaks_at:
                raise BrokenProcessPool("a worker died")
        return submit(self, function, *args, **kwargs)

    monkeypatch.setattr(cli_search, "PARALLEL_RESULTS", 1)
    monkeypatch.setattr(cli_search, "PRINT_BATCH", 4)
    monkeypatch.setattr(ProcessPoolExecutor, "submit", dying)
    status, made, err = run(capsys, *argv)
    assert (status, made, err) == (0, serial, serial_err)
    assert len(handed) == breaks_at  # taken by the workers until the pool broke


def test_search_results_whose_workers_cannot_read_the_index_are_made_here(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that fails (here: its index file is not there) never ends the command:
    its batch is read by the command itself, and the output is whole and in order."""
    from reader.index import ArticleSource

    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(12):
        (folder / f"{number:02d}.md").write_text(f"# Kent {number}\n\nKent patrols.\n")
    status, serial, _ = run(capsys, "search", "kent", str(folder), "--json")
    assert status == 0 and len(json.loads(serial)) == 12
    missing = ArticleSource(str(tmp_path / "gone" / "index.sqlite3"), str(folder), True)
    monkeypatch.setattr(cli_search, "PARALLEL_RESULTS", 1)
    monkeypatch.setattr(cli_search, "PRINT_BATCH", 5)
    monkeypatch.setattr(store_module.ArticleStore, "source", lambda _self: missing)
    status, parallel, err = run(capsys, "search", "kent", str(folder), "--json")
    assert (status, parallel) == (0, serial)
    assert "Traceback" not in err


def test_list_defaults_to_the_bundled_samples(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list", "--json")
    assert status == 0
    ids = [item["id"] for item in json.loads(out)]
    assert "000_98cd3e962c103980.txt" in ids
    assert ids == [article.id for article in load_library(samples_dir())]


def test_show_text(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, "show", "news/2019-road.md", "--root", str(folder))
    assert status == 0
    assert out.splitlines()[:4] == [
        "Road reopens",
        "Tue 02 Apr 2019, 09:00 · North · 7 words",
        "http://e/road",
        "",
    ]
    assert out.endswith("The road is open.\n\n* Resurfaced\n* New signs\n\n")


def test_show_json_includes_body_and_metadata(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, _ = run(capsys, "show", "old.md", "--root", str(folder), "--json")
    assert status == 0
    data = json.loads(out)
    assert set(data) == LIST_KEYS | {"body", "metadata"}
    assert data["body"] == "Old.\n"
    assert data["metadata"]["publish"] == {"date": "07:45 27/09/2015"}
    assert data["title"] == "Old news"
    assert data["area"] == "South"


def test_show_a_file_path(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, "show", str(folder / "old.md"), "--json")
    assert status == 0
    assert json.loads(out)["id"] == "old.md"


def test_show_with_a_single_file_root(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, "show", "old.md", "--root", str(folder / "old.md"), "--json")
    assert status == 0
    assert json.loads(out)["title"] == "Old news"


def test_show_default_root_is_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "000_98cd3e962c103980.txt", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["area"] == "Northamptonshire"
    assert len(data["initiatives"]) == 9


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "nope.md"],
        ["show", "old.mdx", "--root", "{folder}"],
        ["show", "../old.md", "--root", "{folder}/news"],
        ["show", "binary.md", "--root", "{folder}"],
        ["show", "x.md", "--root", "{folder}/missing"],
        ["show", "other.md", "--root", "{folder}/old.md"],
        ["list", "{folder}/missing"],
        ["check", "{folder}/missing", "--json"],
        ["{folder}/missing"],
    ],
)
def test_errors_are_one_line_on_stderr(
    capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str]
) -> None:
    status, out, err = run(capsys, *(arg.format(folder=folder) for arg in argv))
    assert_one_line_error(status, out, err)


def test_unknown_id_suggests_a_close_one(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, _, err = run(capsys, "show", "news/2019-rod.md", "--root", str(folder))
    assert status == 1
    assert "no article with id 'news/2019-rod.md'" in err
    assert "did you mean 'news/2019-road.md'?" in err


def test_a_hidden_file_is_not_an_id(
    capsys: pytest.CaptureFixture[str], folder: Path, write_file: WriteFile
) -> None:
    # `list` never shows hidden files, so `show` does not take them as ids either.
    write_file(".secret.md", "# Secret\n")
    write_file(".git/notes.md", "# Notes\n")
    write_file("notes.json", "{}")
    for article_id in (".secret.md", ".git/notes.md", "notes.json"):
        status, out, err = run(capsys, "show", article_id, "--root", str(folder))
        assert_one_line_error(status, out, err)


def test_check_json(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, _ = run(capsys, "check", str(folder), "--json")
    assert status == 1
    data = json.loads(out)
    assert set(data) == {"articles", "problems", "warnings"}
    assert data["articles"] == 3
    assert data["problems"] == [
        {
            "path": str(folder / "binary.md"),
            "message": "binary file (contains NUL bytes), not an article",
        }
    ]
    assert all(set(entry) == {"path", "message"} for entry in data["warnings"])
    messages: dict[str, list[str]] = {}
    for entry in data["warnings"]:
        messages.setdefault(Path(entry["path"]).name, []).append(entry["message"])
    assert set(messages) == {"undated.md", "old.md", "2019-road.md"}
    assert any("99/99/9999" in message for message in messages["undated.md"])
    assert any("title" in message for message in messages["undated.md"])
    assert messages["old.md"] == ["duplicate URL http://e/road (also in news/2019-road.md)"]
    assert messages["2019-road.md"] == ["duplicate URL http://e/road (also in old.md)"]


def test_check_reads_only_the_articles_it_reports(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    write_file: WriteFile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for number in range(20):
        write_file(f"clean/{number:02d}.md", f"---\ntitle: Clean {number}\n---\nFine.\n")
    read: list[str] = []
    articles = store_module.ArticleStore.articles

    def counted(self: Any, ids: Any) -> Any:
        read.extend(ids)
        return articles(self, ids)

    monkeypatch.setattr(store_module.ArticleStore, "articles", counted)
    status, out, _ = run(capsys, "check", str(folder), "--json")
    assert status == 1 and json.loads(out)["articles"] == 23
    assert sorted(set(read)) == ["news/2019-road.md", "old.md", "undated.md"]


def test_check_text(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = run(capsys, "check", str(folder))
    assert status == 1
    lines = out.splitlines()
    assert (
        lines[0]
        == f"{folder / 'binary.md'}: error: binary file (contains NUL bytes), not an article"
    )
    assert all(": warning: " in line for line in lines[1:])
    assert len(lines) == 1 + 4
    assert err == "3 articles, 1 files not loaded, 4 warnings\n"


def test_check_with_only_warnings_exits_zero(
    capsys: pytest.CaptureFixture[str], write_file: WriteFile, tmp_path: Path
) -> None:
    write_file("a.md", "---\ntitle: A\ndate: never\n---\n")
    status, out, _ = run(capsys, "check", str(tmp_path), "--json")
    assert status == 0
    data = json.loads(out)
    assert (data["articles"], data["problems"], len(data["warnings"])) == (1, [], 1)


def test_samples_check_clean_and_show_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["problems"] == []
    assert data["warnings"] == []
    assert data["articles"] >= 31
    formats = {article.metadata_format for article in load_library(samples_dir())}
    assert formats == {"fenced-yaml", "yaml", "toml", "none"}


def test_python_m_reader_list_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data: list[dict[str, Any]] = json.loads(result.stdout)
    seed = next(item for item in data if item["id"] == "000_98cd3e962c103980.txt")
    assert seed["published"] == "2019-09-27T07:45:00"
    assert len(seed["initiatives"]) == 9


def test_python_m_reader_error_has_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", "show", "no-such-id"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_show_takes_an_escaped_id_as_list_prints_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / os.fsdecode(b"odd\xff.md")).write_text("# Odd name\n\nBody.\n", "utf-8")
    assert main(["list", str(folder)]) == 0
    listed = capsys.readouterr().out
    assert "[odd\\xff.md]" in listed
    assert main(["show", "odd\\xff.md", "--root", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("Odd name\n")


# -- options anywhere, a terminal for the reader, any output encoding -----------------------


@pytest.mark.parametrize(
    ("argv", "canonical"),
    [
        (["search", "road", "--limit", "1", "{f}"], ["search", "--limit", "1", "road", "{f}"]),
        (["search", "road", "{f}", "--json"], ["search", "--json", "road", "{f}"]),
        (["search", "--json", "--", "-road", "{f}"], ["search", "--json", "--", "-road", "{f}"]),
        (["--no-cache", "list", "{f}"], ["list", "{f}", "--no-cache"]),
        (["--json", "list", "{f}"], ["list", "--json", "{f}"]),
        (["check", "{f}", "--json"], ["check", "--json", "{f}"]),
        (["show", "old.md", "{f}", "--json"], ["show", "--json", "old.md", "--root", "{f}"]),
        (["show", "--json", "old.md", "{f}"], ["show", "old.md", "--root", "{f}", "--json"]),
        (["show", "--root", "{f}", "old.md"], ["show", "old.md", "--root", "{f}"]),
        (["--root", "{f}", "show", "old.md"], ["show", "old.md", "--root", "{f}"]),
    ],
)  # fmt: skip
def test_options_go_anywhere(
    capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str], canonical: list[str]
) -> None:
    status, out, err = run(capsys, *(arg.format(f=folder) for arg in canonical))
    assert status in (0, 1) and out, err  # check exits 1: the folder has a broken file
    assert run(capsys, *(arg.format(f=folder) for arg in argv)) == (status, out, err)


def test_show_takes_one_folder(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = run(capsys, "show", "old.md", str(folder), "--root", str(folder / "news"))
    assert_one_line_error(status, out, err)
    assert "two folders" in err


def test_a_folder_named_like_a_command_opens_with_open(
    monkeypatch: pytest.MonkeyPatch, folder: Path
) -> None:
    from reader.tui import app as app_module

    opened: list[Path] = []
    monkeypatch.setattr(cli_module, "_on_a_terminal", lambda: True)
    monkeypatch.setattr(app_module, "run", lambda root, **_: opened.append(root) or 0)
    monkeypatch.chdir(folder)
    (folder / "list").mkdir()
    assert main(["open", "list"]) == 0
    assert main(["--fresh", "./list"]) == 0
    assert opened == [Path("list"), Path("list")]


@pytest.mark.parametrize("argv", [[], ["{folder}"], ["open", "--fresh"], ["--no-cache"]])
def test_the_reader_refuses_to_start_without_a_terminal(
    capsys: pytest.CaptureFixture[str], folder: Path, argv: list[str]
) -> None:
    # Under pytest stdin and stdout are not terminals.
    status, out, err = run(capsys, *(arg.format(folder=folder) for arg in argv))
    assert_one_line_error(status, out, err)
    assert status == 2 and "terminal" in err and "`reader list`" in err


@pytest.mark.parametrize("terminal", ["stdin", "stdout"])
def test_the_installed_reader_refuses_a_pipe_at_once(folder: Path, terminal: str) -> None:
    """`reader > file` (or stdin not a terminal) once wrote escape codes until killed."""
    import pty

    main_end, terminal_end = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "reader", str(folder)],
            stdin=terminal_end if terminal == "stdin" else subprocess.DEVNULL,
            stdout=terminal_end if terminal == "stdout" else subprocess.PIPE,
            stderr=subprocess.PIPE,
            timeout=60,  # a guard against the reader starting, not a speed target
            check=False,
        )
    finally:
        os.close(main_end)
        os.close(terminal_end)
    assert result.returncode == 2
    assert result.stdout in (None, b"")
    assert result.stderr.decode().count("\n") == 1 and b"reader list" in result.stderr


NON_ASCII_ARTICLE = (
    "---\ntitle: Café naïve — ★ 東京\ndate: 2019-04-02\narea: Zürich\nurl: http://e/x\n---\n"
    "Crème brûlée “quoted” — 東京.\n"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "{folder}"],
        ["list", "{folder}", "--json"],
        ["search", "café", "{folder}"],
        ["search", "café", "{folder}", "--json"],
        ["show", "café.md", "{folder}"],
        ["show", "café.md", "{folder}", "--json"],
        ["check", "{folder}"],
        ["check", "{folder}", "--json"],
        ["config", "--path"],
        ["config", "--check"],
        ["search", "titel:x", "{folder}"],
        ["--help"],
        ["search", "--help"],
    ],
)
def test_any_output_encoding_gets_what_it_can_encode(tmp_path: Path, argv: list[str]) -> None:
    """PYTHONIOENCODING=ascii once ended `reader list` in a traceback."""
    folder = tmp_path / "dossier-é"
    folder.mkdir()
    (folder / "café.md").write_text(NON_ASCII_ARTICLE, "utf-8")
    (folder / "warned-ü.md").write_text("---\ndate: le 3 mai\n---\nÜber.\n", "utf-8")
    config = tmp_path / "réglages"
    config.mkdir()
    (config / "config.toml").write_text('thème = "x"\n', "utf-8")
    command = [sys.executable, "-m", "reader", *(arg.format(folder=folder) for arg in argv)]

    def run_with(encoding: str) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "PYTHONIOENCODING": encoding, "READER_CONFIG_DIR": str(config)}
        return subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)

    full, ascii_only = run_with("utf-8"), run_with("ascii")
    expected = 2 if "titel:x" in argv else 1 if argv == ["config", "--check"] else 0
    assert full.returncode == expected, full.stderr.decode()
    assert b"Traceback" not in ascii_only.stderr, ascii_only.stderr.decode()
    assert ascii_only.returncode == full.returncode
    ascii_only.stdout.decode("ascii")  # nothing the encoding cannot hold
    if "--json" in argv:
        # JSON escapes what the encoding cannot hold: the same data.
        assert json.loads(ascii_only.stdout) == json.loads(full.stdout)
    else:
        # The rest replaced, one `?` for each character.
        expected = full.stdout.decode("utf-8").encode("ascii", "replace")
        assert ascii_only.stdout == expected


def _files_no_bigger_than(size: int) -> Callable[[], None]:
    def limit() -> None:  # in the child, before exec: a disk that holds `size` bytes a file
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_cache_disk_reads_the_folder_into_memory_run_after_run(tmp_path: Path) -> None:
    """Writes beyond 150 KB fail (RLIMIT_FSIZE, as on a full disk): every command still
    answers in full with one notice, the second run too (it ended in a traceback, "cannot
    rollback - no transaction is active", every time)."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(120):
        # Digests: text that does not compress, so the index outgrows the limit.
        codes = " ".join(hashlib.sha256(f"{number} {n}".encode()).hexdigest() for n in range(30))
        (folder / f"{number:03d}.md").write_text(
            f"```yaml\ntitle: Item {number}\n```\n\n{'Kent police patrols. ' * 100}{codes}\n"
        )
    environment = {**os.environ, "READER_CACHE_DIR": str(tmp_path / "cache")}
    commands = (["check", str(folder), "--json"], ["search", "kent", str(folder), "--json"])
    for _run in range(2):
        for command in commands:
            result = subprocess.run(
                [sys.executable, "-m", "reader", *command],
                capture_output=True,
                text=True,
                env=environment,
                preexec_fn=_files_no_bigger_than(150_000),
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, result.stderr
            assert "Traceback" not in result.stderr
            notices = result.stderr.splitlines()
            assert len(notices) == 1 and "index cache" in notices[0], notices
            assert "reading the folder into memory instead" in notices[0]
            data = json.loads(result.stdout)
            assert (data["articles"] if command[0] == "check" else len(data)) == 120


def test_the_command_imports_neither_the_loader_nor_textual_until_needed() -> None:
    """`reader search` from the shell starts without markdown-it, YAML or Textual: a
    search of an unchanged folder needs none of them."""
    code = (
        "import sys, reader.cli; "
        "print(sorted(m for m in ('markdown_it', 'yaml', 'textual', 'markdown_it_pyrs') "
        "if m in sys.modules))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert imported == "[]"


@pytest.mark.parametrize(
    "command",
    [["list"], ["list", "--json"], ["check"], ["search", "police"], ["search", "police", "--json"]],
)
def test_a_command_closes_the_index_it_wrote(tmp_path: Path, command: list[str]) -> None:
    """The command closes the index itself (its write-ahead log checkpointed and gone), as
    a process that ends leaves no work to Python's last collection (reader.launch)."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.md").write_text(f"# Item {number}\n\nThe police patrol.\n")
    cache = tmp_path / "cache"
    env = {**os.environ, "READER_CACHE_DIR": str(cache)}
    reader = [sys.executable, "-m", "reader", command[0], *command[1:2], str(folder), *command[2:]]
    for _run in range(2):  # written from nothing, then a file changed
        done = subprocess.run(reader, capture_output=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        assert sorted(path.name for path in cache.iterdir() if path.is_file()) == [
            path.name for path in cache.glob("*.sqlite3")
        ]
        (folder / "0.md").write_text("# Item 0\n\nThe police patrol again.\n")


def test_a_search_of_an_indexed_folder_leaves_out_what_it_does_not_use(tmp_path: Path) -> None:
    """`reader search --json` of an unchanged folder takes no lock, starts no worker,
    gives no hint, reads no archive and finds no related articles: it imports none of
    filelock, multiprocessing, concurrent.futures, uuid, difflib, tarfile, zipfile and
    reader.index.related (30 ms of CPU in all), and an English query of English text
    compiles none of the CJK patterns but the one the index's tokenizer check needs."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.md").write_text(
            f"---\ntitle: Item {number}\n---\nThe police patrol road {number}.\n"
        )
    search = ["search", "police", str(folder), "--json", "--limit", "20"]
    subprocess.run([sys.executable, "-m", "reader", *search], capture_output=True, check=True)
    unused = (
        *("filelock", "multiprocessing", "concurrent.futures", "uuid", "difflib"),
        *("tarfile", "zipfile", "reader.index.related"),
    )
    code = (
        "import sys, io, contextlib\nfrom reader.cli import main\n"
        "from reader.text import tokens\n"
        f"with contextlib.redirect_stdout(io.StringIO()) as out:\n    main({search!r})\n"
        "print(out.getvalue().count('The police patrol'), "
        f"[m for m in {unused!r} if m in sys.modules], "
        "tokens.cjk_letter.cache_info().currsize, tokens.cjk_run.cache_info().currsize)"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert printed == ["3", "[]", "0", "0"]


def test_search_with_snippets_of_an_indexed_folder_imports_no_markdown_it(
    tmp_path: Path,
) -> None:
    """Snippets of bodies that hold no HTML, template tags or callouts (most articles)
    come from their own text: printing them needs no markdown parser, so a search of an
    unchanged folder of them never loads one."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.md").write_text(
            f"---\ntitle: Item {number}\n---\n# Police\n\nThe **police** patrol [here](http://e).\n"
            f"\n* Road {number}\n* _Kent_ road safety\n"
        )
    search = ["search", "police OR road", str(folder), "--json"]
    subprocess.run([sys.executable, "-m", "reader", *search], capture_output=True, check=True)
    code = (
        "import sys, io, contextlib\nfrom reader.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()) as out:\n    main({search!r})\n"
        "print(out.getvalue().count('The police patrol here'), "
        "sorted(m for m in ('markdown_it', 'yaml', 'textual') if m in sys.modules))"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=1)
    assert printed == ["3", "[]\n"]
