"""一场景一授权: an approved application becomes an agreement that the bureau, the operator and the
developer each sign; revocation and suspension act at once, expiry is automatic, renewal links."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from gongshu.catalog.models import Resource
from gongshu.errors import Invalid, InvalidTransition, PermissionDenied
from gongshu.grants import signatures
from gongshu.grants.applications import get_application
from gongshu.grants.errors import AgreementNotFound
from gongshu.grants.models import Agreement, Application, ApplicationVersion, Review, Signature
from gongshu.grants.policy import period_problems
from gongshu.grants.states import (
    AGREEMENT_TRANSITIONS,
    APPLICATION_TRANSITIONS,
    AgreementStatus,
    ApplicationStatus,
    check_move,
)
from gongshu.grants.vocab import is_free
from gongshu.identity import SYSTEM, Actor, Permission, Role, check, event
from gongshu.identity.models import Organization
from gongshu.ledger.signing import Ed25519Signer
from gongshu.platform import UnitOfWork

G = AgreementStatus
PARTIES = ("bureau", "operator", "developer")
OBLIGATIONS = [
    "原始数据不出域，数据可用不可见",
    "产出经输出控制和审核（一模型一审定）后方可使用",
    "不得尝试识别特定自然人或企业",
    "按约定用途和期限使用，到期或撤销后停止使用",
]


@dataclass(frozen=True)
class Terms:
    """What the bureau sets when it makes the agreement (defaults from settings)."""

    operator: str | None = None
    epsilon: float | None = None
    min_cell_count: int | None = None
    dominance_n: int = 2
    dominance_threshold: float = 0.9
    dp_required: bool = False  # every query under the agreement is answered with differential privacy
    auto_release_dp: bool = False  # DP SQL results that passed output control are released without manual review
    # Results over data about persons may be released without DP (cell counts and the query audit only): off by
    # default, an explicit term shown in the agreement and its public disclosure.
    personal_without_dp: bool = False
    price_terms: str = ""
    fee_cap: str = ""


def _check_terms(t: Terms) -> None:
    if t.epsilon is not None and not 0 < t.epsilon <= 100:
        raise Invalid("隐私预算 ε 须大于 0 且不超过 100", "the privacy budget ε must be in (0, 100]")
    if t.min_cell_count is not None and not 1 <= t.min_cell_count <= 10_000:
        raise Invalid("最小单元格计数须在 1 到 10000 之间", "the minimum cell count must be 1..10000")
    if not 0 < t.dominance_threshold <= 1 or not 1 <= t.dominance_n <= 10:
        raise Invalid("优势规则参数无效", "the dominance rule needs n in 1..10 and a threshold in (0, 1]")


def _check_bureau(actor: Actor) -> None:
    check(actor, Permission.GRANTS)
    if not (actor.is_system or actor.role is Role.BUREAU):
        raise PermissionDenied("只有数据主管部门可以执行此操作", "only the bureau may do this")


def _number(uow: UnitOfWork, now: datetime) -> str:
    n = uow.session.execute(select(func.count()).select_from(Agreement)).scalar_one()
    return f"XY-{now.year}-{int(n) + 1:05d}"


def _org(uow: UnitOfWork, org_id: int) -> Organization:
    org = uow.session.get(Organization, org_id)
    assert org is not None
    return org


def _operator(uow: UnitOfWork, code: str | None) -> Organization:
    q = select(Organization).where(Organization.kind == Role.OPERATOR.value)
    q = q.where(Organization.code == code) if code else q.order_by(Organization.id)
    org = uow.session.execute(q.limit(1)).scalar_one_or_none()
    if org is None:
        raise Invalid(f"运营机构 {code or ''} 不存在", f"operator {code or ''} does not exist")
    return org


def make_agreement(uow: UnitOfWork, actor: Actor, number: str, terms: Terms = Terms()) -> Agreement:
    """Turn an approved application into an agreement awaiting the three signatures."""
    _check_bureau(actor)
    _check_terms(terms)
    app = get_application(uow, actor, number)
    check_move(APPLICATION_TRANSITIONS, app.status, ApplicationStatus.AGREED.value, f"申请 {number}")
    operator = _operator(uow, terms.operator)
    now = uow.clock.now()
    content = _content(uow, app, operator, _number(uow, now), terms, now)
    agreement = _store(uow, app, operator, content, now)
    app.status = ApplicationStatus.AGREED.value
    uow.record(
        event(
            actor,
            "agreement.create",
            "agreement",
            agreement.number,
            content,
            application=number,
            content_hash=agreement.content_hash,
        )
    )
    uow.commit()
    return agreement


def _content(
    uow: UnitOfWork, app: Application, operator: Organization, number: str, terms: Terms, now: datetime
) -> dict[str, Any]:
    body = json.loads(
        uow.session.execute(
            select(ApplicationVersion.content).where(
                ApplicationVersion.application_id == app.id, ApplicationVersion.version == app.version
            )
        ).scalar_one()
    )
    bureau = uow.session.execute(
        select(Organization).where(Organization.kind == Role.BUREAU.value).order_by(Organization.id).limit(1)
    ).scalar_one()
    free = is_free(body["purpose"])
    return {
        "number": number,
        "application": app.number,
        "application_version": app.version,
        "scenario": {k: body[k] for k in ("domain", "purpose")}
        | {"name": body["scenario"], "description": body["description"]},
        "parties": {"bureau": _party(bureau), "operator": _party(operator), "developer": _party(app.org)},
        "resources": _granted(uow, app, body),
        "period": {"start": body["start"], "end": body["end"]},
        "output_kinds": sorted(body["output_kinds"]),
        "privacy": {
            "epsilon": terms.epsilon if terms.epsilon is not None else uow.settings.default_epsilon,
            "min_cell_count": terms.min_cell_count or uow.settings.default_min_cell,
            "dominance": {"n": terms.dominance_n, "threshold": terms.dominance_threshold},
            "dp": "required" if terms.dp_required else "optional",
            "auto_release_dp": terms.auto_release_dp,
            "personal_without_dp": terms.personal_without_dp,
        },
        "price": {"mode": "free", "terms": "公共治理、公益事业用途，无偿使用", "fee_cap": ""}
        if free
        else {"mode": "paid", "terms": terms.price_terms or "按运营机构公示价格有偿使用", "fee_cap": terms.fee_cap},
        "obligations": [*OBLIGATIONS, f"安全保障措施：{body['security_measures']}"],
        "renews": None,
        "issued_at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _party(org: Organization) -> dict[str, str]:
    return {"code": org.code, "name": org.name}


def _granted(uow: UnitOfWork, app: Application, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The asked-for resources and items, less what providers approved only in part."""
    partial: dict[str, list[str]] = {}
    for (items,) in uow.session.execute(
        select(Review.approved_items).where(
            Review.application_id == app.id, Review.version == app.version, Review.decision == "partial"
        )
    ):
        partial.update(json.loads(items))
    out = []
    for r in body["resources"]:
        res = uow.session.execute(select(Resource).where(Resource.code == r["code"])).unique().scalar_one()
        granted = [i for i in r["items"] if r["code"] not in partial or i in partial[r["code"]]]
        out.append(
            {
                "code": res.code,
                "title": res.title,
                "provider": _party(res.provider),
                "items": granted,
                "version_policy": "latest",
            }
        )
    return out


