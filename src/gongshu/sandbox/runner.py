"""Running one claimed job: SQL through the protected path, Python in the isolated worker; then the
automatic checks, and the outputs recorded for review in one transaction with their ledger event."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gongshu.errors import GongshuError
from gongshu.grants.agreements import in_force
from gongshu.grants.models import Agreement
from gongshu.identity import SYSTEM, event
from gongshu.platform import Platform, UnitOfWork
from gongshu.sandbox import budget, failures, outputs
from gongshu.sandbox.access import GrantedTable, granted_tables, input_codes, inputs_json
from gongshu.sandbox.audit import Cells
from gongshu.sandbox.errors import BudgetExhausted, EngineError, SqlRefused, StaleAudit
from gongshu.sandbox.jobs import agreement_of, privacy
from gongshu.sandbox.models import Job, JobOutput, QueryRecord
from gongshu.sandbox.spec import ControlConfig, Finding
from gongshu.sandbox.states import JOB_TRANSITIONS, JobStatus, check_move

LOG = logging.getLogger(__name__)
WORKER = SYSTEM  # jobs run as the platform; the ledger names the worker in the detail


@dataclass
class Outcome:
    """What a run produced, before it is recorded."""

    produced: list[outputs.Produced] = field(default_factory=list)
    control: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # automatic checks and runtime rules
    epsilon: float = 0.0
    population: tuple[str, str] | None = None  # (source, where) of a SQL query
    cells: Cells | None = None  # what a SQL query without DP released, for the query audit
    audit_seen: int | None = None  # the agreement's release count the cells were audited against
    log: str = ""


Population = tuple[str, str]  # (source, where) of a SQL query without DP, as the differencing control keeps it


class Refusal(Exception):
    """A run-time rule refused the job (differencing, output control, automatic checks); ``population``, the query's
    when one was computed, goes into the agreement's history as a release's would."""

    def __init__(self, finding: Finding, log: str = "", population: Population | None = None) -> None:
        super().__init__(finding.rule)
        self.finding = finding
        self.log = log
        self.population = population


class Failure(Exception):
    """A run that read the data broke (``error``: an engine error, a limit); ``population`` as for Refusal."""

    def __init__(self, error: GongshuError, population: Population | None = None) -> None:
        super().__init__(error.code)
        self.error = error
        self.population = population


@dataclass(frozen=True)
class Charge:
    """A failed or refused run read the data: it is charged as a release (ε under DP; without DP, one release and
    its population in the query history)."""

    population: Population | None = None


@dataclass(frozen=True)
class Context:
    """What a run needs, read in one short transaction."""

    number: str
    kind: str
    code: str
    entry: str
    declared: list[str]
    dp: bool
    epsilon: float
    engine: str
    agreement_id: int
    tables: list[GrantedTable]
    control: ControlConfig
    max_rows: int
    personal_without_dp: bool = False  # the agreement lets personal data out without DP (an explicit term)


Run = Callable[[Platform, Context], Outcome]


def context(uow: UnitOfWork, job: Job) -> Context | str:
    """The run's context, or why the job cannot run (its agreement is no longer in force)."""
    agreement = agreement_of(uow, job)
    if not in_force(agreement, uow.clock.now()):
        return f"agreement {agreement.number} is no longer in force ({agreement.status})"
    p = privacy(agreement)
    dom = p.get("dominance", {})
    cfg = ControlConfig(
        min_cell=int(p.get("min_cell_count", uow.settings.default_min_cell)),
        dominance_n=int(dom.get("n", 2)),
        dominance_threshold=float(dom.get("threshold", 0.9)),
        epsilon=job.epsilon if job.dp else 0.0,
        rows_per_person=job.rows_per_person,
        groups_per_person=job.groups_per_person,
    )
    return Context(
        number=job.number,
        kind=job.kind,
        code=job.code,
        entry=job.entry,
        declared=json.loads(job.declared_outputs),
        dp=job.dp,
        epsilon=job.epsilon,
        engine=job.engine,
        agreement_id=agreement.id,
        tables=granted_tables(uow, agreement),
        control=cfg,
        max_rows=uow.settings.max_output_rows,
        personal_without_dp=bool(p.get("personal_without_dp", False)),
    )


