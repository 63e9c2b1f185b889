"""Value formats: the API's UTC timestamps and type coercion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from fake_server.coercion import coerce, format_datetime, parse_datetime
from fake_server.errors import BusinessError


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2022, 12, 7, 9, 15, 28, 147000, tzinfo=UTC), "2022-12-07T09:15:28.147Z"),
        (datetime(2022, 12, 7, 9, 15, 45, 200000, tzinfo=UTC), "2022-12-07T09:15:45.2Z"),
        (datetime(2022, 12, 6, 13, 0, 0, tzinfo=UTC), "2022-12-06T13:00:00Z"),
        (datetime(2022, 12, 6, 14, 0, 0, 999999, tzinfo=timezone(timedelta(hours=1))), "2022-12-06T13:00:00.999Z"),
    ],
)
def test_datetimes_are_written_as_the_api_writes_them(moment: datetime, text: str) -> None:
    assert format_datetime(moment) == text


@pytest.mark.parametrize(
    "text",
    [
        "2022-12-07T09:15:28.147Z",
        "2022-12-07T09:15:28.147",
        "2022-12-07T10:15:28.147+01:00",
        "2022-12-07T09:15:28.1470000Z",
        "2022-12-07T09:15:28.147z",
    ],
)
def test_datetimes_are_read_with_or_without_zone(text: str) -> None:
    assert parse_datetime(text) == datetime(2022, 12, 7, 9, 15, 28, 147000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data_type", "value", "expected"),
    [
        ("integer", "4", 4),
        ("integer", 4.0, 4),
        ("long", " 12 ", 12),
        ("double", "3.5", 3.5),
        ("double", 2, 2.0),
        ("boolean", "True", True),
        ("boolean", "false", False),
        ("boolean", True, True),
        ("string", 55, "55"),
        ("date", "2020-06-15", "2020-06-15T00:00:00Z"),
        ("dateTime", "2020-06-15T10:00:00", "2020-06-15T10:00:00Z"),
        ("integer", None, None),
    ],
)
def test_values_are_coerced_to_the_field_type(data_type: str, value: object, expected: object) -> None:
    assert coerce("f", data_type, value) == expected


@pytest.mark.parametrize(
    ("data_type", "value"),
    [
        ("integer", "four"),
        ("integer", True),
        ("integer", 4.5),
        ("double", "nan"),
        ("double", float("inf")),
        ("boolean", 1),
        ("boolean", "yes"),
        ("string", True),
        ("string", [1]),
        ("dateTime", "soon"),
        ("dateTime", 5),
    ],
)
def test_wrong_types_are_business_errors(data_type: str, value: object) -> None:
    with pytest.raises(BusinessError):
        coerce("f", data_type, value)


def test_a_date_text_read_again_reads_the_same_and_the_texts_kept_stay_bounded() -> None:
    from fake_server import coercion

    first = coerce("createDate", "dateTime", "2026-03-04T05:06:07.120+02:00")
    assert first == "2026-03-04T03:06:07.12Z"
    assert coerce("createDate", "dateTime", "2026-03-04T05:06:07.120+02:00") == first  # from the kept texts
    with pytest.raises(BusinessError):
        coerce("createDate", "dateTime", "not a date")
    assert "not a date" not in coercion._READ_TIMES
    for second in range(coercion._READ_TIMES_MAX + 10):
        text = f"2026-01-01T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
        assert coerce("createDate", "dateTime", text) == text
    assert len(coercion._READ_TIMES) <= coercion._READ_TIMES_MAX
