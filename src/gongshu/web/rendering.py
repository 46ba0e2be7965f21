"""Rendering console pages: the Jinja2 environment, the one error page, and the console route class."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gongshu.api.errors import status_for
from gongshu.errors import GongshuError, NotAuthenticated
from gongshu.web.i18n import action_label
from gongshu.web.navigation import active_href, nav_links
from gongshu.web.session import SAFE_METHODS, Console, load_console
from gongshu.web.views import CHINA, file_size, percent, period, plan_rows

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def localtime(value: datetime | str | None, seconds: bool = False) -> str:
    """A UTC time (aware datetime or ISO text) shown as Beijing time: 2026-11-22 17:00."""
    if value is None or value == "":
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def thousands(value: int) -> str:
    return f"{value:,}"


templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["localtime"] = localtime
templates.env.filters["thousands"] = thousands
templates.env.filters["percent"] = percent
templates.env.filters["plan_rows"] = plan_rows
templates.env.filters["period"] = period
templates.env.filters["file_size"] = file_size
templates.env.globals["action_label"] = action_label


def render(
    request: Request, console: Console, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """Render ``name`` with the console's actor, language, CSRF token and navigation."""
    links = nav_links(console.actor)
    page = {
        "c": console,
        "actor": console.actor,
        "lang": console.lang,
        "t": console.t,
        "label": console.label,
        "csrf": console.csrf,
        "nav": links,
        "active": active_href(links, request.url.path),
        "here": _here(request),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, page, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _here(request: Request) -> str:
    """The current path and query, for "come back here" links (language switch, login)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render_error(request: Request, console: Console, message: str, status: int) -> HTMLResponse:
    return render(request, console, "error.html", {"message": message, "status": status}, status)


def error_page(request: Request, console: Console, err: GongshuError) -> HTMLResponse:
    """The error page for a domain error, in the user's language, with the status from the API's table."""
    return render_error(request, console, console.message(err), status_for(err))


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(_here(request), safe='/')}", status_code=303)


async def console_of(request: Request) -> Console:
    console = getattr(request.state, "console", None)
    return console if isinstance(console, Console) else await run_in_threadpool(load_console, request)


class ConsoleRoute(APIRoute):
    """A console route: domain errors become the error page (not the API's JSON), and pages that
    need a signed-in user send anonymous visitors to the login page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def console_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except GongshuError as err:
                console = await console_of(request)
                if isinstance(err, NotAuthenticated) and request.method in SAFE_METHODS and not console.actor.signed_in:
                    return login_redirect(request)
                return error_page(request, console, err)
            except RequestValidationError as err:
                console = await console_of(request)
                fields = ", ".join(sorted({str(e.get("loc", ("",))[-1]) for e in err.errors()}))
                return render_error(request, console, console.t("error.invalid_request", fields=fields), 422)
            except HTTPException:
                raise
            except Exception as err:  # never show a library's text to the user; the log has it
                return await internal_error_page(request, err)

        return console_handler


async def http_error_page(request: Request, status: int) -> HTMLResponse:
    """404/405 and the like on console paths, as a page rather than JSON."""
    console = await console_of(request)
    key = {404: "error.not_found", 405: "error.method"}.get(status, "error.request")
    return render_error(request, console, console.t(key), status)


async def internal_error_page(request: Request, err: Exception) -> HTMLResponse:
    log.error("console request %s %s failed", request.method, request.url.path, exc_info=err)
    console = await console_of(request)
    return render_error(request, console, console.t("error.internal"), 500)
