"""Who may act for a resource: its providing department (the one place this rule is written)."""

from __future__ import annotations

from gongshu.catalog.models import Resource
from gongshu.identity import Actor, Permission, can, check, check_same_org


def can_manage(actor: Actor, res: Resource) -> bool:
    """Whether ``actor`` acts for the provider of ``res`` (publishes, grades, decides requests)."""
    return actor.is_system or (can(actor, Permission.RESOURCE_PUBLISH) and actor.org_id == res.provider_id)


def check_manage(actor: Actor, res: Resource, what: str = "") -> None:
    """Raise unless ``actor`` is a provider user of the department that owns ``res``."""
    check(actor, Permission.RESOURCE_PUBLISH)
    check_same_org(actor, res.provider_id, what or f"数据资源 {res.code}")
