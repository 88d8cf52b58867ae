"""The installed `reader` command on the hostile corpus: `reader check --json` survives
every file with the index and without it, counts every file, and nothing the commands
print holds a byte sequence a terminal would act on.

Subprocesses get generous timeouts as "did not hang" guards, not as speed checks.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hostile.corpus import HostileCorpus

READER = Path(sys.executable).with_name("reader")
HANG_SECONDS = 300
# C0 controls but newline, C1 controls (raw or as UTF-8), DEL, bidi controls: in bytes.
TERMINAL_CONTROLS = re.compile(
    rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


def run_reader(*args: str) -> subprocess.CompletedProcess[bytes]:
    assert READER.exists(), f"the reader command is not installed next to {sys.executable}"
    return subprocess.run(
        [str(READER), *args], capture_output=True, timeout=HANG_SECONDS, check=False
    )


def assert_terminal_safe(output: bytes) -> None:
    found = TERMINAL_CONTROLS.search(output)
    assert found is None, output[max(0, found.start() - 80) : found.end() + 80]


def check_json(root: Path, *flags: str) -> dict[str, Any]:
    result = run_reader("check", "--json", *flags, str(root))
    assert_terminal_safe(result.stdout + result.stderr)
    assert result.returncode == 1, result.stderr.decode(errors="replace")  # 1: problems
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def assert_check_matches(corpus: HostileCorpus, data: dict[str, Any]) -> None:
    """The counts add up, each problem is the expected one, and each limit an article
    runs into is among the warnings printed for it."""
    expected = corpus.expected(simulated=False)
    assert data["articles"] + len(data["problems"]) == len(expected)
    root = corpus.root

    def entry_id(path: str) -> str:
        return Path(path).relative_to(root).as_posix()

    problems = {entry_id(p["path"]): p["message"] for p in data["problems"]}
    should_fail = {key for key, entry in expected.items() if entry.outcome == "problem"}
    assert set(problems) == should_fail
    warnings: dict[str, list[str]] = {}
    for warning in data["warnings"]:
        warnings.setdefault(entry_id(warning["path"]), []).append(warning["message"])
    missing = []
    for key, entry in expected.items():
        if entry.reported is None:
            continue
        messages = [problems[key]] if key in problems else warnings.get(key, [])
        if not any(entry.reported in message for message in messages):
            missing.append((key, entry.reported, messages[:3]))
    assert not missing, missing


@pytest.mark.parametrize("flags", [(), ("--no-cache",)], ids=["index", "no-cache"])
def test_reader_check_json_survives_every_file(corpus: HostileCorpus, flags: tuple[str]) -> None:
    data = check_json(corpus.root, *flags)
    assert_check_matches(corpus, data)


def test_check_twice_through_the_index_gives_the_same_answer(corpus: HostileCorpus) -> None:
    first = check_json(corpus.root)
    assert check_json(corpus.root) == first


def test_list_and_show_print_nothing_a_terminal_would_act_on(corpus: HostileCorpus) -> None:
    listed = run_reader("list", str(corpus.root))
    assert listed.returncode == 0, listed.stderr
    assert_terminal_safe(listed.stdout + listed.stderr)
    # Every hostile name and title is in the list, escaped or cleaned.
    assert b"[names/esc\\x1b]0;pwned\\x07\\x1b[2J.md]" in listed.stdout
    assert listed.stdout.count(b"\n") == sum(
        1 for entry in corpus.expected(simulated=False).values() if entry.outcome == "article"
    )
    for name in ("title", "csi8"):
        shown = run_reader("show", f"text/escape_{name}.md", "--root", str(corpus.root))
        assert shown.returncode == 0, shown.stderr
        assert_terminal_safe(shown.stdout + shown.stderr)
    listed = run_reader("list", "--json", "--no-cache", str(corpus.root))
    assert listed.returncode == 0
    assert_terminal_safe(listed.stdout + listed.stderr)


def test_search_survives_the_corpus(corpus: HostileCorpus) -> None:
    for query in ("pwned", "deep text", "title:[/]", 'body:"\x1b[2J"', "item OR word"):
        result = run_reader("search", "--json", query, str(corpus.root))
        assert result.returncode in (0, 2), result.stderr  # 2: a query error, reported
        assert_terminal_safe(result.stdout + result.stderr)


@pytest.mark.parametrize("flags", [(), ("--no-cache",)], ids=["index", "no-cache"])
def test_one_file_whose_name_is_not_utf8_is_checked_listed_and_searched(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9.md")))  # Latin-1
    path.write_text("# Caf\u00e9 in Latin-1\n\nDrones.\n", "utf-8")
    for command in (["check"], ["list"], ["search", "drones"]):
        result = run_reader(*command, str(path), "--json", *flags)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        assert_terminal_safe(result.stdout + result.stderr)
        assert b"caf\\\\xe9.md" in result.stdout, result.stdout  # escaped, in JSON
    checked = json.loads(run_reader("check", "--json", *flags, str(path)).stdout)
    assert checked["articles"] == 1 and checked["problems"] == []
