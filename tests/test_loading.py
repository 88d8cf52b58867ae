"""load_article end to end: files on disk to Article records (or LoadProblems)."""

from __future__ import annotations

import codecs
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.loading import article as article_module
from reader.loading import body as body_module
from reader.loading import load_article, parse_article
from reader.model import Article, LoadProblem
from reader.text.sanitize import normalise_newlines, strip_control

if TYPE_CHECKING:
    from tests.conftest import WriteFile

SEED_TITLE = (
    "Force-wide initiatives are helping to drive up performance across Northamptonshire "
    "Police in the eight months since inspection"
)
SEED_URL = (
    "https://www.northants.police.uk/news/northants/news/news/2019/september-19/"
    "force-wide-initiatives-are-helping-to-drive-up-performance-across-northamptonshire-"
    "police-in-the-eight-months-since-inspection/"
)


def load(path: Path, root: Path | None = None) -> Article:
    """Load a file that must become an Article."""
    item = load_article(path, path.parent if root is None else root)
    assert isinstance(item, Article), item
    return item


def problem(path: Path) -> LoadProblem:
    """Load a file that must become a LoadProblem."""
    item = load_article(path, path.parent)
    assert isinstance(item, LoadProblem), item
    return item


# --- The reference article -------------------------------------------------------------


def test_seed_article(seed_file: Path) -> None:
    article = load(seed_file)
    assert article.id == "000_98cd3e962c103980.txt"
    assert article.path == seed_file
    assert article.title == SEED_TITLE
    assert article.area == "Northamptonshire"
    assert article.published == datetime(2019, 9, 27, 7, 45)
    assert article.published_raw == "07:45 27/09/2019"
    assert article.url == SEED_URL
    assert article.kind == "website"
    assert article.locale == "en_GB"
    assert article.metadata_format == "fenced-yaml"
    assert article.warnings == ()
    assert article.description is not None
    assert article.description.startswith("Chief Constable Nick Adderley said “genuine progress”")
    # The image URL's `&amp;` entities are decoded.
    assert article.image is not None
    assert "&amp;" not in article.image
    assert article.image.endswith("?crop=(5,0,195,100)&w=600&h=300&scale=both")


def test_seed_body_and_initiatives(seed_file: Path) -> None:
    article = load(seed_file)
    assert article.body.startswith("Chief Constable Nick Adderley said")
    assert "```" not in article.body
    assert len(article.initiatives) == 9
    assert article.initiatives[0].startswith(
        "The launch in March of the new early intervention programme (CIRV - Community "
        "Initiative to Reduce Violence)"
    )
    assert article.initiatives[0].endswith("all of whom have agreed to engage with the programme.")
    assert article.initiatives[-1] == (
        "In August, the Chief Constable pledged that he would arm all frontline officers with "
        "Taser within the next three years, giving them greater security and reducing the risk "
        "of attack which leads to thousands of hours lost each year through injury"
    )
    assert all(not item.startswith("*") for item in article.initiatives)
    # The closing quote paragraph is prose, not an initiative.
    assert not any(item.startswith("Mr Adderley said") for item in article.initiatives)


def test_word_count_counts_words_not_markdown_markers(write_file: WriteFile) -> None:
    body = "# Big news\n\n* one, two\n- three\n\n---\n\n> quoted 4 -- [link text](http://e/) ***\n"
    article = load(write_file("a.md", "---\ntitle: T\n---\n" + body))
    # Counted: Big, news, one, two, three, quoted, 4, "[link", "text](http://e/)".
    assert article.word_count == 9


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("東京都に行く", 6),  # Japanese: each Han or Kana character a word
        ("防犯パトロール。", 7),
        ("北京的天气很好", 7),  # Chinese
        ("iPhone用の", 3),  # Latin beside them is a word of its own
        ("東京・京都", 4),
        ("한국어 문장 입니다", 3),  # Korean spaces its words: counted as Latin is
        ("Café au lait", 3),
    ],
)
def test_chinese_and_japanese_count_a_word_a_character(
    write_file: WriteFile, text: str, words: int
) -> None:
    article = load(write_file("cjk.md", f"---\ntitle: T\n---\n{text}\n"))
    assert article.word_count == words


# --- Metadata formats and what surrounds them -----------------------------------------

