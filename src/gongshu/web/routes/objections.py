"""异议 pages: a resource's objections with the form to raise one, and the queue where the provider
verifies (核实), rejects (驳回) and records corrections (补正), overdue ones first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.catalog import objections
from gongshu.catalog import services as catalog
from gongshu.catalog.objections import ObjectionView
from gongshu.catalog.states import ObjectionStatus
from gongshu.errors import GongshuError
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.routes.catalog import render_resource, tab_url
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

OPEN = (ObjectionStatus.RAISED.value, ObjectionStatus.VERIFIED.value)
DONE = {
    "verified": "done.verified",
    "rejected": "done.rejected",
    "corrected": "done.corrected",
}


# -- on a resource's page ----------------------------------------------------------------------


def _resource_objections_page(
    request: Request,
    console: Console,
    code: str,
    *,
    done: str = "",
    error: str = "",
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, actor, code)
        context = {
            "objections": objections.list_objections(uow, actor, resource=res),
            "form": form or {},
            "verify_days": uow.settings.objection_verify_days,
            "correct_days": uow.settings.objection_correct_days,
        }
        return render_resource(
            request,
            console,
            res,
            "tab.objections",
            "objections/tab.html",
            context,
            done=done,
            error=error,
            status=status,
        )


@router.get("/catalog/{code}/objections")
def objections_tab(request: Request, console: ConsoleDep, code: str, done: str = "") -> Response:
    return _resource_objections_page(request, console, code, done=done)


@router.post("/catalog/{code}/objections")
def raise_objection(
    request: Request,
    console: CheckedDep,
    code: str,
    text: Annotated[str, Form()] = "",
    item: Annotated[str, Form()] = "",
) -> Response:
    try:
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            objections.raise_objection(uow, console.actor, res, text=text, item=item)
    except GongshuError as err:
        form = {"text": text, "item": item}
        return _resource_objections_page(
            request, console, code, error=console.message(err), form=form, status=status_for(err)
        )
    return RedirectResponse(tab_url(code, "tab.objections", "objection"), status_code=303)


# -- the queue ---------------------------------------------------------------------------------


def _urgency(view: ObjectionView) -> tuple[bool, bool]:
    """Overdue first, then open ones, then closed; the service's order (newest first) within each."""
    return (not view.overdue, view.objection.status not in OPEN)


def _queue_page(request: Request, console: Console, *, done: str = "", error: str = "", status: int = 200) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        found = objections.list_objections(uow, actor)
        mine = [v for v in found if v.provider_id == actor.org_id]  # about our resources: we answer them
        ours = [v for v in found if v.objection.org_id == actor.org_id and v.provider_id != actor.org_id]
        rest = [v for v in found if v not in mine and v not in ours]  # bureau and regulators oversee all
        context = {
            "ours": ours,
            "others": sorted(mine or rest, key=_urgency),
            "handles": bool(mine),
            "done": DONE.get(done, ""),
            "error": error,
        }
        return render(request, console, "objections/queue.html", context, status)


@router.get("/objections")
def queue(request: Request, console: ConsoleDep, done: str = "") -> Response:
    return _queue_page(request, console, done=done)


@router.post("/objections/{number}/verify")
def verify(
    request: Request,
    console: CheckedDep,
    number: str,
    accept: Annotated[bool, Form()] = True,
    response: Annotated[str, Form()] = "",
) -> Response:
    """核实: accept the objection (a correction falls due) or reject it with a reason."""
    try:
        with platform_of(request).uow(write=True) as uow:
            objections.verify(uow, console.actor, number, accept=accept, response=response)
    except GongshuError as err:
        return _queue_page(request, console, error=console.message(err), status=status_for(err))
    return RedirectResponse(f"/objections?done={'verified' if accept else 'rejected'}", status_code=303)


@router.post("/objections/{number}/correct")
def correct(request: Request, console: CheckedDep, number: str, version: Annotated[int, Form(ge=1)] = 1) -> Response:
    """补正: link the verified objection to the corrected version published after it."""
    try:
        with platform_of(request).uow(write=True) as uow:
            objections.correct(uow, console.actor, number, version=version)
    except GongshuError as err:
        return _queue_page(request, console, error=console.message(err), status=status_for(err))
    return RedirectResponse("/objections?done=corrected", status_code=303)
