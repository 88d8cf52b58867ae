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
from typing import Any

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


@pytest.mark.parametrize("writer", ["atomic_write", "append_durably"])
def test_marks_made_while_a_save_writes_are_kept_for_the_next_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """The reader saves in a thread while its UI thread goes on marking. (The first save
    writes state.json whole; the later ones append to its journal.)"""
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    if writer == "append_durably":
        state.set_read("first", True)
        state.save()
    state.set_read("before", True)
    write = getattr(state_module, writer)

    def write_while_marking(*args: Any) -> Any:
        state.set_starred("during", True)  # the UI thread, mid-write
        return write(*args)

    monkeypatch.setattr(state_module, writer, write_while_marking)
    state.save()
    assert state.is_read("before") and state.is_starred("during")
    on_disk = ReadingState(path).load()
    assert on_disk.is_read("before") and not on_disk.is_starred("during")
    monkeypatch.setattr(state_module, writer, write)
    state.save()
    assert ReadingState(path).load().is_starred("during")


@pytest.mark.parametrize("writer", ["atomic_write", "append_durably"])
def test_a_failed_save_keeps_the_changes_to_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """A full disk: nothing written (the first save, state.json whole), or half a line
    (a later one, appending to the journal), which the next save cuts off."""
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    if writer == "append_durably":
        state.set_read("first", True)
        state.save()
    state.set_read("a", True)
    state.set_folder(tmp_path, FolderState("a.md"))
    write = getattr(state_module, writer)

    def full_disk(target: Path, data: bytes | str, *at: int) -> None:
        if at:
            write(target, data[: len(data) // 2], *at)  # half a line, then no space
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(state_module, writer, full_disk)
    with pytest.raises(OSError):
        state.save()
    monkeypatch.setattr(state_module, writer, write)
    state.save()
    again = ReadingState(path).load()
    assert again.is_read("a") and again.folder(tmp_path).selected == "a.md"
    assert again.warnings == []  # no torn line left to read as damage


def _mark_many(path: str, prefix: str, count: int, compacting: bool) -> None:
    state = ReadingState(Path(path)).load()
    for number in range(count):
        state.set_read(f"{prefix}{number}", True)
        state.save()
        if compacting and number % 7 == 3:
            state.compact()


@pytest.mark.parametrize("compacting", [False, True], ids=["saving", "saving and compacting"])
def test_two_processes_updating_at_once_keep_every_mark(tmp_path: Path, compacting: bool) -> None:
    path = tmp_path / "state.json"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_mark_many, args=(str(path), prefix, 40, compacting))
        for prefix in "xy"
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    final = ReadingState(path).load()
    assert all(final.is_read(f"{prefix}{n}") for prefix in "xy" for n in range(40))
    assert final.warnings == []


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
        print(number, flush=True)  # saved
        if sys.argv[2:] == ["compact"]:
            state.compact()
    """
)


@pytest.mark.parametrize("compacting", [False, True], ids=["saving", "saving and compacting"])
def test_a_kill_in_the_middle_of_writing_never_leaves_a_torn_file(
    tmp_path: Path, compacting: bool
) -> None:
    path = tmp_path / "state.json"
    seeded = ReadingState(path).load()
    seeded.set_starred("kept", True)
    seeded.save()
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), *(["compact"] if compacting else [])],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        saved = [int(line) for line in process.stdout.read().split()]
        data = json.loads(path.read_text("utf-8"))  # always whole, always parses
        assert data["marks"]["kept"]["starred"] is True
        state = ReadingState(path).load()
        assert state.warnings == [] and state.is_starred("kept")
        assert all(state.is_read(f"k{number}-299") for number in saved)  # nothing saved lost


@pytest.mark.parametrize("payload", ["[]", '{"version": 99}', '{"version": 1, "marks": 3}'])
def test_a_file_of_the_wrong_shape_is_set_aside_too(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(payload, "utf-8")
    state = ReadingState(path).load()
    assert state.marks == {} and state.warnings


# -- the journal: a save appends what changed; compacting folds it into state.json ------------


def saved_once(path: Path) -> ReadingState:
    """A state with a mark "first" saved: state.json is written, later saves append."""
    state = ReadingState(path).load()
    state.set_read("first", True)
    state.save()
    return state


def journal_lines(path: Path) -> list[dict[str, object]]:
    """The journal's records (its header left out)."""
    lines = path.with_name(path.name + ".journal").read_bytes().splitlines()
    return [json.loads(line) for line in lines[1:]]


def test_a_save_writes_only_what_changed_however_big_the_state(tmp_path: Path) -> None:
    """Rewriting 100,000 marks took 1.7-4.4 s a save, so saves queued and marks made
    seconds before a kill were lost: a save appends the change, and only the change."""
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    for number in range(100_000):
        state.set_read(f"url:https://example.org/news/{number}", True)
    state.save()
    before = path.stat()
    journal = path.with_name("state.json.journal")
    journal_size = journal.stat().st_size if journal.exists() else 0
    state.set_starred("url:https://example.org/news/7", True)
    state.save()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )  # state.json untouched
    assert journal.stat().st_size - journal_size < 200  # one line
    again = ReadingState(path).load()
    assert again.is_starred("url:https://example.org/news/7")
    assert again.is_read("url:https://example.org/news/99999") and len(again.marks) == 100_000


