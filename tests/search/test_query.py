"""The query parser: every construct, and every error with what, where and a hint."""

from __future__ import annotations

from datetime import date

import pytest

from reader.search import query as query_module
from reader.search.query import (
    MATCH_ALL,
    And,
    DateFilter,
    Field,
    Flag,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    field_term,
    format_query,
    is_ranked,
    parse_query,
    positive_leaves,
)

KEYS = frozenset({"og", "og.locale", "og.type", "publish", "publish.date", "tags"})


def parse(text: str, **options: object) -> Node:
    return parse_query(text, metadata_keys=KEYS, **options)  # type: ignore[arg-type]


def error(text: str, **options: object) -> QueryError:
    with pytest.raises(QueryError) as raised:
        parse(text, **options)
    return raised.value


# -- constructs ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\t \n"])
def test_blank_query_matches_everything(text: str) -> None:
    assert parse(text) == MATCH_ALL


def test_words_are_folded_and_anded() -> None:
    assert parse("Police CAFÉ Straße") == And((Term("police"), Term("cafe"), Term("strasse")))


def test_word_with_several_tokens_is_a_phrase() -> None:
    assert parse("co-op") == Phrase(("co", "op"))
    assert parse("don't") == Phrase(("don", "t"))
    assert parse("x_y") == Phrase(("x", "y"))


def test_quoted_phrase() -> None:
    assert parse('"Chief  Constable"') == Phrase(("chief", "constable"))
    assert parse('"police"') == Term("police")  # one token: a word


def test_words_without_letters_or_digits_are_ignored() -> None:
    assert parse("fish & chips") == And((Term("fish"), Term("chips")))
    assert parse("&") == MATCH_ALL
    assert parse('""') == MATCH_ALL
    assert parse("well - known") == And((Term("well"), Term("known")))
    assert parse("-&") == MATCH_ALL
    assert parse("(& —) police") == Term("police")
    assert parse("police OR &") == Term("police")


def test_negation_forms() -> None:
    assert parse("-burglary") == Not(Term("burglary"))
    assert parse("-title:drones") == Not(Field("title", Term("drones")))
    assert parse('-"cold calling"') == Not(Phrase(("cold", "calling")))
    assert parse("-(a OR b)") == Not(Or((Term("a"), Term("b"))))
    assert parse("--a") == Not(Not(Term("a")))
    assert parse("police -after:2020") == And(
        (Term("police"), Not(DateFilter("after", date(2020, 1, 1), date(2020, 12, 31))))
    )


def test_dash_inside_a_word_is_not_negation() -> None:
    assert parse("e-mail") == Phrase(("e", "mail"))


def test_or_and_precedence() -> None:
    a, b, c, d = (Term(x) for x in "abcd")
    assert parse("a OR b") == Or((a, b))
    assert parse("a b OR c d") == Or((And((a, b)), And((c, d))))
    assert parse("a OR b c") == Or((a, And((b, c))))
    assert parse("-a OR b") == Or((Not(a), b))
    assert parse("a OR b OR c") == Or((a, b, c))


def test_lower_case_or_and_negated_or_are_words() -> None:
    assert parse("a or b") == And((Term("a"), Term("or"), Term("b")))
    assert parse("-OR") == Not(Term("or"))
    assert parse('"OR"') == Term("or")


def test_parentheses_group() -> None:
    a, b, c = Term("a"), Term("b"), Term("c")
    assert parse("(a OR b) c") == And((Or((a, b)), c))
    assert parse("((a))") == a
    assert parse("a (b c)") == And((a, b, c))  # nested ANDs flatten
    assert parse("a OR (b OR c)") == Or((a, b, c))
    assert parse("police(kent)") == And((Term("police"), Term("kent")))


@pytest.mark.parametrize("name", ["title", "body", "area", "url", "initiative"])
def test_built_in_fields(name: str) -> None:
    assert parse(f"{name}:Drones") == Field(name, Term("drones"))
    assert parse(f"{name.upper()}:drones") == Field(name, Term("drones"))


def test_field_with_phrase_value() -> None:
    assert parse('title:"knife crime"') == Field("title", Phrase(("knife", "crime")))
    assert parse("initiative:co-op") == Field("initiative", Phrase(("co", "op")))


