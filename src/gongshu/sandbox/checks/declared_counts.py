"""Rule: a table output declares no person counts of its own (``__n``): counts come from the platform."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongshu.sandbox.contents import read_table
from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "declared-counts"
COUNT_COLUMN = "__n"


def declared_counts(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes for non-table outputs and for tables without a ``__n`` column (or any column starting ``__``)."""
    if output.kind == "table" and any(c.startswith("__") for c in read_table(output.path).column_names):
        return Finding(
            RULE,
            False,
            f"{output.name}：表格产出不得自带人数列（__n 等以 __ 开头的列）：人数只由平台计算",
            f"{output.name}: a table output may not declare its own counts (__n or any column starting with __); "
            "counts come from the platform only",
            output.name,
        )
    return Finding(RULE, True, f"{output.name}：无自报人数列", f"{output.name}: no self-declared count", output.name)
