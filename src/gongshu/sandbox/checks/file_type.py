"""Rule: the output is a file of an allowed kind, by its extension and its content (never a pickle)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongshu.sandbox.isolation.formats import validate_output
from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "file-type"


def file_type(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes when the content matches an allowed format and its kind is one the agreement allows."""
    verdict = validate_output(output.path)
    if not verdict.passed:
        return Finding(RULE, False, verdict.zh, verdict.en, place=output.name)
    if verdict.place not in cfg.allowed_kinds:
        allowed = ", ".join(sorted(cfg.allowed_kinds))
        return Finding(
            RULE,
            False,
            f"{output.name}：协议不允许产出 {verdict.place} 类文件（允许：{allowed}）",
            f"{output.name}: the agreement does not allow {verdict.place} outputs (allowed: {allowed})",
            place=output.name,
        )
    return Finding(RULE, True, verdict.zh, verdict.en, place=output.name)
