"""Output control: statistical disclosure control and differential privacy on a SQL job's result.

``protect`` runs one rule module after the other (sqlglot's optimizer ``RULES`` style): ``STEPS`` — size, minimum
cell count, dominance, secondary suppression, rounding — on a result released without DP. A DP result is released
by ``control.dp.release`` from the bounded query instead (person-level noise, no cell counting). A failed finding
is a refusal: the steps stop there and the result comes back with no rows. Otherwise the result keeps only the
developer's columns (the hidden ``__…`` columns never come out), dropped rows are gone, and a suppressed cell is
null.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from gongshu.sandbox.control.dominance import dominance
from gongshu.sandbox.control.min_cell_count import min_cell_count
from gongshu.sandbox.control.report import report_dict
from gongshu.sandbox.control.rounding import rounding
from gongshu.sandbox.control.secondary import secondary
from gongshu.sandbox.control.size import size
from gongshu.sandbox.control.work import HIDDEN_PREFIX, Step, Work, finding
from gongshu.sandbox.spec import ControlConfig, ControlReport, Finding, Limits, OutputColumn

STEPS: tuple[Step, ...] = (size, min_cell_count, dominance, secondary, rounding)

__all__ = ["STEPS", "protect", "report_dict"]


def protect(
    result: pa.Table,
    columns: list[OutputColumn],
    cfg: ControlConfig,
    bounds: Mapping[int, tuple[float, float]] | None = None,
    *,
    limits: Limits = Limits(),
) -> tuple[pa.Table, ControlReport]:
    """Put a raw result through output control.

    Args:
        result: the rewritten query's result: the developer's columns (described by ``columns``, in order), then
            hidden ``__`` columns (``__n``; without DP ``__dmax_<i>``/``__dsum_<i>``, under DP
            ``__sum_<i>``/``__cnt_<i>``).
        columns: the developer's output columns, from the SQL analysis.
        cfg: the agreement's settings; DP runs when ``cfg.epsilon`` > 0.
        bounds: output index → the (lo, hi) range a SUM/AVG was clamped to; needed under DP for the sensitivity.
        limits: the size caps (``max_output_rows``, ``max_output_columns``).

    Returns:
        The controlled table and the report (findings, cells suppressed, rows in/out, ε spent, protections).
        A report with a failed finding is a refusal, and its table has no rows.
    """
    shape = check_shape(result, columns)
    if shape:
        empty = pa.Table.from_arrays([pa.array([], pa.null()) for _ in columns], names=[c.name for c in columns])
        return empty, ControlReport(findings=shape, rows_in=result.num_rows)
    work = Work.start(result, columns, cfg, bounds or {}, limits)
    for step in STEPS:
        work.report.findings += step(work)
        if not all(f.passed for f in work.report.findings):
            break
    table = work.output() if all(f.passed for f in work.report.findings) else work.empty()
    work.report.released_cells = work.released_cells()
    work.report.rows_out = table.num_rows
    return table, work.report


def check_shape(result: pa.Table, columns: list[OutputColumn]) -> list[Finding]:
    """A failed finding when the result is not the developer's columns followed by hidden ones with ``__n``."""
    names = result.column_names
    visible, hidden = names[: len(columns)], names[len(columns) :]
    if visible == [c.name for c in columns] and "__n" in hidden and all(h.startswith(HIDDEN_PREFIX) for h in hidden):
        return []
    return [
        finding(
            "result-shape",
            "结果的列与查询分析不符，未经输出控制，不予发布",
            "the result's columns do not match the query analysis; nothing released without output control",
            passed=False,
        )
    ]