def _job(uow: UnitOfWork, number: str) -> Job:
    return uow.session.execute(select(Job).where(Job.number == number)).scalar_one()


def fail(
    platform: Platform,
    number: str,
    status: JobStatus,
    finding: Finding,
    *,
    kind: str,
    log: str = "",
    charge: Charge | None = None,
) -> None:
    """Record a refused or failed job, charge it when it read the data (``charge``), and remove anything it wrote.

    ``finding`` is what the submitter reads: callers pass data-independent words only (``failures``)."""
    outputs.discard(platform.settings.jobs_dir, number)
    with platform.uow(write=True) as uow:
        job = _job(uow, number)
        if job.status != JobStatus.RUNNING.value:
            return  # the lease was lost and someone else settled it
        check_move(JOB_TRANSITIONS, job.status, status.value, f"作业 {number}")
        agreement = agreement_of(uow, job)
        charged = _charge(uow, job, agreement, charge) if charge is not None else {}
        job.status, job.finished_at = status.value, uow.clock.now()
        error = {"kind": kind, "rule": finding.rule, "zh": finding.zh, "en": finding.en, "place": finding.place}
        job.error = json.dumps(error, ensure_ascii=False)
        job.log = log[-65536:]
        payload = {**error, "code_sha256": job.code_hash, **charged}
        action = "job.refuse" if status is JobStatus.REFUSED else "job.fail"
        uow.record(replace(event(WORKER, action, "job", number, payload, **payload), agreement=agreement.number))
        uow.commit()


def _charge(uow: UnitOfWork, job: Job, agreement: Agreement, charge: Charge) -> dict[str, Any]:
    """Charge a run that read the data as finish() charges a release: its ε (or what is left) under DP; without DP
    one release counted and its population kept for the differencing control."""
    if job.dp:
        before = budget.budget_of(uow, agreement).spent
        spent = budget.spend_up_to(uow, agreement, job.epsilon).spent - before
        return {"epsilon_spent": spent}
    if job.kind != "sql":
        return {}
    budget.count_failure(uow, agreement)
    if charge.population is not None:
        source, where = charge.population
        uow.session.add(
            QueryRecord(
                agreement_id=agreement.id,
                job_id=job.id,
                source=source,
                population=where,
                dp=False,
                created_at=uow.clock.now(),
            )
        )
    return {}


def finish(platform: Platform, number: str, out: Outcome, tables: list[GrantedTable]) -> str:
    """Publish the outputs and put the job in review, spending ε in the same transaction."""
    jobs_dir = platform.settings.jobs_dir
    with platform.uow(write=True) as uow:
        job = _job(uow, number)
        if job.status != JobStatus.RUNNING.value:
            outputs.discard(jobs_dir, number)
            return job.status
        agreement = agreement_of(uow, job)
        if out.epsilon:
            budget.charge(uow, agreement, out.epsilon)  # raises BudgetExhausted: nothing is recorded
        if out.cells is not None:
            budget.count_release(uow, agreement, out.audit_seen or 0)  # raises StaleAudit: nothing is recorded
        if out.population is not None:
            uow.session.add(
                QueryRecord(
                    agreement_id=agreement.id,
                    job_id=job.id,
                    source=out.population[0],
                    population=out.population[1],
                    dp=job.dp,
                    cells_source=out.cells.universe if out.cells else None,
                    cells=out.cells.to_json() if out.cells else None,
                    created_at=uow.clock.now(),
                )
            )
        folder = outputs.publish(jobs_dir, number)
        uow.on_rollback(lambda: outputs.discard(jobs_dir, number))
        hashes = {}
        for p in out.produced:
            path = folder / p.name
            digest = outputs.sha256_of(path)
            hashes[p.name] = digest
            uow.session.add(
                JobOutput(
                    job_id=job.id,
                    name=p.name,
                    kind=p.kind,
                    path=f"{number}/{p.name}",
                    sha256=digest,
                    bytes=path.stat().st_size,
                    rows=p.rows,
                    preview=outputs.preview_json(p),
                )
            )
        job.inputs = inputs_json([t for t in tables if t.code in input_codes(job.inputs)])
        job.control_report = json.dumps(out.control, ensure_ascii=False)
        job.checks = json.dumps([asdict(f) for f in out.findings], ensure_ascii=False)
        job.log = out.log[-65536:]
        job.status, job.finished_at = JobStatus.IN_REVIEW.value, uow.clock.now()
        payload = {
            "inputs": json.loads(job.inputs),
            "code_sha256": job.code_hash,
            "outputs": hashes,
            "epsilon_spent": out.epsilon,
            "protections": out.control.get("protections", []),
        }
        uow.record(replace(event(WORKER, "job.finish", "job", number, payload, **payload), agreement=agreement.number))
        uow.commit()
        return job.status


