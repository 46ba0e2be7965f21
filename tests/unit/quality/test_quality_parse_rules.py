"""Declaring rules: parse_rules reads JSON with defaults filled, parse_rules and check_rules refuse bad rules."""

from __future__ import annotations

import pytest

from gongshu.classify.quality import PARAMS, RULES, QualityRuleInvalid, Rule, check_rules, parse_rules
from gongshu.errors import Invalid

COLUMNS = ["姓名", "身份证号", "企业代码"]


def refused(data) -> QualityRuleInvalid:
    with pytest.raises(QualityRuleInvalid) as caught:
        parse_rules(data)
    assert isinstance(caught.value, Invalid)
    return caught.value


def test_every_rule_kind_has_a_parameter_schema() -> None:
    assert list(RULES) == list(PARAMS)


def test_declared_rules_get_their_defaults_and_readable_names() -> None:
    rules = parse_rules(
        [
            {"kind": "completeness", "params": {"columns": ["姓名"]}},
            {"kind": "uniqueness", "params": {"columns": ["身份证号"]}, "weight": 2},
            {"kind": "validity", "params": {"column": "身份证号", "type": "cn_id_card"}, "name": "身份证号校验"},
            {"kind": "timeliness"},
        ]
    )
    assert rules[0] == Rule("completeness", {"columns": ["姓名"], "threshold": 0.95}, 1.0, "completeness(姓名)")
    assert rules[1].params == {"columns": ["身份证号"], "nulls": "fail", "examples": 5}
    assert rules[1].weight == 2.0
    assert rules[2].name == "身份证号校验"
    assert rules[2].params["max_distinct"] == 200_000
    assert rules[3].params == {"grace_days": 0.0}


def test_parsed_rules_round_trip_through_json() -> None:
    rules = parse_rules([{"kind": "range", "params": {"column": "年龄", "min": 0}}, {"kind": "completeness"}])
    assert parse_rules([r.to_json() for r in rules]) == rules


def test_an_unknown_kind_is_refused_with_its_index() -> None:
    error = refused([{"kind": "completeness"}, {"kind": "accuracy"}])
    assert error.en.startswith("invalid quality rules: rules[1] (accuracy): unknown rule kind 'accuracy'")
    assert "rules[1]（accuracy）：未知的规则类型" in error.zh


def test_missing_and_unknown_parameters_are_refused() -> None:
    assert "missing parameter columns" in refused([{"kind": "uniqueness"}]).en
    assert "missing parameter column" in refused([{"kind": "validity", "params": {"regex": "x"}}]).en
    error = refused([{"kind": "completeness", "params": {"treshold": 0.9}}])
    assert "unknown parameter treshold" in error.en and "未知参数 treshold" in error.zh


