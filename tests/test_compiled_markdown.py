"""The compiled inline parser (markdown-it-pyrs) on the loader's path gives what
markdown-it-py gives: the same plain text for each paragraph it takes, and the same
initiatives, first heading and searched text for whole articles, on every sample
article, on generated markdown and on the real-shaped bench corpus."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reader.markdown as markdown_module
from reader.index.rows import prepare
from reader.loading import load_article
from reader.loading.body import scan_body
from reader.markdown import compiled_inline_texts, inline_text, markdown_parser, parse_inline
from reader.model import Article
from reader.resources import samples_dir
from reader.text.sanitize import one_line, strip_control

BENCH = Path(__file__).resolve().parents[1] / "bench"


@contextmanager
def markdown_it_py_only() -> Iterator[None]:
    """The reference: every paragraph parsed by markdown-it-py."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_module, "compiled_inline_texts", lambda texts: [None] * len(texts))
        yield


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
]  # fmt: skip
inline_texts = st.lists(st.sampled_from(INLINE_PIECES), max_size=24).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(inline_texts, min_size=1, max_size=6))
@example(["**~~~~*~~"])  # strikethrough runs beside emphasis: paired differently (CI)
@example(["![*_**](http://x.example/a_b)"])  # unpaired emphasis in an image's alt text
def test_generated_paragraphs_read_as_markdown_it_py_reads_them(lines: list[str]) -> None:
    same_text_as_markdown_it_py(paragraphs("\n\n".join(lines)))


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


def searched(article: Article) -> object:
    """Everything the index keeps of an article: its rows and its full-text texts."""
    prepared = prepare(article)
    return prepared.summary_row, prepared.text_row, prepared.texts


@pytest.mark.parametrize("corpus", ["samples", "real-shaped"])
def test_articles_are_indexed_as_with_markdown_it_py_alone(corpus: str, tmp_path: Path) -> None:
    if corpus == "samples":
        root, files = samples_dir(), sample_files()
    else:
        sys.path.insert(0, str(BENCH))
        try:
            import generate_markdown
        finally:
            sys.path.remove(str(BENCH))
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


def test_text_the_compiled_parser_panics_on_is_left_to_markdown_it_py() -> None:
    """markdown-it.rs 0.6 panics on a link label holding an unclosed backtick run."""
    texts = ["x [`y", "[a `b", "*\\`word [**`", "[``a`", "fine *text* [`a`](u)"]
    compiled = compiled_inline_texts(texts)
    assert compiled[:4] == [None] * 4
    assert compiled[4] == "fine text a"
