"""公开授权对象、内容、范围和时限: the public list of every agreement in force and ended, and the annual
disclosure report of the implementing body and the operator. Nothing confidential appears here:
no qualification documents, no reviewers' comments, no signatures' keys."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from gongshu.grants.agreements import effective_status
from gongshu.grants.models import Agreement
from gongshu.grants.states import LABELS, AgreementStatus
from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES
from gongshu.identity import Role
from gongshu.identity.models import Organization
from gongshu.platform import UnitOfWork

DISCLOSED = (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.REVOKED, AgreementStatus.EXPIRED)


def entry(agreement: Agreement, now: datetime) -> dict[str, Any]:
    """One agreement as the public sees it."""
    c = json.loads(agreement.content)
    status = effective_status(agreement, now)
    return {
        "number": agreement.number,
        "authorized": c["parties"]["developer"]["name"],
        "operator": c["parties"]["operator"]["name"],
        "scenario": c["scenario"]["name"],
        "domain": c["scenario"]["domain"],
        "purpose": PURPOSES[c["scenario"]["purpose"]][0],
        "resources": [
            {"code": r["code"], "title": r["title"], "provider": r["provider"]["name"], "items": r["items"]}
            for r in c["resources"]
        ],
        "output_kinds": [OUTPUT_KINDS[k][0] for k in c["output_kinds"]],
        "start": c["period"]["start"],
        "end": c["period"]["end"],
        "status": status,
        "status_label": LABELS[status][0],
        "price": c["price"],
        "renews": c.get("renews"),
        "auto_release_dp": (c.get("privacy") or {}).get("auto_release_dp") is True,
        # whether results over personal information may leave without differential privacy (an explicit term)
        "personal_without_dp": bool((c.get("privacy") or {}).get("personal_without_dp", False)),
    }


def public_list(uow: UnitOfWork) -> list[dict[str, Any]]:
    now = uow.clock.now()
    rows = uow.session.execute(
        select(Agreement).where(Agreement.status.in_([s.value for s in DISCLOSED])).order_by(Agreement.id.desc())
    ).scalars()
    return [entry(a, now) for a in rows]


def annual_report(uow: UnitOfWork, year: int) -> dict[str, Any]:
    """The year's disclosure: the implementing body with its authorizations and fee caps; each operator
    with the resources it operates, its products and services and their actual fees."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    now = uow.clock.now()
    made = [
        a
        for a in uow.session.execute(select(Agreement).order_by(Agreement.id)).scalars()
        if a.status in {s.value for s in DISCLOSED} and a.starts_at < end and a.ends_at > start
    ]
    bureau = uow.session.execute(
        select(Organization).where(Organization.kind == Role.BUREAU.value).order_by(Organization.id).limit(1)
    ).scalar_one_or_none()
    entries = [entry(a, now) for a in made]
    return {
        "year": year,
        "generated_at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "implementing_body": {
            "name": bureau.name if bureau else "",
            "authorizations": len(entries),
            "by_status": dict(Counter(e["status_label"] for e in entries)),
            "fee_caps": sorted({e["price"]["fee_cap"] for e in entries if e["price"].get("fee_cap")}),
            "agreements": [
                {k: e[k] for k in ("number", "authorized", "scenario", "start", "end", "status_label")} for e in entries
            ],
        },
        "operators": _operators(entries),
    }


def _operators(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        op = out.setdefault(e["operator"], {"name": e["operator"], "resources": {}, "services": []})
        for r in e["resources"]:
            op["resources"][r["code"]] = {"code": r["code"], "title": r["title"], "provider": r["provider"]}
        op["services"].append(
            {
                "agreement": e["number"],
                "scenario": e["scenario"],
                "products": e["output_kinds"],
                "fees": e["price"]["terms"],
                "fee_cap": e["price"].get("fee_cap", ""),
            }
        )
    return [{**op, "resources": list(op["resources"].values())} for op in out.values()]
