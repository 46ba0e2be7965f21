"""The open data portal (开放数据), for anyone: the open catalog with search, downloads of 无条件开放 data,
and the way to apply for 有条件开放 data."""

from __future__ import annotations

from math import ceil
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.responses import FileResponse
from starlette.responses import Response

from gongshu.catalog import opendata
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import ConsoleDep, platform_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 20
MAX_PAGE = 10_000


def _url(q: str, page: int) -> str:
    params = {k: v for k, v in (("q", q), ("page", str(page) if page > 1 else "")) if v}
    return "/open" + (f"?{urlencode(params)}" if params else "")


@router.get("/open")
def portal(request: Request, console: ConsoleDep, q: str = "", page: int = 1) -> Response:
    q, page = q.strip()[:200], min(max(page, 1), MAX_PAGE)
    with platform_of(request).uow() as uow:
        found, total = opendata.catalog(uow, q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        entries = [opendata.entry(uow, r) for r in found]
    pages = max(1, ceil(total / PAGE_SIZE))
    context = {
        "q": q,
        "entries": entries,
        "total": total,
        "page": page,
        "pages": pages,
        "prev_url": _url(q, page - 1) if page > 1 else "",
        "next_url": _url(q, page + 1) if page < pages else "",
    }
    return render(request, console, "opendata/portal.html", context)


@router.get("/open/{code}/download")
def download(
    request: Request,
    console: ConsoleDep,
    code: str,
    background: BackgroundTasks,
    fmt: Annotated[Literal["csv", "json", "parquet"], Query(alias="format")] = "csv",
) -> Response:
    """Stream the open version as CSV, JSON or Parquet; the temporary file is deleted once sent."""
    with platform_of(request).uow(write=True) as uow:
        out = opendata.download(uow, console.actor, code, fmt)
    background.add_task(out.path.unlink, missing_ok=True)
    return FileResponse(out.path, media_type=out.media_type, filename=out.filename, background=background)
