"""Models stay inside (原始数据不出域): a model trained on real data is approved for use inside the platform (the
market serves it as a scoring service, from where it lies); its file leaves only when the bureau approves the
download, once the job is approved and the memorization check passed on that very file."""

from __future__ import annotations

import json
from dataclasses import replace

from gongshu.errors import Conflict, Invalid, PermissionDenied
from gongshu.grants.agreements import in_force
from gongshu.identity import Actor, Role, event
from gongshu.platform import UnitOfWork
from gongshu.sandbox.jobs import agreement_of, get_job
from gongshu.sandbox.models import Job, JobOutput
from gongshu.sandbox.states import JobStatus

MODEL = "model"
# Checks a model file must have passed before the bureau may let it leave.
REQUIRED = ("input-values", "memorization")


def is_model(out: JobOutput) -> bool:
    return out.kind == MODEL


def can_download(out: JobOutput) -> bool:
    """Tables and metrics leave once the job is approved; a model only with the bureau's approval too."""
    return not is_model(out) or out.download_approved_by is not None


def checks_passed(job: Job, name: str) -> bool:
    """Whether every check in ``REQUIRED`` ran on output ``name`` of the job and passed."""
    findings = json.loads(job.checks or "[]")
    passed = {f.get("rule") for f in findings if f.get("place") == name and f.get("passed") is True}
    return all(rule in passed for rule in REQUIRED)


def approve_model_download(uow: UnitOfWork, actor: Actor, number: str, name: str) -> JobOutput:
    """The bureau lets the model file ``name`` of an approved job leave the platform (ledgered)."""
    job = get_job(uow, actor, number)
    if actor.role is not Role.BUREAU:
        raise PermissionDenied("只有数据主管部门可以批准下载模型", "only the data bureau may approve a model download")
    out = next((o for o in job.outputs if o.name == name), None)
    if out is None:
        raise Invalid(f"作业 {number} 没有产出 {name}", f"job {number} has no output {name}")
    if not is_model(out):
        raise Invalid(f"{name} 不是模型，无需批准下载", f"{name} is not a model; its download needs no approval")
    if job.status != JobStatus.APPROVED.value:
        raise Conflict(f"作业 {number} 尚未审定通过", f"job {number} is not approved", status=job.status)
    agreement = agreement_of(uow, job)
    if not in_force(agreement, uow.clock.now()):
        raise Conflict(f"授权协议 {agreement.number} 已失效", f"agreement {agreement.number} is no longer in force")
    if not checks_passed(job, name):
        raise Conflict(
            f"{name} 未通过记忆性检查（不含输入值、非近邻或查找表类模型），不能批准下载",
            f"{name} did not pass the memorization check (no input value, no nearest-neighbour or lookup model); "
            "its download cannot be approved",
        )
    if out.download_approved_by is not None:
        raise Conflict(f"{name} 的下载已获批准", f"the download of {name} is already approved")
    out.download_approved_by, out.download_approved_at = actor.username, uow.clock.now()
    payload = {"output": name, "sha256": out.sha256}
    draft = event(actor, "job.model.approve_download", "job", number, payload, **payload)
    uow.record(replace(draft, agreement=agreement.number))
    uow.commit()
    return out
