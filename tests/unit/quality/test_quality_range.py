"""Range: numeric, date and time bounds, inclusive, with unreadable cells counted against the rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pyarrow as pa

CST = timezone(timedelta(hours=8))
AGES = {"年龄": [0, 18, 150, -1, 151, None, 45]}


def test_numbers_within_inclusive_bounds_pass(check) -> None:
    result = check({"年龄": [0, 18, 150]}, "range", column="年龄", min=0, max=150)
    assert result.passed and result.score == 1.0
    assert result.rule.name == "range(年龄)"


def test_numbers_below_and_above_are_counted_separately(check) -> None:
    result = check(AGES, "range", column="年龄", min=0, max=150)
    assert not result.passed
    assert result.measured == {
        "checked": 6,
        "below": 1,
        "above": 1,
        "unparseable": 0,
        "invalid": 2,
        "share": 4 / 6,
        "examples": [4, 5],
    }


def test_one_bound_is_enough(check) -> None:
    assert check(AGES, "range", column="年龄", min=0).measured["invalid"] == 1
    assert check(AGES, "range", column="年龄", max=18.5).measured["above"] == 3


def test_dates_are_compared_as_dates(check) -> None:
    table = {"登记日期": [date(2019, 12, 31), date(2020, 1, 1), date(2024, 6, 30), date(2025, 1, 1)]}
    result = check(table, "range", column="登记日期", min="2020-01-01", max="2024-12-31")
    assert (result.measured["below"], result.measured["above"], result.measured["examples"]) == (1, 1, [1, 4])


def test_times_are_compared_as_times(check) -> None:
    table = {"办结时间": [datetime(2024, 1, 1, 8, 0), datetime(2024, 1, 1, 18, 0, 1)]}
    result = check(table, "range", column="办结时间", min="2024-01-01T08:00:00", max="2024-01-01T18:00:00")
    assert result.measured["above"] == 1 and result.measured["below"] == 0


def test_text_that_cannot_be_read_as_the_bound_type_counts_as_invalid(check) -> None:
    table = {"金额": ["12.5", "壹佰", "99", " "]}
    result = check(table, "range", column="金额", min=0, max=50)
    m = result.measured
    assert (m["checked"], m["unparseable"], m["above"], m["invalid"], m["examples"]) == (3, 1, 1, 2, [2, 3])


def test_date_text_is_read_as_dates(check) -> None:
    table = {"出生日期": pa.array(["1990-05-01", "2030-01-01", "不详"])}
    result = check(table, "range", column="出生日期", max="2026-01-01")
    assert (result.measured["above"], result.measured["unparseable"]) == (1, 1)


def test_time_bounds_with_an_offset_and_zoned_columns_are_compared_in_utc(check) -> None:
    naive = {"办结时间": [datetime(2024, 1, 1, 0, 30), datetime(2024, 1, 1, 1, 30)]}
    assert check(naive, "range", column="办结时间", max="2024-01-01T09:00:00+08:00").measured["above"] == 1
    zoned = pa.table({"办结时间": pa.array([datetime(2024, 1, 1, 9, 30, tzinfo=CST)], pa.timestamp("us", tz="+08:00"))})
    result = check(zoned, "range", column="办结时间", min="2024-01-01T01:00:00", max="2024-01-01T02:00:00")
    assert result.passed
