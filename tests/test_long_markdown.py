"""Long real documents (changelogs, API references: up to a few MB) are read as markdown
whole, by the loader and by the article panel; a body past the markdown limit
(reader.limits.MAX_MARKDOWN_MARKS, _CHARS) is still cut, with a warning. What the cut
bounds (CPU, memory) is held by tests/hostile/test_bombs.py."""

from __future__ import annotations

from pathlib import Path

from reader.limits import MAX_MARKDOWN_MARKS
from reader.loading import parse_article
from reader.markdown import block_marks, split_markdown
from reader.model import Article
from reader.tui.document import layout
from reader.tui.markdown_render import render_markdown

AREAS = ("fs", "http", "stream", "crypto", "test_runner", "doc", "build", "deps")


def release_notes(lines: int = 15_000) -> tuple[str, list[str]]:
    """Release notes of about `lines` lines, as Node's changelogs are written (a heading a
    release, its commits as bullets), and the plain text of each bullet."""
    out = ["---", "title: Changelog", "---", ""]
    items: list[str] = []
    release = 0
    while len(out) < lines:
        release += 1
        out += [f"## 2024-03-{release % 28 + 1:02}, Version 20.{release}.0", "", "### Commits", ""]
        for number in range(40):
            area = AREAS[number % len(AREAS)]
            words = f"fix the {area} case {release}.{number} (#{release * 100 + number})"
            out.append(f"* **{area}**: {words}")
            items.append(f"{area}: {words}")
        out.append("")
    return "\n".join(out) + "\n", items


def load(text: str) -> Article:
    article = parse_article(text, path=Path("CHANGELOG.md"), article_id="CHANGELOG.md")
    assert isinstance(article, Article)
    return article


def test_long_release_notes_are_read_whole() -> None:
    text, items = release_notes()
    body = load(text).body
    # Past the limits of before (10,000 lines, 200,000 characters), within today's.
    assert body.count("\n") > 15_000 and len(body) > 600_000
    assert block_marks(body) < MAX_MARKDOWN_MARKS
    article = load(text)
    assert article.warnings == ()
    assert article.initiatives == tuple(items)  # the last release's too


def test_the_panel_formats_long_release_notes_to_their_last_section() -> None:
    text, items = release_notes()
    article = load(text)
    blocks, count = render_markdown(article.body, article.title)
    assert count == len(items)
    lines = [line.content.plain for line in layout(blocks, 100).lines]
    assert not any("plain text" in line for line in lines)
    last_heading = text.rsplit("\n## ", 1)[1].split("\n", 1)[0]
    assert last_heading in lines  # a heading, without its `##`
    assert lines[-1].endswith(items[-1].split(": ", 1)[1])
    assert "**" not in lines[-1] and not lines[-1].lstrip().startswith("*")


def test_a_body_past_the_limit_is_cut_with_a_warning() -> None:
    """One-word bullets, two marks a line (its end and `* `): the first
    MAX_MARKDOWN_MARKS / 2 are markdown, the rest plain text."""
    lines = MAX_MARKDOWN_MARKS // 2 + 100
    article = load("---\ntitle: Bullets\n---\n\n" + "* item\n" * lines)
    assert len(article.initiatives) == MAX_MARKDOWN_MARKS // 2
    (warning,) = article.warnings
    assert "longer than the reader formats" in warning
    assert f"from body line {MAX_MARKDOWN_MARKS // 2 + 1:,}" in warning
    blocks, count = render_markdown(article.body, article.title)
    assert count == len(article.initiatives)
    assert any("From here on the article is shown as plain text" in b.text.plain for b in blocks)


def test_the_limit_cuts_at_the_line_that_passes_it() -> None:
    line = "> - > - x\n"  # 2 + 1 + 2 + 1 + 1 marks: quotes weigh 2
    per_line = block_marks(line)
    assert per_line == 7
    body = line * (MAX_MARKDOWN_MARKS // per_line + 10)
    markdown, plain = split_markdown(body)
    assert markdown == line * (MAX_MARKDOWN_MARKS // per_line)
    assert markdown + plain == body


def test_a_tables_cells_count_whether_its_rows_write_them_or_not() -> None:
    """A row with fewer cells than the header is filled up: 256 columns over 256 lines of
    `a` are 65,536 cells (markdown-it-pyrs fills them all), counted a quarter mark each."""
    table = "|" + "a|" * 256 + "\n|" + "-|" * 256 + "\n" + "a\n" * 256 + "\n"
    assert block_marks(table) >= 256 * 256 // 4
    markdown, plain = split_markdown("Tables.\n\n" + table * 20)
    assert markdown.count("\n|-") < 4 and plain.startswith("|")
    ordinary = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n"
    assert block_marks(ordinary) < 30
