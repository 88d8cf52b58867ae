"""The compiled parser (markdown-it-pyrs) on the loader's path gives what markdown-it-py
gives: the same block tokens for each body it takes, the same plain text for each
paragraph it takes, and the same initiatives, first heading, warnings, word count and
searched text for whole articles, on every sample article, on generated markdown and on
the real-shaped bench corpus. What it does not take, and why, is pinned here too."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

import reader.loading.body as body_module
import reader.markdown as markdown_module
from reader.index.rows import prepare
from reader.limits import MAX_MARKDOWN_NESTING
from reader.loading import load_article
from reader.loading.body import body_text, scan_body
from reader.markdown import (
    BlockToken,
    compiled_block_tokens,
    compiled_inline_text,
    compiled_inline_texts,
    compiled_mdx_block_tokens,
    inline_text,
    markdown_parser,
    parse_inline,
)
from reader.markup.callouts import OPEN_TYPES as CALLOUT_OPEN_TYPES
from reader.markup.callouts import Callout, callout_of
from reader.model import Article
from reader.resources import samples_dir
from reader.text.sanitize import one_line, strip_control
from tests.bench_modules import bench_module


def clear_parse_caches() -> None:
    for cached in (
        body_module._cached_block_parse,
        body_module._cached_body_text,
        body_module._cached_plain,
        body_module._cached_short_plain,
    ):
        cached.cache_clear()


@contextmanager
def markdown_it_py_only() -> Iterator[None]:
    """The reference: every body's blocks and every paragraph parsed by markdown-it-py
    (the loader's caches emptied on the way in and out, so nothing parsed one way is
    read the other)."""
    clear_parse_caches()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                markdown_module, "compiled_inline_texts", lambda texts: [None] * len(texts)
            )
            patch.setattr(markdown_module, "compiled_block_tokens", lambda markdown: None)
            patch.setattr(markdown_module, "compiled_mdx_block_tokens", lambda markdown: None)
            patch.setattr(markdown_module, "compiled_inline_text", lambda text: None)
            yield
    finally:
        clear_parse_caches()


def paragraphs(body: str) -> list[str]:
    """The markdown of each paragraph, heading and table cell, as block tokens hold it."""
    return [token.content for token in markdown_parser().parse(body) if token.type == "inline"]


def same_text_as_markdown_it_py(texts: list[str]) -> int:
    """Check each text the compiled parser takes; how many it took."""
    compiled = compiled_inline_texts(texts)
    for text, plain in zip(texts, compiled, strict=True):
        if plain is not None:
            reference = strip_control(inline_text(parse_inline(text)))
            assert one_line(strip_control(plain)) == one_line(reference), text
    return sum(plain is not None for plain in compiled)


def sample_files() -> list[Path]:
    return sorted(path for path in samples_dir().rglob("*") if path.is_file())


def test_every_sample_paragraph_reads_as_markdown_it_py_reads_it() -> None:
    taken = 0
    for path in sample_files():
        body = path.read_text("utf-8", errors="replace")
        taken += same_text_as_markdown_it_py(paragraphs(body))
    assert taken > 50  # the samples hold links, code and emphasis the compiled parser took


INLINE_PIECES = [
    "word", "Café", " ", "  ", "\n", "*", "**", "_", "__", "`", "``", "[", "]", "(", ")",
    "![", "](http://x.example/a_b)", '](u "t")', "&amp;", "&#8238;", "&nbsp;", "&bogus;",
    "\\", "\\*", "~~", "~", "#", "1.", "-", ">", ":", "|", "\t", "\x0b", "é", "東",
    "\u2028", "\u2029", "€", "\ufffd", "🚀", "{", "}", "{Object}", "{{", "{%", "{:", "}}",
    "%}", "{{ x }}", "{% y %}", "{: .c}", "{{< z >}}", "[^1]", "[^note]", "[^", "^[", "]:",
    "=", "==", "^", "^^", "+", "++", "ctrl+c", "2", "H", ":smile:", ":material-check:",
    ":+1:", ":tada::", "10:30:45", "a:b", "\\ ",
]  # fmt: skip
inline_texts = st.lists(st.sampled_from(INLINE_PIECES), max_size=24).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(inline_texts, min_size=1, max_size=6))
@example(["**~~~~*~~"])  # strikethrough runs beside emphasis: paired differently (CI)
@example(["![*_**](http://x.example/a_b)"])  # unpaired emphasis in an image's alt text
@example(['![&amp;](u "t")'])  # an entity in alt text: left out of the compiled HTML
@example(["![a\\*b](u)"])  # an escape in alt text
@example(["**\u2028**\\**"])  # a line separator beside emphasis: paired differently
@example(["a**€**b"])  # a symbol beside emphasis: punctuation to markdown-it-py only
@example(["!`**\ufffd*"])
def test_generated_paragraphs_read_as_markdown_it_py_reads_them(lines: list[str]) -> None:
    same_text_as_markdown_it_py(paragraphs("\n\n".join(lines)))


@settings(max_examples=400, deadline=None)
@given(st.lists(inline_texts, min_size=1, max_size=16), st.integers(1, 80))
@example(["a", "b *c*", "[d](u)"], 1)
def test_paragraphs_rendered_a_few_at_a_time_are_those_rendered_at_once(
    lines: list[str], at_once: int
) -> None:
    # compiled_inline_texts renders its paragraphs _RENDERED_AT_ONCE characters or so a
    # call: the same HTML, and so the same texts, as one call for them all.
    texts = paragraphs("\n\n".join(lines))
    # (Those it renders: what the compiled parser reads as markdown-it-py does.)
    taken = [text for text in texts if markdown_module._inline_read_alike(text) and "<" not in text]
    at_one_go = markdown_module._compiled_inline_parser().render("\n\n".join(taken))
    whole = compiled_inline_texts(texts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_module, "_RENDERED_AT_ONCE", at_once)
        assert markdown_module._rendered_apart(taken) == at_one_go
        assert compiled_inline_texts(texts) == whole
        same_text_as_markdown_it_py(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(inline_texts, min_size=4, max_size=12), st.sampled_from(["* ", "- ", "+ "]))
def test_generated_lists_give_the_initiatives_markdown_it_py_gives(
    items: list[str], marker: str
) -> None:
    body = "# Title *x*\n\nIntro.\n\n" + "\n".join(marker + item for item in items) + "\n"
    compiled = (scan_body(body), scan_body(body, need_heading=False))
    with markdown_it_py_only():
        reference = (scan_body(body), scan_body(body, need_heading=False))
    assert compiled == reference


NAVIGATION_ITEMS = [
    "[A](#a)", "[`b()`](#b)", "[C](c.md)", "[D](#d) text", "Plain", "[19.x](CHANGELOG_V19.md)",
    "[E](../e/#x)", "[F](/f)", "[W](https://w.example/)", "[G](g.md) - fix: text",
    "[H](mailto:h@example.com)", "\\[[`abc`](https://x.example/c/abc)] - fix: y",
]  # fmt: skip
SUB_LISTS = [
    "\n  * [Sub](#sub)\n", "\n  * [18.x](CHANGELOG_V18.md)\n  * [io.js](CHANGELOG_IOJS.md)\n",
    "\n  * [Sub](sub.md) text\n", "\n  * [Web](https://w.example/)\n", "\n  * Sub\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(NAVIGATION_ITEMS), min_size=1, max_size=5),
    st.sampled_from(["\n", "\n\n", *SUB_LISTS]),
)
@example(["Plain"], SUB_LISTS[1])  # a changelog's "Other Versions"
def test_navigation_lists_are_read_as_markdown_it_py_reads_them(
    items: list[str], between: str
) -> None:
    body = "# Title\n\n" + between.join("* " + item for item in items)
    body += (between if between.startswith("\n ") else "") + "\n\n## End\n\n* Real\n"
    compiled = (scan_body(body), scan_body(body, need_heading=False))
    with markdown_it_py_only():
        reference = (scan_body(body), scan_body(body, need_heading=False))
    assert compiled == reference
    # A list whose every item is only a link to an anchor of the page or to another file,
    # or a label over a sub-list of only such links, is navigation: no initiatives.
    local_link = r"\[[^]]+\]\((#\w|[\w./#-]+)\)"
    label = between.startswith("\n ") and all(
        re.fullmatch(local_link, line.strip(" *")) for line in between.strip().split("\n")
    )  # (every item has the sub-list)
    navigation = all(label or re.fullmatch(local_link, item) for item in items)
    expected = 1 if navigation else len(items) + 1
    assert len(compiled[0].initiatives) == len(compiled[1].initiatives) == expected


def searched(article: Article) -> object:
    """Everything the index keeps of an article: its rows and its full-text texts."""
    prepared = prepare(article)
    return prepared.summary_row, prepared.text_row, prepared.texts


@pytest.mark.parametrize("corpus", ["samples", "real-shaped"])
def test_articles_are_indexed_as_with_markdown_it_py_alone(corpus: str, tmp_path: Path) -> None:
    if corpus == "samples":
        root, files = samples_dir(), sample_files()
    else:
        generate_markdown = bench_module("generate_markdown")
        root = tmp_path
        generate_markdown.generate(root, 45)
        files = sorted(root.rglob("*.md"))
    initiatives = 0
    for path in files:
        file_id = path.relative_to(root).as_posix()
        article = load_article(path, root, file_id)
        with markdown_it_py_only():
            reference = load_article(path, root, file_id)
        assert article == reference, path
        if isinstance(article, Article):
            initiatives += len(article.initiatives)
            with markdown_it_py_only():
                expected = searched(reference)
            assert searched(article) == expected, path
    assert initiatives > 100


def same_html_text_as_markdown_it_py(text: str) -> bool:
    """Check compiled_inline_text for `text`, if it takes it; whether it did."""
    plain = compiled_inline_text(text)
    if plain is not None:
        assert plain == inline_text(parse_inline(text)), text
    return plain is not None


HTML_PIECES = [
    "<br>", "<br/>", "<br />", "<BR>", "<b>", "</b>", "</b >", "<span class=\"x\">", "</span>",
    '<img alt="A *b*">', "<img alt='c' src=x>", "<img alt=d>", "<img\nalt=\"e\">", "<a href=u>",
    "</a>", "<x-y z>", "<a b='>'>", "<a\tb>", "<a/>", "</a/>", "<!-- c -->", "<?p?>", "<![CDATA[",
    "<https://x.example/a_b*c>", "<http://x.example>", "<https://x.example/&amp;>", "<a@b.example>",
    "<javascript:x>", "<1>", "< b>", "<", ">", "[a](<u v>)", "`<b>`", "\\<b>", "<a b=`c`>",
    "<!-->", "<!---->", "<![CDATA[x]]>", "<!DOCTYPE x>", "<a b\xa0c>", "<a b='\n'>", "<a_b>",
    "<<a.b+c_d@x-y.example>>", "<a@b>", "<a@-b.example>", "<a@b.c_d>", "<a@b.example.>",
    "<a*b@x.example>", "<MAILTO:a@b.example>", "<a@b.example\n>", "<<", "<<b>",
]  # fmt: skip
html_texts = st.lists(st.sampled_from(INLINE_PIECES + HTML_PIECES), max_size=24).map("".join)


@settings(max_examples=800, deadline=None)
@given(st.lists(html_texts, min_size=1, max_size=6))
@example(["a<br>\nb <br> c<br>"])
@example(['x <https://x.example/a_b> *y* <img alt="A B"> z'])
@example(["a <!--> b"])  # a comment the two parsers end apart
@example(["a <<!--> b <<c@d.example>>"])  # the second `<` of `<<` opens it
def test_generated_paragraphs_with_html_read_as_markdown_it_py_reads_them(
    lines: list[str],
) -> None:
    for text in paragraphs("\n\n".join(lines)):
        same_html_text_as_markdown_it_py(text)


def test_attribute_values_are_read_as_by_the_classes_of_what_they_may_not_hold() -> None:
    # _HTML_BOTH_READ's classes of an attribute value's characters, spelt as ranges of
    # what is taken (quick to compile), take what the classes of what is not taken (the
    # spec's wording) take, over every code point.
    every = "".join(map(chr, range(0x110000)))
    for taken, not_taken in (
        (markdown_module._UNQUOTED_VALUE_CHAR, r"[^\"'=<>`\x00-\x20\x7f-\U0010ffff]"),
        (markdown_module._SINGLE_QUOTED_VALUE_CHAR, r"[^'<>\x00-\x1f\x7f-\U0010ffff]"),
        (markdown_module._DOUBLE_QUOTED_VALUE_CHAR, r"[^\"<>\x00-\x1f\x7f-\U0010ffff]"),
    ):
        assert re.findall(taken, every) == re.findall(not_taken, every), taken


def test_paragraphs_of_html_line_breaks_and_autolinks_are_read_by_the_compiled_parser() -> None:
    downloads = "Windows: https://x.example/node.msi<br>\nmacOS: https://x.example/n.pkg<br>"
    assert (
        compiled_inline_text(downloads)
        == "Windows: https://x.example/node.msi  macOS: https://x.example/n.pkg "
    )
    assert compiled_inline_text("See <https://x.example/a_b> and <b>**this**</b>.") == (
        "See https://x.example/a_b and this."
    )
    # A README's maintainers: email autolinks, in `<` `>` of their own.
    maintainer = "**A. Person** <<a.person+node@mail-host.example>> (they/them)"
    assert (
        compiled_inline_text(maintainer)
        == "A. Person <a.person+node@mail-host.example> (they/them)"
    )
    assert compiled_inline_text(maintainer) == inline_text(parse_inline(maintainer))
    for left in ("a <!-- c --> b", "a < b", "<javascript:x>", "x {{ y }} <br>", "a\0<br>"):
        assert compiled_inline_text(left) is None, left


def test_articles_are_the_same_when_the_first_heading_is_always_looked_for(
    tmp_path: Path,
) -> None:
    """scan_body looks for the first heading only for a file without a title: the
    article is what it was when every markdown body's heading was looked for."""
    real = body_module._markdown_scan
    files = [(samples_dir(), path) for path in sample_files()]
    files += [(tmp_path, path) for path in real_shaped_files(tmp_path, 12)]
    for root, path in files:
        clear_parse_caches()
        article = load_article(path, root)
        clear_parse_caches()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                body_module,
                "_markdown_scan",
                lambda body, mdx=False, budget=None, need_heading=True: real(body, mdx, budget),
            )
            assert load_article(path, root) == article, path


