"""Every context's tables, imported in one place so metadata and migrations see them all."""

from gongshu.catalog.models import InfoItem, Resource, ResourceVersion, SearchTerm
from gongshu.db import Base
from gongshu.grants.models import Agreement, Application, ApplicationVersion, Attachment, Review, Signature
from gongshu.identity.models import ApiToken, ConsoleSession, LoginAttempt, Organization, User
from gongshu.ledger.models import LedgerEvent, LedgerHead, LedgerNode, LedgerState
from gongshu.sandbox.models import Job, JobOutput, JobReview, PrivacyBudget, QueryRecord

__all__ = [
    "Agreement",
    "ApiToken",
    "Application",
    "ApplicationVersion",
    "Attachment",
    "Base",
    "ConsoleSession",
    "InfoItem",
    "Job",
    "JobOutput",
    "JobReview",
    "LedgerEvent",
    "LedgerHead",
    "LedgerNode",
    "LedgerState",
    "LoginAttempt",
    "Organization",
    "PrivacyBudget",
    "QueryRecord",
    "Resource",
    "ResourceVersion",
    "Review",
    "SearchTerm",
    "Signature",
    "User",
]
