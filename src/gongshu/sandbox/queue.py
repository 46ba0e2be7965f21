"""The durable job queue: jobs wait in the job table; workers claim them (SKIP LOCKED on PostgreSQL,
serialized writers on SQLite), hold a lease they renew while running, and a lost worker's job is marked
failed with nothing of its output left behind."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update

from gongshu.identity import event
from gongshu.platform import Platform
from gongshu.sandbox import outputs
from gongshu.sandbox.models import Job
from gongshu.sandbox.runner import WORKER
from gongshu.sandbox.states import JobStatus

LOST = json.dumps(
    {
        "kind": "worker_lost",
        "rule": "worker_lost",
        "zh": "执行作业的进程已中止，作业失败，未保留任何产出",
        "en": "the worker running the job stopped; the job failed and no output was kept",
        "place": "",
    },
    ensure_ascii=False,
)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim(platform: Platform, me: str) -> str | None:
    """Take the oldest queued job (status running, leased to ``me``); None when the queue is empty."""
    with platform.uow(write=True) as uow:
        job_id = uow.session.execute(
            select(Job.id)
            .where(Job.status == JobStatus.QUEUED.value)
            .order_by(Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        job = uow.session.get(Job, job_id) if job_id is not None else None
        if job is None:
            return None
        now = uow.clock.now()
        job.status, job.claimed_by, job.started_at = JobStatus.RUNNING.value, me, now
        job.lease_until = now + timedelta(seconds=platform.settings.job_lease_seconds)
        job.attempts += 1
        uow.record(event(WORKER, "job.start", "job", job.number, {"worker": me}))
        uow.commit()
        return job.number


def renew(platform: Platform, number: str, me: str) -> bool:
    """Extend this worker's lease (no state change, so no ledger event); False if it was lost."""
    with platform.uow(write=True) as uow:
        until = uow.clock.now() + timedelta(seconds=platform.settings.job_lease_seconds)
        res = uow.session.execute(
            update(Job)
            .where(Job.number == number, Job.claimed_by == me, Job.status == JobStatus.RUNNING.value)
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )
        uow.session.commit()
        return bool(res.rowcount)  # type: ignore[attr-defined]


def _alive(claimed_by: str) -> bool | None:
    """Whether the claiming process still runs; None when it ran on another host (the lease decides)."""
    host, _, rest = claimed_by.partition(":")
    if host != socket.gethostname():
        return None
    try:
        os.kill(int(rest.split(":")[0]), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def recover(platform: Platform) -> list[str]:
    """Mark failed every running job whose worker is gone (dead process here, or lease expired) and
    remove its partial output. Safe to run at any time from any worker."""
    lost = []
    with platform.uow(write=True) as uow:
        now = uow.clock.now()
        running = uow.session.execute(select(Job).where(Job.status == JobStatus.RUNNING.value)).scalars().all()
        for job in running:
            alive = _alive(job.claimed_by)
            expired = job.lease_until is not None and job.lease_until < now
            if alive is False or (alive is None and expired):
                job.status, job.finished_at = JobStatus.FAILED.value, now
                job.error = LOST
                uow.record(
                    event(WORKER, "job.fail", "job", job.number, {"kind": "worker_lost", "worker": job.claimed_by})
                )
                lost.append(job.number)
        if lost:
            uow.commit()
    for number in lost:
        outputs.discard(platform.settings.jobs_dir, number)
    return lost


class Worker:
    """Claims and runs jobs until stopped; renews its lease in the background while a job runs."""

    def __init__(self, platform: Platform, execute: Callable[[Platform, str], str], *, poll: float = 1.0) -> None:
        self.platform = platform
        self.execute = execute
        self.poll = poll
        self.stop = threading.Event()

    def run_one(self) -> str | None:
        """Claim and run one job; returns its number, or None when none was waiting."""
        me = worker_id()
        number = claim(self.platform, me)
        if number is None:
            return None
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(number, me, done), daemon=True)
        beat.start()
        try:
            self.execute(self.platform, number)
        finally:
            done.set()
            beat.join()
        return number

    def _heartbeat(self, number: str, me: str, done: threading.Event) -> None:
        interval = max(self.platform.settings.job_lease_seconds / 3, 0.5)
        while not done.wait(interval):
            renew(self.platform, number, me)

    def run_forever(self) -> None:
        recover(self.platform)
        while not self.stop.is_set():
            if self.run_one() is None:
                self.stop.wait(self.poll)
