"""How what real sites write renders: template tags, HTML, callouts, footnotes, code,
MDX, CJK (issue 13). The loader's side is tests/test_real_sites.py."""

from __future__ import annotations

import pytest
from textual.style import Style

from reader.loading import load_article
from reader.loading.body import scan_body
from reader.loading.discover import is_mdx
from reader.model import Article
from reader.resources import samples_dir
from reader.tui.document import Block, layout
from reader.tui.markdown_render import render_markdown

SITES = samples_dir() / "sites"
SAMPLES = (
    "jekyll/_posts/2021-04-12-crime-map-tiles.md",
    "hugo/content/volunteers/speedwatch/_index.md",
    "zola/content/blog/offline-first-forms.md",
    "docs/docs/reporting-api.mdx",
    "ja/2023-03-08-bouhan-patrol.md",
    "html/bike-marking-results.md",
    "mkdocs/docs/index.md",
    "mkdocs/docs/getting-started.md",
    "mkdocs/docs/reference/configuration.md",
    "mkdocs/docs/blog/posts/winter-readings.md",
    "mkdocs/docs/wardens/first-night.md",
    "mkdocs/docs/reference/symbols.md",
)
# What must not reach the screen where the construct is recognised.
RAW = (
    "{{<",
    "{{%",
    "{%",
    "{{ page",
    "{{ site",
    "{{ team",
    "<div",
    "<!--",
    "[!NOTE]",
    "[!WARNING]",
    "{:",
    "<Tab",
    ":::",
    "!!!",
    "???",
    '=== "',
    "*[",
    "--8<--",
    "{ .",
    "{ #",
    "{ width",
    "///",
    "[TOC]",
    "==",
    "^^",
    "++",
    "~bat~",
    "^3^",
    ":material",
    ":fontawesome",
    ":warning:",
    ":tada:",
    "type: warning",
)


def lines_of(body: str, width: int = 80, mdx: bool = False) -> list[str]:
    blocks, _count = render_markdown(body, mdx=mdx)
    return [line.content.plain for line in layout(blocks, width).lines]


def roles_of(blocks: list[Block], text: str) -> set[str]:
    """The roles of the spans covering `text` wherever it is in a block."""
    roles: set[str] = set()
    for block in blocks:
        start = block.text.plain.find(text)
        if start < 0:
            continue
        for span in block.text.spans:
            if span.start <= start and span.end >= start + len(text):
                roles.add(span.style if isinstance(span.style, str) else "<style>")
    return roles


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_renders_without_raw_markup(name: str) -> None:
    loaded = load_article(SITES / name, SITES)
    assert isinstance(loaded, Article)
    blocks, count = render_markdown(loaded.body, loaded.title, mdx=is_mdx(loaded.path))
    assert count == len(loaded.initiatives)
    text = "\n".join(line.content.plain for line in layout(blocks, 80).lines)
    for raw in RAW:
        assert raw not in text, (name, raw)


def test_code_block_tags_are_code_blocks_with_their_language() -> None:
    body = "Text\n{% highlight python %}\ndef greet():\n    return 'hi'\n{% endhighlight %}\n"
    blocks, _ = render_markdown(body)
    code = [block for block in blocks if block.role == "code"]
    assert len(code) == 1 and code[0].text.plain == "def greet():\n    return 'hi'"
    assert "code-keyword" in roles_of(blocks, "def")
    assert "code-string" in roles_of(blocks, "'hi'")


def test_fences_are_highlighted_and_unknown_languages_left_plain() -> None:
    blocks, _ = render_markdown("```go\nfunc main() {}\n```\n\n```nolanguage\nfunc x\n```\n")
    first, second = (block for block in blocks if block.role == "code")
    assert "code-keyword" in roles_of([first], "func")
    assert {span.style for span in second.text.spans} == {"code"}


def test_tags_carrying_text_show_it_dimmed_and_others_are_hidden() -> None:
    body = (
        'Before\n{{< figure src="a.png" caption="The bridge at night" >}}\n'
        "{% include toc.html %}\nAfter {{ page.title }} here\n"
    )
    blocks, _ = render_markdown(body)
    lines = [line.content.plain for line in layout(blocks, 80).lines]
    assert lines == ["Before", "", "[figure: The bridge at night]", "", "After here"]
    assert roles_of(blocks, "The bridge") == {"template"}