def test_metadata_fields_by_dotted_path() -> None:
    assert parse("og.locale:en_GB") == Field("og.locale", Phrase(("en", "gb")))
    assert parse("OG.Type:website") == Field("og.type", Term("website"))
    assert parse("og:website") == Field("og", Term("website"))  # every og.* value
    assert parse("publish.date:2019") == Field("publish.date", Term("2019"))


def test_field_value_may_hold_colons() -> None:
    assert parse("url:https://kent.police.uk/news") == Field(
        "url", Phrase(("https", "kent", "police", "uk", "news"))
    )


def test_pasted_address_and_times_are_words_not_fields() -> None:
    assert parse("https://kent.police.uk") == Phrase(("https", "kent", "police", "uk"))
    assert parse("10:30") == Phrase(("10", "30"))
    assert parse(":police") == Term("police")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("after:2019-01-01", DateFilter("after", date(2019, 1, 1), date(2019, 1, 1))),
        ("before:2020", DateFilter("before", date(2020, 1, 1), date(2020, 12, 31))),
        ("date:2019-09", DateFilter("on", date(2019, 9, 1), date(2019, 9, 30))),
        ("date:2020-02", DateFilter("on", date(2020, 2, 1), date(2020, 2, 29))),
        ("date:2019-9-3", DateFilter("on", date(2019, 9, 3), date(2019, 9, 3))),
        ('after:"2019-12"', DateFilter("after", date(2019, 12, 1), date(2019, 12, 31))),
        ("AFTER:2019", DateFilter("after", date(2019, 1, 1), date(2019, 12, 31))),
    ],
)
def test_dates(text: str, expected: DateFilter) -> None:
    assert parse(text) == expected


def test_is_flags() -> None:
    assert parse("is:read") == Flag("read")
    assert parse("IS:Starred -is:unread") == And((Flag("starred"), Not(Flag("unread"))))
    assert parse("is:pinned", flags=("pinned",)) == Flag("pinned")


def test_prefix_last_makes_the_last_word_a_prefix() -> None:
    assert parse("police bur", prefix_last=True) == And((Term("police"), Term("bur", True)))
    assert parse("title:dro", prefix_last=True) == Field("title", Term("dro", True))
    assert parse("chief co-o", prefix_last=True) == And((Term("chief"), Phrase(("co", "o"), True)))


@pytest.mark.parametrize(
    "text", ["police bur ", '"police bur"', "police -bur", 'title:"dro"', "(a bur)", "a bur"]
)
def test_prefix_last_leaves_these_whole(text: str) -> None:
    # Trailing space, a quoted phrase, a negated word, a quoted field, a closed group; and
    # without the option nothing is a prefix.
    prefix_last = text != "a bur"
    assert not any(
        leaf.prefix if isinstance(leaf, Term | Phrase) else leaf.match.prefix
        for leaf in _all_leaves(parse(text, prefix_last=prefix_last))
    )


def _all_leaves(node: Node) -> list[Term | Phrase | Field]:
    if isinstance(node, Term | Phrase | Field):
        return [node]
    if isinstance(node, Not):
        return _all_leaves(node.node)
    if isinstance(node, And | Or):
        return [leaf for child in node.nodes for leaf in _all_leaves(child)]
    return []


def test_ranked_and_positive_leaves() -> None:
    node = parse('police -kent "chief constable" area:essex title:drones after:2019')
    assert list(positive_leaves(node)) == [
        Term("police"),
        Phrase(("chief", "constable")),
        Field("area", Term("essex")),
        Field("title", Term("drones")),
    ]
    assert is_ranked(node)
    assert not is_ranked(parse("area:essex -police after:2019 og.type:website"))


@pytest.mark.parametrize(
    "text",
    [
        "police",
        '"chief constable" -burglary',
        "a b OR c d",
        "(a OR b) -(c d) e",
        'title:"knife crime" og.locale:en_gb -url:kent',
        "after:2019 before:2020-06 date:2019-09-03 -date:2018",
        "is:read -is:starred",
        "--a",
    ],
)
def test_format_query_round_trips(text: str) -> None:
    node = parse(text)
    assert parse(format_query(node)) == node


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position"),
    [('"abc', 0), ('police "chief constable', 7), ('title:"abc', 6), ('a "b" "c', 6)],
)
def test_unclosed_quote(text: str, position: int) -> None:
    raised = error(text)
    assert raised.message == "unclosed quote"
    assert raised.position == position
    assert raised.hint is not None and "closing" in raised.hint


