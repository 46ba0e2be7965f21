"""The rules against values of other persons used to select rows: ``subquery-condition`` (a subquery anywhere but
as a row source turns an aggregate over a small group into a yes/no condition) and ``window-partition`` (a window
not partitioned by the entity carries other persons' values into each row). Also the entity propagation through
nested derived tables (its rewritten SQL runs on DuckDB) and the place of the ``allowed-functions`` refusal of a
parameter. In each refused case « » marks the node the refusal must point at (the marks are removed)."""

from __future__ import annotations

import duckdb
import pytest
from sql_marks import points_inside, refused_at
from test_sql_policy import LIMITS, TABLES

from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.sql import analyze
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules.no_subquery_condition import no_subquery_condition
from gongshu.sandbox.sql.rules.window_partition import window_partition

SMALL = "(SELECT sum(工资) FROM 人员 WHERE 区县 = '新区')"  # one bit about 新区 per query

SUBQUERIES = [  # (id, SQL with the offending subquery between « »)
    ("where-scalar", f"SELECT 区县, count(*) AS n FROM 人员 WHERE «{SMALL}» > 12000 GROUP BY 区县"),
    ("where-compare", "SELECT 区县, count(*) AS n FROM 人员 WHERE 工资 > «(SELECT avg(工资) FROM 人员)» GROUP BY 区县"),
    (
        "in",
        "SELECT 区县, count(*) AS n FROM 人员 WHERE «区县 IN (SELECT 区县 FROM 人员 WHERE 工资 > 12000)» GROUP BY 区县",
    ),
    (
        "not-in",
        "SELECT 区县, count(*) AS n FROM 人员 WHERE NOT «区县 IN (SELECT 区县 FROM 区划 WHERE 人口 < 1000)» "
        "GROUP BY 区县",
    ),
    (
        "in-tuple",
        "SELECT 区县, count(*) AS n FROM 人员 WHERE «(区县, 性别) IN (SELECT 区县, '女' FROM 区划)» GROUP BY 区县",
    ),
    (
        "exists",
        "SELECT count(*) AS n FROM 人员 p WHERE «EXISTS (SELECT 1 FROM 企业 e WHERE e.法人身份证号 = p.身份证号)»",
    ),
    (
        "not-exists",
        "SELECT count(*) AS n FROM 人员 p WHERE NOT «EXISTS (SELECT 1 FROM 人员 WHERE 区县 = '新区' AND 工资 > 12000)»",
    ),
    (
        "any",
        "SELECT 区县, count(*) AS n FROM 人员 WHERE 年份 = «ANY (SELECT 年份 FROM 人员 WHERE 区县 = '新区')» "
        "GROUP BY 区县",
    ),
    (
        "all",
        "SELECT 区县, count(*) AS n FROM 人员 WHERE 年份 > «ALL (SELECT 年份 FROM 人员 WHERE 区县 = '新区')» "
        "GROUP BY 区县",
    ),
    (
        "on",
        f"SELECT p.区县, count(*) AS n FROM 人员 p JOIN 区划 r ON p.区县 = r.区县 AND «{SMALL}» > 12000 "
        "GROUP BY p.区县",
    ),
    ("having", f"SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 HAVING «{SMALL}» > 12000"),
    ("qualify", f"SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 QUALIFY «{SMALL}» > 12000"),
    ("order-by", "SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县 ORDER BY «(SELECT count(*) FROM 区划)»"),
    ("select-list", "SELECT 区县, count(*) AS n, «(SELECT count(*) FROM 区划)» AS k FROM 人员 GROUP BY 区县"),
    (
        "group-key-case",
        f"SELECT 区县, count(*) AS n FROM 人员 GROUP BY 区县, CASE WHEN «{SMALL}» > 12000 THEN 1 END",
    ),
    (
        "derived-column",
        f"SELECT k, count(*) AS n FROM (SELECT CASE WHEN «{SMALL}» > 12000 THEN 'a' ELSE 'b' END AS k FROM 人员) "
        "GROUP BY k",
    ),
    (
        "derived-where",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县 FROM 人员 WHERE 年份 > «(SELECT avg(年份) FROM 人员)») t "
        "GROUP BY 区县",
    ),
    (
        "cte-where",
        "WITH c AS (SELECT 区县 FROM 人员 WHERE «区县 IN (SELECT 区县 FROM 区划)») SELECT 区县, count(*) AS n FROM c "
        "GROUP BY 区县",
    ),
    (
        "joined-derived-where",
        "SELECT t.区县, count(*) AS n FROM (SELECT 区县 FROM 人员) t "
        "JOIN (SELECT 区县 FROM 区划 WHERE 人口 > «(SELECT 1)») r ON t.区县 = r.区县 GROUP BY t.区县",
    ),
]

