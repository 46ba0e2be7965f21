"""共享与开放申请: a department asks for another's 有条件共享 resource, or anyone signed in for
有条件开放 data; the owner approves (setting the desensitization rule readers get) or rejects; the
requester then reads inside the platform, graded items desensitized."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select

from gongshu.catalog import classification
from gongshu.catalog.attributes import OpenAttr, ShareAttr
from gongshu.catalog.errors import InvalidMetadata
from gongshu.catalog.models import AccessRequest, Resource, ResourceVersion
from gongshu.catalog.policy import check_manage
from gongshu.catalog.states import REQUEST_TRANSITIONS, RequestStatus, check_transition
from gongshu.classify.desensitize import Plan, Step
from gongshu.classify.desensitize.transform import Transform
from gongshu.errors import NotFound, PermissionDenied
from gongshu.identity import Actor, Permission, Role, check, event
from gongshu.platform import UnitOfWork

GOVERNMENT = frozenset({Role.BUREAU, Role.PROVIDER, Role.REGULATOR})
MAX_PERIOD = timedelta(days=3 * 366)
PAGE_MAX = 1000


class RequestNotFound(NotFound):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"申请 {number} 不存在或您无权查看",
            f"request {number} does not exist or is not yours to see",
            number=number,
        )


def request_access(
    uow: UnitOfWork,
    actor: Actor,
    res: Resource,
    *,
    kind: str,
    reason: str,
    fields: Sequence[str],
    starts_at: datetime,
    ends_at: datetime,
) -> AccessRequest:
    """Ask for a resource: ``kind`` is "share" (departments, 有条件共享) or "open" (有条件开放)."""
    check(actor, Permission.CATALOG_READ_ALL)
    auto = _check_kind(actor, res, kind)
    _check_request(uow, res, reason, fields, starts_at, ends_at)
    now = uow.clock.now()
    req = AccessRequest(
        number=_next_number(uow, kind, now),
        kind=kind,
        resource_id=res.id,
        requester_org_id=actor.org_id or 0,
        requester=actor.username,
        reason=reason.strip(),
        fields=json.dumps(list(fields), ensure_ascii=False),
        starts_at=starts_at,
        ends_at=ends_at,
        status=RequestStatus.SUBMITTED.value,
        created_at=now,
    )
    if auto:  # 无条件共享: granted on request, still recorded
        req.status, req.decided_by, req.decided_at = RequestStatus.APPROVED.value, "system", now
        req.plan = json.dumps(default_plan(uow, res, fields).to_json(), ensure_ascii=False)
    uow.session.add(req)
    uow.session.flush()
    uow.record(
        event(
            actor,
            f"{kind}.request",
            "access_request",
            req.number,
            {"resource": res.code, "fields": list(fields), "reason": reason},
            resource=res.code,
            fields=len(fields),
            auto_approved=auto,
        )
    )
    uow.commit()
    return req


def can_request(actor: Actor, res: Resource, kind: str) -> bool:
    """Whether ``actor`` may ask for ``res`` by a request of ``kind`` (share or open)."""
    if not actor.signed_in or actor.is_system:
        return False
    try:
        _check_kind(actor, res, kind)
    except (InvalidMetadata, PermissionDenied):
        return False
    return True


def _check_kind(actor: Actor, res: Resource, kind: str) -> bool:
    if kind == "share":
        if actor.role not in GOVERNMENT:
            raise PermissionDenied("只有政务部门可以申请共享", "only government departments may request sharing")
        if res.provider_id == actor.org_id:
            raise InvalidMetadata("无需申请本单位的资源", "this is your own department's resource")
        if res.share == ShareAttr.NONE:
            raise InvalidMetadata(f"{res.code} 为不予共享，不能申请", f"{res.code} is not shared (不予共享)")
        return res.share == ShareAttr.UNCONDITIONAL
    if kind == "open":
        if res.open != OpenAttr.CONDITIONAL:
            raise InvalidMetadata(
                f"{res.code} 不是有条件开放资源，无需或不能申请",
                f"{res.code} is not conditionally open; no application applies",
            )
        return False
    raise InvalidMetadata(f"申请类型 {kind!r} 无效", f"request kind {kind!r} must be share or open")


def _check_request(
    uow: UnitOfWork, res: Resource, reason: str, fields: Sequence[str], starts: datetime, ends: datetime
) -> None:
    names = {i.name for i in res.items}
    unknown = [f for f in fields if f not in names]
    problems = []
    if not reason.strip():
        problems.append(("请写明申请理由", "give a reason"))
    if not fields:
        problems.append(("请选择需要的信息项", "choose the items you need"))
    if unknown:
        problems.append((f"信息项不存在：{'、'.join(unknown)}", f"no such items: {', '.join(unknown)}"))
    if ends <= starts or ends <= uow.clock.now():
        problems.append(("使用期限须在将来且结束晚于开始", "the period must end in the future, after it starts"))
    if ends - starts > MAX_PERIOD:
        problems.append(("使用期限最长三年", "the period may last at most three years"))
    if problems:
        raise InvalidMetadata("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))


def _next_number(uow: UnitOfWork, kind: str, now: datetime) -> str:
    n = uow.session.execute(select(func.count()).select_from(AccessRequest)).scalar_one()
    return f"{'GX' if kind == 'share' else 'KF'}-{now.year}-{int(n) + 1:05d}"


BY_TYPE: dict[str, tuple[str, dict[str, Any]]] = {  # the usual display masks for personal items that are not sensitive
    "person_name": ("mask", {"keep_first": 1}),
    "cn_mobile": ("mask", {"keep_first": 3, "keep_last": 4}),
    "cn_landline": ("mask", {"keep_first": 4, "keep_last": 2}),
    "address": ("generalize", {"kind": "address_to_district"}),
    "date_of_birth": ("generalize", {"kind": "date_to_year"}),
    "email": ("mask", {"keep_first": 1, "keep_last": 4}),
}


def default_plan(uow: UnitOfWork, res: Resource, fields: Sequence[str]) -> Plan:
    """The rule readers get unless the owner sets one: important/core items suppressed, sensitive
    or grade-4 items keyed-hashed (joins still work), other protected items masked or generalized
    as their detected type is usually shown, anything else masked."""
    grades = classification.effective_grades(uow, res)
    types = classification.column_types(uow, res)
    linked = classification.linked_columns(uow, res)  # personal only beside identifiers, which are transformed
    steps = []
    for name in fields:
        g = grades.get(name)
        if g is None or not g.protected or name in linked:
            continue
        if g.grade in ("important", "core"):
            steps.append(Step(name, "suppress", {}))
        elif g.sensitive_personal or g.grade == "general-4":
            steps.append(Step(name, "keyed_hash", {"algorithm": "sm3", "length": 16}))
        else:
            op, params = next(
                (BY_TYPE[t] for t in types.get(name, []) if t in BY_TYPE), ("mask", {"keep_first": 1, "keep_last": 1})
            )
            steps.append(Step(name, op, params))
    return Plan(steps=steps)


def _get(uow: UnitOfWork, number: str) -> tuple[AccessRequest, Resource]:
    req = uow.session.execute(select(AccessRequest).where(AccessRequest.number == number)).scalar_one_or_none()
    res = uow.session.get(Resource, req.resource_id) if req else None
    if req is None or res is None:
        raise RequestNotFound(number)
    return req, res


def get_request(uow: UnitOfWork, actor: Actor, number: str) -> tuple[AccessRequest, Resource]:
    check(actor, Permission.CATALOG_READ_ALL)
    req, res = _get(uow, number)
    if not (
        actor.is_system
        or actor.role in (Role.BUREAU, Role.REGULATOR)
        or actor.org_id in (req.requester_org_id, res.provider_id)
    ):
        raise RequestNotFound(number)
    return req, res


def decide(
    uow: UnitOfWork, actor: Actor, number: str, *, approve: bool, comment: str = "", plan: Plan | None = None
) -> AccessRequest:
    """The owning provider approves (with the readers' desensitization rule) or rejects with a reason."""
    req, res = get_request(uow, actor, number)
    check_manage(actor, res, f"申请 {number} 所涉资源")
    target = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    check_transition(REQUEST_TRANSITIONS, req.status, target.value, f"申请 {number}")
    if not approve and not comment.strip():
        raise InvalidMetadata("拒绝须说明理由", "rejecting needs a reason")
    fields = json.loads(req.fields)
    if approve:
        chosen = plan or default_plan(uow, res, fields)
        chosen.validate(fields)
        _check_covers(uow, res, chosen, fields)
        req.plan = json.dumps(chosen.to_json(), ensure_ascii=False)
    req.status, req.comment, req.decided_by, req.decided_at = (
        target.value,
        comment.strip(),
        actor.username,
        uow.clock.now(),
    )
    uow.record(
        event(
            actor,
            f"{req.kind}.{target.value}",
            "access_request",
            number,
            {"comment": comment, "plan": req.plan},
            resource=res.code,
        )
    )
    uow.commit()
    return req


def _check_covers(uow: UnitOfWork, res: Resource, plan: Plan, fields: Sequence[str]) -> None:
    grades = classification.effective_grades(uow, res)
    touched = {s.column for s in plan.steps} | set(plan.drop) | classification.linked_columns(uow, res)
    bare = [f for f in fields if f in grades and grades[f].protected and f not in touched]
    if bare:
        raise InvalidMetadata(
            f"受保护信息项须指定脱敏规则：{'、'.join(bare)}",
            f"protected items need a desensitization rule: {', '.join(bare)}",
        )


def revoke(uow: UnitOfWork, actor: Actor, number: str, *, comment: str = "") -> AccessRequest:
    """The owner (or the requester, giving it up) ends an approved request at once."""
    req, res = get_request(uow, actor, number)
    if not (actor.is_system or actor.org_id in (res.provider_id, req.requester_org_id)):
        raise PermissionDenied("只有资源提供部门或申请单位可以撤销", "only the owner or the requester may revoke")
    check_transition(REQUEST_TRANSITIONS, req.status, RequestStatus.REVOKED.value, f"申请 {number}")
    req.status, req.comment = RequestStatus.REVOKED.value, comment.strip() or req.comment
    uow.record(event(actor, f"{req.kind}.revoke", "access_request", number, {"comment": comment}, resource=res.code))
    uow.commit()
    return req


def check_active(uow: UnitOfWork, actor: Actor, req: AccessRequest) -> None:
    now = uow.clock.now()
    if actor.org_id != req.requester_org_id and not actor.is_system:
        raise PermissionDenied(f"申请 {req.number} 不属于您的单位", f"request {req.number} is not your organization's")
    if req.status != RequestStatus.APPROVED or not req.starts_at <= now < req.ends_at:
        raise PermissionDenied(
            f"申请 {req.number} 未获同意、已撤销或不在使用期限内",
            f"request {req.number} is not approved, revoked or out of its period",
        )


@dataclass(frozen=True)
class Page:
    columns: list[str]
    rows: list[list[object]]
    total: int
    offset: int
    desensitized: list[str]


def read(uow: UnitOfWork, actor: Actor, number: str, *, limit: int = 100, offset: int = 0) -> Page:
    """Read a page of the granted items inside the platform, desensitized by the owner's rule."""
    req, res = get_request(uow, actor, number)
    check_active(uow, actor, req)
    fields = json.loads(req.fields)
    version = _current(uow, res)
    table = _page(uow.settings.data_dir / version.path, fields, min(max(limit, 1), PAGE_MAX), max(offset, 0))
    plan = Plan.from_json(json.loads(req.plan)) if req.plan else default_plan(uow, res, fields)
    safe = _apply(table, plan, uow.platform.desensitization_key)
    uow.record(
        event(
            actor,
            f"{req.kind}.read",
            "access_request",
            number,
            {"version": version.number, "offset": offset, "rows": safe.num_rows},
            resource=res.code,
            version=version.number,
            rows=safe.num_rows,
        )
    )
    uow.commit()
    return Page(
        safe.column_names,
        [list(r.values()) for r in safe.to_pylist()],
        version.rows,
        offset,
        [s.column for s in plan.steps],
    )


def _apply(table: pa.Table, plan: Plan, key: bytes) -> pa.Table:
    plan.validate(table.column_names)
    transform = Transform(plan, table.schema, key)
    return pa.Table.from_batches([transform(b) for b in table.to_batches()], schema=transform.schema)


def _current(uow: UnitOfWork, res: Resource) -> ResourceVersion:
    return uow.session.execute(
        select(ResourceVersion).where(
            ResourceVersion.resource_id == res.id, ResourceVersion.number == res.current_version
        )
    ).scalar_one()


def _page(path: Path, fields: list[str], limit: int, offset: int) -> pa.Table:
    pf = pq.ParquetFile(path)
    rows: list[pa.RecordBatch] = []
    skipped = 0
    for batch in pf.iter_batches(batch_size=8192, columns=fields):
        if skipped + batch.num_rows <= offset:
            skipped += batch.num_rows
            continue
        start = max(offset - skipped, 0)
        rows.append(batch.slice(start, limit - sum(b.num_rows for b in rows)))
        skipped += batch.num_rows
        if sum(b.num_rows for b in rows) >= limit:
            break
    return (
        pa.Table.from_batches(rows, schema=pf.schema_arrow.empty_table().select(fields).schema)
        if rows
        else pf.schema_arrow.empty_table().select(fields)
    )


def list_requests(uow: UnitOfWork, actor: Actor, *, mine: bool = True) -> list[tuple[AccessRequest, Resource]]:
    """``mine``: requests my organization made; otherwise requests for my organization's resources
    (bureau and regulators see all)."""
    check(actor, Permission.CATALOG_READ_ALL)
    q = select(AccessRequest, Resource).join(Resource, Resource.id == AccessRequest.resource_id)
    if mine:
        q = q.where(AccessRequest.requester_org_id == actor.org_id)
    elif not (actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR)):
        q = q.where(Resource.provider_id == actor.org_id)
    return [(r, res) for r, res in uow.session.execute(q.order_by(AccessRequest.id.desc())).unique()]
