"""SparkEngine: the same results as DuckDB on the same Parquet files; no file access; a timeout cancels."""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.sandbox.engines.duckdb_engine import DuckDBEngine
from gongshu.sandbox.engines.ports import RunLimits
from gongshu.sandbox.engines.spark_engine import SparkEngine, rename_columns
from gongshu.sandbox.engines.transpile import to_spark
from gongshu.sandbox.errors import EngineError
from gongshu.sandbox.spec import ColumnSpec, TableSpec
from gongshu.sandbox.sql import analyze
from gongshu.sandbox.sql.bounding import DpPlan

NO_JAVA = shutil.which("java") is None
LIMITS = RunLimits(seconds=60)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("parquet")
    n = 600
    people = pa.table(
        {
            "区": [f"{i % 4}区" for i in range(n)],
            "行业": [("制造", "零售", "金融")[i % 3] for i in range(n)],
            "工资": pa.array([(i * 37) % 900 - 100 for i in range(n)], pa.int32()),
            "姓名": [f"{'张王李'[i % 3]}{i}" for i in range(n)],
            "编号": [i // 2 for i in range(n)],  # every person twice: QUALIFY dedupes
        }
    )
    areas = pa.table({"区": ["0区", "1区", "2区", "3区"], "城市": ["杭州", "杭州", "宁波", "宁波"]})
    paths = {"企业": folder / "people.parquet", "区划": folder / "areas.parquet"}
    pq.write_table(people, paths["企业"])
    pq.write_table(areas, paths["区划"])
    return paths


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    if NO_JAVA:
        pytest.skip("java is not on PATH: Spark needs a JVM (Java 17)")
    engine = SparkEngine("local[2]", shuffle_partitions=2)
    engine.session()
    yield engine
    engine.session().stop()


PARITY = {
    "group by two keys": 'SELECT "区", "行业", COUNT(*) AS n, SUM("工资") AS s, AVG("工资") AS a '
    'FROM "企业" GROUP BY 1, 2',
    "count distinct": 'SELECT "区", COUNT(DISTINCT "编号") AS people FROM "企业" GROUP BY "区"',
    "case": "SELECT CASE WHEN \"工资\" >= 400 THEN '高' ELSE '低' END AS 档, COUNT(*) AS n FROM \"企业\" GROUP BY 1",
    "where like": 'SELECT "行业", COUNT(*) AS n FROM "企业" WHERE "姓名" LIKE \'张%\' GROUP BY "行业"',
    "join": 'SELECT d."城市", SUM(e."工资") AS s FROM "企业" e JOIN "区划" d ON e."区" = d."区" GROUP BY d."城市"',
    "cte": 'WITH p AS (SELECT "区", "工资" FROM "企业" WHERE "工资" > 0) '
    'SELECT "区", AVG("工资") AS a FROM p GROUP BY "区"',
    "top-2 hidden column": 'SELECT "区", SUM("工资") AS s, max(abs("工资"), 2) AS __dmax_1 FROM "企业" GROUP BY "区"',
    "least/greatest clamp": 'SELECT "区", SUM(LEAST(GREATEST("工资", 0), 500)) AS __sum_1 FROM "企业" GROUP BY "区"',
    "qualify dedupe": 'SELECT "编号", "区" FROM "企业" '
    'QUALIFY row_number() OVER (PARTITION BY "编号" ORDER BY "姓名") = 1',
    "order by limit": 'SELECT "姓名", "工资" FROM "企业" ORDER BY "工资" DESC, "姓名" LIMIT 7',
}


def _rows(table: pa.Table) -> list[tuple[object, ...]]:
    rows = [tuple(_plain(v) for v in row.values()) for row in table.to_pylist()]
    return sorted(rows, key=repr)


def _plain(value: object) -> object:
    return round(value, 9) if isinstance(value, float) and math.isfinite(value) else value


@pytest.mark.spark
def test_duckdb_and_spark_give_the_same_results_on_the_same_parquet(spark, files):
    duck = DuckDBEngine()
    for label, sql in PARITY.items():
        ours, theirs = duck.run(sql, files, LIMITS), spark.run(sql, files, LIMITS)
        assert theirs.schema == ours.schema, label
        assert _rows(theirs) == _rows(ours), label
        assert ours.num_rows > 0, label


@pytest.mark.spark
def test_spark_refuses_sql_on_files_in_the_session_itself(spark):
    from pyspark.errors import AnalysisException

    with pytest.raises(AnalysisException):
        spark.session().sql("SELECT * FROM parquet.`/etc/passwd`").collect()


@pytest.mark.spark
def test_a_spark_query_past_its_time_limit_is_cancelled(spark, files):
    sql = (
        'SELECT COUNT(*) AS n FROM "企业" a, "企业" b, "企业" c, "企业" d '
        'WHERE a."工资" + b."工资" <> c."工资" + d."工资"'
    )
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        spark.run(sql, files, RunLimits(seconds=2))
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 20
    assert spark.run('SELECT COUNT(*) AS n FROM "区划"', files, LIMITS)["n"].to_pylist() == [4]


@pytest.mark.spark
def test_a_bad_cast_on_spark_gives_null_not_an_error_the_data_steers(spark, files):
    """Spark 4 runs ANSI SQL by default (CAST_INVALID_INPUT quoting the value); the sandbox's session does not."""
    table = spark.run('SELECT SUM(CAST("姓名" AS INTEGER)) AS s FROM "企业"', files, LIMITS)
    assert table.to_pylist() == [{"s": None}]


@pytest.mark.spark
def test_a_spark_error_does_not_leak_the_value(spark, files):
    with pytest.raises(EngineError) as caught:  # a pattern read from the data (the policy refuses it: rule error-free)
        spark.run('SELECT COUNT(*) AS n FROM "企业" WHERE regexp_matches("姓名", "姓名" || \'(\')', files, LIMITS)
    assert caught.value.kind == "failed"
    assert "张0" not in str(caught.value)
    assert not spark.session().catalog.listTables(), "the call's temporary views are dropped"


SPARK_REFUSED = [
    "SELECT * FROM read_parquet('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    'SELECT * FROM "其他表"',
    'SELECT * FROM default."企业"',
    "SELECT reflect('java.lang.System', 'getProperty', 'user.home') AS h",
    'WITH "企业" AS (SELECT 1 AS x) SELECT x FROM "企业"',
    'CREATE TABLE t AS SELECT * FROM "企业"',
    "SELECT 1 AS x; SELECT 2 AS y",
]


@pytest.mark.parametrize("sql", SPARK_REFUSED)
def test_the_transpiler_refuses_anything_but_granted_tables_and_plain_functions(sql):
    with pytest.raises(EngineError) as caught:
        to_spark(sql, {"企业": "v_1"})
    assert caught.value.kind == "refused"


def test_granted_tables_are_read_through_their_view_under_their_own_name():
    query = to_spark('SELECT "企业"."区", COUNT(*) FROM "企业" GROUP BY 1', {"企业": "gongshu_v_0"})
    assert query.sql == "SELECT `企业`.`区`, COUNT(*) FROM `gongshu_v_0` AS `企业` GROUP BY 1"
    assert query.names == ["区", None]


def test_top_n_aggregates_become_sorted_slices_and_qualify_a_filtered_subquery():
    query = to_spark("SELECT min(x, 3) AS lo FROM t QUALIFY row_number() OVER (ORDER BY x) = 1", {"t": "v"})
    assert "SLICE(SORT_ARRAY(COLLECT_LIST(`x`), TRUE), 1, 3) AS `lo`" in query.sql
    assert query.sql.startswith("SELECT `lo` FROM (") and query.sql.endswith("WHERE `_w` = 1")
    assert query.names == ["lo"]  # the subquery's `_w` column stays inside


def test_columns_are_renamed_by_position_only_when_the_counts_match():
    table = pa.table({"count(1)": [1], "a": [2]})
    assert rename_columns(table, ["n", None]).column_names == ["n", "a"]
    assert rename_columns(table, ["n"]).column_names == ["count(1)", "a"]
    assert rename_columns(table, None).column_names == ["count(1)", "a"]


DP_TABLES = {
    "企业": TableSpec(
        "企业",
        {
            "编号": ColumnSpec("编号", True, identifier=True, personal=True),
            "区": ColumnSpec("区", True, personal=True),
            "行业": ColumnSpec("行业", True, personal=True),
            "工资": ColumnSpec("工资", True, numeric=True, bounds=(0.0, 800.0), personal=True),
        },
        entity="编号",
        entity_unique=False,
        personal=True,
    )
}


def test_the_person_level_bounded_query_and_its_profile_run_alike_on_spark(spark: SparkEngine, files) -> None:
    """Bounds loose enough to cut nothing make the bounded aggregation deterministic: both engines agree on it
    and on the profile, so a resource moving to Spark keeps its DP answers."""
    plan = analyze(
        'SELECT "区", COUNT(*) AS n, COUNT(DISTINCT "编号") AS p, SUM("工资") AS s, AVG("工资") AS a, '
        'median("工资") AS m FROM "企业" GROUP BY "区"',
        DP_TABLES,
        dp=True,
    ).plan
    assert isinstance(plan, DpPlan) and plan.bounded
    tables = {"企业": files["企业"]}
    for sql in (plan.profile_sql(), plan.main_sql(8, 8, salt=7)):
        duck = DuckDBEngine().run(sql, tables, LIMITS)
        on_spark = spark.run(sql, tables, LIMITS)
        key = duck.column_names[0]
        rows = [sorted(t.to_pylist(), key=lambda r: str(r[key])) for t in (duck, on_spark)]
        assert [[_close(v) for v in r.values()] for r in rows[0]] == [[_close(v) for v in r.values()] for r in rows[1]]


def _close(v: object) -> object:
    return round(v, 6) if isinstance(v, float) else v
