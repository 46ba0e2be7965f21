"""The home page: a public landing page, or the signed-in user's next steps and platform figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from gongshu.catalog import services as catalog
from gongshu.catalog.attributes import DOMAINS
from gongshu.identity import PUBLIC, Actor, Role
from gongshu.identity.services import list_orgs
from gongshu.ledger.services import latest_head
from gongshu.platform import UnitOfWork
from gongshu.web.navigation import next_steps
from gongshu.web.rendering import ConsoleRoute, render
from gongshu.web.session import Console, ConsoleDep, platform_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@dataclass(frozen=True)
class Figures:
    resources: int
    providers: int
    ledger_size: int
    by_domain: list[tuple[str, int]]


def _figures(uow: UnitOfWork, actor: Actor) -> Figures:
    counts = catalog.domain_counts(uow, actor)
    head = latest_head(uow.session)
    return Figures(
        resources=sum(counts.values()),
        providers=len(list_orgs(uow, actor, Role.PROVIDER.value)),
        ledger_size=head.tree_size if head else 0,
        by_domain=[(d, counts[d]) for d in DOMAINS if counts.get(d)],
    )


def _chart(console: Console, figures: Figures) -> dict[str, Any]:
    return {
        "labels": [console.label("domain", d) for d, _ in figures.by_domain],
        "values": [n for _, n in figures.by_domain],
        "series": console.t("home.chart_series"),
    }


@router.get("/")
def home(request: Request, console: ConsoleDep) -> Response:
    with platform_of(request).uow() as uow:
        if not console.actor.signed_in:
            _, open_count = catalog.search(uow, PUBLIC, "", limit=0)
            return render(request, console, "home/landing.html", {"open_count": open_count})
        figures = _figures(uow, console.actor)
    context = {"steps": next_steps(console.actor), "figures": figures, "chart": _chart(console, figures)}
    return render(request, console, "home/dashboard.html", context)