FORMATS = {
    "fenced-yaml": "```yaml\ntitle: The title\ndate: 2020-05-01\narea: North\n```\n\nBody text.\n",
    "yaml": "---\ntitle: The title\ndate: 2020-05-01\narea: North\n---\nBody text.\n",
    "toml": '+++\ntitle = "The title"\ndate = 2020-05-01\narea = "North"\n+++\nBody text.\n',
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(
    "variant",
    ["plain", "bom", "crlf", "lone-cr", "leading-blank-lines", "bom-crlf-blank-lines"],
)
def test_formats_tolerate_bom_line_endings_and_blank_lines(
    write_file: WriteFile, fmt: str, variant: str
) -> None:
    text = FORMATS[fmt]
    if "blank-lines" in variant:
        text = "\n \n\t\n" + text
    if "crlf" in variant:
        text = text.replace("\n", "\r\n")
    if variant == "lone-cr":
        text = text.replace("\n", "\r")
    data = text.encode("utf-8")
    if "bom" in variant:
        data = codecs.BOM_UTF8 + data
    article = load(write_file("a.md", data))
    assert article.metadata_format == fmt
    assert article.title == "The title"
    assert article.area == "North"
    assert article.published == datetime(2020, 5, 1)
    assert article.body == "Body text.\n"
    assert article.warnings == ()


def test_yaml_front_matter_closed_by_dots(write_file: WriteFile) -> None:
    article = load(write_file("a.md", "---\ntitle: Dots\n...\n# Heading\n"))
    assert (article.metadata_format, article.title, article.body) == ("yaml", "Dots", "# Heading\n")


def test_fenced_yml_and_tilde_fences(write_file: WriteFile) -> None:
    assert load(write_file("a.md", "```yml\ntitle: Yml\n```\nx\n")).title == "Yml"
    assert load(write_file("b.md", "~~~yaml\ntitle: Tilde\n~~~\nx\n")).title == "Tilde"


def test_no_metadata(write_file: WriteFile) -> None:
    article = load(write_file("plain.md", "# A plain post\n\nSome words here.\n"))
    assert article.metadata_format == "none"
    assert article.metadata == {}
    assert article.title == "A plain post"
    assert article.body == "# A plain post\n\nSome words here.\n"
    assert article.warnings == ()


@pytest.mark.parametrize("opener", ["---", "+++", "```yaml"])
def test_unclosed_block_loads_whole_file_as_body_with_a_warning(
    write_file: WriteFile, opener: str
) -> None:
    text = f"{opener}\ntitle: Never closed\n\n# Heading\n\nText.\n"
    article = load(write_file("a.md", text))
    assert article.metadata_format == "none"
    assert article.metadata == {}
    assert article.body == text
    assert any("never closed" in warning for warning in article.warnings)
    # An unclosed ``` fence runs to the end in markdown, so its heading is code, not a title.
    assert article.title == ("a" if opener.startswith("`") else "Heading")


@pytest.mark.parametrize(
    ("block", "kind"), [("- a\n- b", "a list"), ("just a sentence", "a single str"), ("3", "int")]
)
def test_block_that_is_not_a_mapping_still_loads_the_body(
    write_file: WriteFile, block: str, kind: str
) -> None:
    article = load(write_file("a.md", f"```yaml\n{block}\n```\n# Heading\n\nBody.\n"))
    assert article.metadata == {}
    assert article.title == "Heading"
    assert article.body == "# Heading\n\nBody.\n"
    assert [w for w in article.warnings if kind in w and "not a mapping" in w]
    # `---` may just be a markdown rule: then what it "opened" is kept as body text.
    article = load(write_file("b.md", f"---\n{block}\n---\n# Heading\n\nBody.\n"))
    assert article.body == f"---\n{block}\n---\n# Heading\n\nBody.\n"
    assert article.title == "Heading"


def test_null_block_is_empty_metadata_without_warning(write_file: WriteFile) -> None:
    article = load(write_file("a.md", "---\n~\n---\n# Heading\n"))
    assert (article.metadata, article.warnings) == ({}, ())


def test_invalid_yaml_warning_points_at_the_file_line(write_file: WriteFile) -> None:
    # File lines: 1 blank, 2 blank, 3 ```yaml, 4 title, 5 the bad line.
    text = "\n\n```yaml\ntitle: Fine\nbad: [unclosed, : x: y\nmore: 1\n```\n# Heading\n"
    article = load(write_file("a.md", codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()))
    assert article.title == "Heading"
    assert article.body == "# Heading\n"
    yaml_warnings = [w for w in article.warnings if "YAML error" in w]
    assert len(yaml_warnings) == 1
    line = int(yaml_warnings[0].split("at line ")[1].split(":")[0])
    assert text.split("\n")[line - 1].startswith("bad:")


def test_invalid_toml_warns_and_loads_the_body(write_file: WriteFile) -> None:
    article = load(write_file("a.md", '\n+++\ntitle = "x"\ndate = 2019-02-30\n+++\nBody.\n'))
    assert article.body == "Body.\n"
    assert article.title == "a"
    toml_warnings = [w for w in article.warnings if w.startswith("metadata: TOML error")]
    assert len(toml_warnings) == 1
    assert "(at line 4, column" in toml_warnings[0]


def test_impossible_yaml_date_warns_but_keeps_the_other_fields(write_file: WriteFile) -> None:
    article = load(write_file("a.md", "---\ntitle: Kept\ndate: 2019-02-30\narea: North\n---\n"))
    assert (article.title, article.area, article.published) == ("Kept", "North", None)
    assert article.warnings == ("date '2019-02-30' in 'date' is not a date I can read",)


def test_yaml_alias_bomb_in_a_file_warns_and_loads(write_file: WriteFile) -> None:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    article = load(write_file("bomb.md", "---\n" + "\n".join(lines) + "\n---\n# Still here\n"))
    assert article.title == "Still here"
    assert article.metadata == {}
    assert any("YAML aliases" in w for w in article.warnings)


def test_self_referencing_anchor_in_a_file(write_file: WriteFile) -> None:
    article = load(write_file("loop.md", "---\nloop: &a [*a]\n---\n# Still here\n"))
    assert article.title == "Still here"
    assert any("levels" in w for w in article.warnings)


def test_non_string_keys(write_file: WriteFile) -> None:
    article = load(write_file("keys.md", "---\ntitle: T\n2019: year\n---\n"))
    assert article.metadata == {"title": "T", "2019": "year"}
    assert any("'2019' is not text" in w for w in article.warnings)


# --- Title ---------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [" | ", " - ", " – ", " — ", " · ", " » "])
def test_title_with_site_suffix_becomes_the_og_title(write_file: WriteFile, separator: str) -> None:
    text = (
        f'---\ntitle: "Road closed{separator}Northants Police"\nog:\n  title: Road closed\n---\nx\n'
    )
    assert load(write_file("a.md", text)).title == "Road closed"


@pytest.mark.parametrize(
    ("title", "og_title"), [("E-scooters banned", "E"), ("Road closed—again", "Road closed")]
)
def test_a_hyphenated_word_is_not_a_site_suffix(
    write_file: WriteFile, title: str, og_title: str
) -> None:
    text = f"---\ntitle: {title}\nog:\n  title: {og_title}\n---\nx\n"
    assert load(write_file("a.md", text)).title == title


def test_flat_og_title_key_is_found(write_file: WriteFile) -> None:
    text = '---\ntitle: "Road closed | Police"\n"og:title": Road closed\n---\nx\n'
    assert load(write_file("a.md", text)).title == "Road closed"


def test_title_without_a_suffix_is_kept(write_file: WriteFile) -> None:
    text = "---\ntitle: Road closed after crash\nog:\n  title: Something else\n---\nx\n"
    assert load(write_file("a.md", text)).title == "Road closed after crash"
    # A longer title that merely starts with the og:title (no separator) is kept too.
    text = "---\ntitle: Road closed tonight\nog:\n  title: Road closed\n---\nx\n"
    assert load(write_file("b.md", text)).title == "Road closed tonight"


def test_og_title_alone_is_used(write_file: WriteFile) -> None:
    assert load(write_file("a.md", "---\nog:\n  title: Only og\n---\nx\n")).title == "Only og"


def test_title_falls_back_to_first_h1_with_inline_markup_removed(write_file: WriteFile) -> None:
    text = (
        "---\ndate: 2020-01-01\n---\n## Not this\n\n"
        "# The **big** _news_ about `code` and [a link](http://e/) &amp; more\n\n# Second\n"
    )
    article = load(write_file("a.md", text))
    assert article.title == "The big news about code and a link & more"
    assert article.warnings == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A README's badges are not title text: images, and links holding only images.
        ("# Project [![Build](b.svg)](ci) [![npm](n.svg)](https://npm/p)\n", "Project"),
        ('# <img src="logo.png" alt="Logo"> Express\n', "Express"),
        ("# See [the ![x](i.png) docs](d)\n", "See the docs"),
        ("# ![Logo](logo.png)\n", "Logo"),  # nothing but images: their alt text
        # A GitHub README's HTML heading, a logo in or around it.
        ('<h1 align="center">Name</h1>\n\nText.\n', "Name"),
        (
            '<p align="center"><img src="l.svg" alt="L"></p>\n\n'
            '<h1 align="center">\n  <img src="l.svg" alt="Logo">\n  <br>Express\n</h1>\n\n'
            "# Later\n",
            "Express",
        ),
        ("## Sub\n\n<h1>First</h1>\n\n# Second\n", "First"),
        ("# First\n\n<h1>Second</h1>\n", "First"),
    ],
)
def test_title_from_a_readme_heading(write_file: WriteFile, body: str, expected: str) -> None:
    article = load(write_file("README.md", body))
    assert article.title == expected
    assert article.warnings == ()


