"""一模型一审定: the bureau, the operator and the providers concerned review each job's controlled outputs with a
checklist (可用性、一致性、合规性、安全性); release needs independent approvals (none by the submitter's
organization), or an explicit agreement term for DP results; only approved outputs leave, while the agreement is in
force; the return or destruction of what was delivered is recorded once it has ended."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from gongshu.errors import Conflict, Invalid, PermissionDenied
from gongshu.grants.agreements import effective_status, in_force
from gongshu.identity import SYSTEM, Actor, Permission, Role, check, event
from gongshu.platform import Platform, UnitOfWork
from gongshu.sandbox.access import provider_orgs
from gongshu.sandbox.jobs import agreement_of, get_job, privacy
from gongshu.sandbox.model_downloads import can_download
from gongshu.sandbox.models import Job, JobDisposal, JobOutput, JobReview
from gongshu.sandbox.states import JOB_TRANSITIONS, JobStatus, check_move

DECISIONS = ("approve", "reject")
# The review checklist (遵义 三(四)): each item passed or not; an approval needs all four.
CHECKLIST: dict[str, tuple[str, str]] = {
    "usability": ("可用性", "usability"),
    "consistency": ("一致性", "consistency"),
    "compliance": ("合规性", "compliance"),
    "security": ("安全性", "security"),
}
ALL_PASSED: dict[str, bool] = dict.fromkeys(CHECKLIST, True)
AUTO_RELEASE_TERM = "auto_release_dp"  # privacy term of the agreement: DP SQL results released without review
DISPOSALS: dict[str, tuple[str, str]] = {"returned": ("已归还", "returned"), "destroyed": ("已销毁", "destroyed")}
MAX_COMMENT = 4000


def can_review(uow: UnitOfWork, actor: Actor, job: Job) -> bool:
    """The bureau, the operator of the agreement or a provider of an input; never the submitting organization."""
    if actor.org_id is None or actor.org_id == job.org_id or actor.username == job.submitted_by:
        return False
    if actor.role is Role.BUREAU:
        return True
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


def checklist_of(given: Mapping[str, bool] | Iterable[str] | None) -> dict[str, bool]:
    """The four items, each passed or not, from a mapping (item → bool) or the names of the items passed."""
    if given is None:
        return dict.fromkeys(CHECKLIST, False)
    passed = {k for k, v in given.items() if v is True} if isinstance(given, Mapping) else set(given)
    unknown = sorted(set(given) - set(CHECKLIST))
    if unknown:
        raise Invalid(
            f"审定清单没有这些项：{', '.join(unknown)}（可用 {', '.join(CHECKLIST)}）",
            f"the review checklist has no items {', '.join(unknown)} (use {', '.join(CHECKLIST)})",
        )
    return {k: k in passed for k in CHECKLIST}


def _check_decision(decision: str, comment: str, checklist: dict[str, bool]) -> None:
    if decision not in DECISIONS:
        raise Invalid("审定结论须为 approve 或 reject", "the decision must be approve or reject")
    if not comment:
        raise Invalid("每次审定都须填写意见", "every review needs a comment")
    if len(comment) > MAX_COMMENT:
        raise Invalid("审定意见过长（上限 4000 字）", "the comment is too long (4000 characters at most)")
    missing = [k for k, v in checklist.items() if not v]
    if decision == "approve" and missing:
        zh = "、".join(CHECKLIST[k][0] for k in missing)
        raise Invalid(
            f"同意发布须逐项确认可用性、一致性、合规性、安全性；未确认：{zh}",
            f"an approval needs every checklist item confirmed; not confirmed: {', '.join(missing)}",
            missing=", ".join(missing),
        )


def decide(
    uow: UnitOfWork,
    actor: Actor,
    number: str,
    decision: str,
    comment: str = "",
    checklist: Mapping[str, bool] | Iterable[str] | None = None,
) -> Job:
    """Record one reviewer's decision with its checklist and comment; a rejection ends the review, enough
    approvals release."""
    check(actor, Permission.JOB_REVIEW)
    job = get_job(uow, actor, number)
    items, text = checklist_of(checklist), comment.strip()
    _check_decision(decision, text, items)
    if not can_review(uow, actor, job):
        raise PermissionDenied(
            f"您不能审定作业 {number}（须为数据主管部门、协议运营机构或相关数据提供部门，且不是提交单位）",
            f"you may not review job {number} (the bureau, the agreement's operator or a provider concerned, "
            "not the submitter)",
        )
    check_move(JOB_TRANSITIONS, job.status, JobStatus.APPROVED.value, f"作业 {number}")
    if any(r.reviewer == actor.username for r in reviews_of(uow, job)):
        raise Conflict(f"您已审定过作业 {number}", f"you have already reviewed job {number}")
    uow.session.add(
        JobReview(
            job_id=job.id,
            reviewer=actor.username,
            org_id=actor.org_id or 0,
            decision=decision,
            comment=text,
            checklist=json.dumps(items),
            decided_at=uow.clock.now(),
        )
    )
    uow.session.flush()
    agreement = agreement_of(uow, job).number
    draft = event(actor, f"job.review.{decision}", "job", number, {"comment": text}, checklist=items)
    uow.record(replace(draft, agreement=agreement))
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
    action = "job.approve" if target is JobStatus.APPROVED else "job.reject"
    draft = event(actor, action, "job", job.number, {"outputs": outputs, "reviewers": sorted(approvals)})
    uow.record(replace(draft, agreement=agreement_of(uow, job).number))


def auto_release(platform: Platform, number: str) -> str:
    """Approve, as the system, a DP SQL job that passed output control when its agreement says so
    (privacy ``auto_release_dp``: an explicit term); anything else stays in review. Returns the job's status."""
    with platform.uow(write=True) as uow:
        job = uow.session.execute(select(Job).where(Job.number == number)).scalar_one()
        agreement = agreement_of(uow, job)
        wanted = privacy(agreement).get(AUTO_RELEASE_TERM) is True
        if not (wanted and job.status == JobStatus.IN_REVIEW.value and job.kind == "sql" and job.dp):
            return job.status
        if not (_passed(job) and in_force(agreement, uow.clock.now())):
            return job.status
        check_move(JOB_TRANSITIONS, job.status, JobStatus.APPROVED.value, f"作业 {number}")
        job.status, job.decided_at = JobStatus.APPROVED.value, uow.clock.now()
        outputs = {o.name: o.sha256 for o in job.outputs}
        payload = {"outputs": outputs, "reviewers": [], "automatic": True, "term": f"privacy.{AUTO_RELEASE_TERM}"}
        draft = event(SYSTEM, "job.approve", "job", number, payload, automatic=True, term=payload["term"])
        uow.record(replace(draft, agreement=agreement.number))
        uow.commit()
        return job.status


