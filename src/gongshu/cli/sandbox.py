"""`gongshu sample`, `gongshu job ...` and `gongshu worker`: the trusted environment (可信环境) from the
command line — synthetic samples, SQL and Python jobs, their review (一模型一审定) and the job workers."""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from gongshu.cli.common import AS_USER, acting, handled, platform, print_json
from gongshu.errors import Invalid
from gongshu.platform import Platform
from gongshu.sandbox import jobs, model_downloads, queue, review, samples
from gongshu.sandbox.states import FINAL, LABELS
from gongshu.sandbox.views import job_view

job_app = typer.Typer(
    help="作业 jobs on real data: submit, status, list, output, review, queue, cancel, dispose", no_args_is_help=True
)

JSON_OUT = typer.Option(False, "--json", help="print JSON")
SETTLED = {s.value for s in FINAL} | {"in_review"}


def _label(status: str) -> str:
    return f"{LABELS[status][0]} {status}"


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as e:
        raise Invalid(f"无法写入 {path}：{e}", f"cannot write {path}: {e}") from e


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise Invalid(f"无法读取 {path}：{e}", f"cannot read {path}: {e}") from e


# -- gongshu sample ------------------------------------------------------------------------------


@handled
def sample(
    agreement: str = typer.Argument(..., help="the agreement number, e.g. XY-2026-00001"),
    code: str = typer.Argument(..., help="the code of a granted resource"),
    fmt: str = typer.Option("csv", "--format", help="csv or parquet"),
    out: Path | None = typer.Option(None, "-o", "--output", help="write here (default: the sample's file name)"),
    as_user: str | None = AS_USER,
) -> None:
    """样本数据: download a synthetic sample of a granted resource (the real schema, fake values)."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        filename, body = samples.sample(uow, actor, agreement, code, fmt)
    target = out or Path(filename)
    _write(target, body)
    typer.echo(f"{target}（{len(body)} 字节）/ sample written")


# -- gongshu job ...------------------------------------------------------------------------------


def _view(number: str, as_user: str | None, *, with_code: bool = True) -> dict[str, Any]:
    actor = acting(as_user)
    with platform().uow() as uow:
        return job_view(uow, actor, jobs.get_job(uow, actor, number), with_code=with_code)


def _code_of(sql: str | None, sql_file: Path | None, python: Path | None) -> tuple[str, str]:
    given = [(k, v) for k, v in (("sql", sql), ("sql", sql_file), ("python", python)) if v is not None]
    if len(given) != 1:
        raise typer.BadParameter("give exactly one of --sql, --sql-file and --python")
    kind, value = given[0]
    return kind, value if isinstance(value, str) else _read(value)


@job_app.command("submit")
@handled
def submit(
    agreement: str = typer.Argument(..., help="the agreement number"),
    sql: str | None = typer.Option(None, "--sql", metavar="TEXT", help="the query (DuckDB dialect)"),
    sql_file: Path | None = typer.Option(None, "--sql-file", exists=True, dir_okay=False, help="the query from a file"),
    python: Path | None = typer.Option(None, "--python", exists=True, dir_okay=False, help="a Python model (.py)"),
    entry: str = typer.Option("main", "--entry", help="Python: the entry function entry(inputs, outputs)"),
    output: list[str] = typer.Option([], "--output", metavar="NAME", help="Python: a declared output file"),
    dp: bool = typer.Option(False, "--dp", help="answer with differential privacy (spends ε)"),
    epsilon: float | None = typer.Option(None, "--epsilon", min=0.0, help="ε for this query (with --dp)"),
    rows_per_person: int = typer.Option(
        0, "--rows-per-person", min=0, max=1024, help="with --dp: rows each person contributes (0: estimated)"
    ),
    groups_per_person: int = typer.Option(
        0, "--groups-per-person", min=0, max=1024, help="with --dp: groups each person contributes to (0: estimated)"
    ),
    title: str = typer.Option("", "--title", help="a short title"),
    wait: bool = typer.Option(False, "--wait", help="wait until the job has run, then print its status"),
    as_user: str | None = AS_USER,
) -> None:
    """Submit a SQL query or a Python model to run on the real data; prints the job number.

    A query the policy refuses is reported with its rule and place, and no job is made."""
    kind, code = _code_of(sql, sql_file, python)
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        if kind == "sql":
            job = jobs.submit_sql(
                uow,
                actor,
                agreement,
                code,
                dp=dp,
                epsilon=epsilon,
                title=title,
                rows_per_person=rows_per_person,
                groups_per_person=groups_per_person,
            )
        else:
            job = jobs.submit_python(uow, actor, agreement, code, entry=entry, outputs=output, title=title)
        number = job.number
    typer.echo(number)
    if wait:
        _wait(number, as_user)


def _wait(number: str, as_user: str | None, poll: float = 0.5) -> None:
    while (status := _view(number, as_user, with_code=False)["status"]) not in SETTLED:
        time.sleep(poll)
    typer.echo(f"{number} {_label(status)}", err=True)


@job_app.command("status")
@handled
def status(
    number: str = typer.Argument(..., help="the job number, e.g. ZY-2026-00001"),
    json_out: bool = JSON_OUT,
    as_user: str | None = AS_USER,
) -> None:
    """A job: status, inputs, policy and output-control reports, checks, output previews and reviews."""
    view = _view(number, as_user)
    if json_out:
        print_json(view)
        return
    for line in describe(view):
        typer.echo(line)


def describe(v: dict[str, Any]) -> list[str]:
    """The human-readable lines of a job view."""
    dp = f"  DP ε={v['epsilon']:g}" if v["dp"] else ""
    lines = [f"{v['number']} {_label(v['status'])}  {v['kind']} · {v['engine']}{dp}  协议 {v['agreement']}"]
    lines += [
        f"  输入 input: {i['code']} ({i['table']}) v{i['version']} sha256 {i['sha256'][:16]}" for i in v["inputs"]
    ]
    lines.append(f"  代码 code sha256 {v['code_sha256'][:16]}")
    if v["error"]:
        lines.append(f"  原因 reason: {v['error'].get('zh', '')} / {v['error'].get('en', '')}")
    control = v["control_report"]
    if control:
        lines.append(
            f"  输出控制 output control: {', '.join(control.get('protections', []))}; "
            f"抑制 suppressed {control.get('suppressed_primary', 0)}+{control.get('suppressed_secondary', 0)}; "
            f"ε {control.get('epsilon_spent', 0):g}"
        )
    for o in v["outputs"]:
        rows = f", {o['rows']} 行 rows" if o["rows"] is not None else ""
        lines.append(f"  产出 output: {o['name']} ({o['kind']}, {o['bytes']} B{rows}) sha256 {o['sha256'][:16]}")
        if o["columns"] and not o["preview"]:
            lines.append("    列 columns: " + " | ".join(o["columns"]))
        lines += _content_lines(o)
    if v["outputs"] and not v["values_shown"]:
        lines.append("  产出内容审定通过后可见 / the outputs' values are shown once approved")
    if v["log"]:
        lines.append("  程序输出 log:")
        lines += ["    " + line for line in v["log"].splitlines()[-40:]]
    for r in v["reviews"]:
        lines.append(f"  审定 review: {r['reviewer']} ({r['org']}) {r['decision']} {r['comment']}".rstrip())
        if r["checklist"]:
            lines.append(
                "    清单 checklist: " + ", ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in r["checklist"].items())
            )
    if v["auto_released"]:
        lines.append("  按协议条款自动发布 / released automatically under the agreement's auto_release_dp term")
    for d in v["disposals"]:
        lines.append(f"  处置 disposal: {d['label']} {d['kind']} · {d['recorded_by']} {d['note']}".rstrip())
    return lines


def _content_lines(o: dict[str, Any]) -> list[str]:
    """What a reviewer reads of an output (table rows, JSON, text, ONNX or skops summary)."""
    c = o["content"] or ({"type": "table", **o["preview"]} if o["preview"] else None)
    if not c:
        return []
    if c["type"] == "table":
        head = ["    " + " | ".join(c["columns"])]
        return head + ["    " + " | ".join("已抑制" if x is None else str(x) for x in row) for row in c["rows"][:20]]
    if c["type"] in ("json", "text"):
        return ["    " + line for line in c["text"].splitlines()[:40]]
    shown = {k: v for k, v in c.items() if k != "type"}
    return ["    " + line for line in json.dumps(shown, ensure_ascii=False, indent=1).splitlines()[:60]]


def _rows(views: list[dict[str, Any]]) -> None:
    for v in views:
        typer.echo(f"{v['number']}  {v['agreement']}  {v['kind']:<6} {_label(v['status']):<20} {v['title']}")


@job_app.command("list")
@handled
def list_(
    state: str | None = typer.Option(None, "--status", help="only jobs in this status, e.g. in_review"),
    json_out: bool = JSON_OUT,
    as_user: str | None = AS_USER,
) -> None:
    """The jobs you may see, newest first."""
    actor = acting(as_user)
    with platform().uow() as uow:
        views = [job_view(uow, actor, j, with_code=False) for j in jobs.list_jobs(uow, actor, status=state)]
    if json_out:
        print_json(views)
    else:
        _rows(views)


@job_app.command("queue")
@handled
def queue_(json_out: bool = JSON_OUT, as_user: str | None = AS_USER) -> None:
    """审定队列: jobs in review you may decide and have not decided yet."""
    actor = acting(as_user)
    with platform().uow() as uow:
        views = [job_view(uow, actor, j, with_code=False) for j in review.review_queue(uow, actor)]
    if json_out:
        print_json(views)
    else:
        _rows(views)


@job_app.command("output")
@handled
def output(
    number: str = typer.Argument(..., help="the job number"),
    name: str = typer.Argument(..., help="the output file, e.g. result.csv"),
    out: Path | None = typer.Option(None, "-o", "--output", help="write here (default: NAME)"),
    as_user: str | None = AS_USER,
) -> None:
    """Download an approved output (only the submitting organization, only once approved)."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        produced, path = review.output_file(uow, actor, number, name)
        data = path.read_bytes()
    target = out or Path(produced.name)
    _write(target, data)
    typer.echo(f"{target}（{len(data)} 字节，sha256 {produced.sha256[:16]}）/ output written")


