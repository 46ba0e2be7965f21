"""Catalog pages: the 资源目录 with search-as-you-type, a resource's detail (and the tab layout its other
pages share), publishing and new versions, 一数一源 conflicts."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from math import ceil
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.api.uploads import received
from gongshu.catalog import policy, sharing
from gongshu.catalog import services as catalog
from gongshu.catalog.attributes import DOMAINS, OpenAttr, ShareAttr, UpdateCycle
from gongshu.catalog.models import Resource
from gongshu.errors import GongshuError, Invalid
from gongshu.identity import Actor, Permission, Role, check, check_same_org
from gongshu.identity.services import list_orgs
from gongshu.web.i18n import translate
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 20
MAX_PAGE = 10_000
ITEM_SEPARATORS = re.compile(r"[,，、;；\n]+")
VOCABULARY = {
    "domains": DOMAINS,
    "shares": [s.value for s in ShareAttr],
    "opens": [o.value for o in OpenAttr],
    "cycles": [c.value for c in UpdateCycle],
}


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    provider: str = ""
    domain: str = ""
    share: str = ""
    open: str = ""

    def filters(self) -> catalog.Filters:
        return catalog.Filters(self.provider or None, self.domain or None, self.share or None, self.open or None)

    def url(self, path: str = "/catalog", page: int = 1) -> str:
        params = {k: v for k, v in asdict(self).items() if v}
        if page > 1:
            params["page"] = str(page)
        return path + (f"?{urlencode(params)}" if params else "")


def _search_form(q: str, provider: str, domain: str, share: str, open_: str) -> SearchForm:
    return SearchForm(q.strip()[:200], provider.strip(), domain.strip(), share.strip(), open_.strip())


def _results(request: Request, console: Console, form: SearchForm, page: int) -> dict[str, Any]:
    page = min(max(page, 1), MAX_PAGE)
    with platform_of(request).uow() as uow:
        found, total = catalog.search(
            uow, console.actor, form.q, form.filters(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        now = uow.clock.now()
        rows = [(r, catalog.is_overdue(r, now), r.provider.name) for r in found]
    return {"form": form, "rows": rows, "total": total, "page": page, "pages": max(1, ceil(total / PAGE_SIZE))}


@router.get("/catalog")
def catalog_page(
    request: Request,
    console: ConsoleDep,
    q: str = "",
    provider: str = "",
    domain: str = "",
    share: str = "",
    open_: Annotated[str, Query(alias="open")] = "",
    page: int = 1,
) -> Response:
    form = _search_form(q, provider, domain, share, open_)
    context = _results(request, console, form, page)
    if console.actor.signed_in:
        with platform_of(request).uow() as uow:
            context["providers"] = [(o.code, o.name) for o in list_orgs(uow, console.actor, "provider")]
    return render(request, console, "catalog/list.html", {**context, **VOCABULARY})


@router.get("/catalog/results")
def catalog_results(
    request: Request,
    console: ConsoleDep,
    q: str = "",
    provider: str = "",
    domain: str = "",
    share: str = "",
    open_: Annotated[str, Query(alias="open")] = "",
    page: int = 1,
) -> Response:
    """The results fragment HTMX swaps in while the user types; the address bar follows the search."""
    form = _search_form(q, provider, domain, share, open_)
    response = render(request, console, "catalog/_results.html", _results(request, console, form, page))
    response.headers["HX-Replace-Url"] = form.url(page=page)
    return response


@router.get("/catalog/conflicts")
def conflicts(request: Request, console: ConsoleDep) -> Response:
    with platform_of(request).uow() as uow:
        found = catalog.source_conflicts(uow, console.actor)
    return render(request, console, "catalog/conflicts.html", {"conflicts": found})


# -- publishing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishForm:
    title: str = ""
    summary: str = ""
    domain: str = "其他"
    share: str = ShareAttr.CONDITIONAL.value
    share_condition: str = ""
    open: str = OpenAttr.NONE.value
    update_cycle: str = UpdateCycle.IRREGULAR.value
    authoritative: str = ""

    def meta(self) -> catalog.ResourceMeta:
        names = [n.strip() for n in ITEM_SEPARATORS.split(self.authoritative) if n.strip()]
        return catalog.ResourceMeta(
            title=self.title,
            summary=self.summary,
            domain=self.domain,
            share=self.share,
            share_condition=self.share_condition,
            open=self.open,
            update_cycle=self.update_cycle,
            items={n: catalog.ItemMeta("", True) for n in names},
        )


def _publish_page(
    request: Request, console: Console, form: PublishForm, error: str = "", status: int = 200
) -> Response:
    return render(request, console, "catalog/new.html", {"form": form, "error": error, **VOCABULARY}, status)


def _require_file(upload: UploadFile | None) -> UploadFile:
    if upload is None or not upload.filename:
        raise Invalid(translate("error.no_file", "zh"), translate("error.no_file", "en"))
    return upload


@router.get("/catalog/new")
def publish_form(request: Request, console: ConsoleDep) -> Response:
    check(console.actor, Permission.RESOURCE_PUBLISH)
    return _publish_page(request, console, PublishForm())


@router.post("/catalog/new")
def publish(
    request: Request,
    console: CheckedDep,
    file: Annotated[UploadFile | None, File()] = None,
    title: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    domain: Annotated[str, Form()] = "其他",
    share: Annotated[str, Form()] = ShareAttr.CONDITIONAL.value,
    share_condition: Annotated[str, Form()] = "",
    open_: Annotated[str, Form(alias="open")] = OpenAttr.NONE.value,
    update_cycle: Annotated[str, Form()] = UpdateCycle.IRREGULAR.value,
    authoritative: Annotated[str, Form()] = "",
) -> Response:
    check(console.actor, Permission.RESOURCE_PUBLISH)
    form = PublishForm(title, summary, domain, share, share_condition, open_, update_cycle, authoritative)
    platform = platform_of(request)
    try:
        upload = _require_file(file)
        with (
            received(upload, platform.settings.tmp_dir, platform.settings.max_upload_mb) as (path, name),
            platform.uow(write=True) as uow,
        ):
            code = catalog.publish_resource(uow, console.actor, form.meta(), catalog.FileSource(path, name)).code
    except GongshuError as err:
        return _publish_page(request, console, form, console.message(err), status_for(err))
    return RedirectResponse(f"/catalog/{quote(code)}", status_code=303)


# -- one resource ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str  # i18n key of the label
    suffix: str  # appended to /catalog/{code}


TABS = (
    Tab("tab.overview", ""),
    Tab("tab.classification", "/classification"),
    Tab("tab.quality", "/quality"),
    Tab("tab.desensitization", "/desensitization"),
    Tab("tab.objections", "/objections"),
)
DONE = {
    "grade": "done.grade",
    "tag": "done.tag",
    "rescan": "done.rescan",
    "accept": "done.accept",
    "rules": "done.rules",
    "derived": "done.derived",
    "openable": "done.openable",
    "withdrawn": "done.withdrawn",
    "objection": "done.objection",
}


def owns(actor: Actor, res: Resource) -> bool:
    """Whether ``actor`` belongs to the provider of ``res`` (and may act for it)."""
    return policy.can_manage(actor, res)


def tab_url(code: str, tab: str, done: str = "") -> str:
    """The address of one of a resource's tabs, e.g. after a form on it succeeded."""
    suffix = next(t.suffix for t in TABS if t.key == tab)
    return f"/catalog/{quote(code)}{suffix}" + (f"?done={done}" if done else "")


