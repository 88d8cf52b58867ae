"""`reader search`: JSON shape, --limit, --sort, --prefix, text output, bad queries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reader.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def search_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    status, out, _err = run(capsys, "search", *argv, "--json")
    assert status == 0
    results = json.loads(out)
    assert isinstance(results, list)
    return results


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    articles = {
        "title.md": ("Burglary unit launched", "2019-05-01", "Kent", "Officers said more."),
        "body.md": ("Road news", "2020-02-01", "Essex", "A burglary was reported."),
        "old.md": ("Archive", "2015-01-01", "Kent", "Nothing to see."),
        "initiative.md": ("Plans", "2021-07-07", "Kent", "Plans:\n\n * Burglary patrols\n"),
    }
    for name, (title, date, area, body) in articles.items():
        (tmp_path / name).write_text(
            f"---\ntitle: {title}\ndate: {date}\narea: {area}\n---\n{body}\n", encoding="utf-8"
        )
    return tmp_path


def test_json_is_list_json_plus_score_and_snippets(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, _err = run(capsys, "list", str(folder), "--json")
    assert status == 0
    listed = {item["id"]: item for item in json.loads(out)}
    results = search_json(capsys, "burglary", str(folder))
    assert [r["id"] for r in results] == ["title.md", "initiative.md", "body.md"]
    for result in results:
        assert set(result) == set(listed[result["id"]]) | {"score", "snippets"}
        assert {k: v for k, v in result.items() if k not in ("score", "snippets")} == listed[
            result["id"]
        ]
        assert isinstance(result["score"], float)
        assert all(isinstance(snippet, str) for snippet in result["snippets"])
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert results[2]["snippets"] == ["A burglary was reported."]


def test_query_without_words_is_newest_first_with_null_scores(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    results = search_json(capsys, "area:kent", str(folder))
    assert [r["id"] for r in results] == ["initiative.md", "title.md", "old.md"]
    assert {r["score"] for r in results} == {None}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["initiative.md", "body.md", "title.md"]),
        ("oldest", ["title.md", "body.md", "initiative.md"]),
        ("title", ["title.md", "initiative.md", "body.md"]),
        ("relevance", ["title.md", "initiative.md", "body.md"]),
    ],
)
def test_sort(
    capsys: pytest.CaptureFixture[str], folder: Path, sort: str, expected: list[str]
) -> None:
    results = search_json(capsys, "burglary", str(folder), "--sort", sort)
    assert [r["id"] for r in results] == expected
    assert all(isinstance(r["score"], float) for r in results)


def test_limit(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    assert [r["id"] for r in search_json(capsys, "burglary", str(folder), "--limit", "1")] == [
        "title.md"
    ]
    assert search_json(capsys, "burglary", str(folder), "--limit", "0") == []
    with pytest.raises(SystemExit) as exited:
        main(["search", "x", str(folder), "--limit", "-1"])
    assert exited.value.code == 2
    assert "--limit: -1 is negative" in capsys.readouterr().err


def test_query_starting_with_a_dash(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    expected = ["initiative.md", "title.md", "old.md"]
    # Options go before the "--" that ends them.
    status, out, _err = run(capsys, "search", "--json", "--", "-area:essex", str(folder))
    assert status == 0
    assert [r["id"] for r in json.loads(out)] == expected
    # With a space in it, argparse takes it as the query without the "--".
    results = search_json(capsys, "-area:essex kent", str(folder), "--sort", "newest")
    assert [r["id"] for r in results] == expected


def test_prefix(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    assert search_json(capsys, "burgl", str(folder)) == []
    assert len(search_json(capsys, "burgl", str(folder), "--prefix")) == 3


def test_text_output_is_list_rows_with_a_snippet(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    status, out, err = run(capsys, "search", "reported", str(folder))
    assert status == 0
    assert out.splitlines() == [
        "2020-02-01  Essex               Road news  [body.md]",
        "    A burglary was reported.",
    ]
    assert err == "1 of 4 articles match\n"


@pytest.mark.parametrize(
    ("query", "message", "hint"),
    [
        ("titel:burglary", "unknown field 'titel:' at column 1", "did you mean title:?"),
        ('burglary "kent', "unclosed quote at column 10", 'add a closing "'),
        ("before:2019-13", "'2019-13' is not a date at column 8", "2019-09-27"),
        ("a OR", "OR needs a search term after it at column 3", "a OR b"),
        ("is:red", "unknown state 'is:red' at column 4", "did you mean is:read?"),
    ],
)
def test_bad_query_exits_2_with_the_message_on_stderr(
    capsys: pytest.CaptureFixture[str], folder: Path, query: str, message: str, hint: str
) -> None:
    status, out, err = run(capsys, "search", query, str(folder), "--json")
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == f"reader: {message}"
    assert lines[1] == f"  {query}"
    column = int(message.rsplit(" ", 1)[1])
    assert lines[2] == "  " + " " * (column - 1) + "^"
    assert lines[3].startswith("hint: ") and hint in lines[3]


PASTED = " ".join(f"word{number}" for number in range(5000))  # a pasted page: 5,000 words
ORS = " OR ".join(["police"] * 3000)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (PASTED, "query longer than 1,000 characters at column 1001"),
        (PASTED[:999], "more than 32 search terms at column 215"),
        (ORS[:999], "more than 32 search terms at column 321"),
        (
            "police (kent OR " * 11 + "crime" + ")" * 11,
            "query nested more than 10 deep at column 168",
        ),
    ],
    ids=["5000 words", "33 words", "33 ORs", "11 deep"],
)
def test_a_query_too_big_to_be_typed_exits_2_at_once_saying_where(
    capsys: pytest.CaptureFixture[str], folder: Path, query: str, message: str
) -> None:
    """A pasted query of 5,000 words, or 3,000 ORs, ran for minutes."""
    status, out, err = run(capsys, "search", query, str(folder), "--json")
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"reader: {message}"
    assert len(lines) == 4 and all(len(line) < 200 for line in lines)
    column = int(message.rsplit(" ", 1)[1])
    assert lines[1][lines[2].index("^")] == query[column - 1]  # shown around the column


def test_installed_command(folder: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reader", "search", "title:(burglary)", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "title: needs something to search for at column 7" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "reader", "search", "burglary -area:essex", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert [r["id"] for r in json.loads(done.stdout)] == ["title.md", "initiative.md"]


def test_is_flags_use_the_readers_saved_marks(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    from reader.articles import open_store
    from reader.state import ReadingState

    store = open_store(folder)
    store.refresh()
    rows = {row.id: row for row in store.rows()}
    store.close()
    state = ReadingState().load()
    state.set_read(rows["body.md"].state_key, True)
    state.set_starred(rows["body.md"].state_key, True)
    state.save()

    assert [a["id"] for a in search_json(capsys, "is:read", str(folder))] == ["body.md"]
    assert [a["id"] for a in search_json(capsys, "is:starred", str(folder))] == ["body.md"]
    unread = {a["id"] for a in search_json(capsys, "is:unread", str(folder))}
    assert unread == set(rows) - {"body.md"}


@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_json_results_are_written_as_json_dumps_writes_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ensure_ascii: bool
) -> None:
    """Each result on its line as json.dumps makes it (key order, separators, escapes:
    `\\u00e9` only where the output cannot take every character)."""
    from reader import cli_search
    from reader.articles import open_store
    from reader.search import parse_query

    (tmp_path / "a.md").write_text(
        '---\ntitle: Café “burglary”\nog:\n  type: délit\n---\nUn burglary à Paris \\ "x"\n',
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text("# Burglary\n\nNothing\ttabbed 東京.\n", encoding="utf-8")
    store = open_store(tmp_path, use_cache=False)
    try:
        store.refresh()
        ids = [row.id for row in store.rows()]
        scores = {ids[0]: 1.5, ids[1]: None}
        query = parse_query("burglary")
        made = "".join(cli_search.search_json(store, ids, scores, query, ensure_ascii=ensure_ascii))
        items = json.loads(f"[{made}]")
        assert [item["id"] for item in items] == ids and items[0]["snippets"]
        assert made == ",\n".join(json.dumps(item, ensure_ascii=ensure_ascii) for item in items)
    finally:
        store.close()