@job_app.command("approve-model-download")
@handled
def approve_model_download(
    number: str = typer.Argument(..., help="the job number"),
    name: str = typer.Argument(..., help="the model file, e.g. model.onnx"),
    as_user: str | None = AS_USER,
) -> None:
    """Models stay inside: let an approved job's model file be downloaded (data bureau; memorization checked)."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        out = model_downloads.approve_model_download(uow, actor, number, name)
        typer.echo(f"{number} {out.name}：已批准下载 / download approved")


@job_app.command("review")
@handled
def decide(
    number: str = typer.Argument(..., help="the job number"),
    decision: str = typer.Argument(..., metavar="approve|reject"),
    comment: str = typer.Option("", "--comment", help="your comment (required)"),
    checks: list[str] = typer.Option(
        [],
        "--check",
        metavar="ITEM",
        help="a checklist item you confirm: usability, consistency, compliance, security (an approval needs all four)",
    ),
    as_user: str | None = AS_USER,
) -> None:
    """一模型一审定: approve or reject a job's outputs with the checklist (可用性、一致性、合规性、安全性) and a
    comment (two independent reviewers release them)."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        job = review.decide(uow, actor, number, decision, comment, checks)
        typer.echo(f"{job.number} {_label(job.status)}")


@job_app.command("dispose")
@handled
def dispose(
    number: str = typer.Argument(..., help="the job number"),
    kind: str = typer.Argument(..., metavar="returned|destroyed"),
    note: str = typer.Option("", "--note", help="how, when, by whom"),
    as_user: str | None = AS_USER,
) -> None:
    """归还 / 销毁: record that what a job delivered was returned or destroyed, once its agreement has ended."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        review.record_disposal(uow, actor, number, kind, note)
    typer.echo(f"{number} {review.DISPOSALS[kind][0]} {kind}")


@job_app.command("cancel")
@handled
def cancel(number: str = typer.Argument(..., help="the job number"), as_user: str | None = AS_USER) -> None:
    """Withdraw a job that has not started."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        job = jobs.cancel(uow, actor, number)
        typer.echo(f"{job.number} {_label(job.status)}")


