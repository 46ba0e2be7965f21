"""Submitting jobs (作业) under an agreement: SQL queries checked by the policy before they are queued,
Python models checked for shape; reading, listing and cancelling them."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import func, select

from gongshu.errors import Conflict, Invalid, PermissionDenied
from gongshu.grants.agreements import effective_status, get_agreement, in_force
from gongshu.grants.models import Agreement
from gongshu.identity import Actor, Permission, Role, can, check, event
from gongshu.platform import UnitOfWork
from gongshu.sandbox import budget
from gongshu.sandbox.access import GrantedTable, granted_tables, inputs_json, provider_orgs
from gongshu.sandbox.errors import JobNotFound, SqlRefused
from gongshu.sandbox.models import Job
from gongshu.sandbox.pipeline import check_query
from gongshu.sandbox.spec import Limits
from gongshu.sandbox.states import JOB_TRANSITIONS, JobStatus, check_move

OUTPUT_NAME = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,99}\.(csv|parquet|json|onnx|skops)$")
MAX_CODE = 200_000
PYTHON_RULE = "python-shape"  # the rule a refused Python submission names (entry point, outputs, size, syntax)


def _number(uow: UnitOfWork) -> str:
    n = uow.session.execute(select(func.count()).select_from(Job)).scalar_one()
    return f"ZY-{uow.clock.now().year}-{int(n) + 1:05d}"


def privacy(agreement: Agreement) -> dict[str, Any]:
    return dict(json.loads(agreement.content)["privacy"])


def check_usable(uow: UnitOfWork, actor: Actor, number: str) -> Agreement:
    """The agreement, if ``actor``'s organization is its developer and it is in force right now."""
    check(actor, Permission.JOB_SUBMIT)
    agreement = get_agreement(uow, actor, number)
    if not actor.is_system and actor.org_id != agreement.developer_org_id:
        raise PermissionDenied(
            f"只有协议 {number} 的开发利用者可以提交作业", f"only the developer of agreement {number} may submit jobs"
        )
    if not in_force(agreement, uow.clock.now()):
        status = effective_status(agreement, uow.clock.now())
        raise Conflict(
            f"协议 {number} 当前不在有效期内（{status}），不能提交作业；请先续期或恢复",
            f"agreement {number} is not in force ({status}); renew or resume it before submitting jobs",
            status=status,
        )
    return agreement


def limits(uow: UnitOfWork) -> Limits:
    return Limits(max_output_rows=uow.settings.max_output_rows)


def _engine(uow: UnitOfWork, tables: list[GrantedTable]) -> str:
    return "spark" if any(t.code in uow.settings.spark_resources for t in tables) else "duckdb"


def submit_sql(
    uow: UnitOfWork,
    actor: Actor,
    agreement_number: str,
    sql: str,
    *,
    dp: bool = False,
    epsilon: float | None = None,
    title: str = "",
    rows_per_person: int = 0,
    groups_per_person: int = 0,
) -> Job:
    """Check ``sql`` against the agreement's policy and queue it; a refused query raises SqlRefused and
    leaves no job, only its ledger event (``job.refuse_submission``: agreement, rule, code hash)."""
    agreement = check_usable(uow, actor, agreement_number)
    dp = dp or privacy(agreement).get("dp") == "required"
    eps = (epsilon if epsilon is not None else uow.settings.query_epsilon) if dp else 0.0
    if dp and not 0 < eps <= agreement.epsilon:
        raise Invalid(
            f"单次查询的 ε 须在 (0, {agreement.epsilon:g}] 内", f"a query's ε must be in (0, {agreement.epsilon:g}]"
        )
    tables = granted_tables(uow, agreement)
    try:
        analysis = check_query(
            sql,
            {t.spec.name: t.spec for t in tables},
            limits=limits(uow),
            dp=dp,
            personal_without_dp=bool(privacy(agreement).get("personal_without_dp", False)),
        )
    except SqlRefused as e:
        record_refusal(uow, actor, agreement, "sql", sql, e.rule)
        raise
    if dp:
        budget.check_available(uow, agreement, eps)
    used = [t for t in tables if t.spec.name in analysis.tables]
    job = _new(uow, actor, agreement, "sql", sql, title, inputs=inputs_json(used), engine=_engine(uow, used))
    job.dp, job.epsilon = dp, eps
    job.rows_per_person, job.groups_per_person = _bounds(dp, rows_per_person, groups_per_person)
    job.policy_report = json.dumps([asdict(f) for f in analysis.findings], ensure_ascii=False)
    _record_submit(uow, actor, job)
    return job