def _day(text: str, end: bool = False) -> datetime:
    d = datetime.fromisoformat(text).date()
    return datetime.combine(d + timedelta(days=1) if end else d, time(), tzinfo=UTC)


def _store(
    uow: UnitOfWork, app: Application, operator: Organization, content: dict[str, Any], now: datetime, renews: str = ""
) -> Agreement:
    agreement = Agreement(
        number=content["number"],
        application_id=app.id,
        developer_org_id=app.org_id,
        operator_org_id=operator.id,
        content=json.dumps(content, ensure_ascii=False, sort_keys=True),
        content_hash=signatures.content_hash(content),
        status=G.SIGNING.value,
        starts_at=_day(content["period"]["start"]),
        ends_at=_day(content["period"]["end"], end=True),
        epsilon=float(content["privacy"]["epsilon"]),
        renews=renews,
        created_at=now,
    )
    uow.session.add(agreement)
    uow.session.flush()
    return agreement


# -- signing ------------------------------------------------------------------------------------


def org_signer(uow: UnitOfWork, org_code: str) -> Ed25519Signer:
    """The organization's signing key, held by the platform in GONGSHU_HOME/keys/orgs (mode 0600)."""
    return Ed25519Signer.from_dir(uow.settings.key_dir / "orgs", name=f"{org_code}-ed25519.pem")


