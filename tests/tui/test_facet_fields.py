"""The facet picker on real sites (issue 13, item 6): tags, categories, language and top
folder besides areas and years, each only when the folder has values for it."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.resources import samples_dir
from reader.tui.screens.facets import FacetList, FacetScreen
from tui.conftest import WriteArticles
from tui.helpers import reader, running, search, settle, titles

SITES = samples_dir() / "sites"


async def open_facets(pilot) -> FacetScreen:  # type: ignore[no-untyped-def]
    await pilot.press("f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FacetScreen) and screen.counts is not None
    return screen


def listed(screen: FacetScreen, field: str) -> dict[str, int]:
    return {label: count for _term, label, count in screen.counts.items(field)}  # type: ignore[union-attr]


def focus_list(screen: FacetScreen, field: str) -> FacetList:
    (selection_list,) = [each for each in screen._lists() if each.field == field]
    selection_list.focus()
    return selection_list


async def test_real_sites_offer_tags_categories_language_and_folders(tmp_path: Path) -> None:
    root = tmp_path / "sites"
    shutil.copytree(SITES, root)
    async with running(root) as pilot:
        app = reader(pilot)
        screen = await open_facets(pilot)
        fields = [selection_list.field for selection_list in screen._lists()]
        assert fields == ["area", "date", "tags", "categories", "lang", "folder"]
        assert listed(screen, "lang") == {"en": 1, "ja": 1}
        assert listed(screen, "folder") == {
            "docs": 1, "html": 1, "hugo": 1, "ja": 1, "jekyll": 1, "mkdocs": 6, "zola": 1,
        }  # fmt: skip
        assert listed(screen, "tags")["防犯"] == 1
        # Zola's [taxonomies] tags and categories are in the same lists.
        assert listed(screen, "tags")["offline"] == 1
        assert listed(screen, "categories") == {
            "地域安全": 1, "engineering": 1, "Volunteering": 1, "Field tech": 1, "Seasons": 1,
        }  # fmt: skip
        # Language ja: the Japanese article only; the bar shows the term.
        languages = focus_list(screen, "lang")
        await pilot.press("j", "enter")  # en, ja: the second
        await settle(pilot)
        assert app.screen is app.main
        assert titles(app) == ["地域の防犯パトロール、参加者が三年で二倍に"]
        assert app.main.session.listing.facets == ("lang:ja",)
        del languages


async def test_keys_of_one_idea_are_one_list_and_widen_each_other(
    write_articles: WriteArticles,
) -> None:
    folder = write_articles(
        {
            "a.md": "---\ntitle: A\nlang: en\n---\n\nx\n",
            "b.md": "---\ntitle: B\nlanguage: fr\n---\n\nx\n",
            "c.md": '+++\ntitle = "C"\n[taxonomies]\ntags = ["maps"]\n+++\n\nx\n',
            "d.md": "---\ntitle: D\ntags: [roads]\nlang: de\n---\n\nx\n",
        }
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        screen = await open_facets(pilot)
        assert [each.field for each in screen._lists()] == ["tags", "lang"]
        assert listed(screen, "lang") == {"de": 1, "en": 1, "fr": 1}
        assert listed(screen, "tags") == {"maps": 1, "roads": 1}
        focus_list(screen, "lang")
        await pilot.press("j", "space")  # en
        await settle(pilot)
        await pilot.press("j", "space")  # and fr: two keys, one list
        await settle(pilot)
        assert listed(screen, "tags") == {}  # neither has tags
        await pilot.press("escape")
        await settle(pilot)
        assert sorted(titles(app)) == ["A", "B"]
        assert app.main.session.listing.facets == ("lang:en", "language:fr")


async def test_a_tag_and_a_folder_facet_narrow_the_list_together(
    write_articles: WriteArticles,
) -> None:
    folder = write_articles(
        {
            "news/a.md": "---\ntitle: A\ntags: [Road safety, kent]\n---\n\nx\n",
            "news/b.md": "---\ntitle: B\ntags: [road-safety]\n---\n\nx\n",
            "blog/c.md": "---\ntitle: C\ntags: [Road safety]\n---\n\nx\n",
            "blog/d.md": "---\ntitle: D\nTags: [drones]\n---\n\nx\n",  # any case
        }
    )
    async with running(folder) as pilot:
        app = reader(pilot)
        screen = await open_facets(pilot)
        # Values differing only in case or punctuation are one, named as first met.
        assert sorted(listed(screen, "tags").values()) == [1, 1, 3]
        assert listed(screen, "folder") == {"blog": 2, "news": 2}
        tags = focus_list(screen, "tags")
        await pilot.press("space")  # the commonest: road safety (3)
        await settle(pilot)
        assert listed(screen, "folder") == {"blog": 1, "news": 2}
        focus_list(screen, "folder")
        await pilot.press("j", "enter")  # blog, news: news
        await settle(pilot)
        assert sorted(titles(app)) == ["A", "B"]
        del tags
        # The same as typed in the query language.
        await search(pilot, 'tags:"road safety" folder:news')
        await settle(pilot)
        assert sorted(titles(app)) == ["A", "B"]
