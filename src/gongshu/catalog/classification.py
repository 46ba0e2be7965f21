"""分类分级 of catalog resources: store each scan, merge its findings into tags with provenance,
suggest grades, let the provider confirm or override them, and show what a rescan changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gongshu.catalog.attributes import GRADES, grade_rank, is_protected
from gongshu.catalog.errors import InvalidMetadata
from gongshu.catalog.models import ColumnGrade, ColumnTag, Resource, ScanRecord
from gongshu.catalog.policy import check_manage
from gongshu.classify import grading
from gongshu.classify.grading import ColumnFacts, TableSuggestion
from gongshu.classify.scanner import RECOGNIZERS_VERSION, ScanResult, column_facts, scan_parquet
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


def holds_personal(grades: dict[str, Effective]) -> bool:
    """True when some item (or the resource as a whole) is personal or sensitive personal information,
    after the provider's confirmations: the table then needs person-level protection."""
    return any(g.personal or g.sensitive_personal for g in grades.values())


def person_identifiers(uow: UnitOfWork, res: Resource) -> tuple[str, ...]:
    """The items identifying the person each row is about, strongest first (身份证号 before 护照号,
    a mobile before the name beside it), from the latest scan less the tags the provider removed;
    () when the resource is not about persons or was never scanned."""
    graded = _graded(uow, res)
    return graded.identifiers if graded else ()


def linked_columns(uow: UnitOfWork, res: Resource) -> set[str]:
    """Items personal only because the resource is about persons (险种, 月收入 beside 身份证号), whose
    suggestion the provider has not overridden: a desensitized version that transforms the
    identifiers de-links them, so it need not transform them too."""
    graded = _graded(uow, res)
    if graded is None:
        return set()
    rows = {
        r.column: r for r in uow.session.execute(select(ColumnGrade).where(ColumnGrade.resource_id == res.id)).scalars()
    }
    out = set()
    for column, s in graded.columns.items():
        row = rows.get(column)
        if s.linked and (row is None or _as_suggested(row)):
            out.add(column)
    return out


def _suggested(row: ColumnGrade) -> tuple[str, bool, bool]:
    return row.suggested, row.suggested_personal, row.suggested_sensitive


def _as_suggested(row: ColumnGrade) -> bool:
    e = effective(row)
    return (e.grade, e.personal, e.sensitive_personal) == _suggested(row)


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
        "person_identifiers": list(result.person_identifiers),
        "columns": [
            {
                "name": c.name,
                "grade": c.grade,
                "personal": c.personal,
                "sensitive_personal": c.sensitive_personal,
                "free_text": c.free_text,
                "hint": c.hint,
                "health": c.health,
                "numeric": c.numeric,
                "distinct": c.distinct,
                "nonnull": c.nonnull,
                "linked": c.linked,
                "minors": c.minors,
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
    removed = _removed(uow, res)
    graded = grading.grade_table([c.facts(removed.get(c.name, frozenset())) for c in result.columns], result.rows)
    changes = 0
    for column, (grade, personal, sensitive) in _suggestions(graded).items():
        row = rows.get(column)
        if row is None:
            row = ColumnGrade(resource_id=res.id, column=column, confirmed=None, changed=False)
            uow.session.add(row)
        elif row.confirmed is not None and _suggested(row) != (grade, personal, sensitive):
            row.changed, changes = True, changes + 1  # a flag alone counts: 区县 becomes personal at general-3
        row.suggested, row.suggested_personal, row.suggested_sensitive = grade, personal, sensitive
    return changes


def _suggestions(graded: TableSuggestion) -> dict[str, tuple[str, bool, bool]]:
    """Column (the resource under TABLE) → (grade, personal, sensitive_personal)."""
    out = {TABLE: (graded.grade, graded.personal, graded.sensitive_personal)}
    for column, s in graded.columns.items():
        out[column] = (s.grade, s.personal, s.sensitive_personal)
    return out


def _removed(uow: UnitOfWork, res: Resource) -> dict[str, frozenset[str]]:
    """Column → the types the provider removed as false positives."""
    out: dict[str, set[str]] = {}
    for (column, type_), tag in _tags(uow, res).items():
        if tag.status == "removed":
            out.setdefault(column, set()).add(type_)
    return {c: frozenset(t) for c, t in out.items()}


def _graded(uow: UnitOfWork, res: Resource) -> TableSuggestion | None:
    """The latest scan graded again without the removed tags (the table decides, so one removed tag
    can change every column); None before the first scan."""
    last = uow.session.execute(
        select(ScanRecord).where(ScanRecord.resource_id == res.id).order_by(ScanRecord.id.desc()).limit(1)
    ).scalar_one_or_none()
    if last is None:
        return None
    stored = json.loads(last.result)
    removed = _removed(uow, res)
    facts = [_facts(c, removed.get(c["name"], frozenset())) for c in stored["columns"]]
    return grading.grade_table(facts, stored["rows"])


def _facts(column: dict[str, Any], removed: frozenset[str]) -> ColumnFacts:
    """ColumnFacts of a column of a stored scan; scans stored before version 2 lack the counts, and
    then coordinates are never taken for places."""
    return column_facts(
        column["name"],
        [(t["type"], t["share"]) for t in column["types"] if t["type"] not in removed],
        numeric=column.get("numeric", False),
        free_text=column.get("free_text", False),
        health=column.get("health", column.get("hint") == "health"),
        distinct=column.get("distinct", 0),
        nonnull=column.get("nonnull", 0),
        minors=column.get("minors", 0.0),
    )


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
        uow.session.flush()
        _regrade(uow, res)
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


def _regrade(uow: UnitOfWork, res: Resource) -> None:
    """Suggest again from the latest scan without the removed tags (every column: the table decides)."""
    graded = _graded(uow, res)
    if graded is None:
        return
    suggestions = _suggestions(graded)
    for row in uow.session.execute(select(ColumnGrade).where(ColumnGrade.resource_id == res.id)).scalars():
        if row.column in suggestions:
            row.suggested, row.suggested_personal, row.suggested_sensitive = suggestions[row.column]


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
