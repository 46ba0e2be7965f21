"""The rules against measures that hide a population: ``aggregate-argument`` (conditional aggregation: FILTER, CASE,
comparisons, casts, step functions … inside an aggregate, also through derived tables and CTEs) and
``window-over-cells`` (a window over the cells of an aggregating SELECT, which spans the cells output control
drops later). In each refused case « » marks the node the refusal must point at (the marks are removed)."""

from __future__ import annotations

import pytest
from sql_marks import points_inside, refused_at
from test_sql_policy import LIMITS, TABLES

from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.sql import analyze

CONDITIONAL = [  # (id, SQL with the offending node between « »)
    ("filter", "SELECT «SUM(工资) FILTER (WHERE 区县 = '新区')» AS s, COUNT(*) AS n FROM 人员"),
    ("count-case", "SELECT COUNT(«CASE WHEN 区县 = '新区' THEN 1 END») AS s FROM 人员"),
    ("complement", "SELECT SUM(«CASE WHEN 区县 <> '新区' THEN 工资 END») AS a, SUM(工资) AS b FROM 人员"),
    ("times-cast-bool", "SELECT SUM(工资 * «CAST(区县 = '新区' AS INTEGER)») AS s FROM 人员"),
    ("threshold", "SELECT SUM(«CASE WHEN 工资 > 12000 THEN 工资 END») AS s FROM 人员"),
    ("two-items-divisor", "SELECT SUM(«工资 / (年份 - 7)») AS s FROM 人员"),
    ("item-in-divisor", "SELECT SUM(1000 / «(工资 - 12345)») AS s FROM 人员"),
    ("rounding", "SELECT SUM(«CAST(工资 / 12346 AS INTEGER)») AS s FROM 人员"),
    ("derived-case", "SELECT SUM(v) AS s FROM (SELECT «CASE WHEN 区县 = '新区' THEN 工资 END» AS v FROM 人员)"),
    ("cte-if", "WITH c AS (SELECT «IF(区县 = '新区', 工资, NULL)» AS v FROM 人员) SELECT SUM(v) AS s FROM c"),
    (
        "per-person-case",
        "SELECT AVG(s) AS a FROM (SELECT 身份证号, SUM(«CASE WHEN 区县 = '新区' THEN 工资 END») AS s "
        "FROM 人员 GROUP BY 身份证号)",
    ),
    (
        "per-person-filter",
        "SELECT COUNT(s) AS n FROM (SELECT 身份证号, «SUM(工资) FILTER (WHERE 区县 = '新区')» AS s "
        "FROM 人员 GROUP BY 身份证号)",
    ),
    (
        "per-person-two-aggregates",
        "SELECT AVG(s) AS a FROM (SELECT 身份证号, «SUM(工资) - SUM(年份)» AS s FROM 人员 GROUP BY 身份证号)",
    ),
    ("or-null", "SELECT COUNT(«区县 = '新区' OR NULL») AS n FROM 人员"),
    ("count-if", "SELECT COUNT_IF(«区县 = '新区'») AS n FROM 人员"),
    ("comparison", "SELECT SUM(«工资 > 12000») AS n FROM 人员"),
    ("in", "SELECT SUM(工资 * «(区县 IN ('新区'))::INT») AS s FROM 人员"),
    ("like", "SELECT SUM(工资 * («区县 LIKE '新%'»)::DOUBLE) AS s FROM 人员"),
    ("between", "SELECT SUM(工资 * («工资 BETWEEN 12000 AND 13000»)::DOUBLE) AS s FROM 人员"),
    ("is", "SELECT COUNT(«工资 IS NULL OR NULL») AS s FROM 人员"),
    ("not", "SELECT SUM(«NOT 性别 = '女'») AS s FROM 人员"),
    ("coalesce", "SELECT SUM(«COALESCE(工资, 0)») AS s FROM 人员"),
    ("nullif", "SELECT AVG(«NULLIF(工资, 12345)») AS s FROM 人员"),
    ("greatest", "SELECT SUM(«GREATEST(工资, 12000)») AS s FROM 人员"),
    ("least", "SELECT SUM(«LEAST(工资, 12000)») AS s FROM 人员"),
    ("round", "SELECT SUM(«round(工资, -3)») AS s FROM 人员"),
    ("floor", "SELECT SUM(«floor(工资 / 1000)») AS s FROM 人员"),
    ("abs", "SELECT SUM(«abs(工资 - 12345)») AS s FROM 人员"),
    ("length", "SELECT COUNT(«length(姓名)») AS s FROM 人员"),
    ("mod", "SELECT SUM(«工资 % 2») AS s FROM 人员"),
    ("int-div", "SELECT SUM(«工资 // 1000») AS s FROM 人员"),
    ("cast-decimal", "SELECT SUM(«CAST(工资 AS DECIMAL(10, 0))») AS s FROM 人员"),
    ("cast-bigint", "SELECT SUM(«CAST(工资 AS BIGINT)») AS s FROM 人员"),
    ("cast-boolean", "SELECT COUNT(«CAST(工资 AS BOOLEAN)») AS s FROM 人员"),
    ("cast-varchar", "SELECT COUNT(DISTINCT «CAST(工资 AS VARCHAR)») AS s FROM 人员"),
    ("try-cast-text", "SELECT COUNT(«TRY_CAST(区县 AS DOUBLE)») AS n FROM 人员"),
    ("text-arithmetic", "SELECT COUNT(«姓名 + 0») AS n FROM 人员"),
    (
        "text-aggregate-arithmetic",
        "SELECT AVG(«m * 1») AS a FROM (SELECT 身份证号, MAX(区县) AS m FROM 人员 GROUP BY 身份证号)",
    ),
    ("two-items", "SELECT SUM(«工资 * 年份») AS s FROM 人员"),
    ("item-twice", "SELECT SUM(«工资 - 工资») AS s FROM 人员"),
    ("derived-two-items", "SELECT SUM(v) AS s FROM (SELECT «工资 - 年份» AS v FROM 人员)"),
    ("float-rounding", "SELECT SUM(«工资 + 1e20» - 1e20) AS s FROM 人员"),
    ("float-underflow", "SELECT SUM(工资 * «1e-300» * 1e-27) AS s FROM 人员"),
    ("float32-rounding", "SELECT SUM(CAST(«工资 * 1e-6 + 1e6» AS FLOAT)) AS s FROM 人员"),
    ("huge-literal", "SELECT SUM(工资 * «1e400») AS s FROM 人员"),
    ("division-by-zero", "SELECT SUM(工资 / «0») AS s FROM 人员"),
    ("constant-expression", "SELECT SUM(工资 * «(1 + 0.1)») AS s FROM 人员"),
    ("subquery", "SELECT SUM(工资 - «(SELECT AVG(工资) FROM 人员)») AS s FROM 人员"),
    (
        "window-value",
        "SELECT 区县, AVG(k) AS a, COUNT(*) AS n "
        "FROM (SELECT 区县, «COUNT(*) OVER (PARTITION BY 性别)» AS k FROM 人员) GROUP BY 区县",
    ),
    (
        "having",
        "SELECT 区县, COUNT(*) AS n FROM 人员 GROUP BY 区县 HAVING SUM(«CASE WHEN 工资 > 12000 THEN 1 END») > 0",
    ),
    (
        "ordered-aggregate",
        "SELECT 区县, first(年份 ORDER BY «CASE WHEN 性别 = '女' THEN 0 ELSE 1 END») AS y FROM 人员 GROUP BY 区县",
    ),
    ("value-aggregate", "SELECT 区县, MAX(«CASE WHEN 性别 = '女' THEN 年份 END») AS y FROM 人员 GROUP BY 区县"),
    ("second-argument", "SELECT corr(年龄, «CASE WHEN 区县 = '新区' THEN 工资 END») AS c FROM 人员"),
    (
        "scalar-subquery",
        "SELECT 区县, count(*) AS n FROM 人员 WHERE 工资 > (SELECT «sum(工资) FILTER (WHERE 性别 = '女')» FROM 人员) "
        "GROUP BY 区县",
    ),
]

