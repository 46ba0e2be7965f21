"""The rules and the rewrite that keep failures independent of the data: ``identifier-literal`` (every way of
comparing an identifier with a literal), ``error-free`` (what the rewrite cannot guard is refused at submission)
and ``sql.safe`` (what may raise is rewritten not to)."""

from __future__ import annotations

import pytest
import sqlglot
from test_sql_policy import LIMITS, TABLES

from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules.error_free import error_free
from gongshu.sandbox.sql.rules.identifier_literals import identifier_literals
from gongshu.sandbox.sql.safe import make_safe

I = "身份证号"  # noqa: E741 - the identifier item of the policy tests' table

ID_COMPARISONS = [  # every way of comparing the identifier with a literal, directly or through a function of it
    f"{I} = '1'",
    f"'1' = {I}",
    f"{I} <> '1'",
    f"{I} > '5'",
    f"{I} IS DISTINCT FROM '1'",
    f"NOT ({I} <> '1')",
    f"{I} IN ('1', '2')",
    f"{I} NOT IN ('1')",
    f"{I} = ANY(['1'])",
    f"{I} LIKE '11%'",
    f"{I} ILIKE '11%'",
    f"{I} GLOB '11*'",
    f"{I} SIMILAR TO '11.*'",
    f"{I} ~ '^11'",
    f"regexp_matches({I}, '^11')",
    f"NULLIF({I}, '1') IS NULL",
    f"CASE {I} WHEN '1' THEN 1 ELSE 0 END = 1",
    f"CASE WHEN {I} = '1' THEN 1 END = 1",
    f"IF({I} = '1', 1, 0) = 1",
    f"{I} BETWEEN '1' AND '2'",
    f"{I} >= '4101' AND {I} < '4102'",
    f"substr({I}, 1, 6) = '110101'",
    f"left({I}, 6) = '110101'",
    f"right({I}, 1) = 'X'",
    f"reverse({I}) = '1'",
    f"hash({I}) = 123456",
    f"hash({I}) % 200 = 7",
    f"contains({I}, '1101')",
    f"starts_with({I}, '11')",
    f"prefix({I}, '11')",
    f"ends_with({I}, 'X')",
    f"instr({I}, '11') = 1",
    f"position('11' IN {I}) = 1",
    f"strpos({I}, '11') = 1",
    f"CAST({I} AS BIGINT) = 110101",
    f"{I}::VARCHAR = '1'",
    f"TRY_CAST({I} AS BIGINT) = 1",
    f"CAST({I} AS BIGINT) % 2 = 0",
    f"CAST(substr({I}, 7, 4) AS INTEGER) > 1990",
    f"length({I}) = 18",
    f"{I} || 'x' = '1x'",
    f"md5({I}) = 'abc'",
    f"md5({I}) LIKE 'a%'",
    f"upper({I}) = 'X'",
    f"lower({I}) IN ('x')",
    f"concat({I}, '') = '1'",
    f"replace({I}, '1', '') = ''",
    f"translate({I}, '1', '') = ''",
    f"split_part({I}, '0', 1) = '11'",
    f"levenshtein({I}, '1') < 3",
    f"COALESCE({I}, 'x') = 'x'",
    f"GREATEST({I}, '5') = '5'",
    f"{I} IN (SELECT '1')",
]


def _rule(rule, sql: str, dp: bool = False):  # type: ignore[no-untyped-def]
    return rule(Query(sql, TABLES, LIMITS, dp))


@pytest.mark.parametrize("cond", ID_COMPARISONS)
def test_an_identifier_compared_with_a_literal_in_any_form_is_refused(cond: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        _rule(identifier_literals, f"SELECT 区县, COUNT(*) AS n FROM 人员 WHERE {cond} GROUP BY 区县")
    assert caught.value.rule == "identifier-literal"


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT NULLIF({I}, '1') IS NULL AS k, COUNT(*) AS n FROM 人员 GROUP BY 1",
        f"SELECT CASE {I} WHEN '1' THEN 'a' ELSE 'b' END AS k, COUNT(*) AS n FROM 人员 GROUP BY 1",
    ],
    ids=["nullif-as-key", "case-as-key"],
)
def test_an_identifier_compared_with_a_literal_outside_where_is_refused(sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        _rule(identifier_literals, sql)
    assert caught.value.rule == "identifier-literal"


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT 区县, COUNT(DISTINCT {I}) AS n FROM 人员 GROUP BY 区县",
        f"SELECT 区县, COUNT(DISTINCT CASE WHEN 区县 = '新区' THEN {I} END) AS n FROM 人员 GROUP BY 区县",
        f"SELECT a.区县, COUNT(*) AS n FROM 人员 a JOIN 人员 b ON a.{I} = b.{I} GROUP BY a.区县",
    ],
    ids=["count-distinct", "searched-case-returning-the-identifier", "join-on-identifiers"],
)
def test_identifiers_matched_to_identifiers_or_counted_pass(sql: str) -> None:
    assert _rule(identifier_literals, sql).passed


