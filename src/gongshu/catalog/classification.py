"""分类分级 of catalog resources: store each scan, merge its findings into tags with provenance,
suggest grades, let the provider confirm or override them, and show what a rescan changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from gongshu.catalog.attributes import GRADES, grade_rank, is_protected
from gongshu.catalog.errors import InvalidMetadata
from gongshu.catalog.models import ColumnGrade, ColumnTag, Resource, ScanRecord
from gongshu.catalog.policy import check_manage
from gongshu.classify import grading
from gongshu.classify.scanner import RECOGNIZERS_VERSION, ColumnScan, ScanResult, scan_parquet
from gongshu.identity import Actor, event
from gongshu.platform import UnitOfWork

TABLE = ""  # the ColumnGrade row of the whole resource


def scan(path: Path) -> ScanResult:
    """Scan a staged Parquet file (file work, before any transaction opens)."""
    return scan_parquet(path)


@dataclass(frozen=True)
class Effective:
    """The grade later checks use: the provider's confirmation, else the engine's suggestion."""

    grade: str
    personal: bool
    sensitive_personal: bool
    confirmed: bool

    @property
    def protected(self) -> bool:
        return is_protected(self.grade, self.personal or self.sensitive_personal)


def effective(row: ColumnGrade) -> Effective:
    return Effective(
        grade=row.confirmed or row.suggested,
        personal=row.suggested_personal if row.personal is None else row.personal,
        sensitive_personal=row.suggested_sensitive if row.sensitive_personal is None else row.sensitive_personal,
        confirmed=row.confirmed is not None,
    )


def effective_grades(uow: UnitOfWork, res: Resource) -> dict[str, Effective]:
    """Column name → effective grade; the whole resource under the key ``""``."""
    rows = uow.session.execute(select(ColumnGrade).where(ColumnGrade.resource_id == res.id)).scalars()
    return {r.column: effective(r) for r in rows}


def typed_columns(result: ScanResult, min_share: float = 0.5) -> dict[str, str]:
    """Column → its dominant detected type (for validity rules), where one type covers most cells."""
    return {
        c.name: c.types[0].type for c in result.columns if c.types and c.types[0].share >= min_share and not c.free_text
    }


def column_types(uow: UnitOfWork, res: Resource) -> dict[str, list[str]]:
    """Column → its detected types that were not removed, most frequent first."""
    out: dict[str, list[tuple[float, str]]] = {}
    for (column, type_), tag in _tags(uow, res).items():
        if tag.status != "removed" and tag.seen_in_version:
            out.setdefault(column, []).append((-tag.share, type_))
    return {c: [t for _, t in sorted(v)] for c, v in out.items()}


# -- recording a scan (inside the publishing transaction) -------------------------------------


def record_scan(uow: UnitOfWork, res: Resource, version: int, result: ScanResult, *, now: datetime) -> int:
    """Store the scan, merge findings into tags, refresh grade suggestions; returns the number of
    differences a rescan produced (0 on the first scan, where everything is new anyway)."""
    first = uow.session.execute(select(ScanRecord.id).where(ScanRecord.resource_id == res.id)).first() is None
    uow.session.add(
        ScanRecord(
            resource_id=res.id,
            version=version,
            recognizers_version=result.recognizers_version,
            grade=result.grade,
            personal=result.personal,
            sensitive_personal=result.sensitive_personal,
            result=json.dumps(_result_json(result), ensure_ascii=False),
            scanned_at=now,
        )
    )
    changes = _merge_tags(uow, res, version, result, first)
    changes += _merge_grades(uow, res, result, first)
    return changes


def _result_json(result: ScanResult) -> dict[str, object]:
    return {
        "rows": result.rows,
        "columns": [
            {
                "name": c.name,
                "grade": c.grade,
                "personal": c.personal,
                "sensitive_personal": c.sensitive_personal,
                "free_text": c.free_text,
                "hint": c.hint,
                "types": [
                    {
                        "type": t.type,
                        "share": t.share,
                        "score": t.score,
                        "recognizer": t.recognizer,
                        "recognizer_version": t.recognizer_version,
                        "matched": t.matched,
                    }
                    for t in c.types
                ],
            }
            for c in result.columns
        ],
    }


def _tags(uow: UnitOfWork, res: Resource) -> dict[tuple[str, str], ColumnTag]:
    rows = uow.session.execute(select(ColumnTag).where(ColumnTag.resource_id == res.id)).scalars()
    return {(t.column, t.type): t for t in rows}


def _merge_tags(uow: UnitOfWork, res: Resource, version: int, result: ScanResult, first: bool) -> int:
    tags, seen, changes = _tags(uow, res), set(), 0
    for col in result.columns:
        for f in col.types:
            key = (col.name, f.type)
            seen.add(key)
            tag = tags.get(key)
            if tag is None:
                tag = ColumnTag(resource_id=res.id, column=col.name, type=f.type, status="suggested", changed=not first)
                uow.session.add(tag)
                changes += int(not first)
            elif tag.seen_in_version == 0 and tag.status != "removed":
                tag.changed, changes = True, changes + 1
            tag.recognizer, tag.recognizer_version = f.recognizer, f.recognizer_version
            tag.share, tag.score, tag.seen_in_version = f.share, f.score, version
    for key, tag in tags.items():
        if key not in seen and tag.seen_in_version != 0:
            tag.seen_in_version = 0
            if tag.status != "removed":
                tag.changed, changes = True, changes + 1
    return changes


def _merge_grades(uow: UnitOfWork, res: Resource, result: ScanResult, first: bool) -> int:
    rows = {
        r.column: r for r in uow.session.execute(select(ColumnGrade).where(ColumnGrade.resource_id == res.id)).scalars()
    }
    removed = {k for k, t in _tags(uow, res).items() if t.status == "removed"}
    suggestions = {TABLE: (result.grade, result.personal, result.sensitive_personal)}
    for col in result.columns:
        kept = [t.type for t in col.types if (col.name, t.type) not in removed]
        suggestions[col.name] = _suggest(col, kept)
    changes = 0
    for column, (grade, personal, sensitive) in suggestions.items():
        row = rows.get(column)
        if row is None:
            row = ColumnGrade(resource_id=res.id, column=column, confirmed=None, changed=False)
            uow.session.add(row)
        elif row.confirmed is not None and row.suggested != grade:
            row.changed, changes = True, changes + 1
        row.suggested, row.suggested_personal, row.suggested_sensitive = grade, personal, sensitive
    return changes


def _suggest(col: ColumnScan, kept: list[str]) -> tuple[str, bool, bool]:
    """The scanner's suggestion, unless the provider removed some of its tags as false positives."""
    if len(kept) == len(col.types):
        return col.grade, col.personal, col.sensitive_personal
    return grading.column_grade([*kept, *(["health"] if col.hint == "health" else [])])


