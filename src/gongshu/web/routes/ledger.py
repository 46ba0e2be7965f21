"""The ledger page: the latest signed tree head, verification on demand, the events the actor may read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gongshu.identity import Permission, can, check, ledger_scope
from gongshu.ledger.export import verify_database
from gongshu.ledger.services import latest_head, list_events
from gongshu.ledger.verify import VerifyReport
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 50


def _ledger_page(
    request: Request, console: Console, *, before: int | None = None, report: VerifyReport | None = None
) -> Response:
    actor = console.actor
    with platform_of(request).uow() as uow:
        scope = ledger_scope(actor)
        events = list_events(uow.session, org=scope, before=before, limit=PAGE_SIZE)
        context = {
            "head": latest_head(uow.session),
            "events": events,
            "scope": scope,
            "report": report,
            "can_verify": can(actor, Permission.LEDGER_READ_ALL),
            "older": events[-1].seq if len(events) == PAGE_SIZE and events[-1].seq > 0 else None,
        }
        return render(request, console, "ledger/index.html", context)


@router.get("/ledger")
def ledger_page(request: Request, console: ConsoleDep, before: int | None = None) -> Response:
    return _ledger_page(request, console, before=before)


@router.post("/ledger/verify")
def verify(request: Request, console: CheckedDep) -> Response:
    """Recompute the whole tree and check every signed head (the bureau, regulators and the operator)."""
    check(console.actor, Permission.LEDGER_READ_ALL)
    platform = platform_of(request)
    with platform.uow() as uow:
        report = verify_database(
            uow.session, algo=platform.settings.ledger_hash, keys={platform.signer.key_id: platform.signer.public_b64}
        )
    return _ledger_page(request, console, report=report)
