"""Rule: primary suppression of dominated cells — a SUM or AVG cell whose top n contributors make at least
``cfg.dominance_threshold`` of the cell's total |x| is suppressed (the (n, k) dominance rule).

The rewritten query gives the 2 largest |x| of each cell (``__dmax_<i>``) and the sum of |x| (``__dsum_<i>``).
For n ≤ 2 the top-n share is exact; for n > 2 it is bounded from above by top1 + (n−1)·top2, which suppresses at
least every cell the exact rule would (a list shorter than 2 already holds every contributor). A cell whose
hidden columns are missing cannot be checked, so the result is refused rather than released unchecked.
"""

from __future__ import annotations

import numpy as np

from gongshu.sandbox.control.work import Work, finding
from gongshu.sandbox.spec import Finding

RULE = "dominance"
PROTECTION = "dominance"
TOP = 2  # how many largest |x| the rewritten query lists per cell
KINDS = frozenset({"sum", "avg"})


def dominance(work: Work) -> list[Finding]:
    """Suppress dominated cells of every SUM/AVG output; one finding locating them."""
    n, share = work.cfg.dominance_n, work.cfg.dominance_threshold
    outputs = work.aggregates(KINDS)
    missing = [i for i in outputs if not {f"__dmax_{i}", f"__dsum_{i}"} <= set(work.result.column_names)]
    if missing:
        names = "、".join(work.columns[i].name for i in missing)
        return [
            finding(
                RULE,
                f"缺少优势规则所需的隐藏列：{names}",
                f"hidden columns for the dominance rule missing: {names}",
                passed=False,
            )
        ]
    if n < 1 or not outputs:
        return [finding(RULE, "优势规则：无需检查", "dominance rule: nothing to check")]
    cells: list[tuple[int, int]] = []
    for i in outputs:
        top = top_share(work.result.column(f"__dmax_{i}").to_pylist(), n)
        total = work.numbers(f"__dsum_{i}").astype(np.float64)
        cells += work.suppress(i, (total > 0) & (top >= share * total))
    work.report.suppressed_primary += len(cells)
    work.report.protections.append(PROTECTION)
    return [
        finding(
            RULE,
            f"优势规则（前 {n} 名 ≥ {share:.0%}）：抑制 {len(cells)} 个单元格",
            f"dominance (top {n} ≥ {share:.0%}): {len(cells)} cells suppressed",
            work.places(cells),
        )
    ]


def top_share(lists: list[list[float | None] | None], n: int) -> np.ndarray:
    """Per cell, the sum of its n largest |x| (an upper bound when n exceeds what the list holds)."""
    out = np.zeros(len(lists), dtype=np.float64)
    for row, values in enumerate(lists):
        tops = sorted((abs(v) for v in values or [] if v is not None), reverse=True)
        extra = (n - TOP) * tops[-1] if n > TOP and len(tops) >= TOP else 0.0
        out[row] = sum(tops[:n]) + extra
    return out
