"""Identity: organizations, users, roles, sign-in, API tokens and the one permission check."""

from gongshu.identity.policy import (
    PUBLIC,
    SYSTEM,
    Actor,
    Permission,
    can,
    check,
    check_same_org,
    ledger_scope,
)
from gongshu.identity.roles import ROLE_ZH, Role
from gongshu.identity.services import event

__all__ = [
    "PUBLIC",
    "ROLE_ZH",
    "SYSTEM",
    "Actor",
    "Permission",
    "Role",
    "can",
    "check",
    "check_same_org",
    "event",
    "ledger_scope",
]
