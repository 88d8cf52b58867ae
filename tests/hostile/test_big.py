"""The heavy part of the corpus: a 50 MB one-line body, 15 MB bodies just under the file
size limit, 10 MB metadata blocks and a folder of 10,000 empty files.

`reader check --json` runs in a subprocess that reports its own peak memory (and that
of the worker processes the index uses); the bound is a generous "did not blow up"
guard, as the timeout is a "did not hang" one. Measured on 2 cores: about 7 s and 240 MB
cold through the index, 4 s and 240 MB with --no-cache.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tui.helpers import settle

from hostile.corpus import HostileCorpus
from hostile.test_cli import HANG_SECONDS, assert_check_matches, assert_terminal_safe
from hostile.test_tui import assert_document_safe, assert_screen_safe, wait
from reader.limits import MAX_SHOWN_LINES
from reader.tui.app import ReaderApp

# Peak resident memory allowed for one process: the corpus is ~150 MB on disk.
RSS_LIMIT_MB = 1024

# Runs `reader` in this interpreter and prints the peak RSS (own and of any worker
# process) to stderr as the last line.
_MEASURE = """
import resource, sys
from reader.cli import main
status = main(sys.argv[1:])
who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
peak = max(resource.getrusage(w).ru_maxrss for w in who)
sys.stderr.write(f"\\npeak-rss-kb {peak}\\n")
sys.exit(status)
"""


@pytest.mark.parametrize("flags", [(), ("--no-cache",)], ids=["index", "no-cache"])
def test_check_on_the_big_corpus_is_bounded(big_corpus: HostileCorpus, flags: tuple[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, "check", "--json", *flags, str(big_corpus.root)],
        capture_output=True,
        timeout=HANG_SECONDS,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    *_, last = result.stderr.decode().strip().splitlines()
    peak_mb = int(last.removeprefix("peak-rss-kb ")) // 1024
    assert peak_mb < RSS_LIMIT_MB
    assert_terminal_safe(result.stdout)
    assert_check_matches(big_corpus, json.loads(result.stdout))


async def test_the_reader_opens_the_big_corpus_and_its_biggest_articles(
    big_corpus: HostileCorpus,
) -> None:
    app = ReaderApp(big_corpus.root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = big_corpus.expected(simulated=False)
        assert len(app.session.all_rows) + len(app.session.problems) == len(expected)
        for name in ("big/body_15mb_line.md", "big/body_15mb_items.md", "big/body_15mb_lines.md"):
            app.main.go_to_article(name)
            await wait(pilot)
            assert app.main.shown is not None and app.main.shown.id == name
            view = app.main.article_view
            assert_document_safe(view)
            text = " ".join(view.plain_text().split())
            if name == "big/body_15mb_items.md":
                # Its markdown part (MAX_MARKDOWN_MARKS) is 25,000 items, a line and a gap
                # each: they fill the lines a view lays out before the plain text's notice.
                assert f"Only the first {MAX_SHOWN_LINES:,} lines are shown" in text
            else:
                assert "From here on the article is shown as plain text" in text
            await pilot.press("G")  # to the end of what is laid out
            await wait(pilot)
            assert_screen_safe(pilot)
        await pilot.press("h", "G", "e")
        await wait(pilot)
        assert_screen_safe(pilot)
        assert app.is_running
