"""The output-control report as a JSON-able dict, for the job record, the API and the review page."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gongshu.sandbox.spec import ControlReport


def report_dict(report: ControlReport) -> dict[str, Any]:
    """Every field of the report but the released cells' hashes, plus ``passed`` (no failed finding) and
    ``suppressed`` (all cells)."""
    out = asdict(report)
    del out["released_cells"]
    out["passed"] = all(f.passed for f in report.findings)
    out["suppressed"] = report.suppressed_primary + report.suppressed_secondary
    return out