def test_setext_heading_counts_as_h1(write_file: WriteFile) -> None:
    assert load(write_file("a.md", "Setext title\n============\n\nBody.\n")).title == "Setext title"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("2018-06-14-summer_fete.md", "summer fete"), ("notes.md", "notes")],
)
def test_title_falls_back_to_file_name_with_a_warning(
    write_file: WriteFile, name: str, expected: str
) -> None:
    article = load(write_file(name, "## Only a subheading\n\nText.\n"))
    assert article.title == expected
    assert any("file name" in w for w in article.warnings)


def test_overlong_title_is_cut_with_a_warning(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(article_module, "MAX_TITLE_CHARS", 20)
    article = load(write_file("a.md", "---\ntitle: " + "word " * 30 + "\n---\n"))
    assert len(article.title) == 20
    assert article.title.endswith("…")
    assert any("cut to 20" in w for w in article.warnings)


def test_multiline_title_becomes_one_line(write_file: WriteFile) -> None:
    article = load(write_file("a.md", "---\ntitle: |\n  Two\n  lines\n---\n"))
    assert article.title == "Two lines"


# --- Dates ---------------------------------------------------------------------------

PLUS_ONE = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("publish:\n  date: 07:45 27/09/2019", datetime(2019, 9, 27, 7, 45)),
        ('"publish.date": 07:45 27/09/2019', datetime(2019, 9, 27, 7, 45)),
        ("date: 2019-09-27", datetime(2019, 9, 27)),
        ("date: 2019-09-27 07:45:00", datetime(2019, 9, 27, 7, 45)),
        ("date: 2019-09-27T07:45:00Z", datetime(2019, 9, 27, 7, 45, tzinfo=UTC)),
        ("date: 2019-09-27T07:45:00+01:00", datetime(2019, 9, 27, 7, 45, tzinfo=PLUS_ONE)),
        ("date: 2018-06-14 09:30:00 +0100", datetime(2018, 6, 14, 9, 30, tzinfo=PLUS_ONE)),
        ("published: 27/09/2019", datetime(2019, 9, 27)),
        ("pubDate: Fri, 27 Sep 2019 07:45:00 +0100", datetime(2019, 9, 27, 7, 45, tzinfo=PLUS_ONE)),
        ("published_at: '2019-09-27T07:45:00'", datetime(2019, 9, 27, 7, 45)),
        ("publishDate: 2019-09-27", datetime(2019, 9, 27)),
        # Astro's blog template (its every post, quoted or not).
        ("pubDate: 'Jul 08 2022'\nupdatedDate: 'Jul 10 2022'", datetime(2022, 7, 8)),
        ("pubDate: Jul 08 2022", datetime(2022, 7, 8)),
        (
            "og:\n  article:\n    published_time: 2019-09-27T07:45:00+01:00",
            datetime(2019, 9, 27, 7, 45, tzinfo=PLUS_ONE),
        ),
    ],
)
def test_dates_in_yaml_front_matter(
    write_file: WriteFile, front_matter: str, expected: datetime
) -> None:
    article = load(write_file("a.md", f"---\ntitle: T\n{front_matter}\n---\nx\n"))
    assert article.published == expected
    assert article.published is not None
    assert article.published.utcoffset() == expected.utcoffset()
    assert article.warnings == ()


