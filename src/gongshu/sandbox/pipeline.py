"""The protected path of one SQL query: policy check, run on an engine, output control (and DP).

Pure of the database: the job service feeds it the granted tables and records what it returns; the
benchmarks call it directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa

from gongshu.sandbox.control import dp, protect
from gongshu.sandbox.control.profile import ONE_ROW, bounds_from
from gongshu.sandbox.engines.ports import RunLimits, SqlEngine
from gongshu.sandbox.spec import Analysis, ControlConfig, ControlReport, Limits, TableSpec
from gongshu.sandbox.sql import analyze
from gongshu.sandbox.sql.bounding import DpPlan

# Of a DP query's ε, for the profile: choosing the bounds needs to see thin tails; stating the bias of bounds the
# developer gave needs less.
PROFILE_SHARE = 0.1
PROFILE_SHARE_GIVEN = 0.02


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


def check_query(
    sql: str,
    tables: Mapping[str, TableSpec],
    *,
    limits: Limits = Limits(),
    dp: bool = False,
    personal_without_dp: bool = False,
) -> Analysis:
    """The policy alone (what submission runs before a job is queued); raises SqlRefused."""
    return analyze(sql, tables, limits=limits, dp=dp, personal_without_dp=personal_without_dp)


def run_analysis(
    analysis: Analysis,
    tables: Mapping[str, TableSpec],
    paths: Mapping[str, Path],
    *,
    engine: SqlEngine,
    control: ControlConfig,
    run_limits: RunLimits = RunLimits(),
) -> QueryResult:
    """Run an analysed query and put its result through output control (under DP: the person-level release)."""
    if isinstance(analysis.plan, DpPlan):
        return _release_dp(analysis, analysis.plan, paths, engine, control, run_limits)
    raw = engine.run(analysis.run_sql, {t: paths[t] for t in analysis.tables}, run_limits)
    cfg = control if analysis.dp else replace(control, epsilon=0.0)
    table, report = protect(raw, analysis.columns, cfg, bounds=bounds_of(analysis, tables))
    return QueryResult(table=table, analysis=analysis, report=report)


def _release_dp(
    analysis: Analysis,
    plan: DpPlan,
    paths: Mapping[str, Path],
    engine: SqlEngine,
    cfg: ControlConfig,
    limits: RunLimits,
) -> QueryResult:
    """Profile (where rows per person may repeat) → contribution bounds → bounded query → noise."""
    files = {t: paths[t] for t in analysis.tables}
    bounds = ONE_ROW
    if plan.bounded:
        profile = engine.run(plan.profile_sql(), files, limits).to_pylist()
        cells = [(int(r["__rb"]), int(r["__gb"]), int(r["__m"])) for r in profile]
        keys = bool(plan.keys)
        given = cfg.rows_per_person > 0 and (cfg.groups_per_person > 0 or not keys)
        share = cfg.epsilon * (PROFILE_SHARE_GIVEN if given else PROFILE_SHARE)
        bounds = bounds_from(cells, cfg.rows_per_person, cfg.groups_per_person, keys, share)
    # groups before the threshold may be many more than are released: only the released ones meet the cap
    wide = replace(limits, max_rows=limits.max_rows * 100)
    raw = engine.run(plan.main_sql(bounds.rows, bounds.groups), files, wide)
    fine = {
        a.output: engine.run(plan.quantile_sql(a.output, bounds.rows, bounds.groups), files, wide)
        for a in plan.aggregates
        if a.kind == "quantile"
    }
    limit = Limits(max_output_rows=limits.max_rows)
    table, report = dp.release(raw, plan, cfg, bounds, cfg.epsilon - bounds.epsilon, limit, fine)
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
    personal_without_dp: bool = False,
) -> QueryResult:
    """Policy → engine → output control for one query; raises SqlRefused or EngineError."""
    analysis = analyze(sql, tables, limits=limits, dp=dp, personal_without_dp=personal_without_dp)
    return run_analysis(analysis, tables, paths, engine=engine, control=control, run_limits=run_limits)