@pytest.mark.parametrize(("text", "position"), [("(a b", 0), ("((a) b", 0), ("a (b (c)", 2)])
def test_unclosed_parenthesis(text: str, position: int) -> None:
    raised = error(text)
    assert (raised.message, raised.position) == ("unclosed parenthesis", position)


@pytest.mark.parametrize(("text", "position"), [("a)", 1), (")", 0), ("(a) b) c", 5)])
def test_stray_closing_parenthesis(text: str, position: int) -> None:
    raised = error(text)
    assert (raised.message, raised.position) == ("unmatched )", position)


def test_empty_parentheses() -> None:
    assert error("police ()").position == 7


@pytest.mark.parametrize(
    ("text", "position", "side"),
    [
        ("OR a", 0, "before"),
        ("a OR", 2, "after"),
        ("a OR OR b", 2, "after"),
        ("(OR a)", 1, "before"),
        ("(a OR) b", 3, "after"),
        ("OR", 0, "before"),
    ],
)
def test_or_needs_both_sides(text: str, position: int, side: str) -> None:
    raised = error(text)
    assert raised.message == f"OR needs a search term {side} it"
    assert raised.position == position


@pytest.mark.parametrize(("text", "position"), [("title:", 6), ("police body: x", 12)])
def test_empty_field_value(text: str, position: int) -> None:
    raised = error(text)
    assert "needs something to search for" in raised.message
    assert raised.position == position


def test_field_before_a_group_explains_fields_take_one_value() -> None:
    raised = error("title:(a OR b)")
    assert raised.position == 6
    assert raised.hint == "a field takes one word or phrase: write (title:a OR title:b)"


def test_field_value_without_letters() -> None:
    raised = error("title:&&")
    assert raised.message == "nothing to search for in title:&&"
    assert raised.position == 6


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("after:", "after: needs a date", 6),
        ("police before:2019-13", "'2019-13' is not a date", 14),
        ("date:soon", "'soon' is not a date", 5),
        ("after:2019-02-30", "'2019-02-30' is not a date", 6),
        ("date:19", "'19' is not a date", 5),
        ("before:0000", "'0000' is not a date", 7),
        ('date:""', "date: needs a date", 5),
    ],
)
def test_bad_dates(text: str, message: str, position: int) -> None:
    raised = error(text)
    assert (raised.message, raised.position) == (message, position)
    assert raised.hint is not None and "2019-09-27" in raised.hint


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("titel:drones", "did you mean title:?"),
        ("police og.local:en", "did you mean og.locale:?"),
        ("initiatives:gang", "did you mean initiative:?"),
        ("afterr:2019", "did you mean after:?"),
    ],
)
def test_unknown_field_suggests_the_nearest(text: str, hint: str) -> None:
    raised = error(text)
    name = text.split()[-1].split(":")[0]
    assert raised.message == f"unknown field '{name}:'"
    assert raised.position == text.index(name)
    assert raised.hint == hint


def test_unknown_field_without_a_near_one_lists_fields() -> None:
    raised = error("zzzqqq:x")
    assert raised.hint is not None and "title:" in raised.hint and "after:" in raised.hint


def test_metadata_key_absent_from_the_folder_is_unknown() -> None:
    assert parse_query("og.locale:en", metadata_keys=KEYS) == Field("og.locale", Term("en"))
    with pytest.raises(QueryError, match=r"unknown field 'og\.locale:'"):
        parse_query("og.locale:en", metadata_keys=())


def test_bad_flags() -> None:
    assert error("is:reed").hint == "did you mean is:read?"
    assert error("is:").message == "is: needs a state"
    raised = error("is:read", flags=())
    assert raised.message == "is:read is not available here"


def test_very_deep_nesting_is_an_error_not_a_crash() -> None:
    assert "nested" in error("(" * 300 + "a" + ")" * 300).message  # within the length limit
    assert "nested" in error("-" * 500 + "a").message


def test_error_text_names_the_column() -> None:
    assert str(error("police )")) == "unmatched ) at column 8"
    assert error("police )").column == 8


def test_render_puts_a_caret_under_the_column() -> None:
    text = "police titel:x"
    assert error(text).render(text).splitlines() == [
        "unknown field 'titel:' at column 8",
        "  police titel:x",
        "         ^",
        "hint: did you mean title:?",
    ]


