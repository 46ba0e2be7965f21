"""State machines of authorized operation: applications (一场景一申请), reviews (一需求一审核) and
agreements (一场景一授权). Each move is checked here and recorded as one ledger action."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from gongshu import transitions


class ApplicationStatus(StrEnum):
    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 待初审
    IN_REVIEW = "in_review"  # 部门审核中
    RETURNED = "returned"  # 退回修改
    APPROVED = "approved"  # 审核通过
    REJECTED = "rejected"  # 未通过
    AGREED = "agreed"  # 已形成协议
    WITHDRAWN = "withdrawn"  # 已撤回


A = ApplicationStatus
APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    A.DRAFT: frozenset({A.SUBMITTED, A.WITHDRAWN}),
    A.SUBMITTED: frozenset({A.IN_REVIEW, A.RETURNED, A.REJECTED}),
    A.IN_REVIEW: frozenset({A.APPROVED, A.RETURNED, A.REJECTED}),
    A.RETURNED: frozenset({A.SUBMITTED, A.WITHDRAWN}),
    A.APPROVED: frozenset({A.AGREED}),
    A.REJECTED: frozenset(),
    A.AGREED: frozenset(),
    A.WITHDRAWN: frozenset(),
}


class ReviewDecision(StrEnum):
    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 同意
    PARTIAL = "partial"  # 同意部分信息项
    REJECTED = "rejected"  # 不同意
    RETURNED = "returned"  # 退回修改


REVIEW_TRANSITIONS: dict[ReviewDecision, frozenset[ReviewDecision]] = {
    ReviewDecision.PENDING: frozenset(
        {ReviewDecision.APPROVED, ReviewDecision.PARTIAL, ReviewDecision.REJECTED, ReviewDecision.RETURNED}
    ),
    ReviewDecision.APPROVED: frozenset(),
    ReviewDecision.PARTIAL: frozenset(),
    ReviewDecision.REJECTED: frozenset(),
    ReviewDecision.RETURNED: frozenset(),
}


class AgreementStatus(StrEnum):
    SIGNING = "signing"  # 待签署
    ACTIVE = "active"  # 生效中
    SUSPENDED = "suspended"  # 已暂停
    REVOKED = "revoked"  # 已撤销
    EXPIRED = "expired"  # 已到期


G = AgreementStatus
AGREEMENT_TRANSITIONS: dict[AgreementStatus, frozenset[AgreementStatus]] = {
    G.SIGNING: frozenset({G.ACTIVE, G.REVOKED}),
    G.ACTIVE: frozenset({G.SUSPENDED, G.REVOKED, G.EXPIRED}),
    G.SUSPENDED: frozenset({G.ACTIVE, G.REVOKED, G.EXPIRED}),
    G.REVOKED: frozenset(),
    G.EXPIRED: frozenset(),
}

LABELS = {
    "draft": ("草稿", "draft"),
    "submitted": ("待初审", "awaiting first instance"),
    "in_review": ("部门审核中", "in review"),
    "returned": ("退回修改", "returned for revision"),
    "approved": ("审核通过", "approved"),
    "rejected": ("未通过", "rejected"),
    "agreed": ("已形成协议", "agreement made"),
    "withdrawn": ("已撤回", "withdrawn"),
    "pending": ("待审核", "pending"),
    "partial": ("部分同意", "approved in part"),
    "signing": ("待签署", "awaiting signatures"),
    "active": ("生效中", "in force"),
    "suspended": ("已暂停", "suspended"),
    "revoked": ("已撤销", "revoked"),
    "expired": ("已到期", "expired"),
}


def check_move(table: Mapping[Any, frozenset[Any]], current: str, target: str, what: str) -> None:
    """Raise InvalidTransition unless ``current → target`` is allowed by ``table``."""
    transitions.check_move(table, current, target, what, {k: v[0] for k, v in LABELS.items()})
