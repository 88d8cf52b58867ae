"""What the screen looks like, as SVG snapshots (pytest-textual-snapshot).

The samples are opened by a relative path from the repository root, so the paths on screen
are the same on every machine; the theme is pinned. Update with `--snapshot-update` after
checking the new pictures in the report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.state import ReadingState
from reader.tui.app import ReaderApp
from reader.tui.screens import main as main_module
from tui.helpers import REPO, SEED_ID, settle

SnapCompare = Callable[..., bool]


@pytest.fixture
def samples_app(monkeypatch: pytest.MonkeyPatch) -> ReaderApp:
    monkeypatch.chdir(REPO)
    # However long a busy machine takes, no article shown turns read before the picture.
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    return ReaderApp(Path("sample_articles"))


def prepare(
    theme: str = "textual-dark", article: str | None = None, keys: tuple[str, ...] = ()
) -> Callable[[Pilot[int]], Awaitable[None]]:
    async def run_before(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, ReaderApp)
        app.theme = theme
        await settle(pilot)
        if article is not None:
            app.main.go_to_article(article)
            await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_main_screen(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """The newest sample selected and shown; list, article and metadata side by side."""
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=prepare())


def test_seed_with_an_initiative_highlighted(
    snap_compare: SnapCompare, samples_app: ReaderApp
) -> None:
    """The seed article after `]` `]`: the second initiative highlighted and in view."""
    run_before = prepare(article=SEED_ID, keys=("right_square_bracket", "right_square_bracket"))
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=run_before)


def test_light_theme(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """The same screen in the light theme: every colour comes from theme variables."""
    run_before = prepare(theme="textual-light", article=SEED_ID, keys=("right_square_bracket",))
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=run_before)


def test_help_screen(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """`?`: every key, grouped by where it works."""
    assert snap_compare(
        samples_app, terminal_size=(120, 40), run_before=prepare(keys=("question_mark",))
    )


def test_narrow_terminal(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """50 columns: one pane at a time, the article first."""
    assert snap_compare(samples_app, terminal_size=(50, 20), run_before=prepare())


def test_narrow_terminal_list(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """50 columns after h: the list takes the whole width."""
    assert snap_compare(samples_app, terminal_size=(50, 20), run_before=prepare(keys=("h",)))


def test_search_with_highlights(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """`/` and a query: the filtered list with the count, hits marked in the titles and
    the body (bold, underlined, in the accent; on the cursor's unread row too), the first
    hit made current with `n` (reversed)."""
    keys = ("slash", *"volunteer", "enter", "n")
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=prepare(keys=keys))


def test_search_with_highlights_light(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """The same in the light theme: the hits come from its accent."""
    keys = ("slash", *"volunteer", "enter", "n")
    run_before = prepare(theme="textual-light", keys=keys)
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=run_before)


REAL_SITE_SAMPLES = {
    "jekyll_liquid": "sites/jekyll/_posts/2021-04-12-crime-map-tiles.md",
    "hugo_shortcodes_and_alert": "sites/hugo/content/volunteers/speedwatch/_index.md",
    "zola_dated_by_path": "sites/zola/content/blog/offline-first-forms.md",
    "mdx_page": "sites/docs/docs/reporting-api.mdx",
    "cjk_article": "sites/ja/2023-03-08-bouhan-patrol.md",
    "html_heavy_page": "sites/html/bike-marking-results.md",
    "mkdocs_tabs_and_admonitions": "sites/mkdocs/docs/getting-started.md",
}


@pytest.mark.parametrize("sample", REAL_SITE_SAMPLES)
def test_real_site_sample(snap_compare: SnapCompare, samples_app: ReaderApp, sample: str) -> None:
    """Each sample shaped like a real site's file (issue 13), rendered: code blocks
    highlighted, callouts labelled, HTML as text, no template tag or raw HTML shown."""
    run_before = prepare(article=REAL_SITE_SAMPLES[sample])
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=run_before)


def test_timeline(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """`t` then `←`: the samples by year (they span more than eight), the year under the
    cursor in the accent, its count in the pane's subtitle, the axis labelled."""
    keys = ("t", "left")
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=prepare(keys=keys))


def test_timeline_by_month(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """`t`, `←`, Enter: the list narrowed to 2023 (`+ date:2023` under the bar), its
    timeline by month, months numbered on the axis, the empty months drawn empty."""
    keys = ("t", "left", "enter")
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=prepare(keys=keys))


def test_saved_searches(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """Two saved searches above the list, each with its total and unread counts; `@`
    focuses them."""
    state = ReadingState().load()
    state.save_search("volunteers", "volunteer", [], "newest")
    state.save_search("Thames 2023", "", ["area:thames-valley", "date:2023"], "newest")
    state.save()

    async def run_before(pilot: Pilot[int]) -> None:
        await prepare()(pilot)
        app = pilot.app
        assert isinstance(app, ReaderApp)
        for _ in range(200):
            if len(app.main.saved_list.counts) == 2:
                break
            await pilot.pause(0.05)
        await pilot.press("at")
        await settle(pilot)


def test_related_articles(snap_compare: SnapCompare, samples_app: ReaderApp) -> None:
    """`r` on the seed: the ten samples most like it, each with the words it shares."""
    run_before = prepare(article=SEED_ID, keys=("r",))
    assert snap_compare(samples_app, terminal_size=(120, 40), run_before=run_before)


def test_facets_of_real_sites(snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch) -> None:
    """The facet picker over the real-site samples: areas, years, tags, categories,
    language and top folders, three lists a row."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(main_module, "READ_DELAY", 3600.0)
    app = ReaderApp(Path("sample_articles/sites"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=prepare(keys=("f",)))
