"""Consistency: values of a column must exist in a column of another resource's Parquet file."""

from __future__ import annotations

import pytest

from gongshu.classify.quality import Context, QualityRuleInvalid, parse_rules, run_rules

REGISTRY = {"统一社会信用代码": ["91330105A", "91330106B", "91330108C", ""], "企业名称": ["甲", "乙", "丙", "丁"]}
PERMITS = {
    "许可证号": ["X1", "X2", "X3", "X4", "X5", "X6"],
    "单位统一社会信用代码": ["91330105A", "91330199Z", None, "91330108C", "91330199Z", "91330177Y"],
}
RULE = {"column": "单位统一社会信用代码", "ref": "QY001", "ref_column": "统一社会信用代码"}


@pytest.fixture
def run(parquet):
    def go(permits=PERMITS, registry=REGISTRY, **params):
        rules = parse_rules([{"kind": "consistency", "params": {**RULE, **params}}])
        ctx = Context(parquet(permits, "permits.parquet"), others={"QY001": parquet(registry, "registry.parquet")})
        return run_rules(rules, ctx).results[0]

    return go


def test_codes_that_all_exist_in_the_other_resource_pass(run) -> None:
    result = run(permits={"单位统一社会信用代码": ["91330105A", "91330105A", "91330106B"]})
    assert result.passed and result.score == 1.0
    assert result.measured["orphans"] == 0
    assert result.rule.name == "consistency(单位统一社会信用代码 → QY001.统一社会信用代码)"


def test_orphan_rows_and_values_are_counted_and_missing_cells_ignored(run) -> None:
    result = run()
    assert not result.passed
    assert result.measured == {
        "rows": 6,
        "checked": 5,
        "missing": 1,
        "orphans": 3,
        "orphan_values": 2,
        "invalid": 3,
        "share": 2 / 5,
        "examples": [2, 5, 6],
    }


def test_missing_cells_can_be_counted_as_inconsistent(run) -> None:
    result = run(nulls="count")
    assert (result.measured["checked"], result.measured["invalid"], result.measured["examples"]) == (6, 4, [2, 3, 5, 6])
    assert result.score == 2 / 6


def test_a_blank_code_in_the_other_resource_does_not_make_blank_codes_consistent(run) -> None:
    result = run(permits={"单位统一社会信用代码": ["", "91330105A"]}, nulls="count")
    assert result.measured["invalid"] == 1


def test_codes_of_different_types_are_compared_as_text(run) -> None:
    result = run(permits={"单位统一社会信用代码": [1, 2, 3]}, registry={"统一社会信用代码": ["1", "2", "9"]})
    assert result.measured["orphans"] == 1


def test_the_threshold_allows_some_orphans(run) -> None:
    assert run(threshold=0.4).passed
    assert not run(threshold=0.41).passed


def test_an_unknown_resource_or_column_is_refused_before_running(parquet) -> None:
    path = parquet(PERMITS, "permits.parquet")
    rules = parse_rules([{"kind": "consistency", "params": RULE}])
    with pytest.raises(QualityRuleInvalid) as caught:
        run_rules(rules, Context(path))
    assert "QY001" in caught.value.en
    bad = parse_rules([{"kind": "consistency", "params": {**RULE, "ref_column": "代码"}}])
    with pytest.raises(QualityRuleInvalid) as caught:
        run_rules(bad, Context(path, others={"QY001": parquet(REGISTRY, "registry.parquet")}))
    assert "resource QY001 has no column 代码" in caught.value.en
