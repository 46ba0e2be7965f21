"""Rule: round counts and sums to a base (``cfg.rounding``); averages are left as they are.

Conventional rounding to the nearest multiple of the base, halves away from zero (so −12.5 and 12.5 round alike),
cell by cell. Controlled rounding (keeping rounded cells adding up to rounded totals) would need a solver for a
small gain here: suppression already protects the small cells, and rounding only blurs the large ones. Runs after
the noise under DP (post-processing costs no ε) and leaves suppressed cells null.
"""

from __future__ import annotations

import pyarrow.compute as pc

from gongshu.sandbox.control.work import ROUNDED, Work, finding
from gongshu.sandbox.spec import Finding

RULE = "rounding"
PROTECTION = "rounding"


def rounding(work: Work) -> list[Finding]:
    """Round every count and sum output to cfg.rounding (nothing when it is 0)."""
    base = work.cfg.rounding
    if base <= 0:
        return []
    outputs = work.aggregates(ROUNDED)
    for i in outputs:
        arr = work.values[i]
        work.values[i] = pc.round_to_multiple(arr, multiple=base, round_mode="half_towards_infinity").cast(arr.type)
    work.report.protections.append(PROTECTION)
    names = [work.columns[i].name for i in outputs]
    return [
        finding(
            RULE,
            f"计数与合计按 {base} 舍入：{'、'.join(names) or '—'}",
            f"counts and sums rounded to base {base}: {', '.join(names) or '—'}",
        )
    ]