def test_toml_datetime(write_file: WriteFile) -> None:
    article = load(write_file("a.md", '+++\ntitle = "T"\ndate = 2019-09-27T07:45:00+01:00\n+++\n'))
    assert article.published == datetime(2019, 9, 27, 7, 45, tzinfo=PLUS_ONE)


def test_publish_date_wins_over_date(write_file: WriteFile) -> None:
    text = "---\ntitle: T\ndate: 2001-01-01\npublish:\n  date: 07:45 27/09/2019\n---\n"
    assert load(write_file("a.md", text)).published == datetime(2019, 9, 27, 7, 45)


def test_jekyll_file_name_date_when_metadata_has_none(write_file: WriteFile) -> None:
    article = load(write_file("2018-06-14-fete.md", "---\ntitle: Fete\n---\nx\n"))
    assert article.published == datetime(2018, 6, 14)
    assert article.published_raw is None
    assert article.warnings == ()


def test_unparseable_date_is_none_with_a_warning_naming_it(write_file: WriteFile) -> None:
    article = load(write_file("a.md", "---\ntitle: T\ndate: 99/99/9999\n---\nx\n"))
    assert article.published is None
    assert article.published_raw == "99/99/9999"
    assert len(article.warnings) == 1
    assert "'99/99/9999'" in article.warnings[0]


