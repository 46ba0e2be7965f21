"""Automatic checks on every output before a person reviews it (一模型一审定): allowed file type, size and row
caps, no table of a Python job over personal data, no self-declared counts, no identifier-typed column, no
protected input value anywhere in the file, no model that memorizes its rows, output control passed. One rule per
module, run in the order of ``CHECKS``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongshu.sandbox.spec import Finding

if TYPE_CHECKING:
    from gongshu.sandbox.leaks import ProtectedValues


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
    """Caps and allowed kinds (from the platform settings and the agreement's output kinds), and what the
    checks compare outputs with: whether the inputs hold personal information, their protected values and size."""

    max_bytes: int = 256 * 1024 * 1024
    max_rows: int = 10_000
    allowed_kinds: frozenset[str] = field(default_factory=lambda: frozenset({"table", "metrics", "model"}))
    personal: bool = False  # an input identifies natural persons (py_jobs.personal)
    protected: ProtectedValues | None = None  # the inputs' protected values (leaks.protected_values)
    input_rows: int = 0  # rows of the largest input
    input_cells: int = 0  # rows × items over every input
    min_cell: int = 10  # the agreement's minimum cell count


Check = Callable[[OutputFile, CheckConfig], Finding]

# Imported after the shapes above, which the rule modules use.
from gongshu.sandbox.checks.declared_counts import declared_counts  # noqa: E402
from gongshu.sandbox.checks.file_type import file_type  # noqa: E402
from gongshu.sandbox.checks.identifier_columns import identifier_columns  # noqa: E402
from gongshu.sandbox.checks.input_values import input_values  # noqa: E402
from gongshu.sandbox.checks.memorization import memorization  # noqa: E402
from gongshu.sandbox.checks.output_control import output_control  # noqa: E402
from gongshu.sandbox.checks.personal_tables import personal_tables  # noqa: E402
from gongshu.sandbox.checks.row_cap import row_cap  # noqa: E402
from gongshu.sandbox.checks.size_cap import size_cap  # noqa: E402

CHECKS: tuple[Check, ...] = (
    file_type,
    size_cap,
    row_cap,
    personal_tables,
    declared_counts,
    identifier_columns,
    input_values,
    memorization,
    output_control,
)


def run_checks(outputs: Sequence[OutputFile], cfg: CheckConfig) -> list[Finding]:
    """Every check on every output, in order, until one refuses it (the later checks read what the earlier ones
    let through: a refused file type is never read, a Python table over personal data never scanned)."""
    findings: list[Finding] = []
    for output in outputs:
        for check in CHECKS:
            finding = check(output, cfg)
            findings.append(finding)
            if not finding.passed:
                break
    return findings


__all__ = ["CHECKS", "CheckConfig", "OutputFile", "run_checks"]
