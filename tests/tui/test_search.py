"""Search in the reader: the bar (/), hits in titles and bodies (n / N), facets (f), sort
(s) and the initiatives view (i), driven through Pilot and checked against the app's state
and against what the files hold."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from rich.color import ColorSystem
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from reader.model import ListRow
from reader.tui import app as app_module
from reader.tui import messages as messages_module
from reader.tui import workers as workers_module
from reader.tui.app import ReaderApp
from reader.tui.results import InitiativeRow
from reader.tui.screens import list_events as list_events_module
from reader.tui.screens import main as main_module
from reader.tui.screens.facets import FacetPrompt, FacetScreen
from reader.tui.widgets import header as header_module
from tests.conftest import CacheDiskFull
from tui.conftest import WriteArticles
from tui.helpers import fenced, reader, running, screen_text, search, settle, titles, until

# Six articles: areas, years, initiatives and a word ("drone") whose relevance order is
# not the date order.
NEWS = {
    "a.md": fenced(
        "Drone unit takes off",
        "The drone unit flew 40 drone missions.\n\n* First drone initiative\n* Second thing",
        date="09:00 01/03/2018",
        area="Kent",
    ),
    "b.md": fenced(
        "Burglary figures fall",
        "Burglary fell by a third.\n\n* Cocooning burglary victims\n* Marking property",
        date="09:00 01/06/2019",
        area="Essex",
    ),
    "c.md": fenced(
        "Summer patrols",
        "Officers patrol beaches. A drone helps.\n\n"
        "* Beach patrols\n* Lifeguard links\n* Drone cover",
        date="09:00 01/07/2020",
        area="Kent",
    ),
    "d.md": fenced(
        "Speed checks", "Speed checks on the A1.", date="09:00 01/01/2021", area="Surrey"
    ),
    "e.md": fenced(
        "Cyber advice",
        "Advice on scams and burglary prevention.",
        date="09:00 01/02/2022",
        area="Essex",
    ),
    "f.md": fenced(
        "Knife arch", "A knife arch at the station.", date="09:00 01/05/2023", area="Kent"
    ),
}
NEWEST_FIRST = [
    "Knife arch",
    "Cyber advice",
    "Speed checks",
    "Summer patrols",
    "Burglary figures fall",
    "Drone unit takes off",
]


def screen_line(app: ReaderApp, y: int) -> str:
    """Line `y` of the article list as drawn."""
    return "".join(segment.text for segment in app.main.article_list.render_line(y))


def counts_line(app: ReaderApp) -> str:
    return str(app.main.query_one("#sidebar").border_subtitle)


@pytest.fixture
def news(write_articles: WriteArticles) -> Path:
    return write_articles(NEWS)


async def test_the_list_filters_as_you_type_with_a_count(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        assert titles(app) == NEWEST_FIRST
        assert counts_line(app) == "6 · newest first"
        await search(pilot, "burglary")
        assert app.main.search_bar.display
        assert set(titles(app)) == {"Burglary figures fall", "Cyber advice"}
        assert counts_line(app) == "2 of 6 · by relevance"
        # One more word narrows it: both words must match.
        await search(pilot, " prevention")
        assert titles(app) == ["Cyber advice"]
        assert counts_line(app) == "1 of 6 · by relevance"


async def test_slash_selects_the_query_so_typing_replaces_it(news: Path) -> None:
    """Back from the list (or with the last visit's query restored), `/` and a new word
    searched the old query with the word stuck to its end (`burglarydrone`: nothing);
    the query is selected, so typing replaces it, and → or End edits it instead."""
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "burglary")
        await pilot.press("enter")  # to the results
        await settle(pilot)
        await search(pilot, "drone")
        assert app.main.search_bar.text == "drone"
        assert counts_line(app) == "2 of 6 · by relevance"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("slash", "end")
        await search(pilot, " unit")
        assert app.main.search_bar.text == "drone unit"
        assert titles(app) == ["Drone unit takes off"]
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("slash", "right", *" takes", "backspace")
        assert app.main.search_bar.text == "drone unit take"


async def test_a_search_that_finds_nothing_says_so(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "zebra")
        assert titles(app) == [] and counts_line(app) == "0 of 6 · by relevance"
        assert "No article matches" in screen_line(app, 0)
        assert "in this folder" not in screen_line(app, 0)


async def test_the_article_panel_is_emptied_when_nothing_matches(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        assert app.main.shown is not None and app.main.shown.title == "Knife arch"
        await search(pilot, "zebra")
        assert titles(app) == [] and app.main.shown is None
        assert app.main.article_view.plain_text().strip() == "No article matches"
        assert "Knife arch" not in screen_text(pilot)
        # Words that match again show the article under the cursor at once.
        for _ in "zebra":
            await pilot.press("backspace")
        await search(pilot, "knife")
        assert titles(app) == ["Knife arch"]
        assert app.main.shown is not None and app.main.shown.title == "Knife arch"
        assert "knife arch at the station" in app.main.article_view.plain_text()


async def test_the_last_word_is_a_prefix_while_typing(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "burgl")
        assert set(titles(app)) == {"Burglary figures fall", "Cyber advice"}
        # Followed by a space, it is a whole word again: "burgl" is no word.
        await search(pilot, " ")
        assert titles(app) == []
        assert counts_line(app) == "0 of 6 · by relevance"


async def test_typing_is_not_held_up_by_searches(
    news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pause in typing of a second: on a machine busy with the suite, a test's keys came
    # more than SEARCH_DELAY (0.15 s) apart, and each such pause rightly began a search.
    monkeypatch.setattr(list_events_module, "SEARCH_DELAY", 1.0)
    async with running(news) as pilot:
        app = reader(pilot)
        started: list[str] = []
        compute = app.main._compute_results

        def spy(request: object, all_rows: object) -> object:
            started.append(request.listing.text)  # type: ignore[attr-defined]
            return compute(request, all_rows)  # type: ignore[arg-type]

        app.main._compute_results = spy  # type: ignore[assignment]
        await pilot.press("slash", *"burglary")
        # Every key is in the bar at once; the search waits for typing to pause.
        assert app.main.search_bar.text == "burglary"
        assert started == []
        await until(pilot, lambda: started == ["burglary"], lambda: started)
        await settle(pilot)
        assert counts_line(app) == "2 of 6 · by relevance"


async def test_relevance_orders_results_with_words(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "drone")
        # The 2018 article says drone in its title, twice in its body and in an
        # initiative; the 2020 one only in its body and an initiative.
        assert titles(app) == ["Drone unit takes off", "Summer patrols"]


async def test_a_query_without_words_keeps_the_sort(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "area:kent")
        assert titles(app) == ["Knife arch", "Summer patrols", "Drone unit takes off"]
        assert counts_line(app) == "3 of 6 · newest first"


async def test_a_bad_query_keeps_the_results_and_says_what_is_wrong(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "burglary")
        before = titles(app)
        await search(pilot, " titel:x")
        error = app.main.search_bar.query_one("#search-error")
        assert error.display
        text = str(error.render())
        assert "unknown field 'titel:' at column 10" in text
        assert "did you mean title:?" in text
        assert titles(app) == before
        assert counts_line(app) == "2 of 6 · by relevance"
        # The column the error points at is marked in the query itself.
        assert app.main.search_bar.input.error_position == 9
        # Enter does not leave the bar while the query cannot be read.
        await pilot.press("enter")
        assert app.focused is app.main.search_bar.input
        # Fixing it clears the message.
        await pilot.press(*["backspace"] * len(" titel:x"))
        await settle(pilot)
        await settle(pilot)
        assert not error.display
        assert app.main.search_bar.input.error_position is None


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ('"unclosed', "unclosed quote"),
        ("(burglary", "unclosed parenthesis"),
        ("after:soon", "not a date"),
    ],
)
async def test_each_kind_of_mistake_is_shown(news: Path, query: str, what: str) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await pilot.press("slash")
        # Pasted whole: typed a key at a time on a busy machine, a pause after `after`
        # would search that word first (nothing found), whose empty list the bar keeps.
        app.main.search_bar.set_text(query)
        await settle(pilot)
        await settle(pilot)
        error = app.main.search_bar.query_one("#search-error")
        assert error.display
        assert what in str(error.render())
        assert titles(app) == NEWEST_FIRST  # the whole list stays


async def test_escape_clears_the_query_and_keeps_the_article(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "speed")
        assert titles(app) == ["Speed checks"]
        await pilot.press("escape")
        await settle(pilot)
        assert not app.main.search_bar.display
        assert app.main.search_bar.text == ""
        assert titles(app) == NEWEST_FIRST
        assert counts_line(app) == "6 · newest first"
        # The cursor stays on the article found.
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == "Speed checks"
        assert app.focused is app.main.article_list


async def test_enter_goes_to_the_first_result(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        # Enter at once, before the search has run: it waits for the results.
        await pilot.press("slash", *"cyber", "enter")
        await settle(pilot)
        await settle(pilot)
        assert app.focused is app.main.article_list
        assert app.main.article_list.cursor == 0
        assert app.main.shown is not None and app.main.shown.title == "Cyber advice"
        # The query stays visible while browsing.
        assert app.main.search_bar.display
        assert app.main.search_bar.text == "cyber"


async def test_hits_are_highlighted_in_list_titles(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "summer")
        await pilot.press("escape")  # the whole list, the query's highlights gone
        await settle(pilot)
        row = NEWEST_FIRST.index("Summer patrols")
        plain = app.main.article_list.render_line(row * 2)
        await search(pilot, "patrols")
        assert titles(app)[0] == "Summer patrols"
        await pilot.press("enter")  # focus leaves the bar; the first row is under the cursor
        await pilot.press("down")  # compare a row that is not the cursor's
        await settle(pilot)
        await pilot.press("up")
        await settle(pilot)
        line = app.main.article_list.render_line(0)
        hit = next(segment for segment in line if segment.text == "patrols")
        assert hit.style is not None
        assert "patrols" in plain.text
        others = [segment for segment in line if segment.text.strip() == "Summer"]
        assert others and others[0].style != hit.style


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "solarized-light"])
async def test_hits_stand_out_by_more_than_colour_on_every_row(
    news: Path, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    """Hits are bold and underlined (which 256 colours and NO_COLOR keep) in the theme's
    accent: on the cursor's row, unread, too (its colours give way to the cursor's)."""
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)  # every row stays unread
    async with running(news) as pilot:
        app = reader(pilot)
        app.theme = theme
        await search(pilot, "drone OR patrols")
        await pilot.press("enter")  # the list focused, its first row under the cursor
        await settle(pilot)
        assert titles(app)[:2] == ["Summer patrols", "Drone unit takes off"]
        for row, word in ((0, "patrols"), (1, "Drone")):
            line = list(app.main.article_list.render_line(row * 2))
            assert "•" in "".join(segment.text for segment in line)  # unread
            hit = next(segment.style for segment in line if segment.text == word)
            rest = [segment.style for segment in line if segment.text.strip(" •") not in ("", word)]
            assert hit is not None and hit.bold and hit.underline, (row, hit)
            assert rest and not any(style is not None and style.underline for style in rest)
        # Off the cursor, the hit's colour is the accent's, apart from the title's even in
        # 256 colours.
        line = list(app.main.article_list.render_line(2))
        hit = next(segment.style for segment in line if segment.text == "Drone")
        title = next(segment.style for segment in line if segment.text == " unit takes off")
        assert hit is not None and title is not None and hit.color and title.color
        assert hit.color.downgrade(ColorSystem.EIGHT_BIT) != title.color.downgrade(
            ColorSystem.EIGHT_BIT
        )
        # In the article: every hit bold and underlined, the current one reversed too.
        await pilot.press("n")
        view = app.main.article_view
        styles = []
        for line_number, start, end in view.hits:
            strip = view.render_line(line_number - int(view.scroll_y))
            text = view.lines[line_number].content.plain[start:end]
            styles.append(next(segment.style for segment in strip if segment.text == text))
        assert all(style is not None and style.bold and style.underline for style in styles)
        assert [bool(style and style.reverse) for style in styles] == [True] + [False] * (
            len(styles) - 1
        )


async def test_hits_in_the_body_and_n_N_move_between_them(write_articles: WriteArticles) -> None:
    filler = "\n\n".join(f"Filler paragraph {n} about nothing much." for n in range(40))
    body = f"The first mention of scooters.\n\n{filler}\n\n* Seized scooters\n\nLast: Scooters."
    folder = write_articles({"s.md": fenced("Scooters seized", body)})
    async with running(folder, size=(100, 24)) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        await search(pilot, "scooters")
        # The title, the first paragraph, the initiative and the last paragraph.
        hit_texts = [view.lines[line].content.plain[start:end] for line, start, end in view.hits]
        assert [text.lower() for text in hit_texts] == ["scooters"] * 4
        assert view.border_subtitle.startswith("4 hits · n next")
        await pilot.press("enter")  # to the list; n works from there
        await pilot.press("n")
        assert view.current_hit == 0
        await pilot.press("n", "n")
        assert view.current_hit == 2
        # The current hit is scrolled into view and drawn unlike the others.
        line, start, end = view.hits[2]
        top = int(view.scroll_y)
        assert top <= line < top + view.scrollable_content_region.height
        strip = view.render_line(line - top)
        current = next(s for s in strip if s.text == view.lines[line].content.plain[start:end])
        first_line, first_start, first_end = view.hits[0]
        view.scroll_to(y=0, animate=False, immediate=True)
        other_strip = view.render_line(first_line)
        other = next(
            s
            for s in other_strip
            if s.text == view.lines[first_line].content.plain[first_start:first_end]
        )
        assert current.style != other.style
        assert "hit 3 of 4" in view.border_subtitle
        await pilot.press("N")
        assert view.current_hit == 1
        await pilot.press("n", "n")
        assert view.current_hit == 3
        await pilot.press("n")  # past the last: round to the first, with a notice
        assert view.current_hit == 0
        assert "hit 1 of 4" in view.border_subtitle
        assert any("back to the first" in str(n.message) for n in app._notifications)
        top = int(view.scroll_y)
        assert top <= view.hits[0][0] < top + view.scrollable_content_region.height
        await pilot.press("N")  # before the first: round to the last
        assert view.current_hit == 3
        assert any("on to the last" in str(n.message) for n in app._notifications)


async def test_n_is_shown_only_while_the_query_has_words(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        assert app.main.check_action("next_hit", ()) is False
        await search(pilot, "area:kent")
        assert app.main.check_action("next_hit", ()) is False
        await search(pilot, " drone")
        assert app.main.check_action("next_hit", ()) is True


async def open_facets(pilot: Pilot[int]) -> FacetScreen:
    """f, and the picker once its counts are in."""
    await pilot.press("f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FacetScreen) and screen.counts is not None
    return screen


def facet_prompts(screen: FacetScreen) -> list[list[str]]:
    """What the areas and years lists show, row by row, at their width."""
    return [
        [
            str(prompt.fitted(40) if isinstance(prompt, FacetPrompt) else prompt)
            for prompt in (
                selection_list.get_option_at_index(index).prompt
                for index in range(selection_list.option_count)
            )
        ]
        for selection_list in screen._lists()
    ]


async def test_facets_count_areas_and_years_of_the_results(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        screen = await open_facets(pilot)
        assert screen.counts is not None
        areas = Counter(area for area in ("Kent", "Essex", "Kent", "Surrey", "Essex", "Kent"))
        assert [(label, count) for _term, label, count in screen.counts.areas] == [
            ("Kent", 3),
            ("Essex", 2),
            ("Surrey", 1),
        ]
        assert sum(count for *_rest, count in screen.counts.areas) == sum(areas.values())
        years = [(label, count) for _term, label, count in screen.counts.years]
        assert years == [(str(year), 1) for year in (2023, 2022, 2021, 2020, 2019, 2018)]
        # Enter chooses the area under the cursor (the first: Kent) and closes.
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.main
        assert app.session.listing.facets == ("area:kent",)
        assert titles(app) == ["Knife arch", "Summer patrols", "Drone unit takes off"]
        assert counts_line(app) == "3 of 6 · newest first"
        facets_line = app.main.search_bar.query_one("#search-facets")
        assert facets_line.display and "area:kent" in str(facets_line.render())


async def test_j_k_h_l_move_in_the_facet_picker(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await pilot.press("f")
        await settle(pilot)
        # Areas: Kent, Essex, Surrey. j j k: Essex, space picks it.
        await pilot.press("j", "j", "k", "space")
        await settle(pilot)
        # l to the years, counted within Essex now: 2022, 2019; j: 2019, space picks it.
        await pilot.press("l", "j", "space")
        await settle(pilot)
        # h back to the areas (within 2019: Essex only), k stays there, Enter unpicks it.
        await pilot.press("h", "k", "enter")
        await settle(pilot)
        assert app.screen is app.main
        assert app.session.listing.facets == ("date:2019",)
        assert titles(app) == ["Burglary figures fall"]


async def test_facet_counts_follow_the_ticks(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        screen = await open_facets(pilot)
        assert facet_prompts(screen)[1] == [f"{year} (1)" for year in range(2023, 2017, -1)]
        await pilot.press("space")  # Kent
        await settle(pilot)
        # The years are those of Kent's articles now; the areas still count every area.
        assert facet_prompts(screen) == [
            ["Kent (3)", "Essex (2)", "Surrey (1)"],
            ["2023 (1)", "2020 (1)", "2018 (1)"],
        ]
        assert "3 articles" in str(screen.query_one("#facets-summary").render())
        await pilot.press("l", "j", "space")  # 2020
        await settle(pilot)
        assert facet_prompts(screen)[0] == ["Kent (1)"]
        assert screen.focused is screen._lists()[1]
        assert screen._lists()[1].highlighted == 1  # still on 2020
        await pilot.press("escape")
        await settle(pilot)
        assert set(app.session.listing.facets) == {"area:kent", "date:2020"}
        assert titles(app) == ["Summer patrols"]


async def test_ticked_facets_the_results_lack_show_by_name_and_c_clears_them(
    news: Path,
) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("space", "l", "G", "space", "escape")  # Kent, 2018
        await settle(pilot)
        assert set(app.session.listing.facets) == {"area:kent", "date:2018"}
        await search(pilot, "speed")  # a Surrey article of 2021: neither facet has it
        assert titles(app) == []
        await pilot.press("down")  # to the (empty) list
        await settle(pilot)
        screen = await open_facets(pilot)
        areas, years = facet_prompts(screen)
        assert "Kent (0)" in areas and "2018 (0)" in years
        assert not any("area:" in prompt or "date:" in prompt for prompt in areas + years)
        await pilot.press("c")
        await settle(pilot)
        assert facet_prompts(screen) == [["Surrey (1)"], ["2021 (1)"]]
        assert screen.selected() == ()
        await pilot.press("escape")
        await settle(pilot)
        assert app.session.listing.facets == ()
        assert titles(app) == ["Speed checks"]


async def test_space_typed_in_a_burst_ticks_the_row_it_was_pressed_on(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        screen = await open_facets(pilot)
        # Essex ticked, where Space was pressed, not where the cursor went on to.
        type_at_once(app, "j", ("space", " "), "j", "j")
        await settle(pilot)
        assert screen.selected() == ("area:essex",)


async def test_facet_counts_show_when_names_are_cut(write_articles: WriteArticles) -> None:
    names = ["Devon and Cornwall", "Northamptonshire", "Greater Manchester Police Area"]
    folder = write_articles(
        {
            f"{number}.md": fenced(f"Item {number}", "Body.", area=name)
            for number, name in enumerate(names * 2 + names[:1])
        }
    )
    async with running(folder, size=(50, 24)) as pilot:
        app = reader(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FacetScreen)
        rows = [line for line in screen_text(pilot).splitlines() if "▐" in line]
        assert len(rows) == 3
        assert "Devon and Cornwall (3)" in rows[0] and "2020 (7)" in rows[0]
        # The longest name is cut, its count is not.
        assert "Greater Manch" in rows[1] and "… (2)" in rows[1]
        assert "Northamptonshire (2)" in rows[2]


async def test_with_no_areas_the_years_take_the_focus(write_articles: WriteArticles) -> None:
    folder = write_articles(
        {
            "a.md": "---\ntitle: One\ndate: 2019-01-02\narea: Kent\n---\n\nAlpha.\n",
            "b.md": "---\ntitle: Two\ndate: 2020-01-02\n---\n\nBeta.\n",
            "c.md": "---\ntitle: Three\ndate: 2021-01-02\n---\n\nBeta.\n",
        }
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        await search(pilot, "beta")
        await pilot.press("enter")
        screen = await open_facets(pilot)
        areas, years = screen._lists()  # the folder has areas; these results none
        assert areas.option_count == 0
        assert screen.focused is years
        await pilot.press("h", "tab")  # neither puts the focus in the empty box
        assert screen.focused is years
        await pilot.press("enter")  # 2021, the first year
        await settle(pilot)
        assert titles(app) == ["Three"]


async def test_a_field_no_article_of_the_folder_has_is_not_offered(
    write_articles: WriteArticles,
) -> None:
    folder = write_articles(
        {
            "a.md": "---\ntitle: One\ndate: 2019-01-02\n---\n\nBody.\n",
            "b.md": "---\ntitle: Two\ndate: 2020-01-02\n---\n\nBody.\n",
        }
    )
    async with running(folder) as pilot:
        screen = await open_facets(pilot)
        assert [selection_list.field for selection_list in screen._lists()] == ["date"]
        assert screen.focused is screen._lists()[0]


async def test_facets_combine_with_the_query_and_each_other(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "burglary")
        await pilot.press("enter", "f")  # f in the bar would be part of the query
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FacetScreen) and screen.counts is not None
        # Counts of the current results only.
        assert [(label, count) for _t, label, count in screen.counts.areas] == [("Essex", 2)]
        assert [(label, count) for _t, label, count in screen.counts.years] == [
            ("2022", 1),
            ("2019", 1),
        ]
        await pilot.press("tab", "enter")  # the years list: 2022
        await settle(pilot)
        assert app.session.listing.facets == ("date:2022",)
        assert titles(app) == ["Cyber advice"]
        assert app.main.search_bar.text == "burglary"  # the typed query is untouched


async def test_a_chosen_area_still_shows_the_others_counts(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("enter")  # Kent
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FacetScreen) and screen.counts is not None
        # Areas are counted without the area choice (what Essex would add)...
        assert [(label, count) for _t, label, count in screen.counts.areas] == [
            ("Kent", 3),
            ("Essex", 2),
            ("Surrey", 1),
        ]
        # ...years within it.
        assert [label for _t, label, _c in screen.counts.years] == ["2023", "2020", "2018"]
        await pilot.press("down", "space", "escape")  # add Essex: either area
        await settle(pilot)
        assert app.session.listing.facets == ("area:kent", "area:essex")
        assert len(titles(app)) == 5
        assert "area:kent OR area:essex" in str(
            app.main.search_bar.query_one("#search-facets").render()
        )
        # Unchoosing both shows everything again.
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("c", "escape")
        await settle(pilot)
        assert app.session.listing.facets == ()
        assert titles(app) == NEWEST_FIRST


async def test_an_area_with_quotes_and_brackets_is_a_safe_facet(
    write_articles: WriteArticles,
) -> None:
    area = 'Devon & "Cornwall" [b]x[/b]'
    folder = write_articles(
        {
            "a.md": fenced("Odd area", "Body.", area=f"'{area}'"),
            "b.md": fenced("Plain area", "Body.", area="Kent"),
        }
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FacetScreen) and screen.counts is not None
        labels = [label for _t, label, _c in screen.counts.areas]
        assert area in labels
        index = labels.index(area)
        await pilot.press(*["down"] * index, "enter")
        await settle(pilot)
        assert titles(app) == ["Odd area"]
        assert not app.main.search_bar.query_one("#search-error").display


async def test_s_cycles_the_sort_and_says_which(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        expected = [
            ("oldest first", list(reversed(NEWEST_FIRST))),
            ("title A–Z", sorted(NEWEST_FIRST, key=str.casefold)),
            (
                "by area",
                [
                    "Cyber advice",
                    "Burglary figures fall",
                    "Knife arch",
                    "Summer patrols",
                    "Drone unit takes off",
                    "Speed checks",
                ],
            ),
            ("newest first", NEWEST_FIRST),
        ]
        for caption, order in expected:
            await pilot.press("s")
            await settle(pilot)
            assert counts_line(app) == f"6 · {caption}"
            assert titles(app) == order


async def test_sort_applies_to_queries_without_words_only(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "drone")
        ranked = titles(app)
        await pilot.press("enter", "s")  # to the list, then sort
        await settle(pilot)
        assert titles(app) == ranked
        assert counts_line(app) == "2 of 6 · by relevance"
        # Without words the chosen sort shows.
        await pilot.press("slash", "ctrl+u")
        await search(pilot, "area:kent")
        assert counts_line(app) == "3 of 6 · oldest first"
        assert titles(app) == ["Drone unit takes off", "Summer patrols", "Knife arch"]


async def test_initiatives_view_lists_every_initiative_of_the_results(news: Path) -> None:
    async with running(news, size=(140, 40)) as pilot:
        app = reader(pilot)
        await pilot.press("i")
        await settle(pilot)
        initiatives = app.main.initiative_list
        assert initiatives.display and not app.main.article_list.display
        rows: list[InitiativeRow] = list(initiatives.rows)
        listed = [(row.article.title, initiatives.text_of(row)) for row in rows]
        # Newest article first, each article's initiatives in order.
        assert listed == [
            ("Summer patrols", "Beach patrols"),
            ("Summer patrols", "Lifeguard links"),
            ("Summer patrols", "Drone cover"),
            ("Burglary figures fall", "Cocooning burglary victims"),
            ("Burglary figures fall", "Marking property"),
            ("Drone unit takes off", "First drone initiative"),
            ("Drone unit takes off", "Second thing"),
        ]
        assert counts_line(app) == "7 in 3 articles · newest first"
        assert str(app.main.query_one("#sidebar").border_title) == "Initiatives"
        # A row shows the initiative, then the date, area and title of its article.
        first = initiatives.render_line(0).text + initiatives.render_line(1).text
        assert "Beach patrols" in first and "1 Jul 2020 · Kent · Summer patrols" in first


async def test_enter_on_an_initiative_opens_its_article_there(news: Path) -> None:
    async with running(news, size=(140, 40)) as pilot:
        app = reader(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("j", "enter")  # Summer patrols, its second initiative
        await settle(pilot)
        assert app.main.shown is not None and app.main.shown.title == "Summer patrols"
        view = app.main.article_view
        assert view.current_initiative == 1
        assert view.initiative_text(1).endswith("Lifeguard links")
        assert app.focused is view
        assert "initiative 2 of 3" in view.border_subtitle
        # i again: the articles, on that article.
        await pilot.press("i")
        await settle(pilot)
        assert app.main.article_list.display and not app.main.initiative_list.display
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == "Summer patrols"


async def test_initiatives_view_follows_the_query(news: Path) -> None:
    async with running(news, size=(140, 40)) as pilot:
        app = reader(pilot)
        await pilot.press("i")
        await search(pilot, "burglary")
        rows = list(app.main.initiative_list.rows)
        assert {row.article.title for row in rows} == {"Burglary figures fall"}
        assert counts_line(app) == "2 in 1 article · by relevance"
        # The query's words are marked in the initiative texts.
        line = app.main.initiative_list.render_line(0)
        assert any(segment.text == "burglary" for segment in line)


async def test_searching_for_reading_state(write_articles: WriteArticles) -> None:
    # Marks follow the URL: each article needs its own (NEWS share one).
    folder = write_articles(
        {name: text.replace("/news/item", f"/{name}") for name, text in NEWS.items()}
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        # The newest article, opened, was shown long enough to be read; the rest were not
        # shown, or not chosen.
        await pilot.press("enter")
        await pilot.pause(main_module.READ_DELAY + 0.3)
        await search(pilot, "is:read")
        assert titles(app) == ["Knife arch"]
        await pilot.press("ctrl+u")
        await search(pilot, "is:unread")
        assert "Knife arch" not in titles(app) and len(titles(app)) == 5


async def test_go_to_an_article_hidden_by_the_search_clears_it(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "burglary")
        app.main.go_to_article("f.md")
        await settle(pilot)
        assert app.main.search_bar.text == ""
        assert titles(app) == NEWEST_FIRST
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == "Knife arch"
        assert app.main.shown is not None and app.main.shown.title == "Knife arch"


async def test_help_lists_the_search_keys(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await pilot.press("question_mark")
        text = app.screen.query_one("#help-keys").plain_text()  # type: ignore[attr-defined]
        for description in ("Search", "Facets", "Sort", "Initiatives", "Clear search"):
            assert description in text


# -- the store underneath: index and memory --------------------------------------------------


@pytest.mark.parametrize("use_cache", [True, False], ids=["index", "memory"])
async def test_both_stores_list_search_and_open(news: Path, use_cache: bool) -> None:
    app = ReaderApp(news, use_cache=use_cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert titles(app) == NEWEST_FIRST
        # An index either way (--no-cache: a temporary one): the list holds summaries.
        row_types = {type(row).__name__ for row in app.session.all_rows}
        assert row_types == {"ArticleSummary"}
        await search(pilot, "drone")
        assert titles(app) == ["Drone unit takes off", "Summer patrols"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.shown is not None
        assert "40 drone missions" in app.main.article_view.plain_text()


def spy_on_store_opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], bool]]:
    """The titles of the rows each StoreOpened carries, and whether they are all."""
    opened: list[tuple[list[str], bool]] = []
    store_opened = messages_module.StoreOpened.__init__

    def spy(
        message: messages_module.StoreOpened,
        store: object,
        rows: list[ListRow],
        resume: object,
        **kwargs: bool,
    ) -> None:
        store_opened(message, store, rows, resume, **kwargs)  # type: ignore[arg-type]
        opened.append(([row.title for row in rows], message.complete))

    monkeypatch.setattr(messages_module.StoreOpened, "__init__", spy)
    return opened


async def test_a_warm_open_lists_the_newest_rows_first(
    write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_articles(NEWS)
    async with running(folder):
        pass
    monkeypatch.setattr(workers_module, "FIRST_ROWS", 2)
    opened = spy_on_store_opened(monkeypatch)
    app = ReaderApp(folder)
    partial_header: list[str] = []
    show_status = header_module.ReaderHeader.show_status

    def header_spy(header: header_module.ReaderHeader, *args: Any, **kwargs: Any) -> None:
        show_status(header, *args, **kwargs)
        partial_header.append(header.render().plain)

    monkeypatch.setattr(header_module.ReaderHeader, "show_status", header_spy)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert opened == [(NEWEST_FIRST[:2], False), (NEWEST_FIRST, True)]
        assert titles(app) == NEWEST_FIRST and app.main.shown is not None
        assert app.main.shown.title == NEWEST_FIRST[0]
        # Until all rows are read the header does not count the two as the folder's.
        assert any("… articles" in text for text in partial_header)
        assert "6 articles" in partial_header[-1]
        assert counts_line(app) == "6 · newest first"
        # Resumed on an article past the first rows, or on a query: all rows at once.
        app.main.go_to_article(
            next(row.id for row in app.session.all_rows if row.title == NEWEST_FIRST[3])
        )
        await settle(pilot)
        await pilot.press("q")
    app.close_store()
    opened.clear()
    async with running(folder) as pilot:
        assert opened == [(NEWEST_FIRST, True)]
        assert reader(pilot).main.shown.title == NEWEST_FIRST[3]  # type: ignore[union-attr]
        await search(pilot, "burglary")
        await pilot.press("enter", "q")
    opened.clear()
    async with running(folder):
        assert opened == [(NEWEST_FIRST, True)]


async def test_a_second_open_lists_the_cached_rows_then_the_changes(
    write_articles: WriteArticles, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_articles(NEWS)
    async with running(folder) as pilot:
        assert len(reader(pilot).session.all_rows) == 6
    (folder / "d.md").unlink()
    (folder / "a.md").write_text(fenced("Drone unit lands", "Body.", date="09:00 01/03/2018"))
    (folder / "g.md").write_text(fenced("New article", "Body.", date="09:00 01/01/2025"))
    first_rows = spy_on_store_opened(monkeypatch)
    app = ReaderApp(folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The cached list came first, as it was when the reader last ran...
        assert first_rows == [(NEWEST_FIRST, True)]
        # ...then the folder as it is now.
        assert titles(app)[0] == "New article"
        assert "Drone unit lands" in titles(app)
        assert "Speed checks" not in titles(app) and "Drone unit takes off" not in titles(app)
        assert len(titles(app)) == 6


async def test_a_damaged_cache_is_rebuilt_with_a_notice(news: Path) -> None:
    from reader.index.db import index_path

    async with running(news):
        pass
    index_path(news).write_bytes(b"not a database" * 100)
    async with running(news) as pilot:
        app = reader(pilot)
        assert titles(app) == NEWEST_FIRST
        messages = [notification.message for notification in app._notifications]
        assert any("index cache" in message and "rebuilt" in message for message in messages), (
            messages
        )


def notices_of(app: ReaderApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


# Too long for the free space in the cache's pages: writing it needs new ones, also
# compressed (the digests do not compress).
LONG = "Patrols on foot and by drone. " * 100 + " ".join(
    hashlib.sha256(str(number).encode()).hexdigest() for number in range(1000)
)


async def test_a_cache_on_a_full_disk_gives_one_notice_and_reads_into_memory(
    news: Path, cache_disk_full: CacheDiskFull
) -> None:
    """It ended the reader with status 1 ("cannot rollback - no transaction is active")."""
    async with running(news):
        pass
    (news / "z.md").write_text(fenced("Drone patrols", LONG, date="09:00 01/01/2026"))
    cache_disk_full(1)
    async with running(news) as pilot:
        app = reader(pilot)
        assert app.is_running
        assert titles(app) == ["Drone patrols", *NEWEST_FIRST]
        full = [message for message in notices_of(app) if "full" in message]
        assert len(full) == 1 and "reading the folder into memory" in full[0], full
        # Found and opened from memory. (By a phrase only it has: for "drone" alone,
        # "Drone unit takes off" ranks first, by each field's BM25.)
        await search(pilot, '"drone patrols"')
        assert titles(app)[0] == "Drone patrols"
        assert app.main.shown is not None and app.main.shown.title == "Drone patrols"


async def test_a_cache_disk_that_fills_while_the_reader_runs_gives_way_to_memory(
    news: Path, cache_disk_full: CacheDiskFull
) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        cache_disk_full(1)
        (news / "z.md").write_text(fenced("Drone patrols", LONG, date="09:00 01/01/2026"))
        await until(pilot, lambda: titles(app)[:1] == ["Drone patrols"], lambda: titles(app))
        assert titles(app) == ["Drone patrols", *NEWEST_FIRST]
        # (The notice may come a moment after the list, on a loaded machine.)
        await until(pilot, lambda: any("full" in note for note in notices_of(app)))
        full = [message for message in notices_of(app) if "full" in message]
        assert len(full) == 1, notices_of(app)
        (news / "y.md").write_text(fenced("Speed watch", LONG, date="09:00 01/02/2026"))
        await until(pilot, lambda: titles(app)[:1] == ["Speed watch"], lambda: titles(app))
        assert len(titles(app)) == len(NEWEST_FIRST) + 2  # live reload goes on, in memory
        assert len([message for message in notices_of(app) if "full" in message]) == 1


async def test_a_big_first_load_reads_in_worker_processes(write_articles: WriteArticles) -> None:
    from reader.index.sync import POOL_THRESHOLD

    count = POOL_THRESHOLD + 50
    folder = write_articles(
        {f"{n:04d}.md": fenced(f"Item {n}", "Body.", date="09:00 01/01/2020") for n in range(count)}
    )
    # The index reads this many files in a process pool, started from the load worker
    # while Textual holds stderr.
    async with running(folder) as pilot:
        app = reader(pilot)
        assert app.is_running
        assert len(app.session.all_rows) == count
        assert app.session.loading is None


@pytest.mark.parametrize(("flag", "use_cache"), [((), True), (("--no-cache",), False)])
def test_reader_path_opens_the_reader_with_or_without_the_index(
    news: Path, monkeypatch: pytest.MonkeyPatch, flag: tuple[str, ...], use_cache: bool
) -> None:
    from reader import cli

    opened: list[tuple[Path, bool]] = []

    def fake_run(root: Path, *, use_cache: bool = True, fresh: bool = False) -> int:
        opened.append((root, use_cache))
        return 0

    monkeypatch.setattr(app_module, "run", fake_run)
    monkeypatch.setattr(cli, "_on_a_terminal", lambda: True)  # as if in one
    assert cli.main([str(news), *flag]) == 0
    assert opened == [(news, use_cache)]


async def test_the_article_panel_counts_follow_the_article_shown(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        await search(pilot, "drone")
        await pilot.press("enter")  # Drone unit takes off: title, body and an initiative
        await settle(pilot)
        first = (len(view.hits), view.initiative_count)
        assert view.border_subtitle == f"{first[0]} hits · n next · 2 initiatives · ] next"
        await pilot.press("j")  # Summer patrols: fewer hits, three initiatives
        await settle(pilot)
        assert app.main.shown is not None and app.main.shown.title == "Summer patrols"
        assert (len(view.hits), view.initiative_count) != first
        assert view.border_subtitle == (f"{len(view.hits)} hits · n next · 3 initiatives · ] next")
        await pilot.press("right_square_bracket", "n")
        assert view.border_subtitle == f"hit 1 of {len(view.hits)} · initiative 1 of 3"


async def test_slash_on_a_narrow_terminal_shows_the_list_and_types_into_the_bar(
    news: Path,
) -> None:
    async with running(news, size=(50, 20)) as pilot:
        app = reader(pilot)
        assert app.focused is app.main.article_view  # one pane: the article
        await search(pilot, "kent")
        # The keys went to the bar (e would have opened the load problems).
        assert app.screen is app.main
        assert app.main.search_bar.text == "kent"
        assert app.main.query_one("#sidebar").display
        assert not app.main.article_view.display
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        assert app.main.article_view.display and app.focused is app.main.article_view


async def test_i_on_a_narrow_terminal_shows_the_initiatives_list(news: Path) -> None:
    async with running(news, size=(50, 20)) as pilot:
        app = reader(pilot)
        assert app.focused is app.main.article_view  # one pane: the article
        await pilot.press("i")
        await settle(pilot)
        assert app.main.query_one("#sidebar").display and not app.main.article_view.display
        assert app.main.initiative_list.display and app.focused is app.main.initiative_list
        assert "Beach patrols" in screen_text(pilot)  # the newest initiative
        await pilot.press("enter")  # the article at the initiative, in its place
        assert app.main.article_view.display and not app.main.query_one("#sidebar").display


def type_at_once(app: ReaderApp, *typed: str | tuple[str, str | None]) -> None:
    """Post keys (a character, or a (key, character) pair) all at once, as a terminal
    does when someone types faster than the reader acts."""
    for item in typed:
        key, character = (item, item) if isinstance(item, str) else item
        app.post_message(events.Key(key, character))


def slow_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists take 0.3 s to work out, as every article of a big folder does."""
    list_results = workers_module.list_results

    def slow_list_results(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return list_results(*args, **kwargs)

    monkeypatch.setattr(workers_module, "list_results", slow_list_results)


def held_results(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Lists are worked out only once the event returned is set: however busy the
    machine, keys sent before are handled before the results come in."""
    release = threading.Event()
    list_results = workers_module.list_results

    def held_list_results(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=60)
        return list_results(*args, **kwargs)

    monkeypatch.setattr(workers_module, "list_results", held_list_results)
    return release


async def test_keys_typed_faster_than_the_screen_updates_go_into_the_bar(news: Path) -> None:
    """A fast typist (or a paste) sends "/kent" before the reader has drawn the bar:
    every key after the / is text, none a command (k would move, e open the problems)."""
    async with running(news) as pilot:
        app = reader(pilot)
        type_at_once(app, ("slash", "/"), *"kent")
        await settle(pilot)
        assert app.screen is app.main
        assert app.main.search_bar.text == "kent"
        assert app.focused is app.main.search_bar.input
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == NEWEST_FIRST[0]


async def test_keys_typed_right_behind_enter_in_the_bar_are_commands(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        type_at_once(app, ("slash", "/"), *"drone", ("enter", "\r"), "i")
        await settle(pilot)
        await settle(pilot)
        assert app.main.search_bar.text == "drone"  # not "dronei"
        assert app.session.initiatives and app.focused is app.main.initiative_list


@pytest.mark.parametrize(
    ("keys", "query", "rows"),
    [
        # Down to the results, then j: the query stays "dro", and j moved the list: the
        # results' second row, or, when the results came after it, the list j moved was
        # replaced by them, starting at the best one (which of the two is timing).
        (
            [("slash", "/"), ("d", "d"), ("r", "r"), ("o", "o"), ("down", None), ("j", "j")],
            "dro",
            {0, 1},
        ),
        # Escape clears and leaves the bar; the js move down the whole list.
        ([("slash", "/"), ("k", "k"), ("escape", "\x1b"), ("j", "j"), ("j", "j")], "", {2}),
    ],
)
async def test_keys_typed_right_behind_a_key_that_leaves_the_bar_are_commands(
    news: Path, keys: list[tuple[str, str | None]], query: str, rows: set[int]
) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        type_at_once(app, *keys)
        await settle(pilot)
        await settle(pilot)
        assert app.main.search_bar.text == query
        assert app.focused is app.main.article_list
        assert app.main.article_list.cursor in rows


@pytest.mark.parametrize(
    ("query", "bells", "shown"),
    [
        ('"d', 1, "before"),  # cannot be read: the bell, the previous article stays
        ("zebra", 0, None),  # nothing matches: no article shown
        ("drone", 0, "Drone unit takes off"),  # the best result
    ],
)
async def test_enter_typed_right_behind_the_query_acts_on_the_whole_query(
    news: Path, query: str, bells: int, shown: str | None
) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        before = app.main.shown
        await pilot.press("slash")
        rung: list[int] = []
        app.bell = lambda: rung.append(1)  # type: ignore[method-assign]
        names = {'"': "quotation_mark"}
        type_at_once(app, *((names.get(c, c), c) for c in query), ("enter", "\r"))
        await settle(pilot)
        await settle(pilot)
        assert app.main.search_bar.text == query and len(rung) == bells
        told = [str(notification.message) for notification in app._notifications]
        assert ("Nothing matches." in told) is (query == "zebra")
        if shown == "before":
            assert app.main.shown is before
        elif shown is None:
            assert app.main.shown is None
        else:
            assert app.main.shown is not None and app.main.shown.title == shown


@pytest.mark.parametrize(
    ("pasted", "message", "column"),
    [
        (" ".join(["police"] * 5000), "query longer than 1,000 characters", 1001),
        # "drone" typed before, then the paste: its 32nd term is the 33rd.
        (" OR ".join(["drone"] * 3000)[:990], "more than 32 search terms", 6 + 31 * 9 + 1),
        ("drone (kent OR " * 11 + "crime" + ")" * 11, "query nested more than 10 deep", 163),
    ],
    ids=["5000 words", "3000 ORs", "11 deep"],
)
async def test_a_pasted_query_too_big_to_type_says_where_and_keeps_the_results(
    news: Path, pasted: str, message: str, column: int
) -> None:
    """It was run, for minutes (3,000 ORs), or ended the search in an error."""
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "drone")
        before = titles(app)
        app.main.search_bar.input.post_message(events.Paste(" " + pasted))
        await settle(pilot)
        await settle(pilot)
        error = app.main.search_bar.query_one("#search-error")
        assert error.display
        assert f"{message} at column {column}" in str(error.render())
        assert app.main.search_bar.input.error_position == column - 1  # marked in the query
        assert titles(app) == before


async def test_a_paste_right_behind_escape_is_not_a_query(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await pilot.press("slash")
        type_at_once(app, ("escape", "\x1b"))
        app.post_message(events.Paste("drone"))
        await settle(pilot)
        await settle(pilot)
        assert app.main.search_bar.text == "" and titles(app) == NEWEST_FIRST


async def test_keys_typed_right_behind_a_key_that_opens_a_dialog_reach_it(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        # f then Enter: the facet picker opens and Enter closes it.
        type_at_once(app, "f", ("enter", "\r"))
        await settle(pilot)
        assert app.screen is app.main
        # From the search bar, ctrl+p then a command's name: typed into the palette.
        await pilot.press("slash")
        type_at_once(app, ("ctrl+p", None), "s", "o", "r", "t")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).value == "sort"
        assert app.main.search_bar.text == ""


async def test_keys_typed_right_behind_enter_on_the_list_reach_the_article(news: Path) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        type_at_once(app, ("enter", "\r"), "j", "j")
        await settle(pilot)
        # The js scrolled the article Enter opened; they did not move the list.
        assert app.focused is app.main.article_view
        assert app.main.article_list.cursor == 0
        assert app.main.shown is not None and app.main.shown.title == NEWEST_FIRST[0]


async def test_moves_made_while_results_are_worked_out_are_kept(
    news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(news) as pilot:
        app = reader(pilot)
        await search(pilot, "kent")
        kent = titles(app)
        assert len(kent) >= 3 and app.main.article_list.cursor == 0
        release = held_results(monkeypatch)
        # Esc brings every article back (slowly); j j before they are in: on the third
        # Kent article, where the user went, not back on the first.
        type_at_once(app, ("escape", "\x1b"), "j", "j")
        for _ in range(400):
            article = app.main.article_list.article
            if article is not None and article.title == kent[2]:
                break
            await pilot.pause(0.05)
        assert titles(app) == kent  # the j's moved in the Kent list, still shown
        release.set()
        await settle(pilot)
        await settle(pilot)
        assert titles(app) == NEWEST_FIRST
        assert app.main.article_list.article is not None
        assert app.main.article_list.article.title == kent[2]
        assert app.main.shown is not None and app.main.shown.title == kent[2]


async def test_keys_after_enter_are_commands_even_before_the_results(
    news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_results(monkeypatch)
    async with running(news) as pilot:
        app = reader(pilot)
        # Enter and i at once, before the search has run.
        await pilot.press("slash", *"drone", "enter", "i")
        await settle(pilot)
        await settle(pilot)
        assert app.main.search_bar.text == "drone"
        assert app.session.initiatives
        assert counts_line(app) == "5 in 2 articles · by relevance"


@pytest.mark.parametrize(
    ("query", "hits"),
    [
        # A lone character beside digits or Latin letters: the first or last of a run.
        ("3月 参加", ["3月", "3月", "参加"]),
        ("用iPhone", ["用iPhone"]),
        ("東京都", ["東京都"]),  # not 東京・京都: two runs
        ('"東京 京都"', ["東京・京都"]),
    ],
)
async def test_cjk_hits_in_the_article_are_what_grep_would_find(
    write_articles: WriteArticles, query: str, hits: list[str]
) -> None:
    body = "今年は3月に始まった。\n\n東京・京都と東京都を回る。専用iPhoneで。\n\n* 3月から参加する"
    folder = write_articles({"ja.md": fenced("旅の記録", body)})
    async with running(folder) as pilot:
        app = reader(pilot)
        view = app.main.article_view
        await search(pilot, query)
        assert titles(app) == ["旅の記録"]
        found = [view.lines[line].content.plain[start:end] for line, start, end in view.hits]
        assert found == hits
