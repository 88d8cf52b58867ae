"""CI keeps the benchmark harness working: a 1,000-article run, checked for sense."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def generated(out: Path, count: int, *options: str) -> Path:
    """A corpus of `count` articles written by bench/generate.py into `out`."""
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--count", str(count), "--out", str(out),
         *options],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return out


def test_generator_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generated(tmp_path / name, 30)
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.txt"))
    second = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.txt"))
    assert first == second and len(first) == 30
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()


def test_harness_runs_at_1k(tmp_path: Path) -> None:
    corpus = generated(tmp_path / "corpus", 1000, "--huge")
    result = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--corpus", str(corpus), "--runs", "1", "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(result.stdout)
    assert report["files"] == 1001
    assert report["cold"]["runs"][0]["articles"] == 1001
    assert 0 < report["cold"]["first_batch_seconds"] <= report["cold"]["seconds"]
    assert report["warm_open"]["runs"][0]["rows"] == 1001
    assert report["warm_open"]["peak_rss_mb"] > 0
    queries = report["search"]["queries"]
    assert len(queries) == 20
    assert queries["police"]["matches"] == 1001  # every generated article says "police"
    assert queries["-police"]["matches"] == 0
    assert report["search"]["warm_p50_ms"] <= report["search"]["warm_p95_ms"]
    assert report["article_open"]["1mb"]["bytes"] > 1_000_000
    assert report["search"]["best_p50_ms"] <= report["search"]["best_p95_ms"]
    assert report["cold"]["index_mb"] > 0
    assert set(report["cli_vs_grep"]) == {
        "burglary",
        "drones",
        "cafe",
        "742",
        "burglary --limit 20",
    }


def test_reading_state_and_live_reload_bench_runs(tmp_path: Path) -> None:
    corpus = generated(tmp_path / "corpus", 200)
    result = subprocess.run(
        [sys.executable, str(BENCH / "tui_state.py"), "--corpus", str(corpus), "--runs", "1"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = result.stdout.splitlines()
    assert any(line.startswith("key 200 rows:") for line in lines), result.stdout
    assert "  180 unread, 1 starred" in lines  # a tenth read, one in 500 starred
    for change in ("created", "edited", "deleted"):
        assert any(line.startswith(f"file {change} -> in the list: median") for line in lines)
    assert any(line.startswith("u / * on the UI thread") for line in lines)


def test_writing_side_bench_runs(tmp_path: Path) -> None:
    corpus = generated(tmp_path / "corpus", 300)
    result = subprocess.run(
        [sys.executable, str(BENCH / "index_writes.py"), "--corpus", str(corpus),
         "--articles", "1500"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert result.stdout.startswith("1,500 articles written in ")  # 5 batches of the 300


def test_bench_scripts_start(tmp_path: Path) -> None:
    # Each script at least imports what it uses (one imported a function that had moved).
    for script in sorted(BENCH.glob("*.py")):
        result = subprocess.run(
            [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, (script.name, result.stderr[-500:])


def test_installed_docs_are_collected(tmp_path: Path) -> None:
    source = tmp_path / "docs"
    (source / "api").mkdir(parents=True)
    (source / "api" / "fs.md").write_text("# fs\n")
    (source / "intro.mdx").write_text("# Intro\n")
    (source / "logo.png").write_bytes(b"\x89PNG")
    result = subprocess.run(
        [sys.executable, str(BENCH / "collect_docs.py"), "--out", str(tmp_path / "out"),
         str(source)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    copied = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.*"))
    assert copied == [Path("docs/api/fs.md"), Path("docs/intro.mdx")]
    assert "2 files" in result.stdout


def test_cjk_pages_are_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        subprocess.run(
            [sys.executable, str(BENCH / "generate_markdown.py"), "--cjk", "--files", "12",
             "--out", str(tmp_path / name)],
            check=True, capture_output=True,
        )  # fmt: skip
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    assert len(first) == 12
    for relative in first:
        text = (tmp_path / "a" / relative).read_text("utf-8")
        assert text == (tmp_path / "b" / relative).read_text("utf-8")
        assert text.startswith("---\ntitle: ")
        assert "。" in text or ". " in text  # Korean ends its sentences with a stop
