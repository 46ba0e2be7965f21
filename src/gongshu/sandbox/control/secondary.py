"""Rule: secondary (complementary) suppression, so a suppressed cell cannot be recovered from totals.

The group keys are the dimensions of a table. A *line* is every raw row sharing all keys but one; with a single
key the line is the whole table (its total is what the same query without GROUP BY returns). For each additive
output (COUNT, SUM and AVG — AVG × count is a sum; COUNT DISTINCT is not additive, as one value can be counted
in several groups), a line with exactly one hidden cell would give that cell away as total − visible cells, so
the visible cell of the line with the fewest persons (``__n``; then the earliest row) is suppressed too. This
repeats over all lines until no line has exactly one hidden cell. A row dropped by the minimum cell count is a
hidden cell of every additive output (its value is missing from the totals) unless it has no person at all.
A line of one row needs nothing: its total is the cell itself, and the coarser query's own control judges that
cell by the same ``__n`` and contributors.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from gongshu.sandbox.control.work import ADDITIVE, Work, finding
from gongshu.sandbox.spec import Finding

RULE = "secondary-suppression"
PROTECTION = "secondary_suppression"


def secondary(work: Work) -> list[Finding]:
    """Complete the suppression pattern of each additive output; one finding locating the cells added."""
    keys, outputs = work.groups(), work.aggregates(ADDITIVE)
    if not keys or not outputs:
        return [finding(RULE, "次级抑制：无分组，无需处理", "secondary suppression: no grouping, nothing to do")]
    lines = table_lines([work.result.column(k).to_pylist() for k in keys])
    n = work.n
    dropped = ~work.keep & (n > 0)
    cells: list[tuple[int, int]] = []
    for i in outputs:
        hidden = complete(work.suppressed[i] | dropped, lines, n, work.keep)
        cells += work.suppress(i, hidden)
    work.report.suppressed_secondary += len(cells)
    work.report.protections.append(PROTECTION)
    return [
        finding(
            RULE,
            f"次级抑制：另抑制 {len(cells)} 个单元格，使被抑制的单元格无法由合计推算",
            f"secondary suppression: {len(cells)} more cells suppressed so that no suppressed cell follows from totals",
            work.places(cells),
        )
    ]


def table_lines(keys: list[list[object]]) -> list[np.ndarray]:
    """Raw row indices of each line of two rows or more: rows equal on every key but one."""
    rows = list(zip(*keys, strict=True))
    lines: list[np.ndarray] = []
    for d in range(len(keys)):
        members: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for r, row in enumerate(rows):
            members[row[:d] + row[d + 1 :]].append(r)
        lines += [np.asarray(m) for m in members.values() if len(m) > 1]
    return lines


def complete(hidden: np.ndarray, lines: list[np.ndarray], n: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """Hide more shown cells until no line has exactly one hidden cell; returns the new mask (input untouched).

    A line whose only other rows are not shown (dropped rows of no person, which add nothing) is left as it is.
    """
    hidden = hidden.copy()
    changed = True
    while changed:
        changed = False
        for line in lines:
            mask = hidden[line]
            if mask.sum() != 1:
                continue
            visible = line[~mask & shown[line]]
            if visible.size:
                hidden[visible[np.lexsort((visible, n[visible]))[0]]] = True
                changed = True
    return hidden
