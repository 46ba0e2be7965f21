"""Automatic checks on every output before a person reviews it (一模型一审定): allowed file type, size and row
caps, no identifier-typed column, output control passed. One rule per module, run in the order of ``CHECKS``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongshu.sandbox.spec import Finding


@dataclass(frozen=True)
class OutputFile:
    """One output as the checks see it: where it is, its kind ("table", "metrics", "model") and size."""

    path: Path
    name: str
    kind: str
    rows: int | None = None  # tables only
    bytes: int = 0
    control_report: dict[str, Any] | None = None  # output control's report on a table, None if it did not run


@dataclass(frozen=True)
class CheckConfig:
    """Caps and allowed kinds (from the platform settings and the agreement's output kinds)."""

    max_bytes: int = 256 * 1024 * 1024
    max_rows: int = 10_000
    allowed_kinds: frozenset[str] = field(default_factory=lambda: frozenset({"table", "metrics", "model"}))


Check = Callable[[OutputFile, CheckConfig], Finding]

# Imported after the shapes above, which the rule modules use.
from gongshu.sandbox.checks.file_type import file_type  # noqa: E402
from gongshu.sandbox.checks.identifier_columns import identifier_columns  # noqa: E402
from gongshu.sandbox.checks.output_control import output_control  # noqa: E402
from gongshu.sandbox.checks.row_cap import row_cap  # noqa: E402
from gongshu.sandbox.checks.size_cap import size_cap  # noqa: E402

CHECKS: tuple[Check, ...] = (file_type, size_cap, row_cap, identifier_columns, output_control)


def run_checks(outputs: Sequence[OutputFile], cfg: CheckConfig) -> list[Finding]:
    """Every check on every output, in order; a refused file type skips the checks that would read the file."""
    findings: list[Finding] = []
    for output in outputs:
        for check in CHECKS:
            finding = check(output, cfg)
            findings.append(finding)
            if check is file_type and not finding.passed:
                break
    return findings


__all__ = ["CHECKS", "CheckConfig", "OutputFile", "run_checks"]