def test_text_the_compiled_parser_panics_on_is_left_to_markdown_it_py() -> None:
    """markdown-it.rs 0.6 panics on a link label holding an unclosed backtick run."""
    texts = ["x [`y", "[a `b", "*\\`word [**`", "[``a`", "fine *text* [`a`](u)"]
    compiled = compiled_inline_texts(texts)
    assert compiled[:4] == [None] * 4
    assert compiled[4] == "fine text a"


def test_a_paragraph_with_html_is_parsed_once_for_the_initiatives_and_the_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A README's maintainers: list items with email autolinks, which compiled_inline_texts
    # leaves to _plain one at a time; body_text reads the same paragraphs again.
    items = [f"* **P{n}** <<p{n}@x.example>> (they/them)" for n in range(40)]
    body = "# Maintainers\n\n" + "\n".join(items) + "\n\nSee <https://x.example>.\n"
    parsed: list[str] = []
    parse = body_module._parsed_plain

    def counted(text: str, mdx: bool) -> str:
        parsed.append(text)
        return parse(text, mdx)

    clear_parse_caches()
    monkeypatch.setattr(body_module, "_parsed_plain", counted)
    facts = (scan_body(body), body_text(body))
    assert len(parsed) == len(set(parsed)) == len(items) + 1
    monkeypatch.undo()
    with markdown_it_py_only():
        assert facts == (scan_body(body), body_text(body))


def test_controls_an_entity_decodes_to_are_stripped_from_compiled_items() -> None:
    """The compiled items' texts are searched for controls all at once: an item whose
    entity decodes to one (a form feed, a bidi override) loses it, as with markdown-it-py,
    and the others are kept as they are."""
    items = ["a *b* &#12;c", "d `e` f", "g &#8238;h [i](u)", "**j** k"]
    body = "".join(f"- {item}\n" for item in items)
    for need_heading in (False, True):
        compiled = scan_body(body, need_heading=need_heading)
        with markdown_it_py_only():
            assert compiled == scan_body(body, need_heading=need_heading)
        assert compiled.initiatives == ("a b c", "d e f", "g h i", "j k")


# The block parse: compiled_block_tokens.


BlockView = list[tuple[str, str, int, int, str, Callout | None]]


def block_view(tokens: list[BlockToken]) -> BlockView:
    """What the loader reads of block tokens (a callout's kind and label too)."""
    return [
        (
            token.type,
            token.tag,
            token.nesting,
            token.level,
            token.content,
            callout_of(cast("Token", token)) if token.type in CALLOUT_OPEN_TYPES else None,
        )
        for token in tokens
    ]


def reference_blocks(markdown: str, mdx: bool = False) -> BlockView:
    parser = markdown_parser(mdx)
    tokens: list[Token] = []
    parser.block.parse(markdown, parser, {}, tokens)
    return block_view(list(tokens))


def same_blocks_as_markdown_it_py(markdown: str, mdx: bool = False) -> bool:
    """Check the compiled parser's tokens for `markdown` (MDX with `mdx`), if it takes it;
    whether it did."""
    compiled = compiled_mdx_block_tokens(markdown) if mdx else compiled_block_tokens(markdown)
    if compiled is None:
        return False
    assert block_view(list(compiled)) == reference_blocks(markdown, mdx), markdown
    return True


def loader_facts(body: str, mdx: bool = False) -> object:
    """All the loader reads out of a body: initiatives, first heading and warning (with and
    without the line scanner), and the text indexed and counted."""
    clear_parse_caches()
    return (
        scan_body(body, mdx=mdx),
        scan_body(body, need_heading=False, mdx=mdx),
        body_text(body, mdx=mdx),
    )


def same_loader_facts_as_markdown_it_py(body: str, mdx: bool = False) -> None:
    compiled = loader_facts(body, mdx)
    with markdown_it_py_only():
        reference = loader_facts(body, mdx)
    assert compiled == reference, body


def real_shaped_files(root: Path, count: int) -> list[Path]:
    generate_markdown = bench_module("generate_markdown")
    generate_markdown.generate(root, count)
    return sorted(root.rglob("*.md"))


def test_every_sample_body_is_read_into_markdown_it_pys_blocks() -> None:
    taken = 0
    for path in sample_files():
        body = load_article(path, samples_dir()).body  # type: ignore[union-attr]
        taken += same_blocks_as_markdown_it_py(body)
        same_loader_facts_as_markdown_it_py(body)
    assert taken >= 30  # of 42: the rest hold callouts, footnotes, template tags, ...


def test_real_shaped_bodies_are_read_into_markdown_it_pys_blocks(tmp_path: Path) -> None:
    files = real_shaped_files(tmp_path, 45)
    taken = 0
    for path in files:
        body = load_article(path, tmp_path).body  # type: ignore[union-attr]
        taken += same_blocks_as_markdown_it_py(body)
        same_loader_facts_as_markdown_it_py(body)
    assert taken == len(files)  # docs pages' alerts, shortcodes and Liquid tags too


LINE_STARTS = [
    "", " ", "  ", "   ", "    ", "\t", "- ", "* ", "+ ", "1. ", "2) ", "10. ", "> ", ">",
    "  - ", "    - ", "  1. ", "> - ", "- > ", "- - ", "#", "# ", "## ", "###### ",
    "####### ", "-", "1.", "*", "> > ", "- [ ] ", ": ", "[^1]: ", "[^1]:", "[^n]:    ",
    "1) ", "- [^1]: ",
]  # fmt: skip
LINE_PIECES = [
    "word", "two words", "*em*", "**strong**", "`code`", "[link](http://x.example)", "<br>",
    "<div>", "</div>", "<!-- c -->", "<b>bold</b>", "<https://a.example>", "<pre>", "</pre>",
    "&amp;", "\\", "\\*", "---", "===", "***", "___", "- - -", "```", "~~~", "```js",
    "| a | b |", "|---|---|", "| x |", "|:-|-:|", "a | b", "[ref]: /url", "[ref]", "  ",
    "\xa0", "\u3000", "\x0b", "\x0c", "\x1c", "#", "é", "東", ":", "~", "x\\", "\t",
    "1", ")", "*", "_", "[", "]", "(", ">", "{{< note >}}", "[!NOTE]", "[^1]:", ":::",
    "-|-", "--|--", "[r]:", "C:\\dir\\",
    "{{< /note >}}", "{{% notice warning %}}", "{{% /notice %}}", "{% highlight js %}",
    "{% endhighlight %}", "{% comment %}", "{% endcomment %}", "{{ page.title }}",
    '{{< figure caption="A cat" >}}', "{{< figure", ">}}", "{{ a | b }}", "{% if x %}",
    "[!TIP]", "[!warning]", "[!FOO]", "[![b](u)](v)", "{: .c}", "{{< code >}}", "{{< /code >}}",
    "[r]: /u", "[r]:", "'t'", "\\\\", "C:\\a\\",
    "{{ x }} y", "{% raw %}`{{ k }}`{% endraw %} z", "{{< f",
    "<!--", "-->", "<!-- YAML", "<?x ?>", "<!X>", "<!doctype html>", "<![CDATA[", "]]>",
    "<!-->", "<!--->", "<!>", "<!x",
    "<script>", "</script>", "<STYLE>", "<textarea>", "Wow!!!", "a:::b", "Why???", "2.",
    "a\xa0b", "x\u3000y", "\xa0x", "x\xa0", "|\xa0", "#\xa0", "\u2028", "\u2003",
    "[^1]", "x[^n]", "[^a b]:", "^[i]", ":::note", ":::tip[T]", "::::", "::: warning x",
    "/// note", "/// tip | T", "///", "////", "//// tab | A", "/// html | div", "[TOC]",
    "    type: warning", "==m==", "H~2~O", "x^2^", "^^i^^", "++ctrl+c++", ":smile:",
    ":material-check:", "10:30:45",
]  # fmt: skip
body_lines = st.tuples(
    st.sampled_from(LINE_STARTS),
    st.lists(st.sampled_from(LINE_PIECES), max_size=4).map(" ".join),
    st.sampled_from(["", " ", "  ", "\t"]),
).map("".join)
generated_bodies = st.lists(st.one_of(body_lines, st.just("")), max_size=14).map("\n".join)


