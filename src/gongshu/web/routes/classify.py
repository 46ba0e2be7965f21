"""A resource's 分类分级, 数据质量 and 脱敏与开放 tabs, and the provider's forms on them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.catalog import classification, desensitization, quality, sharing
from gongshu.catalog import services as catalog
from gongshu.catalog.attributes import GRADES
from gongshu.catalog.classification import Effective
from gongshu.catalog.models import ColumnGrade, ColumnTag
from gongshu.classify.desensitize import OPERATORS, Plan
from gongshu.errors import GongshuError, Invalid
from gongshu.web.i18n import translate
from gongshu.web.rendering import ConsoleRoute
from gongshu.web.routes.catalog import render_resource, tab_url
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

KEEP, DROP = "", "drop"  # the plan form's two choices besides an operator


# -- 分类分级 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeRow:
    """One line of the classification table: the whole resource (column "") or one item."""

    column: str
    grade: ColumnGrade | None
    effective: Effective | None
    tags: list[ColumnTag] = field(default_factory=list)


@dataclass(frozen=True)
class GradeForm:
    """What the provider last sent for one row, shown again (and opened) when it was refused."""

    column: str = ""
    grade: str = ""
    personal: bool = False
    sensitive_personal: bool = False
    reason: str = ""


def _grade_rows(view: classification.ClassificationView) -> list[GradeRow]:
    def row(column: str, grade: ColumnGrade | None, tags: list[ColumnTag]) -> GradeRow:
        return GradeRow(column, grade, classification.effective(grade) if grade else None, tags)

    return [row("", view.resource, []), *(row(c.name, c.grade, c.tags) for c in view.columns)]


def _classification_page(
    request: Request,
    console: Console,
    code: str,
    *,
    done: str = "",
    error: str = "",
    retry: GradeForm | None = None,
    status: int = 200,
) -> Response:
    require_sign_in(console)
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, console.actor, code)
        view = classification.view(uow, res)
        context = {"view": view, "rows": _grade_rows(view), "grades": GRADES, "retry": retry}
        return render_resource(
            request,
            console,
            res,
            "tab.classification",
            "classify/classification.html",
            context,
            done=done,
            error=error,
            status=status,
        )


@router.get("/catalog/{code}/classification")
def classification_tab(request: Request, console: ConsoleDep, code: str, done: str = "") -> Response:
    return _classification_page(request, console, code, done=done)


@router.post("/catalog/{code}/grades")
def confirm_grade(
    request: Request,
    console: CheckedDep,
    code: str,
    column: Annotated[str, Form()] = "",
    grade: Annotated[str, Form()] = "",
    personal: Annotated[bool, Form()] = False,
    sensitive_personal: Annotated[bool, Form()] = False,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The provider confirms a row's grade or overrides it (an override needs a reason)."""
    try:
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            classification.confirm_grade(
                uow,
                console.actor,
                res,
                column=column,
                grade=grade,
                personal=personal,
                sensitive_personal=sensitive_personal,
                reason=reason,
            )
    except GongshuError as err:
        retry = GradeForm(column, grade, personal, sensitive_personal, reason)
        return _classification_page(
            request, console, code, error=console.message(err), retry=retry, status=status_for(err)
        )
    return RedirectResponse(tab_url(code, "tab.classification", "grade"), status_code=303)


