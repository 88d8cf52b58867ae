"""What real sites write besides markdown, as the loader reads it: template tags, HTML,
callouts, MDX, and the metadata conventions of Jekyll, Hugo and Zola (issue 13).

The samples under sample_articles/sites/ are shaped like files of such sites; each is
loaded here and, rendered, in tests/tui/test_real_sites_render.py and the snapshots.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli import main
from reader.loading import load_article, parse_article
from reader.loading.body import body_text, markdown_initiatives, scan_body
from reader.loading.dates import date_from_path
from reader.loading.discover import find_files, no_articles_message
from reader.markdown import markdown_parser
from reader.markup.callouts import callout_of
from reader.markup.html import html_blocks, html_text
from reader.model import Article
from reader.resources import samples_dir
from tests.conftest import WriteFile

SITES = samples_dir() / "sites"
SAMPLES = {
    "jekyll": "jekyll/_posts/2021-04-12-crime-map-tiles.md",
    "hugo": "hugo/content/volunteers/speedwatch/_index.md",
    "zola": "zola/content/blog/offline-first-forms.md",
    "mdx": "docs/docs/reporting-api.mdx",
    "cjk": "ja/2023-03-08-bouhan-patrol.md",
    "html": "html/bike-marking-results.md",
    "mkdocs": "mkdocs/docs/blog/posts/winter-readings.md",
}


def article(text: str, article_id: str = "a.md") -> Article:
    return parse_article(text, path=Path("/site") / article_id, article_id=article_id)


def sample(name: str) -> Article:
    loaded = load_article(SITES / SAMPLES[name], SITES)
    assert isinstance(loaded, Article)
    return loaded


# -- template tags --------------------------------------------------------------------

TAG_BODY = """\
Intro {{ page.title }} text.
{% assign team = site.data.team %}
{% include toc.html %}
{% highlight ruby linenos %}
puts greeting
{% endhighlight %}
{{< highlight go >}}
fmt.Println(salutation)
{{< /highlight >}}
{{< note >}}
Kept inside
{{< /note >}}
{{% notice tip %}}
Also kept
{{% /notice %}}
{% raw %}
Raw words
{% endraw %}
{% comment %}
Commented out
{% endcomment %}
"""


def test_template_tags_are_not_the_body_s_words() -> None:
    """What search indexes and the word count counts: the tags' own words are gone, code
    in code-block tags, callout and raw content stay."""
    text = body_text(TAG_BODY)
    for word in ("assign", "include", "highlight", "endhighlight", "linenos", "notice",
                 "raw", "endraw", "comment", "page.title", "{%", "{{"):  # fmt: skip
        assert word not in text, word
    for word in ("Intro", "puts greeting", "fmt.Println(salutation)", "Kept inside",
                 "Also kept", "Raw words"):  # fmt: skip
        assert word in text, word
    assert "Commented out" not in text


@pytest.mark.parametrize(
    "line",
    [
        "{% assign x = 1 %}",
        "{% include note.html %}",
        "{%- if site.show -%}",
        "{{< youtube abc123 >}}",
        "{{% toc %}}",
        "{{ page.date }}",
        "{: .lead}",
        "{:toc}",
    ],
)
def test_a_tag_line_is_never_part_of_a_paragraph_nor_an_initiative(line: str) -> None:
    body = f"A paragraph line\n{line}\nanother paragraph\n\n- {line}\n- real item\n"
    facts = scan_body(body, need_heading=False)
    assert facts.initiatives == ("real item",)
    tokens = markdown_parser().parse(body)
    paragraphs = [token.content for token in tokens if token.type == "inline"]
    assert paragraphs[:2] == ["A paragraph line", "another paragraph"]


def test_template_links_show_their_text() -> None:
    body = 'See [the post]({% link _posts/a.md %}) and [the docs]({{< ref "docs.md" >}}).\n'
    assert body_text(body) == "See the post and the docs."


def test_kramdown_toc_list_goes_with_its_attribute_line() -> None:
    facts = scan_body("* TOC\n{:toc}\n\n- First\n- Second\n", need_heading=False)
    assert facts.initiatives == ("First", "Second")


def test_search_finds_words_not_tags(capsys: pytest.CaptureFixture[str]) -> None:
    """`reader search` over the samples: a tag's words are no hit, the text around is."""
    jekyll, mdx, html = (f"sites/{SAMPLES[name]}" for name in ("jekyll", "mdx", "html"))
    for query, wanted, unwanted in (
        ("endhighlight", [], [jekyll]),
        ("assign", [], [jekyll]),
        ("linenos", [], [jekyll]),
        ("lead", [], [jekyll, html]),  # {: .lead} and <div class="lead">
        ("strong", [], [html]),  # <strong>
        ("tile_counts", [jekyll], []),
        ("sandbox", [mdx], []),
        ("etches", [html], []),  # inside <details>
    ):
        assert main(["search", query, str(samples_dir()), "--no-cache", "--json"]) == 0
        found = [item["id"] for item in json.loads(capsys.readouterr().out)]
        assert all(item in found for item in wanted), query
        assert not any(item in found for item in unwanted), query