@settings(max_examples=600, deadline=None)
@given(generated_bodies)
@example("> word\n word\n")  # a quote's lazy line (see test_what_the_parsers_read_apart...)
@example("- a\n  - b\n\n  c\n- d\n")  # a loose item with a sub-list
@example("Title\n===\n\n| a | b |\n|---|---|\n| `x` | y |\n\n    code\n")
@example("[^1]: <br>\n")  # an HTML block on a definition's first line: keeps no space
def test_generated_bodies_are_read_into_markdown_it_pys_blocks(body: str) -> None:
    same_blocks_as_markdown_it_py(body)
    same_loader_facts_as_markdown_it_py(body)


# Whole blocks, as real pages write them, nested in a quote or a list item or not.
BLOCKS = [
    "- a\n- b", "* a\n\n* b", "1. one\n2. two", "3) x", "- a\n  - b\n    - c", "- a\n\n  para\n",
    "```\ncode\n```", "~~~py\nx\n~~~", "```\nunclosed", "    indented", "> q\n> q2", "> - a\n> - b",
    "# H", "## H ##", "H\n===", "H\n---", "***", "<div>\nx\n</div>", "<div>\n\nx", "<b>x</b> y",
    "<custom-tag>\nx", "[r]: /u 'title'", "[r]:\n/u", "[x][r]", "| a | b |\n|---|---|\n| c | d |",
    "a | b\n--|--\nc | d", "text  \nhard", "text\\\nhard", "&amp; &copy; &#35;", "**b** _i_ `c`",
    "1. a\n   ```\n   x\n   ```", "- a\n  > q", "- ```\n  x\n  ```", "10. ten\n11. eleven", "-\ta",
    "  - two", "   # three", "\\# not", "#5 bolt", "- [link](u)\n  continuation", "<p>para</p>",
    "- one\n- two | three\n-|-", "x\n[r]:\n-|", "1. |\nt\n    -|", "- [r]: C:\\dir\\\n- item",
    "> [!NOTE]\n> x", "> [!TIP]\n>\n> - a\n> - b", "> [!WARNING]",
    "{{< note >}}\nx\n{{< /note >}}", "{{< notice tip >}}\n- a\n- b\n{{< /notice >}}",
    "{% highlight js %}\nlet x;\n{% endhighlight %}", "{% comment %}\n- hidden\n{% endcomment %}",
    '{{< figure caption="A cat" >}}', "{{ page.title }}", "a {{ x }} b\n{% y %}",
    "{{< note >}}\n> [!NOTE]\n> x\n{{< /note >}}", "{{< note >}}\n- unclosed",
    "{{< code >}}\n{{< note >}}\n{{< /code >}}", "{{< figure\n  caption='a' >}}",
    "<!-- YAML\nadded: v1.0.0\n-->", "<!--\n\n- a\n\n-->", "<pre>\n\n- x\n</pre>",
    "<!-- type=misc -->", "1. Step\n\n   More.\n2. Next",
    "<!-- YAML\n  - a of\n    10.\n> x\n y\n-->", "<div>\n> a\n b\n-", "<!-- a -->\n```js\nx\n```",
    "a\xa0`b` c", "東京\u3000大阪",
    "| a\xa0b | c |\n|---|---|\n| d | e\xa0f |", "Wow!!! ok", "<script>\nx\n\ny\n</script>",
    "```console\n> a\nb\n```", "```\n> > a\n>     b\n```", "~~~\n> a\n -\n~~~", "```\n> a\nb",
    "[^1]: note", "[^n]: a\n\n    b", "[^1]: x\n[^2]: y\n  lazy", "[^1]:\n    - a", "x[^1] y",
    "[^1]: > q", "1) a\n2) b", ":::note\nx\n:::", ":::tip\n- a\n", ":::", "::::info\n:::note",
    '!!! note "T"\n    x\n\n    - a\n    - b', "???+ tip\n    x", "!!! warning\n\n\n    x",
    '=== "A"\n\n    ```\n    x\n    ```', "*[HTML]: Markup", "{ .lead }", 'a\n{ #id }',
    '--8<-- "a.md"', "--8<--\na.md\n--8<--", "Term\n:   Definition", "[x](u){ .b }",
]  # fmt: skip
BLOCK_STARTS = ["", "", "", "  ", "   ", "    ", "- ", "> ", "1. "]


def nested(start: str, block: str) -> str:
    return "\n".join(start + line if line else line for line in block.split("\n"))


