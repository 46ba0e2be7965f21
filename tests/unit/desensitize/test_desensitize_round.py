"""round: numbers to the nearest (or next lower or higher) multiple of a base."""

from __future__ import annotations

import decimal

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.desensitize.operators.rounding import round_to

PROPERTY = settings(max_examples=100, deadline=None, database=None)


def test_incomes_round_to_the_nearest_hundred_with_halves_away_from_zero() -> None:
    rounded = round_to(pa.array([12345, 12350, 12349, -150, 0, None]), base=100)
    assert rounded.to_pylist() == [12300, 12400, 12300, -200, 0, None]
    assert rounded.type == pa.int64()


def test_rounding_can_go_down_or_up() -> None:
    assert round_to(pa.array([12345, -1]), base=100, mode="down").to_pylist() == [12300, -100]
    assert round_to(pa.array([12345, -1]), base=100, mode="up").to_pylist() == [12400, 0]


def test_floats_and_decimals_round_as_float64() -> None:
    assert round_to(pa.array([1.26, 1.74]), base=0.5).to_pylist() == [1.5, 1.5]
    rounded = round_to(pa.array([decimal.Decimal("12345.67")]), base=100)
    assert rounded.to_pylist() == [12300.0] and rounded.type == pa.float64()


def test_integers_with_a_fractional_base_round_as_float64() -> None:
    assert round_to(pa.array([7, 8], pa.int8()), base=2.5).to_pylist() == [7.5, 7.5]


def test_numbers_written_as_text_are_parsed_and_the_rest_become_null() -> None:
    rounded = round_to(pa.array([" 12345 ", "1.2e4", "一万", "", None, "nan", "1e999"]), base=100)
    assert rounded.to_pylist() == [12300.0, 12000.0, None, None, None, None, None]


def test_nan_infinities_and_integers_at_the_int64_limits_become_null() -> None:
    assert round_to(pa.array([float("nan"), float("inf"), 5.0]), base=10).to_pylist() == [None, None, 10.0]
    big = round_to(pa.array([2**63 - 1, -(2**63), 4_611_686_018_427_387_904]), base=1000)
    assert big.to_pylist() == [None, None, 4_611_686_018_427_388_000]
    assert round_to(pa.array([2**64 - 1], pa.uint64()), base=100).type == pa.float64()


def test_other_types_become_null() -> None:
    assert round_to(pa.array([True]), base=10).to_pylist() == [None]
    assert round_to(pa.array([[1]]), base=10).to_pylist() == [None]


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.integers(-(10**15), 10**15)), max_size=30), st.integers(1, 10**6))
def test_rounding_is_idempotent_and_moves_each_integer_by_at_most_half_the_base(
    values: list[int | None], base: int
) -> None:
    once = round_to(pa.array(values, pa.int64()), base=base)
    assert round_to(once, base=base) == once
    for value, rounded in zip(values, once.to_pylist(), strict=True):
        assert (value is None) == (rounded is None)
        if value is not None:
            assert rounded % base == 0 and abs(rounded - value) * 2 <= base


@PROPERTY
@given(st.lists(st.floats(-1e12, 1e12), max_size=30), st.sampled_from([1, 10, 100, 0.5, 0.25]))
def test_rounding_floats_is_idempotent(values: list[float], base: float) -> None:
    once = round_to(pa.array(values, pa.float64()), base=base)
    assert round_to(once, base=base) == once