# -- HTML -----------------------------------------------------------------------------


def test_html_is_read_as_its_text() -> None:
    html = (
        '<div class="x"><p>One &amp; <strong>two</strong><br>three</p>'
        '<!-- a comment --><img src="a.png" alt="A cat"><script>alert(1)</script>'
        "<style>p {}</style><ul><li>first</li><li>second</li></ul></div>"
    )
    assert html_text(html) == "One & two\nthree\nA cat\nfirst\nsecond"
    kinds = [block.kind for block in html_blocks(html)]
    assert kinds == ["text", "text", "item", "item"]


@pytest.mark.parametrize(
    "html",
    [
        '<p align="center"><img src="logo.png"></p>',  # a README's logo: no alt
        '<p align="center">\n  <a href="https://ci"><img src="badge.svg"></a>\n</p>',
        '<img src="a.png" alt="">',
        '<p>One<br><img src="a.png"> two</p>',
        '<h1 align="center"><img src="logo.png"><br>Project</h1>',
    ],
)
def test_an_image_without_alt_text_loads_and_shows(html: str) -> None:
    """An <img> with no alt (or an empty one) in an HTML block made the whole file a load
    problem (an IndexError reading its empty text): it is an image without a name."""
    article = parse_article(
        f"---\ntitle: T\n---\n\n{html}\n\nBody text.\n", path=Path("a.md"), article_id="a.md"
    )
    assert isinstance(article, Article)
    assert "Body text." in body_text(article.body)
    images = [run for block in html_blocks(html) for run in block.runs if "image" in run.roles]
    assert images and all(run.text == "" for run in images)


COMMENT_PIECES = [
    "<!--",
    "-->",
    "--",
    "-",
    ">",
    "--!>",
    "-- >",
    " ",
    "\n",
    "a",
    "<b>x</b>",
    "&amp;",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(COMMENT_PIECES), max_size=12).map("".join))
def test_html_blocks_of_comments_have_the_text_the_html_parser_finds(inside: str) -> None:
    for html in (f"<!--{inside}-->\n", f"<!-- a -->\n<!--{inside}-->", f"<!--{inside}"):
        assert html_text(html) == "\n".join(block.text for block in html_blocks(html)), html


def test_html_entities_cannot_make_control_sequences() -> None:
    text = html_text("<p>&#27;[2J &#x1b;]0;title&#7; &#8238;evil</p>")
    assert text == "[2J ]0;title evil"


def test_details_summary_is_a_heading_and_a_table_a_table() -> None:
    blocks = html_blocks(
        "<details><summary>More</summary><p>Body</p></details>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    assert [(block.kind, block.text) for block in blocks] == [
        ("heading", "More"),
        ("text", "Body"),
        ("table", "A  B\n1  2"),
    ]


@pytest.mark.parametrize(
    "html",
    ["<a " * 60_000, "<a <b> " * 30_000, "</" * 100_000, "<?" * 100_000, "<!--" * 50_000],
)
def test_html_that_never_closes_its_tags_is_read_in_linear_time(html: str) -> None:
    """html.parser tries each unclosed `<` up to the end of the text: `<a ` 60,000 times
    took 436 s before tags_that_close; a generous bound proves it is not quadratic."""
    started = time.process_time()
    html_blocks(html)
    assert time.process_time() - started < 5


