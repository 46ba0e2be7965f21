"""Models stay inside (原始数据不出域): an approved job's model file is not downloadable by its developer until the
data bureau approves its download, which needs the memorization check to have passed on it and is ledgered;
metrics of the same job leave on approval alone (needs /usr/bin/bwrap)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from test_adversarial import actor, approve

from gongshu.errors import Conflict, Invalid, PermissionDenied
from gongshu.ledger.models import LedgerEvent
from gongshu.platform import Platform
from gongshu.sandbox import jobs, review
from gongshu.sandbox.model_downloads import approve_model_download
from gongshu.sandbox.models import Job, JobOutput
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from model_jobs import LR_MODEL, LR_OUTPUTS
from sandbox_setup import Sandbox, build_sandbox

pytestmark = [
    pytest.mark.skipif(not Path("/usr/bin/bwrap").exists(), reason="bubblewrap is not installed"),
    pytest.mark.xdist_group("bwrap"),
]


@pytest.fixture
def approved(platform: Platform, tmp_path: Path, backend: str) -> tuple[Sandbox, str]:
    """An approved Python job with a model (lr.onnx) and its metrics."""
    sb = build_sandbox(platform, tmp_path)
    with platform.uow(write=True) as uow:
        number = jobs.submit_python(
            uow, actor(platform, sb.developer), sb.agreement, LR_MODEL, outputs=LR_OUTPUTS
        ).number
    assert Worker(platform, execute).run_one() == number
    with platform.uow() as uow:
        job = uow.session.execute(select(Job).where(Job.number == number)).scalar_one()
        assert job.status == "in_review", (job.error, job.log[-2000:])
    approve(platform, sb, number)
    return sb, number


def download(platform: Platform, who: str, number: str, name: str) -> Path:
    with platform.uow(write=True) as uow:
        return review.output_file(uow, actor(platform, who), number, name)[1]


def allow(platform: Platform, who: str, number: str, name: str = "lr.onnx") -> JobOutput:
    with platform.uow(write=True) as uow:
        return approve_model_download(uow, actor(platform, who), number, name)


def events(platform: Platform, number: str, action: str) -> list[dict]:
    with platform.uow() as uow:
        rows = uow.session.execute(
            select(LedgerEvent).where(LedgerEvent.object_id == number, LedgerEvent.action == action)
        ).scalars()
        return [json.loads(e.detail) for e in rows]


def test_an_approved_model_stays_inside_until_the_bureau_approves_its_download(platform, approved):
    sb, number = approved
    assert download(platform, sb.developer, number, "metrics.json").is_file()  # metrics leave on approval
    with pytest.raises(Conflict, match="stays inside"):
        download(platform, sb.developer, number, "lr.onnx")
    out = allow(platform, sb.bureau, number)
    assert out.download_approved_by == sb.bureau and out.download_approved_at is not None
    assert [e["output"] for e in events(platform, number, "job.model.approve_download")] == ["lr.onnx"]
    path = download(platform, sb.developer, number, "lr.onnx")
    assert path.read_bytes()[:2] and path.is_file()  # the file stays in place: the market serves it from there


def test_only_the_bureau_may_approve_a_model_download_and_a_refusal_changes_nothing(platform, approved):
    sb, number = approved
    for who in (sb.developer, sb.operators[0], sb.provider, sb.regulator):
        with pytest.raises(PermissionDenied):
            allow(platform, who, number)
    assert events(platform, number, "job.model.approve_download") == []
    with pytest.raises(Conflict):
        download(platform, sb.developer, number, "lr.onnx")


def test_a_download_approval_is_refused_for_a_non_model_twice_or_without_the_memorization_check(platform, approved):
    sb, number = approved
    with pytest.raises(Invalid):
        allow(platform, sb.bureau, number, "metrics.json")
    allow(platform, sb.bureau, number)
    with pytest.raises(Conflict):
        allow(platform, sb.bureau, number)
    with platform.uow(write=True) as uow:  # a job recorded before the memorization check existed
        job = uow.session.execute(select(Job).where(Job.number == number)).scalar_one()
        job.checks = json.dumps([f for f in json.loads(job.checks) if f["rule"] != "memorization"])
        uow.session.commit()
    with pytest.raises(Conflict, match="memorization"):
        approve_again(platform, sb, number)


def approve_again(platform: Platform, sb: Sandbox, number: str) -> None:
    with platform.uow(write=True) as uow:
        out = uow.session.execute(
            select(JobOutput).join(Job).where(Job.number == number, JobOutput.name == "lr.onnx")
        ).scalar_one()
        out.download_approved_by = None
        uow.session.commit()
    allow(platform, sb.bureau, number)
