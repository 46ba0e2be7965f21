"""The 授权申请 form (一场景一申请): a new application, or a draft or returned one edited into its next version.
Chosen resources show their information items as checkboxes rendered on the server: the picker adds one
through an HTMX fragment, or through a plain round trip of the form when script is off. 保存草稿 keeps
whatever is filled in; 提交申请 saves, then submits, and lists what is missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.api.uploads import received
from gongshu.catalog import services as catalog
from gongshu.errors import GongshuError, NotFound, PermissionDenied
from gongshu.grants import applications
from gongshu.grants.applications import ApplicationView
from gongshu.grants.errors import IncompleteApplication
from gongshu.grants.models import Review
from gongshu.grants.states import ApplicationStatus
from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES, SCENARIO_DOMAINS
from gongshu.identity import Actor, Role
from gongshu.platform import UnitOfWork
from gongshu.web.i18n import translate
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in
from gongshu.web.views import CHINA

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

SEP = "|"  # an item checkbox's value is "CODE|item": resource codes never hold "|", item names come after it
PICKER_SIZE = 200  # resources offered in the picker; the catalog's "申请授权" button reaches the rest
EDITABLE = (ApplicationStatus.DRAFT.value, ApplicationStatus.RETURNED.value)


@dataclass(frozen=True)
class ApplicationForm:
    """What the form holds, as typed: it goes back to the page unchanged when something is wrong."""

    scenario: str = ""
    description: str = ""
    domain: str = ""
    purpose: str = ""
    resources: tuple[str, ...] = ()  # codes, in the order chosen
    items: tuple[str, ...] = ()  # "CODE|item" of the ticked items
    start: str = ""
    end: str = ""
    output_kinds: tuple[str, ...] = ()
    security_measures: str = ""

    @classmethod
    def of(cls, content: Mapping[str, Any]) -> ApplicationForm:
        """The form showing a stored version's content."""
        chosen = [r for r in content.get("resources") or [] if isinstance(r, dict)]
        return cls(
            scenario=str(content.get("scenario") or ""),
            description=str(content.get("description") or ""),
            domain=str(content.get("domain") or ""),
            purpose=str(content.get("purpose") or ""),
            resources=tuple(str(r.get("code", "")) for r in chosen),
            items=tuple(f"{r.get('code')}{SEP}{i}" for r in chosen for i in r.get("items") or []),
            start=str(content.get("start") or ""),
            end=str(content.get("end") or ""),
            output_kinds=tuple(str(k) for k in content.get("output_kinds") or []),
            security_measures=str(content.get("security_measures") or ""),
        )

    def checked(self, code: str) -> list[str]:
        return [i.split(SEP, 1)[1] for i in self.items if i.startswith(code + SEP)]

    def content(self) -> dict[str, Any]:
        """The application content the grants services take."""
        return {
            "scenario": self.scenario.strip(),
            "description": self.description.strip(),
            "domain": self.domain,
            "purpose": self.purpose,
            "resources": [{"code": code, "items": self.checked(code)} for code in self.resources],
            "start": self.start.strip(),
            "end": self.end.strip(),
            "output_kinds": list(self.output_kinds),
            "security_measures": self.security_measures.strip(),
        }

    def adding(self, code: str) -> ApplicationForm:
        code = code.strip()
        return self if not code or code in self.resources else replace(self, resources=(*self.resources, code))

    def removing(self, code: str) -> ApplicationForm:
        return replace(
            self,
            resources=tuple(c for c in self.resources if c != code),
            items=tuple(i for i in self.items if not i.startswith(code + SEP)),
        )


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def posted_form(
    scenario: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    domain: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    resources: Annotated[list[str], Form()] = [],  # noqa: B006 — FastAPI copies form defaults
    items: Annotated[list[str], Form()] = [],  # noqa: B006
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
    output_kinds: Annotated[list[str], Form()] = [],  # noqa: B006
    security_measures: Annotated[str, Form()] = "",
) -> ApplicationForm:
    codes = _unique([c.strip() for c in resources])
    ticked = _unique([i for i in items if i.split(SEP, 1)[0] in codes])
    return ApplicationForm(
        scenario, description, domain, purpose, codes, ticked, start, end, _unique(output_kinds), security_measures
    )


PostedForm = Annotated[ApplicationForm, Depends(posted_form)]


@dataclass(frozen=True)
class Choice:
    """A chosen resource with its items to tick."""

    code: str
    title: str  # "" when the catalog has no such resource (any more)
    provider: str
    items: list[str]  # every item of the resource (the ticked ones when it is missing)
    checked: list[str]


def choice(uow: UnitOfWork, actor: Actor, code: str, checked: list[str]) -> Choice:
    try:
        res = catalog.get_resource(uow, actor, code)
    except NotFound:
        return Choice(code, "", "", checked, checked)
    return Choice(res.code, res.title, res.provider.name, [i.name for i in res.items], checked)


def _options(uow: UnitOfWork, actor: Actor) -> tuple[list[tuple[str, list[tuple[str, str]]]], bool]:
    """The picker's resources grouped by provider, and whether the catalog holds more than it offers."""
    found, total = catalog.search(uow, actor, "", limit=PICKER_SIZE)
    groups: dict[str, list[tuple[str, str]]] = {}
    for res in sorted(found, key=lambda r: (r.provider.name, r.title)):
        groups.setdefault(res.provider.name, []).append((res.code, res.title))
    return list(groups.items()), total > len(found)


def _returned_reviews(view: ApplicationView | None) -> list[Review]:
    """The reviewers' comments of the round that returned the application."""
    if view is None or view.application.status != ApplicationStatus.RETURNED:
        return []
    decided = [r for r in view.reviews if r.decision != "pending"]
    last = max((r.version for r in decided), default=0)
    return [r for r in decided if r.version == last and r.comment]


