"""分类分级, 脱敏 and 数据质量 of a resource: tags, grades, rescans, desensitized versions, quality
rules and reports, objections."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gongshu.api.deps import ActorDep, ReadUow, WriteUow
from gongshu.catalog import classification, desensitization, objections, quality, services
from gongshu.catalog.attributes import GRADE_ZH
from gongshu.catalog.models import ColumnGrade, ColumnTag, Objection, ResourceVersion
from gongshu.classify.desensitize import Plan

router = APIRouter(tags=["classify"])


class TagOut(BaseModel):
    type: str
    status: str
    recognizer: str
    recognizer_version: str
    share: float
    score: float
    present: bool = Field(description="found by the latest scan")
    changed: bool = Field(description="a rescan difference awaiting the provider's review")
    decided_by: str
    reason: str

    @classmethod
    def of(cls, t: ColumnTag) -> TagOut:
        return cls(
            type=t.type,
            status=t.status,
            recognizer=t.recognizer,
            recognizer_version=t.recognizer_version,
            share=t.share,
            score=t.score,
            present=t.seen_in_version != 0,
            changed=t.changed,
            decided_by=t.decided_by,
            reason=t.reason,
        )


class GradeOut(BaseModel):
    suggested: str
    confirmed: str | None
    effective: str
    effective_label: str
    personal: bool
    sensitive_personal: bool
    confirmed_by: str
    reason: str
    changed: bool

    @classmethod
    def of(cls, g: ColumnGrade) -> GradeOut:
        e = classification.effective(g)
        return cls(
            suggested=g.suggested,
            confirmed=g.confirmed,
            effective=e.grade,
            effective_label=GRADE_ZH[e.grade],
            personal=e.personal,
            sensitive_personal=e.sensitive_personal,
            confirmed_by=g.confirmed_by,
            reason=g.reason,
            changed=g.changed,
        )


class ColumnOut(BaseModel):
    name: str
    grade: GradeOut | None
    tags: list[TagOut]


class ClassificationOut(BaseModel):
    resource: GradeOut | None
    columns: list[ColumnOut]
    recognizers_version: str | None
    scanned_version: int | None
    outdated: bool
    changes: int


class GradeIn(BaseModel):
    column: str = Field(default="", description="an item name, or empty for the whole resource")
    grade: str = Field(description="core | important | general-4 | general-3 | general-2 | general-1")
    personal: bool | None = None
    sensitive_personal: bool | None = None
    reason: str = ""


class TagIn(BaseModel):
    column: str
    type: str
    keep: bool
    reason: str = ""


@router.get("/resources/{code}/classification", response_model=ClassificationOut)
def show_classification(code: str, uow: ReadUow, actor: ActorDep) -> ClassificationOut:
    v = classification.view(uow, services.get_resource(uow, actor, code))
    return ClassificationOut(
        resource=GradeOut.of(v.resource) if v.resource else None,
        columns=[
            ColumnOut(name=c.name, grade=GradeOut.of(c.grade) if c.grade else None, tags=[TagOut.of(t) for t in c.tags])
            for c in v.columns
        ],
        recognizers_version=v.last_scan.recognizers_version if v.last_scan else None,
        scanned_version=v.last_scan.version if v.last_scan else None,
        outdated=v.outdated,
        changes=v.changes,
    )


@router.post("/resources/{code}/grades", response_model=GradeOut)
def confirm_grade(code: str, body: GradeIn, uow: WriteUow, actor: ActorDep) -> GradeOut:
    res = services.get_resource(uow, actor, code)
    row = classification.confirm_grade(
        uow,
        actor,
        res,
        column=body.column,
        grade=body.grade,
        personal=body.personal,
        sensitive_personal=body.sensitive_personal,
        reason=body.reason,
    )
    return GradeOut.of(row)


@router.post("/resources/{code}/tags", response_model=TagOut)
def decide_tag(code: str, body: TagIn, uow: WriteUow, actor: ActorDep) -> TagOut:
    res = services.get_resource(uow, actor, code)
    return TagOut.of(
        classification.decide_tag(
            uow, actor, res, column=body.column, type=body.type, keep=body.keep, reason=body.reason
        )
    )


@router.post("/resources/{code}/rescan")
def rescan(code: str, uow: WriteUow, actor: ActorDep) -> dict[str, int]:
    """Scan the current version again (after the recognizers changed); returns the differences found."""
    return {"changes": services.rescan(uow, actor, code)}


@router.post("/resources/{code}/scan-changes/accept")
def accept_changes(code: str, uow: WriteUow, actor: ActorDep) -> dict[str, int]:
    res = services.get_resource(uow, actor, code)
    return {"cleared": classification.accept_changes(uow, actor, res)}


# -- desensitization ----------------------------------------------------------------------------


class DesensitizeIn(BaseModel):
    plan: dict[str, Any] = Field(description='{"steps": [{"column", "operator", "params"}], "drop": [...]}')
    source_version: int | None = None
    quasi_identifiers: list[str] = []
    sensitive: str | None = Field(default=None, description="sensitive column for l-diversity")


class DerivedOut(BaseModel):
    number: int
    derived_from: int | None
    rows: int
    sha256: str
    k: int | None
    anonymity: dict[str, Any] | None
    openable: bool
    plan: dict[str, Any] | None

    @classmethod
    def of(cls, v: ResourceVersion) -> DerivedOut:
        return cls(
            number=v.number,
            derived_from=v.derived_from,
            rows=v.rows,
            sha256=v.sha256,
            k=v.k,
            anonymity=json.loads(v.anonymity) if v.anonymity else None,
            openable=v.openable,
            plan=json.loads(v.plan) if v.plan else None,
        )


@router.post("/resources/{code}/desensitize", response_model=DerivedOut, status_code=201)
def desensitize(code: str, body: DesensitizeIn, uow: WriteUow, actor: ActorDep) -> DerivedOut:
    res = services.get_resource(uow, actor, code)
    v = desensitization.desensitize(
        uow,
        actor,
        res,
        Plan.from_json(body.plan),
        source_version=body.source_version,
        quasi_identifiers=body.quasi_identifiers,
        sensitive=body.sensitive,
    )
    return DerivedOut.of(v)


@router.post("/resources/{code}/versions/{number}/openable", response_model=DerivedOut)
def mark_openable(code: str, number: int, uow: WriteUow, actor: ActorDep, openable: bool = True) -> DerivedOut:
    res = services.get_resource(uow, actor, code)
    return DerivedOut.of(desensitization.mark_openable(uow, actor, res, number, openable))


# -- quality ------------------------------------------------------------------------------------


class QualityOut(BaseModel):
    version: int | None
    score: float | None
    passed: int
    failed: int
    report: dict[str, Any] | None
    rules: list[dict[str, Any]] | None = Field(description="the provider's declared rules; null: defaults apply")


@router.get("/resources/{code}/quality", response_model=QualityOut)
def show_quality(code: str, uow: ReadUow, actor: ActorDep) -> QualityOut:
    res = services.get_resource(uow, actor, code)
    rec = quality.latest_report(uow, res)
    return QualityOut(
        version=rec.version if rec else None,
        score=rec.score if rec else None,
        passed=rec.passed if rec else 0,
        failed=rec.failed if rec else 0,
        report=json.loads(rec.report) if rec else None,
        rules=quality.declared_rules(uow, res),
    )


@router.put("/resources/{code}/quality/rules", response_model=QualityOut)
def set_rules(code: str, rules: list[dict[str, Any]], uow: WriteUow, actor: ActorDep) -> QualityOut:
    res = services.get_resource(uow, actor, code)
    version = services.current_version(uow, actor, code)
    report = quality.set_rules(uow, actor, res, rules, version)
    return QualityOut(
        version=version.number,
        score=report.score,
        passed=report.passed,
        failed=report.failed,
        report=report.to_json(),
        rules=rules,
    )


# -- objections ---------------------------------------------------------------------------------


class ObjectionIn(BaseModel):
    text: str
    item: str = ""


class ObjectionOut(BaseModel):
    number: str
    resource: str
    item: str
    raised_by: str
    text: str
    status: str
    response: str
    corrected_version: int | None
    raised_at: datetime
    verify_due: datetime
    correct_due: datetime | None
    overdue: bool

    @classmethod
    def of(cls, o: Objection, code: str, overdue: bool) -> ObjectionOut:
        return cls(
            number=o.number,
            resource=code,
            item=o.item,
            raised_by=o.raised_by,
            text=o.text,
            status=o.status,
            response=o.response,
            corrected_version=o.corrected_version,
            raised_at=o.raised_at,
            verify_due=o.verify_due,
            correct_due=o.correct_due,
            overdue=overdue,
        )


class VerifyIn(BaseModel):
    accept: bool
    response: str


class CorrectIn(BaseModel):
    version: int


@router.post("/resources/{code}/objections", response_model=ObjectionOut, status_code=201)
def raise_objection(code: str, body: ObjectionIn, uow: WriteUow, actor: ActorDep) -> ObjectionOut:
    res = services.get_resource(uow, actor, code)
    o = objections.raise_objection(uow, actor, res, text=body.text, item=body.item)
    return ObjectionOut.of(o, code, False)


@router.get("/objections", response_model=list[ObjectionOut])
def list_objections(uow: ReadUow, actor: ActorDep, open_only: bool = False) -> list[ObjectionOut]:
    return [
        ObjectionOut.of(v.objection, v.resource_code, v.overdue)
        for v in objections.list_objections(uow, actor, open_only=open_only)
    ]


def _objection_out(uow: ReadUow, o: Objection) -> ObjectionOut:
    v = objections.view_of(uow, o)
    return ObjectionOut.of(v.objection, v.resource_code, v.overdue)


@router.post("/objections/{number}/verify", response_model=ObjectionOut)
def verify_objection(number: str, body: VerifyIn, uow: WriteUow, actor: ActorDep) -> ObjectionOut:
    return _objection_out(uow, objections.verify(uow, actor, number, accept=body.accept, response=body.response))


@router.post("/objections/{number}/correct", response_model=ObjectionOut)
def correct_objection(number: str, body: CorrectIn, uow: WriteUow, actor: ActorDep) -> ObjectionOut:
    return _objection_out(uow, objections.correct(uow, actor, number, version=body.version))
