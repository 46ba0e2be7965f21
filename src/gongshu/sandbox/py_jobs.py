"""A Python job's run: the granted items of each table projected to read-only Parquet inputs, the
developer's module in the isolated worker, then its declared outputs validated, table outputs put
through the same output control as SQL results, and everything staged for the automatic checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gongshu.platform import Platform
from gongshu.sandbox import outputs
from gongshu.sandbox.checks import CheckConfig, OutputFile, run_checks
from gongshu.sandbox.control import protect
from gongshu.sandbox.control.report import report_dict
from gongshu.sandbox.errors import IsolationError
from gongshu.sandbox.isolation.bubblewrap import BubblewrapIsolation
from gongshu.sandbox.isolation.formats import validate_output
from gongshu.sandbox.isolation.ports import PyLimits, PyRun
from gongshu.sandbox.runner import Context, Outcome, Refusal, staging
from gongshu.sandbox.spec import ControlConfig, Finding, OutputColumn

COUNT_COLUMN = "__n"  # a table output states the persons behind each row, as SQL results do
REASON_ZH = {
    "timeout": "超过运行时限",
    "memory": "超过内存上限",
    "cpu": "超过 CPU 时间上限",
    "processes": "超过进程数上限",
    "file_size": "写入文件超过大小上限",
    "network": "试图访问网络（已阻断）",
    "files": "试图读取未授权的文件（已阻断）",
    "error": "程序出错",
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


def _project(ctx: Context, folder: Path) -> dict[str, Path]:
    """Each granted table with only its granted items, as the job's read-only inputs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for t in ctx.tables:
        path = folder / f"{t.spec.name}.parquet"
        pq.write_table(pq.read_table(t.path, columns=list(t.spec.columns)), path)
        out[t.spec.name] = path
    return out


def _failed(run: PyRun) -> IsolationError:
    err = IsolationError(
        run.reason or "error",
        f"Python 作业未完成：{REASON_ZH.get(run.reason or 'error', run.reason)}（退出码 {run.exit_code}）",
        f"the Python job did not complete: {run.reason or 'error'} (exit code {run.exit_code})",
    )
    err.log = run.log  # type: ignore[attr-defined]
    return err


def run_python(platform: Platform, ctx: Context) -> Outcome:
    work = platform.settings.jobs_dir / ".work" / ctx.number
    try:
        inputs = _project(ctx, work / "in")
        run = BubblewrapIsolation().run(
            work, code=ctx.code, entry=ctx.entry, inputs=inputs, outputs=ctx.declared, limits=limits(platform)
        )
        if run.status != "succeeded":
            raise _failed(run)
        missing = [n for n in ctx.declared if n not in run.outputs]
        if missing:
            raise Refusal(
                Finding(
                    "declared-outputs",
                    False,
                    f"声明的产出未生成：{', '.join(missing)}",
                    f"declared outputs were not produced: {', '.join(missing)}",
                ),
                run.log,
            )
        return _collect(platform, ctx, run)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _collect(platform: Platform, ctx: Context, run: PyRun) -> Outcome:
    folder = staging(platform, ctx.number)
    produced, files, control = [], [], {}
    for name, path in run.outputs.items():
        verdict = validate_output(path)
        if not verdict.passed:
            raise Refusal(verdict, run.log)
        kind = verdict.place or "table"  # validate_output names the kind in ``place``
        if kind == "table":
            table, report = _controlled(_read(path), ctx)
            control[name] = report
            p = outputs.write_table(folder, name, table) if name.endswith(".csv") else _parquet(folder, name, table)
        else:
            shutil.copyfile(path, folder / name)
            p = outputs.Produced(name, kind, folder / name)
        produced.append(p)
        files.append(
            OutputFile(
                path=p.path,
                name=p.name,
                kind=p.kind,
                rows=p.rows,
                bytes=p.path.stat().st_size,
                control_report=control.get(name),
            )
        )
    cfg = CheckConfig(max_rows=platform.settings.max_output_rows, max_bytes=platform.settings.max_output_mb << 20)
    findings = run_checks(files, cfg)
    merged = {
        "outputs": control,
        "protections": sorted({p for r in control.values() for p in r.get("protections", [])}),
    }
    return Outcome(produced=produced, control=merged, findings=findings, log=run.log)


def _parquet(folder: Path, name: str, table: pa.Table) -> outputs.Produced:
    pq.write_table(table, folder / name)
    return outputs.Produced(name, "table", folder / name, table.num_rows, outputs.preview(table))


def _read(path: Path) -> pa.Table:
    return pq.read_table(path) if path.suffix == ".parquet" else pacsv.read_csv(path)


def _controlled(table: pa.Table, ctx: Context) -> tuple[pa.Table, dict]:
    """The same output control as a SQL result: text columns are the groups, numbers the aggregates,
    ``__n`` the persons behind each row (required)."""
    if COUNT_COLUMN not in table.column_names:
        raise Refusal(
            Finding(
                "count-column",
                False,
                "表格产出须包含 __n 列（每行汇总的人数或主体数），以便执行最小单元格规则",
                "a table output must have a __n column (persons or entities behind each row) "
                "so the minimum cell rule can apply",
            )
        )
    names = [c for c in table.column_names if c != COUNT_COLUMN]
    columns = [_column(c, table.schema.field(c).type) for c in names]
    cfg = ControlConfig(min_cell=ctx.control.min_cell, rounding=ctx.control.rounding)  # no DP, no dominance inputs
    controlled, report = protect(table.select([*names, COUNT_COLUMN]), columns, cfg, bounds={})
    return controlled, report_dict(report)


def _column(name: str, type_: pa.DataType) -> OutputColumn:
    """Numbers are additive aggregates; everything else is a group key."""
    if pa.types.is_integer(type_) or pa.types.is_floating(type_):
        return OutputColumn(name=name, role="aggregate", aggregate="sum")
    return OutputColumn(name=name, role="group")