def test_unparseable_date_falls_back_to_file_name_but_still_warns(write_file: WriteFile) -> None:
    article = load(write_file("2018-06-14-x.md", "---\ntitle: T\ndate: soon\n---\nx\n"))
    assert article.published == datetime(2018, 6, 14)
    assert any("'soon'" in w for w in article.warnings)


def test_no_date_anywhere_is_none_without_warning(write_file: WriteFile) -> None:
    article = load(write_file("a.md", "---\ntitle: T\n---\nx\n"))
    assert (article.published, article.published_raw, article.warnings) == (None, None, ())


# --- Other fields --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "area"),
    [
        ("area: North", "North"),
        ("category: Roads", "Roads"),
        ("categories: [Crime, Courts]", "Crime"),
        ("categories:\n  - ''\n  - Courts", "Courts"),
        ("section: Sport", "Sport"),
        ("area: North\ncategory: Roads\nsection: Sport", "North"),
        ("Category: Roads", "Roads"),
        ("tags: [x]", None),
        # A number names no area: npm's pages give `section: 1`, the manual's section.
        ("section: 1", None),
        ("category: 2.5\nsection: Sport", "Sport"),
        ("categories: [7, Roads]", None),
        ("category: true", None),
        ("section: '1'", "1"),  # written as text, it is the file's word
    ],
)
def test_area_keys(write_file: WriteFile, front_matter: str, area: str | None) -> None:
    assert load(write_file("a.md", f"---\ntitle: T\n{front_matter}\n---\n")).area == area


def test_zola_taxonomies_give_the_area(write_file: WriteFile) -> None:
    text = '+++\ntitle = "T"\n[taxonomies]\ncategories = ["Roads"]\ntags = ["x"]\n+++\n'
    assert load(write_file("a.md", text)).area == "Roads"


def test_entities_are_decoded_in_fields_and_metadata(write_file: WriteFile) -> None:
    text = (
        '---\ntitle: "Fish &amp; chips: it&#8217;s back"\narea: "Bath &amp; Wells"\n'
        'description: "Caf&eacute; &lt;open&gt;"\n---\nx\n'
    )
    article = load(write_file("a.md", text))
    assert article.title == "Fish & chips: it’s back"
    assert article.area == "Bath & Wells"
    assert article.description == "Café <open>"
    assert article.metadata["title"] == "Fish & chips: it’s back"


def test_field_keys(write_file: WriteFile) -> None:
    text = (
        "---\ntitle: T\nlink: http://e/a\nsummary: Sum\n"
        "og:\n  image: http://e/i.png\n  locale: en_GB\n  type: article\n---\n"
    )
    article = load(write_file("a.md", text))
    assert (article.url, article.description, article.image, article.locale, article.kind) == (
        "http://e/a",
        "Sum",
        "http://e/i.png",
        "en_GB",
        "article",
    )


def test_id_is_the_path_relative_to_the_root(tmp_path: Path, write_file: WriteFile) -> None:
    path = write_file("2019/may/a.md", "# A\n")
    assert load(path, tmp_path).id == "2019/may/a.md"
    # A single file opened as the root is its own name.
    assert load(path, path).id == "a.md"


def test_size_and_mtime_are_recorded(write_file: WriteFile) -> None:
    path = write_file("a.md", "# A\n")
    article = load(path)
    assert article.size == 4
    assert article.mtime_ns == os.stat(path).st_mtime_ns


# --- Initiatives ---------------------------------------------------------------------


def initiatives_of(write_file: WriteFile, body: str) -> tuple[str, ...]:
    return load(write_file("a.md", "---\ntitle: T\n---\n" + body)).initiatives


@pytest.mark.parametrize("marker", ["*", "-", "+"])
def test_each_bullet_marker(write_file: WriteFile, marker: str) -> None:
    body = f"Intro.\n\n{marker} One\n{marker} Two\n"
    assert initiatives_of(write_file, body) == ("One", "Two")


def test_nested_bullets_are_not_initiatives(write_file: WriteFile) -> None:
    body = "* Parent one\n  * child a\n  * child b\n* Parent two\n    - deeper\n"
    assert initiatives_of(write_file, body) == ("Parent one", "Parent two")


