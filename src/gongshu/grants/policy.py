"""Pure checks of authorized operation: is an application complete, is a period allowed, what a
reviewer may see. No database, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES, SCENARIO_DOMAINS

Problem = tuple[str, str]  # (zh, en)
FIELDS = (
    "scenario",
    "description",
    "domain",
    "purpose",
    "resources",
    "start",
    "end",
    "output_kinds",
    "security_measures",
)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def content_problems(
    content: Mapping[str, Any], *, today: date, max_years: int, items_of: Mapping[str, Sequence[str]]
) -> list[Problem]:
    """Everything missing or wrong in an application; ``items_of`` maps visible resource codes to
    their items. Empty when the application may be submitted."""
    out: list[Problem] = []
    if not str(content.get("scenario", "")).strip():
        out.append(("请填写场景名称", "the scenario needs a name"))
    if len(str(content.get("description", "")).strip()) < 10:
        out.append(("请用至少 10 个字描述场景", "describe the scenario in at least 10 characters"))
    if not content.get("domain"):
        out.append(("请选择场景领域", "choose the scenario domain"))
    elif content.get("domain") not in SCENARIO_DOMAINS:
        out.append((f"场景领域 {content.get('domain')!r} 不在列表中", "the scenario domain is not in the list"))
    if content.get("purpose") not in PURPOSES:
        out.append(("请选择用途（公共治理、公益事业、产业发展、行业发展）", "choose a purpose"))
    out += _resource_problems(content.get("resources"), items_of)
    out += period_problems(content.get("start"), content.get("end"), today=today, max_years=max_years)
    kinds = content.get("output_kinds") or []
    if not kinds or any(k not in OUTPUT_KINDS for k in kinds):
        out.append(("请选择产出形式", "choose the output kinds"))
    if not str(content.get("security_measures", "")).strip():
        out.append(("请说明安全保障措施", "describe the security measures"))
    return out


def _resource_problems(resources: Any, items_of: Mapping[str, Sequence[str]]) -> list[Problem]:
    if not isinstance(resources, list) or not resources:
        return [("请至少选择一个数据资源", "choose at least one resource")]
    out: list[Problem] = []
    seen: set[str] = set()
    for r in resources:
        code = str(r.get("code", "")) if isinstance(r, dict) else ""
        items = r.get("items") if isinstance(r, dict) else None
        if code not in items_of:
            out.append((f"数据资源 {code} 不存在", f"resource {code} does not exist"))
            continue
        if code in seen:
            out.append((f"数据资源 {code} 重复", f"resource {code} is listed twice"))
        seen.add(code)
        if not isinstance(items, list) or not items:
            out.append((f"请为 {code} 选择信息项", f"choose the items of {code}"))
            continue
        unknown = [i for i in items if i not in items_of[code]]
        if unknown:
            out.append((f"{code} 没有信息项：{'、'.join(map(str, unknown))}", f"{code} has no items {unknown}"))
    return out


def period_problems(start: Any, end: Any, *, today: date, max_years: int) -> list[Problem]:
    s, e = _date(start), _date(end)
    if s is None or e is None:
        return [("请填写起止日期（YYYY-MM-DD）", "give the start and end dates (YYYY-MM-DD)")]
    out: list[Problem] = []
    if e <= s:
        out.append(("结束日期须晚于开始日期", "the end must come after the start"))
    if e <= today:
        out.append(("使用期限已过去", "the period lies in the past"))
    if (e - s).days > 366 * max_years:
        out.append((f"授权期限最长 {max_years} 年", f"an authorization lasts at most {max_years} years"))
    return out


def part_of(content: Mapping[str, Any], codes: set[str]) -> dict[str, Any]:
    """What a provider needs to judge its part: the scenario, and only its own resources."""
    shown = {
        k: content.get(k)
        for k in ("scenario", "description", "domain", "purpose", "start", "end", "output_kinds", "security_measures")
    }
    shown["resources"] = [r for r in content.get("resources", []) if r.get("code") in codes]
    return shown