def test_callouts_are_labelled_boxes_with_their_markdown_inside() -> None:
    body = "{{< warning >}}\nDo **not** stand in the road.\n{{< /warning >}}\n"
    blocks, _ = render_markdown(body)
    lines = [line.content.plain for line in layout(blocks, 80).lines]
    assert lines == ["┃ Warning", "┃ Do not stand in the road."]
    assert roles_of(blocks, "Warning") == {"callout-warning-title"}
    assert "strong" in roles_of(blocks, "not")
    assert blocks[0].prefix.spans[0].style == "callout-warning"


def test_mkdocs_tabs_are_labelled_and_attribute_lists_abbreviations_snippets_hidden() -> None:
    body = (
        'Install it.\n\n=== "Linux"\n\n    ```bash\n    pipx install floodlog\n    ```\n\n'
        '=== "Windows"\n\n    Run the **installer**.\n\n'
        '[Start](start.md){ .md-button }\n--8<-- "includes/note.md"\n\n*[SMS]: Short Message\n'
        '## Set up { #setup }\n\n!!! note "Levels"\n    - watch\n'
    )
    blocks, count = render_markdown(body)
    lines = [line.content.plain.rstrip() for line in layout(blocks, 80).lines]
    assert lines == [
        "Install it.",
        "",
        "[tab: Linux]",
        "",
        " pipx install floodlog",
        "",
        "[tab: Windows]",
        "",
        "Run the installer.",
        "",
        "Start",
        "",
        "Set up",
        "",
        "┃ Levels",
        "┃ • watch",
    ]
    assert count == 0  # a tab's or an admonition's list is not the page's


def test_pymdownx_blocks_render_as_admonitions_details_and_tabs() -> None:
    """`/// note | Title` … `///` (pymdownx.blocks) as `!!! note "Title"` is drawn, `details`
    as `???`, a `tab` as `=== "Name"`, `html` as its content; their options and fences
    never show, and their lists are not the page's."""
    body = (
        "/// note | Levels\n- watch\n- act\n///\n\n"
        "/// details | Why\n    type: warning\n    open: true\n\nBecause **rain**.\n///\n\n"
        "//// tab | Linux\nRun it.\n\n/// tip\nNested.\n///\n////\n\n"
        "/// html | div\nPlain.\n///\n\n[TOC]\n\nAfter.\n"
    )
    blocks, count = render_markdown(body)
    lines = [line.content.plain.rstrip() for line in layout(blocks, 80).lines]
    assert lines == [
        "┃ Levels",
        "┃ • watch",
        "┃ • act",
        "",
        "┃ Why",
        "┃ Because rain.",
        "",
        "[tab: Linux]",
        "",
        "Run it.",
        "",
        "┃ Tip",
        "┃ Nested.",
        "",
        "Plain.",
        "",
        "After.",
    ]
    assert count == 0
    assert roles_of(blocks, "Levels") == {"callout-note-title"}
    assert roles_of(blocks, "Why") == {"callout-warning-title"}
    assert "strong" in roles_of(blocks, "rain")


def test_pymdownx_inline_marks_are_styled_and_their_marks_hidden() -> None:
    body = (
        "Press ++ctrl+alt+del++ to ==restart== the ^^new^^ ~~old~~ box: H~2~O, x^2^, "
        ":smile: :material-check: done."
    )
    blocks, _ = render_markdown(body)
    assert [block.text.plain for block in blocks] == [
        "Press Ctrl+Alt+Del to restart the new old box: H₂O, x², 😄 done."
    ]
    assert roles_of(blocks, "Ctrl+Alt+Del") == {"code-inline"}
    assert roles_of(blocks, "restart") == {"mark"}
    assert roles_of(blocks, "new") == {"underline"}
    assert roles_of(blocks, "old") == {"strike"}
    assert roles_of(blocks, "₂") == {"sub"}
    assert roles_of(blocks, "²") == {"sup"}