def _passed(job: Job) -> bool:
    """Output control and the automatic checks all passed (a job in review normally has; checked again)."""
    control = json.loads(job.control_report or "{}")
    checks = json.loads(job.checks or "[]")
    return bool(control) and control.get("passed", True) is not False and all(f.get("passed") for f in checks)


def _check_in_force(uow: UnitOfWork, job: Job, number: str) -> None:
    agreement = agreement_of(uow, job)
    if not in_force(agreement, uow.clock.now()):
        status = effective_status(agreement, uow.clock.now())
        raise Conflict(
            f"协议 {agreement.number} 已不在有效期内（{status}），作业 {number} 的产出不能再下载",
            f"agreement {agreement.number} is no longer in force ({status}); the outputs of job {number} "
            "can no longer be downloaded",
            status=status,
        )


def output_file(uow: UnitOfWork, actor: Actor, number: str, name: str) -> tuple[JobOutput, Path]:
    """An approved output for its developer while the agreement is in force (the download is ledgered); a model
    only once the bureau approved its download (``model_downloads.approve_model_download``); anything else is
    refused."""
    job = get_job(uow, actor, number)
    if not actor.is_system and actor.org_id != job.org_id:
        raise PermissionDenied("只有提交单位可以下载产出", "only the submitting organization may download outputs")
    _check_in_force(uow, job, number)
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


# -- 归还 / 销毁 -------------------------------------------------------------------------------------


def disposals_of(uow: UnitOfWork, job: Job) -> list[JobDisposal]:
    return list(
        uow.session.execute(select(JobDisposal).where(JobDisposal.job_id == job.id).order_by(JobDisposal.id)).scalars()
    )


def can_dispose(uow: UnitOfWork, actor: Actor, job: Job) -> bool:
    """The developer's organization, for a released job whose agreement has ended, not yet recorded."""
    mine = actor.is_system or (actor.org_id is not None and actor.org_id == job.org_id)
    return (
        mine
        and job.status == JobStatus.APPROVED.value
        and not in_force(agreement_of(uow, job), uow.clock.now())
        and not disposals_of(uow, job)
    )


def record_disposal(uow: UnitOfWork, actor: Actor, number: str, kind: str, note: str = "") -> JobDisposal:
    """Record that what job ``number`` delivered was returned or destroyed (归还 / 销毁) after its agreement ended."""
    job = get_job(uow, actor, number)
    if not actor.is_system and actor.org_id != job.org_id:
        raise PermissionDenied(
            "只有提交单位可以登记产出的归还或销毁", "only the submitting organization records the return or destruction"
        )
    if kind not in DISPOSALS:
        raise Invalid("处置方式须为 returned（归还）或 destroyed（销毁）", "the kind must be returned or destroyed")
    text = note.strip()
    if len(text) > MAX_COMMENT:
        raise Invalid("说明过长（上限 4000 字）", "the note is too long (4000 characters at most)")
    if job.status != JobStatus.APPROVED.value:
        raise Conflict(
            f"作业 {number} 没有交付过产出", f"job {number} delivered nothing to return or destroy", status=job.status
        )
    agreement = agreement_of(uow, job)
    if in_force(agreement, uow.clock.now()):
        raise Conflict(
            f"协议 {agreement.number} 仍在有效期内；协议终止、撤销、中止或到期后再登记归还或销毁",
            f"agreement {agreement.number} is still in force; record the return or destruction once it has ended",
        )
    if disposals_of(uow, job):
        raise Conflict(f"作业 {number} 的处置已登记", f"the disposal of job {number} is already recorded")
    disposal = JobDisposal(
        job_id=job.id,
        kind=kind,
        note=text,
        recorded_by=actor.username,
        org_id=job.org_id,
        recorded_at=uow.clock.now(),
    )
    uow.session.add(disposal)
    uow.session.flush()
    outputs = {o.name: o.sha256 for o in job.outputs}
    draft = event(actor, "job.dispose", "job", number, {"kind": kind, "note": text, "outputs": outputs}, kind=kind)
    uow.record(replace(draft, agreement=agreement.number))
    uow.commit()
    return disposal
