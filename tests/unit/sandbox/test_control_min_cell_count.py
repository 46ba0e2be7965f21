"""Primary suppression by the minimum cell count: small groups are dropped whole, never located."""

from __future__ import annotations

import pyarrow as pa
from control_makers import grouped, rows_of
from hypothesis import given
from hypothesis import strategies as st

from gongshu.sandbox.control import protect
from gongshu.sandbox.spec import ControlConfig, OutputColumn


def test_rows_under_the_minimum_cell_count_are_dropped_whole_and_the_others_kept():
    result, columns = grouped({"区": ["东", "西", "南", "北"]}, [12, 9, 30, 10], sums={"工资": [120, 90, 300, 100]})
    table, report = protect(result, columns, ControlConfig(min_cell=10, dominance_n=0))
    assert [r[0] for r in rows_of(table)] == ["东", "南", "北"]
    assert report.rows_in == 4 and report.rows_out == 3
    assert report.suppressed_primary == 2  # the dropped row's 人数 and 工资


def test_a_row_of_no_person_is_dropped_even_when_the_minimum_is_zero():
    result, columns = grouped({"区": ["东", "西"]}, [0, 1], count="人数")
    table, _ = protect(result, columns, ControlConfig(min_cell=0))
    assert rows_of(table) == [("西", 1)]


def test_the_finding_counts_rows_and_cells_in_both_languages_and_does_not_locate_them():
    result, columns = grouped({"区": list("abcd")}, [3, 4, 20, 25])
    _, report = protect(result, columns, ControlConfig(min_cell=10))
    found = next(f for f in report.findings if f.rule == "min-cell-count")
    assert found.passed
    assert found.zh == "最小单元格计数 10：删除 2 行（抑制 2 个单元格）"
    assert found.en == "min cell count 10: 2 rows dropped (2 cells suppressed)"
    assert found.place == ""
    assert "min_cell_count" in report.protections


def test_a_grand_total_of_too_few_persons_comes_back_empty():
    result, columns = grouped({}, [4])
    table, report = protect(result, columns, ControlConfig(min_cell=5))
    assert table.num_rows == 0 and table.column_names == ["人数"]
    assert all(f.passed for f in report.findings)


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=30),
    min_cell=st.integers(min_value=2, max_value=20),
)
def test_exactly_the_groups_of_at_least_the_minimum_come_out_so_a_one_person_group_never_does(sizes, min_cell):
    result, columns = grouped({"组": [f"g{i}" for i in range(len(sizes))]}, sizes)
    table, _ = protect(result, columns, ControlConfig(min_cell=min_cell))
    released = set(table.column("组").to_pylist())
    assert released == {f"g{i}" for i, k in enumerate(sizes) if k >= min_cell}


def _with_contributors(counted: list[int]) -> tuple[pa.Table, list[OutputColumn]]:
    """Four districts of 40 persons; 记录数 = COUNT(刑事记录), which only ``counted`` persons of each have."""
    columns = [
        OutputColumn("区", "group"),
        OutputColumn("人数", "aggregate", "count"),
        OutputColumn("记录数", "aggregate", "count", protected=True, contributors="__c_2"),
    ]
    result = pa.table({"区": list("东西南北"), "人数": [40] * 4, "记录数": counted, "__n": [40] * 4, "__c_2": counted})
    return result, columns


def test_a_cell_whose_values_come_from_fewer_than_the_minimum_is_suppressed_though_its_group_is_large():
    result, columns = _with_contributors([3, 12, 25, 0])
    table, report = protect(result, columns, ControlConfig(min_cell=10, dominance_n=0))
    assert rows_of(table)[0] == ("东", 40, None)  # 3 persons' count: suppressed, the row stays
    assert rows_of(table)[3] == ("北", 40, 0)  # no one: a zero shows nothing about anyone
    found = next(f for f in report.findings if f.rule == "min-cell-count")
    assert "另抑制 1 个取值人数不足 10 的单元格" in found.zh and found.place == "row 1, column 记录数"
    assert report.suppressed_secondary >= 1  # the line 记录数 had one hidden cell: another one goes too


def test_a_result_missing_the_contributor_column_is_refused():
    result, columns = _with_contributors([3, 0, 12, 25])
    table, report = protect(result.drop_columns(["__c_2"]), columns, ControlConfig(min_cell=10))
    assert table.num_rows == 0 and not report.findings[-1].passed