def test_a_table_of_contents_is_not_initiatives(write_file: WriteFile) -> None:
    # Every item only a link to an anchor of the page (nested or not, one or many).
    body = (
        "## Table of contents\n\n* [Supported platforms](#supported-platforms)\n"
        "  * [Input](#input)\n* [Building `node`](#building-node)\n\n"
        "* [Back to top](#top)\n\n## Supported platforms\n\n* Linux\n* macOS\n"
    )
    assert initiatives_of(write_file, body) == ("Linux", "macOS")


def test_navigation_to_other_files_is_not_initiatives(write_file: WriteFile) -> None:
    # A list of links to other pages (npm's "See Also"), and a label over a sub-list of
    # only such links (each of Node's changelogs opens with its "Other Versions").
    body = (
        "* [Guide](guide.md)\n* [API](api.md#fs)\n* [Start](/commands/npm-start)\n\n"
        "## Changes\n\n* Other Versions\n  * [19.x](CHANGELOG_V19.md)\n"
        "  * [18.x](CHANGELOG_V18.md)\n  * [io.js](CHANGELOG_IOJS.md)\n\n"
        "## 20.0.0\n\n* [`abc123`](../commit/abc123) - fix: a real change\n"
        "* A real initiative\n  * [its page](page.md)\n"
    )
    assert initiatives_of(write_file, body) == (
        "abc123 - fix: a real change",
        "A real initiative",
    )


@pytest.mark.parametrize(
    "body",
    [
        "* [Node](https://nodejs.org/)\n* [npm](https://npmjs.com/)\n",  # links to the web
        "* [Intro](#intro)\n* Plain item\n",  # not every item a link
        "* [Intro](#intro) and more\n* [Use](#use)\n",  # an item with more than its link
        "* [Guide](guide.md) and more\n* [API](api.md)\n",
        "* Versions\n  * [19.x](CHANGELOG_V19.md) and more\n* Other\n  * [a](a.md)\n",
    ],
)
def test_lists_of_links_that_are_not_navigation_are_initiatives(
    write_file: WriteFile, body: str
) -> None:
    assert len(initiatives_of(write_file, body)) == 2


def test_ordered_lists_are_not_initiatives(write_file: WriteFile) -> None:
    body = "1. First step\n2. Second step\n   * bullet under a step\n\n* Real one\n"
    assert initiatives_of(write_file, body) == ("Real one",)


def test_bullets_inside_block_quotes_are_not_initiatives(write_file: WriteFile) -> None:
    body = "> Quoted:\n>\n> * not this\n> * nor this\n\n* This\n"
    assert initiatives_of(write_file, body) == ("This",)


def test_inline_markup_is_stripped(write_file: WriteFile) -> None:
    body = (
        "* **Bold** and _em_ and `code`\n"
        "* A [link](http://e/) and ![alt text](i.png) and <http://auto.example>\n"
        "* Escaped \\*stars\\* and &amp; entity\n"
        "* ~~struck~~ text\n"
    )
    assert initiatives_of(write_file, body) == (
        "Bold and em and code",
        "A link and alt text and http://auto.example",
        "Escaped *stars* and & entity",
        "struck text",
    )


def test_loose_list_with_several_paragraphs(write_file: WriteFile) -> None:
    body = (
        "* First item, first paragraph.\n\n  Its second paragraph.\n\n"
        "* Second item\n  continues on a new line.\n\n"
        "* Third\n\n      indented code is not text\n"
    )
    assert initiatives_of(write_file, body) == (
        "First item, first paragraph. Its second paragraph.",
        "Second item continues on a new line.",
        "Third",
    )


def test_several_top_level_lists_all_count(write_file: WriteFile) -> None:
    body = "* A\n* B\n\nBetween.\n\n- C\n\n## Heading\n\n+ D\n"
    assert initiatives_of(write_file, body) == ("A", "B", "C", "D")


def test_empty_items_and_no_lists(write_file: WriteFile) -> None:
    assert initiatives_of(write_file, "*\n* \n* Real\n") == ("Real",)
    assert initiatives_of(write_file, "Just prose.\n\n1. ordered only\n") == ()


def test_list_in_the_metadata_block_is_not_an_initiative(write_file: WriteFile) -> None:
    text = "```yaml\ntitle: T\ntags:\n  - a\n  - b\n```\n\nProse.\n"
    assert load(write_file("a.md", text)).initiatives == ()


# --- Control characters ------------------------------------------------------------


