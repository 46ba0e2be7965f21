"""The rewritten query runs in real DuckDB over Parquet and its hidden columns hold the right values."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.sandbox.spec import ColumnSpec, TableSpec
from gongshu.sandbox.sql import analyze
from gongshu.sandbox.sql.bounding import DpPlan

TABLES = {
    "人员": TableSpec(
        name="人员",
        columns={
            "身份证号": ColumnSpec("身份证号", True, identifier=True),
            "区县": ColumnSpec("区县", False),
            "工资": ColumnSpec("工资", True, numeric=True, bounds=(0, 100)),
        },
        entity="身份证号",
        entity_unique=False,
    ),
    "企业": TableSpec(
        name="企业",
        columns={
            "信用代码": ColumnSpec("信用代码", True, identifier=True),
            "法人": ColumnSpec("法人", True, identifier=True),
            "行业": ColumnSpec("行业", False),
        },
        entity="信用代码",
    ),
}

PEOPLE = {  # A has three rows, C two: rows are not persons
    "身份证号": ["A", "A", "A", "B", "C", "C"],
    "区县": ["东城", "东城", "东城", "东城", "西城", "西城"],
    "工资": [10.0, 20.0, 300.0, -5.0, 40.0, 50.0],
}
COMPANIES = {"信用代码": ["E1", "E2", "E3"], "法人": ["A", "A", "C"], "行业": ["制造", "制造", "零售"]}


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name, data in (("人员", PEOPLE), ("企业", COMPANIES)):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table(data), path)
        connection.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{path}')")
    return connection


def _rows(con: duckdb.DuckDBPyConnection, sql: str, dp: bool = False) -> list[dict[str, object]]:
    analysis = analyze(sql, TABLES, dp=dp)
    result = con.execute(analysis.run_sql)
    names = [d[0] for d in result.description]
    assert names[: len(analysis.columns)] == [c.name for c in analysis.columns]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def test_n_counts_distinct_persons_not_rows(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(con, "SELECT 区县, count(*) AS 行数 FROM 人员 GROUP BY 区县 ORDER BY 区县")
    assert [(r["区县"], r["行数"], r["__n"]) for r in rows] == [("东城", 4, 2), ("西城", 2, 1)]


def test_dominance_columns_hold_the_two_largest_and_the_total_of_absolute_values(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = _rows(con, "SELECT 区县, sum(工资) AS s, avg(工资) AS a FROM 人员 GROUP BY 区县 ORDER BY 区县")
    east = rows[0]
    assert east["s"] == 325.0
    assert east["__dmax_1"] == [300.0, 20.0] and east["__dsum_1"] == 335.0
    assert east["__dmax_2"] == [300.0, 20.0] and east["__dsum_2"] == 335.0


def test_join_takes_the_least_distinct_count_of_the_entity_tables(con: duckdb.DuckDBPyConnection) -> None:
    sql = "SELECT e.行业, count(*) AS n FROM 企业 e JOIN 人员 p ON e.法人 = p.身份证号 GROUP BY e.行业 ORDER BY e.行业"
    rows = _rows(con, sql)
    # 制造: companies E1, E2 (legal person A, three rows each) → 6 rows, 2 companies, 1 person
    assert [(r["行业"], r["n"], r["__n"]) for r in rows] == [("制造", 6, 1), ("零售", 2, 1)]


def test_derived_table_passes_its_entities_to_the_outer_count(con: duckdb.DuckDBPyConnection) -> None:
    sql = (
        "SELECT 区县, avg(s) AS 人均 FROM (SELECT 区县, 身份证号, sum(工资) AS s FROM 人员 GROUP BY 区县, 身份证号) t "
        "GROUP BY 区县 ORDER BY 区县"
    )
    rows = _rows(con, sql)
    assert [(r["区县"], r["人均"], r["__n"]) for r in rows] == [("东城", 162.5, 2), ("西城", 90.0, 1)]


def test_cte_used_twice_carries_the_entity_once(con: duckdb.DuckDBPyConnection) -> None:
    sql = "WITH p AS (SELECT 区县, 身份证号 FROM 人员) SELECT 区县, count(*) AS n FROM p GROUP BY 区县 ORDER BY 区县"
    rows = _rows(con, sql)
    assert [(r["区县"], r["__n"]) for r in rows] == [("东城", 2), ("西城", 1)]


def _plan_rows(con: duckdb.DuckDBPyConnection, sql: str, rows: int, groups: int) -> list[dict[str, object]]:
    plan = analyze(sql, TABLES, dp=True).plan
    assert isinstance(plan, DpPlan)
    result = con.execute(plan.main_sql(rows, groups))
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def test_dp_bounds_each_person_to_l_rows_drawn_at_random_and_clamps_sums(
    con: duckdb.DuckDBPyConnection,
) -> None:
    seen = set()
    for _ in range(40):
        rows = _plan_rows(con, "SELECT 区县, count(*) AS n, sum(工资) AS s FROM 人员 GROUP BY 区县", 1, 1)
        east, west = sorted(rows, key=lambda r: str(r["区县"]))
        assert (east["n"], east["__n"], west["n"], west["__n"]) == (2, 2, 1, 1)
        # one row of A (10, 20 or 300 → clamped to ≤ 100) plus B's -5 clamped to 0
        assert east["s"] in (10.0, 20.0, 100.0) and west["s"] in (40.0, 50.0)
        seen.add(east["s"])
    assert len(seen) > 1  # the row kept is drawn at random, not always the first


def test_dp_bounds_each_person_to_g_groups_and_l_rows_in_all(con: duckdb.DuckDBPyConnection) -> None:
    for _ in range(20):
        rows = _plan_rows(con, "SELECT 工资 AS w, count(*) AS n FROM 人员 GROUP BY 工资", 5, 2)
        # A has three groups (10, 20, 300), C two: at most two of A's survive
        assert sum(r["n"] for r in rows) == 2 + 1 + 2
        rows = _plan_rows(con, "SELECT 工资 AS w, count(*) AS n FROM 人员 GROUP BY 工资", 1, 5)
        assert sum(r["n"] for r in rows) == 1 + 1 + 1  # one row per person in all, whatever its groups


def test_developer_order_and_limit_are_kept(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(con, "SELECT 区县, count(*) FROM 人员 GROUP BY 区县 ORDER BY 2 DESC LIMIT 1")
    assert [(r["区县"], r["count_star()"]) for r in rows] == [("东城", 4)]


def test_dp_clamps_nan_and_infinities_into_the_bounds_and_skips_null(tmp_path: Path) -> None:
    values = [float("nan"), None, float("inf"), float("-inf"), 50.0, 500.0, -1.0]
    path = tmp_path / "收入.parquet"
    pq.write_table(pa.table({"身份证号": [f"P{i}" for i in range(len(values))], "工资": values}), path)
    spec = TableSpec(
        name="收入",
        columns={
            "身份证号": ColumnSpec("身份证号", True, identifier=True),
            "工资": ColumnSpec("工资", True, numeric=True, bounds=(0, 100)),
        },
        entity="身份证号",
    )
    plan = analyze("SELECT sum(工资) AS s, avg(工资) AS a FROM 收入", {"收入": spec}, dp=True).plan
    assert isinstance(plan, DpPlan) and not plan.bounded  # one row per person: no bounding
    with duckdb.connect() as connection:
        connection.execute(f"CREATE VIEW \"收入\" AS SELECT * FROM read_parquet('{path}')")
        row = connection.execute(plan.main_sql(1, 1)).fetchone()
    assert row is not None
    total, _, n, centred, counted = row
    # NaN → 100, +inf → 100, -inf → 0, 50, 500 → 100, -1 → 0; NULL adds nothing and is not counted
    assert (total, centred, counted, n) == (350.0, 350.0 - 6 * 50, 6, 7)
