"""Reports and runs: weighted scores, JSON, default rules, the locked-down connection and awkward files."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.classify.quality import (
    RULES,
    Context,
    QualityDataInvalid,
    QualityReport,
    QualityRuleInvalid,
    Rule,
    RuleResult,
    default_rules,
    run_rules,
)
from gongshu.classify.quality.sql import connect

TABLE = {"姓名": ["张三", "李四", None, "王五"], "邮编": ["310000", "31000", "310011", None]}


def result(score: float, weight: float = 1.0, passed: bool = True) -> RuleResult:
    return RuleResult(Rule("completeness", {}, weight), passed, score, {}, "", "")


def test_the_report_score_is_the_weighted_mean_of_rule_scores_on_a_hundred() -> None:
    report = QualityReport.of([result(1.0, 3), result(0.5, 1, passed=False)], rows=10)
    assert report.score == 87.5
    assert (report.passed, report.failed, report.rows) == (1, 1, 10)


def test_the_report_score_is_rounded_down_so_a_failure_never_shows_a_hundred() -> None:
    assert QualityReport.of([result(0.9996, passed=False)], rows=1).score == 99.9
    assert QualityReport.of([result(2 / 3), result(1.0)], rows=1).score == 83.3
    assert QualityReport.of([result(0.95)], rows=1).score == 95.0


def test_rules_of_weight_zero_do_not_count_and_an_empty_report_scores_a_hundred() -> None:
    assert QualityReport.of([result(0.0, 0), result(0.8, 2)], rows=1).score == 80.0
    assert QualityReport.of([], rows=0).score == 100.0


def test_a_run_scores_its_rules_in_order(parquet) -> None:
    rules = [
        Rule("completeness", {"columns": ["姓名"]}, weight=3),  # 0.75
        Rule("validity", {"column": "邮编", "type": "cn_postcode"}),  # 2 of 3
    ]
    report = run_rules(rules, Context(parquet(TABLE)))
    assert [r.rule.name for r in report.results] == ["completeness(姓名)", "validity(邮编: cn_postcode)"]
    assert report.score == 72.9  # (3 * 0.75 + 2 / 3) / 4 = 0.7291…
    assert (report.passed, report.failed, report.rows) == (0, 2, 4)


def test_the_report_serializes_to_json(parquet) -> None:
    report = run_rules(
        default_rules([("姓名", "string"), ("邮编", "string")], {"邮编": "cn_postcode"}), Context(parquet(TABLE))
    )
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert set(data) == {"score", "rows", "passed", "failed", "results"}
    assert data["results"][0]["name"] == "completeness(姓名)"
    assert set(data["results"][0]) == {
        "kind",
        "params",
        "weight",
        "name",
        "passed",
        "score",
        "measured",
        "message_zh",
        "message_en",
    }


def test_default_rules_check_completeness_everywhere_and_validity_where_a_type_was_found() -> None:
    rules = default_rules([("姓名", "string"), ("身份证号", "string"), ("年龄", "int64")], {"身份证号": "cn_id_card"})
    assert [r.name for r in rules] == [
        "completeness(姓名)",
        "completeness(身份证号)",
        "validity(身份证号: cn_id_card)",
        "completeness(年龄)",
    ]
    assert {r.params["threshold"] for r in rules if r.kind == "completeness"} == {0.9}
    assert rules[2].params == {
        "column": "身份证号",
        "type": "cn_id_card",
        "threshold": 0.95,
        "examples": 5,
        "max_distinct": 200_000,
    }


def test_default_rules_refuse_a_type_for_an_unknown_column() -> None:
    with pytest.raises(QualityRuleInvalid):
        default_rules([("姓名", "string")], {"手机号": "cn_mobile"})


def test_column_names_with_quotes_and_chinese_are_quoted_safely(report) -> None:
    table = {'名"称': ["甲", "甲", None], "it's": [1, 2, 3], "a; DROP": ["x", "y", "x"]}
    result = report(
        table,
        {"kind": "completeness"},
        {"kind": "uniqueness", "params": {"columns": ['名"称']}},
        {"kind": "range", "params": {"column": "it's", "max": 2}},
        {"kind": "validity", "params": {"column": "a; DROP", "enum": ["x"]}},
    )
    assert [r.measured["share"] for r in result.results] == [8 / 9, 1 / 3, 2 / 3, 2 / 3]


def test_row_numbers_are_right_when_the_file_has_a_file_row_number_column(check) -> None:
    table = {"file_row_number": [7, 8, 9], "手机号": ["1", "13800138000", "2"]}
    result = check(table, "validity", column="手机号", type="cn_mobile")
    assert result.measured["examples"] == [1, 3]


def test_row_numbers_follow_the_file_across_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"v": [str(i) for i in range(50_000)]}), path, row_group_size=1_000)
    rule = Rule("validity", {"column": "v", "regex": "[0-9]*[05]", "examples": 3})
    assert run_rules([rule], Context(path)).results[0].measured["examples"] == [2, 3, 4]
    rule = Rule("validity", {"column": "v", "regex": "(4[0-9]{4})|[0-9]{1,4}", "examples": 2})
    assert run_rules([rule], Context(path)).results[0].measured["examples"] == [10_001, 10_002]


def test_the_connection_reads_the_given_files_and_nothing_else(parquet) -> None:
    path, other = parquet(TABLE), parquet({"代码": ["1"]}, "other.parquet")
    with connect(path, [other]) as con:
        assert con.execute("SELECT count(*) FROM data").fetchone() == (4,)
        assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(other)]).fetchone() == (1,)
        for sql in ("SELECT * FROM read_csv('/etc/passwd')", "SET enable_external_access = true"):
            with pytest.raises(duckdb.Error):
                con.execute(sql)


def test_an_unreadable_file_is_refused_with_its_path(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    for path in (broken, tmp_path / "missing.parquet"):
        with pytest.raises(QualityDataInvalid) as caught:
            run_rules([Rule("completeness", {})], Context(path))
        assert str(path.name) in caught.value.en and "Parquet" in caught.value.zh


def test_a_reserved_column_name_is_refused(parquet) -> None:
    with pytest.raises(QualityDataInvalid) as caught:
        run_rules([Rule("completeness", {})], Context(parquet({"__gongshu_row__": [1]})))
    assert "reserved" in caught.value.en


def test_an_unreadable_referenced_file_is_refused(parquet, tmp_path: Path) -> None:
    broken = tmp_path / "firms.parquet"
    broken.write_bytes(b"not parquet")
    rule = Rule("consistency", {"column": "姓名", "ref": "QY", "ref_column": "代码"})
    with pytest.raises(QualityDataInvalid) as caught:
        run_rules([rule], Context(parquet(TABLE), others={"QY": broken}))
    assert "firms.parquet" in caught.value.en


def test_a_failing_query_is_reported_without_the_library_message_that_may_quote_cells(parquet, monkeypatch) -> None:
    def casts_a_name(rule, ctx, con):
        con.execute("SELECT CAST(姓名 AS INTEGER) FROM data").fetchall()

    monkeypatch.setitem(RULES, "completeness", casts_a_name)
    with pytest.raises(QualityDataInvalid) as caught:
        run_rules([Rule("completeness", {})], Context(parquet(TABLE)))
    error = caught.value
    assert "ConversionException" in error.en and "completeness(*)" in error.zh
    assert error.__cause__ is None and error.__suppress_context__
    assert not any(v in str(error) for v in ("张三", "李四", "王五"))


def test_paths_with_quotes_and_chinese_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "it's 数据"
    folder.mkdir()
    pq.write_table(pa.table(TABLE), folder / "人口'.parquet")
    pq.write_table(pa.table({"名": ["张三"]}), folder / "其他'.parquet")
    rule = Rule("consistency", {"column": "姓名", "ref": "R", "ref_column": "名"})
    report = run_rules([rule], Context(folder / "人口'.parquet", others={"R": folder / "其他'.parquet"}))
    assert report.results[0].measured["orphans"] == 2
