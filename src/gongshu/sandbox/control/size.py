"""Rule: refuse a result with more rows or columns than the limits allow (nothing of it is released)."""

from __future__ import annotations

from gongshu.sandbox.control.work import Work, finding
from gongshu.sandbox.spec import Finding

RULE = "output-size"


def size(work: Work) -> list[Finding]:
    """One finding: passed, or failed (a refusal) naming the count and the cap."""
    rows, cols, limits = work.result.num_rows, len(work.columns), work.limits
    if rows > limits.max_output_rows:
        return [
            finding(
                RULE,
                f"结果有 {rows} 行，超过上限 {limits.max_output_rows} 行；请用更粗的分组或更严的条件",
                f"the result has {rows} rows, over the cap of {limits.max_output_rows}; group more coarsely or filter",
                passed=False,
            )
        ]
    if cols > limits.max_output_columns:
        return [
            finding(
                RULE,
                f"结果有 {cols} 列，超过上限 {limits.max_output_columns} 列",
                f"the result has {cols} columns, over the cap of {limits.max_output_columns}",
                passed=False,
            )
        ]
    return [finding(RULE, f"结果大小 {rows} 行：未超上限", f"result size {rows} rows: within the cap")]
