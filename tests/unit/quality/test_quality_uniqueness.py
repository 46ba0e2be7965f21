"""Uniqueness: duplicated key rows and missing keys, on single and composite keys."""

from __future__ import annotations

FIRMS = {
    "统一社会信用代码": ["91330105A", "91330105A", "91330106B", "91330108C", "91330108C", "91330108C"],
    "企业名称": ["甲公司", "甲公司", "乙公司", "丙公司", "丁公司", "戊公司"],
    "区": ["拱墅区", "拱墅区", "西湖区", "上城区", "上城区", "滨江区"],
}


def test_a_unique_key_passes_with_nothing_duplicated(check) -> None:
    result = check({"编号": ["1", "2", "3"]}, "uniqueness", columns=["编号"])
    assert result.passed
    assert result.score == 1.0
    assert result.measured["duplicated_rows"] == result.measured["null_keys"] == 0
    assert result.measured["examples"] == []


def test_duplicated_keys_are_counted_with_the_rows_they_cover(check) -> None:
    result = check(FIRMS, "uniqueness", columns=["统一社会信用代码"])
    assert not result.passed
    assert result.measured == {
        "rows": 6,
        "null_keys": 0,
        "distinct_keys": 3,
        "duplicated_keys": 2,
        "duplicated_rows": 5,
        "extra_rows": 3,
        "share": 0.5,
        "examples": [1, 2, 4, 5, 6],
    }
    assert result.score == 0.5


def test_a_composite_key_is_unique_when_its_combinations_are(check) -> None:
    assert check(FIRMS, "uniqueness", columns=["统一社会信用代码", "企业名称"]).measured["duplicated_keys"] == 1
    assert check(FIRMS, "uniqueness", columns=["企业名称", "区"]).measured["extra_rows"] == 1
    firms = {k: v[2:] for k, v in FIRMS.items()}
    assert check(firms, "uniqueness", columns=["统一社会信用代码", "企业名称"]).passed


def test_missing_keys_fail_the_rule_unless_ignored(check) -> None:
    table = {"身份证号": ["A", None, "", "B"]}
    strict = check(table, "uniqueness", columns=["身份证号"])
    assert not strict.passed
    assert (strict.measured["null_keys"], strict.measured["extra_rows"], strict.score) == (2, 0, 0.5)
    lenient = check(table, "uniqueness", columns=["身份证号"], nulls="ignore")
    assert lenient.passed
    assert lenient.score == 1.0


def test_a_row_with_one_key_column_missing_has_a_missing_key(check) -> None:
    table = {"区": ["拱墅区", "拱墅区", None], "门牌": ["1号", None, "1号"]}
    assert check(table, "uniqueness", columns=["区", "门牌"]).measured["null_keys"] == 2


def test_examples_are_capped_at_the_requested_number(check) -> None:
    result = check({"k": ["x"] * 10}, "uniqueness", columns=["k"], examples=3)
    assert result.measured["examples"] == [1, 2, 3]
    assert result.measured["extra_rows"] == 9
    assert check({"k": ["x"] * 10}, "uniqueness", columns=["k"], examples=0).measured["examples"] == []
