"""An article's body and initiatives are kept compressed in the index, and come
back exactly as they went in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reader.index import ArticleIndex
from reader.index.rows import pack_content, prepare, text_document, unpack_content
from reader.loading import parse_article
from reader.model import published_sort_key
from tests.index.conftest import write

# Any text: digits, spaces and newlines first (the lengths' line), lone surrogates (a
# name or value that was not UTF-8), NUL.
texts = st.text(st.characters(codec=None, categories=None))


@given(texts, texts)
@example("12\n\udcff body\x00", "[]")
def test_content_comes_back_as_it_was_packed(body: str, initiatives: str) -> None:
    assert unpack_content(pack_content(body, initiatives)) == (body, initiatives)


def test_the_index_keeps_a_body_in_fewer_bytes_than_its_text(root: Path) -> None:
    paragraph = "Officers patrolled the Kent coast with drones after a burglary. "
    body = "\n\n".join(f"{paragraph * 6} Report {number}." for number in range(400))
    write(root, "long.md", "Long", body=body, area="Kent")
    index = ArticleIndex.open(root)
    index.sync(workers=1)
    assert index.path is not None
    with sqlite3.connect(index.path) as connection:
        (stored,) = connection.execute("SELECT sum(length(content)) FROM article_text").fetchone()
    assert stored * 5 < len(body.encode())
    article = index.article("long.md")
    assert article is not None
    assert article.body.strip() == body.strip()
    assert article.metadata["area"] == "Kent"
    index.close()


@pytest.mark.parametrize(
    "date", [None, "2020-03-04", "2020-03-04T23:30:00+05:00", "2020-03-04T23:30:00-05:00"]
)
def test_the_full_text_document_has_the_article_s_date(date: str | None) -> None:
    header = "title: T\n" + (f"date: {date}\n" if date else "")
    article = parse_article(f"---\n{header}---\nBody.\n", path=Path("a.md"), article_id="a.md")
    fields = text_document(3, prepare(article)).to_dict()
    assert fields["rowid"] == [3]
    assert fields["published"] == [published_sort_key(article.published)]
    published = article.published
    assert fields.get("day") == (None if published is None else [published.date().toordinal()])