ROW_SOURCES = [  # subqueries as row sources: derived tables and CTEs, however nested
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, 身份证号 FROM 人员) t GROUP BY 区县",
    "SELECT t.区县, count(*) AS n FROM ((SELECT 区县, 身份证号 FROM 人员)) t GROUP BY t.区县",
    "WITH c AS (SELECT 区县, 身份证号 FROM 人员) SELECT 区县, count(*) AS n FROM c GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (WITH c AS (SELECT 区县, 身份证号 FROM 人员) SELECT 区县, 身份证号 FROM c) "
    "GROUP BY 区县",
    "SELECT t.区县, count(*) AS n FROM 人员 t JOIN (SELECT 区县, 人口 FROM 区划) r ON t.区县 = r.区县 GROUP BY t.区县",
    "SELECT count(DISTINCT p.身份证号) AS n FROM 人员 p JOIN (SELECT 法人身份证号 FROM 企业) e "
    "ON e.法人身份证号 = p.身份证号",  # the semi-join, as a JOIN
    "SELECT 区县, avg(s) AS a FROM (SELECT 区县, 身份证号, sum(工资) AS s FROM 人员 GROUP BY 区县, 身份证号) "
    "GROUP BY 区县",
]

# (id, SQL with the window between « », what the refusal asks for). A window partitioned by an identifier carries
# it in its lineage, so ``identifier-literal`` would refuse comparing it to a literal first: those cases leave the
# window's value unused (the rule reads the window, not its use).
ACROSS_PERSONS = [
    (
        "district-sum-filter",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, «sum(工资) OVER (PARTITION BY 区县)» AS w FROM 人员) "
        "WHERE w > 12000 GROUP BY 区县",
        "人员.身份证号",
    ),
    (
        "district-sum-group-key",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, «sum(年份) OVER (PARTITION BY 区县)» AS w FROM 人员) "
        "GROUP BY 区县, w > 12000",
        "人员.身份证号",
    ),
    (
        "whole-table",
        "SELECT count(*) AS n FROM (SELECT «sum(年份) OVER ()» AS w FROM 人员) WHERE w > 0",
        "人员.身份证号",
    ),
    (
        "rank",
        "SELECT count(*) AS n FROM (SELECT «rank() OVER (ORDER BY 工资)» AS r FROM 人员) WHERE r < 3",
        "人员.身份证号",
    ),
    (
        "lag-by-district",
        "SELECT count(*) AS n FROM (SELECT «lag(区县) OVER (PARTITION BY 区县 ORDER BY 年份)» AS w FROM 人员) "
        "WHERE w = 'x'",
        "人员.身份证号",
    ),
    (
        "ntile",
        "SELECT 段, count(*) AS n FROM (SELECT «ntile(4) OVER (ORDER BY 年份)» AS 段 FROM 人员) GROUP BY 段",
        "人员.身份证号",
    ),
    (
        "qualify",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县 FROM 人员 QUALIFY «sum(年份) OVER (PARTITION BY 区县)» > 9) "
        "GROUP BY 区县",
        "人员.身份证号",
    ),
    (
        "named-window",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, «row_number() OVER w» AS r FROM 人员 "
        "WINDOW w AS (PARTITION BY 区县 ORDER BY 年份)) GROUP BY 区县",
        "人员.身份证号",
    ),
    (
        "another-identifier",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, «row_number() OVER (PARTITION BY 手机号 ORDER BY 年份)» AS r "
        "FROM 人员) GROUP BY 区县",
        "人员.身份证号",
    ),
    (
        "identifier-prefix",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, «count(*) OVER (PARTITION BY k)» AS c "
        "FROM (SELECT 区县, substr(身份证号, 1, 6) AS k FROM 人员) t) GROUP BY 区县",
        "人员.身份证号",
    ),
    (
        "entity-not-carried",
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, «count(*) OVER (PARTITION BY t.区县)» AS c "
        "FROM (SELECT 区县, 年份 FROM 人员) t) WHERE c > 1 GROUP BY 区县",
        "人员.身份证号",
    ),
    (
        "join-one-entity",
        "SELECT 区县, count(*) AS n FROM (SELECT p.区县, «sum(e.注册资本) OVER (PARTITION BY p.身份证号)» AS c "
        "FROM 人员 p JOIN 企业 e ON p.身份证号 = e.法人身份证号) GROUP BY 区县",
        "企业.统一社会信用代码",
    ),
    (
        "self-join-one-side",
        "WITH c AS (SELECT 身份证号, 区县, 年份 FROM 人员) SELECT 区县, count(*) AS n FROM (SELECT a.区县, "
        "«sum(b.年份) OVER (PARTITION BY a.身份证号)» AS s FROM c a JOIN c b ON a.区县 = b.区县) GROUP BY 区县",
        "人员.身份证号",
    ),
]