MAX_BOUND = 1024  # rows or groups per person a developer may give


def _bounds(dp: bool, rows: int, groups: int) -> tuple[int, int]:
    """The contribution bounds of a DP job (0: estimated privately); refused when out of range or without DP."""
    if (rows or groups) and not dp:
        raise Invalid(
            "每人行数与分组数上限只用于差分隐私查询",
            "rows and groups per person apply to differentially private queries",
        )
    if not (0 <= rows <= MAX_BOUND and 0 <= groups <= MAX_BOUND):
        raise Invalid(
            f"每人行数与分组数上限须在 0（自动估计）到 {MAX_BOUND} 之间",
            f"rows and groups per person must be between 0 (estimated) and {MAX_BOUND}",
        )
    return rows, groups


def submit_python(
    uow: UnitOfWork,
    actor: Actor,
    agreement_number: str,
    code: str,
    *,
    entry: str = "main",
    outputs: list[str],
    title: str = "",
) -> Job:
    """Queue a Python model: ``code`` defines ``entry(inputs, outputs)``; only ``outputs`` may come back."""
    agreement = check_usable(uow, actor, agreement_number)
    try:
        _check_python(code, entry, outputs)
    except Invalid as e:
        record_refusal(uow, actor, agreement, "python", code, str(e.values.get("rule", PYTHON_RULE)))
        raise
    tables = granted_tables(uow, agreement)
    job = _new(uow, actor, agreement, "python", code, title, inputs=inputs_json(tables), engine="bubblewrap")
    job.entry, job.declared_outputs = entry, json.dumps(outputs, ensure_ascii=False)
    _record_submit(uow, actor, job)
    return job


def _check_python(code: str, entry: str, outputs: list[str]) -> None:
    if len(code) > MAX_CODE:
        raise Invalid("代码过长（上限 200,000 字符）", "the code is too long (200,000 characters at most)")
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        raise Invalid(
            f"代码有语法错误：第 {e.lineno} 行 {e.msg}", f"the code has a syntax error: line {e.lineno}: {e.msg}"
        ) from e
    if not any(isinstance(n, ast.FunctionDef) and n.name == entry for n in tree.body):
        raise Invalid(
            f"代码中没有入口函数 {entry}(inputs, outputs)",
            f"the code defines no entry function {entry}(inputs, outputs)",
        )
    if not outputs or len(outputs) > 20 or len(set(outputs)) != len(outputs):
        raise Invalid("须声明 1 到 20 个不重复的产出文件", "declare 1 to 20 distinct output files")
    bad = [o for o in outputs if not OUTPUT_NAME.match(o)]
    if bad:
        raise Invalid(
            f"产出文件名不合规：{', '.join(bad)}（仅限 csv、parquet、json、onnx、skops，不得含路径）",
            f"invalid output names: {', '.join(bad)} (csv, parquet, json, onnx or skops only, no paths)",
        )


