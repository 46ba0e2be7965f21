"""The `gongshu` command line over a real platform: admin, catalog and ledger commands."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from factories import ENTERPRISES, PASSWORD, write_csv
from gongshu.cli.common import use_platform
from gongshu.cli.main import app
from gongshu.platform import Platform

runner = CliRunner()


@pytest.fixture(autouse=True)
def _cli_platform(platform: Platform) -> Iterator[None]:
    use_platform(platform)
    yield
    use_platform(None)


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def _setup(tmp_path: Path) -> str:
    assert run("org", "add", "SCJGJ", "示例市市场监督管理局", "--kind", "provider")[0] == 0
    assert run("user", "add", "scjgj", "--org", "SCJGJ", "--password", PASSWORD)[0] == 0
    csv = write_csv(tmp_path / "企业.csv", ENTERPRISES, encoding="gb18030")
    code, out, err = run(
        "resource",
        "add",
        str(csv),
        "--as",
        "scjgj",
        "--title",
        "企业登记信息",
        "--domain",
        "市场监管",
        "--cycle",
        "monthly",
        "--authoritative",
        "统一社会信用代码",
    )
    assert code == 0, err
    return out.split()[1].split("「")[0]


def test_a_provider_publishes_from_the_command_line_and_the_resource_is_searchable(tmp_path: Path) -> None:
    code = _setup(tmp_path)
    status, out, _ = run("resource", "search", "企业登记")
    assert status == 0 and code in out and "共 1 条" in out
    status, out, _ = run("resource", "show", code)
    assert "统一社会信用代码 (string) [权威来源]" in out and "v1" in out
    status, out, _ = run("resource", "show", code, "--dcat")
    assert '"dcat:Dataset"' in out


def test_errors_are_printed_in_both_languages_with_a_non_zero_exit(tmp_path: Path) -> None:
    _setup(tmp_path)
    status, _, err = run("org", "add", "SCJGJ", "重复", "--kind", "provider")
    assert status == 1 and "已存在" in err and "already exists" in err
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 10)
    status, _, err = run("resource", "add", str(junk), "--as", "scjgj", "--title", "垃圾")
    assert status == 1 and "error:" in err
    status, _, err = run("resource", "show", "NOPE-2026-00001")
    assert status == 1 and "不存在" in err


def test_a_token_is_printed_once(tmp_path: Path) -> None:
    _setup(tmp_path)
    status, out, _ = run("token", "create", "scjgj", "--name", "脚本")
    assert status == 0 and out.strip().startswith("gst_")


def test_ledger_verify_passes_then_names_the_first_bad_entry_after_tampering(
    tmp_path: Path, platform: Platform
) -> None:
    _setup(tmp_path)
    status, out, _ = run("ledger", "verify")
    assert status == 0 and "账本完好" in out
    with platform.db.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_event SET object_id = 'EVIL' WHERE seq = 1"))
    status, _, err = run("ledger", "verify")
    assert status == 2 and "entry 1" in err


def test_an_export_verifies_offline_and_a_tampered_export_does_not(tmp_path: Path) -> None:
    _setup(tmp_path)
    out = tmp_path / "ledger.jsonl"
    assert run("ledger", "export", "--out", str(out))[0] == 0
    assert run("ledger", "verify", "--file", str(out))[0] == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    first_event = next(i for i, line in enumerate(lines) if '"type": "event"' in line)
    assert '"org.create"' in lines[first_event]
    lines[first_event] = lines[first_event].replace('"org.create"', '"org.delete"')
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _, err = run("ledger", "verify", "--file", str(out))
    assert status == 2 and "modified" in err


def test_ledger_proof_prints_an_audit_path(tmp_path: Path) -> None:
    _setup(tmp_path)
    status, out, _ = run("ledger", "proof", "0")
    assert status == 0 and '"audit_path"' in out and '"index": 0' in out
