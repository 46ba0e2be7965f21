"""Rule: the output file is not larger than the platform's cap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "size-cap"


def size_cap(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes when ``output.bytes`` is at most ``cfg.max_bytes``."""
    if output.bytes > cfg.max_bytes:
        return Finding(
            RULE,
            False,
            f"{output.name}：{output.bytes} 字节，超过上限 {cfg.max_bytes} 字节",
            f"{output.name}: {output.bytes} bytes, more than the cap of {cfg.max_bytes}",
            place=output.name,
        )
    return Finding(RULE, True, f"{output.name}：大小在上限内", f"{output.name}: within the size cap", place=output.name)
