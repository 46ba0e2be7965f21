"""The output-control pipeline: steps in order, refusals release nothing, hidden columns never come out."""

from __future__ import annotations

import json

import pyarrow as pa
from control_makers import grouped

from gongshu.sandbox.control import STEPS, protect, report_dict
from gongshu.sandbox.spec import ControlConfig, Limits


def test_only_the_developers_columns_come_out_in_their_order():
    result, columns = grouped({"区": list("abc")}, [12, 13, 40], sums={"营收": [1, 2, 3]}, avgs={"均值": [1, 1, 1]})
    assert any(name.startswith("__") for name in result.column_names)
    table, _ = protect(result, columns, ControlConfig(min_cell=3))
    assert table.column_names == ["区", "人数", "营收", "均值"]


def test_the_steps_run_in_order_and_name_their_protections():
    assert [s.__name__ for s in STEPS] == ["size", "min_cell_count", "dominance", "secondary", "rounding"]
    result, columns = grouped({"区": list("abc")}, [12, 13, 40], sums={"营收": [1, 2, 3]})
    _, report = protect(result, columns, ControlConfig(min_cell=3, rounding=10))
    assert [f.rule for f in report.findings] == [
        "output-size",
        "min-cell-count",
        "dominance",
        "secondary-suppression",
        "rounding",
    ]
    assert report.protections == ["min_cell_count", "dominance", "secondary_suppression", "rounding"]


def test_a_result_over_the_row_cap_is_refused_and_nothing_else_runs():
    result, columns = grouped({"区": [f"r{i}" for i in range(11)]}, [50] * 11)
    table, report = protect(result, columns, ControlConfig(), limits=Limits(max_output_rows=10))
    assert table.num_rows == 0 and table.column_names == ["区", "人数"]
    assert [(f.rule, f.passed) for f in report.findings] == [("output-size", False)]
    assert report.findings[0].en.startswith("the result has 11 rows, over the cap of 10")
    assert report.protections == []


def test_a_result_over_the_column_cap_is_refused():
    result, columns = grouped({"区": ["a"], "县": ["b"]}, [50])
    table, report = protect(result, columns, ControlConfig(), limits=Limits(max_output_columns=2))
    assert table.num_rows == 0 and not report.findings[0].passed


def test_a_result_that_does_not_match_the_analysis_is_refused():
    result, columns = grouped({"区": ["a"]}, [50])
    bad_ones = (
        result.drop_columns(["__n"]),
        result.rename_columns(["区", "人数", "n"]),
        result.select(["人数", "区", "__n"]),
        result.select(["区"]),
    )
    for bad in bad_ones:
        table, report = protect(bad, columns, ControlConfig())
        assert table.num_rows == 0 and table.column_names == ["区", "人数"]
        assert [f.rule for f in report.findings if not f.passed] == ["result-shape"]


def test_an_empty_result_passes_empty():
    result, columns = grouped({"区": []}, [])
    table, report = protect(result, columns, ControlConfig())
    assert table.num_rows == 0 and all(f.passed for f in report.findings)


def test_the_report_renders_as_json_with_its_verdict_and_totals():
    result, columns = grouped({"区": list("abcd")}, [3, 30, 40, 50])
    _, report = protect(result, columns, ControlConfig(min_cell=10))
    out = json.loads(json.dumps(report_dict(report), ensure_ascii=False))
    assert out["passed"] is True
    assert out["suppressed"] == out["suppressed_primary"] + out["suppressed_secondary"] == 2
    assert out["rows_in"] == 4 and out["rows_out"] == 3
    assert out["findings"][1] == {
        "rule": "min-cell-count",
        "passed": True,
        "zh": "最小单元格计数 10：删除 1 行（抑制 1 个单元格）",
        "en": "min cell count 10: 1 rows dropped (1 cells suppressed)",
        "place": "",
    }


def test_a_refused_report_renders_as_not_passed():
    result, columns = grouped({"区": ["a", "b"]}, [50, 50])
    _, report = protect(result, columns, ControlConfig(), limits=Limits(max_output_rows=1))
    assert report_dict(report)["passed"] is False


def test_chunked_inputs_are_handled_like_contiguous_ones():
    result, columns = grouped({"区": list("ab")}, [50, 60])
    chunked = pa.concat_tables([result.slice(0, 1), result.slice(1, 1)])
    table, _ = protect(chunked, columns, ControlConfig())
    assert table.column("人数").to_pylist() == [50, 60]
