"""`gongshu sample`, `gongshu job ...` and `gongshu worker` over a real platform: a sample file, a query
submitted, run by the worker, reviewed by two operators and written out; refusals exit non-zero."""

from __future__ import annotations

import csv
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongshu.cli.common import use_platform
from gongshu.cli.main import app
from gongshu.cli.sandbox import job_workers
from gongshu.platform import Platform
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from sandbox_setup import ITEMS, Sandbox, build_sandbox

runner = CliRunner()
CHECKS = ("--check", "usability", "--check", "consistency", "--check", "compliance", "--check", "security")
BY_DISTRICT = 'SELECT "区县", COUNT(*) AS "人数", SUM("月收入") AS "收入合计" FROM "居民收入抽样信息" GROUP BY "区县"'


@pytest.fixture(autouse=True)
def _cli_platform(platform: Platform) -> Iterator[None]:
    use_platform(platform)
    yield
    use_platform(None)


@pytest.fixture
def sandbox(platform: Platform, tmp_path: Path) -> Sandbox:
    return build_sandbox(platform, tmp_path)


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, f"gongshu {' '.join(args)} exited {code}: {out}{err}"
    return out


def test_a_sample_is_written_with_the_granted_schema(sandbox: Sandbox, tmp_path: Path) -> None:
    target = tmp_path / "sample.csv"
    out = ok("sample", sandbox.agreement, sandbox.resource, "-o", str(target), "--as", sandbox.developer)
    assert str(target) in out
    with target.open(encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh)) == ITEMS
    parquet = tmp_path / "sample.parquet"
    ok("sample", sandbox.agreement, sandbox.resource, "--format", "parquet", "-o", str(parquet), "--as", "kfz")
    assert parquet.read_bytes()[:4] == b"PAR1"
    code, _, err = run("sample", sandbox.agreement, sandbox.resource, "--as", sandbox.outsider)
    assert code == 1 and "错误" in err