def party_of(actor: Actor, agreement: Agreement, content: dict[str, Any]) -> str | None:
    for party in PARTIES:
        if content["parties"][party]["code"] == actor.org_code:
            return party
    return None


def sign(uow: UnitOfWork, actor: Actor, number: str) -> Signature:
    """The actor signs for its organization's party; the third signature puts the agreement in force."""
    agreement = get_agreement(uow, actor, number)
    if agreement.status != G.SIGNING:
        raise InvalidTransition(
            f"协议 {number} 不在待签署状态（{agreement.status}）",
            f"agreement {number} is not awaiting signatures ({agreement.status})",
            current=agreement.status,
            target="signed",
        )
    content = json.loads(agreement.content)
    party = party_of(actor, agreement, content)
    if party is None or actor.is_system:
        raise PermissionDenied(f"您的单位不是协议 {number} 的签署方", f"your organization is not a party to {number}")
    if _signature(uow, agreement, party) is not None:
        raise Invalid(f"{party} 已签署协议 {number}", f"the {party} has already signed {number}")
    record = signatures.sign(content, org_signer(uow, actor.org_code))
    sig = Signature(
        agreement_id=agreement.id,
        party=party,
        org_id=actor.org_id or 0,
        signer=actor.username,
        algorithm=record["algorithm"],
        key_id=record["key_id"],
        public_key=record["public_key"],
        signature=record["signature"],
        signed_at=uow.clock.now(),
    )
    uow.session.add(sig)
    uow.session.flush()
    uow.record(event(actor, "agreement.sign", "agreement", number, record, party=party, key_id=record["key_id"]))
    if all(_signature(uow, agreement, p) for p in PARTIES):
        agreement.status = G.ACTIVE.value
        uow.record(event(SYSTEM, "agreement.active", "agreement", number, {"content_hash": agreement.content_hash}))
    uow.commit()
    return sig


def _signature(uow: UnitOfWork, agreement: Agreement, party: str) -> Signature | None:
    return uow.session.execute(
        select(Signature).where(Signature.agreement_id == agreement.id, Signature.party == party)
    ).scalar_one_or_none()


def signatures_of(uow: UnitOfWork, agreement: Agreement) -> list[Signature]:
    return list(
        uow.session.execute(
            select(Signature).where(Signature.agreement_id == agreement.id).order_by(Signature.id)
        ).scalars()
    )


def bundle(uow: UnitOfWork, agreement: Agreement) -> dict[str, Any]:
    """The agreement and its signatures as one JSON document, verifiable offline."""
    orgs = {o.id: o.code for o in uow.session.execute(select(Organization)).scalars()}
    return {
        "format": "gongshu-agreement/1",
        "content": json.loads(agreement.content),
        "signatures": [
            {
                "party": s.party,
                "org": orgs.get(s.org_id, ""),
                "signer": s.signer,
                "signed_at": s.signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "algorithm": s.algorithm,
                "key_id": s.key_id,
                "public_key": s.public_key,
                "signature": s.signature,
            }
            for s in signatures_of(uow, agreement)
        ],
    }


# -- in force, suspension, revocation, expiry, renewal -------------------------------------------


def effective_status(agreement: Agreement, now: datetime) -> str:
    """The status as of ``now``: an agreement past its end is expired even before the sweep records it."""
    if agreement.status in (G.ACTIVE, G.SUSPENDED) and now >= agreement.ends_at:
        return G.EXPIRED.value
    return agreement.status


def in_force(agreement: Agreement, now: datetime) -> bool:
    """Whether jobs and products may act under this agreement right now."""
    return effective_status(agreement, now) == G.ACTIVE and agreement.starts_at <= now


