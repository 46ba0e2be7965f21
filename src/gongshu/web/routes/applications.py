"""授权申请 pages (一需求一审核): the queues by role — my applications; 待初审 and 审核超期 for the bureau;
待我审核 for providers and regulators — and one application as its viewer may see it, with the review
progress per stage and the form of whoever has the next step: submit or withdraw, the bureau's 初审, a
provider's (or the consulted regulator's) part, and the bureau's 生成授权协议 once every part passed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.errors import GongshuError
from gongshu.grants import agreements, applications
from gongshu.grants.applications import ApplicationView, Task
from gongshu.grants.errors import IncompleteApplication
from gongshu.grants.models import Application, Review
from gongshu.grants.states import ApplicationStatus, ReviewDecision
from gongshu.grants.vocab import PURPOSES, SCENARIO_DOMAINS, is_free
from gongshu.identity import Actor, Role
from gongshu.identity.services import list_orgs
from gongshu.platform import UnitOfWork
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.routes.application_form import SEP, Choice, choice, problems_of
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

S = ApplicationStatus
OVERSEERS = (Role.BUREAU, Role.REGULATOR)  # see every overdue review (遵义: 通报未按时审核的部门)
DONE = {
    "submitted": "done.apl_submitted",
    "withdrawn": "done.apl_withdrawn",
    "approve": "done.first_approve",
    "return": "done.first_return",
    "reject": "done.first_reject",
    "reviewed": "done.reviewed",
}


# -- the queues --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    app: Application
    scenario: str


@dataclass(frozen=True)
class TaskRow:
    task: Task
    scenario: str
    codes: list[str]  # the resources of the part to review (a provider's)


def _scenario(uow: UnitOfWork, actor: Actor, app: Application) -> str:
    return str(applications.view(uow, actor, app.number).content.get("scenario") or "")


def _task_rows(uow: UnitOfWork, actor: Actor, tasks: list[Task]) -> list[TaskRow]:
    return [TaskRow(t, _scenario(uow, actor, t.application), json.loads(t.review.resources)) for t in tasks]


@router.get("/applications")
def queue(request: Request, console: ConsoleDep) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        overdue = applications.overdue_reviews(uow, actor) if actor.role in OVERSEERS else []
        context = {
            "tasks": _task_rows(uow, actor, applications.my_reviews(uow, actor)),
            "overdue": _task_rows(uow, actor, overdue),
            "rows": [Row(a, _scenario(uow, actor, a)) for a in applications.list_applications(uow, actor)],
            "applies": actor.role is Role.DEVELOPER,
            "oversees": actor.role in OVERSEERS,
            "editable": (S.DRAFT.value, S.RETURNED.value),
        }
        return render(request, console, "applications/queue.html", context)


# -- one application ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    codes: list[str]
    approved: dict[str, list[str]]  # what a partial approval kept
    overdue: bool


@dataclass(frozen=True)
class Round:
    version: int
    reviews: list[ReviewRow]


def _rounds(reviews: list[Review], now: datetime) -> list[Round]:
    """The reviews per version, the latest round first."""
    rows = [
        ReviewRow(
            r,
            json.loads(r.resources),
            json.loads(r.approved_items) if r.approved_items else {},
            r.decision == ReviewDecision.PENDING and r.due_at < now,
        )
        for r in sorted(reviews, key=lambda r: (-r.version, r.id))
    ]
    return [Round(version, list(group)) for version, group in groupby(rows, key=lambda row: row.review.version)]


def _pending(actor: Actor, view: ApplicationView) -> Review | None:
    """The review the viewer's organization has to give now, if any."""
    return next(
        (
            r
            for r in view.reviews
            if r.decision == ReviewDecision.PENDING
            and r.org_id == actor.org_id
            and r.version == view.application.version
            and view.version == view.application.version
        ),
        None,
    )


def _parts(uow: UnitOfWork, actor: Actor, content: dict[str, Any]) -> list[Choice]:
    return [
        choice(uow, actor, str(r.get("code", "")), list(r.get("items") or []))
        for r in content.get("resources") or []
        if isinstance(r, dict)
    ]


def _view(uow: UnitOfWork, actor: Actor, number: str, version: int | None) -> ApplicationView:
    current = applications.view(uow, actor, number)
    if version is None or version == current.version:
        return current
    if version not in current.versions:
        raise HTTPException(404)
    return applications.view(uow, actor, number, version)


def _agreement_numbers(uow: UnitOfWork, actor: Actor, app: Application) -> list[str]:
    if app.status != S.AGREED:
        return []
    return [a.number for a in agreements.list_agreements(uow, actor) if a.application_id == app.id]


def _detail_context(uow: UnitOfWork, actor: Actor, view: ApplicationView) -> dict[str, Any]:
    app, content = view.application, view.content
    pending = _pending(actor, view)
    parts = _parts(uow, actor, content)
    makes = actor.role is Role.BUREAU and app.status == S.APPROVED and view.version == app.version
    purpose = str(content.get("purpose") or "")
    return {
        "v": view,
        "app": app,
        "content": content,
        "parts": parts,
        "rounds": _rounds(view.reviews, uow.clock.now()),
        "pending": pending,
        "pending_parts": [p for p in parts if pending and p.code in json.loads(pending.resources)],
        "regulators": list_orgs(uow, actor, Role.REGULATOR.value) if pending and pending.stage == "bureau" else [],
        "suggested": SCENARIO_DOMAINS.get(str(content.get("domain") or "")),
        "applicant": app.org_id == actor.org_id,
        "sees_part": actor.role is Role.PROVIDER and app.org_id != actor.org_id,
        "makes": makes,
        "operators": list_orgs(uow, actor, Role.OPERATOR.value) if makes else [],
        "free": purpose in PURPOSES and is_free(purpose),
        "settings": uow.settings,
        "agreements": _agreement_numbers(uow, actor, app),
        "sep": SEP,
    }