WINDOWS = [
    (
        "pairwise-sums",
        "SELECT 区县, COUNT(*) AS n, «SUM(SUM(工资)) OVER (ORDER BY 区县 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)» "
        "AS w FROM 人员 GROUP BY 区县",
    ),
    ("lag", "SELECT 区县, COUNT(*) AS n, «LAG(COUNT(*)) OVER (ORDER BY 区县)» AS p FROM 人员 GROUP BY 区县"),
    ("share", "select 年份, count(*) * 100.0 / «sum(count(*)) over ()» as 比例 from 人员 group by 年份"),
    ("rank", "SELECT 区县, «RANK() OVER (ORDER BY SUM(工资))» AS r FROM 人员 GROUP BY 区县"),
    ("no-group-by", "SELECT COUNT(*) AS n, «SUM(COUNT(*)) OVER ()» AS t FROM 人员"),
    (
        "qualify",
        "SELECT 区县, COUNT(*) AS n FROM 人员 GROUP BY 区县 QUALIFY «ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC)» <= 3",
    ),
    ("order-by", "SELECT 区县, COUNT(*) AS n FROM 人员 GROUP BY 区县 ORDER BY «SUM(COUNT(*)) OVER (ORDER BY 区县)»"),
    (
        "partition",
        "SELECT 区县, COUNT(*) AS n FROM 人员 GROUP BY 区县, 性别 QUALIFY «COUNT(*) OVER (PARTITION BY 区县)» > 1",
    ),
    (
        "aggregating-derived-table",
        "SELECT COUNT(*) AS n FROM (SELECT 区县, «SUM(COUNT(*)) OVER ()» AS t FROM 人员 GROUP BY 区县) WHERE t > 100",
    ),
]

