"""Administration: organizations and users (bureau admins), and one's own API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.errors import GongshuError
from gongshu.identity import Permission, check
from gongshu.identity.roles import ORG_KINDS
from gongshu.identity.services import (
    add_user,
    create_org,
    create_token,
    list_orgs,
    list_tokens,
    list_users,
    revoke_token,
)
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import CheckedDep, Console, ConsoleDep, platform_of, require_sign_in

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

DONE = {"org": "admin.done_org", "user": "admin.done_user"}


def _admin_page(
    request: Request,
    console: Console,
    *,
    done: str = "",
    error: str = "",
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    check(console.actor, Permission.ORG_MANAGE)
    with platform_of(request).uow() as uow:
        orgs = list_orgs(uow, console.actor)
        users = list_users(uow, console.actor)
        context = {
            "orgs": orgs,
            "users": users,
            "kinds": [k.value for k in ORG_KINDS],
            "error": error,
            "done": DONE.get(done, ""),
            "form": form or {},
        }
        return render(request, console, "admin/index.html", context, status)


@router.get("/admin")
def admin_page(request: Request, console: ConsoleDep, done: str = "") -> Response:
    return _admin_page(request, console, done=done)


@router.post("/admin/orgs")
def add_org(
    request: Request,
    console: CheckedDep,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> Response:
    check(console.actor, Permission.ORG_MANAGE)
    try:
        with platform_of(request).uow(write=True) as uow:
            create_org(uow, console.actor, code=code.strip(), name=name, kind=kind)
    except GongshuError as err:
        form = {"org_code": code, "org_name": name, "org_kind": kind}
        return _admin_page(request, console, error=console.message(err), form=form, status=status_for(err))
    return RedirectResponse("/admin?done=org", status_code=303)


@router.post("/admin/users")
def add_user_(
    request: Request,
    console: CheckedDep,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    org: Annotated[str, Form()] = "",
    is_admin: Annotated[bool, Form()] = False,
) -> Response:
    check(console.actor, Permission.ORG_MANAGE)
    try:
        with platform_of(request).uow(write=True) as uow:
            add_user(
                uow,
                console.actor,
                username=username.strip(),
                password=password,
                org_code=org,
                display_name=display_name.strip(),
                is_admin=is_admin,
            )
    except GongshuError as err:
        form = {"username": username, "display_name": display_name, "org": org}
        return _admin_page(request, console, error=console.message(err), form=form, status=status_for(err))
    return RedirectResponse("/admin?done=user#users", status_code=303)


# -- API tokens ------------------------------------------------------------------------------


def _tokens_page(
    request: Request, console: Console, *, created: str = "", error: str = "", status: int = 200
) -> Response:
    require_sign_in(console)
    with platform_of(request).uow() as uow:
        tokens = list_tokens(uow, console.actor)
        return render(
            request, console, "admin/tokens.html", {"tokens": tokens, "created": created, "error": error}, status
        )


@router.get("/tokens")
def tokens_page(request: Request, console: ConsoleDep) -> Response:
    return _tokens_page(request, console)


@router.post("/tokens")
def new_token(
    request: Request,
    console: CheckedDep,
    name: Annotated[str, Form()] = "",
    days: Annotated[int, Form(ge=1, le=3650)] = 365,
) -> Response:
    """Create a token and show its text once, on this response only (it is stored as a hash)."""
    try:
        with platform_of(request).uow(write=True) as uow:
            _, text = create_token(uow, console.actor, username=console.actor.username, name=name, days=days)
    except GongshuError as err:
        return _tokens_page(request, console, error=console.message(err), status=status_for(err))
    response = _tokens_page(request, console, created=text)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, console: CheckedDep, token_id: int) -> Response:
    with platform_of(request).uow(write=True) as uow:
        revoke_token(uow, console.actor, token_id)
    return RedirectResponse("/tokens", status_code=303)
