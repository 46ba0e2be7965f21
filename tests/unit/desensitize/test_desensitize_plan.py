"""Plans: JSON in and out, and the bilingual errors for unknown operators, parameters and columns."""

from __future__ import annotations

from typing import Any

import pytest

from gongshu.classify.desensitize import OPERATORS, DesensitizeError, Plan, Step
from gongshu.errors import Invalid

COLUMNS = ["姓名", "身份证号", "出生日期", "收入", "备注"]
PLAN = {
    "steps": [
        {"column": "姓名", "operator": "mask", "params": {"keep_first": 1}},
        {"column": "身份证号", "operator": "keyed_hash", "params": {"algorithm": "sha256", "length": 16}},
        {"column": "出生日期", "operator": "generalize", "params": {"kind": "date_to_year"}},
        {"column": "收入", "operator": "round", "params": {"base": 100}},
    ],
    "drop": ["备注"],
}


def refused(data: Any, columns: list[str] | None = None) -> DesensitizeError:
    with pytest.raises(DesensitizeError) as caught:
        plan = Plan.from_json(data)
        plan.validate(columns or COLUMNS)
    assert isinstance(caught.value, Invalid)
    assert caught.value.zh != caught.value.en
    return caught.value


def step(operator: str, column: str = "收入", **params: Any) -> dict[str, Any]:
    return {"steps": [{"column": column, "operator": operator, "params": params}]}


def test_a_plan_round_trips_through_json() -> None:
    plan = Plan.from_json(PLAN)
    assert plan.to_json() == PLAN
    assert Plan.from_json(plan.to_json()) == plan
    assert plan.steps[0] == Step("姓名", "mask", {"keep_first": 1})
    plan.validate(COLUMNS)


def test_a_bare_list_of_steps_is_a_plan_without_drops() -> None:
    plan = Plan.from_json(PLAN["steps"])
    assert plan.drop == () and len(plan.steps) == 4


def test_a_plan_built_in_code_keeps_its_steps_as_tuples() -> None:
    plan = Plan([Step("收入", "suppress", {})], drop=["备注"])
    assert plan.steps == (Step("收入", "suppress", {}),) and plan.drop == ("备注",)
    assert plan.to_json() == {"steps": [{"column": "收入", "operator": "suppress", "params": {}}], "drop": ["备注"]}


def test_a_step_without_params_takes_the_defaults() -> None:
    assert Step("姓名", "mask").resolved() == {"keep_first": 0, "keep_last": 0, "char": "*"}
    resolved = Plan.from_json([{"column": "姓名", "operator": "keyed_hash"}]).steps[0].resolved()
    assert resolved == {"algorithm": "sm3", "length": None}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ("mask", "plan"),
        ({"steps": {}}, "steps"),
        ({"steps": [], "columns": []}, "columns"),
        ({"drop": "备注"}, "drop"),
        ({"drop": [""]}, "drop"),
        (["mask"], "steps[0]"),
        ([{"operator": "mask"}], "steps[0].column"),
        ([{"column": "姓名"}], "steps[0].operator"),
        ([{"column": "姓名", "operator": "mask", "params": [1]}], "steps[0].params"),
        ([{"column": "姓名", "operator": "mask", "param": {}}], "steps[0].param"),
    ],
)
def test_a_malformed_plan_is_refused_naming_where(data: Any, where: str) -> None:
    error = refused(data)
    assert error.values["where"] == where
    assert where in error.zh and where in error.en


def test_an_unknown_operator_is_refused_naming_the_column_and_the_known_operators() -> None:
    error = refused(step("encrypt", column="姓名"))
    assert "「姓名」" in error.zh and "encrypt" in error.zh and "mask" in error.zh
    assert "'姓名'" in error.en and "unknown operator 'encrypt'" in error.en
    assert error.values == {"column": "姓名", "operator": "encrypt"}


def test_an_unknown_parameter_is_refused_naming_it() -> None:
    error = refused(step("mask", keep_first=1, keep_middle=2))
    assert error.values == {"column": "收入", "operator": "mask", "param": "keep_middle"}
    assert "keep_middle" in error.zh and "keep_first" in error.en


def test_a_missing_parameter_is_refused_saying_what_to_give() -> None:
    error = refused(step("round"))
    assert error.values["param"] == "base"
    assert "缺少参数「base」" in error.zh and "needs the parameter 'base'" in error.en


