"""异议 → 核实 → 补正: anyone authorized objects to a resource's quality, the provider verifies and
corrects it with a new version or rejects with a reason, within tracked deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from gongshu.catalog.errors import InvalidMetadata
from gongshu.catalog.models import Objection, Resource, ResourceVersion
from gongshu.catalog.policy import check_manage
from gongshu.catalog.states import OBJECTION_TRANSITIONS, ObjectionStatus, check_transition
from gongshu.errors import NotFound
from gongshu.identity import Actor, Permission, Role, check, event
from gongshu.platform import UnitOfWork


class ObjectionNotFound(NotFound):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"异议 {number} 不存在或您无权查看",
            f"objection {number} does not exist or is not yours to see",
            number=number,
        )


def raise_objection(uow: UnitOfWork, actor: Actor, res: Resource, *, text: str, item: str = "") -> Objection:
    """Any signed-in user who can see the resource objects to it or to one of its items."""
    check(actor, Permission.CATALOG_READ_ALL)
    if not text.strip() or len(text) > 4000:
        raise InvalidMetadata("请写明异议内容（不超过 4000 字）", "describe the objection (at most 4000 characters)")
    if item and item not in {i.name for i in res.items}:
        raise InvalidMetadata(f"资源 {res.code} 没有信息项「{item}」", f"resource {res.code} has no item {item!r}")
    now = uow.clock.now()
    obj = Objection(
        number=_next_number(uow, now),
        resource_id=res.id,
        item=item,
        raised_by=actor.username,
        org_id=actor.org_id or 0,
        text=text.strip(),
        status=ObjectionStatus.RAISED.value,
        raised_at=now,
        verify_due=now + timedelta(days=uow.settings.objection_verify_days),
    )
    uow.session.add(obj)
    uow.session.flush()
    uow.record(
        event(
            actor,
            "objection.raise",
            "objection",
            obj.number,
            {"resource": res.code, "item": item, "text": text},
            resource=res.code,
            item=item,
        )
    )
    uow.commit()
    return obj


def _next_number(uow: UnitOfWork, now: datetime) -> str:
    n = uow.session.execute(select(func.count()).select_from(Objection)).scalar_one()
    return f"YY-{now.year}-{int(n) + 1:05d}"


def _owned(uow: UnitOfWork, actor: Actor, obj: Objection) -> Resource:
    res = uow.session.get(Resource, obj.resource_id)
    assert res is not None
    check_manage(actor, res, f"异议 {obj.number} 所涉资源")
    return res


def verify(uow: UnitOfWork, actor: Actor, number: str, *, accept: bool, response: str) -> Objection:
    """核实: the provider accepts the objection (correction due) or rejects it with a reason."""
    obj = get_objection(uow, actor, number)
    res = _owned(uow, actor, obj)
    target = ObjectionStatus.VERIFIED if accept else ObjectionStatus.REJECTED
    check_transition(OBJECTION_TRANSITIONS, obj.status, target.value, f"异议 {number}")
    if not response.strip():
        raise InvalidMetadata("请写明核实意见或驳回理由", "give the verification finding or the reason for rejecting")
    now = uow.clock.now()
    obj.status, obj.response = target.value, response.strip()
    if accept:
        obj.correct_due = now + timedelta(days=uow.settings.objection_correct_days)
    else:
        obj.closed_at = now
    uow.record(
        event(actor, f"objection.{target.value}", "objection", number, {"response": response}, resource=res.code)
    )
    uow.commit()
    return obj


def correct(uow: UnitOfWork, actor: Actor, number: str, *, version: int) -> Objection:
    """补正: link a verified objection to the corrected version the provider published after it."""
    obj = get_objection(uow, actor, number)
    res = _owned(uow, actor, obj)
    check_transition(OBJECTION_TRANSITIONS, obj.status, ObjectionStatus.CORRECTED.value, f"异议 {number}")
    v = uow.session.execute(
        select(ResourceVersion).where(ResourceVersion.resource_id == res.id, ResourceVersion.number == version)
    ).scalar_one_or_none()
    if v is None or v.kind != "original" or v.created_at <= obj.raised_at:
        raise InvalidMetadata(
            f"第 {version} 版不存在或早于异议提出时间，请先发布补正后的新版本",
            f"version {version} does not exist or predates the objection; publish the corrected version first",
        )
    now = uow.clock.now()
    obj.status, obj.corrected_version, obj.closed_at = ObjectionStatus.CORRECTED.value, version, now
    uow.record(
        event(
            actor, "objection.corrected", "objection", number, {"version": version}, resource=res.code, version=version
        )
    )
    uow.commit()
    return obj


def can_see(actor: Actor, obj: Objection, res: Resource) -> bool:
    if actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR):
        return True
    return actor.org_id in (obj.org_id, res.provider_id)


def get_objection(uow: UnitOfWork, actor: Actor, number: str) -> Objection:
    check(actor, Permission.CATALOG_READ_ALL)
    obj = uow.session.execute(select(Objection).where(Objection.number == number)).scalar_one_or_none()
    res = uow.session.get(Resource, obj.resource_id) if obj else None
    if obj is None or res is None or not can_see(actor, obj, res):
        raise ObjectionNotFound(number)
    return obj


@dataclass(frozen=True)
class ObjectionView:
    objection: Objection
    resource_code: str
    resource_title: str
    overdue: bool
    provider_id: int  # the organization that answers it


def view_of(uow: UnitOfWork, obj: Objection) -> ObjectionView:
    res = uow.session.get(Resource, obj.resource_id)
    assert res is not None
    return ObjectionView(obj, res.code, res.title, is_overdue(obj, uow.clock.now()), res.provider_id)


def is_overdue(obj: Objection, now: datetime) -> bool:
    if obj.status == ObjectionStatus.RAISED:
        return now > obj.verify_due
    return obj.status == ObjectionStatus.VERIFIED and obj.correct_due is not None and now > obj.correct_due


def list_objections(
    uow: UnitOfWork, actor: Actor, *, resource: Resource | None = None, open_only: bool = False
) -> list[ObjectionView]:
    """Objections the actor may see: raised by its org, about its resources, or all for bureau/regulator."""
    check(actor, Permission.CATALOG_READ_ALL)
    q = select(Objection, Resource).join(Resource, Resource.id == Objection.resource_id).order_by(Objection.id.desc())
    if resource is not None:
        q = q.where(Objection.resource_id == resource.id)
    if open_only:
        q = q.where(Objection.status.in_([ObjectionStatus.RAISED.value, ObjectionStatus.VERIFIED.value]))
    if not (actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR)):
        q = q.where((Objection.org_id == actor.org_id) | (Resource.provider_id == actor.org_id))
    now = uow.clock.now()
    rows = uow.session.execute(q).unique()
    return [ObjectionView(o, r.code, r.title, is_overdue(o, now), r.provider_id) for o, r in rows]