# -- callouts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kind", "label"),
    [
        ("> [!NOTE]\n> text", "note", "Note"),
        ("> [!CAUTION]\n> text", "caution", "Caution"),
        (":::tip[Check the receipt]\ntext\n:::", "tip", "Check the receipt"),
        ("::: warning Mind the gap\ntext\n:::", "warning", "Mind the gap"),
        (":::danger\ntext\n:::", "caution", "Danger"),
        ("!!! important\n    text", "important", "Important"),
        ("{{< note >}}\ntext\n{{< /note >}}", "note", "Note"),
        ("{{% notice warning %}}\ntext\n{{% /notice %}}", "warning", "Warning"),
        ('{{< alert title="Heads up" color="warning" >}}\ntext\n{{< /alert >}}', "warning",
         "Heads up"),
        ('{{< details "Show more" >}}\ntext\n{{< /details >}}', "details", "Show more"),
    ],
)  # fmt: skip
def test_every_callout_syntax_is_one_callout(source: str, kind: str, label: str) -> None:
    tokens = markdown_parser().parse(source)
    callouts = [callout_of(token) for token in tokens if callout_of(token) is not None]
    assert [(c.kind, c.label) for c in callouts if c is not None] == [(kind, label)]
    assert "text" in body_text(source)
    assert label not in body_text(source) or label == "Heads up" or label == "Show more"


# -- MDX ------------------------------------------------------------------------------


def test_mdx_imports_exports_and_comments_are_hidden_components_read_as_html() -> None:
    loaded = sample("mdx")
    text = body_text(loaded.body, mdx=True)
    assert "import" not in text and "export" not in text and "/*" not in text
    assert "Use your sandbox key" in text and "<TabItem" not in text
    assert "Rate limits are 60 reports a minute per key." in text


def test_import_lines_in_plain_markdown_are_prose() -> None:
    assert "import duties" in body_text("import duties rose\n\n<b>x</b>")


def test_a_folder_of_other_text_files_says_what_it_skipped(
    write_file: WriteFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(3):
        write_file(f"docs/page{number}.rst", "Title\n=====\n")
    write_file("index.html", "<p>x</p>")
    write_file("logo.png", b"\x89PNG")
    message = no_articles_message(tmp_path, "docs")
    assert message.startswith("0 articles; 3 .rst files and 1 .html file were skipped.")
    assert main(["list", str(tmp_path), "--no-cache"]) == 0
    assert "3 .rst files and 1 .html file were skipped" in capsys.readouterr().err


def test_mdx_files_are_articles(write_file: WriteFile, tmp_path: Path) -> None:
    write_file("page.mdx", "---\ntitle: A page\n---\nimport X from 'x';\n\nText.\n")
    loaded = load_article(tmp_path / "page.mdx", tmp_path)
    assert isinstance(loaded, Article) and loaded.title == "A page"
    assert loaded.word_count == 1


# -- metadata conventions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("2022/01/13/offline-first-forms", datetime(2022, 1, 13)),
        ("/news/2019/09/27/slug/", datetime(2019, 9, 27)),
        ("blog/2019-09-27-slug/index.md", datetime(2019, 9, 27)),
        ("blog/2019-09-27/index.md", datetime(2019, 9, 27)),
        ("example.org/2021/4/3/x", datetime(2021, 4, 3)),
        ("blog/2019/13/40/x", None),
        ("v2019/09/27/x", None),
        ("blog/slug", None),
    ],
)
def test_dates_in_paths(path: str, expected: datetime | None) -> None:
    assert date_from_path(path) == expected


@pytest.mark.parametrize(
    ("text", "article_id", "expected"),
    [
        ('+++\ntitle = "T"\npath = "2022/01/13/slug"\n+++\nBody', "blog/slug.md", (2022, 1, 13)),
        ("---\ntitle: T\npermalink: /2020/05/06/t/\n---\nBody", "t.md", (2020, 5, 6)),
        ("---\ntitle: T\nslug: 2018/02/03/t\n---\nBody", "t.md", (2018, 2, 3)),
        ("---\ntitle: T\n---\nBody", "news/2019/09/27/t.md", (2019, 9, 27)),
        ("---\ntitle: T\n---\nBody", "posts/2017-08-09-t/index.md", (2017, 8, 9)),
        ("---\ntitle: T\ndate: 2016-01-02\npath: 2022/01/13/x\n---\nBody", "t.md", (2016, 1, 2)),
    ],
)
def test_an_article_is_dated_by_its_paths_when_its_metadata_gives_no_date(
    text: str, article_id: str, expected: tuple[int, int, int]
) -> None:
    published = article(text, article_id).published
    assert published is not None and published.timetuple()[:3] == expected