# -- provider decisions -------------------------------------------------------------------------


def confirm_grade(
    uow: UnitOfWork,
    actor: Actor,
    res: Resource,
    *,
    column: str,
    grade: str,
    personal: bool | None = None,
    sensitive_personal: bool | None = None,
    reason: str = "",
) -> ColumnGrade:
    """The provider confirms the suggestion or overrides it; an override needs a reason."""
    check_manage(actor, res)
    if grade not in GRADES:
        raise InvalidMetadata(f"等级 {grade!r} 无效", f"grade {grade!r} is not one of {', '.join(GRADES)}")
    row = _grade_row(uow, res, column)
    personal = row.suggested_personal if personal is None else personal
    sensitive = row.suggested_sensitive if sensitive_personal is None else sensitive_personal
    overrides = (grade, personal, sensitive) != (row.suggested, row.suggested_personal, row.suggested_sensitive)
    if overrides and not reason.strip():
        raise InvalidMetadata(
            f"调整「{column or '整个资源'}」的建议等级须说明理由",
            f"overriding the suggested grade of {column or 'the resource'!r} needs a reason",
        )
    row.confirmed, row.personal, row.sensitive_personal = grade, personal, sensitive
    row.confirmed_by, row.confirmed_at, row.reason, row.changed = actor.username, uow.clock.now(), reason.strip(), False
    uow.record(
        event(
            actor,
            "grade.confirm",
            "resource",
            res.code,
            {"column": column, "grade": grade, "personal": personal, "sensitive": sensitive, "reason": reason},
            column=column,
            grade=grade,
            suggested=row.suggested,
            override=overrides,
        )
    )
    uow.commit()
    return row


def _grade_row(uow: UnitOfWork, res: Resource, column: str) -> ColumnGrade:
    row = uow.session.execute(
        select(ColumnGrade).where(ColumnGrade.resource_id == res.id, ColumnGrade.column == column)
    ).scalar_one_or_none()
    if row is None:
        raise InvalidMetadata(f"资源 {res.code} 没有信息项「{column}」", f"resource {res.code} has no item {column!r}")
    return row


