"""Rule: no output holds a protected value of the job's inputs — as it is, reversed, inside a longer string or
hashed — in any table cell, column name, JSON key or value, ONNX tensor, attribute or name, or skops array."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongshu.sandbox.contents import items
from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "input-values"


def input_values(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes when the inputs have no protected value or none is found in the output; the finding never
    names the value."""
    if not cfg.protected:
        return Finding(
            RULE,
            True,
            f"{output.name}：输入无受保护值",
            f"{output.name}: the inputs hold no protected value",
            output.name,
        )
    if any(cfg.protected.found(item) for item in items(output.path, output.kind)):
        return Finding(
            RULE,
            False,
            f"{output.name}：含有输入数据中的受保护值（原值、倒序、加前后缀或哈希）",
            f"{output.name}: holds a protected value of the inputs (as it is, reversed, with a prefix or suffix, "
            "or hashed)",
            output.name,
        )
    return Finding(
        RULE,
        True,
        f"{output.name}：未发现输入的受保护值",
        f"{output.name}: no protected input value found",
        output.name,
    )
