"""The job state machine (作业): queued → running → in review → approved or rejected; each move is one
ledger action."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from gongshu import transitions


class JobStatus(StrEnum):
    QUEUED = "queued"  # 排队中
    RUNNING = "running"  # 运行中
    REFUSED = "refused"  # 已拒绝（运行时规则，如差分攻击）
    FAILED = "failed"  # 运行失败
    IN_REVIEW = "in_review"  # 待审定
    APPROVED = "approved"  # 审定通过，可下载
    REJECTED = "rejected"  # 审定未通过
    CANCELLED = "cancelled"  # 已取消


J = JobStatus
JOB_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    J.QUEUED: frozenset({J.RUNNING, J.CANCELLED, J.FAILED}),
    J.RUNNING: frozenset({J.IN_REVIEW, J.FAILED, J.REFUSED}),
    J.IN_REVIEW: frozenset({J.APPROVED, J.REJECTED}),
    J.REFUSED: frozenset(),
    J.FAILED: frozenset(),
    J.APPROVED: frozenset(),
    J.REJECTED: frozenset(),
    J.CANCELLED: frozenset(),
}

ACTIONS = {
    J.RUNNING: "job.start",
    J.IN_REVIEW: "job.finish",
    J.FAILED: "job.fail",
    J.REFUSED: "job.refuse",
    J.APPROVED: "job.approve",
    J.REJECTED: "job.reject",
    J.CANCELLED: "job.cancel",
}

LABELS = {
    "queued": ("排队中", "queued"),
    "running": ("运行中", "running"),
    "refused": ("已拒绝", "refused"),
    "failed": ("运行失败", "failed"),
    "in_review": ("待审定", "in review"),
    "approved": ("审定通过", "approved"),
    "rejected": ("审定未通过", "rejected"),
    "cancelled": ("已取消", "cancelled"),
}

FINAL = frozenset({J.REFUSED, J.FAILED, J.APPROVED, J.REJECTED, J.CANCELLED})


def check_move(table: Mapping[Any, frozenset[Any]], current: str, target: str, what: str) -> None:
    """Raise InvalidTransition unless ``current → target`` is allowed by ``table``."""
    transitions.check_move(table, current, target, what, {k: v[0] for k, v in LABELS.items()})