def test_a_line_torn_by_a_kill_is_ignored_and_cut_off_by_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.set_read("first", True)
    state.save()  # state.json
    state.set_read("second", True)
    state.save()  # the journal
    journal = path.with_name("state.json.journal")
    with journal.open("ab") as handle:
        handle.write(b'{"mark": "torn", "read": tr')  # a writer killed mid-line
    loaded = ReadingState(path).load()
    assert loaded.is_read("first") and loaded.is_read("second") and not loaded.is_read("torn")
    assert loaded.warnings == []
    loaded.set_starred("third", True)
    loaded.save()
    assert [line["mark"] for line in journal_lines(path)] == ["second", "third"]
    assert ReadingState(path).load().is_starred("third")


def test_compacting_folds_the_journal_into_state_json(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = saved_once(path)
    for number in range(50):
        state.set_starred(f"k{number}", True)
        state.save()
    assert len(journal_lines(path)) == 50
    state.set_read("unsaved", True)
    state.compact()
    assert journal_lines(path) == []
    data = json.loads(path.read_text("utf-8"))
    assert set(data["marks"]) == {"first", "unsaved"} | {f"k{n}" for n in range(50)}
    assert not state.unsaved  # compacting saved it first
    assert ReadingState(path).load().is_starred("k49")


def test_a_journal_bigger_than_the_state_asks_to_be_compacted(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = saved_once(path)
    number = 0
    while not state.wants_compaction:
        number += 1
        state.set_read(f"url:https://example.org/{number}", True)
        state.save()
    journal = path.with_name("state.json.journal")
    assert journal.stat().st_size > max(state_module.COMPACT_BYTES, path.stat().st_size)
    state.compact()
    assert not state.wants_compaction


def test_what_another_reader_saves_while_one_compacts_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    compacting = ReadingState(path).load()
    compacting.set_read("first", True)
    compacting.save()
    other = ReadingState(path).load()
    for number in range(20):
        compacting.set_read(f"a{number}", True)
        compacting.save()
    prepare = state_module.prepare_write

    def other_saves_meanwhile(target: Path, data: str | bytes) -> Path:
        other.set_starred("saved while compacting", True)
        other.save()
        compacting.set_starred("marked while compacting", True)
        return prepare(target, data)

    monkeypatch.setattr(state_module, "prepare_write", other_saves_meanwhile)
    compacting.compact()
    monkeypatch.setattr(state_module, "prepare_write", prepare)
    assert [line["mark"] for line in journal_lines(path)] == ["saved while compacting"]
    assert compacting.is_starred("saved while compacting")  # brought in
    other.set_read("after", True)
    other.save()  # the other reader sees the new journal and reads everything again
    compacting.save()
    other.set_read("last", True)
    other.save()  # brings in what compacting saved
    for state in (ReadingState(path).load(), other):
        assert state.is_read("a19") and state.is_read("after") and state.is_read("first")
        assert state.is_starred("saved while compacting")
        assert state.is_starred("marked while compacting")


def test_a_kill_between_the_two_renames_of_a_compaction_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """state.json replaced, the journal not yet: both are read, and replaying the journal
    over a state that already holds it changes nothing."""
    path = tmp_path / "state.json"
    first = ReadingState(path).load()
    first.set_read("first", True)
    first.save()
    other = ReadingState(path).load()
    first.set_read("a", True)
    first.save()
    first.set_read("a", False)
    first.save()  # the journal: a read, then unread

    def killed(self: ReadingState, lines: bytes) -> None:
        raise KeyboardInterrupt  # stands for the kill

    monkeypatch.setattr(ReadingState, "_new_journal", killed)
    with pytest.raises(KeyboardInterrupt):
        first.compact()
    monkeypatch.undo()
    assert '"a"' in path.read_text("utf-8")  # the new state.json, the old journal
    assert len(journal_lines(path)) == 2
    assert not ReadingState(path).load().is_read("a")
    other.set_starred("b", True)
    other.save()
    other.compact()  # the other reader noticed the new state.json: it keeps "a"
    final = ReadingState(path).load()
    assert "a" in final.marks and not final.is_read("a") and final.is_starred("b")


def test_a_state_file_from_before_the_journal_is_read_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    old = {
        "version": 1,
        "marks": {"k": {"read": True, "read_at": 1.0, "starred": False, "starred_at": 0.0}},
        "folders": {},
    }
    path.write_text(json.dumps(old, indent=1), "utf-8")
    state = ReadingState(path).load()
    assert state.is_read("k")
    state.set_starred("new", True)
    state.save()
    assert json.loads(path.read_text("utf-8")) == old
    again = ReadingState(path).load()
    assert again.is_read("k") and again.is_starred("new")


def test_damaged_journal_lines_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = saved_once(path)
    state.set_read("a", True)
    state.save()
    journal = path.with_name("state.json.journal")
    with journal.open("ab") as handle:
        handle.write(b"not json\n[1]\n" + b'{"mark": "b", "read": 1e999999, "read_at": "x"}\n')
    state.set_read("c", True)
    state.save()
    again = ReadingState(path).load()
    assert again.is_read("a") and again.is_read("c") and not again.is_read("b")
    assert len(again.warnings) == 1 and "3 damaged lines" in again.warnings[0]


def test_a_journal_with_a_damaged_header_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    saved_once(path)
    journal = path.with_name("state.json.journal")
    journal.write_bytes(b"\x00\x00garbage\n")
    again = ReadingState(path).load()
    assert again.is_read("first")
    assert len(again.warnings) == 1 and "damaged" in again.warnings[0]
    assert any(p.name.startswith("state.json.journal.broken-") for p in tmp_path.iterdir())
    again.set_read("second", True)
    again.save()
    assert ReadingState(path).load().is_read("second")