AUDIT_ATTEMPTS = 5  # runs of one job whose audit another release overtook, before it fails


def execute(platform: Platform, number: str, run_sql: Run, run_python: Run) -> str:
    """Run a job this worker has claimed (status running) to its next status; never raises for the job's
    own failures, which are recorded on the job."""
    with platform.uow() as uow:
        ctx = context(uow, _job(uow, number))
    if isinstance(ctx, str):
        fail(
            platform,
            number,
            JobStatus.FAILED,
            Finding("agreement", False, "授权协议已失效，作业停止", ctx),
            kind="agreement",
        )
        return JobStatus.FAILED.value
    population: Population | None = None
    try:
        for _attempt in range(AUDIT_ATTEMPTS):
            out = (run_sql if ctx.kind == "sql" else run_python)(platform, ctx)
            population = out.population
            failed = [f for f in out.findings if not f.passed]
            if failed:
                raise Refusal(failed[0], out.log, population)
            try:
                return finish(platform, number, out, ctx.tables)
            except StaleAudit:
                continue
        raise Refusal(Finding(failures.AUDIT_BUSY, False, "", ""), population=population)
    except SqlRefused as e:  # the policy again (grades may have changed): nothing read, nothing charged
        fail(platform, number, JobStatus.REFUSED, Finding(e.rule, False, e.zh, e.en, e.place), kind="policy")
        return JobStatus.REFUSED.value
    except Refusal as e:
        shown = failures.shown(e.finding)
        fail(platform, number, JobStatus.REFUSED, shown, kind="control", log=e.log, charge=Charge(e.population))
        return JobStatus.REFUSED.value
    except BudgetExhausted as e:  # ran, then could not pay: what is left is spent
        fail(platform, number, JobStatus.FAILED, Finding("budget", False, e.zh, e.en), kind="budget", charge=Charge())
        return JobStatus.FAILED.value
    except (Failure, EngineError) as e:
        error, population = (e.error, e.population) if isinstance(e, Failure) else (e, None)
        _failed(platform, number, error, Charge(population))
        return JobStatus.FAILED.value
    except GongshuError as e:
        _failed(platform, number, e, Charge())
        return JobStatus.FAILED.value
    except Exception as e:  # a fault of ours or a value nobody expected: the one generic failure, still charged
        LOG.error("job %s failed at run time: %s", number, type(e).__name__)  # the type only: messages hold values
        fail(platform, number, JobStatus.FAILED, failures.run_failed(), kind="failed", charge=Charge())
        return JobStatus.FAILED.value


def _failed(platform: Platform, number: str, e: GongshuError, charge: Charge) -> None:
    """Record a run-time error: an engine's in setting-only words or as the one failure; others (the Python
    worker's) as they are."""
    if isinstance(e, EngineError):
        fail(platform, number, JobStatus.FAILED, failures.engine_failure(e), kind=e.kind, charge=charge)
        return
    kind = str(e.values.get("kind", e.code))
    finding = Finding(kind, False, e.zh, e.en)
    fail(platform, number, JobStatus.FAILED, finding, kind=kind, log=getattr(e, "log", ""), charge=charge)


def staging(platform: Platform, number: str) -> Path:
    d = outputs.staging_dir(platform.settings.jobs_dir, number)
    d.mkdir(parents=True, exist_ok=True)
    return d