def test_control_characters_are_stripped_everywhere(write_file: WriteFile) -> None:
    text = (
        '---\ntitle: "Evil\x1b[2J\x07 title"\n'
        '"ke\x1by": "val\x9bue\x85"\n'
        'area: "No\u202erth"\n---\n'
        "Body\x1b]0;pwned\x07 text\tkept\x7f\n\n* item\x1b[31m red\n"
    )
    article = load(write_file("a.md", text))
    assert article.title == "Evil[2J title"
    assert article.metadata["key"] == "value"
    assert article.area == "North"
    assert article.body == "Body]0;pwned text\tkept\n\n* item[31m red\n"
    assert article.initiatives == ("item[31m red",)


def test_controls_written_as_entities_or_escapes_are_stripped(write_file: WriteFile) -> None:
    # Markdown decodes entities itself: a heading or bullet must not smuggle one through.
    text = (
        '---\ndescription: "a&#27;b\\x9b\\u202Ec"\n---\n'
        "# Title &#8238;reversed&#x2067; &#27;&#155;end\n\n* item &#8238;rtl &#x1b;\n"
    )
    article = load(write_file("a.md", text))
    assert article.description == "abc"
    for unsafe in ("\x1b", "\x9b", "\u202e", "\u2067"):
        assert unsafe not in article.title
        assert all(unsafe not in item for item in article.initiatives)
    assert article.title.startswith("Title reversed")
    assert article.initiatives[0].startswith("item rtl")


# --- Bad input -----------------------------------------------------------------------


def test_invalid_utf8_is_replaced_with_a_warning(write_file: WriteFile) -> None:
    article = load(write_file("a.md", b"---\ntitle: caf\xe9\n---\nna\xefve \xff body\n"))
    assert article.title == "caf\ufffd"
    assert article.body == "na\ufffdve \ufffd body\n"
    assert len(article.warnings) == 1
    assert "not valid UTF-8" in article.warnings[0]
    assert "offset 14" in article.warnings[0]


def test_invalid_utf8_offset_counts_from_the_start_of_the_file(write_file: WriteFile) -> None:
    article = load(write_file("a.md", codecs.BOM_UTF8 + b"# ab\xff\n"))
    assert article.title == "ab\ufffd"
    assert article.warnings == (
        "not valid UTF-8 (first bad byte at offset 7); bad bytes shown as \ufffd",
    )


def test_invalid_utf16_is_replaced_with_a_warning(write_file: WriteFile) -> None:
    # A lone high surrogate, then an odd trailing byte.
    data = codecs.BOM_UTF16_LE + "# Title\n".encode("utf-16-le") + b"\x00\xd8A\x00B"
    article = load(write_file("a.md", data))
    assert article.title == "Title"
    assert article.body.startswith("# Title\n\ufffd")
    assert len(article.warnings) == 1
    assert article.warnings[0].startswith("not valid UTF-16-LE (first bad byte at offset 18)")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_are_decoded(write_file: WriteFile, encoding: str) -> None:
    text = "---\r\ntitle: Café ’quoted’\r\n---\r\n* one\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    article = load(write_file("a.md", data))
    assert article.title == "Café ’quoted’"
    assert article.initiatives == ("one",)
    assert article.warnings == ()


@pytest.mark.parametrize("data", [b"# Title\n\x00\x01binary", "# Title\n".encode("utf-16-le")])
def test_nul_bytes_make_a_load_problem(write_file: WriteFile, data: bytes) -> None:
    assert "binary" in problem(write_file("a.md", data)).message