def render_resource(
    request: Request,
    console: Console,
    res: Resource,
    tab: str,
    template: str,
    context: dict[str, Any],
    *,
    done: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    """One tab of a resource's page: its head, the tab bar, the outcome of the last form, then ``template``."""
    actor = console.actor
    page = {
        "res": res,
        "tabs": TABS,
        "tab": tab,
        "owner": owns(actor, res),
        "can_ask_share": sharing.can_request(actor, res, "share"),
        "can_ask_open": sharing.can_request(actor, res, "open"),
        "can_apply": actor.role is Role.DEVELOPER,  # 授权运营: a developer applies for data per scenario
        "done": DONE.get(done, ""),
        "error": error,
        **context,
    }
    return render(request, console, template, page, status)


@router.get("/catalog/{code}")
def detail(request: Request, console: ConsoleDep, code: str) -> Response:
    actor = console.actor
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, actor, code)
        context = {
            "versions": catalog.versions(uow, actor, code),
            "conflicts": catalog.conflicting_items(uow, actor, res),
            "overdue": catalog.is_overdue(res, uow.clock.now()),
        }
        return render_resource(request, console, res, "tab.overview", "catalog/detail.html", context)


def _version_page(request: Request, console: Console, code: str, error: str = "", status: int = 200) -> Response:
    actor = require_sign_in(console)
    check(actor, Permission.RESOURCE_PUBLISH)
    with platform_of(request).uow() as uow:
        res = catalog.get_resource(uow, actor, code)
        check_same_org(actor, res.provider_id, f"数据资源 {code}")
        return render(request, console, "catalog/version.html", {"res": res, "error": error}, status)


@router.get("/catalog/{code}/version")
def version_form(request: Request, console: ConsoleDep, code: str) -> Response:
    return _version_page(request, console, code)


@router.post("/catalog/{code}/version")
def add_version(
    request: Request, console: CheckedDep, code: str, file: Annotated[UploadFile | None, File()] = None
) -> Response:
    check(console.actor, Permission.RESOURCE_PUBLISH)
    platform = platform_of(request)
    try:
        upload = _require_file(file)
        with (
            received(upload, platform.settings.tmp_dir, platform.settings.max_upload_mb) as (path, name),
            platform.uow(write=True) as uow,
        ):
            catalog.add_version(uow, console.actor, code, catalog.FileSource(path, name))
    except GongshuError as err:
        return _version_page(request, console, code, console.message(err), status_for(err))
    return RedirectResponse(f"/catalog/{quote(code)}", status_code=303)
