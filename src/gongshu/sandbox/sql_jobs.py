"""A SQL job's run: policy again (grades may have changed since submission), differencing control,
the engine, output control and DP, the query audit, and the controlled result written to staging."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from gongshu.platform import Platform, UnitOfWork
from gongshu.sandbox import audit, differencing, outputs
from gongshu.sandbox.control.report import report_dict
from gongshu.sandbox.engines.ports import RunLimits, SqlEngine
from gongshu.sandbox.engines.registry import engine_for
from gongshu.sandbox.errors import EngineError
from gongshu.sandbox.models import PrivacyBudget, QueryRecord
from gongshu.sandbox.pipeline import QueryResult, check_query, run_analysis
from gongshu.sandbox.runner import Context, Failure, Outcome, Refusal, staging
from gongshu.sandbox.spec import Analysis, Finding, Limits

RESULT = "result.csv"


def run_limits(platform: Platform) -> RunLimits:
    s = platform.settings
    return RunLimits(
        memory_mb=s.sql_memory_mb, threads=s.sql_threads, seconds=s.sql_seconds, max_rows=s.max_output_rows
    )


def run_sql(platform: Platform, ctx: Context) -> Outcome:
    specs = {t.spec.name: t.spec for t in ctx.tables}
    paths = {t.spec.name: t.path for t in ctx.tables}
    analysis = check_query(
        ctx.code,
        specs,
        limits=Limits(max_output_rows=ctx.max_rows),
        dp=ctx.dp,
        personal_without_dp=ctx.personal_without_dp,
    )
    engine = engine_for(ctx.engine, platform.settings)
    population = None if ctx.dp else _differencing(platform, ctx, analysis, engine, paths)
    kept = population[:2] if population else None
    try:
        return _run(platform, ctx, analysis, engine, paths, population)
    except EngineError as e:  # the query read the data: its failure is charged with its population
        raise Failure(e, kept) from None
    except Refusal as e:
        raise Refusal(e.finding, e.log, kept) from None


def _run(
    platform: Platform,
    ctx: Context,
    analysis: Analysis,
    engine: SqlEngine,
    paths: dict,
    population: tuple[str, str, Finding] | None,
) -> Outcome:
    specs = {t.spec.name: t.spec for t in ctx.tables}
    result = run_analysis(analysis, specs, paths, engine=engine, control=ctx.control, run_limits=run_limits(platform))
    failed = [f for f in result.report.findings if not f.passed]
    if failed:
        raise Refusal(failed[0])
    cells, seen = (None, None)
    if population is not None:
        cells, seen, audited = _audit(platform, ctx, result, engine, paths)
        result.report.findings += [population[2], audited]
        result.report.protections += [differencing.RULE, audit.PROTECTION]
    produced = outputs.write_table(staging(platform, ctx.number), RESULT, result.table)
    return Outcome(
        produced=[produced],
        control=report_dict(result.report),
        findings=[],
        epsilon=result.report.epsilon_spent if ctx.dp else 0.0,
        population=population[:2] if population else None,
        cells=cells,
        audit_seen=seen,
    )


def _audit(
    platform: Platform, ctx: Context, result: QueryResult, engine: SqlEngine, paths: dict
) -> tuple[audit.Cells, int, Finding]:
    """Refuse (Refusal) a result whose cells, with those released before over the same source, would give away
    a small group; else the cells to record and the release count they were audited against."""
    analysis = result.analysis
    cells = audit.cells_of(analysis, ctx.number, result.report.released_cells)
    with platform.uow() as uow:
        seen = uow.session.execute(
            select(PrivacyBudget.releases).where(PrivacyBudget.agreement_id == ctx.agreement_id)
        ).scalar_one_or_none()
        # over data about persons released without DP, the whole history counts: filler queries evict nothing
        window = None if ctx.personal_without_dp and analysis.personal else uow.settings.differencing_window
        rows = _recent(uow, ctx, QueryRecord.cells, QueryRecord.cells_source == cells.universe, window=window)
        history = [audit.Cells.from_json(text) for text in rows if text] + [cells]
    history = [c for c in history if c.released]
    if len(history) < 2:  # one query alone: its own suppression pattern decides
        return cells, seen or 0, audit.alone()
    cap = platform.settings.audit_max_atoms
    sql = audit.atoms_sql(analysis.run_sql, history, cap)
    limits = replace(run_limits(platform), max_rows=cap + 1)
    atoms = engine.run(sql, {t: paths[t] for t in analysis.tables}, limits)
    finding = audit.judge([list(r.values()) for r in atoms.to_pylist()], history, ctx.control.min_cell, cap)
    if not finding.passed:
        raise Refusal(finding)
    return cells, seen or 0, finding


def _differencing(
    platform: Platform, ctx: Context, analysis: Analysis, engine: SqlEngine, paths: dict
) -> tuple[str, str, Finding] | None:
    """Refuse (Refusal) a query whose population is tiny, or a tiny step from an earlier one's."""
    pop = differencing.population_of(analysis.sql)
    if pop is None:
        return None
    with platform.uow() as uow:
        rows = _recent(uow, ctx, QueryRecord.population, QueryRecord.source == pop.source, QueryRecord.dp.is_(False))
        earlier = list(dict.fromkeys(w for w in rows if w != pop.where))
    sql = differencing.counting_sql(analysis.sql, pop, earlier)
    try:
        counts = engine.run(sql, {t: paths[t] for t in analysis.tables}, run_limits(platform)).to_pylist()[0]
    except EngineError as e:  # its scan read the data: charged with its population
        raise Failure(e, (pop.source, pop.where)) from None
    finding = differencing.judge([int(v or 0) for v in counts.values()], earlier, ctx.control.min_cell)
    if not finding.passed:
        raise Refusal(finding, population=(pop.source, pop.where))
    return pop.source, pop.where, finding


def _recent(uow: UnitOfWork, ctx: Context, column: Any, *where: Any, window: int | None = -1) -> list[Any]:
    """``column`` of the agreement's last ``window`` (default ``differencing_window``; None: all) query records
    that match ``where``, newest first."""
    query = select(column).where(QueryRecord.agreement_id == ctx.agreement_id, *where).order_by(QueryRecord.id.desc())
    limit = uow.settings.differencing_window if window == -1 else window
    return list(uow.session.execute(query if limit is None else query.limit(limit)).scalars())
