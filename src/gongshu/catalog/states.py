"""State machines of the catalog's workflows: objections (异议) and access requests (共享/开放申请)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from gongshu import transitions


class ObjectionStatus(StrEnum):
    RAISED = "raised"  # 已提出
    VERIFIED = "verified"  # 已核实，待补正
    CORRECTED = "corrected"  # 已补正
    REJECTED = "rejected"  # 已驳回


OBJECTION_TRANSITIONS: dict[ObjectionStatus, frozenset[ObjectionStatus]] = {
    ObjectionStatus.RAISED: frozenset({ObjectionStatus.VERIFIED, ObjectionStatus.REJECTED}),
    ObjectionStatus.VERIFIED: frozenset({ObjectionStatus.CORRECTED}),
    ObjectionStatus.CORRECTED: frozenset(),
    ObjectionStatus.REJECTED: frozenset(),
}


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"  # 待审核
    APPROVED = "approved"  # 已同意
    REJECTED = "rejected"  # 已拒绝
    REVOKED = "revoked"  # 已撤销


REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.SUBMITTED: frozenset({RequestStatus.APPROVED, RequestStatus.REJECTED}),
    RequestStatus.APPROVED: frozenset({RequestStatus.REVOKED}),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.REVOKED: frozenset(),
}

STATUS_ZH = {
    "raised": "已提出",
    "verified": "已核实",
    "corrected": "已补正",
    "rejected": "已驳回",
    "submitted": "待审核",
    "approved": "已同意",
    "revoked": "已撤销",
}


def check_transition(table: Mapping[Any, frozenset[Any]], current: str, target: str, what: str) -> None:
    """Raise InvalidTransition unless ``current → target`` is in ``table``."""
    transitions.check_move(table, current, target, what, STATUS_ZH)
