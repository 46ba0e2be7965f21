"""授权公示, for anyone without signing in: every agreement in force and ended (who is authorized, which
scenario, which data in what scope, for how long, its status and fees) and the annual report of the
implementing body and the operators. Nothing confidential: the services leave out review comments,
qualification documents and signing keys."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from gongshu.grants import disclosure
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import ConsoleDep, platform_of
from gongshu.web.views import CHINA

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)

FIRST_YEAR = 2000  # reports are offered from the first year an agreement ran until this year


def _years(entries: list[dict[str, object]], this_year: int) -> list[int]:
    """This year back to the first year any disclosed agreement started, newest first."""
    starts = [int(str(e["start"])[:4]) for e in entries if str(e.get("start", ""))[:4].isdigit()]
    first = min(max(FIRST_YEAR, min(starts, default=this_year)), this_year)
    return list(range(this_year, first - 1, -1))


@router.get("/disclosure")
def public_list(request: Request, console: ConsoleDep) -> Response:
    with platform_of(request).uow() as uow:
        entries = disclosure.public_list(uow)
        this_year = uow.clock.now().astimezone(CHINA).year
    return render(request, console, "disclosure/list.html", {"entries": entries, "years": _years(entries, this_year)})


@router.get("/disclosure/{year}")
def annual_report(request: Request, console: ConsoleDep, year: int) -> Response:
    with platform_of(request).uow() as uow:
        this_year = uow.clock.now().astimezone(CHINA).year
        if not FIRST_YEAR <= year <= this_year:
            raise HTTPException(404)
        report = disclosure.annual_report(uow, year)
    return render(request, console, "disclosure/report.html", {"report": report, "year": year})
