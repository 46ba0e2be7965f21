"""Jobs are durable: a worker killed with SIGKILL mid-job leaves its job failed and no partial output;
jobs still queued survive and run after the restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gongshu.identity import services as identity
from gongshu.platform import Platform
from gongshu.sandbox import jobs
from gongshu.sandbox.models import Job, JobOutput
from gongshu.sandbox.queue import Worker, recover
from gongshu.sandbox.work import execute
from sandbox_setup import build_sandbox

# Python jobs run one at a time on one test worker: the isolation tests count every job process
# on the machine.
pytestmark = [pytest.mark.usefixtures("backend"), pytest.mark.xdist_group("bwrap")]

SLOW = """
import time, pathlib
def main(inputs, out_dir):
    pathlib.Path(out_dir, "metrics.json").write_text('{"partial": true}')
    time.sleep(60)
"""
WORKER = "from gongshu.cli.main import app; app(['worker', '--once'])"


def _status(platform: Platform, number: str) -> tuple[str, int]:
    with platform.uow() as uow:
        job = uow.session.query(Job).filter_by(number=number).one()
        return job.status, uow.session.query(JobOutput).filter_by(job_id=job.id).count()


def test_a_worker_killed_mid_job_leaves_the_job_failed_and_no_output_and_the_queue_intact(
    platform: Platform, tmp_path: Path
):
    sb = build_sandbox(platform, tmp_path)
    with platform.uow() as uow:
        dev = identity.actor_for(identity.get_user(uow, sb.developer))
    with platform.uow(write=True) as uow:
        slow = jobs.submit_python(uow, dev, sb.agreement, SLOW, outputs=["metrics.json"]).number
    with platform.uow(write=True) as uow:
        queued = jobs.submit_sql(
            uow, dev, sb.agreement, f"SELECT 区县, COUNT(*) AS 人数 FROM {sb.table} GROUP BY 区县"
        ).number
    env = {**os.environ, "GONGSHU_HOME": str(platform.settings.home), "GONGSHU_DATABASE_URL": platform.settings.db_url}
    proc = subprocess.Popen([sys.executable, "-c", WORKER], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _status(platform, slow)[0] != "running":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
        time.sleep(2)  # inside the sandbox now, its output half written
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert _status(platform, slow)[0] == "running"  # nobody has noticed yet
    assert recover(platform) == [slow]
    status, outputs = _status(platform, slow)
    assert (status, outputs) == ("failed", 0)
    with platform.uow() as uow:
        job = uow.session.query(Job).filter_by(number=slow).one()
        assert json.loads(job.error)["kind"] == "worker_lost"
    jobs_dir = platform.settings.jobs_dir
    assert not (jobs_dir / slow).exists() and not (jobs_dir / ".staging" / slow).exists()
    assert _status(platform, queued)[0] == "queued"
    assert Worker(platform, execute).run_one() == queued
    assert _status(platform, queued)[0] == "in_review"