PER_PERSON = [  # windows that only ever see one person's rows: the rule passes them
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, row_number() OVER (PARTITION BY 身份证号 ORDER BY 年份) AS r "
    "FROM 人员) WHERE r = 1 GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, sum(年份) OVER (PARTITION BY 区县, 身份证号) AS s FROM 人员) "
    "WHERE s > 9 GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, row_number() OVER (PARTITION BY k ORDER BY 年份) AS r "
    "FROM (SELECT 区县, 身份证号 AS k, 年份 FROM 人员) t) WHERE r = 1 GROUP BY 区县",
    "WITH c AS (SELECT 区县, 身份证号, 年份 FROM 人员) SELECT 区县, count(*) AS n FROM (SELECT 区县, "
    "row_number() OVER (PARTITION BY 身份证号 ORDER BY 年份) AS r FROM c) WHERE r = 1 GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, 身份证号, 年份 FROM 人员 "
    "QUALIFY row_number() OVER (PARTITION BY 身份证号 ORDER BY 年份 DESC) = 1) GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, row_number() OVER w AS r FROM 人员 "
    "WINDOW w AS (PARTITION BY 身份证号 ORDER BY 年份)) WHERE r = 1 GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (SELECT 区县, row_number() OVER (v ORDER BY 年份) AS r FROM 人员 "
    "WINDOW u AS (PARTITION BY 身份证号), v AS (u)) WHERE r = 1 GROUP BY 区县",
    "SELECT 区县, count(*) AS n FROM (SELECT p.区县, row_number() OVER (PARTITION BY p.身份证号 ORDER BY d.人口) AS r "
    "FROM 人员 p JOIN 区划 d ON p.区县 = d.区县) WHERE r = 1 GROUP BY 区县",
    "SELECT 行业, count(*) AS n FROM (SELECT e.行业, row_number() OVER (PARTITION BY e.统一社会信用代码, p.身份证号) "
    "AS r FROM 人员 p JOIN 企业 e ON p.身份证号 = e.法人身份证号) WHERE r = 1 GROUP BY 行业",
    "WITH c AS (SELECT 身份证号, 区县, 年份 FROM 人员) SELECT 区县, count(*) AS n FROM (SELECT a.区县, "
    "sum(b.年份) OVER (PARTITION BY a.身份证号, b.身份证号) AS s FROM c a JOIN c b ON a.身份证号 = b.身份证号) "
    "WHERE s > 1 GROUP BY 区县",
    "SELECT 区县, avg(s) AS a FROM (SELECT 区县, 身份证号, sum(年份) OVER (PARTITION BY 身份证号) AS s "
    "FROM (SELECT 区县, 身份证号, sum(年份) AS 年份 FROM 人员 GROUP BY 区县, 身份证号)) GROUP BY 区县",
]


def _query(sql: str, *, dp: bool = False) -> Query:
    return Query(sql.replace("«", "").replace("»", ""), TABLES, LIMITS, dp)


# -- subquery-condition -----------------------------------------------------------------------------


@pytest.mark.parametrize("sql", [s for _, s in SUBQUERIES], ids=[i for i, _ in SUBQUERIES])
def test_a_subquery_that_is_not_a_row_source_is_refused_at_the_subquery(sql: str) -> None:
    refusal, start, end = refused_at(sql)
    assert refusal.rule == "subquery-condition", str(refusal)
    assert points_inside(refusal, start, end), refusal.place
    assert refusal.zh.startswith("查询被拒绝［subquery-condition］：子查询只能作为 FROM/JOIN 的数据源")
    assert "请改为 JOIN 该表" in refusal.zh and "JOIN the table instead" in refusal.en


@pytest.mark.parametrize("sql", ROW_SOURCES, ids=[f"{i}" for i in range(len(ROW_SOURCES))])
def test_derived_tables_and_ctes_remain_allowed(sql: str) -> None:
    findings = {f.rule: f for f in analyze(sql, TABLES, limits=LIMITS).findings}
    assert findings["subquery-condition"].passed and findings["window-partition"].passed


