"""一场景一申请 and 一需求一审核: drafts, frozen versions, qualification documents, first instance by
the bureau, each provider's (and the industry regulator's) review of its part, deadlines."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gongshu.catalog.models import Resource
from gongshu.errors import Invalid, InvalidTransition, PermissionDenied
from gongshu.grants import policy
from gongshu.grants.errors import ApplicationNotFound, IncompleteApplication, ReviewNotFound
from gongshu.grants.models import Application, ApplicationVersion, Attachment, Review
from gongshu.grants.states import (
    APPLICATION_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ApplicationStatus,
    ReviewDecision,
    check_move,
)
from gongshu.identity import SYSTEM, Actor, Permission, Role, check, event
from gongshu.identity.models import Organization
from gongshu.platform import UnitOfWork

S = ApplicationStatus
MAGIC = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
}
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _check_role(actor: Actor, *roles: Role) -> None:
    check(actor, Permission.GRANTS)
    if not (actor.is_system or actor.role in roles):
        raise PermissionDenied(f"{actor.role.zh}不能执行此操作", f"a {actor.role.value} may not do this")


def _number(uow: UnitOfWork, now: datetime) -> str:
    n = uow.session.execute(select(func.count()).select_from(Application)).scalar_one()
    return f"SQ-{now.year}-{int(n) + 1:05d}"


def _content(uow: UnitOfWork, app: Application, version: int | None = None) -> ApplicationVersion:
    found = uow.session.execute(
        select(ApplicationVersion).where(
            ApplicationVersion.application_id == app.id, ApplicationVersion.version == (version or app.version)
        )
    ).scalar_one_or_none()
    if found is None:
        raise ApplicationNotFound(f"{app.number} v{version}")
    return found


def _clean(content: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(content, Mapping):
        raise Invalid("申请内容须为对象", "the application content must be an object")
    return {k: content.get(k) for k in policy.FIELDS if k in content}


# -- drafts -------------------------------------------------------------------------------------


def create_draft(uow: UnitOfWork, actor: Actor, content: Mapping[str, Any]) -> Application:
    """A developer organization starts an application for one scenario (saved as a draft)."""
    _check_role(actor, Role.DEVELOPER)
    now = uow.clock.now()
    app = Application(
        number=_number(uow, now),
        org_id=actor.org_id or 0,
        created_by=actor.username,
        status=S.DRAFT.value,
        version=1,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(app)
    uow.session.flush()
    body = _clean(content)
    uow.session.add(ApplicationVersion(application_id=app.id, version=1, content=json.dumps(body, ensure_ascii=False)))
    uow.record(
        event(
            actor, "application.create", "application", app.number, body, scenario=str(body.get("scenario", ""))[:100]
        )
    )
    uow.commit()
    return app


def update_draft(uow: UnitOfWork, actor: Actor, number: str, content: Mapping[str, Any]) -> Application:
    """Edit a draft, or start the next version of a returned application (the old one stays readable)."""
    app = _own(uow, actor, number)
    if app.status not in (S.DRAFT, S.RETURNED):
        raise Invalid(f"申请 {number} 已提交，不能修改", f"application {number} is submitted and frozen")
    current = _content(uow, app)
    body = _clean(content)
    if current.frozen:  # returned: a new version
        app.version += 1
        current = ApplicationVersion(application_id=app.id, version=app.version, content="{}")
        uow.session.add(current)
    current.content = json.dumps(body, ensure_ascii=False)
    app.updated_at = uow.clock.now()
    uow.record(event(actor, "application.edit", "application", number, body, version=app.version))
    uow.commit()
    return app


def _own(uow: UnitOfWork, actor: Actor, number: str) -> Application:
    app = get_application(uow, actor, number)
    if not actor.is_system and app.org_id != actor.org_id:
        raise PermissionDenied(f"申请 {number} 不属于您的单位", f"application {number} is not your organization's")
    return app


def add_attachment(uow: UnitOfWork, actor: Actor, number: str, path: Path, filename: str) -> Attachment:
    """Store a qualification document: PDF, PNG or JPEG by content, size-capped, malware-checked."""
    app = _own(uow, actor, number)
    if app.status not in (S.DRAFT, S.RETURNED):
        raise Invalid("已提交的申请不能再添加材料", "a submitted application takes no more documents")
    data = path.read_bytes()
    media, ext = _check_document(data, uow.settings.max_attachment_mb)
    digest = hashlib.sha256(data).hexdigest()
    rel = f"applications/{number}/{digest}{ext}"
    dest = uow.settings.data_dir / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    existed = dest.exists()
    if not existed:
        tmp = dest.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, dest)
        uow.on_rollback(lambda: dest.unlink(missing_ok=True))
    att = Attachment(
        application_id=app.id,
        version=app.version,
        filename=Path(filename).name[:200] or "document",
        media_type=media,
        size=len(data),
        sha256=digest,
        path=rel,
        uploaded_by=actor.username,
        created_at=uow.clock.now(),
    )
    uow.session.add(att)
    uow.session.flush()
    uow.record(
        event(
            actor,
            "application.attach",
            "application",
            number,
            {"sha256": digest},
            sha256=digest,
            size=len(data),
            media_type=media,
        )
    )
    uow.commit()
    return att


def _check_document(data: bytes, max_mb: int) -> tuple[str, str]:
    if not data:
        raise Invalid("文件为空", "the file is empty")
    if len(data) > max_mb << 20:
        raise Invalid(f"材料超过 {max_mb} MiB", f"the document exceeds {max_mb} MiB")
    if EICAR in data:
        raise Invalid("文件被识别为恶意代码，已拒收", "the file was identified as malware and refused")
    for magic, kind in MAGIC.items():
        if data.startswith(magic):
            return kind
    raise Invalid("仅接受 PDF、PNG 或 JPEG 格式的材料", "only PDF, PNG or JPEG documents are accepted")


def submit(uow: UnitOfWork, actor: Actor, number: str) -> Application:
    """Freeze the current version and send it to the bureau for first instance (初审)."""
    app = _own(uow, actor, number)
    check_move(APPLICATION_TRANSITIONS, app.status, S.SUBMITTED.value, f"申请 {number}")
    version = _content(uow, app)
    body = json.loads(version.content)
    problems = policy.content_problems(
        body, today=uow.clock.now().date(), max_years=uow.settings.agreement_max_years, items_of=_items_of(uow, body)
    )
    if problems:
        raise IncompleteApplication(problems)
    now = uow.clock.now()
    version.frozen, version.submitted_at = True, now
    app.status, app.updated_at = S.SUBMITTED.value, now
    app.first_instance_due = now + timedelta(days=uow.settings.first_instance_days)
    bureau = _bureau(uow)
    uow.session.add(
        Review(
            application_id=app.id,
            version=app.version,
            stage="bureau",
            org_id=bureau.id,
            decision=ReviewDecision.PENDING.value,
            due_at=app.first_instance_due,
        )
    )
    uow.record(event(actor, "application.submit", "application", number, body, version=app.version))
    uow.commit()
    return app


def withdraw(uow: UnitOfWork, actor: Actor, number: str) -> Application:
    app = _own(uow, actor, number)
    check_move(APPLICATION_TRANSITIONS, app.status, S.WITHDRAWN.value, f"申请 {number}")
    app.status = S.WITHDRAWN.value
    uow.record(event(actor, "application.withdraw", "application", number))
    uow.commit()
    return app


def _items_of(uow: UnitOfWork, body: Mapping[str, Any]) -> dict[str, list[str]]:
    codes = [str(r.get("code")) for r in body.get("resources") or [] if isinstance(r, dict)]
    rows = uow.session.execute(select(Resource).where(Resource.code.in_(codes))).unique().scalars()
    return {r.code: [i.name for i in r.items] for r in rows}


def _bureau(uow: UnitOfWork) -> Organization:
    org = uow.session.execute(
        select(Organization).where(Organization.kind == Role.BUREAU.value).order_by(Organization.id).limit(1)
    ).scalar_one_or_none()
    if org is None:
        raise Invalid("平台尚未设立数据主管部门", "the platform has no bureau organization yet")
    return org


# -- the review chain ---------------------------------------------------------------------------


def first_instance(
    uow: UnitOfWork, actor: Actor, number: str, *, decision: str, comment: str = "", regulator: str | None = None
) -> Application:
    """初审 by the bureau: pass it on to each provider (and the named industry regulator), return it
    for revision, or reject it."""
    _check_role(actor, Role.BUREAU)
    app = get_application(uow, actor, number)
    target = {"approve": S.IN_REVIEW, "return": S.RETURNED, "reject": S.REJECTED}.get(decision)
    if target is None:
        raise Invalid("初审结论须为 approve、return 或 reject", "decision must be approve, return or reject")
    if app.status != S.SUBMITTED:  # first instance happens once per submitted version
        raise InvalidTransition(
            f"申请 {number} 不在待初审状态",
            f"application {number} is not awaiting first instance",
            current=app.status,
            target=target.value,
        )
    check_move(APPLICATION_TRANSITIONS, app.status, target.value, f"申请 {number}")
    review = _pending(uow, app, "bureau")
    if target is not S.IN_REVIEW and not comment.strip():
        raise Invalid("退回或不通过须说明理由", "returning or rejecting needs a reason")
    _decide(uow, actor, review, {"approve": "approved", "return": "returned", "reject": "rejected"}[decision], comment)
    app.status = target.value
    if target is S.IN_REVIEW:
        _open_parts(uow, app, regulator)
    uow.record(
        event(
            actor,
            f"application.first_{decision}",
            "application",
            number,
            {"comment": comment},
            regulator=regulator or "",
        )
    )
    uow.commit()
    return app


def _open_parts(uow: UnitOfWork, app: Application, regulator: str | None) -> None:
    body = json.loads(_content(uow, app).content)
    due = uow.clock.now() + timedelta(days=uow.settings.review_days)
    by_provider: dict[int, list[str]] = {}
    rows = (
        uow.session.execute(select(Resource).where(Resource.code.in_([r["code"] for r in body["resources"]])))
        .unique()
        .scalars()
    )
    for res in rows:
        by_provider.setdefault(res.provider_id, []).append(res.code)
    for org_id, codes in sorted(by_provider.items()):
        uow.session.add(
            Review(
                application_id=app.id,
                version=app.version,
                stage="provider",
                org_id=org_id,
                resources=json.dumps(sorted(codes)),
                decision=ReviewDecision.PENDING.value,
                due_at=due,
            )
        )
    if regulator:
        org = uow.session.execute(select(Organization).where(Organization.code == regulator)).scalar_one_or_none()
        if org is None or org.kind != Role.REGULATOR.value:
            raise Invalid(f"{regulator} 不是监管部门", f"{regulator} is not a regulator organization")
        uow.session.add(
            Review(
                application_id=app.id,
                version=app.version,
                stage="regulator",
                org_id=org.id,
                decision=ReviewDecision.PENDING.value,
                due_at=due,
            )
        )


def _pending(uow: UnitOfWork, app: Application, stage: str) -> Review:
    review = uow.session.execute(
        select(Review).where(
            Review.application_id == app.id,
            Review.version == app.version,
            Review.stage == stage,
            Review.decision == ReviewDecision.PENDING.value,
        )
    ).scalar_one_or_none()
    if review is None:
        raise Invalid(
            f"申请 {app.number} 没有待办的{stage}审核", f"application {app.number} has no pending {stage} review"
        )
    return review


def _decide(uow: UnitOfWork, actor: Actor, review: Review, decision: str, comment: str) -> None:
    check_move(REVIEW_TRANSITIONS, review.decision, decision, f"审核 {review.id}")
    review.decision, review.comment = decision, comment.strip()
    review.decided_by, review.decided_at = actor.username, uow.clock.now()


def review_part(
    uow: UnitOfWork,
    actor: Actor,
    review_id: int,
    *,
    decision: str,
    comment: str = "",
    approved_items: Mapping[str, list[str]] | None = None,
) -> Review:
    """A provider reviews its own part (approve, approve with fewer items, reject, return), or the
    consulted regulator the whole; the application moves on when every part is decided."""
    check(actor, Permission.GRANTS)
    review = uow.session.get(Review, review_id)
    if review is None or review.stage == "bureau" or not (actor.is_system or review.org_id == actor.org_id):
        raise ReviewNotFound(review_id)
    app = uow.session.get(Application, review.application_id)
    assert app is not None
    if decision not in {d.value for d in ReviewDecision} - {"pending"}:
        raise Invalid(
            "审核结论须为 approved、partial、rejected 或 returned",
            "decision must be approved, partial, rejected or returned",
        )
    if decision != "approved" and not comment.strip():
        raise Invalid("除完全同意外，须填写审核意见", "every decision but approval needs a comment")
    if decision == "partial":
        review.approved_items = json.dumps(_check_partial(uow, app, review, approved_items or {}), ensure_ascii=False)
    _decide(uow, actor, review, decision, comment)
    uow.record(
        event(
            actor,
            f"review.{decision}",
            "application",
            app.number,
            {"review": review_id, "comment": comment, "items": review.approved_items},
            review=review_id,
            stage=review.stage,
        )
    )
    _advance(uow, actor, app)
    uow.commit()
    return review


def _check_partial(
    uow: UnitOfWork, app: Application, review: Review, approved: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    body = json.loads(_content(uow, app).content)
    asked = {r["code"]: r["items"] for r in body["resources"] if r["code"] in json.loads(review.resources)}
    clean = {code: [i for i in items if i in asked.get(code, [])] for code, items in approved.items() if code in asked}
    if not any(clean.values()) or clean == asked:
        raise Invalid(
            "部分同意须列出同意的信息项（少于申请的）", "a partial approval lists the approved items (fewer than asked)"
        )
    return clean


def _advance(uow: UnitOfWork, actor: Actor, app: Application) -> None:
    parts = (
        uow.session.execute(
            select(Review).where(
                Review.application_id == app.id, Review.version == app.version, Review.stage != "bureau"
            )
        )
        .scalars()
        .all()
    )
    decisions = {r.decision for r in parts}
    if ReviewDecision.PENDING.value in decisions:
        return
    target = S.REJECTED if "rejected" in decisions else S.RETURNED if "returned" in decisions else S.APPROVED
    check_move(APPLICATION_TRANSITIONS, app.status, target.value, f"申请 {app.number}")
    app.status = target.value
    uow.record(event(SYSTEM, f"application.{target.value}", "application", app.number, {"parts": sorted(decisions)}))


# -- reading ------------------------------------------------------------------------------------


def get_application(uow: UnitOfWork, actor: Actor, number: str) -> Application:
    check(actor, Permission.GRANTS)
    app = uow.session.execute(select(Application).where(Application.number == number)).unique().scalar_one_or_none()
    if app is None or not can_see(uow, actor, app):
        raise ApplicationNotFound(number)
    return app


def can_see(uow: UnitOfWork, actor: Actor, app: Application) -> bool:
    """The applicant's organization, the bureau and regulators (who read everything); providers once
    asked to review (and then only their part, see ``view``)."""
    if actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR) or app.org_id == actor.org_id:
        return True
    return actor.role is Role.PROVIDER and _has_review(uow, app, actor)


def _has_review(uow: UnitOfWork, app: Application, actor: Actor) -> bool:
    return (
        uow.session.execute(
            select(Review.id).where(Review.application_id == app.id, Review.org_id == actor.org_id).limit(1)
        ).first()
        is not None
    )


@dataclass(frozen=True)
class ApplicationView:
    application: Application
    version: int
    content: dict[str, Any]  # for a provider: only its part
    frozen: bool
    reviews: list[Review]
    attachments: list[Attachment]
    versions: list[int]


def view(uow: UnitOfWork, actor: Actor, number: str, version: int | None = None) -> ApplicationView:
    """What ``actor`` may see of an application: a provider sees the scenario and its own part only,
    never the qualification documents or other departments' comments."""
    app = get_application(uow, actor, number)
    ver = _content(uow, app, version)
    body = json.loads(ver.content)
    reviews = list(
        uow.session.execute(select(Review).where(Review.application_id == app.id).order_by(Review.id)).scalars()
    )
    attachments = list(
        uow.session.execute(
            select(Attachment).where(Attachment.application_id == app.id).order_by(Attachment.id)
        ).scalars()
    )
    versions = [
        v
        for (v,) in uow.session.execute(
            select(ApplicationVersion.version)
            .where(ApplicationVersion.application_id == app.id)
            .order_by(ApplicationVersion.version)
        )
    ]
    if actor.role is Role.PROVIDER and app.org_id != actor.org_id and not actor.is_system:
        mine = [r for r in reviews if r.org_id == actor.org_id]
        codes = {c for r in mine for c in json.loads(r.resources)}
        body, reviews, attachments = policy.part_of(body, codes), mine, []
    return ApplicationView(app, ver.version, body, ver.frozen, reviews, attachments, versions)


