"""Birth dates: real dates from 1900 to today in the usual Chinese spellings."""

from __future__ import annotations

import pytest
from classify_makers import TODAY

from gongshu.classify.recognizers import date_of_birth


@pytest.mark.parametrize("value", ["1990-01-31", "1990/1/31", "1990.01.31", "1990年1月31日", "19900131", "2000-02-29",
                                   "1990-01-31 00:00:00"])  # fmt: skip
def test_birth_dates_pass(value: str) -> None:
    assert date_of_birth.validate(value)


@pytest.mark.parametrize(
    "value", ["1990-02-30", "1899-12-31", "1990-13-01", "19901301", "1990-01", f"{TODAY.year + 1}-01-01", ""]
)
def test_impossible_or_future_dates_fail(value: str) -> None:
    assert not date_of_birth.validate(value)
