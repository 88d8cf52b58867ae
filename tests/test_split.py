"""split_metadata: which block opens a file, where it ends, and what is left as body."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.loading.split import split_metadata


@pytest.mark.parametrize(
    ("text", "fmt", "block", "body"),
    [
        ("```yaml\ntitle: A\n```\n\nBody.", "fenced-yaml", "title: A", "Body."),
        ("```yml\ntitle: A\n```\nBody.", "fenced-yaml", "title: A", "Body."),
        ("```YAML  \ntitle: A\n```\nBody.", "fenced-yaml", "title: A", "Body."),
        ("~~~yaml\ntitle: A\n~~~\nBody.", "fenced-yaml", "title: A", "Body."),
        (
            "````yaml\na: |\n  ```\n  x\n  ```\n````\nBody.",
            "fenced-yaml",
            "a: |\n  ```\n  x\n  ```",
            "Body.",
        ),
        ("---\ntitle: A\n---\nBody.", "yaml", "title: A", "Body."),
        ("---\ntitle: A\n...\nBody.", "yaml", "title: A", "Body."),
        ("---  \ntitle: A\n---  \n\n\nBody.", "yaml", "title: A", "Body."),
        ("+++\ntitle = 'A'\n+++\nBody.", "toml", "title = 'A'", "Body."),
        ("---\n---\nBody.", "yaml", "", "Body."),
    ],
)
def test_each_metadata_format(text: str, fmt: str, block: str, body: str) -> None:
    split = split_metadata(text)
    assert (split.format, split.block, split.body) == (fmt, block, body)
    assert split.warning is None


def test_plain_markdown_has_no_block() -> None:
    split = split_metadata("# Heading\n\nText.\n")
    assert (split.format, split.block, split.body) == ("none", None, "# Heading\n\nText.\n")
    assert split.warning is None


def test_a_fence_of_another_language_is_body() -> None:
    text = "```python\nprint(1)\n```\n"
    split = split_metadata(text)
    assert (split.format, split.block, split.body) == ("none", None, text)


def test_a_fence_closes_only_with_its_own_character_and_length() -> None:
    split = split_metadata("````yaml\na: 1\n```\nb: 2\n~~~~\n````\nBody.")
    assert split.block == "a: 1\n```\nb: 2\n~~~~"
    assert split.body == "Body."


def test_leading_blank_lines_are_skipped_and_line_numbers_count_them() -> None:
    split = split_metadata("\n  \n\t\n---\ntitle: A\n---\nBody.")
    assert (split.format, split.block, split.body) == ("yaml", "title: A", "Body.")
    # The block's first line is file line 5: three blank lines and the `---`.
    assert split.block_line == 5


def test_block_line_without_leading_blank_lines() -> None:
    assert split_metadata("```yaml\ntitle: A\n```\n").block_line == 2


@pytest.mark.parametrize("opener", ["---", "+++", "```yaml", "~~~yml"])
def test_an_unclosed_block_is_shown_as_body_with_a_warning(opener: str) -> None:
    text = f"\n{opener}\ntitle: A\n\nBody."
    split = split_metadata(text)
    assert split.format == "none"
    assert split.block is None
    assert split.body == f"{opener}\ntitle: A\n\nBody."
    assert split.warning is not None
    assert "line 2" in split.warning
    assert "never closed" in split.warning


def test_yaml_front_matter_is_not_closed_by_toml_delimiter() -> None:
    split = split_metadata("---\ntitle: A\n+++\nBody.")
    assert split.format == "none"
    assert split.warning is not None


def test_a_delimiter_after_text_is_not_front_matter() -> None:
    text = "Intro.\n---\ntitle: A\n---\n"
    split = split_metadata(text)
    assert (split.format, split.block, split.body) == ("none", None, text)


@pytest.mark.parametrize("text", ["", "\n", "\n \n\t"])
def test_empty_text(text: str) -> None:
    split = split_metadata(text)
    assert (split.format, split.block, split.body, split.warning) == ("none", None, "", None)


_PIECES = st.sampled_from(
    [
        "```yaml",
        "```yml",
        "~~~yaml",
        "```",
        "~~~",
        "---",
        "...",
        "+++",
        "\n",
        "\n\n",
        " ",
        "\t",
        "title: x",
        "a = 1",
        ":",
        "&amp;",
        "\x1b",
        "#",
    ]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30).map("".join))
def test_split_metadata_never_raises_and_keeps_the_body_from_the_text(text: str) -> None:
    text = text.replace("\r", "\n")  # split_metadata takes normalised text
    split = split_metadata(text)
    assert split.format in ("fenced-yaml", "yaml", "toml", "none")
    assert (split.block is None) == (split.format == "none")
    # Nothing is invented: the body is a tail of the text, the block a slice of it.
    assert text.endswith(split.body)
    if split.block is not None:
        assert split.block in text
