"""Reading state: marks, folder positions, atomic writes, recovery, concurrent readers."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from reader import state as state_module
from reader.loading import parse_article
from reader.state import FolderState, ReadingState


def test_marks_survive_a_save_and_a_reload(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.set_read("url:https://a.example/1", True)
    state.set_starred("url:https://a.example/2", True)
    state.save()

    again = ReadingState(path).load()
    assert again.is_read("url:https://a.example/1")
    assert not again.is_starred("url:https://a.example/1")
    assert again.is_starred("url:https://a.example/2")
    assert not again.is_read("url:https://a.example/2")
    assert not again.is_read("url:https://a.example/3")


def test_folder_position_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.set_folder(tmp_path, FolderState("a.md", 12.0, "burglary", ['area:"kent"'], "oldest"))
    state.save()
    restored = ReadingState(path).load().folder(tmp_path)
    assert (restored.selected, restored.scroll, restored.query) == ("a.md", 12.0, "burglary")
    assert (restored.facets, restored.sort) == (['area:"kent"'], "oldest")
    assert ReadingState(path).load().folder(tmp_path / "other") == FolderState()


def test_a_folder_named_in_bytes_that_are_not_utf8_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/bad\xff\x1bname"))
    state = ReadingState(path).load()
    state.set_folder(folder, FolderState("a.md", 3.0, "", [], "newest"))
    state.set_read("path:bad\udcff.md:0", True)
    state.save()
    again = ReadingState(path).load()
    assert again.folder(folder).selected == "a.md"
    assert again.is_read("path:bad\udcff.md:0")


def test_the_state_file_stays_readable_text(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.set_folder(tmp_path / "Новости", FolderState(None, 0.0, "полиция café", [], "newest"))
    state.save()
    text = path.read_text("utf-8")
    assert "Новости" in text and "полиция café" in text  # not \u escapes
    assert ReadingState(path).load().folder(tmp_path / "Новости").query == "полиция café"


def test_state_key_prefers_the_url_and_else_uses_path_and_body(tmp_path: Path) -> None:
    with_url = parse_article(
        "---\nurl: https://x.example/a\n---\nBody", path=tmp_path / "a.md", article_id="a.md"
    )
    assert with_url.state_key == "url:https://x.example/a"
    plain = parse_article("# T\n\nBody one", path=tmp_path / "b.md", article_id="b.md")
    same_elsewhere = parse_article("# T\n\nBody one", path=Path("/moved/b.md"), article_id="b.md")
    edited = parse_article("# T\n\nBody two", path=tmp_path / "b.md", article_id="b.md")
    assert plain.state_key.startswith("file:b.md#")
    assert plain.state_key == same_elsewhere.state_key  # the folder moved: marks follow
    assert plain.state_key != edited.state_key


def test_a_damaged_file_is_moved_aside_and_a_fresh_one_started(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"version": 1, "marks": {"k": {"read": tr', "utf-8")
    state = ReadingState(path).load()
    assert state.marks == {}
    assert len(state.warnings) == 1 and "damaged" in state.warnings[0]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("state.json.broken-")]
    assert len(kept) == 1 and kept[0].read_text("utf-8").startswith('{"version": 1')
    state.set_read("k", True)
    state.save()
    assert ReadingState(path).load().is_read("k")


def test_two_readers_do_not_erase_each_others_marks(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first = ReadingState(path).load()
    second = ReadingState(path).load()
    first.set_read("a", True)
    second.set_starred("b", True)
    first.save()
    second.save()  # second never saw "a", and must keep it
    merged = ReadingState(path).load()
    assert merged.is_read("a") and merged.is_starred("b")
    assert second.is_read("a")  # a save also brings in the other reader's marks


def test_the_later_change_to_a_mark_wins(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    early = ReadingState(path).load()
    late = ReadingState(path).load()
    early.set_read("a", True)
    time.sleep(0.01)
    late.set_read("a", True)
    late.set_read("a", False)  # the latest change of all: unread
    late.save()
    early.save()  # saved last, but its change is older
    assert not ReadingState(path).load().is_read("a")


def test_marks_made_while_a_save_writes_are_kept_for_the_next_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader saves in a thread while its UI thread goes on marking."""
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.set_read("before", True)
    write = state_module.atomic_write

    def write_while_marking(target: Path, data: str) -> None:
        state.set_starred("during", True)  # the UI thread, mid-write
        write(target, data)

    monkeypatch.setattr(state_module, "atomic_write", write_while_marking)
    state.save()
    assert state.is_read("before") and state.is_starred("during")
    on_disk = ReadingState(path).load()
    assert on_disk.is_read("before") and not on_disk.is_starred("during")
    monkeypatch.setattr(state_module, "atomic_write", write)
    state.save()
    assert ReadingState(path).load().is_starred("during")


def test_a_failed_save_keeps_the_changes_to_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.set_read("a", True)
    state.set_folder(tmp_path, FolderState("a.md"))
    write = state_module.atomic_write

    def full_disk(target: Path, data: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(state_module, "atomic_write", full_disk)
    with pytest.raises(OSError):
        state.save()
    monkeypatch.setattr(state_module, "atomic_write", write)
    state.save()
    again = ReadingState(path).load()
    assert again.is_read("a") and again.folder(tmp_path).selected == "a.md"


def _mark_many(path: str, prefix: str, count: int) -> None:
    state = ReadingState(Path(path)).load()
    for number in range(count):
        state.set_read(f"{prefix}{number}", True)
        state.save()


def test_two_processes_updating_at_once_keep_every_mark(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_mark_many, args=(str(path), prefix, 40)) for prefix in "xy"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    final = ReadingState(path).load()
    assert all(final.is_read(f"{prefix}{n}") for prefix in "xy" for n in range(40))


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reader.state import ReadingState
    state = ReadingState(Path(sys.argv[1])).load()
    number = 0
    print("ready", flush=True)
    while True:
        number += 1
        for key in range(300):  # a big file, so a kill lands mid-write
            state.set_read(f"k{number}-{key}", True)
        state.save()
    """
)


def test_a_kill_in_the_middle_of_writing_never_leaves_a_torn_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    seeded = ReadingState(path).load()
    seeded.set_starred("kept", True)
    seeded.save()
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        data = json.loads(path.read_text("utf-8"))  # always whole, always parses
        assert data["marks"]["kept"]["starred"] is True
        state = ReadingState(path).load()
        assert state.warnings == [] and state.is_starred("kept")


@pytest.mark.parametrize("payload", ["[]", '{"version": 99}', '{"version": 1, "marks": 3}'])
def test_a_file_of_the_wrong_shape_is_set_aside_too(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(payload, "utf-8")
    state = ReadingState(path).load()
    assert state.marks == {} and state.warnings
