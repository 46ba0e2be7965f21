"""What adapters show of a job: one plain dict (API JSON, console pages and CLI output share it). Before release
the submitter sees the shape only (files, columns, row counts, cells withheld, ε spent, checks passed), never a
value; reviewers see everything, outputs of every kind included, with the code and the log."""

from __future__ import annotations

import json
from typing import Any

from gongshu.grants.agreements import effective_status, in_force
from gongshu.identity import Actor, Permission, can
from gongshu.platform import UnitOfWork
from gongshu.sandbox import budget
from gongshu.sandbox.access import granted_tables
from gongshu.sandbox.inspection import content_of
from gongshu.sandbox.jobs import agreement_of, check_usable, privacy
from gongshu.sandbox.models import Job, JobDisposal, JobOutput, JobReview
from gongshu.sandbox.review import CHECKLIST, DISPOSALS, can_dispose, can_review, disposals_of, reviews_of
from gongshu.sandbox.states import LABELS, JobStatus


def _json(text: str, default: Any) -> Any:
    return json.loads(text) if text else default


FAILED = ("作业运行失败", "the job failed")
# What the submitter reads of output control before release: the shape, never a value.
SHAPE_FIELDS = (
    "protections",
    "suppressed_primary",
    "suppressed_secondary",
    "suppressed",
    "rows_out",
    "epsilon_spent",
    "passed",
)


def sees_values(uow: UnitOfWork, actor: Actor, job: Job) -> bool:
    """Who reads what a job produced, its log and its reports in full: the reviewers concerned (the bureau, the
    agreement's operator, the providers of its inputs) and the platform; the submitting organization only once
    the outputs are approved and while the agreement is in force. Everyone else sees the shape."""
    if actor.is_system or may_review(uow, actor, job):
        return True
    approved = job.status == JobStatus.APPROVED.value and in_force(agreement_of(uow, job), uow.clock.now())
    return actor.org_id is not None and actor.org_id == job.org_id and approved


def may_review(uow: UnitOfWork, actor: Actor, job: Job) -> bool:
    return can(actor, Permission.JOB_REVIEW) and can_review(uow, actor, job)


def _finding_shape(f: dict[str, Any]) -> dict[str, Any]:
    return {"rule": f.get("rule", ""), "passed": bool(f.get("passed")), "zh": "", "en": "", "place": ""}


def _control_shape(report: dict[str, Any]) -> dict[str, Any]:
    """Output control as the submitter sees it before release: protections, cells withheld, rows, ε, passed."""
    out = {k: report[k] for k in SHAPE_FIELDS if k in report}
    if "findings" in report:
        out["findings"] = [_finding_shape(f) for f in report["findings"]]
    if isinstance(report.get("outputs"), dict):  # Python jobs: one report per table output
        out["outputs"] = {name: _control_shape(r) for name, r in report["outputs"].items()}
    return out


def _error_shape(job: Job, error: dict[str, Any] | None) -> dict[str, Any] | None:
    """A failed job says "failed" and its rule to the submitter; no log, no exit code, no exception."""
    if error is None or job.status != JobStatus.FAILED.value:
        return error
    return {"kind": "failed", "rule": error.get("rule", ""), "zh": FAILED[0], "en": FAILED[1], "place": ""}


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
    """A job for ``actor``: in full for those who see values (``sees_values``), its shape for everyone else."""
    agreement = agreement_of(uow, job)
    b = budget.budget_of(uow, agreement)
    reviews = reviews_of(uow, job)
    full = sees_values(uow, actor, job)
    control = _json(job.control_report, {})
    checks = _json(job.checks, [])
    error = _json(job.error, None)
    now = uow.clock.now()
    return {
        "number": job.number,
        "title": job.title,
        "agreement": agreement.number,
        "agreement_in_force": in_force(agreement, now),
        "agreement_status": effective_status(agreement, now),
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
        "values_shown": full,
        "control_report": control if full else _control_shape(control),
        "checks": checks if full else [_finding_shape(f) for f in checks],
        "error": error if full else _error_shape(job, error),
        "log": job.log if actor.is_system or may_review(uow, actor, job) else "",  # never the submitter's
        "outputs": [_output(uow, o, full=full, contents=with_code and full) for o in job.outputs],
        "reviews": [_review(r) for r in reviews],
        "reviewers_required": uow.settings.reviewers_required,
        "checklist_items": [{"key": k, "zh": zh, "en": en} for k, (zh, en) in CHECKLIST.items()],
        "can_review": may_review(uow, actor, job)
        and job.status == "in_review"
        and all(r.reviewer != actor.username for r in reviews),
        "auto_released": _auto_released(job, reviews),
        "disposals": [_disposal(d) for d in disposals_of(uow, job)],
        "can_dispose": can_dispose(uow, actor, job),
        "budget": budget_view(b),
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "decided_at": job.decided_at.isoformat() if job.decided_at else None,
    }


def _output(uow: UnitOfWork, o: JobOutput, *, full: bool, contents: bool) -> dict[str, Any]:
    preview = _json(o.preview, None)
    view: dict[str, Any] = {
        "name": o.name,
        "kind": o.kind,
        "sha256": o.sha256,
        "bytes": o.bytes,
        "rows": o.rows,
        "columns": preview["columns"] if preview else None,
        "preview": preview if full else None,
        "content": None,
    }
    if contents:
        view["content"] = content_of(uow.settings.jobs_dir / o.path, o.name)
    return view


def _review(r: JobReview) -> dict[str, Any]:
    return {
        "reviewer": r.reviewer,
        "org": r.org.code,
        "org_name": r.org.name,
        "decision": r.decision,
        "comment": r.comment,
        "checklist": _json(r.checklist, None),
        "decided_at": r.decided_at.isoformat(),
    }


def _disposal(d: JobDisposal) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "label": DISPOSALS[d.kind][0],
        "label_en": DISPOSALS[d.kind][1],
        "note": d.note,
        "recorded_by": d.recorded_by,
        "recorded_at": d.recorded_at.isoformat(),
    }


def _auto_released(job: Job, reviews: list[JobReview]) -> bool:
    return job.status == JobStatus.APPROVED.value and not reviews