def decide_tag(
    uow: UnitOfWork, actor: Actor, res: Resource, *, column: str, type: str, keep: bool, reason: str = ""
) -> ColumnTag:
    """Confirm a tag, or remove it as a false positive (with a reason); a removed tag stays removed
    on rescans and no longer counts towards the column's suggested grade."""
    check_manage(actor, res)
    tag = _tags(uow, res).get((column, type))
    if tag is None:
        raise InvalidMetadata(f"「{column}」没有 {type} 标签", f"column {column!r} has no {type} tag")
    if not keep and not reason.strip():
        raise InvalidMetadata("移除标签须说明理由", "removing a tag needs a reason")
    tag.status = "confirmed" if keep else "removed"
    tag.decided_by, tag.decided_at, tag.reason, tag.changed = actor.username, uow.clock.now(), reason.strip(), False
    if not keep:
        _regrade_column(uow, res, column)
    uow.record(
        event(
            actor,
            "tag.confirm" if keep else "tag.remove",
            "resource",
            res.code,
            {"column": column, "type": type, "reason": reason},
            column=column,
            type=type,
        )
    )
    uow.commit()
    return tag


def _regrade_column(uow: UnitOfWork, res: Resource, column: str) -> None:
    kept = [t.type for (c, _), t in _tags(uow, res).items() if c == column and t.status != "removed"]
    row = _grade_row(uow, res, column)
    row.suggested, row.suggested_personal, row.suggested_sensitive = grading.column_grade(kept)


def accept_changes(uow: UnitOfWork, actor: Actor, res: Resource) -> int:
    """The provider has reviewed what the last rescan changed; returns how many differences it cleared."""
    check_manage(actor, res)
    n = 0
    for tag in _tags(uow, res).values():
        n += int(tag.changed)
        tag.changed = False
    for row in uow.session.execute(select(ColumnGrade).where(ColumnGrade.resource_id == res.id)).scalars():
        n += int(row.changed)
        row.changed = False
    uow.record(event(actor, "scan.accept", "resource", res.code, {"cleared": n}, cleared=n))
    uow.commit()
    return n


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnView:
    name: str
    grade: ColumnGrade | None
    tags: list[ColumnTag]


@dataclass(frozen=True)
class ClassificationView:
    resource: ColumnGrade | None
    columns: list[ColumnView]
    last_scan: ScanRecord | None
    outdated: bool  # scanned with older recognizers than the platform's

    @property
    def changes(self) -> int:
        return sum(int(t.changed) for c in self.columns for t in c.tags) + sum(
            int(c.grade.changed) for c in self.columns if c.grade
        )


def view(uow: UnitOfWork, res: Resource) -> ClassificationView:
    grades = {
        r.column: r for r in uow.session.execute(select(ColumnGrade).where(ColumnGrade.resource_id == res.id)).scalars()
    }
    tags = _tags(uow, res)
    last = uow.session.execute(
        select(ScanRecord).where(ScanRecord.resource_id == res.id).order_by(ScanRecord.id.desc()).limit(1)
    ).scalar_one_or_none()
    columns = [
        ColumnView(
            i.name, grades.get(i.name), sorted((t for (c, _), t in tags.items() if c == i.name), key=lambda t: -t.share)
        )
        for i in res.items
    ]
    outdated = last is not None and last.recognizers_version != RECOGNIZERS_VERSION
    return ClassificationView(grades.get(TABLE), columns, last, outdated)


def outdated_codes(uow: UnitOfWork) -> list[str]:
    """Resources whose latest scan used older recognizers than the platform's."""
    latest = (
        select(ScanRecord.resource_id, func.max(ScanRecord.id).label("last"))
        .group_by(ScanRecord.resource_id)
        .subquery()
    )
    rows = uow.session.execute(
        select(Resource.code)
        .join(latest, latest.c.resource_id == Resource.id)
        .join(ScanRecord, ScanRecord.id == latest.c.last)
        .where(ScanRecord.recognizers_version != RECOGNIZERS_VERSION)
        .order_by(Resource.code)
    )
    return [code for (code,) in rows]


def highest(grades: dict[str, Effective]) -> str:
    return max((g.grade for g in grades.values()), key=grade_rank, default=GRADES[0])
