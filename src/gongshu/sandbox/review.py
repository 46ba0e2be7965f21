"""一模型一审定: the operator and the providers concerned review each job's controlled outputs; release
needs independent approvals (none by the submitter's organization); only approved outputs leave."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gongshu.errors import Conflict, Invalid, PermissionDenied
from gongshu.identity import Actor, Permission, Role, check, event
from gongshu.platform import UnitOfWork
from gongshu.sandbox.access import provider_orgs
from gongshu.sandbox.jobs import agreement_of, get_job
from gongshu.sandbox.model_downloads import can_download
from gongshu.sandbox.models import Job, JobOutput, JobReview
from gongshu.sandbox.states import JOB_TRANSITIONS, JobStatus, check_move

DECISIONS = ("approve", "reject")


def can_review(uow: UnitOfWork, actor: Actor, job: Job) -> bool:
    """Operator of the agreement or a provider of an input; never the submitting organization."""
    if actor.org_id is None or actor.org_id == job.org_id or actor.username == job.submitted_by:
        return False
    if actor.role is Role.OPERATOR:
        return actor.org_id == agreement_of(uow, job).operator_org_id
    return actor.role is Role.PROVIDER and actor.org_id in provider_orgs(uow, job.inputs)


def reviews_of(uow: UnitOfWork, job: Job) -> list[JobReview]:
    return list(
        uow.session.execute(select(JobReview).where(JobReview.job_id == job.id).order_by(JobReview.id)).scalars()
    )


def review_queue(uow: UnitOfWork, actor: Actor) -> list[Job]:
    """Jobs in review that ``actor`` may decide and has not decided yet."""
    check(actor, Permission.JOB_REVIEW)
    jobs = uow.session.execute(select(Job).where(Job.status == JobStatus.IN_REVIEW.value).order_by(Job.id)).scalars()
    decided = set(uow.session.execute(select(JobReview.job_id).where(JobReview.reviewer == actor.username)).scalars())
    return [j for j in jobs if j.id not in decided and can_review(uow, actor, j)]


def decide(uow: UnitOfWork, actor: Actor, number: str, decision: str, comment: str = "") -> Job:
    """Record one reviewer's approval or rejection; a rejection ends the review, enough approvals release."""
    check(actor, Permission.JOB_REVIEW)
    job = get_job(uow, actor, number)
    if decision not in DECISIONS:
        raise Invalid("审定结论须为 approve 或 reject", "the decision must be approve or reject")
    if not can_review(uow, actor, job):
        raise PermissionDenied(
            f"您不能审定作业 {number}（须为协议运营机构或相关数据提供部门，且不是提交单位）",
            f"you may not review job {number} (operator of the agreement or a provider concerned, not the submitter)",
        )
    if decision == "reject" and not comment.strip():
        raise Invalid("不同意时须填写意见", "a rejection needs a comment")
    check_move(JOB_TRANSITIONS, job.status, JobStatus.APPROVED.value, f"作业 {number}")
    if any(r.reviewer == actor.username for r in reviews_of(uow, job)):
        raise Conflict(f"您已审定过作业 {number}", f"you have already reviewed job {number}")
    now = uow.clock.now()
    uow.session.add(
        JobReview(
            job_id=job.id,
            reviewer=actor.username,
            org_id=actor.org_id or 0,
            decision=decision,
            comment=comment.strip(),
            decided_at=now,
        )
    )
    uow.session.flush()
    uow.record(event(actor, f"job.review.{decision}", "job", number, {"comment": comment.strip()}))
    _settle(uow, actor, job, decision)
    uow.commit()
    return job


def _settle(uow: UnitOfWork, actor: Actor, job: Job, decision: str) -> None:
    approvals = {r.reviewer for r in reviews_of(uow, job) if r.decision == "approve"}
    if decision == "reject":
        target = JobStatus.REJECTED
    elif len(approvals) >= uow.settings.reviewers_required:
        target = JobStatus.APPROVED
    else:
        return
    job.status, job.decided_at = target.value, uow.clock.now()
    outputs = {o.name: o.sha256 for o in job.outputs}
    uow.record(
        event(
            actor,
            f"job.{'approve' if target is JobStatus.APPROVED else 'reject'}",
            "job",
            job.number,
            {"outputs": outputs, "reviewers": sorted(approvals)},
        )
    )


def output_file(uow: UnitOfWork, actor: Actor, number: str, name: str) -> tuple[JobOutput, Path]:
    """An approved output for its developer (the download is ledgered); a model only once the bureau approved its
    download (``model_downloads.approve_model_download``); anything else is refused."""
    job = get_job(uow, actor, number)
    if not actor.is_system and actor.org_id != job.org_id:
        raise PermissionDenied("只有提交单位可以下载产出", "only the submitting organization may download outputs")
    if job.status != JobStatus.APPROVED.value:
        raise Conflict(
            f"作业 {number} 的产出尚未审定通过，不能下载",
            f"the outputs of job {number} are not approved; they cannot leave",
            status=job.status,
        )
    out = next((o for o in job.outputs if o.name == name), None)
    if out is None:
        raise Invalid(f"作业 {number} 没有产出 {name}", f"job {number} has no output {name}")
    if not can_download(out):
        raise Conflict(
            f"{name} 是模型，留在可信环境内（作为评分服务使用）；下载模型文件须经数据主管部门批准",
            f"{name} is a model and stays inside the platform (served as a scoring service); downloading its file "
            "needs the data bureau's approval",
            status="model_inside",
        )
    uow.record(event(actor, "job.download", "job", number, {"output": name, "sha256": out.sha256}))
    uow.commit()
    return out, uow.settings.jobs_dir / out.path