@pytest.mark.usefixtures("backend")
def test_a_job_goes_from_submission_through_the_worker_and_two_reviews_to_its_output(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    dev = ("--as", sandbox.developer)
    number = ok("job", "submit", sandbox.agreement, "--sql", BY_DISTRICT, "--title", "各区县收入", *dev).strip()
    assert number.startswith("ZY-")
    assert "排队中" in ok("job", "list", *dev)
    worked = ok("worker", "--once")
    assert number in worked and "待审定" in worked

    status = ok("job", "status", number, *dev)
    assert "待审定" in status and "区县 | 人数 | 收入合计" in status and sandbox.resource in status
    view = json.loads(ok("job", "status", number, "--json", *dev))
    assert view["status"] == "in_review" and view["outputs"][0]["name"] == "result.csv"

    code, _, err = run("job", "output", number, "result.csv", "-o", str(tmp_path / "early.csv"), *dev)
    assert code == 1 and "尚未审定通过" in err and not (tmp_path / "early.csv").exists()
    code, _, err = run("job", "review", number, "approve", "--as", sandbox.colleague)
    assert code == 1 and "error:" in err

    assert number in ok("job", "queue", "--as", "yunying1")
    assert "待审定" in ok("job", "review", number, "approve", *CHECKS, "--comment", "同意", "--as", "yunying1")
    assert number not in ok("job", "queue", "--as", "yunying1")
    assert "审定通过" in ok("job", "review", number, "approve", *CHECKS, "--comment", "同意", "--as", "yunying2")

    target = tmp_path / "result.csv"
    ok("job", "output", number, "result.csv", "-o", str(target), *dev)
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["区县", "人数", "收入合计"] and len(rows) == 6


def test_a_refused_query_exits_non_zero_naming_the_rule_and_makes_no_job(sandbox: Sandbox) -> None:
    code, out, err = run(
        "job", "submit", sandbox.agreement, "--sql", 'SELECT "身份证号" FROM "居民收入抽样信息"', "--as", "kfz"
    )
    assert code == 1 and out == ""
    assert "查询被拒绝［" in err and "query refused [" in err
    assert ok("job", "list", "--json", "--as", "kfz").strip() == "[]"
    code, _, err = run("job", "submit", sandbox.agreement, "--as", "kfz")
    assert code != 0 and "--sql" in err


def test_a_sql_file_and_a_python_model_are_queued_and_a_job_can_be_cancelled(sandbox: Sandbox, tmp_path: Path) -> None:
    query = tmp_path / "q.sql"
    query.write_text(BY_DISTRICT, encoding="utf-8")
    first = ok("job", "submit", sandbox.agreement, "--sql-file", str(query), "--as", "kfz").strip()
    model = tmp_path / "m.py"
    model.write_text("def fit(inputs, outputs):\n    pass\n", encoding="utf-8")
    args = ("--python", str(model), "--entry", "fit", "--output", "metrics.json", "--output", "model.onnx")
    second = ok("job", "submit", sandbox.agreement, *args, "--as", "kfz").strip()
    view = json.loads(ok("job", "status", second, "--json", "--as", "kfz"))
    assert view["kind"] == "python" and view["entry"] == "fit"
    assert view["declared_outputs"] == ["metrics.json", "model.onnx"]
    assert "已取消" in ok("job", "cancel", first, "--as", "kfz")
    assert "已取消" in ok("job", "cancel", second, "--as", "kfz")
    code, _, err = run("job", "cancel", first, "--as", "kfz")
    assert code == 1 and "错误" in err


def test_submit_wait_returns_once_a_worker_has_run_the_job(platform: Platform, sandbox: Sandbox) -> None:
    worker = Worker(platform, execute, poll=0.05)
    thread = threading.Thread(target=worker.run_forever, daemon=True)
    thread.start()
    try:
        code, out, err = run("job", "submit", sandbox.agreement, "--sql", BY_DISTRICT, "--wait", "--as", "kfz")
    finally:
        worker.stop.set()
        thread.join(timeout=30)
    assert code == 0, err
    assert out.strip().startswith("ZY-") and "待审定" in err


def test_serve_runs_the_configured_job_workers_in_threads_until_shutdown(
    platform: Platform, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = ok("job", "submit", sandbox.agreement, "--sql", BY_DISTRICT, "--as", "kfz").strip()
    with job_workers(platform) as workers:
        assert len(workers) == platform.settings.job_workers == 1
        deadline = time.monotonic() + 60
        while _status(number) in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert all(w.stop.is_set() for w in workers)
    assert _status(number) == "in_review"
    monkeypatch.setattr(platform.settings, "job_workers", 0)
    with job_workers(platform) as none:
        assert none == []


def _status(number: str) -> str:
    return str(json.loads(ok("job", "status", number, "--json", "--as", "kfz"))["status"])


def _cells(platform: Platform, number: str) -> list[str]:
    """The group keys and sums of a job's result file."""
    with (platform.settings.jobs_dir / number / "result.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))[1:]
    return [r[0] for r in rows] + [r[2] for r in rows]


@pytest.mark.usefixtures("backend")
def test_a_submitter_reading_its_job_in_review_from_the_command_line_finds_none_of_its_values(
    platform: Platform, sandbox: Sandbox
) -> None:
    number = ok("job", "submit", sandbox.agreement, "--sql", BY_DISTRICT, "--as", "kfz").strip()
    ok("worker", "--once")
    cells = _cells(platform, number)
    for who in ("kfz", "kfz2"):
        for args in (("job", "status", number), ("job", "status", number, "--json"), ("job", "list", "--json")):
            said = ok(*args, "--as", who)
            assert [c for c in cells if c in said] == [], (who, args)
    assert "审定通过后可见" in ok("job", "status", number, "--as", "kfz")
    assert all(c in ok("job", "status", number, "--as", "sjj") for c in cells)  # the bureau reviews: it sees


def test_a_review_from_the_command_line_needs_the_checklist_and_shows_it(sandbox: Sandbox) -> None:
    number = ok("job", "submit", sandbox.agreement, "--sql", BY_DISTRICT, "--as", "kfz").strip()
    ok("worker", "--once")
    code, _, err = run("job", "review", number, "approve", "--check", "usability", "--comment", "同意", "--as", "sjj")
    assert code == 1 and "未确认" in err
    assert "待审定" in ok("job", "review", number, "approve", *CHECKS, "--comment", "同意", "--as", "sjj")
    assert "清单 checklist: usability ✓, consistency ✓, compliance ✓, security ✓" in ok(
        "job", "status", number, "--as", "kfz"
    )


def test_the_developer_records_from_the_command_line_the_return_of_outputs_after_the_agreement_ended(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    number = ok("job", "submit", sandbox.agreement, "--sql", BY_DISTRICT, "--as", "kfz").strip()
    ok("worker", "--once")
    for who in sandbox.operators:
        ok("job", "review", number, "approve", *CHECKS, "--comment", "同意", "--as", who)
    code, _, err = run("job", "dispose", number, "returned", "--as", "kfz")
    assert code == 1 and "仍在有效期内" in err
    ok("agreement", "revoke", sandbox.agreement, "--reason", "违反约定用途", "--as", "sjj")
    code, _, err = run("job", "output", number, "result.csv", "-o", str(tmp_path / "late.csv"), "--as", "kfz")
    assert code == 1 and "不能再下载" in err and not (tmp_path / "late.csv").exists()
    assert "已归还 returned" in ok("job", "dispose", number, "returned", "--note", "光盘已交回", "--as", "kfz")
    assert "处置 disposal: 已归还 returned · kfz 光盘已交回" in ok("job", "status", number, "--as", "sjj")
