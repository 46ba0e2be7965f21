"""Console sign-in and sign-out (session cookie, login CSRF by double submit) and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from gongshu.api.deps import SESSION_COOKIE
from gongshu.api.errors import status_for
from gongshu.errors import NotAuthenticated, TooManyRequests
from gongshu.identity.services import sign_in, sign_out
from gongshu.web.i18n import LANG_COOKIE, pick_lang
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import (
    LOGIN_CSRF_COOKIE,
    YEAR,
    CheckedDep,
    Console,
    ConsoleDep,
    client_ip,
    is_secure,
    new_token,
    platform_of,
    safe_next,
    same_token,
    set_cookie,
)

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def _login_page(
    request: Request, console: Console, *, next_path: str, username: str = "", error: str = "", status: int = 200
) -> Response:
    token = new_token()  # double submit: the same random value in a cookie and in the form
    context = {"next": next_path, "username": username, "error": error, "login_csrf": token}
    response = render(request, console, "auth/login.html", context, status)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login")
    return response


@router.get("/login")
def login_form(request: Request, console: ConsoleDep, next: str = "/") -> Response:
    if console.actor.signed_in:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, console, next_path=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    console: ConsoleDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    target = safe_next(next_path)
    if not same_token(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
        return _login_page(
            request, console, next_path=target, username=username, error=console.t("login.expired"), status=403
        )
    try:
        with platform_of(request).uow(write=True) as uow:
            signed = sign_in(uow, username=username, password=password, ip=client_ip(request))
    except (NotAuthenticated, TooManyRequests) as err:
        return _login_page(
            request, console, next_path=target, username=username, error=console.message(err), status=status_for(err)
        )
    response = RedirectResponse(target, status_code=303)
    hours = platform_of(request).settings.session_hours
    set_cookie(response, request, SESSION_COOKIE, signed.session_token, max_age=hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login", secure=is_secure(request), httponly=True, samesite="lax")
    return response


@router.post("/logout")
def logout(request: Request, console: CheckedDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with platform_of(request).uow(write=True) as uow:
            sign_out(uow, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=is_secure(request), httponly=True, samesite="lax")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, request, LANG_COOKIE, pick_lang(code), max_age=YEAR)
    return response
