"""Rule: a table output has no more rows than the platform's cap (and says how many it has)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "row-cap"


def row_cap(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes for non-table outputs, and for tables of at most ``cfg.max_rows`` rows; a table of unknown size fails."""
    if output.kind != "table":
        return Finding(RULE, True, f"{output.name}：不是表格", f"{output.name}: not a table", place=output.name)
    if output.rows is None or output.rows > cfg.max_rows:
        rows = "未知" if output.rows is None else str(output.rows)
        return Finding(
            RULE,
            False,
            f"{output.name}：行数 {rows}，上限 {cfg.max_rows}",
            f"{output.name}: {output.rows if output.rows is not None else 'unknown'} rows, the cap is {cfg.max_rows}",
            place=output.name,
        )
    return Finding(RULE, True, f"{output.name}：行数在上限内", f"{output.name}: within the row cap", place=output.name)
