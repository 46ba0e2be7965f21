"""Rule: primary suppression of small groups — a row of fewer than ``cfg.min_cell`` persons is dropped whole.

Why drop the row rather than null its aggregates and keep its keys: the keys of a row are themselves a statement
about the data ("someone in 村 A has diagnosis X"), so a row that survives with null values still discloses that a
group of 1 to min_cell−1 persons exists. Such rows are never needed for the table's structure: the developer knows
the categories from the sample data and the catalog. Rows with ``__n`` = 0 (a group with no person, e.g. from an
outer join) are dropped too. Every aggregate cell of a dropped row counts as primarily suppressed, and the secondary
step treats a dropped row as a suppressed cell of each additive column (its value is missing from line totals).
Dropped rows are counted but not located: their position in an ordered result would hint at their keys.
"""

from __future__ import annotations

from gongshu.sandbox.control.work import Work, finding
from gongshu.sandbox.spec import Finding

RULE = "min-cell-count"
PROTECTION = "min_cell_count"


def min_cell_count(work: Work) -> list[Finding]:
    """Drop rows with ``__n`` < cfg.min_cell or ``__n`` = 0; one finding with the number dropped."""
    m = work.cfg.min_cell
    small = (work.n < m) | (work.n <= 0)
    dropped = int((small & work.keep).sum())
    work.keep &= ~small
    cells = dropped * len(work.aggregates())
    work.report.suppressed_primary += cells
    work.report.protections.append(PROTECTION)
    return [
        finding(
            RULE,
            f"最小单元格计数 {m}：删除 {dropped} 行（抑制 {cells} 个单元格）",
            f"min cell count {m}: {dropped} rows dropped ({cells} cells suppressed)",
        )
    ]