# -- gongshu worker ------------------------------------------------------------------------------


def make_worker(p: Platform) -> queue.Worker:
    from gongshu.sandbox.work import execute  # the engines load only where jobs run

    return queue.Worker(p, execute)


@contextmanager
def job_workers(p: Platform, *, join_seconds: float = 30.0) -> Iterator[list[queue.Worker]]:
    """``settings.job_workers`` workers in daemon threads for the life of the block (0: none); on leaving,
    each finishes its current job and stops (a job still running after ``join_seconds`` is left to the
    lease: the next worker's recovery marks it failed)."""
    workers = [make_worker(p) for _ in range(p.settings.job_workers)]
    threads = [
        threading.Thread(target=w.run_forever, name=f"gongshu-job-worker-{i}", daemon=True)
        for i, w in enumerate(workers)
    ]
    for t in threads:
        t.start()
    try:
        yield workers
    finally:
        for w in workers:
            w.stop.set()
        for t in threads:
            t.join(timeout=join_seconds)


def _forever() -> None:
    """A worker process: its own platform from GONGSHU_* settings, until terminated."""
    from gongshu.config import Settings

    make_worker(Platform(Settings())).run_forever()


@handled
def worker(
    once: bool = typer.Option(False, "--once", help="run the jobs waiting now, then exit"),
    processes: int = typer.Option(1, "--processes", min=1, max=64, help="worker processes to run"),
) -> None:
    """Run queued jobs (after marking failed any job whose worker was lost)."""
    if once:
        w = make_worker(platform())
        for lost in queue.recover(w.platform):
            typer.echo(f"{lost} 执行进程已中止，作业失败 / worker lost, job failed", err=True)
        while (number := w.run_one()) is not None:
            typer.echo(f"{number} {_label(_view(number, None, with_code=False)['status'])}")
        return
    if processes == 1:
        make_worker(platform()).run_forever()
        return
    _supervise(processes)


def _supervise(processes: int) -> None:
    ctx = multiprocessing.get_context("spawn")
    children = [ctx.Process(target=_forever, name=f"gongshu-worker-{i}") for i in range(processes)]
    for c in children:
        c.start()
    typer.echo(f"{processes} 个作业进程已启动 / {processes} worker processes started", err=True)
    try:
        for c in children:
            c.join()
    finally:
        for c in children:
            if c.is_alive():
                c.terminate()
                c.join()
