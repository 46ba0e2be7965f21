"""`gongshu scan PATH --json [--spans]`: the JSON shape, and unreadable files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from gongshu.cli.classify import scan

app = typer.Typer()
app.command()(scan)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_scan_prints_exactly_the_documented_json(tmp_path: Path) -> None:
    src = write(tmp_path / "people.csv", "身份证号,手机,金额\n110105199001011232,13800138000,12.5\n"
                "412722198001010018,+86 139 0013 9000,8\n")  # fmt: skip
    result = CliRunner().invoke(app, [str(src), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"columns": [
        {"name": "身份证号", "types": [{"type": "cn_id_card", "share": 1.0}], "grade": "general-4", "personal": True,
         "sensitive_personal": True},
        {"name": "手机", "types": [{"type": "cn_mobile", "share": 1.0}], "grade": "general-3", "personal": True,
         "sensitive_personal": False},
        {"name": "金额", "types": [], "grade": "general-4", "personal": True, "sensitive_personal": True},
    ]}  # fmt: skip


def test_scan_with_spans_adds_the_spans_of_free_text(tmp_path: Path) -> None:
    src = write(tmp_path / "notes.csv", "备注\n张三的电话是13800138000\n无\n")
    result = CliRunner().invoke(app, [str(src), "--json", "--spans"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"columns", "spans"}
    assert out["spans"] == [{"row": 0, "start": 6, "end": 17, "type": "cn_mobile"}]


def test_scan_without_json_prints_a_readable_summary(tmp_path: Path) -> None:
    src = write(tmp_path / "people.csv", "手机\n13800138000\n")
    result = CliRunner().invoke(app, [str(src)])
    assert result.exit_code == 0 and "cn_mobile 100%" in result.stdout and "general-3" in result.stdout


def test_an_unreadable_file_prints_the_ingest_error_and_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [str(write(tmp_path / "empty.csv", "")), "--json"])
    assert result.exit_code == 1
    assert "文件为空" in result.output and "the file is empty" in result.output
    missing = CliRunner().invoke(app, [str(tmp_path / "missing.csv"), "--json"])
    assert missing.exit_code == 1 and "error:" in missing.output
