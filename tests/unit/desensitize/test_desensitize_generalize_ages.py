"""generalize age_to_band: ages into bands 0-17, 18-29, …, 60+, or into bands of one's own."""

from __future__ import annotations

import pyarrow as pa

from gongshu.classify.desensitize.operators.generalize import generalize


def band(*values: object, kind: pa.DataType | None = None, **params: object) -> list[str | None]:
    return generalize(pa.array(list(values), kind), kind="age_to_band", **params).to_pylist()


def test_ages_fall_into_the_default_bands() -> None:
    assert band(0, 17, 18, 29, 30, 45, 59, 60, 104) == [
        "0-17", "0-17", "18-29", "18-29", "30-39", "40-49", "50-59", "60+", "60+"
    ]  # fmt: skip


def test_bands_can_be_chosen() -> None:
    assert band(5, 14, 15, 64, 65, bands=[15, 65]) == ["0-14", "0-14", "15-64", "15-64", "65+"]


def test_fractional_ages_count_whole_years() -> None:
    assert band(17.9, 18.0, kind=pa.float64()) == ["0-17", "18-29"]


def test_ages_written_as_text_may_carry_sui() -> None:
    assert band("35岁", " 40 ", "12周岁", "三十") == ["30-39", "40-49", "0-17", None]


def test_negative_missing_and_odd_ages_become_null() -> None:
    assert band(-1, None, kind=pa.int64()) == [None, None]
    assert band(float("nan"), kind=pa.float64()) == [None]
    assert band(True, kind=pa.bool_()) == [None]
    assert band(2**63 - 1, -(2**63)) == ["60+", None]
