"""A SQL job's run: policy again (grades may have changed since submission), differencing control,
the engine, output control and DP, and the controlled result written to staging."""

from __future__ import annotations

from sqlalchemy import select

from gongshu.platform import Platform
from gongshu.sandbox import differencing, outputs
from gongshu.sandbox.control.report import report_dict
from gongshu.sandbox.engines.ports import RunLimits, SqlEngine
from gongshu.sandbox.engines.registry import engine_for
from gongshu.sandbox.models import QueryRecord
from gongshu.sandbox.pipeline import check_query, run_analysis
from gongshu.sandbox.runner import Context, Outcome, Refusal, staging
from gongshu.sandbox.spec import Analysis, Limits

RESULT = "result.csv"


def run_limits(platform: Platform) -> RunLimits:
    s = platform.settings
    return RunLimits(
        memory_mb=s.sql_memory_mb, threads=s.sql_threads, seconds=s.sql_seconds, max_rows=s.max_output_rows
    )


def run_sql(platform: Platform, ctx: Context) -> Outcome:
    specs = {t.spec.name: t.spec for t in ctx.tables}
    paths = {t.spec.name: t.path for t in ctx.tables}
    analysis = check_query(ctx.code, specs, limits=Limits(max_output_rows=ctx.max_rows), dp=ctx.dp)
    engine = engine_for(ctx.engine, platform.settings)
    population = None if ctx.dp else _differencing(platform, ctx, analysis, engine, paths)
    result = run_analysis(analysis, specs, paths, engine=engine, control=ctx.control, run_limits=run_limits(platform))
    failed = [f for f in result.report.findings if not f.passed]
    if failed:
        raise Refusal(failed[0])
    produced = outputs.write_table(staging(platform, ctx.number), RESULT, result.table)
    return Outcome(
        produced=[produced],
        control=report_dict(result.report),
        findings=[],
        epsilon=result.report.epsilon_spent if ctx.dp else 0.0,
        population=population,
    )


def _differencing(
    platform: Platform, ctx: Context, analysis: Analysis, engine: SqlEngine, paths: dict
) -> tuple[str, str] | None:
    """Refuse (Refusal) a query whose population is tiny, or a tiny step from an earlier one's."""
    pop = differencing.population_of(analysis.sql)
    if pop is None:
        return None
    with platform.uow() as uow:
        rows = uow.session.execute(
            select(QueryRecord.population)
            .where(
                QueryRecord.agreement_id == ctx.agreement_id,
                QueryRecord.source == pop.source,
                QueryRecord.dp.is_(False),
            )
            .order_by(QueryRecord.id.desc())
            .limit(platform.settings.differencing_window)
        ).scalars()
        earlier = list(dict.fromkeys(w for w in rows if w != pop.where))
    sql = differencing.counting_sql(analysis.sql, pop, earlier)
    counts = engine.run(sql, {t: paths[t] for t in analysis.tables}, run_limits(platform)).to_pylist()[0]
    finding = differencing.judge([int(v or 0) for v in counts.values()], earlier, ctx.control.min_cell)
    if not finding.passed:
        raise Refusal(finding)
    return pop.source, pop.where
