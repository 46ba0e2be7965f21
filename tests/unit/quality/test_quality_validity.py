"""Validity: injected validators over distinct values, RE2 regexes, enums, default patterns and sampling."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from gongshu.classify.quality import QualityRuleInvalid

PHONES = {"手机号": ["13800138000", "12345", None, "13800138000", "", "13900139000", "abc", "12345"]}


def starts_138(value: str) -> bool:
    return value.startswith("138")


def test_an_injected_validator_decides_validity_of_filled_cells(check) -> None:
    result = check(PHONES, "validity", ctx={"validators": {"cn_mobile": starts_138}}, column="手机号", type="cn_mobile")
    assert not result.passed
    m = result.measured
    assert (m["method"], m["checked"], m["valid"], m["invalid"]) == ("validator", 6, 2, 4)
    assert m["share"] == result.score == 2 / 6
    assert m["examples"] == [2, 6, 7, 8]
    assert (m["distinct"], m["distinct_checked"], m["sampled"]) == (4, 4, False)
    assert result.rule.name == "validity(手机号: cn_mobile)"


def test_each_distinct_value_is_validated_once(check) -> None:
    seen: list[str] = []

    def validator(value: str) -> bool:
        seen.append(value)
        return True

    result = check(
        {"v": ["a", "b", "a", "a", "b"]}, "validity", ctx={"validators": {"t": validator}}, column="v", type="t"
    )
    assert result.passed
    assert sorted(seen) == ["a", "b"]


def test_a_validator_that_raises_marks_the_cell_invalid_instead_of_failing_the_run(check) -> None:
    def fragile(value: str) -> bool:
        return int(value) > 0

    result = check({"v": ["1", "x", "2", "x"]}, "validity", ctx={"validators": {"t": fragile}}, column="v", type="t")
    assert (result.measured["invalid"], result.measured["validator_errors"]) == (2, 1)
    assert result.measured["examples"] == [2, 4]


def test_a_validator_sees_numbers_as_text(check) -> None:
    result = check(
        {"邮编": [310000, 31000]}, "validity", ctx={"validators": {"t": lambda v: len(v) == 6}}, column="邮编", type="t"
    )
    assert result.measured["invalid"] == 1


def test_a_regex_must_match_the_whole_cell(check) -> None:
    result = check(PHONES, "validity", column="手机号", regex="1[3-9][0-9]{9}")
    m = result.measured
    assert (m["method"], m["checked"], m["invalid"], m["examples"]) == ("regex", 6, 3, [2, 7, 8])
    assert check({"v": ["x13800138000"]}, "validity", column="v", regex="1[3-9][0-9]{9}").measured["invalid"] == 1


def test_an_enum_lists_the_allowed_values(check) -> None:
    table = {"性别": ["男", "女", "未知", None, "女", "M"]}
    result = check(table, "validity", column="性别", enum=["男", "女"])
    assert (result.measured["method"], result.measured["invalid"], result.measured["examples"]) == ("enum", 2, [3, 6])
    assert check({"等级": [1, 2, 5]}, "validity", column="等级", enum=[1, 2, 3]).measured["invalid"] == 1


def test_a_type_without_validator_falls_back_to_its_default_pattern(check) -> None:
    result = check({"邮编": ["310000", "3100", "31000a"]}, "validity", column="邮编", type="cn_postcode")
    assert (result.measured["method"], result.measured["invalid"]) == ("pattern", 2)


def test_an_injected_validator_wins_over_the_default_pattern(check) -> None:
    result = check(
        {"邮编": ["310000"]},
        "validity",
        ctx={"validators": {"cn_postcode": lambda v: False}},
        column="邮编",
        type="cn_postcode",
    )
    assert result.measured["method"] == "validator"
    assert result.measured["invalid"] == 1


def test_a_type_with_neither_validator_nor_pattern_is_refused_before_running(check) -> None:
    with pytest.raises(QualityRuleInvalid) as caught:
        check({"v": ["x"]}, "validity", column="v", type="cn_passport")
    assert "cn_passport" in caught.value.en and "Context.validators" in caught.value.en
    assert "校验函数" in caught.value.zh


def test_the_threshold_decides_pass_and_defaults_to_all_valid(check) -> None:
    table = {"v": ["a"] * 9 + ["b"]}
    assert not check(table, "validity", column="v", enum=["a"]).passed
    assert check(table, "validity", column="v", enum=["a"], threshold=0.9).passed


def test_an_all_missing_column_is_vacuously_valid(check) -> None:
    result = check({"v": pa.array([None, None], pa.string())}, "validity", column="v", regex="x")
    assert result.passed and result.measured["checked"] == 0 and result.score == 1.0


def test_too_many_distinct_values_are_sampled_deterministically_and_said_so(check) -> None:
    table = {"v": [f"{i:03d}" for i in range(100)] * 2}
    ctx = {"validators": {"odd": lambda v: int(v) % 2 == 1}}
    first = check(table, "validity", ctx=ctx, column="v", type="odd", max_distinct=40)
    again = check(table, "validity", ctx=ctx, column="v", type="odd", max_distinct=40)
    m = first.measured
    assert (m["sampled"], m["distinct"], m["distinct_checked"], m["rows_sampled"], m["checked"]) == (
        True,
        100,
        40,
        80,
        200,
    )
    assert m["valid"] + m["invalid"] == 80
    assert m["invalid_estimated"] == round(200 * (1 - m["share"]))
    assert first.measured == again.measured
    assert "估计" in first.message_zh and "estimate" in first.message_en


@pytest.mark.slow
def test_a_million_rows_are_validated_through_their_distinct_values(parquet, report) -> None:
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 300_000, 1_000_000)
    calls = 0

    def even(value: str) -> bool:
        nonlocal calls
        calls += 1
        return int(value) % 2 == 0

    table = pa.table({"代码": pa.array(codes.astype(str))})
    odd = int((codes % 2 == 1).sum())
    rule = {"kind": "validity", "params": {"column": "代码", "type": "even", "max_distinct": 300_000}}
    m = report(table, rule, validators={"even": even}).results[0].measured
    assert (m["invalid"], m["sampled"]) == (odd, False)
    assert m["distinct"] == calls == len(np.unique(codes))
    assert m["examples"] == [int(i) + 1 for i in np.flatnonzero(codes % 2 == 1)[:5]]

    calls = 0
    rule = {"kind": "validity", "params": {"column": "代码", "type": "even"}}
    m = report(table, rule, validators={"even": even}).results[0].measured
    assert (m["sampled"], m["distinct_checked"], calls) == (True, 200_000, 200_000)
    assert abs(m["invalid_estimated"] - odd) < 10_000