def _detail_page(
    request: Request,
    console: Console,
    number: str,
    *,
    version: int | None = None,
    done: str = "",
    error: str = "",
    problems: list[str] | None = None,
    typed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The application; after a refused form, with the message and what was typed into the form."""
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        context = _detail_context(uow, actor, _view(uow, actor, number, version))
        context.update(done=DONE.get(done, ""), error=error, problems=problems or [], typed=typed or {})
        return render(request, console, "applications/detail.html", context, status)


@router.get("/applications/{number}")
def detail(request: Request, console: ConsoleDep, number: str, version: int | None = None, done: str = "") -> Response:
    return _detail_page(request, console, number, version=version, done=done)


def _act(
    request: Request,
    console: Console,
    number: str,
    done: str,
    act: Callable[[UnitOfWork], object],
    typed: dict[str, Any] | None = None,
) -> Response:
    """Run one service in a write unit of work; back to the application, or its page with the error."""
    try:
        with platform_of(request).uow(write=True) as uow:
            act(uow)
    except IncompleteApplication as err:
        return _detail_page(request, console, number, problems=problems_of(console, err), status=status_for(err))
    except GongshuError as err:
        error = console.message(err)
        return _detail_page(request, console, number, error=error, typed=typed, status=status_for(err))
    return RedirectResponse(f"/applications/{quote(number)}?done={done}", status_code=303)


@router.post("/applications/{number}/submit")
def submit(request: Request, console: CheckedDep, number: str) -> Response:
    return _act(request, console, number, "submitted", lambda uow: applications.submit(uow, console.actor, number))


@router.post("/applications/{number}/withdraw")
def withdraw(request: Request, console: CheckedDep, number: str) -> Response:
    return _act(request, console, number, "withdrawn", lambda uow: applications.withdraw(uow, console.actor, number))


@router.post("/applications/{number}/first-instance")
def first_instance(
    request: Request,
    console: CheckedDep,
    number: str,
    decision: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    regulator: Annotated[str, Form()] = "",
) -> Response:
    """初审: 通过 (optionally consulting an industry regulator), 退回修改 or 不通过 with a reason."""

    def act(uow: UnitOfWork) -> object:
        return applications.first_instance(
            uow, console.actor, number, decision=decision, comment=comment, regulator=regulator.strip() or None
        )

    typed = {"comment": comment, "regulator": regulator}
    return _act(request, console, number, decision if decision in DONE else "", act, typed)


def _approved_items(values: list[str]) -> dict[str, list[str]]:
    kept: dict[str, list[str]] = {}
    for value in values:
        code, _, item = value.partition(SEP)
        if item:
            kept.setdefault(code, []).append(item)
    return kept


@router.post("/applications/{number}/reviews/{review_id}")
def review(
    request: Request,
    console: CheckedDep,
    number: str,
    review_id: int,
    decision: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    approved: Annotated[list[str], Form()] = [],  # noqa: B006 — FastAPI copies form defaults
) -> Response:
    """A provider's part (同意 / 部分同意 with the kept items / 不同意 / 退回修改), or the regulator's."""
    kept = _approved_items(approved) if decision == ReviewDecision.PARTIAL else None

    def act(uow: UnitOfWork) -> object:
        return applications.review_part(
            uow, console.actor, review_id, decision=decision, comment=comment, approved_items=kept
        )

    return _act(request, console, number, "reviewed", act, {"comment": comment, "approved": approved})


@router.post("/applications/{number}/agreement")
def make_agreement(
    request: Request,
    console: CheckedDep,
    number: str,
    operator: Annotated[str, Form()] = "",
    epsilon: Annotated[float | None, Form(gt=0, le=100)] = None,
    min_cell_count: Annotated[int | None, Form(ge=1, le=10_000)] = None,
    dominance_n: Annotated[int, Form(ge=1, le=10)] = 2,
    dominance_threshold: Annotated[float, Form(gt=0, le=1)] = 0.9,
    dp_required: Annotated[bool, Form()] = False,
    auto_release_dp: Annotated[bool, Form()] = False,
    personal_without_dp: Annotated[bool, Form()] = False,
    price_terms: Annotated[str, Form()] = "",
    fee_cap: Annotated[str, Form()] = "",
) -> Response:
    """生成授权协议: the bureau turns the approved application into an agreement awaiting signatures."""
    terms = agreements.Terms(
        operator=operator.strip() or None,
        epsilon=epsilon,
        min_cell_count=min_cell_count,
        dominance_n=dominance_n,
        dominance_threshold=dominance_threshold,
        dp_required=dp_required,
        auto_release_dp=auto_release_dp,
        personal_without_dp=personal_without_dp,
        price_terms=price_terms.strip(),
        fee_cap=fee_cap.strip(),
    )
    try:
        with platform_of(request).uow(write=True) as uow:
            made = agreements.make_agreement(uow, console.actor, number, terms).number
    except GongshuError as err:
        typed = {"operator": operator, "price_terms": price_terms, "fee_cap": fee_cap}
        error = console.message(err)
        return _detail_page(request, console, number, error=error, typed=typed, status=status_for(err))
    return RedirectResponse(f"/agreements/{quote(made)}?done=created", status_code=303)
