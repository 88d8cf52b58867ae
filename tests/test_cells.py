"""Terminal columns: one rule (rich's, as terminals draw text) for `reader list`/`search`
rows, the query caret and `reader stats` charts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.cli_overview import _print_chart
from reader.stats import Count
from reader.text.cells import cells, fit_cells

# (text, columns): joiners, marks and modifiers take none of their own.
CASES = [
    ("abc", 3),
    ("東京", 4),
    ("e\u0301", 1),  # a combining accent
    ("a\u200bb", 2),  # a zero-width space
    ("👍🏽", 2),  # an emoji and its skin tone: one emoji
    ("👨\u200d👩\u200d👧", 2),  # a family: three emoji joined, drawn as one
    ("☀\ufe0f", 2),  # a variation selector asking for the emoji
    ("🇬🇧", 2),  # a flag: two regional indicators
]


@pytest.mark.parametrize(("text", "columns"), CASES)
def test_zero_width_characters_and_emoji_modifiers_take_the_columns_terminals_give(
    text: str, columns: int
) -> None:
    assert cells(text) == columns == cell_len(text)


@pytest.mark.parametrize("width", range(2, 8))
@pytest.mark.parametrize("text", [text * 3 for text, _columns in CASES])
def test_fit_cells_pads_or_cuts_to_exactly_the_width(text: str, width: int) -> None:
    fitted = fit_cells(text, width)
    assert cells(fitted) == cell_len(fitted) == width
    if cells(text) > width:  # (a wide character halved leaves a space after the `…`)
        assert fitted.rstrip(" ").endswith("…") and len(fitted) - len(fitted.rstrip(" ")) <= 1
    else:
        assert fitted.rstrip(" ") == text


@given(st.text(max_size=30), st.integers(2, 40))
def test_any_text_fits_its_width_as_rich_measures_it(text: str, width: int) -> None:
    text = "".join(char for char in text if char.isprintable())
    assert cells(text) == cell_len(text)
    assert cell_len(fit_cells(text, width)) == width


def test_a_chart_lines_its_bars_up_with_the_same_rule(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    labels = ["Drones 👍🏽", "Family 👨\u200d👩\u200d👧", "東京", "plain"]
    _print_chart([Count(label, 3) for label in labels], "no area")
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 4
    assert {cells(row[: row.index("  3  ")]) for row in rows} == {cells(labels[1])}
