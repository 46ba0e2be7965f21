"""Every context's tables, imported in one place so metadata and migrations see them all."""

from gongshu.catalog.models import InfoItem, Resource, ResourceVersion, SearchTerm
from gongshu.db import Base
from gongshu.identity.models import ApiToken, ConsoleSession, LoginAttempt, Organization, User
from gongshu.ledger.models import LedgerEvent, LedgerHead, LedgerNode, LedgerState

__all__ = [
    "ApiToken",
    "Base",
    "ConsoleSession",
    "InfoItem",
    "LedgerEvent",
    "LedgerHead",
    "LedgerNode",
    "LedgerState",
    "LoginAttempt",
    "Organization",
    "Resource",
    "ResourceVersion",
    "SearchTerm",
    "User",
]
