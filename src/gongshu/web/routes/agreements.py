"""授权协议 pages (一场景一授权): the agreements the viewer may see, and one agreement with its terms, the
signature of each party (bureau, operator, developer), the 签署 button of a party yet to sign, the
bureau's 暂停 / 恢复 / 撤销 and 续期, and links to its document, PDF, ODRL policy and offline bundle."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.errors import GongshuError
from gongshu.grants import agreements
from gongshu.grants.agreements import PARTIES
from gongshu.grants.models import Agreement, Signature
from gongshu.grants.states import AGREEMENT_TRANSITIONS, AgreementStatus
from gongshu.identity import Actor, Role
from gongshu.platform import UnitOfWork
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

G = AgreementStatus
DONE = {
    "created": "done.agr_created",
    "signed": "done.signed",
    "suspended": "done.suspended",
    "resumed": "done.resumed",
    "revoked": "done.agr_revoked",
    "renewed": "done.renewed",
}


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    content: dict[str, Any]
    status: str  # as of now: an agreement past its end shows as expired before the sweep records it
    signed: list[str]  # the parties that signed
    my_party: str | None  # the viewer's organization's party, if it is one

    @property
    def awaits_me(self) -> bool:
        return self.status == G.SIGNING and self.my_party is not None and self.my_party not in self.signed


def _row(uow: UnitOfWork, actor: Actor, agreement: Agreement) -> AgreementRow:
    content = json.loads(agreement.content)
    signed = [s.party for s in agreements.signatures_of(uow, agreement)]
    party = None if actor.is_system else agreements.party_of(actor, agreement, content)
    return AgreementRow(agreement, content, agreements.effective_status(agreement, uow.clock.now()), signed, party)


@router.get("/agreements")
def agreement_list(request: Request, console: ConsoleDep) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        rows = [_row(uow, actor, a) for a in agreements.list_agreements(uow, actor)]
    context = {"to_sign": [r for r in rows if r.awaits_me], "rows": rows}
    return render(request, console, "agreements/list.html", context)


# -- one agreement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRow:
    party: str
    org: dict[str, str]  # code and name, as the agreement names the party
    signature: Signature | None


def _actions(status: str) -> dict[str, bool]:
    """What the bureau may do with an agreement in ``status`` (from the state table)."""
    allowed = {s.value for s in AGREEMENT_TRANSITIONS[G(status)]}
    return {
        "suspend": G.SUSPENDED in allowed,
        "resume": status == G.SUSPENDED,
        "revoke": G.REVOKED in allowed,
        "renew": status not in (G.SIGNING, G.REVOKED),
    }


def _agreement_page(
    request: Request, console: Console, number: str, *, done: str = "", error: str = "", status: int = 200
) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        agreement = agreements.get_agreement(uow, actor, number)
        row = _row(uow, actor, agreement)
        by_party = {s.party: s for s in agreements.signatures_of(uow, agreement)}
        context = {
            "row": row,
            "a": agreement,
            "content": row.content,
            "parties": [PartyRow(p, row.content["parties"][p], by_party.get(p)) for p in PARTIES],
            "in_force": agreements.in_force(agreement, uow.clock.now()),
            "manages": actor.role is Role.BUREAU,
            "actions": _actions(row.status),
            "renewals": [a.number for a in agreements.list_agreements(uow, actor) if a.renews == number],
            "done": DONE.get(done, ""),
            "error": error,
        }
        return render(request, console, "agreements/detail.html", context, status)


@router.get("/agreements/{number}")
def agreement_detail(request: Request, console: ConsoleDep, number: str, done: str = "") -> Response:
    return _agreement_page(request, console, number, done=done)


def _act(request: Request, console: Console, number: str, done: str, act: Callable[[UnitOfWork], Any]) -> Response:
    """Run one service; go to the agreement it returns (a renewal is a new one), or show the error."""
    try:
        with platform_of(request).uow(write=True) as uow:
            result = act(uow)
    except GongshuError as err:
        return _agreement_page(request, console, number, error=console.message(err), status=status_for(err))
    target = result.number if isinstance(result, Agreement) else number
    return RedirectResponse(f"/agreements/{quote(target)}?done={done}", status_code=303)


@router.post("/agreements/{number}/sign")
def sign(request: Request, console: CheckedDep, number: str) -> Response:
    """签署: the viewer's organization signs for its party; the third signature puts it in force."""
    return _act(request, console, number, "signed", lambda uow: agreements.sign(uow, console.actor, number))


@router.post("/agreements/{number}/suspend")
def suspend(request: Request, console: CheckedDep, number: str, reason: Annotated[str, Form()] = "") -> Response:
    return _act(
        request, console, number, "suspended", lambda uow: agreements.suspend(uow, console.actor, number, reason)
    )


@router.post("/agreements/{number}/resume")
def resume(request: Request, console: CheckedDep, number: str) -> Response:
    return _act(request, console, number, "resumed", lambda uow: agreements.resume(uow, console.actor, number))


@router.post("/agreements/{number}/revoke")
def revoke(request: Request, console: CheckedDep, number: str, reason: Annotated[str, Form()] = "") -> Response:
    return _act(request, console, number, "revoked", lambda uow: agreements.revoke(uow, console.actor, number, reason))


@router.post("/agreements/{number}/renew")
def renew(request: Request, console: CheckedDep, number: str, end: Annotated[str, Form()] = "") -> Response:
    """续期: a new agreement from the old end date to ``end``, linked to the old one, to be signed again."""
    return _act(
        request, console, number, "renewed", lambda uow: agreements.renew(uow, console.actor, number, end=end.strip())
    )
