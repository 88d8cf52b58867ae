"""`reader stats`, `reader export`, `reader searches` and `reader search @name`, through
main(argv)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.state import ReadingState


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def front(title: str, date: str | None, area: str, extra: str = "", body: str = "Body.") -> str:
    lines = [f"title: '{title}'", f"area: {area}"]
    if date is not None:
        lines.append(f"date: {date}")
    if extra:
        lines.append(extra)
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    root.mkdir()
    files = {
        "a.md": front("Drones over Kent", "2019-09-02", "Kent", "tags: [drones, Air]"),
        "b.md": front("Kent drones again", "2019-09-28T23:30:00-05:00", "Kent", "tags: drones"),
        "c.md": front(
            "Essex burglary", "2019-11-05", "Essex", body="Burglary.\n\n* Patrols\n* Locks"
        ),
        "d.md": front('=HYPERLINK("http://evil")', "2020-01-10", "Essex", body="Drones."),
        "e.md": front("Undated drones", None, "Kent"),
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_stats_by_month_piped(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = run(capsys, "stats", "", str(folder))
    assert status == 0
    assert out.splitlines() == [
        "2019-09\t2",
        "2019-10\t0",
        "2019-11\t1",
        "2019-12\t0",
        "2020-01\t1",
        "(undated)\t1",
    ]
    assert err == "5 of 5 articles match; by month\n"


def test_stats_json_by_year_area_and_tag(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    _, out, _ = run(capsys, "stats", "drones", str(folder), "--by", "year", "--json")
    data = json.loads(out)
    assert data["by"] == "year" and data["total"] == 4
    assert data["counts"] == [
        {"key": "2019", "count": 2},
        {"key": "2020", "count": 1},
        {"key": None, "count": 1},
    ]
    _, out, _ = run(capsys, "stats", "", str(folder), "--by", "area", "--json")
    assert json.loads(out)["counts"] == [{"key": "Kent", "count": 3}, {"key": "Essex", "count": 2}]
    _, out, _ = run(capsys, "stats", "", str(folder), "--by", "tag")
    assert out.splitlines() == ["drones\t2", "Air\t1", "(no tag)\t3"]


def test_stats_chart_on_a_terminal(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "40")
    _, out, _ = run(capsys, "stats", "", str(folder), "--by", "area")
    # The longest bar fills the line but its last cell; the others in eighths of a cell.
    assert out.splitlines() == [
        "Kent   3  " + "█" * 29,
        "Essex  2  " + "█" * 19 + "▍",
    ]
    assert all(len(line) < 40 for line in out.splitlines())


def test_a_bad_query_is_one_line(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = run(capsys, "stats", "titel:x", str(folder))
    assert status == 2 and out == ""
    assert err.startswith("reader: unknown field 'titel:' at column 1")


def test_export_csv_to_a_file(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    target = folder.parent / "out.csv"
    status, out, err = run(capsys, "export", "", str(folder), "-o", str(target), "--json")
    assert status == 0
    assert json.loads(out) == {
        "path": str(target),
        "format": "csv",
        "rows": 5,
        "articles": 5,
        "initiatives": False,
    }
    assert err.startswith(f"reader: wrote 5 articles to {target} (CSV)")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [row["id"] for row in rows] == ["d.md", "c.md", "b.md", "a.md", "e.md"]  # newest
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[1]["initiatives"] == "Patrols\nLocks"


def test_export_follows_the_format_and_order_asked(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    _, out, _ = run(capsys, "export", "drones", str(folder), "--format", "jsonl", "--sort", "title")
    titles = [json.loads(line)["title"] for line in out.splitlines()]
    assert titles == sorted(titles, key=str.casefold)
    target = folder.parent / "report.md"
    run(capsys, "export", "burglary", str(folder), "-o", str(target))
    report = target.read_text(encoding="utf-8")
    assert report.startswith("# Articles: burglary\n")
    assert "## Essex burglary\n\n2019-11-05 · Essex\n\n1. Patrols\n2. Locks\n" in report
    _, out, _ = run(capsys, "export", "", str(folder), "--initiatives", "--format", "jsonl")
    assert [json.loads(line)["initiative"] for line in out.splitlines()] == ["Patrols", "Locks"]


def test_export_json_needs_a_file(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    status, out, err = run(capsys, "export", "", str(folder), "--json")
    assert status == 2 and out == ""
    assert "give -o FILE" in err
    status, _, err = run(capsys, "export", "", str(folder), "-o", str(folder))
    assert status == 2 and "is a folder" in err


def test_export_into_a_missing_folder_is_one_line(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, err = run(capsys, "export", "", str(folder), "-o", str(folder / "no" / "x.csv"))
    assert status == 1 and out == ""
    assert err.startswith("reader: cannot write ") and err.count("\n") == 1


def test_search_by_saved_name(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    state = ReadingState().load()
    state.save_search("Kent drones", "drones", ['area:"kent"'], "oldest")
    state.save_search("Kent all", "", ['area:"kent"'], "oldest")
    state.save()
    _, out, _ = run(capsys, "search", "@kent drones", str(folder), "--json")
    assert sorted(item["id"] for item in json.loads(out)) == ["a.md", "b.md", "e.md"]
    # Without words to rank by, the saved sort: oldest first (undated last).
    _, out, _ = run(capsys, "search", "@KENT ALL", str(folder), "--json")
    assert [item["id"] for item in json.loads(out)] == ["a.md", "b.md", "e.md"]
    _, out, _ = run(capsys, "stats", "@kent all", str(folder), "--by", "area")
    assert out == "Kent\t3\n"
    status, out, err = run(capsys, "search", "@kent dron", str(folder))
    assert status == 2 and out == ""
    assert err == "reader: no saved search named 'kent dron'; did you mean @Kent drones?\n"


def test_searches_lists_counts(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    state = ReadingState().load()
    state.save_search("Kent", "", ['area:"kent"'], None)
    state.save_search("odd", "og.locale:en", [], None)  # no such field in this folder
    state.set_read("file:a.md#" + _body_hash(folder / "a.md"), True)
    state.save()
    _, out, _ = run(capsys, "searches", str(folder), "--json")
    data = json.loads(out)
    assert [(item["name"], item["total"], item["unread"]) for item in data] == [
        ("Kent", 3, 2),
        ("odd", None, None),
    ]
    assert data[1]["error"].startswith("unknown field 'og.locale:'")
    _, out, _ = run(capsys, "searches", str(folder))
    assert out.splitlines()[0] == '@Kent  3 (2 unread)  area:"kent"'


def _body_hash(path: Path) -> str:
    from reader.loading import load_article
    from reader.model import Article

    article = load_article(path, path.parent)
    assert isinstance(article, Article)
    return article.body_hash