def record_refusal(uow: UnitOfWork, actor: Actor, agreement: Agreement, kind: str, code: str, rule: str) -> None:
    """Ledger a submission refused before any job was made, in a transaction of its own (the caller's is rolled
    back first, so the refused work leaves nothing else): agreement, rule and the code's hash, never its text."""
    number = agreement.number  # read before the rollback expires it (reloading would reopen the transaction)
    payload = {
        "agreement": number,
        "kind": kind,
        "rule": rule,
        "code_sha256": hashlib.sha256(code.encode()).hexdigest(),
    }
    uow.session.rollback()
    with uow.platform.uow(write=True) as own:
        own.record(
            replace(event(actor, "job.refuse_submission", "agreement", number, payload, **payload), agreement=number)
        )
        own.commit()


def _new(
    uow: UnitOfWork, actor: Actor, agreement: Agreement, kind: str, code: str, title: str, *, inputs: str, engine: str
) -> Job:
    job = Job(
        number=_number(uow),
        agreement_id=agreement.id,
        org_id=agreement.developer_org_id,
        submitted_by=actor.username,
        kind=kind,
        title=title.strip()[:200],
        status=JobStatus.QUEUED.value,
        code=code,
        code_hash=hashlib.sha256(code.encode()).hexdigest(),
        inputs=inputs,
        engine=engine,
        created_at=uow.clock.now(),
    )
    uow.session.add(job)
    uow.session.flush()
    return job


def _record_submit(uow: UnitOfWork, actor: Actor, job: Job) -> None:
    agreement = uow.session.get(Agreement, job.agreement_id)
    assert agreement is not None
    payload = {
        "agreement": agreement.number,
        "kind": job.kind,
        "code_sha256": job.code_hash,
        "inputs": json.loads(job.inputs),
        "dp": job.dp,
        "epsilon": job.epsilon,
        "engine": job.engine,
        "outputs": json.loads(job.declared_outputs),
    }
    uow.record(replace(event(actor, "job.submit", "job", job.number, payload, **payload), agreement=agreement.number))
    uow.commit()


# -- reading -------------------------------------------------------------------------------------


def can_see(uow: UnitOfWork, actor: Actor, job: Job) -> bool:
    """The developer organization, reviewers concerned (operator, providers of inputs), the bureau and regulators."""
    if actor.is_system or can(actor, Permission.JOB_READ_ALL) or actor.org_id == job.org_id:
        return True
    return actor.role is Role.PROVIDER and actor.org_id in provider_orgs(uow, job.inputs)


def get_job(uow: UnitOfWork, actor: Actor, number: str) -> Job:
    if not actor.signed_in:
        check(actor, Permission.JOB_SUBMIT)
    job = uow.session.execute(select(Job).where(Job.number == number)).scalar_one_or_none()
    if job is None or not can_see(uow, actor, job):
        raise JobNotFound(number)
    return job


def list_jobs(uow: UnitOfWork, actor: Actor, *, status: str | None = None, limit: int = 200) -> list[Job]:
    q = select(Job).order_by(Job.id.desc())
    if status:
        q = q.where(Job.status == status)
    if not (actor.is_system or can(actor, Permission.JOB_READ_ALL) or actor.role is Role.PROVIDER):
        q = q.where(Job.org_id == (actor.org_id or -1))
    rows = uow.session.execute(q.limit(limit * 4)).scalars().all()
    return [j for j in rows if can_see(uow, actor, j)][:limit]


def agreement_of(uow: UnitOfWork, job: Job) -> Agreement:
    agreement = uow.session.get(Agreement, job.agreement_id)
    assert agreement is not None
    return agreement


def cancel(uow: UnitOfWork, actor: Actor, number: str) -> Job:
    """The developer withdraws a job that has not started."""
    job = get_job(uow, actor, number)
    if not actor.is_system and actor.org_id != job.org_id:
        raise PermissionDenied("只有提交单位可以取消作业", "only the submitting organization may cancel a job")
    check_move(JOB_TRANSITIONS, job.status, JobStatus.CANCELLED.value, f"作业 {number}")
    job.status = JobStatus.CANCELLED.value
    job.finished_at = uow.clock.now()
    uow.record(event(actor, "job.cancel", "job", number))
    uow.commit()
    return job