def test_earlier_rules_keep_speaking_first_for_the_subqueries_they_refuse() -> None:
    refusal, _, _ = refused_at("SELECT 区县, «(SELECT max(工资) FROM 人员)» AS top FROM 人员 GROUP BY 区县")
    assert refusal.rule == "value-aggregate"
    refusal, _, _ = refused_at("SELECT SUM(工资 - «(SELECT AVG(工资) FROM 人员)») AS s FROM 人员")
    assert refusal.rule == "aggregate-argument"


def test_a_subquery_condition_is_refused_under_dp_too() -> None:
    sql = f"SELECT 区县, count(*) AS n FROM 人员 WHERE «{SMALL}» > 12000 GROUP BY 区县"
    refusal, _, _ = refused_at(sql, dp=True)
    assert refusal.rule == "subquery-condition"  # a subquery in a condition mixes persons, under DP too
    with pytest.raises(SqlRefused) as caught:
        no_subquery_condition(_query(sql, dp=True))
    assert caught.value.rule == "subquery-condition"


# -- window-partition -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "entity"), [(s, e) for _, s, e in ACROSS_PERSONS], ids=[i for i, _, _ in ACROSS_PERSONS]
)
def test_a_window_across_persons_is_refused_at_the_window(sql: str, entity: str) -> None:
    refusal, start, end = refused_at(sql)
    assert refusal.rule == "window-partition", str(refusal)
    assert points_inside(refusal, start, end), refusal.place
    assert refusal.zh.startswith("查询被拒绝［window-partition］：窗口函数必须按个体标识分区")
    assert f"请在 PARTITION BY 中加入个体标识 {entity}" in refusal.zh
    assert f"add the entity {entity} to its PARTITION BY" in refusal.en


def test_a_window_over_a_table_without_entity_is_refused() -> None:
    refusal, start, end = refused_at(
        "SELECT 区县, count(*) AS n FROM (SELECT 区县 FROM 区划 "
        "QUALIFY «row_number() OVER (PARTITION BY 区县 ORDER BY 人口)» = 1) GROUP BY 区县"
    )
    assert refusal.rule == "window-partition" and points_inside(refusal, start, end)
    assert "none of the tables it reads has an entity column" in refusal.en
    assert "都没有个体标识列" in refusal.zh


@pytest.mark.parametrize("sql", PER_PERSON, ids=[f"{i}" for i in range(len(PER_PERSON))])
def test_a_window_partitioned_by_the_entity_passes_the_rule(sql: str) -> None:
    finding = window_partition(_query(sql))
    assert finding.passed and finding.rule == "window-partition"


def test_a_query_with_a_per_person_window_runs_end_to_end() -> None:
    sql = (
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, row_number() OVER (PARTITION BY 身份证号 ORDER BY 年份) AS r "
        "FROM 人员) GROUP BY 区县"
    )
    analysis = analyze(sql, TABLES, limits=LIMITS)
    assert all(f.passed for f in analysis.findings)
    rows = _database().execute(analysis.run_sql).fetchall()
    assert {r[0]: r[1:3] for r in rows} == {"东区": (3, 2), "西区": (1, 1)}  # n rows, __n persons


def test_the_latest_row_of_each_person_chosen_by_a_per_person_window_runs_end_to_end() -> None:
    """The window's value is a rank within one person's rows: its PARTITION BY identifier does not flow into it."""
    sql = (
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, row_number() OVER (PARTITION BY 身份证号 ORDER BY 年份 DESC) "
        "AS r FROM 人员) WHERE r = 1 GROUP BY 区县"
    )
    analysis = analyze(sql, TABLES, limits=LIMITS)
    assert all(f.passed for f in analysis.findings)
    rows = _database().execute(analysis.run_sql).fetchall()
    assert {r[0]: r[1:3] for r in rows} == {"东区": (2, 2), "西区": (1, 1)}  # one row per person


def test_a_window_across_persons_is_refused_under_dp_too() -> None:
    sql = (
        "SELECT 区县, count(*) AS n FROM (SELECT 区县, sum(工资) OVER (PARTITION BY 区县) AS w FROM 人员) GROUP BY 区县"
    )
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES, limits=LIMITS, dp=True)
    assert caught.value.rule == "window-partition"  # a window across persons mixes them, under DP too
    with pytest.raises(SqlRefused) as caught:
        window_partition(_query(sql, dp=True))
    assert caught.value.rule == "window-partition"


# -- entity propagation through nested derived tables ----------------------------------------------

PEOPLE = [  # (身份证号, 区县, 工资): 东区 has two persons (A with two rows), 西区 one
    ("A", "东区", 100.0),
    ("A", "东区", 50.0),
    ("B", "东区", 70.0),
    ("C", "西区", 30.0),
]


