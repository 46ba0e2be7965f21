"""The protected path of one SQL query: policy check, run on an engine, output control (and DP).

Pure of the database: the job service feeds it the granted tables and records what it returns; the
benchmarks call it directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa

from gongshu.sandbox.control import protect
from gongshu.sandbox.engines.ports import RunLimits, SqlEngine
from gongshu.sandbox.spec import Analysis, ControlConfig, ControlReport, Limits, TableSpec
from gongshu.sandbox.sql import analyze


@dataclass(frozen=True)
class QueryResult:
    """A released-for-review result: the controlled table, the policy analysis and the control report."""

    table: pa.Table
    analysis: Analysis
    report: ControlReport


def bounds_of(analysis: Analysis, tables: Mapping[str, TableSpec]) -> dict[int, tuple[float, float]]:
    """Output index → the declared range of the item a sum or average reads (DP sensitivity)."""
    out: dict[int, tuple[float, float]] = {}
    for i, col in enumerate(analysis.columns):
        if col.aggregate not in ("sum", "avg"):
            continue
        for table, column in col.sources:
            spec = tables[table].columns.get(column)
            if spec is not None and spec.bounds is not None:
                out[i] = spec.bounds
    return out


def check_query(sql: str, tables: Mapping[str, TableSpec], *, limits: Limits = Limits(), dp: bool = False) -> Analysis:
    """The policy alone (what submission runs before a job is queued); raises SqlRefused."""
    return analyze(sql, tables, limits=limits, dp=dp)


def run_analysis(
    analysis: Analysis,
    tables: Mapping[str, TableSpec],
    paths: Mapping[str, Path],
    *,
    engine: SqlEngine,
    control: ControlConfig,
    run_limits: RunLimits = RunLimits(),
) -> QueryResult:
    """Run an analysed query and put its result through output control."""
    raw = engine.run(analysis.run_sql, {t: paths[t] for t in analysis.tables}, run_limits)
    cfg = control if analysis.dp else replace(control, epsilon=0.0)
    table, report = protect(raw, analysis.columns, cfg, bounds=bounds_of(analysis, tables))
    return QueryResult(table=table, analysis=analysis, report=report)


def run_query(
    sql: str,
    tables: Mapping[str, TableSpec],
    paths: Mapping[str, Path],
    *,
    engine: SqlEngine,
    control: ControlConfig,
    limits: Limits = Limits(),
    run_limits: RunLimits = RunLimits(),
    dp: bool = False,
) -> QueryResult:
    """Policy → engine → output control for one query; raises SqlRefused or EngineError."""
    analysis = analyze(sql, tables, limits=limits, dp=dp)
    return run_analysis(analysis, tables, paths, engine=engine, control=control, run_limits=run_limits)
