"""Who a console request comes from: the session cookie, its CSRF token, the language; safe redirects."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from gongshu.api.deps import SESSION_COOKIE
from gongshu.errors import GongshuError, NotAuthenticated, PermissionDenied
from gongshu.identity import PUBLIC, Actor
from gongshu.identity.services import resolve_session
from gongshu.platform import Platform
from gongshu.web.i18n import LANG_COOKIE, label, pick_lang, translate

LOGIN_CSRF_COOKIE = "gongshu_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Console:
    """The actor, the session's CSRF token ("" when nobody is signed in) and the chosen language."""

    actor: Actor
    lang: str
    csrf: str = ""

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.lang, **values)

    def label(self, kind: str, value: str) -> str:
        return label(kind, value, self.lang)

    def message(self, err: GongshuError) -> str:
        return err.message(self.lang)


class CsrfRejected(PermissionDenied):
    """An unsafe console request without the session's CSRF token: refused before anything runs."""

    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__(translate("error.csrf", "zh"), translate("error.csrf", "en"))


def platform_of(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def load_console(request: Request) -> Console:
    """Resolve the session cookie (a read unit of work) and remember the result on the request."""
    lang = pick_lang(request.cookies.get(LANG_COOKIE))
    with platform_of(request).uow() as uow:
        found = resolve_session(uow, request.cookies.get(SESSION_COOKIE))
    console = Console(PUBLIC, lang) if found is None else Console(found[0], lang, found[1])
    request.state.console = console
    return console


def console_actor(request: Request) -> Console:
    """Dependency: the console view of the request (anonymous requests get the public actor)."""
    return load_console(request)


ConsoleDep = Annotated[Console, Depends(console_actor)]


def same_token(sent: object, expected: str) -> bool:
    if not expected or not isinstance(sent, str):
        return False
    return hmac.compare_digest(sent.encode(), expected.encode())


async def csrf_checked(request: Request, console: ConsoleDep) -> Console:
    """Dependency for unsafe requests: the CSRF token must come as ``X-CSRF-Token`` or form field."""
    if request.method not in SAFE_METHODS:
        sent: object = request.headers.get("x-csrf-token")
        if sent is None:
            sent = (await request.form()).get("csrf_token")
        if not same_token(sent, console.csrf):
            raise CsrfRejected()
    return console


CheckedDep = Annotated[Console, Depends(csrf_checked)]


def require_sign_in(console: Console) -> Actor:
    """The signed-in actor; anonymous requests are sent to the login page by the console route."""
    if not console.actor.signed_in:
        raise NotAuthenticated("请先登录", "please sign in first")
    return console.actor


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to; anything that could leave the site (//host, http:, \\) gives ``default``."""
    if not value or any(ch in value for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value


def is_secure(request: Request) -> bool:
    return request.url.scheme == "https" or platform_of(request).settings.cookie_secure


def set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int, path: str = "/") -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=path, httponly=True, samesite="lax", secure=is_secure(request)
    )


def new_token() -> str:
    return secrets.token_urlsafe(24)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
