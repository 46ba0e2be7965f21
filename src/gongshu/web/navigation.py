"""Where each role can go: the header navigation and the home page's next steps."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from gongshu.identity import Actor, Permission, Role, can


@dataclass(frozen=True)
class Link:
    href: str
    key: str  # i18n key of the label
    desc: str = ""  # i18n key of a one-line description


HOME = Link("/", "nav.home")
CATALOG = Link("/catalog", "nav.catalog", "step.catalog")
PUBLISH = Link("/catalog/new", "nav.publish", "step.publish")
CONFLICTS = Link("/catalog/conflicts", "nav.conflicts", "step.conflicts")
OPEN = Link("/open", "nav.open", "step.open")
REQUESTS = Link("/requests", "nav.requests", "step.requests")
OBJECTIONS = Link("/objections", "nav.objections", "step.objections")
LEDGER = Link("/ledger", "nav.ledger", "step.ledger")
ADMIN = Link("/admin", "nav.admin", "step.admin")


def nav_links(actor: Actor) -> list[Link]:
    """The header's links: only what this actor may open."""
    wanted = [
        (HOME, True),
        (CATALOG, True),
        (OPEN, True),
        (PUBLISH, can(actor, Permission.RESOURCE_PUBLISH)),
        (REQUESTS, can(actor, Permission.CATALOG_READ_ALL)),
        (OBJECTIONS, can(actor, Permission.CATALOG_READ_ALL)),
        (CONFLICTS, can(actor, Permission.CATALOG_READ_ALL)),
        (LEDGER, actor.signed_in and can(actor, Permission.LEDGER_READ)),
        (ADMIN, can(actor, Permission.ORG_MANAGE)),
    ]
    return [link for link, ok in wanted if ok]


def next_steps(actor: Actor) -> list[Link]:
    """The home page's "where to go next" for the actor's role (only pages that exist)."""
    if actor.role is Role.PROVIDER:
        mine = Link(f"/catalog?provider={quote(actor.org_code)}", "step.mine", "step.mine_desc")
        return [PUBLISH, mine, REQUESTS, OBJECTIONS, CONFLICTS]
    if actor.role is Role.BUREAU:
        return [CATALOG, *([ADMIN] if can(actor, Permission.ORG_MANAGE) else []), OBJECTIONS, LEDGER]
    if actor.role is Role.REGULATOR:
        return [LEDGER, CATALOG, OBJECTIONS]
    return [CATALOG, OPEN, REQUESTS]


def active_href(links: list[Link], path: str) -> str:
    """The link the current page belongs to: the longest one that prefixes the path."""
    matching = [
        link.href for link in links if path == link.href or (link.href != "/" and path.startswith(link.href + "/"))
    ]
    return max(matching, key=len, default="")
