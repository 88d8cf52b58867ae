"""The line scanner must agree with markdown-it whenever it answers at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reader.markdown
from reader.limits import MAX_MARKDOWN_MARKS
from reader.loading.body import _markdown_scan, markdown_initiatives, scan_body
from reader.loading.fastbody import fast_initiatives

SEED = Path(__file__).resolve().parents[1] / "sample_articles" / "000_98cd3e962c103980.txt"

LINES = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "Plain paragraph text.",
            "  indented text",
            "    four spaces",
            "\tTab",
            "# Heading",
            "## Sub heading #",
            "#NoSpace tag",
            "> quote",
            "```",
            "~~~",
            "---",
            "***",
            "* * *",
            "===",
            "-",
            "1. ordered",
            "2) ordered",
            "| a | b |",
            "[ref]: https://example.com",
            "<div>",
            "Text with *emphasis* and `code` and [link](https://x.example) &amp; \\*",
            "trailing spaces  ",
            "trailing backslash\\",
            "{% assign x = 1 %}",
            "{{< note >}}",
            "{{< /note >}}",
            ":::tip",
            ":::",
            "!!! note",
            ": definition",
            "[^1]: a footnote",
            "{: .lead}",
            "Text with <b>html</b> and {{ page.title }} and [a]({% link a.md %})",
        ]
    ),
    st.builds(
        lambda indent, marker, gap, text: " " * indent + marker + " " * gap + text,
        st.integers(0, 5),
        st.sampled_from("*-+"),
        st.integers(0, 5),
        st.sampled_from(
            [
                "item text",
                "item with **bold** and _em_",
                "- nested",
                "1. nested",
                "# heading",
                "> quote",
                "[ref]: /x",
                "`code`",
                "",
                "café naïve",
                "[ ] task",
                "[x] done",
                "[A table of contents' entry](#anchor)",
                "[An entry](#anchor) and text",
                "[Another page](page.md)",
                "{% include x.html %}",
                'text {{< ref "a.md" >}} <br>',
                '<img alt="a">',
            ]
        ),
    ),
    st.text(alphabet=" *-+#>`~=_|[]:1.)\\abc", max_size=12),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(LINES, max_size=14))
@example(["- -"])  # a bare marker after the item's: an empty nested list, no text
@example(["* +", "- *"])
def test_fast_scanner_agrees_with_markdown_it(lines: list[str]) -> None:
    body = "\n".join(lines)
    fast = fast_initiatives(body)
    if fast is not None:
        assert scan_body(body, need_heading=False).initiatives == markdown_initiatives(body)


def test_fast_scanner_handles_the_seed() -> None:
    body = SEED.read_text("utf-8").split("```\n", 1)[1]
    fast = fast_initiatives(body)
    assert fast is not None and len(fast) == 9
    assert scan_body(body, need_heading=False).initiatives == markdown_initiatives(body)


def test_fast_scanner_declines_what_it_does_not_follow() -> None:
    for body in (
        "* a\n  * nested",
        "```\n* in code\n```",
        "> * quoted",
        "1. one\n* a",
        "* a\n\n  more",
        "* ---",  # a rule inside the item, no paragraph
        "* {% assign x = 1 %}",
        "{{< note >}}\n* in a note\n{{< /note >}}",
        ":::tip\n* in a callout\n:::",
    ):
        assert fast_initiatives(body) is None, body


@settings(max_examples=20, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=14), st.booleans())
def test_past_the_markdown_limits_the_fast_scanner_reads_what_markdown_it_reads(
    lines: list[str], by_lines: bool
) -> None:
    """A body over MAX_MARKDOWN_MARKS or _CHARS: both read its markdown part alone."""
    if by_lines:  # each line at least one mark (its end)
        body = "\n".join(lines * (MAX_MARKDOWN_MARKS // len(lines) + 1))
    else:
        body = "\n".join([*lines, "w " * 100_001, *lines])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader.markdown, "_COUNTED_FROM_CHARS", 0)  # blank lines: 50 KB
        if not by_lines:  # (not 4 MB of text for each example)
            patch.setattr(reader.markdown, "MAX_MARKDOWN_CHARS", 200_000)
        fast = scan_body(body, need_heading=False)
        slow = _markdown_scan(body)
    assert fast.warning is not None
    assert (fast.initiatives, fast.warning) == (slow.initiatives, slow.warning)