ALLOWED = [
    "SELECT 区县, COUNT(*), SUM(工资), AVG(工资) FROM 人员 GROUP BY 区县",
    "SELECT AVG(s) AS a FROM (SELECT 身份证号, SUM(工资) AS s FROM 人员 GROUP BY 身份证号)",
    "SELECT 区县, AVG(s) AS a FROM (SELECT 区县, 身份证号, SUM(工资) * 12 AS s FROM 人员 GROUP BY 区县, 身份证号) "
    "GROUP BY 区县",
    "SELECT COUNT(DISTINCT 身份证号) AS n, AVG(工资 / 100.0) AS a, SUM(工资 * 12) AS s FROM 人员",
    "SELECT 区县, SUM(-(工资 - 5000) * 0.03) AS tax FROM 人员 GROUP BY 区县",
    "SELECT 区县, AVG(CAST(工资 AS DOUBLE) / 1000) AS a, SUM(TRY_CAST(年份 AS REAL) - 2000) AS y "
    "FROM 人员 GROUP BY 区县",
    "SELECT 区县, AVG(工资::FLOAT) AS a FROM 人员 GROUP BY 区县",
    "SELECT 区县, COUNT(1) AS n, COUNT(年龄) AS k, SUM(DISTINCT 年份) AS y FROM 人员 GROUP BY 区县",
    "SELECT 性别, corr(年龄, 工资) AS c, stddev(工资 / 1000) AS sd FROM 人员 GROUP BY 性别",
    "SELECT 性别, string_agg(区县, ',') AS c, min(年份) AS y FROM 人员 GROUP BY 性别",
    "WITH c AS (SELECT 区县, 工资 * 12 AS 年薪 FROM 人员) SELECT 区县, SUM(年薪) AS s FROM c GROUP BY 区县",
    "SELECT 区县, SUM(x) AS s FROM (SELECT 区县, 1 AS x FROM 人员) GROUP BY 区县",
    "SELECT AVG(m / 10) AS a FROM (SELECT 身份证号, MAX(年份) AS m FROM 人员 GROUP BY 身份证号)",
    "SELECT COUNT(DISTINCT 区县) AS a, COUNT(区县) AS b FROM 人员",
    # conditions where the minimum cell count and the differencing control see them
    "SELECT 区县, COUNT(*) AS n, SUM(工资) AS s FROM 人员 WHERE 区县 = '新区' AND 工资 > 12000 GROUP BY 区县 "
    "HAVING COUNT(*) > 5 ORDER BY n DESC",
    # a window over rows in a derived table that does not aggregate (partitioned by the person: window-partition)
    "SELECT 区县, COUNT(*) AS n FROM (SELECT 区县, row_number() OVER (PARTITION BY 身份证号 ORDER BY 年份) AS r "
    "FROM 人员) GROUP BY 区县",
]

# Windows over rows in a derived table that does not aggregate: both rules here pass them; the later
# ``window-partition`` refuses them because they span several persons (tests/unit/sandbox/test_sql_condition_rules.py).
WINDOWS_OVER_ROWS = [
    "SELECT 段, COUNT(*) AS n FROM (SELECT 区县, ntile(4) OVER (ORDER BY 年份) AS 段 FROM 人员) GROUP BY 段",
    "SELECT 年份, COUNT(*) AS n FROM (SELECT 年份, row_number() OVER (PARTITION BY 区县 ORDER BY 年份) AS r FROM 人员) "
    "WHERE r <= 3 GROUP BY 年份",
]


@pytest.mark.parametrize("sql", [s for _, s in CONDITIONAL], ids=[i for i, _ in CONDITIONAL])
def test_conditional_aggregation_is_refused_at_the_node_that_hides_a_population(sql: str) -> None:
    refusal, start, end = refused_at(sql)
    assert refusal.rule == "aggregate-argument", str(refusal)
    assert points_inside(refusal, start, end), refusal.place
    assert "条件聚合会在度量中隐藏一个子总体" in refusal.zh and "WHERE 或 GROUP BY" in refusal.zh
    assert "put conditions in WHERE or GROUP BY" in refusal.en


