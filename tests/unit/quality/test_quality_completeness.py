"""Completeness: filled shares per column, NULL and blank text as missing, thresholds, and a property check."""

from __future__ import annotations

import string

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.quality import Context, Rule, run_rules

PEOPLE = {
    "姓名": ["张三", "李四", "王五", "赵六"],
    "住址": ["杭州市拱墅区", None, "", "　"],  # NULL, empty and a full-width space
    "年龄": [30, 0, None, 41],
}


def test_a_fully_filled_column_passes_with_share_one(check) -> None:
    result = check(PEOPLE, "completeness", columns=["姓名"])
    assert result.passed
    assert result.score == 1.0
    assert result.measured["missing"] == 0
    assert result.rule.name == "completeness(姓名)"


def test_nulls_empty_and_whitespace_only_strings_count_as_missing(check) -> None:
    result = check(PEOPLE, "completeness", columns=["住址"])
    assert not result.passed
    assert result.score == 0.25
    assert result.measured["columns"]["住址"] == {"nulls": 1, "blanks": 2, "missing": 3, "share": 0.25}
    assert (result.measured["nulls"], result.measured["blanks"]) == (1, 2)
    assert "25.0%" in result.message_zh and "25.0%" in result.message_en


def test_zero_is_a_filled_number_and_only_null_is_missing_in_numeric_columns(check) -> None:
    result = check(PEOPLE, "completeness", columns=["年龄"])
    assert result.measured["columns"]["年龄"] == {"nulls": 1, "blanks": 0, "missing": 1, "share": 0.75}


def test_without_columns_every_column_is_checked_and_the_score_is_the_share_of_cells(check) -> None:
    result = check(PEOPLE, "completeness")
    assert result.rule.name == "completeness(*)"
    assert result.measured["cells"] == 12
    assert result.measured["missing"] == 4
    assert result.score == 8 / 12
    assert result.measured["failing_columns"] == ["住址", "年龄"]
    assert not result.passed


def test_the_threshold_is_inclusive_and_defaults_to_095(check) -> None:
    nineteen = {"电话": ["0571-88888888"] * 19 + [None]}
    eighteen = {"电话": ["0571-88888888"] * 18 + [None, ""]}
    assert check(nineteen, "completeness").passed
    assert check(nineteen, "completeness").rule.params["threshold"] == 0.95
    assert not check(eighteen, "completeness").passed
    assert check(eighteen, "completeness", threshold=0.9).passed


def test_one_column_below_the_threshold_fails_a_rule_over_several(check) -> None:
    result = check(PEOPLE, "completeness", columns=["姓名", "年龄"], threshold=0.7)
    assert result.passed
    result = check(PEOPLE, "completeness", columns=["姓名", "年龄"], threshold=0.8)
    assert not result.passed
    assert result.measured["failing_columns"] == ["年龄"]
    assert "年龄" in result.message_zh


def test_an_empty_table_is_complete(check) -> None:
    table = pa.table({"姓名": pa.array([], pa.string())})
    result = check(table, "completeness")
    assert result.passed and result.score == 1.0
    assert result.measured["rows"] == 0


# Python's str.isspace() whitespace, some look-alikes that are not whitespace, and ordinary characters.
SPACES = " \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_SPACES = "\u200b\ufeff\x00\x07"
CELL = st.one_of(st.none(), st.text(alphabet=SPACES + NOT_SPACES + string.ascii_letters + "张三区", max_size=4))


@settings(max_examples=50, deadline=None)
@given(columns=st.lists(st.lists(CELL, min_size=0, max_size=30), min_size=1, max_size=3), data=st.data())
def test_completeness_share_equals_a_pure_python_count(
    tmp_path_factory: pytest.TempPathFactory, columns: list[list[str | None]], data: st.DataObject
) -> None:
    rows = min(len(c) for c in columns)
    table = {f"列{i}": c[:rows] for i, c in enumerate(columns)}
    path = tmp_path_factory.mktemp("prop") / "data.parquet"
    pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in table.items()}), path)
    result = run_rules([Rule("completeness", {})], Context(path)).results[0]
    filled = sum(v is not None and v.strip() != "" for c in table.values() for v in c)
    cells = rows * len(table)
    assert result.measured["missing"] == cells - filled
    assert result.score == (filled / cells if cells else 1.0)
    for name, values in table.items():
        assert result.measured["columns"][name]["nulls"] == values.count(None)