structured_bodies = st.lists(
    st.builds(nested, st.sampled_from(BLOCK_STARTS), st.sampled_from(BLOCKS)).flatmap(
        lambda block: st.sampled_from([block + "\n", block + "\n\n"])
    ),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(structured_bodies)
@example("| a | b |\n|---|---|\n| c | d |\n10. ten\n11. eleven\n")
@example("# T\n\n- one\n- two | three\n-|-\n")  # a list item's line over a delimiter row
@example("x\n[r]:\n-|\n")  # a definition's label line over one
@example("1. |\nt\n    -|\n")  # an item's line, a lazy line, an indented one
@example("- [r]: C:\\dir\\\n- item\n")  # a definition's address ending in a backslash
@example(":::tip\n- a\n\n- ```\n- code\n- ```\n")  # a container unclosed, a fence in it too
def test_generated_pages_are_read_into_markdown_it_pys_blocks(body: str) -> None:
    same_blocks_as_markdown_it_py(body)
    same_loader_facts_as_markdown_it_py(body)


# Each kind of markdown the two parsers read apart, or only markdown_parser's plugins read:
# the compiled parser's own tokens differ from markdown-it-py's, and compiled_block_tokens
# leaves the body to markdown-it-py.
READ_APART = {
    "task list item (markdown-it-py takes off its box)": "- [ ] task\n",
    "task list item, done": "- [x] task\n",
    "task list item, done, in capitals": "- [X] task\n",
    "empty item ending a quote's lazy line": "> a\n-\n",
    "quote's lazy line with leading spaces": "> word\n word\n",
    "quote in a quote, a lazy line of the inner": "> > q\n>     indented\n",
    "<pre> block ended by its list item": "- <pre>\n\nx\n",
    "comment block ended by its list item": "- <!-- a\n\nx\n",
    "declaration in lower case": "<!doctype html>\n",
    "comment block in a list item, after one inside a line": "a <!-- b -->\n\n- <!-- c\n\nd\n",
    "comment block in a list item, closed lines later": "- <!-- a\n\n  b -->\n",
    "no-break space in a link definition": "[ref]: /url \xa0\n",
    "a control character Python's regexes take for a space": "<br> \x1c\n",
    "tab in a quote's indentation": "> > \t word\n",
    "one-column table, `a|` over `---`": "a|\n---\n",
    "table head without a `|`": "word\n|---|\n",
    "tab in a table's line": "- | a |\n-\t|---|\n",
    "ordered item not numbered 1 after a table's row": "| a | b |\n|---|---|\n| c |\n10. x\n",
    "list item's line with a `|` over a delimiter row": "# T\n\n- one\n- two | three\n-|-\n",
    "a table's head as a list's second item": "- Plans\n- Cost | Owner\n--|--\n",
    "definition's label line over a delimiter row": "x\n[r]:\n-|",
    "item's line, lazy line, indented delimiter row": "1. |\nt\n    -|",
    "quote's definition line over a delimiter row": "> a | b\n> |||\n> [r]: /u\n> |:--|\n",
    "definition's address ending in a backslash": "- [docs]: C:\\Users\\me\\\n- real item\n",
    "definition's address on its own line, ending in a backslash": "- [a]:\n  foo\\\n- b\n",
    "HTML block ending a text without a newline": "a\n\n<div>",
    "code block ending a text without a newline": "    code",
    "`:::` container in a list item": "- :::note\n  x\n  :::\n",
    "`!!!` admonition in a list item": "- !!! note\n      x\n",
    "footnote definition in a list item": "- x[^1]\n\n  [^1]: a note\n",
    "footnote definition in a quote": "> x[^1]\n>\n> [^1]: a note\n",
    "definition list": "Term\n: definition\n",
    "kramdown attribute line": "* TOC\n{:toc}\n",
    "nesting near MAX_MARKDOWN_NESTING": "- " * (MAX_MARKDOWN_NESTING - 2) + "x\n",
}


@pytest.mark.parametrize("markdown", READ_APART.values(), ids=READ_APART.keys())
def test_what_the_parsers_read_apart_is_left_to_markdown_it_py(markdown: str) -> None:
    own = markdown_module._compiled_tokens(markdown)
    assert own is None or block_view(list(own)) != reference_blocks(markdown)
    assert compiled_block_tokens(markdown) is None
    same_loader_facts_as_markdown_it_py(markdown)


# What real docs pages hold that the two parsers read alike, and the compiled parser takes:
# Node's API pages open each section's history with a top-level comment, number their
# steps with a paragraph under each, and write `\xa0` between words.
READ_ALIKE = {
    "comment over lines at the top level": "# A\n\n<!-- YAML\nadded: v0.1.90\n-->\n\ntext\n",
    "comment over blank lines at the top level": "<!-- a\n\n- b\n\n-->\n- c\n",
    "comment ending a list item's paragraph": "- item\n<!-- c\n\nx -->\n",
    "comment inside a line": "- a <!-- c\n\n  b\n",
    "<pre> over blank lines at the top level": "<pre>\n\n> x\n\n</pre>\n",
    "ordered steps with paragraphs, a table elsewhere": (
        "| a | b |\n|---|---|\n| c | d |\n\n1. One.\n\n   More.\n2. Two.\n"
    ),
    "a no-break space between words": "- use\xa0`Error` here\n- b\xa0c\n",
    "an ideographic space between words": "東京\u3000大阪\n\n- 京都\u3000奈良\n",
    "no-break space in a table's cell": "| a\xa0b | c |\n|---|---|\n| d | e\xa0f |\n",
    "`!!!`, `:::` and `???` inside a line": "Wow!!! It works.\n\n- a:::b\n- Why??? Because.\n",
    "a REPL session in fenced code": "Run:\n\n```console\n> Buffer.alloc(2)\n<Buffer 00 00>\n```\n",
    "a no-break space, link definitions elsewhere": "a\xa0b\n\n[r]: /u\n",
    "a shell command's lines in fenced code, definitions elsewhere": (
        "```sh\ncurl x \\\n  && y\n```\n\n[r]: /u\n"
    ),
    "a REPL session ending with a prompt": "```\n> a\n```\nb\n",
    "a REPL session in fenced code, non-ASCII before": "é\n\n~~~\n> a\n b\n> > c\n>     d\n~~~\n",
    "a version history's lines in a top-level comment": (
        "# A\n\n<!-- YAML\nchanges:\n  - description: a limit of\n                 10.\n"
        "> x\n b\n-->\n\ntext\n"
    ),
    "lines read apart in a top-level HTML block, non-ASCII before": (
        "é\n\n<div>\n> a\n b\n-\n</div>\n"
    ),
    "a comment closed in its line in a list item": (
        "1. Step:\n\n   <!-- eslint-disable no-useless-return -->\n   ```js\n   x\n   ```\n"
        "\n   More.\n- <!-- a --> b\n\n  c\n"
    ),
    "a comment closed in its line in a quote": "> <!-- a -->\n>\n> b\n",
}


# Lines the two parsers read apart next to fenced code or an HTML block, or in one that is
# not at the top level: left to markdown-it-py.
DIFFERING_BESIDE_CODE = {
    "a quote's lazy line before a fence": "> a\n b\n\n```\nx\n```\n",
    "in the last line of an unclosed fence": "```\nx\n> a\nb",
    "in a list item's fence": "- a\n  ```\n  > x\n  y\n  ```\n",
    "in a quote's fence": "> ```\n> > a\n>     b\n> ```\n",
    "in a list item's HTML block": "- <div>\n  > a\n   b\n",
    "in the last line of an unclosed comment": "<!-- a\n10.",
    "after a top-level comment": "<!-- a -->\n> b\n c\n",
    "after a top-level comment of two lines": "<!-- a\n-->\n> b\n c\n",
    "after a top-level HTML block": "<div>\nx\n\n> b\n c\n",
}


@pytest.mark.parametrize(
    "markdown", DIFFERING_BESIDE_CODE.values(), ids=DIFFERING_BESIDE_CODE.keys()
)
def test_lines_read_apart_outside_top_level_raw_blocks_are_left_to_markdown_it_py(
    markdown: str,
) -> None:
    assert compiled_block_tokens(markdown) is None
    same_loader_facts_as_markdown_it_py(markdown)


@pytest.mark.parametrize("markdown", READ_ALIKE.values(), ids=READ_ALIKE.keys())
def test_what_real_docs_pages_hold_is_read_by_the_compiled_parser(markdown: str) -> None:
    assert same_blocks_as_markdown_it_py(markdown)
    same_loader_facts_as_markdown_it_py(markdown)


# Unicode spaces where a block's syntax may read them: left to markdown-it-py, whether or
# not the two parsers read each apart today.
SPACES_IN_SYNTAX = {
    "after a list item's number": "1.\xa0x\n",
    "after a bullet": "-\xa0x\n",
    "after a bullet's space": "- \xa0x\n",
    "ending a line": "a\xa0\nb\n",
    "before a heading's closing #": "# Title\xa0#\n",
    "beside a table's |": "| a\xa0| b |\n|---|---|\n",
    "in an HTML block's first line": "<div\xa0class=x>\n",
    "in a list item's HTML block's first line": "- <div\xa0class=x>\n",
    "in a link definition's lines": "[r]: /u\na\xa0b\n",
    "in a link definition's title": "- [r]: /u\n  'a\xa0b'\n",
    "in a body with a line separator": "a\xa0b\u2028c\n",
    "after a quote's mark": ">\xa0x\n",
    "in a fence's closing line": "```\nx\n```\xa0\n",
}


@pytest.mark.parametrize("markdown", SPACES_IN_SYNTAX.values(), ids=SPACES_IN_SYNTAX.keys())
def test_unicode_spaces_where_syntax_may_read_them_are_left_to_markdown_it_py(
    markdown: str,
) -> None:
    assert compiled_block_tokens(markdown) is None
    same_loader_facts_as_markdown_it_py(markdown)


# Alerts and template tags the compiled parser does not read with stand-ins (see
# reader.markdown._with_stand_ins): markdown-it-py reads the body.
NOT_STOOD_IN = {
    "a tag over lines after a paragraph's line": "a\n{{< figure src=x\n  >}}\n",
    "a kramdown extension's lines": "{::nomarkdown}\n<b>x</b>\n{:/}\n",
    "a kramdown attribute line in a list item": "- a\n  {: .x}\n",
    "a kramdown attribute line under a table's row": "| a |\n|---|\n| b |\n{: .t}\n",
    "a kramdown attribute line under a quote's line": "> q\n{: .q}\n",
    "Liquid output in an indented code block": "    {{ x }}\n",
    "GitHub alert after a quote's line (maybe not its first)": "> a\n> [!NOTE]\n> x\n",
    "GitHub alert after an empty quote line": ">\n> [!NOTE]\n> x\n",
    "GitHub alert in a code block": "```md\n> [!NOTE]\n> x\n```\n",
    "GitHub alert in a quote in a quote": "> > [!NOTE]\n> > x\n",
    "Hugo shortcode in a list item": "- {{< note >}}\n  x\n  {{< /note >}}\n",
    "Hugo shortcode indented": "  {{< figure caption='A cat' >}}\n",
    "Hugo shortcode in a quote": "> {{< note >}}\n> x\n> {{< /note >}}\n",
    "Hugo shortcode over lines": '{{< figure src="a.png"\n  caption="A cat" >}}\n',
    "Liquid tag in a code block": "```\n{% include a.html %}\n```\n",
    "callout shortcode closed in its code block": "{{< note >}}\n```\n{{< /note >}}\n```\n",
    "Liquid output with a `|` over a delimiter row": "{{ a | b }}\n|---|---|\n",
    "Liquid tag after an HTML block": "<div>\n{% include a.html %}\n",
    "callout shortcode's last line in a quote": "{{< note >}}\n> x\n{{< /note >}}\n",
}


# GitHub alerts and template tags the compiled parser reads, with stand-ins for their
# lines (reader.markdown._with_stand_ins): the same tokens as markdown-it-py's plugins'.
STOOD_IN = {
    "Hugo shortcode, a line starting with one": "{{< kbd x >}} to quit\n",
    "a paragraph's line starting with a tag": (
        "The scheme:\n{% raw %}`{{ key }}`{% endraw %} names it.\n{{ site.title }} is ours.\n"
    ),
    "a paragraph starting with a tag, a tag line after it": (
        "{{ a }} b\n{{< note >}}\nx\n{{< /note >}}\n"
    ),
    "a kramdown attribute line under a paragraph": "Lead text.\n{: .lead}\n\nNext.\n",
    "a kramdown attribute line under a list and a heading": "- a\n{: .x}\n\n## H\n{: #id}\n",
    "an alert after a line holding `[!`": "See [!x].\n\n> [!NOTE]\n> y\n",
    "a tag line after a line holding `{{`": "a {{ b }}\n\n{{< note >}}\nx\n{{< /note >}}\n",
    "Hugo callout shortcode closed indented": "{{< note >}}\nx\n  {{< /note >}}\n",
    "GitHub alert of a kind spelt past ASCII": "> [!t\u0131p]\n> x\n",
    "GitHub alert": "> [!NOTE]\n> x\n",
    "GitHub alert alone": "# T\n\n> [!WARNING]\n\nafter\n",
    "GitHub alert in lower case, spaced": ">   [!tip]  \n> a *b*\n>\n> - c\n> - d\n",
    "GitHub alert with a list, a code block and a heading": (
        "> [!IMPORTANT]\n> 2. two\n>\n>     code\n> # H\n"
    ),
    "GitHub alert in a list item": "- a\n- > [!CAUTION]\n  > x\n\n- b\n",
    "GitHub alert interrupting a paragraph": "para\n> [!NOTE]\n> x\n",
    "GitHub alert ending a list": "- a\n> [!NOTE]\n> x\n",
    "not an alert: a title after the kind": "> [!NOTE] Title\n> x\n",
    "not an alert: an unknown kind": "> [!FOO]\n> x\n",
    "not an alert: a badge": "[![build](b.svg)](https://x.example)\n\n- a [!b]\n",
    "Hugo callout shortcode": "{{< note >}}\nx\n{{< /note >}}\n",
    "Hugo callout shortcode with a list": (
        "# T\n\n{{< notice warning >}}\n- a\n- b\n{{< /notice >}}\n"
    ),
    "Hugo callout shortcodes nested": (
        "{{< note >}}\n{{< tip >}}\n- a\n{{< /tip >}}\n"
        "{{< note >}}\nb\n{{< /note >}}\n{{< /note >}}\n"
    ),
    "Hugo callout shortcode holding an alert": (
        '{{% alert title="Hi" %}}\n> [!TIP]\n> x\n\n{{% /alert %}}\n'
    ),
    "Hugo callout shortcode, empty": '{{< details "More" >}}\n{{< /details >}}\n',
    "Hugo callout shortcode unclosed": "{{< note >}}\nx\n",
    "Hugo callout shortcode ending a paragraph and a list": (
        "a\n- b\n{{< note >}}\nc\n{{< /note >}}\nd\n"
    ),
    "Hugo code shortcode": (
        '{{< highlight go "linenos=table" >}}\nfunc f() {}\n\n- x\n{{< /highlight >}}\n'
    ),
    "Hugo code shortcode, markdown's": "{{% code %}}\n# not a heading\n{{% /code %}}\n",
    "Hugo code shortcode unclosed": "{{< code lang=go >}}\nx := 1\n",
    "Hugo shortcode with text": '{{< figure src="a.png" caption="A cat" >}}\n- a\n',
    "Hugo shortcodes on one line": '{{< tab "Linux" >}} {{< tab "Mac" >}}\n',
    "Hugo closing shortcode alone": "a\n{{< /tabs >}}\nb\n",
    "Hugo shortcode ending a table": "| a | b |\n|---|---|\n| c | d |\n{{< x >}}\n",
    "Hugo shortcode ending a link definition": "[r]: /u\n{{< x >}}\n",
    "Hugo shortcode over a setext underline's like": "{{< x >}}\n---\nT\n===\n",
    "Hugo shortcodes in a paragraph": "a {{< x >}} b {{< y >}}\nc {% z %}\n",
    "Liquid code block": "{% highlight js %}\nlet x;\n{% endhighlight %}\n",
    "Liquid code block last, no newline": "{% highlight js %}\nlet x;\n{% endhighlight %}",
    "Liquid comment": "a\n{% comment %}\n- hidden\n{% endcomment %}\n- shown\n",
    "Liquid comment unclosed": "{% comment %}\n- shown\n",
    "Liquid tags around a list": "{% if x %}\n- a\n- b\n{% endif %}\n",
    "Liquid output on its own line": "a\n{{ page.title }}\nb\n",
    "Liquid output with a `|`": "{{ a | b }}\n\n- c\n",
    "Liquid include with a title": '{% include card.html title="Start here" %}\n',
    "Liquid tag in a fenced code block of a code tag": (
        "{% highlight md %}\n```\n{{ x }}\n{% endhighlight %}\n> [!NOTE]\n"
    ),
}


# Footnotes as Zola, Jekyll (kramdown) and GitHub pages write them: the compiled parser
# reads each definition at a line's start with a stand-in (reader.markdown's
# _FOOTNOTE_STAND_IN_LINE), giving markdown-it-py's footnote plugin's tokens.
FOOTNOTES_STOOD_IN = {
    "Zola: references, then the definitions at the end": (
        "A hill.[^signal]\n\n## How\n\n- a\n- b\n\nTwice.[^twice]\n\n"
        "[^signal]: The *signal* hill.\n[^twice]: Two buildings.\n"
    ),
    "Jekyll: kramdown's definitions, a quote and code in one": (
        "Text.[^1] Other.[^footnote]\n\n[^1]: Some *bolded* definition.\n\n"
        "[^footnote]:\n    > Blockquotes can be in a footnote.\n\n        as well as code\n\n"
        "    or paragraphs.\n\n[^other]:       no code block here\n\n"
        "[^codeblock]:\n        this is a code block (8 spaces)\n\nHi!\n"
    ),
    "GitHub: a definition's second line indented 2 spaces": (
        "Simple[^1].\n\nLines[^2].\n\n[^1]: My reference.\n"
        "[^2]: To add line breaks, prefix new lines with 2 spaces.\n  This is a second line.\n"
    ),
    "a definition of several paragraphs and a list": (
        "x[^n]\n\n[^n]: One.\n\n    Two, *indented*.\n\n    - a\n    - b\n\nAfter.\n"
    ),
    "a definition in the middle, a list after it": (
        "# T\n\nx[^1]\n\n[^1]: note\n\n- real item\n- another\n"
    ),
    "a definition ending a paragraph": "text[^1]\n[^1]: note\nlazy line\n",
    "a definition ending a list": "- a[^1]\n- b\n[^1]: note\n",
    "a definition after a list, a blank line between": "- a[^1]\n- b\n\n[^1]: note\n",
    "a definition ending a link definition": "[r]: /u\n[^1]: note\n",
    "a definition after a heading and a rule": "# H\n\n***\n\n[^1]: note\n",
    "references in list items and a table's cells": (
        "- one[^1]\n- two *b*[^2]\n\n| a | b |\n|---|---|\n| c[^1] | d |\n\n[^1]: x\n[^2]: y\n"
    ),
    "an undefined reference": "See [^missing] and [^1].\n\n[^1]: here\n",
    "duplicate labels": "a[^1]\n\n[^1]: first\n\n[^1]: second\n",
    "a reference in code": "Write `[^note]` in code.\n\n```\n[^note]\n```\n\n[^note]: n\n",
    "references in a quote": "> Quoted[^q] text.\n\n[^q]: source\n",
    "an alert in a definition": "x[^1]\n\n[^1]: > [!NOTE]\n    > careful\n",
    "an empty definition, a paragraph after it": "[^1]:\ntext\n",
    "a definition's first line of spaces only": "[^1]:   \n    text\n",
    "a definition's first line 4 and 5 spaces in": "[^1]:    four\n[^2]:     five\n",
    "a definition's first line a list": "[^1]: - a\n      - b\n  lazy\n",
    "a definition's first line a heading, then a code block": "[^1]: # H\n\n        code\n",
    "a definition's first line a fence": "[^1]: ```\n    code\n     ```\n",
    "a definition's first line an HTML block": "[^1]: <br>\n[^2]:  <div>\nx\n\n[^3]:     <p>\n",
    "a definition whose label holds marks": "x[^a-b_c.1]\n\n[^a-b_c.1]: n\n[^^]: m\n",
    "not a definition: a space in the label": "[^a b]: /u\n\n- c\n",
    "not a definition: no label": "[^]: /u\n",
    "not a definition: inside a line": "a [^1]: b\n",
    "a definition with a template tag after it": "[^1]: x\n{{< note >}}\ny\n{{< /note >}}\n",
    "inline footnotes": "a^[inline *note*] b\n\n- c^[d]\n",
}


# Footnote definitions the compiled parser does not read with stand-ins: markdown-it-py
# reads the body.
FOOTNOTES_LEFT = {
    "a definition in a list item": "- a\n\n  [^1]: note\n",
    "a definition on a list item's line": "- [^1]: note\n",
    "a definition in a quote": "> [^1]: note\n",
    "a definition indented": " [^1]: note\n",
    "a definition in a definition": "[^1]: a\n\n    [^2]: b\n",
    "a definition in a definition's first line": "[^1]: [^2]: b\n",
    "an admonition in a definition's first line": "[^1]: !!! note\n        x\n",
    "a definition in a list item in a definition's first line": "[^1]: - [^2]: x\n",
    "an admonition in a list item in a definition's first line": "[^1]: - !!! note\n",
    "a definition after a quote's line (its lazy line)": "> quoted\n[^1]: note\n",
    "a definition after a quote's lazy line": "> quoted\nlazy\n[^1]: note\n",
    "a definition after one holding a quote": "[^1]: > q\n[^2]: note\n",
    "a definition after a table's row (its next row)": "| a | b |\n|---|---|\n[^1]: note\n",
    "a definition with a tab": "[^1]:\tnote\n",
    "a definition in a callout shortcode": "{{< note >}}\n[^1]: n\n{{< /note >}}\n",
    "a definition in fenced code": "```md\n[^1]: n\n```\n",
    "a definition in an HTML block": "<div>\n[^1]: n\n</div>\n",
    "a list numbered with `)` before a definition": "1) real\n\n[^1]: note\n",
    "a list numbered with `)` after a definition": "[^1]: note\n1) real\n",
}


# Lines of footnote definitions (their first lines' spaces as writers vary them) among
# lines they may continue or end.
FOOTNOTE_LINE_STARTS = [
    "[^1]: ", "[^n]:", "[^2]:  ", "[^3]:     ", "[^4]:        ", "", "", "    ", "  ", "> ",
    "- ", "1) ", "| ",
]  # fmt: skip
FOOTNOTE_LINE_PIECES = [
    "word", "*em*", "<br>", "<div>", "| a | b |", "|---|---|", "-", "- a", "> q", "> [!NOTE]",
    "```", "~~~", "# H", "---", "[^1]", "[^2]:", "!!! note", ":::note", "{{< x >}}", "\t", "",
]  # fmt: skip
footnote_bodies = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from(FOOTNOTE_LINE_STARTS),
            st.lists(st.sampled_from(FOOTNOTE_LINE_PIECES), max_size=3).map(" ".join),
        ).map("".join),
        st.just(""),
    ),
    max_size=10,
).map("\n".join)


