"""The server-rendered console: Chinese first with English, HTMX and ECharts served locally."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gongshu.web.rendering import http_error_page
from gongshu.web.routes import (
    admin,
    agreements,
    application_form,
    applications,
    auth,
    catalog,
    classify,
    disclosure,
    home,
    ledger,
    objections,
    opendata,
    sandbox,
    sharing,
)

STATIC = Path(__file__).parent / "static"
NOT_CONSOLE = ("/api/", "/static/")

__all__ = ["mount"]


def mount(app: FastAPI) -> None:
    """Serve ``/static`` and the console pages on ``app``; 404/405 on console paths get a page too."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routers = (auth, home, catalog, classify, objections, sharing, opendata, ledger, admin)
    # the form's /applications/new and /applications/items before /applications/{number}
    grants = (application_form, applications, agreements, disclosure)
    for module in (*routers, *grants, sandbox):
        app.include_router(module.router)
    previous = app.exception_handlers.get(HTTPException, http_exception_handler)

    async def _http_error(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if (
            isinstance(exc, HTTPException)
            and exc.status_code in (404, 405)
            and not (path == "/api" or path.startswith(NOT_CONSOLE))
        ):
            return await http_error_page(request, exc.status_code)
        response: Response = await previous(request, exc)  # type: ignore[misc]
        return response

    app.add_exception_handler(HTTPException, _http_error)