def _database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for spec in TABLES.values():
        cols = ", ".join(f'"{c.name}" {"DOUBLE" if c.numeric else "VARCHAR"}' for c in spec.columns.values())
        con.execute(f'CREATE TABLE "{spec.name}" ({cols})')
    con.executemany('INSERT INTO "人员" ("身份证号", "区县", "工资", "年份") VALUES (?, ?, ?, 2020)', PEOPLE)
    con.execute("INSERT INTO \"区划\" VALUES ('东区', 10), ('西区', 20)")
    return con


NESTED = [  # (id, SQL): 区县, a (the average per-person total), counted over persons
    (
        "grouped-over-derived",
        "SELECT 区县, avg(s) AS a FROM (SELECT 区县, 身份证号, sum(w) AS s FROM (SELECT 区县, 身份证号, 工资 AS w "
        "FROM 人员) x GROUP BY 区县, 身份证号) y GROUP BY 区县",
    ),
    (
        "grouped-over-renamed-derived",
        "SELECT 区县, avg(s) AS a FROM (SELECT 区县, k, sum(w) AS s FROM (SELECT 区县, 身份证号 AS k, 工资 AS w "
        "FROM 人员) x GROUP BY 区县, k) y GROUP BY 区县",
    ),
    (
        "grouped-inside-derived",
        "SELECT 区县, avg(s) AS a FROM (SELECT 区县, 身份证号, s FROM (SELECT 区县, 身份证号, sum(工资) AS s "
        "FROM 人员 GROUP BY 区县, 身份证号) x) y GROUP BY 区县",
    ),
    (
        "grouped-twice",
        "SELECT 区县, avg(t) AS a FROM (SELECT 区县, 身份证号, sum(s) AS t FROM (SELECT 区县, 身份证号, sum(w) AS s "
        "FROM (SELECT 区县, 身份证号, 工资 AS w FROM 人员) x GROUP BY 区县, 身份证号) y GROUP BY 区县, 身份证号) z "
        "GROUP BY 区县",
    ),
    (
        "cte-chain",
        "WITH x AS (SELECT 区县, 身份证号, 工资 AS w FROM 人员), y AS (SELECT 区县, 身份证号, sum(w) AS s FROM x "
        "GROUP BY 区县, 身份证号) SELECT 区县, avg(s) AS a FROM y GROUP BY 区县",
    ),
    (
        "grouped-over-joined-derived",
        "SELECT y.区县, avg(y.s) AS a FROM (SELECT x.区县, x.身份证号, sum(x.w) AS s FROM (SELECT 区县, 身份证号, "
        "工资 AS w FROM 人员) x JOIN 区划 r ON x.区县 = r.区县 GROUP BY x.区县, x.身份证号) y GROUP BY y.区县",
    ),
]


@pytest.mark.parametrize("sql", [s for _, s in NESTED], ids=[i for i, _ in NESTED])
def test_the_entity_carried_out_of_a_derived_table_grouped_by_it_runs_on_duckdb_and_counts_persons(sql: str) -> None:
    analysis = analyze(sql, TABLES, limits=LIMITS)
    rows = _database().execute(analysis.run_sql).fetchall()
    got = {r[0]: (r[1], r[2]) for r in rows}  # 区县 -> (a, __n)
    assert got == {"东区": ((150.0 + 70.0) / 2, 2), "西区": (30.0, 1)}


def test_a_derived_table_grouped_by_an_expression_of_the_identifier_is_refused_not_broken() -> None:
    sql = (
        "SELECT 区县, avg(s) AS a FROM (SELECT 区县, k, sum(w) AS s FROM (SELECT 区县, substr(身份证号, 1, 6) AS k, "
        "工资 AS w FROM 人员) x GROUP BY 区县, k) y GROUP BY 区县"
    )
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES, limits=LIMITS)
    assert caught.value.rule == "population"


# -- allowed-functions: the place of a parameter ----------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "place"),
    [
        ("SELECT 区县, count(*) AS n FROM 人员 WHERE 年份 > $1 GROUP BY 区县", "$1"),
        ("SELECT 区县, count(*) AS n FROM 人员 WHERE coalesce(年份, 0) > ? GROUP BY 区县", "?"),
        ("SELECT 区县, count(*) AS n FROM 人员 WHERE 年份 > $x GROUP BY 区县", "$x"),
        ("SELECT 区县 FROM 人员 WHERE 年份 > $1", "$1"),  # no function call at all
    ],
)
def test_a_parameter_is_refused_at_the_parameter_not_at_the_last_function(sql: str, place: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES, limits=LIMITS)
    assert caught.value.rule == "allowed-functions"
    assert caught.value.place == place
