"""GPS coordinates: a pair in a cell, or a single coordinate in a column named as one."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import gps


@pytest.mark.parametrize(
    "value", ["113.625368,34.746599", "34.746599, 113.625368", "(113.6253,34.7465)", "-73.9857 40.7484"]
)
def test_pairs_of_coordinates_pass(value: str) -> None:
    assert gps.validate(value)


@pytest.mark.parametrize("value", ["113.62,34.74", "200.123456,34.746599", "113.625368,134.746599", "0.0000,0.0000",
                                   "113.625368", "1,2", ""])  # fmt: skip
def test_short_out_of_range_or_single_numbers_fail(value: str) -> None:
    assert not gps.validate(value)


def test_a_single_coordinate_counts_only_in_a_column_named_as_one() -> None:
    assert gps.validate_hinted("34.7466")
    assert gps.validate_hinted("-113.625")
    assert not gps.validate_hinted("181.123")
    assert not gps.validate_hinted("34.7")
