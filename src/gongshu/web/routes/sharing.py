"""共享/开放申请 pages: my organization's requests, those to review (approve with the default or a custom
desensitization rule, or reject with a reason), the form to ask, and reading approved data in the platform."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.catalog import services as catalog
from gongshu.catalog import sharing
from gongshu.catalog.models import AccessRequest, Resource
from gongshu.catalog.states import RequestStatus
from gongshu.classify.desensitize import Plan
from gongshu.errors import GongshuError, Invalid
from gongshu.platform import UnitOfWork
from gongshu.web.i18n import translate
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.routes.catalog import owns
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in
from gongshu.web.views import CHINA

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 50
MAX_PAGE = 100_000
DEFAULT_DAYS = 90
KINDS = ("share", "open")
DONE = {
    "request": "done.request",
    "approved": "done.approved",
    "refused": "done.refused",
    "revoked": "done.revoked",
}


@dataclass(frozen=True)
class RequestRow:
    req: AccessRequest
    res: Resource
    fields: list[str]
    decides: bool  # the actor's organization owns the resource and the request awaits its decision
    default_plan: dict[str, Any] | None  # what approving without a custom rule gives readers


def _rows(uow: UnitOfWork, console: Console, found: list[tuple[AccessRequest, Resource]]) -> list[RequestRow]:
    rows = []
    for req, res in found:
        fields = json.loads(req.fields)
        decides = owns(console.actor, res) and req.status == RequestStatus.SUBMITTED
        plan = sharing.default_plan(uow, res, fields).to_json() if decides else None
        rows.append(RequestRow(req, res, fields, decides, plan))
    return rows


def _requests_page(
    request: Request, console: Console, *, done: str = "", error: str = "", status: int = 200
) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        reviews = _rows(uow, console, sharing.list_requests(uow, actor, mine=False))
        context = {
            "mine": _rows(uow, console, sharing.list_requests(uow, actor, mine=True)),
            "pending": [r for r in reviews if r.decides],
            "reviewed": [r for r in reviews if not r.decides and r.req.requester_org_id != actor.org_id],
            "done": DONE.get(done, ""),
            "error": error,
        }
        return render(request, console, "sharing/requests.html", context, status)


@router.get("/requests")
def requests_page(request: Request, console: ConsoleDep, done: str = "") -> Response:
    return _requests_page(request, console, done=done)


# -- asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskForm:
    kind: str
    fields: list[str]
    starts: str
    ends: str
    reason: str = ""


def _ask_page(
    request: Request, console: Console, code: str, form: AskForm, *, error: str = "", status: int = 200
) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, actor, code)
        return render(request, console, "sharing/new.html", {"res": res, "form": form, "error": error}, status)


@router.get("/requests/new")
def ask_form(request: Request, console: ConsoleDep, resource: str = "", kind: str = "share") -> Response:
    today = platform_of(request).clock.now().astimezone(CHINA).date()
    form = AskForm(
        kind if kind in KINDS else "share", [], today.isoformat(), (today + timedelta(days=DEFAULT_DAYS)).isoformat()
    )
    return _ask_page(request, console, resource, form)


def _day(value: str, *, end: bool) -> datetime:
    """A date from the form as the UTC instant its day starts in China (the end date is included)."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as e:
        raise Invalid(translate("req.bad_date", "zh", value=value), translate("req.bad_date", "en", value=value)) from e
    return datetime.combine(day + timedelta(days=1 if end else 0), time(), tzinfo=CHINA).astimezone(UTC)


@router.post("/requests/new")
def ask(
    request: Request,
    console: CheckedDep,
    resource: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "share",
    fields: Annotated[list[str], Form()] = [],  # noqa: B006 — FastAPI copies form defaults
    starts: Annotated[str, Form()] = "",
    ends: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    form = AskForm(kind, fields, starts, ends, reason)
    try:
        starts_at, ends_at = _day(starts, end=False), _day(ends, end=True)
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, resource)
            sharing.request_access(
                uow, console.actor, res, kind=kind, reason=reason, fields=fields, starts_at=starts_at, ends_at=ends_at
            )
    except GongshuError as err:
        return _ask_page(request, console, resource, form, error=console.message(err), status=status_for(err))
    return RedirectResponse("/requests?done=request", status_code=303)


# -- deciding ----------------------------------------------------------------------------------


def _custom_plan(text: str) -> Plan | None:
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        problem = f"{e.msg} (line {e.lineno}, column {e.colno})"
        raise Invalid(
            translate("req.bad_plan", "zh", problem=problem), translate("req.bad_plan", "en", problem=problem)
        ) from e
    return Plan.from_json(data)


@router.post("/requests/{number}/decision")
def decide(
    request: Request,
    console: CheckedDep,
    number: str,
    approve: Annotated[bool, Form()] = False,
    comment: Annotated[str, Form()] = "",
    plan: Annotated[str, Form()] = "",
) -> Response:
    """The owner approves (the default rule, or the custom plan given) or rejects with a reason."""
    try:
        custom = _custom_plan(plan) if approve else None
        with platform_of(request).uow(write=True) as uow:
            sharing.decide(uow, console.actor, number, approve=approve, comment=comment, plan=custom)
    except GongshuError as err:
        return _requests_page(request, console, error=console.message(err), status=status_for(err))
    return RedirectResponse(f"/requests?done={'approved' if approve else 'refused'}", status_code=303)


@router.post("/requests/{number}/revoke")
def revoke(request: Request, console: CheckedDep, number: str) -> Response:
    """The owner, or the requester giving it up, ends an approved request at once."""
    try:
        with platform_of(request).uow(write=True) as uow:
            sharing.revoke(uow, console.actor, number)
    except GongshuError as err:
        return _requests_page(request, console, error=console.message(err), status=status_for(err))
    return RedirectResponse("/requests?done=revoked", status_code=303)


# -- reading -----------------------------------------------------------------------------------


@router.get("/requests/{number}/read")
def read(request: Request, console: ConsoleDep, number: str, page: int = 1) -> Response:
    """A page of the granted items, desensitized by the owner's rule; every read is ledgered."""
    actor = require_sign_in(console)
    page = min(max(page, 1), MAX_PAGE)
    with platform_of(request).uow(write=True) as uow:
        req, res = sharing.get_request(uow, actor, number)
        title, code = res.title, res.code
        got = sharing.read(uow, actor, number, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    context = {
        "req": req,
        "title": title,
        "code": code,
        "data": got,
        "page": page,
        "pages": max(1, ceil(got.total / PAGE_SIZE)),
        "first": got.offset + 1,
        "last": got.offset + len(got.rows),
    }
    response = render(request, console, "sharing/read.html", context)
    response.headers["Cache-Control"] = "no-store"  # shared data stays out of caches
    return response
