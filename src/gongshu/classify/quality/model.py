"""The values of a quality run: rules as declared, their results, the report and the run's context."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One declared check: ``kind`` names a module in ``rules/``; ``params`` are plain JSON values."""

    kind: str
    params: dict[str, Any]
    weight: float = 1.0
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", default_name(self.kind, self.params))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": dict(self.params), "weight": self.weight, "name": self.name}


@dataclass(frozen=True)
class RuleResult:
    """What one rule found: counts, shares and row numbers only, never a cell value."""

    rule: Rule
    passed: bool
    score: float
    measured: dict[str, Any]
    message_zh: str
    message_en: str

    def to_json(self) -> dict[str, Any]:
        return {
            **self.rule.to_json(),
            "passed": self.passed,
            "score": self.score,
            "measured": self.measured,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class QualityReport:
    """All results of one run; ``score`` is the weighted mean of rule scores on 0..100, one decimal."""

    results: list[RuleResult]
    score: float
    passed: int
    failed: int
    rows: int

    @classmethod
    def of(cls, results: list[RuleResult], rows: int) -> QualityReport:
        passed = sum(r.passed for r in results)
        return cls(results, weighted_score(results), passed, len(results) - passed, rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "rows": self.rows,
            "passed": self.passed,
            "failed": self.failed,
            "results": [r.to_json() for r in self.results],
        }


@dataclass(frozen=True)
class Context:
    """What a run reads: the resource's Parquet file, other resources' files by code, injected validators, times."""

    path: Path
    others: Mapping[str, Path] = field(default_factory=dict)
    validators: Mapping[str, Callable[[str], bool]] = field(default_factory=dict)
    updated_at: datetime | None = None
    now: datetime | None = None
    period: timedelta | None = None


def weighted_score(results: list[RuleResult]) -> float:
    """The weighted mean of rule scores on 0..100, rounded down to one decimal (100.0 only when all are perfect).

    With no rules, or only rules of weight 0, nothing was weighed and the score is 100.0.
    """
    total = sum(r.rule.weight for r in results)
    if total == 0:
        return 100.0
    mean = sum(r.rule.weight * r.score for r in results) / total
    return floor1(100 * mean)


def floor1(x: float) -> float:
    """``x`` rounded down to one decimal, forgiving float noise such as 94.99999999999999."""
    return math.floor(x * 10 + 1e-9) / 10


def pct(share: float) -> str:
    """A share as a percentage with one decimal, rounded down so that 99.96% never reads as 100.0%."""
    return f"{floor1(100 * share):.1f}%"


def verdict(passed: bool) -> tuple[str, str]:
    return ("通过", "passed") if passed else ("未通过", "failed")


def share_of(part: int, whole: int) -> float:
    """``part / whole``, or 1.0 when there is nothing to measure."""
    return part / whole if whole else 1.0


def default_name(kind: str, params: Mapping[str, Any]) -> str:
    """A readable rule name such as ``completeness(姓名)`` or ``consistency(单位代码 → QY001.统一社会信用代码)``."""
    if not isinstance(params, Mapping):
        return str(kind)
    cols = params.get("columns")
    if kind == "completeness":
        return f"completeness({_join(cols) if cols else '*'})"
    if kind == "uniqueness":
        return f"uniqueness({_join(cols)})"
    col = params.get("column", "?")
    if kind == "validity":
        how = params["type"] if "type" in params else next((k for k in ("regex", "enum") if k in params), "?")
        return f"validity({col}: {how})"
    if kind == "consistency":
        return f"consistency({col} → {params.get('ref', '?')}.{params.get('ref_column', '?')})"
    if kind == "range":
        return f"range({col})"
    return str(kind)


def _join(cols: object) -> str:
    return ", ".join(map(str, cols)) if isinstance(cols, list | tuple) else str(cols)
