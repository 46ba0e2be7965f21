"""数据质量 of catalog resources: the provider's rules, a report with a score for every version."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import select

from gongshu.catalog.attributes import UpdateCycle
from gongshu.catalog.models import QualityReportRecord, QualityRuleSet, Resource, ResourceVersion
from gongshu.catalog.policy import check_manage
from gongshu.classify.normalize import compact_text, plain_text
from gongshu.classify.quality import Context, QualityReport, Rule, check_rules, default_rules, parse_rules, run_rules
from gongshu.classify.recognizers import COMPACT, RECOGNIZERS, Recognizer
from gongshu.identity import Actor, event
from gongshu.platform import UnitOfWork


def validators() -> Mapping[str, Callable[[str], bool]]:
    """Type code → validator of the recognizers (on the value normalized as the recognizer expects)."""
    return {r.code: _validator(r) for r in RECOGNIZERS}


def _validator(r: Recognizer) -> Callable[[str], bool]:
    norm = compact_text if r.form == COMPACT else plain_text

    def check(value: str) -> bool:
        return r.validate(norm(value))

    return check


def rules_of(uow: UnitOfWork, res: Resource, columns: list[tuple[str, str]], typed: Mapping[str, str]) -> list[Rule]:
    row = uow.session.get(QualityRuleSet, res.id)
    return parse_rules(json.loads(row.rules)) if row else default_rules(columns, typed)


def _others(uow: UnitOfWork, rules: list[Rule]) -> dict[str, Path]:
    codes = {r.params.get("resource") for r in rules if r.kind == "consistency"} - {None}
    if not codes:
        return {}
    rows = uow.session.execute(
        select(Resource.code, ResourceVersion.path)
        .join(ResourceVersion, ResourceVersion.resource_id == Resource.id)
        .where(Resource.code.in_(codes), ResourceVersion.number == Resource.current_version)
    ).all()
    return {code: uow.settings.data_dir / path for code, path in rows}


def record_report(uow: UnitOfWork, res: Resource, version: ResourceVersion, typed: Mapping[str, str]) -> QualityReport:
    """Run the resource's rules (or the defaults) on ``version`` and store the report."""
    columns = [(c["name"], c["type"]) for c in json.loads(version.columns)]
    rules = rules_of(uow, res, columns, typed)
    ctx = Context(
        path=uow.settings.data_dir / version.path,
        others=_others(uow, rules),
        validators=validators(),
        updated_at=version.created_at,
        now=uow.clock.now(),
        period=UpdateCycle(res.update_cycle).period,
    )
    report = run_rules(rules, ctx)
    uow.session.add(
        QualityReportRecord(
            resource_id=res.id,
            version=version.number,
            score=report.score,
            passed=report.passed,
            failed=report.failed,
            report=json.dumps(report.to_json(), ensure_ascii=False, default=str),
            created_at=uow.clock.now(),
        )
    )
    return report


def set_rules(
    uow: UnitOfWork, actor: Actor, res: Resource, data: list[dict[str, Any]], version: ResourceVersion
) -> QualityReport:
    """The provider declares the resource's quality rules; the current version is checked at once."""
    check_manage(actor, res)
    rules = parse_rules(data)
    columns = [c["name"] for c in json.loads(version.columns)]
    others = _others(uow, rules)
    check_rules(rules, columns, {code: _columns_of(p) for code, p in others.items()})
    row = uow.session.get(QualityRuleSet, res.id) or QualityRuleSet(resource_id=res.id)
    row.rules, row.updated_by, row.updated_at = json.dumps(data, ensure_ascii=False), actor.username, uow.clock.now()
    uow.session.add(row)
    uow.session.flush()
    report = record_report(uow, res, version, {})
    uow.record(event(actor, "quality.rules", "resource", res.code, data, rules=len(rules), score=report.score))
    uow.commit()
    return report


def _columns_of(path: Path) -> list[str]:
    return list(pq.read_schema(path).names)


def latest_report(uow: UnitOfWork, res: Resource) -> QualityReportRecord | None:
    return uow.session.execute(
        select(QualityReportRecord)
        .where(QualityReportRecord.resource_id == res.id)
        .order_by(QualityReportRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def declared_rules(uow: UnitOfWork, res: Resource) -> list[dict[str, Any]] | None:
    row = uow.session.get(QualityRuleSet, res.id)
    return json.loads(row.rules) if row else None
