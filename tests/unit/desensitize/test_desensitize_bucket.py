"""bucket: numbers into fixed-width intervals written "[low,high)"."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.desensitize.operators.bucket import bucket

PROPERTY = settings(max_examples=100, deadline=None, database=None)


def test_incomes_fall_into_intervals_of_a_thousand() -> None:
    buckets = bucket(pa.array([1234, 1000, 999, 0, -1, None]), width=1000)
    assert buckets.to_pylist() == ["[1000,2000)", "[1000,2000)", "[0,1000)", "[0,1000)", "[-1000,0)", None]


def test_intervals_can_start_elsewhere() -> None:
    assert bucket(pa.array([5, 15, 2]), width=10, origin=3).to_pylist() == ["[3,13)", "[13,23)", "[-7,3)"]


def test_float_bounds_carry_the_decimals_of_the_width() -> None:
    assert bucket(pa.array([0.3, 0.7, 0.35, -0.01]), width=0.1).to_pylist() == [
        "[0.3,0.4)", "[0.7,0.8)", "[0.3,0.4)", "[-0.1,0.0)"
    ]  # fmt: skip
    assert bucket(pa.array([1500.0]), width=1000).to_pylist() == ["[1000,2000)"]
    assert bucket(pa.array([0.3]), width=0.1, origin=0.05).to_pylist() == ["[0.25,0.35)"]


def test_text_numbers_are_parsed_and_everything_else_becomes_null() -> None:
    assert bucket(pa.array(["1234", "约一千", None]), width=1000).to_pylist() == ["[1000,2000)", None, None]
    assert bucket(pa.array([float("nan"), 1e300]), width=1000).to_pylist() == [None, None]
    assert bucket(pa.array([2**63 - 1, -(2**63)]), width=1000).to_pylist() == [None, None]
    assert bucket(pa.array([True]), width=1000).to_pylist() == [None]


@PROPERTY
@given(st.integers(-(10**15), 10**15), st.integers(1, 10**6), st.integers(-(10**6), 10**6))
def test_every_integer_lies_in_its_interval(value: int, width: int, origin: int) -> None:
    low, high = bucket(pa.array([value]), width=width, origin=origin)[0].as_py().strip("[)").split(",")
    assert int(low) <= value < int(high) == int(low) + width
    assert (int(low) - origin) % width == 0


@PROPERTY
@given(st.integers(-(10**6), 10**6), st.sampled_from([0.1, 0.5, 0.25, 2.5]))
def test_a_float_on_a_bound_opens_its_own_interval(step: int, width: float) -> None:
    value = round(step * width, 2)
    low, high = bucket(pa.array([value]), width=width)[0].as_py().strip("[)").split(",")
    assert float(low) == value
    assert abs(float(high) - value - width) < 1e-9
