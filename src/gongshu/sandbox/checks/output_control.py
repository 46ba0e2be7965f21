"""Rule: a table output went through output control (statistical disclosure control) and passed it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "output-control"


def output_control(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes for non-table outputs; a table passes when its control report says it passed."""
    if output.kind != "table":
        return Finding(RULE, True, f"{output.name}：不是表格", f"{output.name}: not a table", place=output.name)
    if output.control_report is None:
        return Finding(
            RULE, False, f"{output.name}：未经输出控制", f"{output.name}: output control did not run", place=output.name
        )
    if not report_passed(output.control_report):
        return Finding(
            RULE,
            False,
            f"{output.name}：未通过输出控制",
            f"{output.name}: did not pass output control",
            place=output.name,
        )
    return Finding(
        RULE, True, f"{output.name}：已通过输出控制", f"{output.name}: passed output control", place=output.name
    )


def report_passed(report: dict[str, Any]) -> bool:
    """``report["passed"]`` when the report says so; otherwise every one of its findings passed (and there is one)."""
    if "passed" in report:
        return report["passed"] is True
    findings = report.get("findings") or []
    return bool(findings) and all(isinstance(f, dict) and f.get("passed") is True for f in findings)
