"""The progress a first load shows: the folder is read while it is still being walked,
so for a while only the files read so far are known, then the total."""

from __future__ import annotations

from typing import Any

import pytest

from reader.tui import workers as workers_module
from reader.tui.app import ReaderApp
from reader.tui.widgets.header import ReaderHeader
from tests.index.test_walk_into_reading import small_batches
from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running


async def test_the_header_says_the_folder_is_still_being_walked_then_the_total(
    write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 120
    folder = write_articles(
        {f"{n % 12:02d}/{n:03d}.md": fenced(f"Title {n}", f"Body {n}.") for n in range(count)}
    )
    # Small batches and a pool from 8 files: the walk of 120 files runs into the
    # reading as 100,000 would; every batch is posted.
    small_batches(monkeypatch)
    monkeypatch.setattr(workers_module, "BATCH_SECONDS", 0.0)
    seen: list[tuple[tuple[int, int | None] | None, str, float | None]] = []
    show_status = ReaderHeader.show_status

    def spy(header: ReaderHeader, *args: Any, **kwargs: Any) -> None:
        show_status(header, *args, **kwargs)
        app = header.app
        assert isinstance(app, ReaderApp)
        seen.append((header.status.loading, header.render().plain, app.main.progress.total))

    monkeypatch.setattr(ReaderHeader, "show_status", spy)
    async with running(folder) as pilot:
        app = reader(pilot)
        assert len(app.session.all_rows) == count
        assert "loading" not in app.main.header.render().plain
    walking = [entry for entry in seen if entry[0] is not None and entry[0][1] is None]
    counted = [entry for entry in seen if entry[0] is not None and entry[0][1] == count]
    assert walking and counted
    for (done, _total), text, bar_total in walking:
        assert 0 < done < count
        assert f"loading {done:,} read, folder still being walked" in text
        assert bar_total is None  # the bar has no end to show yet
    for (done, _total), text, bar_total in counted:
        assert f"loading {done:,}/{count:,}" in text
        assert bar_total == count
    # The total, once known, stays: no "still being walked" after it.
    first_counted = seen.index(counted[0])
    assert all(entry not in walking for entry in seen[first_counted:])
    assert counted[-1][0] == (count, count)


async def test_a_first_load_lists_its_first_rows_at_once(
    write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is handed batches a quarter of a second apart; but an empty list gets
    the first rows as soon as they are read, however soon that is."""
    count = 40
    folder = write_articles(
        {f"{n:03d}.md": fenced(f"Title {n}", f"Body {n}.") for n in range(count)}
    )
    small_batches(monkeypatch)
    monkeypatch.setattr(workers_module, "BATCH_SECONDS", 3600.0)
    posted: list[tuple[int, int | None]] = []
    progress = workers_module.LoadProgress

    def spy(done: int, total: int | None, *args: Any) -> Any:
        posted.append((done, total))
        return progress(done, total, *args)

    monkeypatch.setattr(workers_module, "LoadProgress", spy)
    async with running(folder) as pilot:
        assert len(reader(pilot).session.all_rows) == count
    assert posted == [(4, None), (count, count)]