@pytest.mark.parametrize("sql", [s for _, s in WINDOWS], ids=[i for i, _ in WINDOWS])
def test_a_window_over_the_cells_of_an_aggregating_select_is_refused_at_the_window(sql: str) -> None:
    refusal, start, end = refused_at(sql)
    assert refusal.rule == "window-over-cells", str(refusal)
    assert points_inside(refusal, start, end), refusal.place
    assert refusal.zh.startswith("查询被拒绝［window-over-cells］：聚合查询中的窗口函数")


@pytest.mark.parametrize("sql", ALLOWED, ids=[f"{i}" for i in range(len(ALLOWED))])
def test_measures_of_the_whole_cell_and_windows_over_rows_pass_both_rules(sql: str) -> None:
    findings = {f.rule: f for f in analyze(sql, TABLES, limits=LIMITS).findings}
    assert findings["aggregate-argument"].passed and findings["window-over-cells"].passed
    assert all(f.zh and f.en for f in findings.values())


@pytest.mark.parametrize("sql", WINDOWS_OVER_ROWS, ids=[f"{i}" for i in range(len(WINDOWS_OVER_ROWS))])
def test_windows_over_rows_pass_both_rules_and_only_the_later_window_partition_refuses_them(sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        analyze(sql, TABLES, limits=LIMITS)
    assert caught.value.rule == "window-partition", str(caught.value)


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("SELECT «SUM(工资) FILTER (WHERE 区县 = '新区')» AS s FROM 人员", "SUM carries a FILTER clause"),
        ("SELECT COUNT(«CASE WHEN 区县 = '新区' THEN 1 END») AS s FROM 人员", "COUNT holds a conditional (CASE)"),
        ("SELECT SUM(«CAST(工资 / 12346 AS INTEGER)») AS s FROM 人员", "a cast to INT"),
        ("SELECT SUM(1000 / «(工资 - 12345)») AS s FROM 人员", "an item in a divisor"),
        ("SELECT SUM(«工资 * 年份») AS s FROM 人员", "an operation between two values"),
        ("SELECT SUM(«工资 + 1e20» - 1e20) AS s FROM 人员", "out of range"),
        ("SELECT COUNT(«区县 = '新区' OR NULL») AS n FROM 人员", "a condition (OR)"),
        ("SELECT SUM(«COALESCE(工资, 0)») AS s FROM 人员", "the function COALESCE"),
        (
            "SELECT SUM(v) AS s FROM (SELECT «CASE WHEN 区县 = '新区' THEN 工资 END» AS v FROM 人员)",
            "the argument of SUM (through the derived column v) holds a conditional (CASE)",
        ),
    ],
)
def test_the_refusal_names_what_it_found(sql: str, found: str) -> None:
    refusal, _, _ = refused_at(sql)
    assert found in refusal.en, refusal.en


def test_the_chinese_message_comes_first_and_names_the_derived_column() -> None:
    refusal, _, _ = refused_at(
        "SELECT SUM(v) AS s FROM (SELECT «CASE WHEN 区县 = '新区' THEN 工资 END» AS v FROM 人员)"
    )
    assert refusal.zh.startswith(
        "查询被拒绝［aggregate-argument］：条件聚合会在度量中隐藏一个子总体：SUM 的参数（经派生列 v）"
    )
    assert "条件表达式 CASE" in refusal.zh


def test_conditional_aggregation_is_fine_under_dp_where_each_person_is_bounded_and_every_value_noisy() -> None:
    analysis = analyze(
        "SELECT 区县, COUNT(CASE WHEN 区县 = '新区' THEN 1 END) AS n FROM 人员 GROUP BY 区县", TABLES, dp=True
    )
    assert [c.aggregate for c in analysis.columns] == [None, "count"]


def test_under_dp_an_aggregate_inside_an_expression_or_a_window_is_refused() -> None:
    refusal, _, _ = refused_at("SELECT 区县, «sum(length(区县))» AS s FROM 人员 GROUP BY 区县", dp=True)
    assert refusal.rule == "dp-bounds"  # length() of a text has no range to clamp to
    refusal, _, _ = refused_at(
        "SELECT 区县, COUNT(*) AS n, «SUM(COUNT(*)) OVER ()» AS t FROM 人员 GROUP BY 区县", dp=True
    )
    assert refusal.rule == "dp-aggregates"  # a windowed aggregate is no DP aggregate


def test_a_plain_dp_query_passes_both_rules() -> None:
    analysis = analyze("SELECT 区县, COUNT(*) AS n, SUM(工资) AS s FROM 人员 GROUP BY 区县", TABLES, dp=True)
    rules = [f.rule for f in analysis.findings]
    assert rules[-7:] == [
        "aggregate-argument",
        "window-over-cells",
        "subquery-condition",
        "window-partition",
        "personal-needs-dp",
        "population",
        "dp-person",
    ]