@pytest.mark.parametrize(
    ("text", "article_id", "title"),
    [
        ("---\nlinkTitle: Docs home\n---\nBody", "docs/_index.md", "Docs home"),
        ("---\ndisplay_name: Widget kit\n---\nBody", "pkg/README.md", "Widget kit"),
        ("---\nname: widget\n---\nBody", "pkg/index.md", "widget"),
        ("Just text", "guides/getting-started/index.md", "getting-started"),
        ("Just text", "blog/2019-09-27-launch_day/index.md", "launch day"),
        ("# A heading\n\nText", "guides/x/_index.md", "A heading"),
        ("---\nname: Jo Bloggs\n---\nBody", "posts/hello.md", "hello"),
    ],
)
def test_index_pages_are_titled_by_their_metadata_or_folder(
    text: str, article_id: str, title: str
) -> None:
    assert article(text, article_id).title == title


@pytest.mark.parametrize("value", ["false", "true", '""', "''", "null", "/:categories/:title/"])
def test_booleans_empty_values_and_patterns_are_never_a_url(value: str) -> None:
    assert article(f"---\ntitle: T\npermalink: {value}\n---\nBody").url is None
    assert article("+++\ntitle = 'T'\nurl = false\n+++\nBody").url is None


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ('"Announcing `cargo add`"', "Announcing cargo add"),
        ('"Cats <em>and</em> dogs"', "Cats and dogs"),
        ('"Release <code>v1.2</code> &amp; notes"', "Release v1.2 & notes"),
        ('"Using __init__ in Python"', "Using __init__ in Python"),
        ('"2 * 3 * 4 = 24"', "2 * 3 * 4 = 24"),
    ],
)
def test_titles_with_markup_are_shown_as_text(written: str, shown: str) -> None:
    assert article(f"---\ntitle: {written}\n---\nBody").title == shown


# -- the samples ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "date", "area", "initiatives"),
    [
        ("jekyll", "How we rebuilt the crime map's tiles in a weekend", (2021, 4, 12),
         "engineering", 3),
        ("hugo", "Speedwatch handbook", (2022, 6, 20), "Volunteering", 0),
        ("zola", "Offline-first report forms for rural beats", (2022, 1, 13), "Field tech", 3),
        ("mdx", "Reporting API quick start", (2023, 5, 4), None, 0),
        ("cjk", "地域の防犯パトロール、参加者が三年で二倍に", (2023, 3, 8), "地域安全", 3),
        ("html", "Bike marking week results", (2019, 10, 21), "Thames Valley", 0),
        ("mkdocs", "What the wardens saw this winter", (2024, 2, 11), "Seasons", 0),
    ],
)  # fmt: skip
def test_each_sample_loads_with_its_title_date_and_initiatives(
    name: str, title: str, date: tuple[int, int, int], area: str | None, initiatives: int
) -> None:
    loaded = sample(name)
    assert loaded.title == title
    assert loaded.published is not None and loaded.published.timetuple()[:3] == date
    assert loaded.area == area
    assert len(loaded.initiatives) == initiatives
    assert loaded.warnings == ()
    text = body_text(loaded.body, mdx=name == "mdx")
    for raw in ("{{<", "{%", "<div", "<!--", "[!NOTE]", "[!WARNING]", "{:"):
        assert raw not in text, (name, raw)


@pytest.mark.parametrize(
    "body",
    [
        "{{< note >}}\n" * 10_000,  # openers that never close: each looked for its close
        "{% highlight ruby %}\n" * 10_000,
        "".join(f"{{{{< note n={n} >}}}}\n" for n in range(10_000)),  # no two alike
        "{{< note >}}\n" * 5_000 + "{{< /note >}}\n" * 5_000,  # nested past the limit
        "{::comment}\n" * 10_000,  # 38 s before the unclosed comment was remembered
        "{{< figure\n" * 10_000,  # tags over several lines, never closed
        "{{< a " * 30_000,
        "[a]({% link " * 20_000,
    ],
)
def test_template_markup_that_never_closes_is_read_in_linear_time(body: str) -> None:
    """A generous bound: not quadratic (each of these took from 1 s to minutes before)."""
    started = time.process_time()
    scan_body(body, need_heading=False)
    body_text(body)
    markdown_parser().parse(body)
    assert time.process_time() - started < 5


