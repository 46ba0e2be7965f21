"""Presentation helpers console pages share: desensitization plans as rows, shares as percentages,
periods as Beijing dates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

CHINA = timezone(timedelta(hours=8), "CST")  # China keeps one zone and no daylight saving


@dataclass(frozen=True)
class PlanRow:
    column: str
    operator: str  # the operator's name; "" when the plan drops the column
    params: str  # the parameters given, as compact JSON; "" when none (the defaults apply)


def plan_rows(plan: str | dict[str, Any] | None) -> list[PlanRow]:
    """A plan (stored JSON text or its parsed form) as one row per column it touches."""
    data = json.loads(plan) if isinstance(plan, str) and plan else plan
    if not isinstance(data, dict):
        return []
    rows = [
        PlanRow(s["column"], s["operator"], json.dumps(s["params"], ensure_ascii=False) if s.get("params") else "")
        for s in data.get("steps", [])
    ]
    return rows + [PlanRow(c, "", "") for c in data.get("drop", [])]


def percent(share: float) -> str:
    """0.987 → "98.7%"; whole percentages without the decimal."""
    value = round(share * 100, 1)
    return f"{value:g}%"


def period(starts: datetime, ends: datetime) -> str:
    """A period stored as [starts, ends) shown as the Beijing dates it covers: 2026-11-22 – 2027-02-20."""

    def day(when: datetime) -> str:
        aware = when if when.tzinfo else when.replace(tzinfo=UTC)
        return aware.astimezone(CHINA).date().isoformat()

    return f"{day(starts)} – {day(ends - timedelta(microseconds=1))}"


def file_size(size: int) -> str:
    """A byte count for people: 512 B, 1.5 KiB, 2.3 MiB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"
