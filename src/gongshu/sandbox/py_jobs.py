"""A Python job's run: the granted items of each table projected to read-only Parquet inputs, the
developer's module in the isolated worker, then its declared outputs checked by the platform (never by what
the job declares) and staged for review.

What the submitter may learn of a run depends on no data: a run that did not complete — whatever its exit
code, exception, limit or output type — fails with one message (rule ``run-failed``); a refused output names
its rule and file only. Everything else (exit code, reason, what the job printed, the full finding) goes to the
job's log, for reviewers."""

from __future__ import annotations

import shutil
import traceback
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gongshu.errors import GongshuError
from gongshu.platform import Platform
from gongshu.sandbox import outputs
from gongshu.sandbox.checks import CheckConfig, OutputFile, run_checks
from gongshu.sandbox.contents import read_table
from gongshu.sandbox.errors import IsolationError
from gongshu.sandbox.isolation.bubblewrap import BubblewrapIsolation
from gongshu.sandbox.isolation.formats import validate_output
from gongshu.sandbox.isolation.ports import PyLimits, PyRun
from gongshu.sandbox.leaks import protected_values
from gongshu.sandbox.runner import Context, Outcome, Refusal, staging
from gongshu.sandbox.spec import PERSON_TYPES, Finding

RUN_FAILED = "run-failed"
FAILED_ZH, FAILED_EN = "作业运行失败", "the job failed"
# What the submitter reads of a refusal: the rule and the file, never what the check found in it.
REFUSED = {
    "output-format": ("产出文件格式不符合要求", "the output file is not in an allowed format"),
    "file-type": ("产出文件类型不被允许", "the output file type is not allowed"),
    "size-cap": ("产出超过大小上限", "the output is larger than the cap"),
    "row-cap": ("表格产出超过行数上限", "the table output has more rows than the cap"),
    "declared-outputs": ("声明的产出未全部生成", "not every declared output was produced"),
    "identifier-columns": ("表格产出含标识符列", "the table output has an identifier column"),
    "output-control": ("未通过输出控制", "did not pass output control"),
}
REASON = {
    "timeout": "wall-time limit",
    "memory": "memory limit",
    "cpu": "CPU-time limit",
    "processes": "process limit",
    "file_size": "file-size limit",
    "network": "network access (blocked)",
    "files": "access to a file outside the inputs (blocked)",
    "error": "an error in the program",
}


def limits(platform: Platform) -> PyLimits:
    s = platform.settings
    return PyLimits(
        cpu_seconds=s.py_cpu_seconds,
        memory_mb=s.py_memory_mb,
        processes=s.py_processes,
        file_mb=s.py_file_mb,
        wall_seconds=float(s.py_wall_seconds),
    )


def personal(ctx: Context) -> bool:
    """Whether an input is about persons (grading found its person identifiers), holds a personal item, or has an
    item detected as a person's identifier."""
    return any(
        t.spec.personal or c.personal or c.type in PERSON_TYPES for t in ctx.tables for c in t.spec.columns.values()
    )