@pytest.mark.parametrize(
    ("operator", "params", "param"),
    [
        ("mask", {"keep_first": -1}, "keep_first"),
        ("mask", {"keep_first": True}, "keep_first"),
        ("mask", {"keep_last": "2"}, "keep_last"),
        ("mask", {"char": "**"}, "char"),
        ("keyed_hash", {"algorithm": "md5"}, "algorithm"),
        ("keyed_hash", {"length": 4}, "length"),
        ("generalize", {"kind": "date_to_day"}, "kind"),
        ("generalize", {"kind": "age_to_band", "bands": [30, 18]}, "bands"),
        ("generalize", {"kind": "age_to_band", "bands": []}, "bands"),
        ("generalize", {"kind": "truncate", "n": 0}, "n"),
        ("generalize", {"kind": "address_to_district", "fallback": "province"}, "fallback"),
        ("round", {"base": 0}, "base"),
        ("round", {"base": float("nan")}, "base"),
        ("round", {"base": 100, "mode": "banker"}, "mode"),
        ("bucket", {"width": -5}, "width"),
        ("bucket", {"width": 1e-13}, "width"),
        ("bucket", {"width": 10, "origin": float("inf")}, "origin"),
        ("suppress", {"marker": 0}, "marker"),
    ],
)
def test_a_bad_parameter_value_is_refused_with_the_rule_it_breaks(operator: str, params: dict, param: str) -> None:
    error = refused(step(operator, **params))
    assert error.values == {"column": "收入", "operator": operator, "param": param}
    assert "应为" in error.zh and "must be" in error.en


def test_a_generalize_parameter_for_another_kind_is_refused() -> None:
    error = refused(step("generalize", kind="date_to_year", n=4))
    assert error.values == {"column": "收入", "param": "n", "kind": "date_to_year"}
    assert "不使用参数「n」" in error.zh and "does not take the parameter 'n'" in error.en


def test_truncate_needs_n() -> None:
    assert refused(step("generalize", kind="truncate")).values["param"] == "n"


def test_a_column_missing_from_the_data_is_refused_listing_the_columns() -> None:
    error = refused(step("mask", column="手机号"))
    assert error.values == {"column": "手机号"}
    assert "「手机号」不在数据中" in error.zh and "「姓名」" in error.zh
    assert "'手机号' is not in the data" in error.en


def test_a_dropped_column_missing_from_the_data_is_refused() -> None:
    error = refused({"drop": ["手机号"]})
    assert "要删除的列「手机号」" in error.zh and "the dropped column '手机号'" in error.en


def test_two_steps_on_one_column_are_refused() -> None:
    error = refused([{"column": "姓名", "operator": "mask"}, {"column": "姓名", "operator": "suppress"}])
    assert error.values == {"column": "姓名"} and "多个" in error.zh and "more than one step" in error.en


def test_a_column_both_dropped_and_transformed_is_refused() -> None:
    error = refused({"steps": [{"column": "备注", "operator": "suppress"}], "drop": ["备注"]})
    assert "既被删除又有脱敏步骤" in error.zh


def test_dropping_every_column_is_refused() -> None:
    error = refused({"drop": ["姓名", "收入"]}, columns=["姓名", "收入"])
    assert "drops every column" in error.en


def test_a_long_column_list_is_shortened_in_messages() -> None:
    error = refused(step("mask", column="无此列"), columns=[f"列{i}" for i in range(30)])
    assert "等 30 个" in error.zh and "and 20 more" in error.en


def test_every_operator_describes_itself_and_its_parameters_in_both_languages() -> None:
    assert list(OPERATORS) == ["mask", "keyed_hash", "generalize", "round", "bucket", "suppress"]
    for name, spec in OPERATORS.items():
        described = spec.describe()
        assert described["name"] == name and described["zh"] and described["en"]
        for param in described["params"].values():
            assert param["zh"] and param["en"] and param["rule_zh"] and param["rule_en"]
            assert "default" in param or param["required"]
    assert OPERATORS["keyed_hash"].keyed and not OPERATORS["mask"].keyed
    assert OPERATORS["round"].describe()["params"]["base"] == {
        "zh": "取整的基数（如 100）",
        "en": "the base to round to (e.g. 100)",
        "rule_zh": "大于 0 且不超过 2305843009213693952 的数",
        "rule_en": "a number above 0 and at most 2305843009213693952",
        "required": True,
    }


def test_an_operator_lists_its_defaults() -> None:
    assert OPERATORS["mask"].defaults == {"keep_first": 0, "keep_last": 0, "char": "*"}
    assert OPERATORS["round"].defaults == {"mode": "nearest"}
