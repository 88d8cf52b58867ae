"""parse_date and date_from_filename: every date shape articles use, and never an exception."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.loading.dates import date_from_filename, parse_date

PLUS_ONE = timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The seed's publish.date: time first, then day/month/year.
        ("07:45 27/09/2019", datetime(2019, 9, 27, 7, 45)),
        ("7:05 3/1/2020", datetime(2020, 1, 3, 7, 5)),
        ("27/09/2019", datetime(2019, 9, 27)),
        ("27/09/2019 07:45", datetime(2019, 9, 27, 7, 45)),
        ("2019-09-27", datetime(2019, 9, 27)),
        ("2019-09-27T07:45:00", datetime(2019, 9, 27, 7, 45)),
        ("2019-09-27 07:45", datetime(2019, 9, 27, 7, 45)),
        ("2019-09-27T07:45:00Z", datetime(2019, 9, 27, 7, 45, tzinfo=UTC)),
        ("2019-09-27T07:45:00+01:00", datetime(2019, 9, 27, 7, 45, tzinfo=PLUS_ONE)),
        ("2019-09-27T07:45:00.250+01:00", datetime(2019, 9, 27, 7, 45, 0, 250000, PLUS_ONE)),
        ("2018-06-14 09:30:00 +0100", datetime(2018, 6, 14, 9, 30, tzinfo=PLUS_ONE)),
        ("Fri, 27 Sep 2019 07:45:00 +0100", datetime(2019, 9, 27, 7, 45, tzinfo=PLUS_ONE)),
        ("Fri, 27 Sep 2019 07:45:00 GMT", datetime(2019, 9, 27, 7, 45, tzinfo=UTC)),
        ("27 September 2019", datetime(2019, 9, 27)),
        ("September 27, 2019", datetime(2019, 9, 27)),
        ("  2019-09-27  ", datetime(2019, 9, 27)),
        # Astro's blog template writes pubDate: 'Jul 08 2022'.
        ("Jul 08 2022", datetime(2022, 7, 8)),
        ("July 8 2022", datetime(2022, 7, 8)),
        ("8 Jul 2022 10:00", datetime(2022, 7, 8, 10, 0)),
        ("2022-7-8", datetime(2022, 7, 8)),
        ("2022-7-8 10:05", datetime(2022, 7, 8, 10, 5)),
        ("2022/07/08", datetime(2022, 7, 8)),
        ("2022/07/08 10:05:30", datetime(2022, 7, 8, 10, 5, 30)),
        ("08.07.2022", datetime(2022, 7, 8)),
        ("08.07.2022 10:05", datetime(2022, 7, 8, 10, 5)),
    ],
)
def test_date_shapes(text: str, expected: datetime) -> None:
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed is not None
    # Equal is not enough for datetimes: aware and naive must not be confused.
    assert parsed.utcoffset() == expected.utcoffset()


def test_yaml_and_toml_values_are_accepted_directly() -> None:
    assert parse_date(date(2019, 9, 27)) == datetime(2019, 9, 27)
    moment = datetime(2019, 9, 27, 7, 45, tzinfo=UTC)
    assert parse_date(moment) is moment


@pytest.mark.parametrize(
    "value",
    [
        "99/99/9999",
        "31/02/2020",
        "2019-13-45",
        "25:00 27/09/2019",
        "today",
        "",
        "   ",
        "2019/09/27/",
        "2019/27/09",
        "09.27.2019",
        "2019-07",
        "x" * 500,
        27900,
        None,
        ["2019-09-27"],
        {"date": "2019-09-27"},
    ],
)
def test_values_that_are_not_dates_give_none(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2018-06-14-summer-fete.md", datetime(2018, 6, 14)),
        ("2018-06-14-.md", datetime(2018, 6, 14)),
        ("2018-06-14.md", None),  # Jekyll's prefix is followed by a dash and a slug
        ("summer-2018-06-14-fete.md", None),
        ("2018-02-30-no-such-day.md", None),
        ("notes.md", None),
    ],
)
def test_jekyll_file_name_prefix(name: str, expected: datetime | None) -> None:
    assert date_from_filename(name) == expected


@given(st.text(max_size=120))
def test_parse_date_never_raises_on_any_text(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, datetime)


_DATEISH = st.lists(
    st.one_of(
        st.sampled_from(["/", ":", "-", " ", "T", "Z", "+", ",", "GMT", "Sep", "Fri, "]),
        st.integers(min_value=0, max_value=99999).map(str),
    ),
    max_size=12,
).map("".join)


@given(_DATEISH)
def test_parse_date_never_raises_on_date_like_text(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, datetime)


@given(st.text(max_size=40))
def test_date_from_filename_never_raises(name: str) -> None:
    result = date_from_filename(name)
    assert result is None or isinstance(result, datetime)
