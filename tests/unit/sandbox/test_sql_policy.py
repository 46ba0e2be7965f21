"""The SQL policy, from fixture tables of allowed and refused queries (sqlglot style) plus a few pinned shapes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.spec import ColumnSpec, Limits, TableSpec
from gongshu.sandbox.sql import analyze

FIXTURES = Path(__file__).parent / "sql_fixtures"
LIMITS = Limits(max_query_chars=1000)


def _col(name: str, protected: bool = False, **kw: object) -> ColumnSpec:
    return ColumnSpec(name=name, protected=protected, **kw)  # type: ignore[arg-type]


TABLES = {
    "人员": TableSpec(
        name="人员",
        columns={
            c.name: c
            for c in [
                _col("身份证号", True, identifier=True, type="cn_id_card"),
                _col("姓名", True),
                _col("手机号", True, identifier=True, type="cn_mobile"),
                _col("区县"),
                _col("性别"),
                _col("年龄", True, numeric=True, bounds=(0, 120)),
                _col("工资", True, numeric=True, bounds=(0, 1_000_000)),
                _col("收入", True, numeric=True),
                _col("年份", numeric=True),
            ]
        },
        entity="身份证号",
        entity_unique=False,
    ),
    "企业": TableSpec(
        name="企业",
        columns={
            c.name: c
            for c in [
                _col("统一社会信用代码", True, identifier=True),
                _col("行业"),
                _col("注册资本", True, numeric=True, bounds=(0, 1e9)),
                _col("法人身份证号", True, identifier=True),
            ]
        },
        entity="统一社会信用代码",
    ),
    "区划": TableSpec(name="区划", columns={"区县": _col("区县"), "人口": _col("人口", numeric=True)}),
}


def _cases(name: str, marker: str) -> list[tuple[str, str]]:
    """(header after the marker, SQL) for each case of a fixture file."""
    cases: list[tuple[str, list[str]]] = []
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        if line.startswith(marker):
            cases.append((line[len(marker) :].strip(), []))
        elif cases:
            cases[-1][1].append(line)
    return [(head, "\n".join(body).strip()) for head, body in cases]


REFUSED = _cases("refused.sql", "-- rule:")
REFUSED_DP = _cases("refused_dp.sql", "-- rule:")
ALLOWED = _cases("allowed.sql", "-- allowed")


def _ids(cases: list[tuple[str, str]]) -> list[str]:
    return [f"{i}-{(head.split(':')[0].split() or ['sql'])[0]}" for i, (head, _) in enumerate(cases)]


def test_fixture_tables_hold_enough_cases() -> None:
    assert len(REFUSED) >= 60
    assert len(ALLOWED) >= 15


@pytest.mark.parametrize(("rule", "sql"), REFUSED, ids=_ids(REFUSED))
def test_refused_query_names_the_rule_that_failed(rule: str, sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES, limits=LIMITS)
    assert caught.value.rule == rule, str(caught.value)


@pytest.mark.parametrize(("rule", "sql"), REFUSED_DP, ids=_ids(REFUSED_DP))
def test_query_refused_under_dp_names_the_dp_rule(rule: str, sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES, limits=LIMITS, dp=True)
    assert caught.value.rule == rule, str(caught.value)


def _expected(spec: str) -> tuple[str, ...]:
    name, role = spec.strip().rsplit("=", 1)
    return (name, *role.split(":"))


@pytest.mark.parametrize(("head", "sql"), ALLOWED, ids=_ids(ALLOWED))
def test_allowed_query_reports_its_output_columns_and_roles(head: str, sql: str) -> None:
    dp = head.startswith("dp")
    expected = [_expected(spec) for spec in head.split(":", 1)[1].split(";")]
    analysis = analyze(sql, TABLES, limits=LIMITS, dp=dp)
    got = [(c.name, c.role, c.aggregate) if c.aggregate else (c.name, c.role) for c in analysis.columns]
    assert got == expected
    assert all(f.passed for f in analysis.findings)


@pytest.mark.parametrize(("head", "sql"), ALLOWED, ids=_ids(ALLOWED))
def test_output_names_equal_the_names_duckdb_returns(head: str, sql: str) -> None:
    con = duckdb.connect()
    for spec in TABLES.values():
        cols = ", ".join(f'"{c.name}" {"DOUBLE" if c.numeric else "VARCHAR"}' for c in spec.columns.values())
        con.execute(f'CREATE TABLE "{spec.name}" ({cols})')
    names = [d[0] for d in con.execute(sql).description]
    analysis = analyze(sql, TABLES, limits=LIMITS)
    assert [c.name for c in analysis.columns] == names
    run_names = [d[0] for d in con.execute(analysis.run_sql).description]
    assert run_names[: len(names)] == names
    assert all(n.startswith("__") for n in run_names[len(names) :])


def test_allowed_queries_also_pass_under_dp_only_when_marked() -> None:
    for head, sql in ALLOWED:
        if head.startswith("dp"):
            assert analyze(sql, TABLES, limits=LIMITS, dp=True).dp


def test_refusal_names_line_column_and_fragment() -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze("SELECT 区县,\n       MIN(工资) FROM 人员 GROUP BY 区县", TABLES)
    assert caught.value.place == "第2行第12列 / line 2, column 12: MIN(工资)"
    assert "MIN" in caught.value.en or "min" in caught.value.en
    assert caught.value.zh.startswith("查询被拒绝［value-aggregate］")


def test_parse_error_says_where() -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze("SELECT (1 FROM 人员", TABLES)
    assert caught.value.rule == "parse"
    assert "line 1, column" in caught.value.place


def test_each_passed_rule_leaves_a_finding_for_the_report() -> None:
    analysis = analyze("SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县", TABLES)
    rules = [f.rule for f in analysis.findings]
    assert rules[:3] == ["query-length", "one-statement", "select-only"]
    assert {"raw-protected-output", "identifier-literal", "value-aggregate", "population"} <= set(rules)
    assert not any(r.startswith("dp-") for r in rules)
    assert all(f.zh and f.en for f in analysis.findings)


def test_output_columns_carry_sources_and_protection() -> None:
    analysis = analyze("SELECT 区县, sum(工资) AS s FROM 人员 GROUP BY 区县", TABLES)
    region, total = analysis.columns
    assert region.sources == frozenset({("人员", "区县")}) and not region.protected
    assert total.sources == frozenset({("人员", "工资")}) and total.protected
    assert total.dominance == "__d{}_1" and region.dominance is None
    assert analysis.tables == ["人员"]


def test_single_table_entity_unique_counts_rows_for_n() -> None:
    analysis = analyze("SELECT 行业, count(*) AS n FROM 企业 GROUP BY 行业", TABLES)
    assert 'COUNT(*) AS "__n"' in analysis.run_sql


def test_repeating_entity_counts_distinct_entities_for_n() -> None:
    analysis = analyze("SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县", TABLES)
    assert 'COUNT(DISTINCT "人员"."身份证号") AS "__n"' in analysis.run_sql


def test_joined_entity_tables_take_the_least_distinct_count() -> None:
    sql = "SELECT e.行业, count(*) AS n FROM 人员 p JOIN 企业 e ON p.身份证号 = e.法人身份证号 GROUP BY e.行业"
    run = analyze(sql, TABLES).run_sql
    assert 'LEAST(COUNT(DISTINCT "p"."身份证号"), COUNT(DISTINCT "e"."统一社会信用代码")) AS "__n"' in run


def test_derived_table_carries_the_entity_as_hidden_column() -> None:
    sql = (
        "SELECT 区县, avg(s) AS a FROM (SELECT 区县, 身份证号, sum(工资) AS s FROM 人员 GROUP BY 区县, 身份证号) t "
        "GROUP BY 区县"
    )
    run = analyze(sql, TABLES).run_sql
    assert '"人员"."身份证号" AS "__e_0"' in run
    assert 'COUNT(DISTINCT "t"."__e_0") AS "__n"' in run


def test_derived_table_that_aggregates_the_entity_away_is_refused_for_population() -> None:
    sql = "SELECT count(*) AS n, avg(s) AS a FROM (SELECT 区县, sum(工资) AS s FROM 人员 GROUP BY 区县) t"
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES)
    assert caught.value.rule == "population"


def test_sum_and_avg_get_dominance_columns() -> None:
    run = analyze("SELECT 区县, sum(工资) AS s, avg(年龄) AS a FROM 人员 GROUP BY 区县", TABLES).run_sql
    assert 'MAX(TRY(ABS("人员"."工资")), 2) AS "__dmax_1", SUM(TRY(ABS("人员"."工资"))) AS "__dsum_1"' in run
    assert '"__dmax_2"' in run and '"__dsum_2"' in run
    assert '"__dmax_0"' not in run


def test_dp_has_no_run_sql_of_its_own_but_a_plan_with_the_dominance_columns_left_out() -> None:
    analysis = analyze("SELECT 区县, sum(工资) AS s, avg(年龄) AS a FROM 人员 GROUP BY 区县", TABLES, dp=True)
    assert analysis.run_sql == "" and analysis.plan is not None
    assert all(c.dominance is None for c in analysis.columns)


def test_population_is_the_normalized_where_of_a_single_table_query() -> None:
    where = analyze("select 区县, count(*) n from 人员 where 性别='女' and 年份>2000 group by 区县", TABLES)
    assert where.population == "性别 = '女' AND 年份 > 2000"
    assert analyze("SELECT count(*) AS n FROM 人员", TABLES).population == ""
    joined = "SELECT count(*) AS n FROM 人员 p JOIN 区划 r ON p.区县 = r.区县"
    assert analyze(joined, TABLES).population is None


def test_run_sql_never_carries_the_developers_comments() -> None:
    analysis = analyze("SELECT count(*) AS n /* '; DROP TABLE x; */ FROM 人员 -- bye", TABLES)
    assert "DROP" not in analysis.run_sql and "bye" not in analysis.run_sql


def test_query_length_follows_the_limit() -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze("SELECT count(*) FROM 人员", TABLES, limits=Limits(max_query_chars=10))
    assert caught.value.rule == "query-length"


def test_a_count_of_rows_of_one_row_per_entity_is_marked_as_the_person_count():
    marked = analyze("SELECT 行业, count(*) AS n, count(注册资本) AS m FROM 企业 GROUP BY 行业", TABLES, dp=True)
    assert [c.counts_persons for c in marked.columns] == [False, True, False]
    repeated = analyze("SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县", TABLES, dp=True)  # several rows a person
    assert [c.counts_persons for c in repeated.columns] == [False, False]


def test_an_average_of_an_argument_a_sum_beside_it_adds_up_is_marked_with_that_sum():
    sql = "SELECT 行业, sum(注册资本) AS s, avg(注册资本) AS a FROM 企业 GROUP BY 行业"
    assert [c.same_sum for c in analyze(sql, TABLES, dp=True).columns] == [None, None, 1]
    alone = "SELECT 行业, avg(注册资本) AS a FROM 企业 GROUP BY 行业"
    assert [c.same_sum for c in analyze(alone, TABLES, dp=True).columns] == [None, None]
