"""`gongshu apply`, `gongshu review` and `gongshu agreement` over a real platform: an application goes
through first instance and the departments' review, becomes an agreement the three parties sign, is
exported, verified offline (and caught when tampered with), and revoked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factories import make_resource, make_user, people_rows
from gongshu.cli.common import use_platform
from gongshu.cli.main import app
from gongshu.platform import Platform

runner = CliRunner()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FIRMS = [
    ["统一社会信用代码", "企业名称", "注册资本"],
    ["91350100M000100Y43", "示例市华兴科技有限公司", "100"],
]
USERS = {  # username: (org, kind, org name)
    "sjj": ("SJJ", "bureau", "示例市数据局"),
    "yunying": ("SJJT", "operator", "示例市数据集团有限公司"),
    "dev1": ("ZHJR", "developer", "示例市智慧金融科技有限公司"),
    "rsj": ("RSJ", "provider", "示例市人力资源和社会保障局"),
    "scjgj": ("SCJGJ", "provider", "示例市市场监督管理局"),
    "jrj": ("JRJ", "regulator", "示例市地方金融管理局"),
}


@pytest.fixture(autouse=True)
def _cli_platform(platform: Platform) -> Iterator[None]:
    use_platform(platform)
    yield
    use_platform(None)


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def ok(*args: str) -> str:
    code, out, err = run(*args)
    assert code == 0, f"gongshu {' '.join(args)} exited {code}: {out}{err}"
    return out


@pytest.fixture
def codes(platform: Platform, tmp_path: Path) -> dict[str, str]:
    """The six parties, the people resource of RSJ and the firms resource of SCJGJ."""
    actors = {
        username: make_user(platform, username=username, org=org, kind=kind, org_name=name, admin=kind == "bureau")
        for username, (org, kind, name) in USERS.items()
    }
    people = make_resource(platform, actors["rsj"], tmp_path, title="参保人员信息", rows=people_rows(30))
    firms = make_resource(platform, actors["scjgj"], tmp_path, rows=FIRMS)
    return {"people": people.code, "firms": firms.code}


def application(tmp_path: Path, codes: dict[str, str], **changes: Any) -> Path:
    body = {
        "scenario": "小微企业主信用评估",
        "description": "利用参保和登记信息的统计特征评估小微企业主的信用，支持普惠金融授信",
        "domain": "普惠金融",
        "purpose": "industry",
        "resources": [
            {"code": codes["people"], "items": ["区县", "年龄", "月收入"]},
            {"code": codes["firms"], "items": ["企业名称", "注册资本"]},
        ],
        "start": "2026-11-22",
        "end": "2027-11-21",
        "output_kinds": ["aggregate_table", "model"],
        "security_measures": "在可信环境内加工，仅导出经审核的统计结果",
    } | changes
    path = tmp_path / "application.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def pending(username: str) -> list[dict[str, Any]]:
    return list(json.loads(ok("review", "list", "--json", "--as", username)))


def apply_and_review(tmp_path: Path, codes: dict[str, str]) -> str:
    """apply → first instance → RSJ approves in part, SCJGJ and the regulator approve; returns the number."""
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    out = ok("apply", str(application(tmp_path, codes)), "--attach", str(licence), "--submit", "--as", "dev1")
    number = out.strip()
    assert number.startswith("SQ-2026-")
    assert "待初审 submitted" in ok("apply", "--show", number, "--as", "dev1")
    assert "营业执照.pdf" in ok("apply", "--show", number, "--as", "dev1")

    out = ok("review", "first", number, "--approve", "--regulator", "JRJ", "--as", "sjj")
    assert "部门审核中 in_review" in out and "RSJ" in out and "SCJGJ" in out and "JRJ" in out
    [part] = pending("rsj")
    assert part["application"] == number and not part["overdue"]
    items = ("--item", f"{codes['people']}=区县", "--item", f"{codes['people']}=年龄")
    ok("review", "part", str(part["id"]), "--decision", "partial", "--comment", "月收入不予提供", *items, "--as", "rsj")
    for username in ("scjgj", "jrj"):
        [part] = pending(username)
        assert "approved" in ok("review", "part", str(part["id"]), "--decision", "approved", "--as", username)
    assert "审核通过 approved" in ok("apply", "--show", number, "--as", "dev1")
    return number


def make_and_sign(number: str) -> str:
    agreement = ok("agreement", "make", number, "--epsilon", "0.5", "--fee-cap", "每年不超过 10 万元", "--as", "sjj")
    agreement = agreement.strip()
    assert agreement.startswith("XY-2026-")
    assert "待签署 signing" in ok("agreement", "sign", agreement, "--as", "sjj")
    assert "待签署 signing" in ok("agreement", "sign", agreement, "--as", "yunying")
    assert "生效中 active" in ok("agreement", "sign", agreement, "--as", "dev1")
    return agreement


def test_an_application_becomes_a_signed_agreement_that_verifies_offline_until_tampered_with(
    tmp_path: Path, codes: dict[str, str]
) -> None:
    agreement = make_and_sign(apply_and_review(tmp_path, codes))

    shown = ok("agreement", "show", agreement, "--as", "dev1")
    assert "生效中 active（有效 in force）" in shown and f"{codes['people']} 参保人员信息" in shown
    assert "：区县、年龄" in shown and "月收入" not in shown and "ε=0.5" in shown
    data = json.loads(ok("agreement", "show", agreement, "--json"))
    assert data["in_force"] and [s["party"] for s in data["signatures"]] == ["bureau", "operator", "developer"]
    assert "<html" in ok("agreement", "show", agreement, "--html").lower()
    pdf = tmp_path / "协议.pdf"
    ok("agreement", "show", agreement, "--pdf", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert json.loads(ok("agreement", "odrl", agreement))["@context"]

    bundle = tmp_path / "bundle.json"
    ok("agreement", "export", agreement, str(bundle))
    out = ok("agreement", "verify", str(bundle))
    assert "all three signatures verify" in out and out.count("签名有效 valid") == 3

    doc = json.loads(bundle.read_text("utf-8"))
    doc["content"]["privacy"]["epsilon"] = 5.0
    bundle.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    status, out, err = run("agreement", "verify", str(bundle))
    assert status == 2 and "bad or missing signature of bureau, operator, developer" in err

    doc["content"]["privacy"]["epsilon"] = 0.5
    doc["signatures"][1]["signature"] = doc["signatures"][2]["signature"]  # the operator's, swapped
    bundle.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    status, out, err = run("agreement", "verify", str(bundle))
    assert status == 2 and "signature of operator\n" in err and "bureau" not in err and "签名无效 INVALID" in out

    del doc["signatures"][1]
    bundle.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    status, out, err = run("agreement", "verify", str(bundle))
    assert status == 2 and "signature of operator\n" in err and "未签署 missing" in out

    assert "已撤销 revoked" in ok("agreement", "revoke", agreement, "--reason", "违反约定用途", "--as", "sjj")
    assert json.loads(ok("agreement", "show", agreement, "--json"))["in_force"] is False
    status, _, err = run("agreement", "sign", agreement, "--as", "yunying")
    assert status == 1 and "revoked" in err
    [entry] = json.loads(ok("disclosure"))
    assert entry["number"] == agreement and entry["status_label"] == "已撤销"


def test_only_the_parties_sign_and_only_the_bureau_makes_agreements(tmp_path: Path, codes: dict[str, str]) -> None:
    number = apply_and_review(tmp_path, codes)
    status, _, err = run("agreement", "make", number, "--as", "dev1")
    assert status == 1 and "only the bureau" in err
    status, _, err = run("agreement", "make", number, "--epsilon", "0", "--as", "sjj")
    assert status == 2 and "ε" in err
    agreement = ok("agreement", "make", number, "--as", "sjj").strip()
    status, _, err = run("agreement", "sign", agreement, "--as", "rsj")
    assert status == 1 and "not a party" in err
    status, _, err = run("agreement", "sign", agreement)
    assert status == 2  # --as is required
    status, _, err = run("review", "first", number, "--approve", "--reject", "--as", "sjj")
    assert status == 2 and "exactly one" in err


def test_a_draft_is_edited_listed_and_withdrawn(tmp_path: Path, codes: dict[str, str]) -> None:
    incomplete = application(tmp_path, codes, scenario="", end="2025-01-01")
    status, out, err = run("apply", str(incomplete), "--submit", "--as", "dev1")
    number = out.strip()
    assert status == 1 and number.startswith("SQ-") and "请填写场景名称" in err and "the period lies in the past" in err
    assert "草稿 draft" in ok("apply", "--show", number, "--as", "dev1")
    ok("apply", "--edit", number, str(application(tmp_path, codes)), "--submit", "--as", "dev1")
    shown = json.loads(ok("apply", "--show", number, "--json", "--as", "dev1"))
    assert shown["status"] == "submitted" and shown["content"]["scenario"] == "小微企业主信用评估"
    assert [a["number"] for a in json.loads(ok("apply", "--list", "--json", "--as", "dev1"))] == [number]
    status, _, err = run("apply", "--withdraw", number, "--as", "dev1")
    assert status == 1 and "withdrawn" in err  # a submitted application is with the bureau
    second = ok("apply", str(application(tmp_path, codes)), "--as", "dev1").strip()
    assert "已撤回 withdrawn" in ok("apply", "--withdraw", second, "--as", "dev1")
    status, _, err = run("apply", "--list", "--show", number)
    assert status == 2 and "--list, --show" in err
    status, _, err = run("apply", "--as", "dev1")
    assert status == 2 and "FILE.json" in err


def test_overdue_reviews_are_listed_and_agreements_expire_and_renew(
    tmp_path: Path, codes: dict[str, str], platform: Platform
) -> None:
    out = ok("apply", str(application(tmp_path, codes)), "--submit", "--as", "dev1")
    number = out.strip()
    platform.clock.advance(days=6)  # type: ignore[attr-defined]
    late = json.loads(ok("review", "list", "--overdue", "--json", "--as", "sjj"))
    assert [(r["application"], r["stage"], r["overdue"]) for r in late] == [(number, "bureau", True)]
    status, _, err = run("review", "list", "--overdue", "--as", "dev1")
    assert status == 1 and "may not" in err

    ok("review", "first", number, "--approve", "--as", "sjj")
    for username in ("rsj", "scjgj"):
        [part] = pending(username)
        ok("review", "part", str(part["id"]), "--decision", "approved", "--as", username)
    agreement = make_and_sign(number)
    renewal = ok("agreement", "renew", agreement, "--end", "2028-11-21", "--as", "sjj").strip()
    assert f"续期自 {agreement}" in ok("agreement", "show", renewal)

    assert ok("agreement", "sweep") == ""
    platform.clock.set(datetime(2027, 11, 22, tzinfo=UTC))  # type: ignore[attr-defined]
    assert ok("agreement", "sweep").split() == [agreement, "已到期", "expired"]
    assert "已到期 expired" in ok("agreement", "show", agreement)
    assert "已到期" in json.dumps(json.loads(ok("disclosure", "--year", "2027")), ensure_ascii=False)


def test_releasing_dp_results_without_review_is_an_explicit_term_shown_in_the_agreement_and_the_disclosure(
    tmp_path: Path, codes: dict[str, str]
) -> None:
    number = apply_and_review(tmp_path, codes)
    agreement = ok("agreement", "make", number, "--auto-release-dp", "--fee-cap", "每年不超过 10 万元", "--as", "sjj")
    agreement = agreement.strip()
    for party in ("sjj", "yunying", "dev1"):
        ok("agreement", "sign", agreement, "--as", party)
    data = json.loads(ok("agreement", "show", agreement, "--json"))
    assert data["content"]["privacy"]["auto_release_dp"] is True
    assert "免人工审定即发布（本协议明示条款）" in ok("agreement", "show", agreement, "--html")
    [entry] = json.loads(ok("disclosure"))
    assert entry["number"] == agreement and entry["auto_release_dp"] is True