def test_mkdocs_pages_are_titled_by_their_metadata_and_their_markup_is_not_words() -> None:
    """An MkDocs site's pages: the title from front matter (or the first heading), tags,
    and no attribute list, abbreviation, snippet line or tab marker in the indexed text
    (nor `mkdocs.yml` as an article: it is no markdown file)."""
    root = SITES / "mkdocs"
    expected = {
        "docs/index.md": ("Floodlog", 4),
        "docs/getting-started.md": ("Getting started", 0),
        "docs/reference/configuration.md": ("Configuration", 0),
        "docs/blog/posts/winter-readings.md": ("What the wardens saw this winter", 0),
        "docs/wardens/first-night.md": ("Your first night on call", 0),
        "docs/reference/symbols.md": ("Keys and symbols", 6),
    }
    found = {found.id: load_article(Path(found.path), root) for found in find_files(root)}
    assert set(found) == set(expected)
    for name, loaded in found.items():
        assert isinstance(loaded, Article)
        assert (loaded.title, len(loaded.initiatives)) == expected[name], name
        assert loaded.warnings == ()
        text = body_text(loaded.body)
        for raw in ("{ .", "{ #", "{ width", "*[", "--8<--", '=== "', "!!!", "???", "///"):
            assert raw not in text, (name, raw)
        for raw in ("[TOC]", "==", "^^", "++", "~bat~", "^3^", ":material", ":tada:", "type:"):
            assert raw not in text, (name, raw)
    assert found["docs/getting-started.md"].metadata["tags"] == ["install", "setup"]  # type: ignore[union-attr]
    words = body_text(found["docs/index.md"].body)  # type: ignore[union-attr]
    assert "Get started Configuration" in words and "md-button" not in words


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("--8<--\nincludes/a.md\nincludes/b.md\n--8<--\n", ""),  # a list of snippets
        ('Text.\n--8<-- "a.md"\nMore.\n', "Text.\nMore."),
        ("Text.\n*[HTML]: Hyper Text Markup Language\n", "Text."),
        ("Pass an {Object} or {Buffer}.\n{Object}\n", "Pass an {Object} or {Buffer}.\n{Object}\n"),
        ("*[not one\n--8<--\n\nx\n", "*[not one --8<--\nx"),  # unclosed: a paragraph
        ('=== "macOS"\n    brew install it\n', "brew install it"),
    ],
)
def test_mkdocs_lines_are_not_words_and_text_like_them_is(body: str, words: str) -> None:
    assert body_text(body) == words
    assert scan_body(body).initiatives == scan_body(body, need_heading=False).initiatives


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("/// note | Levels\nWatch the **board**.\n///\n", "Watch the **board**."),
        ("/// details | Why\n    type: warning\n    open: true\nBecause.\n///\n", "Because."),
        (
            "//// tab | Linux\nRun it.\n/// tip\nNested.\n///\n////\nAfter.\n",
            "Run it.\nNested.\nAfter.",
        ),
        ("/// html | div\nPlain.\n///\n", "Plain."),
        ("/// details | FAQ\n     {type: note, open: true}\nSee this.\n///\n", "See this."),
        ("/// note\nUnclosed.\n", "Unclosed."),
        ("# T\n\n[TOC]\n\nText.\n", "T\nText."),
        ("Press ++ctrl+alt+del++ now.", "Press Ctrl+Alt+Del now."),
        ("Keys ++ctrl+c++, ++f5++ and ++page-up++.", "Keys Ctrl+C, F5 and Page Up."),
        ("A ==mark== and ^^insert^^ here.", "A mark and insert here."),
        ("H~2~O and x^2^ and CO~2~.", "H2O and x2 and CO2."),
        ("Escaped: x^a\\ b^ and H~a\\ b~.", "Escaped: xa b and Ha b."),
        ("Done :smile: :+1::tada:", "Done 😄 👍🎉"),
        ("Icons :material-check: and :fontawesome-brands-github: gone.", "Icons and gone."),
        (":octicons-mark-github-16: Source", "Source"),
        ("- ==One== :tada:\n- H~2~O\n", "One 🎉\nH2O"),
    ],
)
def test_pymdownx_syntax_is_read_as_its_text(body: str, words: str) -> None:
    """PyMdown's blocks, `[TOC]` and inline marks (reader.markup.pymdownx): their marks,
    options and icons are not words, their text is (a block's title is the renderer's,
    as an admonition's is)."""
    assert body_text(body) == words
    assert scan_body(body).initiatives == scan_body(body, need_heading=False).initiatives


