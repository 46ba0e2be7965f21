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
APPLICATIONS = Link("/applications", "nav.applications", "step.applications")
AGREEMENTS = Link("/agreements", "nav.agreements", "step.agreements")
DISCLOSURE = Link("/disclosure", "nav.disclosure", "step.disclosure")
SANDBOX = Link("/sandbox", "nav.sandbox", "step.sandbox")
APPLY = Link("/applications/new", "step.apply", "step.apply_desc")
FIRST_INSTANCE = Link("/applications#first-instance", "step.first_instance", "step.first_instance_desc")
TO_REVIEW = Link("/applications#to-review", "step.to_review", "step.to_review_desc")
TO_SIGN = Link("/agreements#to-sign", "step.to_sign", "step.to_sign_desc")

# who takes part in authorized operation (授权运营): applying and reviewing, and being party to or
# overseeing agreements
APPLICATION_ROLES = frozenset({Role.DEVELOPER, Role.BUREAU, Role.PROVIDER, Role.REGULATOR})
AGREEMENT_ROLES = APPLICATION_ROLES | {Role.OPERATOR}
# who uses the trusted environment (可信环境): submitting jobs, reviewing them, overseeing them
SANDBOX_ROLES = AGREEMENT_ROLES


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
        (APPLICATIONS, actor.signed_in and actor.role in APPLICATION_ROLES),
        (AGREEMENTS, actor.signed_in and actor.role in AGREEMENT_ROLES),
        (SANDBOX, actor.signed_in and actor.role in SANDBOX_ROLES),
        (DISCLOSURE, True),
    ]
    return [link for link, ok in wanted if ok]


def next_steps(actor: Actor) -> list[Link]:
    """The home page's "where to go next" for the actor's role (only pages that exist)."""
    if actor.role is Role.PROVIDER:
        mine = Link(f"/catalog?provider={quote(actor.org_code)}", "step.mine", "step.mine_desc")
        return [PUBLISH, TO_REVIEW, mine, REQUESTS, OBJECTIONS, CONFLICTS]
    if actor.role is Role.BUREAU:
        admin = [ADMIN] if can(actor, Permission.ORG_MANAGE) else []
        return [FIRST_INSTANCE, AGREEMENTS, CATALOG, *admin, OBJECTIONS, LEDGER]
    if actor.role is Role.REGULATOR:
        return [TO_REVIEW, LEDGER, CATALOG, OBJECTIONS, DISCLOSURE]
    if actor.role is Role.DEVELOPER:
        return [APPLY, APPLICATIONS, CATALOG, OPEN, REQUESTS]
    if actor.role is Role.OPERATOR:
        return [TO_SIGN, CATALOG, OPEN, DISCLOSURE]
    return [CATALOG, OPEN, REQUESTS, DISCLOSURE]


def active_href(links: list[Link], path: str) -> str:
    """The link the current page belongs to: the longest one that prefixes the path."""
    matching = [
        link.href for link in links if path == link.href or (link.href != "/" and path.startswith(link.href + "/"))
    ]
    return max(matching, key=len, default="")
