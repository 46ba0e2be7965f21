"""The dominance rule: a SUM/AVG cell whose top contributors make most of it is suppressed, alone."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
from control_makers import grouped, rows_of

from gongshu.sandbox.control import protect
from gongshu.sandbox.control.dominance import top_share
from gongshu.sandbox.spec import ControlConfig

CFG = ControlConfig(min_cell=3, dominance_n=2, dominance_threshold=0.9)


def three_rows(tops: list[list[float]], totals: list[float]):
    return grouped({"行业": ["制造", "零售", "金融"]}, [20, 20, 20], sums={"营收": totals}, tops={"营收": tops})


def test_a_cell_whose_top_two_reach_ninety_percent_is_suppressed_and_its_row_stays():
    result, columns = three_rows([[50, 30], [95, 1], [30, 30]], [100, 100, 100])
    table, report = protect(result, columns, CFG)
    营收 = table.column("营收").to_pylist()
    assert 营收[1] is None
    assert table.column("人数").to_pylist()[1] == 20
    assert report.suppressed_primary == 1
    found = next(f for f in report.findings if f.rule == "dominance")
    assert found.place == "row 2, column 营收"
    assert found.en == "dominance (top 2 ≥ 90%): 1 cells suppressed"


def test_a_share_exactly_at_the_threshold_is_suppressed_and_just_below_is_not():
    result, columns = three_rows([[45, 45], [45, 44.9], [10, 10]], [100, 100, 100])
    _, report = protect(result, columns, CFG)
    assert next(f for f in report.findings if f.rule == "dominance").place == "row 1, column 营收"


def test_with_n_one_only_the_largest_contributor_counts():
    result, columns = three_rows([[60, 35], [91, 1], [10, 10]], [100, 100, 100])
    _, report = protect(result, columns, ControlConfig(min_cell=3, dominance_n=1, dominance_threshold=0.9))
    assert next(f for f in report.findings if f.rule == "dominance").place == "row 2, column 营收"


def test_n_above_two_is_bounded_from_above_by_the_second_largest():
    assert top_share([[50, 20], [50], [], None, [None, 3.0]], 3).tolist() == [90, 50, 0, 0, 3]


def test_negative_values_dominate_by_their_magnitude():
    result, columns = three_rows([[-95, -1], [30, 30], [30, 30]], [-100, 100, 100])
    table, _ = protect(result, columns, CFG)
    assert table.column("营收").to_pylist()[0] is None


def test_averages_are_checked_too():
    result, columns = grouped(
        {"区": ["东", "西", "南"]}, [20, 20, 20], avgs={"均薪": [5, 5, 5]}, tops={"均薪": [[99, 1], [9, 9], [9, 9]]}
    )
    table, _ = protect(result, columns, CFG)
    assert table.column("均薪").to_pylist()[0] is None


def test_a_cell_of_all_zeros_is_not_dominated():
    result, columns = three_rows([[0, 0], [10, 10], [10, 10]], [0, 100, 100])
    table, _ = protect(result, columns, CFG)
    assert table.column("营收").to_pylist() == [0, 100, 100]


def test_missing_dominance_columns_refuse_the_result():
    result, columns = three_rows([[50, 40], [95, 1], [30, 30]], [100, 100, 100])
    result = result.drop_columns(["__dmax_2"])
    table, report = protect(result, columns, CFG)
    assert table.num_rows == 0
    assert [f.rule for f in report.findings if not f.passed] == ["dominance"]


def test_count_columns_are_never_judged_by_dominance():
    result, columns = grouped({"区": ["东", "西"]}, [20, 30])
    table, report = protect(result, columns, CFG)
    assert rows_of(table) == [("东", 20), ("西", 30)]
    assert next(f for f in report.findings if f.rule == "dominance").en == "dominance rule: nothing to check"


def test_hidden_columns_in_duckdb_types_are_read_as_numbers():
    result, columns = three_rows([[50, 30], [95, 1], [30, 30]], [100, 100, 100])
    dsum = pa.array([Decimal(100)] * 3, pa.decimal128(38, 0))
    result = result.set_column(result.column_names.index("__dsum_2"), "__dsum_2", dsum)
    table, _ = protect(result, columns, CFG)
    assert table.column("营收").to_pylist()[1] is None
