"""Rounding: counts and sums go to the nearest multiple of the base, averages stay, nulls stay null."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from control_makers import grouped

from gongshu.sandbox.control import protect
from gongshu.sandbox.spec import ControlConfig

CFG = ControlConfig(min_cell=3, rounding=5)


def test_counts_and_sums_round_to_the_base_with_halves_away_from_zero_and_averages_stay():
    n = [12, 13, 17, 20]
    result, columns = grouped(
        {"区": list("abcd")}, n, sums={"营收": [12.5, -12.5, 101.0, 7.4]}, avgs={"均薪": [3.3, 4.4, 5.5, 6.6]}
    )
    table, report = protect(result, columns, CFG)
    assert table.column("人数").to_pylist() == [10, 15, 15, 20]
    assert table.column("营收").to_pylist() == [15.0, -15.0, 100.0, 5.0]
    assert table.column("均薪").to_pylist() == [3.3, 4.4, 5.5, 6.6]
    assert table.schema.field("人数").type == pa.int64()
    assert report.protections[-1] == "rounding"
    assert (
        next(f for f in report.findings if f.rule == "rounding").en == "counts and sums rounded to base 5: 人数, 营收"
    )


def test_distinct_counts_and_decimal_sums_are_rounded_in_their_own_type():
    result, columns = grouped({"区": list("ab")}, [12, 14], distinct={"企业数": [6, 8]})
    result = result.append_column("总额", pa.array([Decimal("12.50"), Decimal("17.25")], pa.decimal128(38, 2)))
    result = result.select(["区", "人数", "企业数", "总额", "__n"])
    columns = [*columns, columns[1].__class__(name="总额", role="aggregate", aggregate="count")]
    table, _ = protect(result, columns, CFG)
    assert table.column("企业数").to_pylist() == [5, 10]
    assert table.column("总额").to_pylist() == [Decimal("15.00"), Decimal("15.00")]
    assert table.schema.field("总额").type == pa.decimal128(38, 2)


def test_a_base_of_zero_leaves_values_alone_and_names_no_rounding():
    result, columns = grouped({"区": list("ab")}, [12, 13])
    table, report = protect(result, columns, ControlConfig(min_cell=3))
    assert table.column("人数").to_pylist() == [12, 13]
    assert "rounding" not in report.protections
    assert all(f.rule != "rounding" for f in report.findings)


def test_suppressed_cells_stay_null_after_rounding():
    n = [12, 30, 40]
    result, columns = grouped(
        {"区": list("abc")}, n, sums={"营收": [50, 60, 70]}, tops={"营收": [[49, 1], [5, 5], [5, 5]]}
    )
    table, _ = protect(result, columns, CFG)
    assert table.column("营收").to_pylist() == [None, None, 70]