@settings(max_examples=400, deadline=None)
@given(footnote_bodies)
def test_generated_footnotes_are_read_into_markdown_it_pys_blocks(body: str) -> None:
    same_blocks_as_markdown_it_py(body)
    same_loader_facts_as_markdown_it_py(body)


def test_the_footnoted_sample_is_read_by_the_compiled_parsers() -> None:
    path = samples_dir() / "sites" / "zola" / "content" / "blog" / "offline-first-forms.md"
    body = load_article(path, samples_dir()).body  # type: ignore[union-attr]
    assert same_blocks_as_markdown_it_py(body)
    items = ["a[^1] *b*", "`[^note]` c", "[^1](u) d", "e [^a b] [^1][r]"]
    assert same_text_as_markdown_it_py(items) == len(items)
    same_loader_facts_as_markdown_it_py(body)


# `:::` containers in plain markdown (VitePress, markdown-it-container, Docusaurus's .md
# pages): stood in as MDX's are (reader.markdown._mdx_stand_in_lines, `mdx` False).
CONTAINERS_STOOD_IN = {
    "a container": ":::note\nx\n:::\n",
    "a container with a title and a list": ":::tip[Check it]\n- a\n- b\n:::\n",
    "a container with a spaced title (VitePress)": "::: warning Mind the gap\nx *y*\n:::\n",
    "containers nested": "::::info\n:::note\nx\n:::\n::::\n",
    "a container unclosed": ":::warning\n- a\n",
    "a container closed indented": ":::note\nx\n   :::\n",
    "a container, a longer closing line": ":::note\nx\n:::::  \n",
    "a container ending a paragraph and a list": "a\n:::note\nb\n:::\n- c\n:::tip\nd\n:::\n",
    "a container, empty": ":::note\n:::\n",
    "a container holding HTML and fenced code": (
        ":::details Code\n<div>\nx\n</div>\n\n```js\nlet a = '<b>';\n```\n:::\n"
    ),
    "a container between headings and lists": "# T\n\n- a\n\n:::note\n- b\n:::\n\n## U\n",
    "a container after a fenced code block": "```\nx\n```\n:::note\ny\n:::\n",
    "a container beside lines MDX reads (text here)": (
        ":::note\n<b>Bold</b> words.\n{/* not a comment */}\n:::\nimport A from 'a';\n"
    ),
    "a container beside fenced code holding a tab and a tag": (
        ":::note\nx\n:::\n\n  ```\n\t<b>\n  ```\n"
    ),
    # A container unclosed runs to the text's end, and so does a fenced code block
    # unclosed in its last list item: no blank line after the text's final newline
    # (reader.markdown._text_lines). (Found by the structured strategy.)
    "a container unclosed, a list item's fence unclosed": ":::tip\n- a\n\n- ```\n- code\n- ```\n",
    "a container unclosed, a tight item's fence unclosed": ":::tip\n- ```\n",
    "a container unclosed, an item's fence and a blank line": ":::tip\n1. a\n\n   ```\n\n",
}


CONTAINERS_LEFT = {
    "a container opened indented": "  :::note\n  x\n  :::\n",
    "a container in a quote": "> :::note\n> x\n> :::\n",
    "a `:::` line naming nothing": ":::\nx\n:::\n",
    "a container closed inside its code block": ":::note\n```\n:::\n```\n",
    "a container's line in fenced code": "```md\n:::note\nx\n:::\n```\n",
    "a container's line with a `|` over a delimiter row": ":::note a|b\n|---|---|\n",
    "a container holding an alert": ":::note\n> [!TIP]\n> x\n:::\n",
    "a container and a footnote": ":::note\nx[^1]\n:::\n\n[^1]: y\n",
    "a container and an admonition": ":::note\nx\n:::\n\n!!! tip\n    y\n",
    # Its closing stand-in right after a quote's last line, as a lazy line may be (the
    # text's final newline is no blank line where a fence may open in a container).
    "a container unclosed, ending in a quote's fence": ":::tip\n> ```\n",
    # A body not ending in a newline whose last block, in a container running to its end,
    # is an HTML or code block: the stand-in closing line gives that block's last line a
    # newline markdown-it-py's has not. (Found by a targeted strategy.)
    "a container unclosed, an HTML block last, no final newline": (
        ":::tip\n<!-- YAML\nadded: v1.0.0\n-->"
    ),
    "a container unclosed, a list item's fence last, no final newline": ":::tip\n- ```\n  x",
}


