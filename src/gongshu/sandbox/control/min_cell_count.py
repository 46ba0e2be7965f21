"""Rule: primary suppression of small groups — a row of fewer than ``cfg.min_cell`` persons is dropped whole.

Why drop the row rather than null its aggregates and keep its keys: the keys of a row are themselves a statement
about the data ("someone in 村 A has diagnosis X"), so a row that survives with null values still discloses that a
group of 1 to min_cell−1 persons exists. Such rows are never needed for the table's structure: the developer knows
the categories from the sample data and the catalog. Rows with ``__n`` = 0 (a group with no person, e.g. from an
outer join) are dropped too. Every aggregate cell of a dropped row counts as primarily suppressed, and the secondary
step treats a dropped row as a suppressed cell of each additive column (its value is missing from line totals).
Dropped rows are counted but not located: their position in an ordered result would hint at their keys.

An aggregate that reads a value (SUM, AVG, COUNT of a column …) covers only the persons whose value is not null: a
district of 40 persons where 3 have a value gives a count of 3 and the sum of 3 persons. Each such cell is
suppressed (kept row, null value) when its contributors (``__c_<i>``) are 1 to ``cfg.min_cell`` − 1; a cell of
no contributor shows nothing about anyone (a count of 0, a null sum) and stays.
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
    few: list[tuple[int, int]] = []
    for i in work.aggregates():
        name = work.columns[i].contributors
        if name is None:
            continue
        if name not in work.result.column_names:
            return [_missing(work.columns[i].name)]
        counted = work.numbers(name)
        few += work.suppress(i, (counted > 0) & (counted < m))
    work.report.suppressed_primary += cells + len(few)
    work.report.protections.append(PROTECTION)
    zh, en = (
        f"最小单元格计数 {m}：删除 {dropped} 行（抑制 {cells} 个单元格）",
        f"min cell count {m}: {dropped} rows dropped ({cells} cells suppressed)",
    )
    if few:
        zh += f"；另抑制 {len(few)} 个取值人数不足 {m} 的单元格"
        en += f"; {len(few)} more cells suppressed whose values come from fewer than {m} persons"
    return [finding(RULE, zh, en, work.places(few))]


def _missing(name: str) -> Finding:
    return finding(
        RULE,
        f"缺少统计取值人数的隐藏列：{name}",
        f"the hidden column counting the persons behind the values is missing: {name}",
        passed=False,
    )
