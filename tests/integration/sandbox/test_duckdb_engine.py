"""DuckDBEngine: locked, limited, value-free errors, and no way out to files, extensions or settings."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.sandbox.engines.duckdb_engine import DuckDBEngine, lock_down, open_connection
from gongshu.sandbox.engines.ports import RunLimits
from gongshu.sandbox.errors import EngineError

SECRET_ID = "330106199001011234"
FAST = RunLimits(seconds=5)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("parquet")
    n = 20_000
    people = pa.table(
        {
            "区": [f"{i % 5}区" for i in range(n)],
            "行业": [("制造", "零售", "金融")[i % 3] for i in range(n)],
            "工资": [1000 + (i * 37) % 9000 for i in range(n)],
            "身份证": [SECRET_ID if i == 7 else f"ID{i:06d}" for i in range(n)],
        }
    )
    paths = {"企业": folder / "people.parquet", "other": folder / "other.parquet"}
    pq.write_table(people, paths["企业"])
    pq.write_table(pa.table({"x": [1]}), paths["other"])
    return paths


@pytest.fixture(scope="module")
def engine() -> DuckDBEngine:
    return DuckDBEngine()


@pytest.fixture
def granted(files: dict[str, Path]) -> dict[str, Path]:
    return {"企业": files["企业"]}


def test_a_group_by_over_a_granted_table_answers_with_normalized_types(engine, granted):
    sql = (
        'SELECT "区", "行业", COUNT(*) AS n, SUM("工资") AS s, AVG("工资") AS a FROM "企业" GROUP BY 1, 2 ORDER BY 1, 2'
    )
    result = engine.run(sql, granted, FAST)
    assert result.num_rows == 15
    assert sum(result["n"].to_pylist()) == 20_000
    assert result.schema.types == [pa.string(), pa.string(), pa.int64(), pa.int64(), pa.float64()]


def test_table_names_with_quotes_and_chinese_are_quoted(engine, files):
    tables = {'企业"登记': files["企业"]}
    assert engine.run('SELECT COUNT(*) AS n FROM "企业""登记"', tables, FAST)["n"].to_pylist() == [20_000]


def test_the_order_by_of_the_query_survives_the_row_limit(engine, granted):
    sql = 'SELECT "区", COUNT(*) AS n FROM "企业" GROUP BY 1 ORDER BY 1 DESC'
    assert engine.run(sql, granted, FAST)["区"].to_pylist() == ["4区", "3区", "2区", "1区", "0区"]


def test_a_result_over_max_rows_is_refused_not_truncated(engine, granted):
    with pytest.raises(EngineError) as caught:
        engine.run('SELECT "工资" FROM "企业"', granted, RunLimits(max_rows=100))
    assert caught.value.kind == "refused"


def test_a_result_of_exactly_max_rows_is_returned(engine, granted):
    assert engine.run('SELECT "工资" FROM "企业" LIMIT 100', granted, RunLimits(max_rows=100)).num_rows == 100


REFUSED_BY_ENGINE = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_parquet('{other}')",
    "SELECT * FROM glob('/*')",
    "FROM '/etc/passwd'",
    "SELECT * FROM '{other}'",
    "SELECT * FROM parquet_metadata('{granted}')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM information_schema.tables",
    "ATTACH '/tmp/gongshu-attack.db'",
    "COPY (SELECT 1) TO '/tmp/gongshu-attack.csv'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET threads=8",
    "RESET threads",
    "PRAGMA threads=8",
    "CREATE MACRO count_star() AS 1",
    'CREATE MACRO leak(x) AS x; SELECT COUNT(*) FROM "企业"',
    'SELECT 1; SELECT COUNT(*) FROM "企业"',
]


@pytest.mark.parametrize("template", REFUSED_BY_ENGINE)
def test_the_engine_refuses_file_extension_ddl_and_settings_access(engine, files, granted, template):
    sql = template.format(other=files["other"], granted=files["企业"])
    with pytest.raises(EngineError) as caught:
        engine.run(sql, granted, FAST)
    assert caught.value.kind == "refused"
    assert not Path("/tmp/gongshu-attack.csv").exists()


LOCKED_OUT = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_parquet('{other}')",
    "SELECT * FROM glob('/*')",
    "ATTACH '/tmp/gongshu-attack.db'",
    "COPY (SELECT 1) TO '/tmp/gongshu-attack.csv'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET threads=8",
    "RESET threads",
    "PRAGMA threads=8",
    "SET enable_external_access=true",
    "SET memory_limit='64GB'",
]


@pytest.mark.parametrize("template", LOCKED_OUT)
def test_the_locked_connection_itself_stops_files_extensions_and_settings(files, granted, template):
    con = open_connection(256, 1)
    lock_down(con, granted)
    with pytest.raises(duckdb.Error):
        con.execute(template.format(other=files["other"])).fetchall()
    con.close()


def test_views_over_granted_files_answer_after_the_lock_and_extension_autoloading_is_off(granted):
    con = open_connection(256, 1)
    lock_down(con, granted)
    assert con.execute('SELECT COUNT(*) FROM "企业"').fetchall() == [(20_000,)]
    settings = "SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')"
    assert con.execute(settings).fetchall() == [(False, False)]
    con.close()


def test_a_macro_made_on_a_locked_connection_is_unknown_to_the_next_query(engine, granted):
    con = open_connection(256, 1)
    lock_down(con, granted)
    con.execute("CREATE MACRO leak(x) AS x").fetchall()  # the lock allows DDL: the engine refuses it itself
    con.close()
    with pytest.raises(EngineError) as caught:
        engine.run('SELECT leak("区") AS x FROM "企业"', granted, FAST)
    assert caught.value.kind == "failed"


def test_a_conversion_error_does_not_leak_the_protected_value(engine, granted):
    with pytest.raises(EngineError) as caught:
        engine.run('SELECT SUM(CAST("身份证" AS INTEGER)) AS s FROM "企业"', granted, FAST)
    error = caught.value
    assert error.kind == "failed"
    assert "Conversion Error" in error.en
    for text in (str(error), error.zh, error.en, repr(error.values)):
        assert "ID000000" not in text and SECRET_ID not in text
    assert error.__cause__ is None and error.__suppress_context__


def test_an_overflow_error_does_not_leak_the_numbers(engine, granted):
    sql = 'SELECT SUM(CAST("工资" AS BIGINT) * 9223372036854775) AS s FROM "企业"'
    with pytest.raises(EngineError) as caught:
        engine.run(sql, granted, FAST)
    assert not any(char.isdigit() for char in caught.value.en.replace("INT64", "").replace("INT128", ""))


def test_a_recursive_cte_bomb_is_stopped_by_the_time_limit(engine, granted):
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) AS n FROM r"
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        engine.run(sql, granted, RunLimits(seconds=0.5))
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 5


def test_a_huge_cross_join_is_stopped_by_the_time_limit(engine, granted):
    sql = 'SELECT COUNT(*) AS n FROM "企业" a, "企业" b, "企业" c WHERE a."工资" + b."工资" <> c."工资"'
    with pytest.raises(EngineError) as caught:
        engine.run(sql, granted, RunLimits(seconds=0.5))
    assert caught.value.kind == "timeout"


def test_a_cross_join_that_needs_more_memory_than_allowed_fails_with_memory(engine, granted):
    sql = 'SELECT COUNT(DISTINCT a."身份证" || b."身份证") AS n FROM "企业" a, "企业" b'
    with pytest.raises(EngineError) as caught:
        engine.run(sql, granted, RunLimits(memory_mb=64, threads=1, seconds=60))
    assert caught.value.kind == "memory"


def test_concurrent_calls_each_get_their_own_answer(engine, files, granted):
    results: dict[int, int] = {}

    def run(i: int) -> None:
        sql = f'SELECT COUNT(*) AS n FROM "企业" WHERE "工资" > {1000 + i * 1000}'
        results[i] = engine.run(sql, granted, FAST)["n"].to_pylist()[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wages = pq.read_table(files["企业"])["工资"].to_pylist()
    expected = {i: sum(w > 1000 + i * 1000 for w in wages) for i in range(6)}
    assert results == expected and len(set(results.values())) == 6


def test_an_engine_without_spares_opens_and_closes_its_own_connection(granted):
    result = DuckDBEngine(spare=False).run('SELECT COUNT(*) AS n FROM "企业"', granted, FAST)
    assert result["n"].to_pylist() == [20_000]