# MkDocs (Material for MkDocs) pages: `!!!` / `???` admonitions and content tabs (a body
# indented under its opening line), attribute lists, abbreviations and snippet lines at a
# top-level line's start, stood in (reader.markdown._mkdocs_stand_in).
MKDOCS_STOOD_IN = {
    "an admonition": "!!! note\n    x\n",
    "an admonition with a title and a list": '!!! note "Levels"\n    a:\n\n    - b\n    - c\n',
    "an admonition without a title": '!!! tip ""\n    x\n',
    "an admonition of two tags": '!!! danger inline end "Mind"\n    x\n',
    "an admonition, after a line holding `!!!`": "Wow!!!\n\n!!! note\n    x\n",
    "a collapsible block": "??? info\n    x\n",
    "a collapsible block, open": '???+ question "Why?"\n    Because.\n',
    "an admonition ending a paragraph and a list": "a\n!!! note\n    b\n- c\n!!! tip\n    d\n",
    "an admonition ended by two blank lines": "!!! note\n    a\n\n\n    code\n",
    "an admonition ended by a line not indented": "!!! note\n    a\n\n    b\nc\n",
    "an admonition holding code": "!!! note\n    ```toml\n    a = 1\n    ```\n\n        indented\n",
    "admonitions nested": "!!! note\n    x\n\n    !!! warning\n        y\n    z\n",
    "an admonition holding a tab": '!!! note\n    === "A"\n\n        x\n',
    "an admonition, its body indented 5": "!!!  note\n     x\n    y\n",
    "an admonition, its marker run on": "!!!note\n   x\n",
    "an admonition, empty": "!!! note\n",
    "an admonition holding an alert": "!!! note\n    > [!TIP]\n    > x\n",
    "an admonition holding a footnote reference": "!!! note\n    x[^1]\n\n[^1]: y\n",
    "content tabs": '=== "pip"\n\n    ```\n    pip install x\n    ```\n\n=== "uv"\n\n    - a\n',
    "a content tab, selected": '===+ "Linux"\n    x\n',
    "a content tab starting a set": '===! "macOS"\n    x\n',
    "an attribute list under a paragraph": "Some text.\n{ .annotate }\n",
    "an attribute list under a table": "| a | b |\n|---|---|\n| c | d |\n{ .compact }\n",
    "an attribute list of pairs": '{ width="600" loading=lazy }\n',
    "attribute lists in a line": "[Start](s.md){ .md-button }\n## Set up { #setup }\n",
    "abbreviations": "Send an SMS.\n\n*[SMS]: Short Message Service\n*[EA]: Agency\n",
    "an abbreviation ending a list": "- a\n*[A]: b\n",
    "a snippet line": 'a\n--8<-- "includes/a.md"\nb\n',
    "a list of snippets": "--8<--\na.md\nb.md\n--8<--\n",
    "a table after an admonition": "!!! note\n    x\n\n| a | b |\n|---|---|\n| c | d |\n",
    "a table opening an admonition's body": "!!! note\n    | a | b |\n    |---|---|\n",
    "a table after a snippet line": '--8<-- "a.md"\n| a | b |\n|---|---|\n',
    "an admonition ending the text in a list item's unclosed fence": (
        "!!! note\n    - a\n\n    - ```\n    - code\n    - ```\n"
    ),
    "a content tab ending the text in a list item's unclosed fence": '=== "A"\n    - ```\n',
    "text like MkDocs' lines": "* **[CVE-1](u)**: fixed\n\n    *[Symbol.iterator] () {\n",
    "a page of them all": (
        '# T\n\n!!! tip\n    x\n\n=== "A"\n\n    y\n\n--8<-- "s.md"\n\n*[T]: t\n{ .x }\n'
    ),
    "a table of contents' marker": "# T\n\n[TOC]\n\nText.\n",
    "a table of contents' marker ending a paragraph": "a\n[TOC]\n- b\n",
    "a table of contents' marker in an admonition": "!!! note\n    [TOC]\n    x\n",
    "text like a table of contents' marker": "[TOC] here\n\n[toc]\n\n[TOC]: /toc\n",
}


MKDOCS_LEFT = {
    "an admonition in a list item": "- !!! note\n      x\n",
    "an admonition in a quote": "> !!! note\n>     x\n",
    "an admonition opened indented": "  !!! note\n      x\n",
    "an admonition holding a tab character": "!!! note\n\tx\n",
    "an admonition, a code tag": "!!! tip\n    {% highlight %}\n    x\n    {% endhighlight %}",
    "an admonition's line in fenced code": "```md\n!!! note\n    x\n```\n",
    "an admonition over a delimiter row": "!!! note a|b\n|---|---|\n",
    "an admonition holding a footnote definition": "!!! note\n    [^1]: y\n",
    "a `!!!` line naming nothing, after an admonition": "!!! note\n    x\n!!!\n",
    "an admonition and a container": ":::note\nx\n:::\n\n!!! tip\n    y\n",
    "a content tab in a list item": '- === "A"\n      x\n',
    "an abbreviation in a quote": "> *[A]: b\n",
    "an attribute list indented": "- a\n  { .x }\n",
    "an attribute list before text": "{ .x } text\n",
    "a snippet line in a list item": '- --8<-- "a.md"\n',
    "a list of snippets unclosed": "--8<--\na.md\n",
    # The deflist rule takes a paragraph's last lines back as the terms when a `:` line
    # follows them; which lines those are, the block parse before them says (a lazy
    # line of a quote or a list item is no term): not stood in line by line.
    "a definition list": "Term\n:   Definition\n",
    # Nor stood in as a list item (`-` for `:`): the rule reads a definition's blocks at
    # the `:`'s column plus 2, a list item's sit at its text's column (4 here): a line 2
    # spaces in is the definition's next paragraph, but ends the item; a code block
    # keeps the 2 spaces more.
    "a definition's paragraph 2 spaces in": "Term\n:   a\n\n  b\n",
    "a definition's code block": "Term\n:   a\n\n        code\n",
    # PyMdown's `///` blocks: markdown-it-py's alone.
    "a `///` block": "/// note | T\nx\n///\n",
    "a `///` block of options": "/// details | T\n    type: tip\n- x\n///\n",
    "`///` blocks nested": "//// tab | A\n/// note\nx\n///\n////\n",
    "a `///` block unclosed": "text\n/// note\n- x\n",
    "a `///` block in a list item": "- /// note\n  x\n  ///\n",
    "a `///` block in a quote": "> /// tip\n> x\n",
    "a `///` block in a footnote's first line": "[^1]: /// note\n\nx[^1]\n",
    "a table of contents' marker in a list item": "- [TOC]\n",
    "a table of contents' marker in a quote": "> [TOC]\n",
}


def _shapes(**tables: dict[str, str]) -> pytest.MarkDecorator:
    """One parametrize over tables of shapes, each case named by its table and key."""
    return pytest.mark.parametrize(
        "markdown",
        [
            pytest.param(markdown, id=f"{name}: {key}")
            for name, table in tables.items()
            for key, markdown in table.items()
        ],
    )


@_shapes(
    alerts_and_tags=STOOD_IN,
    footnotes=FOOTNOTES_STOOD_IN,
    containers=CONTAINERS_STOOD_IN,
    mkdocs=MKDOCS_STOOD_IN,
)
def test_shapes_stood_in_are_read_by_the_compiled_parser(markdown: str) -> None:
    assert same_blocks_as_markdown_it_py(markdown)
    same_loader_facts_as_markdown_it_py(markdown)


@_shapes(
    alerts_and_tags=NOT_STOOD_IN,
    footnotes=FOOTNOTES_LEFT,
    containers=CONTAINERS_LEFT,
    mkdocs=MKDOCS_LEFT,
)
def test_shapes_not_stood_in_are_left_to_markdown_it_py(markdown: str) -> None:
    assert compiled_block_tokens(markdown) is None
    same_loader_facts_as_markdown_it_py(markdown)


# Paragraphs holding PyMdown's inline marks (reader.markup.pymdownx): markdown-it-py's
# alone (compiled_inline_texts and compiled_inline_text leave them).
PYMDOWNX_INLINE = [
    "A ==mark== here",
    "An ^^insert^^ here",
    "H~2~O",
    "x^2^ and `code`",
    "Press ++ctrl+alt+del++",
    "Done :smile:",
    "Icon :material-check: text",
    "x^a\\ b^ <br> y",
    "[a ==b== c](u)",
]


def test_paragraphs_with_pymdownx_marks_are_left_to_markdown_it_py() -> None:
    assert compiled_inline_texts(PYMDOWNX_INLINE) == [None] * len(PYMDOWNX_INLINE)
    assert [markdown_module.compiled_inline_text(text) for text in PYMDOWNX_INLINE] == [None] * len(
        PYMDOWNX_INLINE
    )
    body = "# T\n\n" + "\n".join(f"- {text}" for text in PYMDOWNX_INLINE * 2) + "\n"
    same_loader_facts_as_markdown_it_py(body)
    words = body_module.body_text(body)
    with markdown_it_py_only():
        assert body_module.body_text(body) == words


def mkdocs_pages() -> list[Path]:
    return sorted((samples_dir() / "sites" / "mkdocs").rglob("*.md"))


def test_the_mkdocs_sample_is_read_as_with_markdown_it_py_alone() -> None:
    """Its pages without definition lists are taken whole; each loads as with
    markdown-it-py alone, and is searched the same."""
    root = samples_dir() / "sites" / "mkdocs"
    taken = []
    for path in mkdocs_pages():
        article = load_article(path, root)
        assert isinstance(article, Article)
        if same_blocks_as_markdown_it_py(article.body):
            taken.append(path.name)
        with markdown_it_py_only():
            reference = load_article(path, root)
        assert article == reference, path
        with markdown_it_py_only():
            expected = searched(reference)  # type: ignore[arg-type]
        assert searched(article) == expected, path
    # (first-night.md's `///` blocks are markdown-it-py's; symbols.md's inline marks too,
    # its blocks the compiled parser's.)
    assert sorted(taken) == ["getting-started.md", "index.md", "symbols.md"]


def test_mkdocs_pages_of_the_bench_are_read_as_with_markdown_it_py_alone(tmp_path: Path) -> None:
    """bench/generate_markdown.py --mkdocs: every page without a definition list taken."""
    generate_markdown = bench_module("generate_markdown")
    generate_markdown.generate_mkdocs(tmp_path, 40)
    files = sorted(tmp_path.rglob("*.md"))
    assert len(files) == 40
    for path in files:
        article = load_article(path, tmp_path)
        assert isinstance(article, Article)
        terms = "\n:   " in article.body
        assert same_blocks_as_markdown_it_py(article.body) is not terms, path
        with markdown_it_py_only():
            reference = load_article(path, tmp_path)
        assert article == reference, path


def test_footnoted_site_pages_of_the_bench_are_read_as_with_markdown_it_py_alone(
    tmp_path: Path,
) -> None:
    """bench/generate_markdown.py --sites --footnotes: every page taken."""
    generate_markdown = bench_module("generate_markdown")
    generate_markdown.generate_sites(tmp_path, 30, footnotes=True)
    files = sorted(tmp_path.rglob("*.md"))
    assert len(files) == 30
    for path in files:
        article = load_article(path, tmp_path)
        assert isinstance(article, Article) and "\n[^" in article.body
        assert same_blocks_as_markdown_it_py(article.body), path
        with markdown_it_py_only():
            reference = load_article(path, tmp_path)
        assert article == reference, path
        with markdown_it_py_only():
            expected = searched(reference)  # type: ignore[arg-type]
        assert searched(article) == expected, path