def get_attachment(uow: UnitOfWork, actor: Actor, number: str, attachment_id: int) -> tuple[Attachment, Path]:
    """A qualification document and its file, for the applicant and the bureau only (never providers)."""
    app = get_application(uow, actor, number)
    att = uow.session.get(Attachment, attachment_id)
    allowed = actor.is_system or actor.role is Role.BUREAU or app.org_id == actor.org_id
    if att is None or att.application_id != app.id or not allowed:
        raise ApplicationNotFound(f"{number}/{attachment_id}")
    return att, uow.settings.data_dir / att.path


def list_applications(uow: UnitOfWork, actor: Actor) -> list[Application]:
    """My organization's applications (developers); everything (bureau); what I review (others)."""
    check(actor, Permission.GRANTS)
    q = select(Application).order_by(Application.id.desc())
    if actor.role is Role.DEVELOPER:
        q = q.where(Application.org_id == actor.org_id)
    elif not (actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR)):
        q = q.where(Application.id.in_(select(Review.application_id).where(Review.org_id == actor.org_id)))
    return list(uow.session.execute(q).unique().scalars())


@dataclass(frozen=True)
class Task:
    review: Review
    application: Application
    overdue: bool


def my_reviews(uow: UnitOfWork, actor: Actor) -> list[Task]:
    """Pending reviews of the actor's organization, oldest deadline first."""
    check(actor, Permission.GRANTS)
    q = (
        select(Review, Application)
        .join(Application, Application.id == Review.application_id)
        .where(Review.org_id == actor.org_id, Review.decision == ReviewDecision.PENDING.value)
        .order_by(Review.due_at)
    )
    now = uow.clock.now()
    return [Task(r, a, r.due_at < now) for r, a in uow.session.execute(q).unique()]


def overdue_reviews(uow: UnitOfWork, actor: Actor) -> list[Task]:
    """Every pending review past its deadline, for the bureau (遵义: 通报未按时审核的部门)."""
    _check_role(actor, Role.BUREAU, Role.REGULATOR)
    now = uow.clock.now()
    q = (
        select(Review, Application)
        .join(Application, Application.id == Review.application_id)
        .where(Review.decision == ReviewDecision.PENDING.value, Review.due_at < now)
        .order_by(Review.due_at)
    )
    return [Task(r, a, True) for r, a in uow.session.execute(q).unique()]