@router.post("/catalog/{code}/tags")
def decide_tag(
    request: Request,
    console: CheckedDep,
    code: str,
    column: Annotated[str, Form()] = "",
    type_: Annotated[str, Form(alias="type")] = "",
    keep: Annotated[bool, Form()] = True,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """The provider confirms a tag or removes it as a false positive (with a reason)."""
    try:
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            classification.decide_tag(uow, console.actor, res, column=column, type=type_, keep=keep, reason=reason)
    except GongshuError as err:
        return _classification_page(request, console, code, error=console.message(err), status=status_for(err))
    return RedirectResponse(tab_url(code, "tab.classification", "tag"), status_code=303)


@router.post("/catalog/{code}/rescan")
def rescan(request: Request, console: CheckedDep, code: str) -> Response:
    """Scan the current version again with today's recognizers; differences are then shown for review."""
    try:
        with platform_of(request).uow(write=True) as uow:
            catalog.rescan(uow, console.actor, code)
    except GongshuError as err:
        return _classification_page(request, console, code, error=console.message(err), status=status_for(err))
    return RedirectResponse(tab_url(code, "tab.classification", "rescan"), status_code=303)


@router.post("/catalog/{code}/scan-changes/accept")
def accept_changes(request: Request, console: CheckedDep, code: str) -> Response:
    try:
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            classification.accept_changes(uow, console.actor, res)
    except GongshuError as err:
        return _classification_page(request, console, code, error=console.message(err), status=status_for(err))
    return RedirectResponse(tab_url(code, "tab.classification", "accept"), status_code=303)


# -- 数据质量 ------------------------------------------------------------------------------------


def _rules_text(declared: list[dict[str, Any]] | None, report: dict[str, Any] | None) -> str:
    """The rules to edit: the declared ones, else those the last report ran (the defaults)."""
    keys = ("kind", "params", "weight", "name")
    rules = (
        declared
        if declared is not None
        else [{k: r[k] for k in keys if k in r} for r in (report or {}).get("results", [])]
    )
    return json.dumps(rules, ensure_ascii=False, indent=2)


def _quality_page(
    request: Request,
    console: Console,
    code: str,
    *,
    done: str = "",
    error: str = "",
    rules_text: str | None = None,
    status: int = 200,
) -> Response:
    require_sign_in(console)
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, console.actor, code)
        record = quality.latest_report(uow, res)
        report = json.loads(record.report) if record else None
        declared = quality.declared_rules(uow, res)
        context = {
            "record": record,
            "report": report,
            "declared": declared is not None,
            "rules_text": _rules_text(declared, report) if rules_text is None else rules_text,
        }
        return render_resource(
            request,
            console,
            res,
            "tab.quality",
            "classify/quality.html",
            context,
            done=done,
            error=error,
            status=status,
        )


@router.get("/catalog/{code}/quality")
def quality_tab(request: Request, console: ConsoleDep, code: str, done: str = "") -> Response:
    return _quality_page(request, console, code, done=done)


def _parse_rules(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        problem = f"{e.msg} (line {e.lineno}, column {e.colno})"
        raise Invalid(
            translate("quality.bad_json", "zh", problem=problem), translate("quality.bad_json", "en", problem=problem)
        ) from e


@router.post("/catalog/{code}/quality/rules")
def set_rules(request: Request, console: CheckedDep, code: str, rules: Annotated[str, Form()] = "") -> Response:
    """The provider declares the quality rules as JSON; the current version is checked against them at once."""
    try:
        data = _parse_rules(rules)
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            version = catalog.current_version(uow, console.actor, code)
            quality.set_rules(uow, console.actor, res, data, version)
    except GongshuError as err:
        return _quality_page(
            request, console, code, error=console.message(err), rules_text=rules, status=status_for(err)
        )
    return RedirectResponse(tab_url(code, "tab.quality", "rules"), status_code=303)


# -- 脱敏与开放 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepForm:
    """One row of the plan form: an item, its operator (or keep / drop) and the parameters as typed."""

    column: str
    operator: str = KEEP
    params: str = ""


@dataclass(frozen=True)
class PlanForm:
    steps: list[StepForm]
    quasi_identifiers: list[str] = field(default_factory=list)
    sensitive: str = ""

    def plan(self) -> Plan:
        """The plan the rows describe; a row's parameters must be a JSON object (empty: the defaults)."""
        steps = [
            {"column": s.column, "operator": s.operator, "params": _params(s)}
            for s in self.steps
            if s.operator not in (KEEP, DROP)
        ]
        return Plan.from_json({"steps": steps, "drop": [s.column for s in self.steps if s.operator == DROP]})


def _params(step: StepForm) -> Any:
    if not step.params.strip():
        return {}
    try:
        params = json.loads(step.params)
    except json.JSONDecodeError:
        params = None
    if not isinstance(params, dict):
        raise Invalid(
            translate("desens.bad_params", "zh", column=step.column),
            translate("desens.bad_params", "en", column=step.column),
        )
    return params


def _suggested_form(plan: Plan, items: list[str]) -> PlanForm:
    """The form as first shown: the default rule's operator on every protected item, the rest kept."""
    by_column = {s.column: s for s in plan.steps}
    steps = []
    for name in items:
        step = by_column.get(name)
        params = json.dumps(step.params, ensure_ascii=False) if step and step.params else ""
        steps.append(StepForm(name, step.operator if step else KEEP, params))
    return PlanForm(steps)


@dataclass(frozen=True)
class Derived:
    """A desensitized version as the table shows it."""

    number: int
    derived_from: int | None
    created_at: Any
    rows: int
    k: int | None
    l: int | None  # noqa: E741 — l-diversity
    quasi_identifiers: list[str]
    sensitive: str | None
    plan: str
    openable: bool


def _derived(versions: list[Any]) -> list[Derived]:
    found = []
    for v in versions:
        if v.kind != "desensitized":
            continue
        anon = json.loads(v.anonymity) if v.anonymity else {}
        found.append(
            Derived(
                v.number,
                v.derived_from,
                v.created_at,
                v.rows,
                v.k,
                anon.get("l"),
                anon.get("quasi_identifiers", []),
                anon.get("sensitive"),
                v.plan,
                v.openable,
            )
        )
    return found


def _desensitization_page(
    request: Request,
    console: Console,
    code: str,
    *,
    done: str = "",
    error: str = "",
    form: PlanForm | None = None,
    status: int = 200,
) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, actor, code)
        items = [i.name for i in res.items]
        context = {
            "derived": _derived(catalog.versions(uow, actor, code)),
            "grades": classification.effective_grades(uow, res),
            "form": form or _suggested_form(sharing.default_plan(uow, res, items), items),
            "operators": OPERATORS,
            "k_min": uow.settings.k_min,
        }
        return render_resource(
            request,
            console,
            res,
            "tab.desensitization",
            "classify/desensitization.html",
            context,
            done=done,
            error=error,
            status=status,
        )