@pytest.mark.parametrize("threshold", [1.5, -0.1, "0.9", True, None, float("nan")])
def test_a_threshold_outside_zero_to_one_is_refused(threshold) -> None:
    error = refused([{"kind": "completeness", "params": {"threshold": threshold}}])
    assert "rules[0] (completeness): parameter threshold must be a number from 0 to 1" in error.en
    assert "0 到 1" in error.zh


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"kind": "validity", "params": {"column": "a"}}, "give exactly one of type, regex and enum"),
        ({"kind": "validity", "params": {"column": "a", "type": "t", "regex": "x"}}, "exactly one"),
        ({"kind": "validity", "params": {"column": "a", "regex": "(?=a)b"}}, "not a valid RE2"),
        ({"kind": "validity", "params": {"column": "a", "regex": "a", "max_distinct": 5}}, "type only"),
        ({"kind": "validity", "params": {"column": "a", "type": "t", "max_distinct": 0}}, "at least 1"),
        ({"kind": "validity", "params": {"column": "a", "enum": []}}, "list of 1 to"),
        ({"kind": "validity", "params": {"column": "a", "enum": [["x"]]}}, "strings or numbers"),
        ({"kind": "range", "params": {"column": "a"}}, "give min, max or both"),
        ({"kind": "range", "params": {"column": "a", "min": 5, "max": 1}}, "min is greater than max"),
        ({"kind": "range", "params": {"column": "a", "min": 0, "max": "2024-01-01"}}, "both be numbers"),
        (
            {
                "kind": "range",
                "params": {"column": "a", "min": "2024-01-01T09:00:00+08:00", "max": "2024-01-01T00:30:00"},
            },
            "min is greater than max",
        ),
        ({"kind": "range", "params": {"column": "a", "min": "yesterday"}}, "ISO date"),
        ({"kind": "range", "params": {"column": "a", "max": [2024]}}, "ISO date"),
        ({"kind": "validity", "params": {"column": 7, "regex": "x"}}, "parameter column must be a non-empty string"),
        ({"kind": "uniqueness", "params": {"columns": []}}, "non-empty list"),
        ({"kind": "uniqueness", "params": {"columns": ["a", "a"]}}, "twice"),
        ({"kind": "uniqueness", "params": {"columns": ["a"], "nulls": "maybe"}}, "one of fail, ignore"),
        ({"kind": "uniqueness", "params": {"columns": ["a"], "examples": 1000}}, "from 0 to 100"),
        ({"kind": "consistency", "params": {"column": "a", "ref": "R"}}, "missing parameter ref_column"),
        ({"kind": "timeliness", "params": {"grace_days": -1}}, "at least 0"),
        ({"kind": "completeness", "weight": -1}, "weight must be"),
        ({"kind": "completeness", "params": []}, "params must be an object"),
        ({"kind": "completeness", "level": "high"}, "unknown field level"),
        ({"params": {}}, "missing kind"),
        ("completeness", "a rule must be an object"),
    ],
)
def test_malformed_rules_are_refused_with_the_problem(rule, problem) -> None:
    assert problem in refused([rule]).en


def test_every_problem_is_listed_at_once() -> None:
    error = refused([{"kind": "nope"}, {"kind": "completeness"}, {"kind": "range", "params": {"column": "a"}}])
    assert [en.split(":")[0] for _, en in error.problems] == [
        "rules[0] (nope)",
        "rules[2] (range)",
    ]


def test_rules_must_be_a_list() -> None:
    assert "rules must be a list" in refused({"kind": "completeness"}).en


def test_check_rules_accepts_rules_that_fit_the_columns() -> None:
    rules = [Rule("completeness", {}), Rule("validity", {"column": "身份证号", "type": "cn_id_card"})]
    assert check_rules(rules, COLUMNS) is None
    assert (
        check_rules(
            [Rule("consistency", {"column": "企业代码", "ref": "QY", "ref_column": "代码"})], COLUMNS, {"QY": ["代码"]}
        )
        is None
    )


def test_check_rules_refuses_unknown_columns_and_resources() -> None:
    rules = [
        Rule("completeness", {"columns": ["姓名", "电话"]}),
        Rule("uniqueness", {"columns": ["身份证号"]}),
        Rule("consistency", {"column": "企业代码", "ref": "QY", "ref_column": "代码"}),
        Rule("range", {"column": "年龄", "min": 0}),
    ]
    with pytest.raises(QualityRuleInvalid) as caught:
        check_rules(rules, COLUMNS)
    assert [en for _, en in caught.value.problems] == [
        "rules[0] (completeness): the data has no column 电话",
        "rules[2] (consistency): the referenced resource QY is not given",
        "rules[3] (range): the data has no column 年龄",
    ]
    assert "数据中没有列 电话" in caught.value.zh


def test_check_rules_validates_rules_built_in_code() -> None:
    with pytest.raises(QualityRuleInvalid) as caught:
        check_rules([Rule("completeness", {"threshold": 2}), Rule(7, {}), Rule("timeliness", {}, name=7)], COLUMNS)
    assert [en for _, en in caught.value.problems] == [
        "rules[0] (completeness): parameter threshold must be a number from 0 to 1 (such as 0.95)",
        "rules[1]: kind must be a string",
        "rules[2] (timeliness): name must be a string",
    ]