def problems_of(console: Console, err: IncompleteApplication) -> list[str]:
    """The missing pieces an incomplete application was refused for, one per line."""
    return [p.strip() for p in console.message(err).replace("; ", "；").split("；") if p.strip()]


def form_page(
    request: Request,
    console: Console,
    form: ApplicationForm,
    *,
    number: str = "",
    done: str = "",
    error: str = "",
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    actor = require_sign_in(console)
    with platform_of(request).uow() as uow:
        view = applications.view(uow, actor, number) if number else None
        options, more = _options(uow, actor)
        context = {
            "form": form,
            "number": number,
            "view": view,
            "choices": [choice(uow, actor, code, form.checked(code)) for code in form.resources],
            "options": options,
            "more": more,
            "domains": SCENARIO_DOMAINS,
            "purposes": PURPOSES,
            "outputs": OUTPUT_KINDS,
            "returned": _returned_reviews(view),
            "next_version": view.version + 1 if view and view.frozen else 0,
            "max_years": uow.settings.agreement_max_years,
            "max_mb": uow.settings.max_attachment_mb,
            "done": "done.apl_saved" if done == "saved" else "",
            "error": error,
            "problems": problems or [],
        }
        return render(request, console, "applications/form.html", context, status)


def _check_applicant(console: Console) -> Actor:
    actor = require_sign_in(console)
    if actor.role is not Role.DEVELOPER:
        raise PermissionDenied(translate("apl.developers_only", "zh"), translate("apl.developers_only", "en"))
    return actor


def _picked(form: ApplicationForm, action: str, add: str) -> ApplicationForm | None:
    """The form after the picker's add or remove (a round trip that saves nothing), else None."""
    if action == "add":
        return form.adding(add)
    if action.startswith("remove:"):
        return form.removing(action.removeprefix("remove:"))
    return None


def _saved(
    request: Request, console: Console, number: str, form: ApplicationForm, file: UploadFile | None, *, submit: bool
) -> Response:
    """After the draft is stored: keep the qualification document, submit if asked, go on."""
    platform = platform_of(request)
    try:
        if file is not None and file.filename:
            limit = platform.settings.max_attachment_mb + 1  # the service gives the exact message
            with received(file, platform.settings.tmp_dir, limit) as (path, name), platform.uow(write=True) as uow:
                applications.add_attachment(uow, console.actor, number, path, name)
        if submit:
            with platform.uow(write=True) as uow:
                applications.submit(uow, console.actor, number)
    except IncompleteApplication as err:
        return form_page(request, console, form, number=number, problems=problems_of(console, err), status=422)
    except GongshuError as err:
        return form_page(request, console, form, number=number, error=console.message(err), status=status_for(err))
    if submit:
        return RedirectResponse(f"/applications/{quote(number)}?done=submitted", status_code=303)
    return RedirectResponse(f"/applications/{quote(number)}/edit?done=saved", status_code=303)


@router.get("/applications/new")
def new_form(request: Request, console: ConsoleDep, add: str = "") -> Response:
    """The empty form; ``?add=CODE`` starts it with that resource (the catalog's 申请授权 button)."""
    _check_applicant(console)
    today = platform_of(request).clock.now().astimezone(CHINA).date()
    return form_page(request, console, ApplicationForm(start=today.isoformat()).adding(add))


@router.post("/applications/new")
def create(
    request: Request,
    console: CheckedDep,
    form: PostedForm,
    action: Annotated[str, Form()] = "save",
    add: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    actor = _check_applicant(console)
    picked = _picked(form, action, add)
    if picked is not None:
        return form_page(request, console, picked)
    try:
        with platform_of(request).uow(write=True) as uow:
            number = applications.create_draft(uow, actor, form.content()).number
    except GongshuError as err:
        return form_page(request, console, form, error=console.message(err), status=status_for(err))
    return _saved(request, console, number, form, file, submit=action == "submit")


@router.get("/applications/items")
def items_fragment(
    request: Request,
    console: ConsoleDep,
    add: str = "",
    resources: Annotated[list[str], Query()] = [],  # noqa: B006 — FastAPI copies query defaults
) -> Response:
    """HTMX: the block of one more chosen resource with its item checkboxes (nothing if already chosen)."""
    actor = require_sign_in(console)
    code = add.strip()
    if not code or code in resources:
        return Response(status_code=204)
    with platform_of(request).uow() as uow:
        picked = choice(uow, actor, code, [])
    return render(request, console, "applications/_choice.html", {"choice": picked})


@router.get("/applications/{number}/edit")
def edit_form(request: Request, console: ConsoleDep, number: str, done: str = "") -> Response:
    actor = _check_applicant(console)
    with platform_of(request).uow() as uow:
        view = applications.view(uow, actor, number)
    app = view.application
    if app.org_id != actor.org_id or app.status not in EDITABLE:
        return RedirectResponse(f"/applications/{quote(number)}", status_code=303)
    return form_page(request, console, ApplicationForm.of(view.content), number=number, done=done)


@router.post("/applications/{number}/edit")
def edit(
    request: Request,
    console: CheckedDep,
    number: str,
    form: PostedForm,
    action: Annotated[str, Form()] = "save",
    add: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Save the draft (a returned application gets its next version), then upload and submit as asked."""
    actor = _check_applicant(console)
    picked = _picked(form, action, add)
    if picked is not None:
        return form_page(request, console, picked, number=number)
    try:
        with platform_of(request).uow(write=True) as uow:
            applications.update_draft(uow, actor, number, form.content())
    except GongshuError as err:
        return form_page(request, console, form, number=number, error=console.message(err), status=status_for(err))
    return _saved(request, console, number, form, file, submit=action == "submit")