@router.get("/catalog/{code}/desensitization")
def desensitization_tab(request: Request, console: ConsoleDep, code: str, done: str = "") -> Response:
    return _desensitization_page(request, console, code, done=done)


def _plan_form(columns: list[str], operators: list[str], params: list[str], qi: list[str], sensitive: str) -> PlanForm:
    if not (len(columns) == len(operators) == len(params)):
        raise Invalid(translate("desens.mismatch", "zh"), translate("desens.mismatch", "en"))
    steps = [StepForm(c, o, p) for c, o, p in zip(columns, operators, params, strict=True)]
    return PlanForm(steps, qi, sensitive)


@router.post("/catalog/{code}/desensitize")
def desensitize(
    request: Request,
    console: CheckedDep,
    code: str,
    column: Annotated[list[str], Form()] = [],  # noqa: B006 — FastAPI copies form defaults
    operator: Annotated[list[str], Form()] = [],  # noqa: B006
    params: Annotated[list[str], Form()] = [],  # noqa: B006
    qi: Annotated[list[str], Form()] = [],  # noqa: B006
    sensitive: Annotated[str, Form()] = "",
) -> Response:
    """Apply the plan built on the page to the current version; k (and l) are measured on the result."""
    form: PlanForm | None = None
    try:
        form = _plan_form(column, operator, params, qi, sensitive)
        plan = form.plan()
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            desensitization.desensitize(
                uow, console.actor, res, plan, quasi_identifiers=form.quasi_identifiers, sensitive=sensitive or None
            )
    except GongshuError as err:
        return _desensitization_page(
            request, console, code, error=console.message(err), form=form, status=status_for(err)
        )
    return RedirectResponse(tab_url(code, "tab.desensitization", "derived"), status_code=303)


@router.post("/catalog/{code}/versions/{number}/openable")
def mark_openable(
    request: Request, console: CheckedDep, code: str, number: int, openable: Annotated[bool, Form()] = True
) -> Response:
    """Mark a derived version 可开放 (refused while k is too small or a protected item is untouched), or withdraw."""
    try:
        with platform_of(request).uow(write=True) as uow:
            res = catalog.get_resource(uow, console.actor, code)
            desensitization.mark_openable(uow, console.actor, res, number, openable)
    except GongshuError as err:
        return _desensitization_page(request, console, code, error=console.message(err), status=status_for(err))
    return RedirectResponse(tab_url(code, "tab.desensitization", "openable" if openable else "withdrawn"), 303)
