"""Who may do what: the one permission table every adapter and service checks through."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gongshu.errors import NotAuthenticated, PermissionDenied
from gongshu.identity.roles import Role


class Permission(StrEnum):
    ORG_MANAGE = "org.manage"
    USER_MANAGE = "user.manage"
    TOKEN_MANAGE = "token.manage"
    CATALOG_READ = "catalog.read"
    CATALOG_READ_ALL = "catalog.read_all"
    RESOURCE_PUBLISH = "resource.publish"
    LEDGER_READ = "ledger.read"
    LEDGER_READ_ALL = "ledger.read_all"
    DIRECTORY_READ = "directory.read"
    GRANTS = "grants.use"  # applications, reviews, agreements (the public reads disclosure only)
    JOB_SUBMIT = "sandbox.submit"  # sample data, SQL and Python jobs under an agreement
    JOB_REVIEW = "sandbox.review"  # 一模型一审定: review job outputs
    JOB_READ_ALL = "sandbox.read_all"  # see every job (supervision)


_SIGNED_IN = frozenset(r for r in Role if r is not Role.PUBLIC)
_EVERYONE = frozenset(Role)

PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.ORG_MANAGE: frozenset({Role.BUREAU}),
    Permission.USER_MANAGE: frozenset({Role.BUREAU}) | _SIGNED_IN,  # own org only unless bureau
    Permission.TOKEN_MANAGE: _SIGNED_IN,
    Permission.CATALOG_READ: _EVERYONE,  # the public sees the open catalog only
    Permission.CATALOG_READ_ALL: _SIGNED_IN,
    Permission.RESOURCE_PUBLISH: frozenset({Role.PROVIDER}),
    Permission.LEDGER_READ: _SIGNED_IN,
    Permission.LEDGER_READ_ALL: frozenset({Role.BUREAU, Role.REGULATOR, Role.OPERATOR}),
    Permission.DIRECTORY_READ: _SIGNED_IN,
    Permission.GRANTS: _SIGNED_IN,
    Permission.JOB_SUBMIT: frozenset({Role.DEVELOPER, Role.OPERATOR}),
    Permission.JOB_REVIEW: frozenset({Role.BUREAU, Role.OPERATOR, Role.PROVIDER}),  # 遵义 三(四): the bureau too
    Permission.JOB_READ_ALL: frozenset({Role.OPERATOR, Role.REGULATOR, Role.BUREAU}),
}

ADMIN_ONLY = frozenset({Permission.ORG_MANAGE, Permission.USER_MANAGE})


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a signed-in user, the anonymous public, or the local system (CLI)."""

    username: str
    role: Role
    user_id: int | None = None
    org_id: int | None = None
    org_code: str = ""
    org_name: str = ""
    display_name: str = ""
    is_admin: bool = False
    is_system: bool = False

    @property
    def ledger_role(self) -> str:
        return "system" if self.is_system else self.role.value

    @property
    def signed_in(self) -> bool:
        return self.is_system or self.role is not Role.PUBLIC


PUBLIC = Actor(username="anonymous", role=Role.PUBLIC)
SYSTEM = Actor(username="system", role=Role.BUREAU, is_admin=True, is_system=True)


def can(actor: Actor, permission: Permission) -> bool:
    if actor.is_system:
        return True
    if actor.role not in PERMISSIONS[permission]:
        return False
    return actor.is_admin or permission not in ADMIN_ONLY


def check(actor: Actor, permission: Permission) -> None:
    """Raise unless ``actor`` holds ``permission``; the only gate adapters pass through."""
    if can(actor, permission):
        return
    if not actor.signed_in:
        raise NotAuthenticated("请先登录", "please sign in first", permission=permission.value)
    raise PermissionDenied(
        f"{actor.role.zh}（{actor.username}）无权执行 {permission.value}",
        f"{actor.role.value} {actor.username} may not {permission.value}",
        permission=permission.value,
    )


def check_same_org(actor: Actor, org_id: int, what: str) -> None:
    """Raise unless the actor belongs to ``org_id`` (the system actor always passes)."""
    if actor.is_system or actor.org_id == org_id:
        return
    raise PermissionDenied(f"{what} 属于其他单位，您无权操作", f"{what} belongs to another organization", what=what)


def ledger_scope(actor: Actor) -> str | None:
    """Which organization's ledger events ``actor`` may read: None means all of them."""
    check(actor, Permission.LEDGER_READ)
    return None if can(actor, Permission.LEDGER_READ_ALL) else actor.org_code