def test_file_over_the_size_cap_is_a_load_problem(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(article_module, "MAX_FILE_BYTES", 1024)
    assert isinstance(load_article(write_file("ok.md", "x" * 1024), Path()), Article)
    found = problem(write_file("big.md", "x" * 1025))
    assert "limit" in found.message
    assert found.path.name == "big.md"


def test_file_growing_past_the_cap_after_stat_is_a_load_problem(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    # stat said small, then the file grew before it was read: the read must stop at the cap.
    path = write_file("grows.md", "x" * 100)
    monkeypatch.setattr(article_module, "MAX_FILE_BYTES", 1024)
    real_open = os.open

    def grow_then_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(file) == path:
            path.write_bytes(b"x" * 5000)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", grow_then_open)
    assert "limit" in problem(path).message


def test_unreadable_file_is_a_load_problem(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file("secret.md", "# Secret\n")
    path.chmod(0)
    try:
        if os.geteuid() == 0:
            # root reads through mode 000; make open fail the way it does for anyone else.
            real_open = os.open

            def denied(file: Any, *args: Any, **kwargs: Any) -> Any:
                if Path(file) == path:
                    raise PermissionError(13, "Permission denied", str(file))
                return real_open(file, *args, **kwargs)

            monkeypatch.setattr(os, "open", denied)
        found = problem(path)
    finally:
        path.chmod(0o644)
    assert found.message == "cannot read: Permission denied"


def test_vanished_file_is_a_load_problem(write_file: WriteFile) -> None:
    path = write_file("gone.md", "# Gone\n")
    path.unlink()
    assert "No such file" in problem(path).message


def test_a_folder_is_not_an_article(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert problem(folder).message == "not a regular file"


def test_a_fifo_is_not_opened(tmp_path: Path) -> None:
    # Opening a named pipe would block the loader until something wrote to it.
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert problem(fifo).message == "not a regular file"


def test_an_unexpected_error_becomes_a_load_problem(
    write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(article_module, "scan_body", explode)
    found = problem(write_file("a.md", "# A\n"))
    assert found.message == "unexpected error while loading: RuntimeError boom second line"


def test_empty_file_loads(write_file: WriteFile) -> None:
    article = load(write_file("empty.md", b""))
    assert (article.title, article.body, article.word_count) == ("empty", "", 0)


def test_a_dashed_block_that_is_not_metadata_stays_in_the_body() -> None:
    text = "---\nJust a paragraph: with a colon\nand more\n---\n\n# Heading\n\n* item\n"
    article = parse_article(text, path=Path("notes.md"), article_id="notes.md")
    assert article.body.startswith("---\nJust a paragraph: with a colon\nand more\n---")
    assert article.metadata == {}
    assert article.title == "Heading"
    assert article.initiatives == ("item",)
    assert any("not metadata" in warning for warning in article.warnings)


def test_a_colon_subtitle_is_not_a_site_suffix() -> None:
    text = '---\ntitle: "Budget: what changes"\nog:\n  title: Budget\n---\nBody.\n'
    article = parse_article(text, path=Path("b.md"), article_id="b.md")
    assert article.title == "Budget: what changes"


@pytest.mark.parametrize("title", ["title: Budget\n", ""])
def test_inline_markup_past_the_budget_is_kept_as_written(
    title: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """markdown-it-py reads a body's inline markup up to MAX_INLINE_MARKS marks (for
    its initiatives, and again for its words); a text past it is kept as written."""
    monkeypatch.setattr(body_module, "MAX_INLINE_MARKS", 10)
    heading = "" if title else "# Budget\n\n"
    text = f"---\n{title}---\n{heading}* <i>a</i> *first*\n* <i>b</i> *second*\n"
    article = parse_article(text, path=Path("budget.md"), article_id="budget.md")
    assert article.title == "Budget"
    # <i>, </i> and the two stars: 6 marks each; the second is past the 10.
    assert article.initiatives == ("a first", "<i>b</i> *second*")
    monkeypatch.setattr(body_module, "MAX_INLINE_MARKS", 12)
    article = parse_article(text + "\n", path=Path("budget.md"), article_id="budget.md")
    assert article.initiatives == ("a first", "b second")


def test_pymdownx_marks_are_counted_in_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """PyMdown's marks (`==`, `^`, `+`, `:`) count as markdown's do, in a text that may
    hold them: a paragraph of 100,000 `==a==` is not parsed past the budget."""
    monkeypatch.setattr(body_module, "MAX_INLINE_MARKS", 10)
    text = "---\ntitle: Budget\n---\n* ==a== :tada:\n* ==b== ++c++\n"
    article = parse_article(text, path=Path("budget.md"), article_id="budget.md")
    # `==`, `==`, `:`, `:`: 6 marks; then 8 more, past the 10.
    assert article.initiatives == ("a 🎉", "==b== ++c++")


def test_utf8_that_may_hold_a_control_character_is_every_utf8_that_does() -> None:
    # decode skips strip_control for UTF-8 with none of the bytes that start one.
    from reader.text.sanitize import utf8_may_hold_control

    for code in range(0x110000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # no UTF-8 (undecodable bytes are read as U+FFFD)
        if strip_control(char) != char:
            assert utf8_may_hold_control(char.encode("utf-8")), hex(code)
    assert not utf8_may_hold_control("Naïve café — plain\ttext\n".encode().replace(b"\xe2", b""))


_DECODED = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("\x1b\x07\r\x85\x9b\u061c\u200e\u202e\u2066\ufeff\u2014é\ufffd"),
    ),
    max_size=40,
)


@given(_DECODED, st.binary(max_size=6), st.booleans())
def test_decoded_utf8_is_stripped_of_controls(text: str, junk: bytes, bom: bool) -> None:
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8") + junk
    decoded = article_module.decode(data)
    if isinstance(decoded, str):
        return  # NUL: no article
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    assert decoded[0] == strip_control(normalise_newlines(body.decode("utf-8", errors="replace")))