ERROR_PRONE = [  # what could raise depending on the data and cannot be rewritten not to
    ("pattern-from-a-column", "SELECT 区县, COUNT(*) AS n FROM 人员 WHERE 姓名 LIKE 区县 GROUP BY 区县"),
    ("regexp-from-a-column", "SELECT 区县, COUNT(*) AS n FROM 人员 WHERE regexp_matches(姓名, 区县) GROUP BY 区县"),
    (
        "regexp-replacement-from-a-column",
        "SELECT regexp_replace(区县, '(.)', 性别) AS k, COUNT(*) AS n FROM 人员 GROUP BY 1",
    ),
    ("hugeint", "SELECT 区县, SUM(CAST(工资 AS HUGEINT)) AS s FROM 人员 GROUP BY 区县"),
    ("wide-decimal", "SELECT 区县, SUM(工资::DECIMAL(38, 0)) AS s FROM 人员 GROUP BY 区县"),
    (
        "wide-literal",
        "SELECT 区县, COUNT(*) AS n FROM 人员 WHERE 年份 < 170141183460469231731687303715884105727 GROUP BY 区县",
    ),
    ("skewness", "SELECT 区县, SKEWNESS(工资) AS s FROM 人员 GROUP BY 区县"),
]


@pytest.mark.parametrize("sql", [s for _, s in ERROR_PRONE], ids=[i for i, _ in ERROR_PRONE])
def test_what_could_raise_by_the_data_and_cannot_be_guarded_is_refused_at_submission(sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        _rule(error_free, sql)
    assert caught.value.rule == "error-free"


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 区县, COUNT(*) AS n FROM 人员 WHERE 姓名 LIKE '张%' AND regexp_matches(区县, '区$') GROUP BY 区县",
        "SELECT 区县, SUM(工资::DECIMAL(18, 2)) AS s, SUM(CAST(工资 AS BIGINT)) AS t FROM 人员 GROUP BY 区县",
        "SELECT 区县, COUNT(*) AS n FROM 人员 WHERE 年份 < 9223372036854775807 GROUP BY 区县",
    ],
    ids=["literal-patterns", "narrow-types", "int64-literal"],
)
def test_guarded_or_harmless_forms_pass_the_error_free_rule(sql: str) -> None:
    assert _rule(error_free, sql).passed


SAFE = [  # (DuckDB SQL, the same made safe)
    ("SELECT CAST(a AS INT) FROM t", "SELECT TRY_CAST(a AS INT) FROM t"),
    ("SELECT a::DATE FROM t", "SELECT TRY_CAST(a AS DATE) FROM t"),
    (
        "SELECT a / b, a // b, a % b FROM t",
        "SELECT a / NULLIF(b, 0), TRY(a // NULLIF(b, 0)), TRY(a % NULLIF(b, 0)) FROM t",
    ),
    ("SELECT a // 2, a % 7 FROM t", "SELECT a // 2, a % 7 FROM t"),
    ("SELECT a * 2, a + b, -a FROM t", "SELECT TRY(a * 2), TRY(a + b), TRY(-a) FROM t"),
    ("SELECT 2 * 3 FROM t", "SELECT 2 * 3 FROM t"),  # constants: whatever they do, the data does not choose it
    (
        "SELECT SUM(a) * 100 / COUNT(*) FROM t",
        "SELECT TRY_CAST(SUM(a) AS DOUBLE) * TRY_CAST(100 AS DOUBLE) / NULLIF(COUNT(*), 0) FROM t",
    ),
    (
        "SELECT CASE WHEN a > 1 THEN 'x' ELSE 1 END FROM t",
        "SELECT CASE WHEN a > 1 THEN TRY_CAST('x' AS TEXT) ELSE 1 END FROM t",
    ),
    ("SELECT COALESCE(a, 'n') FROM t", "SELECT COALESCE(a, TRY_CAST('n' AS TEXT)) FROM t"),
    (
        "SELECT substr(a, 1, 2) AS k, COUNT(*) FROM t GROUP BY substr(a, 1, 2)",
        "SELECT TRY(SUBSTRING(a, 1, 2)) AS k, COUNT(*) FROM t GROUP BY TRY(SUBSTRING(a, 1, 2))",
    ),
    (
        "SELECT COUNT(*) FROM t WHERE b = 'x' AND make_date(2020, a, 1) > DATE '2020-01-01'",
        "SELECT COUNT(*) FROM t WHERE b = 'x' AND TRY(MAKE_DATE(2020, a, 1)) > CAST('2020-01-01' AS DATE)",
    ),
    ("SELECT upper(a), hash(a), md5(a) FROM t", "SELECT UPPER(a), HASH(a), MD5(a) FROM t"),
    (
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b * 2) FROM t",
        "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY TRY(b * 2)) FROM t",
    ),
]


@pytest.mark.parametrize(("sql", "safe"), SAFE, ids=[s for s, _ in SAFE])
def test_what_may_raise_is_rewritten_not_to(sql: str, safe: str) -> None:
    assert make_safe(sqlglot.parse_one(sql, read="duckdb")).sql("duckdb") == safe
