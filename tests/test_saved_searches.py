"""Saved searches in the reading state: kept, replaced, deleted, merged between readers,
and found by name (reader.state, reader.saved_searches)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.saved_searches import (
    MAX_NAME,
    UnknownSearch,
    clean_name,
    describe,
    find_saved,
    listing_of,
)
from reader.state import ReadingState, SavedSearch


def test_a_saved_search_survives_a_save_and_a_reload(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.save_search("Kent drones", "drones", ['area:"kent"', "date:2019"], "oldest")
    state.save()
    again = ReadingState(path).load()
    found = again.saved_search("kent DRONES")
    assert found is not None
    assert (found.name, found.query, found.facets, found.sort) == (
        "Kent drones",
        "drones",
        ['area:"kent"', "date:2019"],
        "oldest",
    )
    # The same after compaction folds the journal into state.json.
    again.compact()
    assert ReadingState(path).load().saved_search("kent drones") == found
    assert "searches" in json.loads(path.read_text(encoding="utf-8"))


def test_saving_a_name_again_replaces_it_in_any_case(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.json").load()
    state.save_search("kent", "one", [], None)
    state.save_search("KENT", "two", [], "title")
    assert [(s.name, s.query) for s in state.saved_searches()] == [("KENT", "two")]


def test_deleting_wins_over_an_older_copy_in_another_reader(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    first = ReadingState(path).load()
    first.save_search("b", "beta", [], None)
    first.save_search("a", "alpha", [], None)
    first.save()
    second = ReadingState(path).load()
    assert [s.name for s in second.saved_searches()] == ["a", "b"]
    assert first.delete_search("A")
    assert not first.delete_search("a")  # already gone
    first.save()
    second.save_search("c", "gamma", [], None)
    second.save()  # brings in the deletion
    assert [s.name for s in second.saved_searches()] == ["b", "c"]
    assert [s.name for s in ReadingState(path).load().saved_searches()] == ["b", "c"]


def test_a_state_file_from_before_saved_searches_loads(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "marks": {}, "folders": {}}), encoding="utf-8")
    state = ReadingState(path).load()
    assert state.saved_searches() == [] and state.warnings == []
    state.save_search("x", "y", [], None)
    state.save()
    assert ReadingState(path).load().saved_search("x") is not None


def test_a_damaged_journal_line_does_not_lose_the_others(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = ReadingState(path).load()
    state.save_search("first", "a", [], None)
    state.save()
    state.save_search("second", "b", [], None)
    state.save()
    journal = state.journal_path
    journal.write_bytes(journal.read_bytes() + b'{"search": "x", "nam\n')
    again = ReadingState(path).load()
    assert [s.name for s in again.saved_searches()] == ["first", "second"]
    assert any("damaged line" in warning for warning in again.warnings)


def test_names_are_cleaned() -> None:
    assert clean_name("  @kent \x1b[2J drones\n ") == "kent [2J drones"
    assert clean_name("@@") == ""
    assert len(clean_name("x" * 500)) == MAX_NAME


def test_finding_by_name_says_what_there_is(tmp_path: Path) -> None:
    state = ReadingState(tmp_path / "state.json").load()
    with pytest.raises(UnknownSearch, match="none are saved yet"):
        find_saved(state, "@kent")
    state.save_search("Kent drones", "drones", [], None)
    assert find_saved(state, "@kent drones").query == "drones"
    with pytest.raises(UnknownSearch, match="did you mean @Kent drones"):
        find_saved(state, "@kent drone")
    with pytest.raises(UnknownSearch, match="saved: @Kent drones"):
        find_saved(state, "@zzz")


def test_a_saved_search_lists_as_the_reader_would() -> None:
    saved = SavedSearch("k", "drones", ['area:"kent"', "date:2019-09", 'area:"essex"'], "bogus")
    listing = listing_of(saved)
    assert (listing.text, listing.sort) == ("drones", "newest")  # an unknown sort: the default
    assert listing.facets == ('area:"kent"', "date:2019-09", 'area:"essex"')
    assert describe(saved) == 'drones · area:"kent" OR area:"essex" · date:2019-09'
    assert describe(SavedSearch("all")) == "(every article)"
