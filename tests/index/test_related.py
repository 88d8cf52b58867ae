"""Related articles: ranked by the article's distinctive terms, itself left out, with
the terms each one shares."""

from __future__ import annotations

from pathlib import Path

import pytest

import reader.index.related as related_module
from reader.index import ArticleIndex
from reader.index.related import MIN_LETTERS, SHARED_SHOWN
from reader.loading import parse_article
from reader.model import Article

FILLER = "the police said that officers were called to the area on the day " * 3


def front(name: str, title: str, body: str) -> Article:
    return parse_article(f"---\ntitle: {title}\n---\n{body}\n", path=Path(name), article_id=name)


def corpus() -> list[Article]:
    return [
        front(
            "drones.md",
            "Drone patrols",
            f"Drone patrols over the moorland. {FILLER}"
            "Thermal cameras on each drone found sheep rustlers on the moorland.",
        ),
        front(
            "drones2.md",
            "More drones",
            f"{FILLER} A thermal drone team flew over moorland farms hunting rustlers.",
        ),
        front("drones3.md", "A drone", f"{FILLER} One drone was bought."),
        front("cakes.md", "Bake sale", f"{FILLER} Officers sold cakes for charity."),
        front("cakes2.md", "Bake off", f"{FILLER} Cakes and scones for charity."),
        front("boats.md", "Boat patrol", f"{FILLER} A boat patrol on the river."),
    ]


def related_ids(index: ArticleIndex, article_id: str, limit: int = 10) -> list[str]:
    article = index.article(article_id)
    assert article is not None
    return [item.summary.id for item in index.engine().related(article, limit)]


def test_the_most_alike_come_first_and_the_article_itself_never() -> None:
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(corpus())
    found = related_ids(index, "drones.md")
    assert "drones.md" not in found
    assert found[:2] == ["drones2.md", "drones3.md"]
    assert related_ids(index, "cakes.md")[0] == "cakes2.md"
    assert len(related_ids(index, "drones.md", limit=2)) == 2


def test_each_result_says_which_distinctive_terms_it_shares() -> None:
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(corpus())
    article = index.article("drones.md")
    assert article is not None
    by_id = {item.summary.id: item for item in index.engine().related(article)}
    shared = by_id["drones2.md"].shared
    assert {"drone", "moorland", "thermal", "rustlers"} <= set(shared)
    # Words in every article say nothing of likeness; short words are left out.
    assert "police" not in shared and "the" not in shared
    assert all(len(term) >= MIN_LETTERS for item in by_id.values() for term in item.shared)
    # Every shared term is in the result's text.
    for item in by_id.values():
        related = index.article(item.summary.id)
        assert related is not None
        text = (related.title + " " + related.body).lower()
        assert all(term in text for term in item.shared)
    assert by_id["drones2.md"].score > by_id["drones3.md"].score
    # Only articles that share a distinctive term are listed.
    assert set(by_id) == {"drones2.md", "drones3.md"}


def test_an_article_with_nothing_in_common_has_no_related() -> None:
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add([front("a.md", "Alpha", "zebra quagga okapi"), front("b.md", "Beta", "lorem ipsum")])
    assert related_ids(index, "a.md") == []


def test_a_long_article_is_weighed_by_its_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its words past WEIGHED_CHARS (cut at a space, no word halved) are not looked up."""
    opening = f"Drone patrols over the moorland. {FILLER}"
    monkeypatch.setattr(related_module, "WEIGHED_CHARS", len(opening) + 4)
    long_one = front("long.md", "Patrols", opening + "Thermal cameras found sheep rustlers.")
    others = [
        front("moor.md", "Moor", f"{FILLER} Drones on the moorland."),
        front("thermal.md", "Heat", f"{FILLER} Thermal cameras found the rustlers."),
        front("boats.md", "Boat patrol", f"{FILLER} A boat patrol on the river."),
    ]
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add([long_one, *others])
    article = index.article("long.md")
    assert article is not None
    by_id = {item.summary.id: item for item in index.engine().related(article)}
    assert set(by_id) == {"moor.md"}  # "thermal", "rustlers" lie past the opening
    assert "moorland" in by_id["moor.md"].shared
    assert not {"the", "ther"} & set(by_id["moor.md"].shared)  # "Thermal" not cut to "Ther"


JA_FILLER = "警察によると、今日も地域の安全を守るために活動が行われた。" * 3


def test_chinese_and_japanese_words_make_articles_alike() -> None:
    """A run of Han or Kana is indexed as pairs of characters (reader.text.tokens): those
    pairs are the article's words, though shorter than MIN_LETTERS. A Japanese article
    about drone patrols over the moorland is most like the other one, not one that
    shares only a Latin word with it."""
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(
        [
            front(
                "ja1.md",
                "ドローン巡回",
                f"湿原の上をドローンが巡回した。{JA_FILLER}熱画像カメラで羊泥棒を発見。",
            ),
            front(
                "ja2.md",
                "ドローン班",
                f"{JA_FILLER}熱画像ドローン班が湿原の農場を巡回し、羊泥棒を探した。",
            ),
            front("ja3.md", "菓子の販売", f"{JA_FILLER}警察官が慈善のために菓子を売った。"),
            front("ja4.md", "船の巡視", f"{JA_FILLER}川で船が巡視した。"),
            front("ja5.md", "Python 講座", f"{JA_FILLER}Python の講座が開かれた。"),
            front("ja6.md", "Python 教室", f"{JA_FILLER}子供向け Python 教室。"),
        ]
    )
    assert related_ids(index, "ja1.md")[0] == "ja2.md"
    article = index.article("ja1.md")
    assert article is not None
    shared = next(
        item.shared for item in index.engine().related(article) if item.summary.id == "ja2.md"
    )
    # Indexed as pairs, folded as a search folds (ドローン is トロ ロー ーン), shown as the
    # runs they make in the article, as it writes them.
    assert {"ドローン", "熱画像", "湿原の"} <= set(shared)
    assert not {"トロ", "ロー", "ーン", "ドロ"} & set(shared)
    assert len(shared) <= SHARED_SHOWN
    # A shared run is one of the other article's too, or pairs of it side by side there.
    related = index.article("ja2.md")
    assert related is not None and "ドローン" in related.body


def test_a_single_hangul_syllable_is_no_distinctive_term() -> None:
    """A Hangul syllable folds to 2 or 3 jamo: `것` ("thing", "it") passed for a word of 3
    letters, and Korean articles were alike by 것, 그, 수. Two syllables side by side
    (있다, the pairs of 데이터) are words, as a pair of Han characters is."""
    index = ArticleIndex.temporary(Path("."), in_memory=True)
    index.add(
        [
            front("ko1.md", "드론 순찰", "것 그 수. 드론 순찰 데이터."),
            front("ko2.md", "드론 팀", "드론 팀의 데이터."),
            front("ko3.md", "빵", "것 그 수. 빵을 팔았다."),
            front("ko4.md", "배", "강에서 배가 순시했다."),
            front("ko5.md", "차", "차를 샀다."),
        ]
    )
    article = index.article("ko1.md")
    assert article is not None
    found = {item.summary.id: item.shared for item in index.engine().related(article)}
    assert set(found) == {"ko2.md"}  # not ko3.md, alike only by 것 그 수
    assert {"드론", "데이터"} <= set(found["ko2.md"])