def test_text_like_pymdownx_marks_renders_as_written() -> None:
    text = "At 10:30:45, a:b:c, `a:b:c`, ~/bin, 2^10, a == b, C++ and x ~ y ~ z."
    assert lines_of(text) == ["At 10:30:45, a:b:c, a:b:c, ~/bin, 2^10, a == b, C++ and x ~ y ~ z."]


def test_a_container_of_another_name_is_its_content() -> None:
    assert lines_of("::: code-group\nInside\n:::\n") == ["Inside"]


def test_html_links_follow_the_link_rule() -> None:
    body = '<p><a href="https://example.org/x">web</a> <a href="javascript:alert(1)">js</a></p>'
    blocks, _ = render_markdown(body)
    web = next(span.style for span in blocks[0].text.spans if isinstance(span.style, Style))
    assert web.link == "https://example.org/x"
    links = [span for span in blocks[0].text.spans if isinstance(span.style, Style)]
    assert len(links) == 1  # javascript: is drawn as a link, never as a target


def test_inline_html_is_styled_not_shown() -> None:
    body = "x<sup>2</sup> H<sub>2</sub>O <em>em</em> <code>c</code> <b>b</b><br>next <!-- c -->"
    blocks, _ = render_markdown(body)
    assert blocks[0].text.plain == "x² H₂O em c b\nnext "
    assert roles_of(blocks, "em") == {"em"}
    assert roles_of(blocks, "c") >= {"code-inline"}
    assert roles_of(blocks, "²") == {"sup"}


def test_html_images_and_details() -> None:
    body = '<details>\n<summary>More</summary>\n\nInside *it*\n\n</details>\n\n<img alt="A cat">'
    blocks, _ = render_markdown(body)
    lines = [line.content.plain for line in layout(blocks, 80).lines]
    assert lines == ["More", "", "Inside it", "", "[image: A cat]"]
    assert "h3" in roles_of(blocks, "More")


def test_footnotes_render_as_numbered_notes() -> None:
    lines = lines_of("Text[^a] and more[^b].\n\n[^b]: Second.\n[^a]: First.\n")
    assert lines[0] == "Text[1] and more[2]."
    assert lines[-3:] == ["[1] First.", "", "[2] Second."]


def test_task_items_show_their_box() -> None:
    lines = lines_of("1. [ ] todo\n2. [x] done\n")
    assert lines == ["☐ todo", "☑ done"]


def test_mdx_components_are_read_as_html_and_imports_hidden() -> None:
    body = (
        'import Tabs from \'@theme/Tabs\';\n\n<Tabs>\n  <TabItem value="a" label="Linux">\n'
        "    Run the script.\n  </TabItem>\n</Tabs>\n\n{/* hidden */}\n\nEnd.\n"
    )
    assert lines_of(body, mdx=True) == ["Linux", "", "Run the script.", "", "End."]


def test_cjk_lines_join_without_a_space() -> None:
    assert lines_of("日本語の文章は\n空白なしで続く。\n") == ["日本語の文章は空白なしで続く。"]
    assert lines_of("English words\ncontinue") == ["English words continue"]


@pytest.mark.parametrize(
    "body",
    [
        '- {% assign x %}\n- item <b>b</b>\n- {{< ref "a" >}}\n',
        "{{< note >}}\n- inside\n{{< /note >}}\n- outside\n",
        ":::tip\n- inside\n:::\n\n- outside\n",
        "<ul><li>html</li></ul>\n\n- markdown\n",
        "* TOC\n{:toc}\n\n- kept\n",
    ],
)
def test_the_renderer_numbers_what_the_loader_calls_initiatives(body: str) -> None:
    _blocks, count = render_markdown(body)
    facts = scan_body(body, need_heading=False)
    assert count == len(facts.initiatives) >= 1


def test_an_image_without_alt_text_shows_as_an_untitled_image() -> None:
    """A README's logo (<img> with no alt in an HTML block) made its file a load problem."""
    lines = lines_of('<p align="center"><img src="logo.png"></p>\n\nText <img src="a.png"> here.\n')
    assert lines == ["[image: untitled]", "", "Text [image: untitled] here."]