# Docs pages as Hugo, Jekyll and GitHub write them: alerts and tags among the blocks
# around them, a blank line between or not.
DOCS_BLOCKS = [
    *STOOD_IN.values(), *NOT_STOOD_IN.values(), *FOOTNOTES_STOOD_IN.values(),
    *FOOTNOTES_LEFT.values(), *CONTAINERS_STOOD_IN.values(), *CONTAINERS_LEFT.values(),
    *MKDOCS_STOOD_IN.values(), *MKDOCS_LEFT.values(), "    x\n", "    - a\n", "\n\n",
    "para *x*\n", "- a\n- b\n", "1. a\n",
    "```js\nlet x;\n```\n", "| a | b |\n|---|---|\n| c | d |\n", "> quote\n", "# H\n",
    "    code\n", "<div>\n", "---\n", "[r]: /u\n", "{{< note >}}\n", "{{< /note >}}\n",
    "{% endhighlight %}\n", "> [!NOTE]\n", "- {{< x >}}\n", "text {{ x }}\n",
]  # fmt: skip
docs_pages = st.lists(
    st.tuples(st.sampled_from(DOCS_BLOCKS), st.sampled_from(["", "\n"])).map("".join),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(docs_pages)
def test_generated_docs_pages_are_read_into_markdown_it_pys_blocks(body: str) -> None:
    same_blocks_as_markdown_it_py(body)
    same_loader_facts_as_markdown_it_py(body)


# A block stood in (a container, an admonition, a content tab, a callout) holding the
# structured strategy's blocks, often running to the body's end, which may end in a
# newline, a blank line or none: its stand-in closing line must end its blocks as the
# body's end does (reader.markdown._text_lines).
END_OPENERS = [
    (":::tip", "", ":::"), (":::note[T]", "", ":::"), ("::: warning x", "", ":::"),
    ("!!! note", "    ", None), ('??? tip "T"', "    ", None), ('=== "A"', "    ", None),
    ("{{< note >}}", "", "{{< /note >}}"),
]  # fmt: skip


@st.composite
def stood_in_blocks_at_the_end(draw: st.DrawFn) -> str:
    before = draw(st.lists(st.sampled_from(BLOCKS), max_size=2))
    opener, indent, closer = draw(st.sampled_from(END_OPENERS))
    inner = draw(structured_bodies.filter(bool))
    text = "".join(block + "\n\n" for block in before) + opener + "\n" + nested(indent, inner)
    if closer is not None and draw(st.booleans()):
        text += closer + "\n"
    return draw(st.sampled_from([text, text + "\n", text.rstrip("\n")]))


@settings(max_examples=300, deadline=None)
@given(stood_in_blocks_at_the_end(), st.booleans())
@example("!!! note\n    - a\n\n    - ```\n    - code\n    - ```\n", False)
@example(":::tip\n- ```\n", True)
@example(":::tip\n<!-- YAML\nadded: v1.0.0\n-->", False)
def test_blocks_stood_in_up_to_the_end_are_read_into_markdown_it_pys_blocks(
    body: str, mdx: bool
) -> None:
    mdx = mdx and body.startswith(":::")
    same_blocks_as_markdown_it_py(body, mdx)
    same_loader_facts_as_markdown_it_py(body, mdx)


def test_a_body_holding_the_stand_in_is_left_to_markdown_it_py() -> None:
    """Else its heading could take the place of a stand-in read into a code block."""
    body = "```\n{{< x >}}\n```\n\n###### " + markdown_module._STAND_IN + "\n"
    assert compiled_block_tokens(body) is None
    same_loader_facts_as_markdown_it_py(body)


def test_callouts_nested_near_the_limit_are_left_to_markdown_it_py() -> None:
    depth = MAX_MARKDOWN_NESTING
    body = "{{< note >}}\n" * depth + "- x\n" + "{{< /note >}}\n" * depth
    assert compiled_block_tokens(body) is None
    same_loader_facts_as_markdown_it_py(body)
    shallow = "{{< note >}}\n" * 3 + "- x\n" + "{{< /note >}}\n" * 3
    # Read a level a call: thousands deep would overflow the stack.
    deep = "{{< note >}}\n" * 5000 + "x\n" + "{{< /note >}}\n" * 5000
    assert compiled_block_tokens(deep) is None
    assert same_blocks_as_markdown_it_py(shallow)


def test_nesting_just_short_of_the_limit_is_read_by_the_compiled_parser() -> None:
    body = "- " * (MAX_MARKDOWN_NESTING // 2 - 2) + "x\n"
    assert same_blocks_as_markdown_it_py(body)


def test_a_body_nested_past_the_limit_warns_as_with_markdown_it_py() -> None:
    body = "# T\n\n- a\n" + "- " * (MAX_MARKDOWN_NESTING + 5) + "deep\n\nafter\n"
    facts = scan_body(body)
    assert facts.warning is not None and "nest more than" in facts.warning
    same_loader_facts_as_markdown_it_py(body)


def test_a_panic_in_the_compiled_block_parser_leaves_the_body_to_markdown_it_py(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class PanicException(BaseException):  # what markdown-it-pyrs raises for a Rust panic
        pass

    class Panicking:
        def tree(self, _markdown: str) -> None:
            raise PanicException("index out of bounds")

    monkeypatch.setattr(markdown_module, "_compiled_block_parser", Panicking)
    body = "# Title\n\n- one\n- two\n"
    assert compiled_block_tokens(body) is None
    clear_parse_caches()
    assert scan_body(body).initiatives == ("one", "two")


def test_a_long_run_of_reference_definitions_is_left_to_markdown_it_py() -> None:
    """markdown-it-pyrs reads a run of `[a]: b` lines in time quadratic in its length
    (10,000: 7 s); past _MAX_COMPILED_DEFINITIONS the body is markdown-it-py's (linear),
    which reads it the same."""
    limit = markdown_module._MAX_COMPILED_DEFINITIONS
    under = "- item\n\n" + "".join(f"[{n}]: https://e/{n}\n" for n in range(limit))
    over = under + f"[{limit}]: https://e/{limit}\n"
    assert same_blocks_as_markdown_it_py(under)
    if compiled_block_tokens(over) is not None:  # (not shown: their repr is huge)
        pytest.fail("the compiled parser read a run of definitions past the limit")
    same_loader_facts_as_markdown_it_py(over + "\n- last\n")


@pytest.mark.parametrize("opener", ["- ", "> ", "1. "])
def test_a_body_nested_thousands_deep_never_reaches_the_compiled_parser(opener: str) -> None:
    """markdown-it-pyrs builds and drops its tree recursively: 50,000 levels overflowed the
    stack and the process died. Run in a process of its own, so that it cannot take the
    tests with it. (The line's marks pass MAX_MARKDOWN_MARKS: lifted, for the nesting to be
    what stops it.)"""
    code = (
        "import reader.markdown\n"
        "from reader.loading.body import scan_body\n"
        "from reader.markdown import compiled_block_tokens\n"
        "reader.markdown.MAX_MARKDOWN_MARKS = 10**9\n"
        f"body = {opener!r} * 50_000 + 'x\\n'\n"
        "assert compiled_block_tokens(body) is None\n"
        "print(scan_body(body).warning)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "nest more than" in result.stdout


# MDX: compiled_mdx_block_tokens, and the compiled inline parse of MDX paragraphs.


def test_the_mdx_sample_is_read_into_markdown_it_pys_blocks() -> None:
    path = samples_dir() / "sites" / "docs" / "docs" / "reporting-api.mdx"
    body = load_article(path, samples_dir()).body  # type: ignore[union-attr]
    assert same_blocks_as_markdown_it_py(body, mdx=True)
    same_loader_facts_as_markdown_it_py(body, mdx=True)


# MDX's lines the compiled parser reads, with stand-ins for them
# (reader.markdown._mdx_stand_in_lines): the same tokens as markdown-it-py's MDX rules'.
MDX_STOOD_IN = {
    "imports and an export": "import A from 'a';\nimport B from 'b';\nexport const x = 1;\n\n# T\n",
    "an import over lines": "import {\n  A,\n  B,\n} from './ab';\n\npara\n",
    "an export with a blank line in it": "export const x = {\n\n  a: 1,\n};\n",
    "an import after a comment line": "{/* c */}\nimport A from 'a';\n\nx\n",
    "an import indented": "  import A from 'a';\n\n- b\n",
    "an import after a list, a blank line between": "- a\n\nimport A from 'a';\n",
    "an import after a fenced code block": "```\nx\n```\nimport A from 'a';\n",
    "an import line in a container (text)": ":::note\nimport A from 'a';\n:::\n",
    "import as a word": "important\nimport\n\nimported text\n",
    "a comment line ending a paragraph": "a\n{/* c */}\nb\n",
    "a comment line in a list item": "- a\n\n  {/* c */}\n- b\n",
    "a comment inside a paragraph's line": "a {/* c */} b\n",
    "tabs, their markdown set off by blank lines": (
        '<Tabs>\n  <TabItem value="a" label="A">\n\n  Some *text*.\n\n  </TabItem>\n</Tabs>\n'
    ),
    "components ending a paragraph and a list": "a\n<Foo />\n- b\n<Bar />\n",
    "a component in a list item": "- a\n\n  <Foo />\n- b\n",
    "a component with its text on its line": '<Callout type="info">Rate limits.</Callout>\n',
    "a component ending a table": "| a | b |\n|---|---|\n| c | d |\n<Foo />\n",
    "a component over a setext underline's like": "<Foo>\n---\n",
    "an HTML tag's line (a component to MDX)": "<div>\n*x*\n</div>\n\n<pre>\n\ny\n",
    "an autolink alone on its line (a component to MDX)": "<https://x.example>\n",
    "a component last, no newline": "<Foo />",
    "a fragment": "<>\n  x\n</>\n",
    "`:::` container": ":::note\nx\n:::\n",
    "`:::` container with a title and a list": ":::tip[Check it]\n- a\n- b\n:::\n",
    "`:::` container with a spaced title": "::: warning Mind the gap\nx\n:::\n",
    "`:::` containers nested": "::::info\n:::note\nx\n:::\n::::\n",
    "`:::` container unclosed": ":::warning\n- a\n",
    "`:::` container unclosed, a list item's fence unclosed": ":::tip\n- a\n\n- ```\n",
    "`:::` container closed indented": ":::note\nx\n   :::\n",
    "`:::` container, a longer closing line": ":::note\nx\n:::::  \n",
    "`:::` container ending a paragraph": "a\n:::note\nb\n:::\nc\n",
    "`:::` container holding a component and a comment": ":::note\n<Foo />\n{/* c */}\nx\n:::\n",
    "`:::` container closing its component's lines": ":::note\n<Foo>\n:::\nx\n",
    "`:::` container, empty": ":::note\n:::\n",
    "fenced code block holding JSX and imports": "```jsx\nimport A from 'a';\n<Button />\n```\n",
    "fenced code block holding JSX, indented in tabs": (
        "<Tabs>\n\n  ```jsx\n  <Button />\n   <A>\n <B>\n  ```\n\n</Tabs>\n"
    ),
    "fenced code block holding JSX in a list item": "- a\n\n  ```jsx\n  <Button />\n  ```\n- b\n",
    "fenced code block holding JSX after a paragraph": "a\n~~~\n<Foo />\n~~~\n",
    "fenced code block holding JSX in a container": ":::note\n```\n<Foo />\n```\n:::\n",
    "no MDX line": "# T\n\n- a *b*\n- c\n",
    "expressions": "Since {version}.\n\n{props.x}\n\n- {a}\n",
}


@pytest.mark.parametrize("markdown", MDX_STOOD_IN.values(), ids=MDX_STOOD_IN.keys())
def test_mdx_lines_are_read_by_the_compiled_parser(markdown: str) -> None:
    assert same_blocks_as_markdown_it_py(markdown, mdx=True)
    same_loader_facts_as_markdown_it_py(markdown, mdx=True)


# MDX's lines the compiled parser does not read with stand-ins: markdown-it-py reads the page.
MDX_LEFT = {
    "an import line going on a paragraph": "a\nimport A from 'a';\n",
    "an import line after a heading's": "# T\nimport A from 'a';\n",
    "an import in a list item": "- a\n\n  import A from 'a';\n",
    "a component in a quote": "> <Foo />\n",
    "a component on a list item's first line": "- <Foo />\n",
    "a component indented 4 spaces": "a\n    <Foo />\n",
    "a component indented with a tab": "\t<Foo />\n",
    "a comment on a list item's first line": "- {/* c */}\n",
    "a component's line with a `|` over a delimiter row": "<Foo a='|' />\n|---|---|\n",
    "an import's line with a `|` over a delimiter row": "import {a|b} from 'c';\n|---|---|\n",
    "`:::` line not a container (markdown leaves any `:::`)": ":::\n",
    "a container opened indented": "  :::note\n  x\n  :::\n",
    "a container in a list item": "- :::note\n  x\n  :::\n",
    "a container closed inside its code block": ":::note\n```\n:::\n```\n",
    "an unclosed fenced code block holding JSX": "```jsx\n<Button />\n",
    "a fenced code block holding JSX in a quote": "> ```jsx\n> <Button />\n> ```\n",
    "a fenced code block holding JSX, a tab in it": "  ```\n\t<Foo />\n  ```\n",
    "a fenced code block holding JSX, closed past a list item": "- ```\n  <Foo />\n     ```\n",
    "a fenced code block in a list item, closed 5 spaces in (before its JSX)": (
        "- a\n\n  ```\n  x\n     ```\n  <Foo.Bar />\n  ```\n"
    ),
    "a container's closing line's like indented 4 spaces (a code block)": (
        ":::note\n    :::\n:::tip\n"
    ),
    "a component in an HTML comment": "<!--\n\n<Foo />\n-->\n",
    "an import in an HTML comment": "<!--\n\nimport A from 'a';\n-->\n",
    "a fenced code block in an HTML comment": "<!-- c\n```\n<Foo />\n```\n",
    "template tags beside MDX": "{{< note >}}\nx\n{{< /note >}}\n\n<Foo />\n",
    "a carriage return": "<Foo />\r\nx\r\n",
    "a footnote definition (its first line a component to MDX)": "[^1]: <b>x</b>\n",
    "the stand-in's word": "<Foo />\n\n###### " + markdown_module._STAND_IN + "\n",
    "`:::` container unclosed, a list item's fence last, no final newline": ":::tip\n- ```\n  x",
}


@pytest.mark.parametrize("markdown", MDX_LEFT.values(), ids=MDX_LEFT.keys())
def test_mdx_lines_not_stood_in_are_left_to_markdown_it_py(markdown: str) -> None:
    assert compiled_mdx_block_tokens(markdown) is None
    same_loader_facts_as_markdown_it_py(markdown, mdx=True)


MDX_LINE_PIECES = [
    *LINE_PIECES, "import A from 'a';", "export const x = 1;", "import", "export {a}",
    "import{a}", "{/* c */}", "{/*", "*/}", "<Tabs>", "</Tabs>", '<TabItem value="a">',
    "</TabItem>", "<Foo />", "<Foo>text</Foo>", "{props.x}", "<>", "</>", ":::note",
    ":::tip[T]", ":::", "::::", "::::info", "```jsx", "<x.y>", "<kbd>K</kbd>", "<a:b>",
]  # fmt: skip
mdx_body_lines = st.tuples(
    st.sampled_from(LINE_STARTS),
    st.lists(st.sampled_from(MDX_LINE_PIECES), max_size=4).map(" ".join),
    st.sampled_from(["", " ", "  ", "\t"]),
).map("".join)
generated_mdx_bodies = st.lists(st.one_of(mdx_body_lines, st.just("")), max_size=14).map("\n".join)


def container_rule_crashes(body: str) -> bool:
    """Whether markdown-it-py's `:::` container rule (mdit_py_plugins 0.4) raises reading
    `body`: it looks for its closing line past the text's end when the last line is an
    empty quote line without a newline (`> :::note` then `> `), with or without MDX, on
    main too. (Not this harness's to mend: such bodies are left out of the generated ones.)"""
    try:
        reference_blocks(body, mdx=True)
    except IndexError:
        return True
    return False


def test_the_container_rules_crash_is_known() -> None:
    assert container_rule_crashes("> :::note\n> ")


@settings(max_examples=800, deadline=None)
@given(generated_mdx_bodies)
@example("import A from 'a';\n\n<Foo />\n:::note\n- a\n:::\n")
@example("```\n<Foo />\n```\n\n  :::note\n")
def test_generated_mdx_bodies_are_read_into_markdown_it_pys_blocks(body: str) -> None:
    assume(not container_rule_crashes(body))
    same_blocks_as_markdown_it_py(body, mdx=True)
    same_loader_facts_as_markdown_it_py(body, mdx=True)


MDX_BLOCKS = [
    *BLOCKS, *MDX_STOOD_IN.values(), *MDX_LEFT.values(), "import A from 'a';",
    "export const x = 1;", "{/* c */}", "<Foo />", "<Tabs>\n  <TabItem>", "</TabItem>\n</Tabs>",
    ":::note", ":::", "::::tip", "::::", "```jsx\n<Button />\n```", "<Foo>\n\n*x*\n\n</Foo>",
    "~~~~\n```\n<Foo>\n```\n~~~~", "```js\n<Foo>\n~~~", "   ```\n<Foo>\n     ```\n   ```",
    ":::note\n:::tip\nx\n:::\n:::", "::::note\n:::\n::::", ":::note{.c}\nx\n:::x\n:::",
    "[r]:\n<Foo />", "Title\n<Foo />\n===", "export function A({b}) {\n  return <i>{b}</i>;\n}",
]  # fmt: skip
structured_mdx_bodies = st.lists(
    st.builds(nested, st.sampled_from(BLOCK_STARTS), st.sampled_from(MDX_BLOCKS)).flatmap(
        lambda block: st.sampled_from([block + "\n", block + "\n\n"])
    ),
    max_size=8,
).map("".join)


@settings(max_examples=600, deadline=None)
@given(structured_mdx_bodies)
def test_generated_mdx_pages_are_read_into_markdown_it_pys_blocks(body: str) -> None:
    assume(not container_rule_crashes(body))
    same_blocks_as_markdown_it_py(body, mdx=True)
    same_loader_facts_as_markdown_it_py(body, mdx=True)


def test_mdx_pages_of_the_bench_are_read_as_with_markdown_it_py_alone(tmp_path: Path) -> None:
    """bench/generate_markdown.py --mdx: Docusaurus and Astro pages, every one taken."""
    generate_markdown = bench_module("generate_markdown")
    generate_markdown.generate(tmp_path, 40, mdx=True)
    files = sorted(tmp_path.rglob("*.mdx"))
    assert len(files) == 40
    for path in files:
        article = load_article(path, tmp_path)
        assert isinstance(article, Article)
        assert same_blocks_as_markdown_it_py(article.body, mdx=True), path
        with markdown_it_py_only():
            reference = load_article(path, tmp_path)
        assert article == reference, path
        with markdown_it_py_only():
            expected = searched(reference)  # type: ignore[arg-type]
        assert searched(article) == expected, path


MDX_INLINE_PIECES = [*INLINE_PIECES, "{/* c */}", "{/*", "*/}", "{x}", "{", "}", "<Foo />", "<b>"]
mdx_inline_texts = st.lists(st.sampled_from(MDX_INLINE_PIECES), max_size=24).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(mdx_inline_texts, min_size=4, max_size=10))
@example(["a {/* c */} *b*", "c `d`", "e [f](u)", "**g**"])
def test_mdx_paragraphs_read_by_the_compiled_parser_read_as_markdown_it_py_reads_them(
    lines: list[str],
) -> None:
    parsed = markdown_parser(mdx=True).parse("\n\n".join(lines))
    texts = [token.content for token in parsed if token.type == "inline"]
    # As the loader gives them (reader.loading.body): none holding an MDX comment.
    compiled = compiled_inline_texts(["" if "{/*" in text else text for text in texts])
    for text, plain in zip(texts, compiled, strict=True):
        reference = strip_control(inline_text(parse_inline(text, mdx=True)))
        if plain is not None:
            assert one_line(strip_control(plain)) == one_line(reference), text
        single = None if "{/*" in text else compiled_inline_text(text)
        if single is not None:
            assert single == inline_text(parse_inline(text, mdx=True)), text
    body = "# T\n\n" + "".join(f"- {line}\n" for line in lines if "\n" not in line)
    same_loader_facts_as_markdown_it_py(body, mdx=True)


_LINE_START_PIECES = [" ", "\t", ">", "> ", "-", "- ", "*", "+ ", "1.", "2) ", ":", ": ", "~ "]
_LINE_PIECES = [*_LINE_START_PIECES, "a", ".", ")", "#", "`", "|", "[", "\n", "\n\n", "x y"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=40).map("".join))
@example("a\n> b\nc\n> > d\n>\te\n: f\n- \n.>>\n)> >")
def test_the_differing_lines_lookahead_passes_over_no_line_they_start(text: str) -> None:
    # The lookahead before _DIFFERING_LINE's alternatives only saves trying them.
    pattern = markdown_module._DIFFERING_LINE.pattern
    lookahead = re.match(r"\\n(\(\?=\[[^]]*\]\))", pattern)
    assert lookahead is not None
    general = re.compile(pattern.replace(lookahead.group(1), "", 1), re.MULTILINE)
    lines = "\n" + text
    starts = []
    found = general.search(lines)
    while found is not None:
        starts.append(found.start())
        found = general.search(lines, found.start() + 1)
    assert markdown_module._differing_lines(lines) == starts


_TABLE_LINE_PIECES = [
    *_LINE_PIECES,
    "|",
    "| ",
    "-",
    "---",
    ":--",
    "--:",
    "1. ",
    "2. ",
    "01) ",
    "3)",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_TABLE_LINE_PIECES), max_size=40).map("".join))
@example("a | b\n--- | ---\nc\n2. d\n\n| e |\n|---|\n> f\n> 3) g\n- h\n4. i\n1. j\n")
def test_table_guards_find_the_lines_their_patterns_find_line_by_line(markdown: str) -> None:
    # The guards look after a newline rather than at every line's start (`^`), and for the
    # item before its line of text: the lines the patterns find over the whole text.
    text_then_ordered = re.compile(
        r"\n[ \t>]*(?![-*+][ \t]|\d{1,9}[.)])[^ \t\n>][^\n]*\n[ \t>]*(?!0*1[.)])\d{1,9}[.)]"
    )
    assert list(markdown_module._texts_before_ordered_items(markdown)) == [
        found.start() for found in text_then_ordered.finditer("\n" + markdown)
    ]
    after_newline = markdown_module._DELIMITER_ROW_AFTER_NEWLINE.finditer("\n" + markdown)
    assert [(row.start(), row.group()[1:]) for row in after_newline] == [
        (row.start(), row.group()) for row in markdown_module._DELIMITER_ROW.finditer(markdown)
    ]
