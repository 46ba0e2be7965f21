"""Sandbox SQL: an aggregate query through gongshu's full protected path (policy, run, output control,
DP) against the same query in raw DuckDB over the same Parquet file (the limit), at 1e7 rows.

The table (one row per person) is generated once with DuckDB into ``bench/.data/sandbox/`` and kept:
a unique 身份证号, 16 区县, 20 行业 (国际组织 rare, so small cells get suppressed at 1e6 rows) and a
log-normal 收入 clamped to its declared range [0, 1e6].

Like with like: both sides run DuckDB with the same threads (the engine's RunLimits.threads = 2, DuckDB's default
here = the machine's 2 cores). gongshu's engine is built once, as in production, and opens each query's fresh
database ahead of time; the raw baseline opens its own inside the timed call (~13 ms here).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bench.common import DATA, Result, Target, count_label, ratio, timed
from gongshu.sandbox.engines.duckdb_engine import DuckDBEngine
from gongshu.sandbox.pipeline import QueryResult, run_query
from gongshu.sandbox.spec import ColumnSpec, ControlConfig, ControlReport, TableSpec

NAME = "sandbox_query"
ROWS = 10_000_000
REPEATS = 5
SETTLE = 0.1  # seconds of pause after each timed call (see runs_each)
TARGET = Target("<=", 1.3)
EPSILON = 1.0
DELTA = 1e-6
MIN_CELL = 10
CACHE = DATA / "sandbox"
TABLE = "t"
ENTITY, GROUPS, VALUE = "身份证号", ("区县", "行业"), "收入"
BOUNDS = (0.0, 1_000_000.0)
SQL = "SELECT 区县, 行业, COUNT(*) AS 人数, SUM(收入) AS 收入合计, AVG(收入) AS 平均收入 FROM t GROUP BY 区县, 行业"
DISTRICTS = ("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区",
             "桐庐县", "淳安县", "建德市", "江干区", "下城区", "西湖风景名胜区")  # fmt: skip
INDUSTRIES = ("农林牧渔业", "采矿业", "制造业", "电力热力燃气及水生产和供应业", "建筑业", "批发和零售业",
              "交通运输仓储和邮政业", "住宿和餐饮业", "信息传输软件和信息技术服务业", "金融业", "房地产业",
              "租赁和商务服务业", "科学研究和技术服务业", "水利环境和公共设施管理业", "居民服务修理和其他服务业",
              "教育", "卫生和社会工作", "文化体育和娱乐业", "公共管理社会保障和社会组织", "国际组织")  # fmt: skip
RARE_SHARE = 0.0002  # of persons in the last industry (国际组织)
DATA_VERSION = 1  # bump when the generator changes: the cached files are keyed by it


@dataclass(frozen=True)
class Timings:
    """Every timed run of one contender, in seconds."""

    runs: list[float]

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def run(scale: float) -> list[Result]:
    rows = max(int(ROWS * scale), 10_000)
    path = table_parquet(rows)
    contenders = {"dp": protected(path, rows, dp=True), "plain": protected(path, rows, dp=False), "raw": raw(path)}
    plain = contenders["plain"]()
    check = f"{agreement(plain, raw(path)())}; {described(plain.report)}"
    spent = described(contenders["dp"]().report)
    debug_rows(contenders)
    t = runs_each(contenders, REPEATS)
    what = f"{count_label(rows)} rows, {len(DISTRICTS)}x{len(INDUSTRIES)} groups"
    how = f"best of {REPEATS}, interleaved (medians: {', '.join(f'{k} {v.median:.3f} s' for k, v in t.items())})"
    how += "; one engine for all calls (its next database opened ahead)"
    return [
        Result(NAME, f"gongshu run_query, DP eps={EPSILON:g}, {what}", t["dp"].best, "s", "duckdb",
               ratio(t["dp"].best, t["raw"].best), TARGET, f"{how}; {spent}"),
        Result(NAME, "gongshu run_query, no DP", t["plain"].best, "s", "duckdb",
               ratio(t["plain"].best, t["raw"].best), note=check),
        Result(NAME, "duckdb raw query over the same Parquet", t["raw"].best, "s"),
    ]  # fmt: skip


def runs_each(contenders: Mapping[str, Callable[[], object]], n: int) -> dict[str, Timings]:
    """One untimed warm-up of each contender, then ``n`` timed rounds, contenders interleaved.

    A pause of SETTLE seconds follows each call, so that work a contender leaves in the background (the engine
    closing the used database and opening the next one) is never timed against the contender after it."""
    for fn in contenders.values():
        fn()
        time.sleep(SETTLE)
    runs: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(n):
        for name, fn in contenders.items():
            runs[name].append(timed(fn))
            time.sleep(SETTLE)
    return {name: Timings(r) for name, r in runs.items()}


def table_parquet(rows: int) -> Path:
    """The cached Parquet file of ``rows`` persons, generated (deterministically) when missing."""
    path = CACHE / f"persons-v{DATA_VERSION}-{rows}.parquet"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.part")
    districts, industries = _sql_list(DISTRICTS), _sql_list(INDUSTRIES[:-1])
    common = len(INDUSTRIES) - 1
    query = f"""
        WITH u AS (
            SELECT i,
                   (hash(i, 1) % 1000000) / 1e6 AS u1, (hash(i, 2) % 1000000) / 1e6 AS u2,
                   (hash(i, 3) % 1000000) / 1e6 AS u3, (hash(i, 4) % 1000000 + 1) / 1000001 AS u4,
                   (hash(i, 5) % 1000000) / 1e6 AS u5
            FROM range({rows}) r(i)
        )
        SELECT CAST(110101195001010000 + i * 7 AS VARCHAR) AS {ENTITY},
               {districts}[1 + CAST(floor(u1 * {len(DISTRICTS)}) AS INTEGER)] AS 区县,
               CASE WHEN u2 < {RARE_SHARE} THEN '{INDUSTRIES[-1]}'
                    ELSE {industries}[1 + CAST(floor(pow(u3, 1.3) * {common}) AS INTEGER)] END AS 行业,
               round(least({BOUNDS[1]}, greatest({BOUNDS[0]},
                     exp(11.0 + 0.7 * sqrt(-2 * ln(u4)) * cos(2 * pi() * u5)))), 2) AS {VALUE}
        FROM u
    """
    with duckdb.connect() as con:  # a config here fails once another benchmark used DuckDB's default connection
        con.execute("SET enable_progress_bar = false")
        con.execute(f"COPY ({query}) TO '{part}' (FORMAT parquet, COMPRESSION zstd)")
    part.replace(path)
    return path


def _sql_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def table_specs(rows: int) -> dict[str, TableSpec]:
    """The grant the protected path sees: groups are open items, 身份证号 and 收入 are personal."""
    columns = {
        ENTITY: ColumnSpec(ENTITY, protected=True, identifier=True, type="cn_id_card"),
        **{g: ColumnSpec(g, protected=False) for g in GROUPS},
        VALUE: ColumnSpec(VALUE, protected=True, numeric=True, bounds=BOUNDS),
    }
    return {TABLE: TableSpec(TABLE, columns, entity=ENTITY, entity_unique=True, rows=rows)}


def protected(path: Path, rows: int, *, dp: bool) -> Callable[[], QueryResult]:
    """One call of gongshu's full protected path (policy, run, output control, DP when ``dp``).

    One engine serves every call, as in production (``engines.registry`` builds it once per process): each query
    still gets a fresh database, opened ahead of time while the engine is idle."""
    tables, paths = table_specs(rows), {TABLE: path}
    control = ControlConfig(min_cell=MIN_CELL, epsilon=EPSILON if dp else 0.0, delta=DELTA)
    engine = DuckDBEngine()

    def call() -> QueryResult:
        return run_query(SQL, tables, paths, engine=engine, control=control, dp=dp)

    return call


def raw(path: Path) -> Callable[[], pa.Table]:
    """The same query in a fresh DuckDB connection over a view of the Parquet file: no checks."""
    file = str(path).replace("'", "''")

    def call() -> pa.Table:
        with duckdb.connect() as con:
            con.execute(f"CREATE VIEW {TABLE} AS SELECT * FROM read_parquet('{file}')")
            return con.sql(SQL).to_arrow_table()

    return call


def agreement(released: QueryResult, exact: pa.Table) -> str:
    """How the non-DP protected result compares with the raw one: counts equal, counts that differ."""
    key = list(GROUPS)
    want = {tuple(r[k] for k in key): r["人数"] for r in exact.to_pylist()}
    counts = [(r["人数"], want[tuple(r[k] for k in key)]) for r in released.table.to_pylist()]
    same = sum(1 for got, exp in counts if got is not None and got == exp)
    differ = sum(1 for got, exp in counts if got is not None and got != exp)
    return f"released counts equal raw DuckDB's in {same} of {len(want)} groups, {differ} differ"


def described(report: ControlReport) -> str:
    """The protections a result passed, the cells suppressed and the ε it spent."""
    suppressed = report.suppressed_primary + report.suppressed_secondary
    passed = ", ".join(report.protections) or "none listed"
    return f"protections: {passed}; {suppressed} cells suppressed; eps spent {report.epsilon_spent:g}"


def debug_rows(contenders: Mapping[str, Callable[[], Any]]) -> None:
    """With GONGSHU_BENCH_DEBUG set: two rows of each contender's result on standard error."""
    if not os.environ.get("GONGSHU_BENCH_DEBUG"):
        return
    for name, fn in contenders.items():
        out = fn()
        table = out if isinstance(out, pa.Table) else out.table
        first = table.sort_by([(g, "ascending") for g in GROUPS]).slice(0, 2).to_pylist()
        print(f"{NAME} {name}: {table.num_rows} rows, first: {first}", file=sys.stderr)
        if not isinstance(out, pa.Table):
            print(f"{NAME} {name}: {out.report}", file=sys.stderr)
