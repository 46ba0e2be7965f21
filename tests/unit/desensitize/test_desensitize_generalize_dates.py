"""generalize date_to_year / date_to_month: date and timestamp cells, and dates written as text in common ways."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.desensitize.operators.generalize import generalize

PROPERTY = settings(max_examples=100, deadline=None, database=None)


def year(*values: object, kind: pa.DataType | None = None) -> list[str | None]:
    return generalize(pa.array(list(values), kind), kind="date_to_year").to_pylist()


def month(*values: object, kind: pa.DataType | None = None) -> list[str | None]:
    return generalize(pa.array(list(values), kind), kind="date_to_month").to_pylist()


@pytest.mark.parametrize(
    "text",
    [
        "1990-01-02",
        "19900102",
        "1990/1/2",
        "1990.1.2",
        "1990年1月2日",
        " 1990-01-02 08:30:00 ",
        "1990-01-02T08:30:00+08:00",
        "19900102083000",
    ],
)
def test_a_birth_date_written_in_a_common_way_gives_its_year_and_month(text: str) -> None:
    assert year(text) == ["1990"]
    assert month(text) == ["1990-01"]


def test_a_bare_year_gives_the_year_but_no_month() -> None:
    assert year("1990", "1990年") == ["1990", "1990"]
    assert month("1990", "1990年") == [None, None]


def test_a_year_and_month_without_a_day_is_read() -> None:
    assert month("2024-3", "2024年12月") == ["2024-03", "2024-12"]


def test_date_and_timestamp_cells_give_their_calendar_year_and_month() -> None:
    assert year(datetime.date(1990, 1, 2), None) == ["1990", None]
    late = datetime.datetime(2023, 12, 31, 20, tzinfo=datetime.UTC)
    assert month(late, kind=pa.timestamp("s", tz="Asia/Shanghai")) == ["2024-01"]
    assert month(late.replace(tzinfo=None), kind=pa.timestamp("ms")) == ["2023-12"]


def test_a_date_stored_as_an_integer_is_read_as_yyyymmdd() -> None:
    assert year(19900102, 1990, 5) == ["1990", "1990", None]


@pytest.mark.parametrize(
    "text", ["", "不详", "1990-13-01", "1990-01-32", "0000-00-00", "12/31/1990", "199001021", "１９９０", "3000-01-01"]
)
def test_unparseable_dates_become_null(text: str) -> None:
    assert year(text) == [None]
    assert month(text) == [None]


def test_nulls_and_odd_types_stay_or_become_null() -> None:
    assert year(None, None, kind=pa.string()) == [None, None]
    assert year(True, kind=pa.bool_()) == [None]
    assert year([1990], kind=pa.list_(pa.int64())) == [None]
    assert year("x" * 100_000) == [None]


LAYOUTS = st.sampled_from(["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"])


@PROPERTY
@given(st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)), LAYOUTS)
def test_any_date_from_1900_to_2100_gives_its_year_and_month(day: datetime.date, layout: str) -> None:
    for cell in (day, day.strftime(layout)):
        assert year(cell) == [str(day.year)]
        assert month(cell) == [f"{day.year}-{day.month:02d}"]
