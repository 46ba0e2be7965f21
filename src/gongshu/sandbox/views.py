"""What adapters show of a job: one plain dict (API JSON, console pages and CLI output share it)."""

from __future__ import annotations

import json
import re
from typing import Any

from gongshu.identity import Actor
from gongshu.platform import UnitOfWork
from gongshu.sandbox import budget
from gongshu.sandbox.access import granted_tables, provider_orgs
from gongshu.sandbox.jobs import agreement_of, check_usable, privacy
from gongshu.sandbox.models import Job
from gongshu.sandbox.review import can_review, reviews_of
from gongshu.sandbox.states import LABELS


def _json(text: str, default: Any) -> Any:
    return json.loads(text) if text else default


LAST_ERROR = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))\b", re.M)
WITHHELD = (
    "程序输出可能含有原始数据，仅数据提供部门可见",
    "what the program printed may hold raw data; only the providing departments see it",
)


def log_for(uow: UnitOfWork, actor: Actor, job: Job) -> str:
    """What a Python job printed, for the providers of its inputs only (it may print raw rows, 原始数据不出域);
    everyone else learns the exception class of the failure, never its message (messages can hold values)."""
    if not job.log:
        return ""
    if actor.is_system or actor.org_id in provider_orgs(uow, job.inputs):
        return job.log
    errors = LAST_ERROR.findall(job.log)
    last = f"\n{errors[-1]}" if errors else ""
    return f"{WITHHELD[0]} / {WITHHELD[1]}{last}"


def budget_view(b: budget.Budget) -> dict[str, float]:
    return {"total": b.total, "spent": b.spent, "left": b.left}


def agreement_view(uow: UnitOfWork, actor: Actor, number: str) -> dict[str, Any]:
    """What a developer may use under an agreement in force: the tables with their SQL names and items
    (which are protected: usable in aggregates only), the privacy terms and the ε budget."""
    agreement = check_usable(uow, actor, number)
    tables = [
        {
            "code": t.code,
            "title": t.title,
            "table": t.spec.name,
            "version": t.version,
            "sha256": t.sha256,
            "rows": t.spec.rows,
            "items": [
                {
                    "name": c.name,
                    "protected": c.protected,
                    "identifier": c.identifier,
                    "numeric": c.numeric,
                    "bounds": list(c.bounds) if c.bounds else None,
                    "type": c.type,
                }
                for c in t.spec.columns.values()
            ],
        }
        for t in granted_tables(uow, agreement)
    ]
    return {
        "agreement": agreement.number,
        "privacy": privacy(agreement),
        "budget": budget_view(budget.budget_of(uow, agreement)),
        "tables": tables,
    }


def job_view(uow: UnitOfWork, actor: Actor, job: Job, *, with_code: bool = True) -> dict[str, Any]:
    agreement = agreement_of(uow, job)
    b = budget.budget_of(uow, agreement)
    reviews = reviews_of(uow, job)
    return {
        "number": job.number,
        "title": job.title,
        "agreement": agreement.number,
        "org": job.org.code,
        "org_name": job.org.name,
        "submitted_by": job.submitted_by,
        "kind": job.kind,
        "status": job.status,
        "status_label": LABELS[job.status][0],
        "status_label_en": LABELS[job.status][1],
        "code": job.code if with_code else None,
        "code_sha256": job.code_hash,
        "entry": job.entry,
        "declared_outputs": _json(job.declared_outputs, []),
        "engine": job.engine,
        "dp": job.dp,
        "epsilon": job.epsilon,
        "inputs": _json(job.inputs, []),
        "policy_report": _json(job.policy_report, []),
        "control_report": _json(job.control_report, {}),
        "checks": _json(job.checks, []),
        "error": _json(job.error, None),
        "log": log_for(uow, actor, job),
        "outputs": [
            {
                "name": o.name,
                "kind": o.kind,
                "sha256": o.sha256,
                "bytes": o.bytes,
                "rows": o.rows,
                "preview": _json(o.preview, None),
            }
            for o in job.outputs
        ],
        "reviews": [
            {
                "reviewer": r.reviewer,
                "org": r.org.code,
                "org_name": r.org.name,
                "decision": r.decision,
                "comment": r.comment,
                "decided_at": r.decided_at.isoformat(),
            }
            for r in reviews
        ],
        "reviewers_required": uow.settings.reviewers_required,
        "can_review": can_review(uow, actor, job)
        and job.status == "in_review"
        and all(r.reviewer != actor.username for r in reviews),
        "budget": budget_view(b),
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "decided_at": job.decided_at.isoformat() if job.decided_at else None,
    }
