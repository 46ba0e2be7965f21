"""可信环境 pages: the jobs list, 提交作业 (an agreement's granted tables, protected items, ε budget and
sample downloads; a SQL query or a Python model), 作业详情 (reports, controlled preview, reviews, the
approved download; polled while it runs) and the 审定队列 of reviewers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.errors import GongshuError, Invalid, PermissionDenied
from gongshu.grants import agreements
from gongshu.identity import Actor, Permission, Role, can
from gongshu.platform import UnitOfWork
from gongshu.sandbox import jobs, review
from gongshu.sandbox.states import LABELS
from gongshu.sandbox.views import agreement_view, job_view
from gongshu.web.navigation import SANDBOX_ROLES
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

ACTIVE = frozenset({"queued", "running"})
KINDS = ("sql", "python")
DONE = {
    "submitted": "sbx.done_submitted",
    "approve": "sbx.done_approve",
    "reject": "sbx.done_reject",
    "cancelled": "sbx.done_cancelled",
    "disposed": "sbx.done_disposed",
}


def _member(console: Console) -> Actor:
    actor = require_sign_in(console)
    if not (actor.is_system or actor.role in SANDBOX_ROLES):
        raise PermissionDenied("您的角色不使用可信环境", "your role does not use the trusted environment")
    return actor


def _submitter(console: Console) -> Actor:
    actor = _member(console)
    if actor.role is not Role.DEVELOPER:
        raise PermissionDenied("只有开发利用者可以提交作业", "only developers submit jobs")
    return actor


# -- 作业列表 ------------------------------------------------------------------------------------


@router.get("/sandbox")
def job_list(request: Request, console: ConsoleDep, status: str = "", kind: str = "", agreement: str = "") -> Response:
    actor = _member(console)
    with platform_of(request).uow() as uow:
        views = [job_view(uow, actor, j, with_code=False) for j in jobs.list_jobs(uow, actor, status=status or None)]
    rows = [v for v in views if kind in ("", v["kind"]) and agreement.strip() in ("", v["agreement"])]
    context = {
        "rows": rows,
        "statuses": list(LABELS),
        "kinds": KINDS,
        "form": {"status": status, "kind": kind, "agreement": agreement.strip()},
        "submits": actor.role is Role.DEVELOPER,
        "reviews": can(actor, Permission.JOB_REVIEW),
    }
    return render(request, console, "sandbox/list.html", context)


# -- 提交作业 ------------------------------------------------------------------------------------


@dataclass
class JobForm:
    """What the submit form holds (kept when a submission is refused)."""

    agreement: str = ""
    kind: str = "sql"
    sql: str = ""
    dp: bool = False
    epsilon: str = ""
    title: str = ""
    rows_per_person: str = ""
    groups_per_person: str = ""
    entry: str = "main"
    outputs: str = "result.csv"

    def output_names(self) -> list[str]:
        return [n.strip() for n in self.outputs.replace("，", ",").replace("\n", ",").split(",") if n.strip()]

    def bound(self, text: str) -> int:
        """A contribution bound from the form: empty is 0 (estimated privately)."""
        if not text.strip():
            return 0
        try:
            return int(text)
        except ValueError as e:
            raise Invalid("每人行数与分组数上限须为整数", "rows and groups per person must be whole numbers") from e

    def epsilon_value(self) -> float | None:
        if not self.epsilon.strip():
            return None
        try:
            return float(self.epsilon)
        except ValueError as e:
            raise Invalid("ε 须为数字", "ε must be a number") from e


def _usable(uow: UnitOfWork, actor: Actor) -> list[str]:
    """The agreements in force whose developer is the actor's organization."""
    now = uow.clock.now()
    return [
        a.number
        for a in agreements.list_agreements(uow, actor)
        if a.developer_org_id == actor.org_id and agreements.in_force(a, now)
    ]


def form_page(request: Request, console: Console, form: JobForm, *, error: str = "", status: int = 200) -> Response:
    actor = _submitter(console)
    with platform_of(request).uow() as uow:
        usable = _usable(uow, actor)
        form.agreement = form.agreement or (usable[0] if usable else "")
        bench = agreement_view(uow, actor, form.agreement) if form.agreement else None
    context = {"form": form, "usable": usable, "bench": bench, "error": error}
    return render(request, console, "sandbox/new.html", context, status)


@router.get("/sandbox/new")
def new_job(request: Request, console: ConsoleDep, agreement: str = "") -> Response:
    return form_page(request, console, JobForm(agreement=agreement.strip()))