def _move(uow: UnitOfWork, actor: Actor, number: str, target: AgreementStatus, reason: str) -> Agreement:
    _check_bureau(actor)
    agreement = get_agreement(uow, actor, number)
    current = effective_status(agreement, uow.clock.now())
    check_move(AGREEMENT_TRANSITIONS, current, target.value, f"协议 {number}")
    if target is not G.ACTIVE and not reason.strip():
        raise Invalid("暂停或撤销须说明理由", "suspending or revoking needs a reason")
    agreement.status, agreement.reason = target.value, reason.strip()
    uow.record(event(actor, f"agreement.{target.value}", "agreement", number, {"reason": reason}))
    uow.commit()
    return agreement


def suspend(uow: UnitOfWork, actor: Actor, number: str, reason: str) -> Agreement:
    return _move(uow, actor, number, G.SUSPENDED, reason)


def resume(uow: UnitOfWork, actor: Actor, number: str) -> Agreement:
    _check_bureau(actor)
    agreement = get_agreement(uow, actor, number)
    if agreement.status != G.SUSPENDED:
        raise Invalid(f"协议 {number} 未暂停", f"agreement {number} is not suspended")
    return _move(uow, actor, number, G.ACTIVE, "")


def revoke(uow: UnitOfWork, actor: Actor, number: str, reason: str) -> Agreement:
    return _move(uow, actor, number, G.REVOKED, reason)


def expire_due(uow: UnitOfWork) -> list[str]:
    """Record the expiry of every agreement past its end (run by `gongshu agreement sweep`)."""
    now = uow.clock.now()
    due = (
        uow.session.execute(
            select(Agreement).where(Agreement.status.in_([G.ACTIVE.value, G.SUSPENDED.value]), Agreement.ends_at <= now)
        )
        .scalars()
        .all()
    )
    for agreement in due:
        agreement.status = G.EXPIRED.value
        uow.record(
            event(
                SYSTEM, "agreement.expired", "agreement", agreement.number, {"ends_at": agreement.ends_at.isoformat()}
            )
        )
    if due:
        uow.commit()
    return [a.number for a in due]


def renew(uow: UnitOfWork, actor: Actor, number: str, *, end: str) -> Agreement:
    """A new agreement with the same content and a new period, linked to the old; it needs new signatures."""
    _check_bureau(actor)
    old = get_agreement(uow, actor, number)
    if old.status in (G.SIGNING, G.REVOKED):
        raise Invalid(f"协议 {number} 未生效或已撤销，不能续期", f"agreement {number} cannot be renewed")
    content = json.loads(old.content)
    start = old.ends_at.date().isoformat()
    problems = period_problems(start, end, today=uow.clock.now().date(), max_years=uow.settings.agreement_max_years)
    if problems:
        raise Invalid("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
    now = uow.clock.now()
    content.update(
        number=_number(uow, now),
        renews=number,
        period={"start": start, "end": end},
        issued_at=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    app = uow.session.get(Application, old.application_id)
    assert app is not None
    new = _store(uow, app, _org(uow, old.operator_org_id), content, now, renews=number)
    uow.record(event(actor, "agreement.renew", "agreement", new.number, content, renews=number))
    uow.commit()
    return new


# -- reading ------------------------------------------------------------------------------------


def get_agreement(uow: UnitOfWork, actor: Actor, number: str) -> Agreement:
    check(actor, Permission.GRANTS)
    agreement = uow.session.execute(select(Agreement).where(Agreement.number == number)).scalar_one_or_none()
    if agreement is None or not can_see(actor, agreement):
        raise AgreementNotFound(number)
    return agreement


def can_see(actor: Actor, agreement: Agreement) -> bool:
    """Parties, providers whose data it covers, the bureau and regulators (the public reads disclosure)."""
    if actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR):
        return True
    if actor.org_id in (agreement.developer_org_id, agreement.operator_org_id):
        return True
    content = json.loads(agreement.content)
    return actor.role is Role.PROVIDER and any(r["provider"]["code"] == actor.org_code for r in content["resources"])


def list_agreements(uow: UnitOfWork, actor: Actor) -> list[Agreement]:
    check(actor, Permission.GRANTS)
    rows = uow.session.execute(select(Agreement).order_by(Agreement.id.desc())).scalars()
    return [a for a in rows if can_see(actor, a)]