def _project(ctx: Context, folder: Path) -> dict[str, Path]:
    """Each granted table with only its granted items, as the job's read-only inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for t in ctx.tables:
        path = folder / f"{t.spec.name}.parquet"
        pq.write_table(pq.read_table(t.path, columns=list(t.spec.columns)), path)
        out[t.spec.name] = path
    return out


def failed(log: str, note: str) -> IsolationError:
    """The one failure a submitter sees; ``note`` (what happened) is added to the log, for reviewers."""
    err = IsolationError(RUN_FAILED, FAILED_ZH, FAILED_EN)
    err.log = f"{log.rstrip()}\n[gongshu] {note}\n".lstrip()  # type: ignore[attr-defined]
    return err


def refused(finding: Finding, log: str, name: str = "") -> Refusal:
    """A refusal naming its rule and the output ``name`` (declared at submission); the check's own words,
    which may name columns or counts, go to the log, for reviewers."""
    zh, en = REFUSED.get(finding.rule, (finding.zh, finding.en))
    if finding.rule in REFUSED and name:
        zh, en = f"{name}：{zh}", f"{name}: {en}"
    note = f"[gongshu] refused [{finding.rule}]: {finding.zh} / {finding.en} ({finding.place})"
    return Refusal(Finding(finding.rule, False, zh, en, name), f"{log.rstrip()}\n{note}\n".lstrip())


def run_python(platform: Platform, ctx: Context) -> Outcome:
    work = platform.settings.jobs_dir / ".work" / ctx.number
    try:
        try:
            run = _run(platform, ctx, work)
        except GongshuError:
            raise
        except Exception as e:  # the inputs or the sandbox, before the job's code ran: this job fails alone
            raise failed("", "the sandbox could not start: " + _one_line(e)) from e
        if run.status != "succeeded":
            raise failed(run.log, f"stopped: {REASON.get(run.reason, run.reason)} (exit code {run.exit_code})")
        missing = [n for n in ctx.declared if n not in run.outputs]
        if missing:
            raise refused(
                Finding("declared-outputs", False, f"未生成：{', '.join(missing)}", f"missing: {', '.join(missing)}"),
                run.log,
            )
        try:
            return _collect(platform, ctx, run)
        except Refusal:
            raise
        except Exception as e:
            raise failed(run.log, "outputs could not be read: " + _one_line(e)) from e
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _one_line(e: BaseException) -> str:
    return "".join(traceback.format_exception_only(e)).strip()


def _run(platform: Platform, ctx: Context, work: Path) -> PyRun:
    inputs = _project(ctx, work / "in")
    isolation = BubblewrapIsolation()
    try:
        return isolation.run(
            work, code=ctx.code, entry=ctx.entry, inputs=inputs, outputs=ctx.declared, limits=limits(platform)
        )
    except IsolationError as e:
        if e.kind in ("unavailable", "invalid"):  # the platform or the declared names, before anything ran
            raise
        raise failed("", f"the sandbox stopped: {e.en}") from e


def _collect(platform: Platform, ctx: Context, run: PyRun) -> Outcome:
    """Check every output where the job left it, then stage what passed (tables rewritten, files copied)."""
    files = [_output(name, path) for name, path in run.outputs.items()]
    cfg = _config(platform, ctx)
    findings = []
    for f in files:
        found = run_checks([f], cfg)
        bad = next((x for x in found if not x.passed), None)
        if bad is not None:
            raise refused(bad, run.log, f.name)
        findings += found
    folder = staging(platform, ctx.number)
    produced = [_stage(folder, f) for f in files]
    return Outcome(produced=produced, control=_report(files), findings=findings, log=run.log)


def _output(name: str, path: Path) -> OutputFile:
    verdict = validate_output(path)
    kind = verdict.place if verdict.passed else "refused"
    rows = read_table(path).num_rows if kind == "table" else None
    report = {"passed": True, "protections": ["input_values"], "rows_in": rows, "rows_out": rows}
    return OutputFile(path, name, kind, rows, path.stat().st_size, report if kind == "table" else None)


def _config(platform: Platform, ctx: Context) -> CheckConfig:
    s = platform.settings
    return CheckConfig(
        max_rows=s.max_output_rows,
        max_bytes=s.max_output_mb << 20,
        personal=personal(ctx),
        protected=protected_values(ctx.tables, ctx.control.min_cell),
        input_rows=max((t.spec.rows for t in ctx.tables), default=0),
        input_cells=sum(t.spec.rows * len(t.spec.columns) for t in ctx.tables),
        min_cell=ctx.control.min_cell,
    )


def _stage(folder: Path, f: OutputFile) -> outputs.Produced:
    if f.kind != "table":
        shutil.copyfile(f.path, folder / f.name)
        return outputs.Produced(f.name, f.kind, folder / f.name)
    table = read_table(f.path)
    if f.name.lower().endswith(".csv"):
        return outputs.write_table(folder, f.name, table)
    return _parquet(folder, f.name, table)


def _report(files: list[OutputFile]) -> dict:
    """Tables of a Python job are released on non-personal inputs only, after the input-value check."""
    control = {f.name: f.control_report for f in files if f.control_report is not None}
    return {"outputs": control, "protections": ["input_values"] if control else []}


def _parquet(folder: Path, name: str, table: pa.Table) -> outputs.Produced:
    pq.write_table(table, folder / name)
    return outputs.Produced(name, "table", folder / name, table.num_rows, outputs.preview(table))