@router.post("/sandbox/new")
def submit_job(
    request: Request,
    console: CheckedDep,
    agreement: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "sql",
    sql: Annotated[str, Form()] = "",
    dp: Annotated[bool, Form()] = False,
    epsilon: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    rows_per_person: Annotated[str, Form()] = "",
    groups_per_person: Annotated[str, Form()] = "",
    entry: Annotated[str, Form()] = "main",
    outputs: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    form = JobForm(
        agreement=agreement.strip(),
        kind=kind,
        sql=sql,
        dp=dp,
        epsilon=epsilon,
        title=title,
        rows_per_person=rows_per_person,
        groups_per_person=groups_per_person,
        entry=entry.strip() or "main",
        outputs=outputs,
    )
    actor = _submitter(console)
    try:
        with platform_of(request).uow(write=True) as uow:
            number = _submit(uow, actor, form, file)
    except GongshuError as err:
        return form_page(request, console, form, error=console.message(err), status=status_for(err))
    return RedirectResponse(f"/sandbox/jobs/{quote(number)}?done=submitted", status_code=303)


def _submit(uow: UnitOfWork, actor: Actor, form: JobForm, file: UploadFile | None) -> str:
    if form.kind == "python":
        code = _python_source(file)
        return jobs.submit_python(
            uow, actor, form.agreement, code, entry=form.entry, outputs=form.output_names(), title=form.title
        ).number
    if not form.sql.strip():
        raise Invalid("请填写 SQL 查询", "enter a SQL query")
    return jobs.submit_sql(
        uow,
        actor,
        form.agreement,
        form.sql,
        dp=form.dp,
        epsilon=form.epsilon_value(),
        title=form.title,
        rows_per_person=form.bound(form.rows_per_person),
        groups_per_person=form.bound(form.groups_per_person),
    ).number


def _python_source(file: UploadFile | None) -> str:
    if file is None or not file.filename:
        raise Invalid("请选择 Python 代码文件（.py）", "choose the Python code file (.py)")
    raw = file.file.read(jobs.MAX_CODE * 4 + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("代码文件须为 UTF-8 编码", "the code file must be UTF-8") from e


# -- 作业详情 ------------------------------------------------------------------------------------


def _job_context(uow: UnitOfWork, actor: Actor, number: str) -> dict[str, Any]:
    view = job_view(uow, actor, jobs.get_job(uow, actor, number))
    mine = actor.is_system or actor.org_code == view["org"]
    return {
        "v": view,
        "active": view["status"] in ACTIVE,
        "downloadable": view["status"] == "approved" and view["agreement_in_force"] and mine,
        "cancellable": view["status"] == "queued" and mine,
        "approvals": sum(r["decision"] == "approve" for r in view["reviews"]),
    }


def job_page(
    request: Request, console: Console, number: str, *, done: str = "", error: str = "", status: int = 200
) -> Response:
    actor = _member(console)
    with platform_of(request).uow() as uow:
        context = _job_context(uow, actor, number)
    context |= {"done": DONE.get(done, ""), "error": error}
    return render(request, console, "sandbox/detail.html", context, status)


@router.get("/sandbox/jobs/{number}")
def job_detail(request: Request, console: ConsoleDep, number: str, done: str = "") -> Response:
    return job_page(request, console, number, done=done)


@router.get("/sandbox/jobs/{number}/status")
def job_status(request: Request, console: ConsoleDep, number: str) -> Response:
    """HTMX polling: the status badge while the job waits or runs; once it has run, reload the page."""
    actor = _member(console)
    with platform_of(request).uow() as uow:
        context = _job_context(uow, actor, number)
    response = render(request, console, "sandbox/_status.html", context)
    if not context["active"]:
        response.headers["HX-Refresh"] = "true"
    return response


def _act(request: Request, console: Console, number: str, done: str, act: Callable[[UnitOfWork], Any]) -> Response:
    try:
        with platform_of(request).uow(write=True) as uow:
            act(uow)
    except GongshuError as err:
        return job_page(request, console, number, error=console.message(err), status=status_for(err))
    return RedirectResponse(f"/sandbox/jobs/{quote(number)}?done={done}", status_code=303)


@router.post("/sandbox/jobs/{number}/review")
def decide(
    request: Request,
    console: CheckedDep,
    number: str,
    decision: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
    checklist: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """一模型一审定: one reviewer's approval or rejection, with the checklist and a comment."""
    actor = _member(console)
    checked = checklist or []
    return _act(
        request, console, number, decision, lambda uow: review.decide(uow, actor, number, decision, comment, checked)
    )


@router.post("/sandbox/jobs/{number}/disposal")
def dispose(
    request: Request,
    console: CheckedDep,
    number: str,
    kind: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """归还 / 销毁: the developer records what became of a job's delivered outputs after the agreement ended."""
    actor = _member(console)
    return _act(
        request, console, number, "disposed", lambda uow: review.record_disposal(uow, actor, number, kind, note)
    )


@router.post("/sandbox/jobs/{number}/cancel")
def cancel(request: Request, console: CheckedDep, number: str) -> Response:
    actor = _member(console)
    return _act(request, console, number, "cancelled", lambda uow: jobs.cancel(uow, actor, number))


# -- 审定队列 ------------------------------------------------------------------------------------


@router.get("/sandbox/review")
def review_queue(request: Request, console: ConsoleDep) -> Response:
    actor = _member(console)
    with platform_of(request).uow() as uow:
        rows = [job_view(uow, actor, j, with_code=False) for j in review.review_queue(uow, actor)]
    return render(request, console, "sandbox/queue.html", {"rows": rows})