def test_render_counts_wide_characters_as_two_columns() -> None:
    text = "警察 (a"
    lines = error(text).render(text).splitlines()
    assert lines[2] == "  " + " " * 5 + "^"


def test_render_shows_control_characters_harmlessly() -> None:
    text = "a\x1b[2J )"
    rendered = error(text).render(text)
    assert "\x1b" not in rendered
    assert rendered.splitlines()[2].index("^") == rendered.splitlines()[1].index(")")


def test_field_term_quotes_any_value_safely() -> None:
    assert field_term("area", "Thames Valley") == 'area:"thames valley"'
    assert field_term("Area", 'Devon & "Cornwall" (South)') == 'area:"devon cornwall south"'
    assert field_term("area", "Kent") == "area:kent"
    assert field_term("area", "&") is None
    text = field_term("og.locale", "en_GB")
    assert text is not None and parse(text) == Field("og.locale", Phrase(("en", "gb")))


# -- bounds: a query is input too -----------------------------------------------------------


def words(count: int, joiner: str = " ") -> str:
    return joiner.join(f"w{number}x" for number in range(count))


def column_of_term(text: str, number: int) -> int:
    """The column where the `number`-th (1-based) `w…x` word starts."""
    return text.index(f"w{number - 1}x") + 1


@pytest.mark.parametrize(
    "text",
    [
        words(5000),  # a pasted page
        words(3000, " OR "),
        words(40, " -"),
        "(" + words(33, " OR ") + ")",
        " ".join(f"title:w{number}x" for number in range(33)),
    ],
    ids=["5000 words", "3000 ORs", "negated", "grouped", "fields"],
)
def test_more_than_32_terms_is_an_error_at_the_33rd(text: str) -> None:
    text = text[: query_module.MAX_CHARACTERS]
    found = error(text)
    assert found.message == "more than 32 search terms"
    fields = text.startswith("title:")
    assert found.column == column_of_term(text, 33) - (len("title:") if fields else 0)
    assert found.hint is not None and "at most 32" in found.hint


def test_32_terms_are_a_query() -> None:
    assert len(list(positive_leaves(parse(words(32, " OR "))))) == 32
    assert len(list(positive_leaves(parse(words(16) + " after:2019 is:read")))) == 16


def test_each_word_of_a_phrase_counts() -> None:
    assert error('police "' + words(40) + '"').column == 8  # the phrase
    assert error("title:" + "-".join(f"w{number}x" for number in range(33))).column == 1
    assert parse('"' + words(32) + '"') == Phrase(tuple(f"w{n}x" for n in range(32)))


def test_dates_and_states_count_as_terms() -> None:
    dates = " ".join(["after:2019"] * 33)
    assert error(dates).column == len("after:2019 ") * 32 + 1
    assert parse(" ".join(["is:read"] * 32), flags=("read",)) == And((Flag("read"),) * 32)
    assert error(" ".join(["is:read"] * 33), flags=("read",)).message == "more than 32 search terms"


@pytest.mark.parametrize("size", [1001, 200_000])
def test_a_query_longer_than_1000_characters_is_an_error_at_column_1001(size: int) -> None:
    text = ("police " * (size // 7 + 1))[:size]
    found = error(text)
    assert found.message == "query longer than 1,000 characters"
    assert found.column == 1001
    rendered = found.render(text).splitlines()
    assert all(len(line) < 200 for line in rendered)  # the query around the column only
    caret = rendered[2].index("^") - 2
    assert rendered[1][2:][caret] == text[1000]


def test_a_long_query_is_shown_around_its_error() -> None:
    text = "police " * 20 + "titel:x" + " kent" * 20
    found = error(text)
    lines = found.render(text).splitlines()
    assert lines[1].startswith("  …") and lines[1].endswith("…")
    assert lines[1][lines[2].index("^") :].startswith("titel:x")


@pytest.mark.parametrize("depth", range(1, 11))
def test_nesting_up_to_ten_deep_is_a_query(depth: int) -> None:
    parse("police (kent OR " * depth + "crime" + ")" * depth)
    parse("-(" * (depth // 2) + "police" + ")" * (depth // 2))


def test_nesting_more_than_ten_deep_is_an_error_at_the_eleventh() -> None:
    text = "police (kent OR " * 11 + "crime" + ")" * 11
    found = error(text)
    assert found.message == "query nested more than 10 deep"
    assert found.column == len("police (kent OR ") * 10 + len("police ") + 1