@pytest.mark.parametrize(
    ("body", "initiatives"),
    [
        ("- a\n[TOC]\n- b\n", ("a", "b")),  # the marker is no lazy line of the item
        ("- a\n/// note\nb\n///\n- c\n", ("a", "c")),
        ("- a\n- /// note\n  b\n  ///\n", ("a",)),
        ("- [TOC]\n- b\n", ("b",)),
    ],
)
def test_pymdownx_blocks_after_items_end_them(body: str, initiatives: tuple[str, ...]) -> None:
    """The line scanner leaves `///` and `[TOC]` lines to markdown-it (fastbody)."""
    assert scan_body(body, need_heading=False).initiatives == initiatives
    assert markdown_initiatives(body) == initiatives


# Text like PyMdown's marks that holds none: read as written.
TEXT_LIKE_PYMDOWNX = [
    "At 10:30:45 on 2024-02-11T02:15:30Z.",
    "a:b:c and Ratio 3:2:1 and std::vector and http://a.example:8080/x",
    "Set key:id: to 1 (a shortcode's name after a word's letter is no shortcode)",
    "An :unknown-name: and :30: and :: and :a b: here.",
    "~/bin and ~user and x ~ y ~ z and ~ alone",
    "2^10 and a ^ b ^ c and ^ alone",
    "a == b and a === b and == alone and ==",
    "C++ and C++20 and i++ + ++j and ++ alone",
    "x^ y^ and H~ 2~ and ^^ ^^ and == ==",
]


@pytest.mark.parametrize("text", TEXT_LIKE_PYMDOWNX)
def test_text_like_pymdownx_marks_is_read_as_written(text: str) -> None:
    assert body_text(text) == text
    assert scan_body("- " + text + "\n").initiatives == (text,)
    assert scan_body("- " + text + "\n", need_heading=False).initiatives == (text,)


_PLAIN_PIECES = [
    "word", "10:30:45", "a:b:c", "3:2:1", "x~y", "~/bin", "2^10", "a ^ b", "C++", "i++",
    "==", "a == b", "~", "^", ":", "::", "+", "x=y", "http://a.example:8080/x", "Café",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_PIECES), min_size=1, max_size=12).map(" ".join))
def test_generated_text_like_pymdownx_marks_is_read_as_written(text: str) -> None:
    """Ordinary text with `~`, `^`, `:`, `==` and `++` apart by spaces holds no mark."""
    assert body_text(text) == text
    assert scan_body("- Item " + text + "\n").initiatives == ("Item " + text,)


@pytest.mark.parametrize(
    "body",
    [
        "==a " * 50_000,  # PyMdown's marks, unpaired and paired
        "==a== ^^b^^ " * 20_000,
        "~a ^b " * 40_000,
        ":" * 200_000,
        ":smile::material-x:" * 10_000,
        "++" + "a+" * 100_000,
        "/// note | T\n" * 10_000,  # blocks that never close, each holding the rest
        "//// tab | T\n/// note\nx\n" * 5_000,
        "[TOC]\n" * 20_000,
        "{ .a " * 30_000,  # attribute lists that never close
        "{ .a .b" + " .c" * 60_000,
        '=== "a"\n' * 10_000,  # content tabs, each holding the rest
        "--8<--\n" + "a.md\n" * 20_000,  # a list of snippets never closed
        "*[a]: b\n" * 20_000,
        "!!! note\n" + "    x\n\n" * 10_000,
    ],
)
def test_mkdocs_markup_is_read_in_linear_time(body: str) -> None:
    started = time.process_time()
    scan_body(body, need_heading=False)
    body_text(body)
    markdown_parser().parse(body)
    assert time.process_time() - started < 5


def test_a_tag_unclosed_inside_a_callout_still_closes_after_it() -> None:
    """The memory of a search that found no closing tag holds only where it searched."""
    body = "{{< note >}}\n{{< tip >}}\ninner\n{{< /note >}}\n\n{{< tip >}}\noutside\n{{< /tip >}}\n"
    kinds = [
        callout.kind for token in markdown_parser().parse(body) if (callout := callout_of(token))
    ]
    assert kinds == ["note", "tip"]


_MARK_PIECES = ["a", "==", "^", "~", "+", "++", ":", "smile", "x", "\\", " ", "\n", "2", "-"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_MARK_PIECES), max_size=8).map("".join), max_size=6))
def test_texts_holding_pymdownx_marks_are_found_at_once_as_one_by_one(texts: list[str]) -> None:
    from reader.markup.pymdownx import may_hold_inline, texts_holding_inline

    assert texts_holding_inline(texts) == [
        index for index, text in enumerate(texts) if may_hold_inline(text)
    ]
