"""Sandbox API (可信环境) over the real services and database: what an agreement grants, samples, a SQL job
from submission through two independent reviews to the download, refusals, and the error table."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

import httpx2
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from factories import bearer
from gongshu.api.errors import status_for
from gongshu.platform import Platform
from gongshu.sandbox.errors import BudgetExhausted, EngineError, IsolationError, JobNotFound, SqlRefused
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.review import CHECKLIST
from gongshu.sandbox.work import execute
from sandbox_setup import ITEMS, Sandbox, build_sandbox, income_rows

APPROVE = {"decision": "approve", "comment": "同意", "checklist": dict.fromkeys(CHECKLIST, True)}
BY_DISTRICT = 'SELECT "区县", COUNT(*) AS "人数", AVG("月收入") AS "平均月收入" FROM "居民收入抽样信息" GROUP BY "区县"'


@pytest.fixture
def sandbox(platform: Platform, tmp_path: Path) -> Sandbox:
    return build_sandbox(platform, tmp_path)


@pytest.fixture
def headers(platform: Platform, sandbox: Sandbox) -> dict[str, dict[str, str]]:
    people = (sandbox.developer, sandbox.colleague, sandbox.outsider, *sandbox.operators, sandbox.provider)
    return {name: bearer(platform, name) for name in (*people, sandbox.stranger, sandbox.regulator)}


def ok(r: httpx2.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def run_jobs(platform: Platform) -> list[str]:
    """What a worker would do: run every queued job, synchronously."""
    worker, done = Worker(platform, execute), []
    while (number := worker.run_one()) is not None:
        done.append(number)
    return done


def submit(client: TestClient, sandbox: Sandbox, h: dict[str, str], sql: str = BY_DISTRICT, **extra: Any) -> Any:
    return client.post("/api/v1/jobs", headers=h, json={"agreement": sandbox.agreement, "sql": sql, **extra})


def test_the_agreement_view_names_the_tables_items_protected_items_and_budget(
    client: TestClient, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    bench = ok(client.get(f"/api/v1/sandbox/agreements/{sandbox.agreement}", headers=headers[sandbox.developer]))
    [table] = bench["tables"]
    assert table["table"] == sandbox.table and table["code"] == sandbox.resource and table["version"] == 1
    items = {i["name"]: i for i in table["items"]}
    assert list(items) == ITEMS
    assert items["身份证号"]["protected"] and items["身份证号"]["identifier"]
    assert items["月收入"]["protected"] and items["月收入"]["bounds"] == [0.0, 50000.0]
    assert not items["区县"]["protected"]
    assert bench["budget"] == {"total": 1.0, "spent": 0.0, "left": 1.0}
    refused = client.get(f"/api/v1/sandbox/agreements/{sandbox.agreement}", headers=headers[sandbox.outsider])
    assert refused.status_code in (403, 404), refused.text


@pytest.mark.usefixtures("backend")
def test_a_query_runs_is_approved_by_two_reviewers_and_only_then_downloads(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    dev = headers[sandbox.developer]
    job = ok(submit(client, sandbox, dev, title="各区县收入"), 201)
    number = job["number"]
    assert job["status"] == "queued" and job["kind"] == "sql" and job["inputs"][0]["code"] == sandbox.resource
    assert run_jobs(platform) == [number]

    ran = ok(client.get(f"/api/v1/jobs/{number}", headers=dev))
    assert ran["status"] == "in_review", ran["error"]
    [out] = ran["outputs"]
    assert out["columns"] == ["区县", "人数", "平均月收入"] and out["rows"] == 5 and out["preview"] is None
    assert ran["policy_report"] and ran["control_report"]
    early = client.get(f"/api/v1/jobs/{number}/outputs/{out['name']}", headers=dev)
    assert early.status_code == 409 and early.json()["error"]["values"]["status"] == "in_review"

    queue = ok(client.get("/api/v1/jobs/review-queue", headers=headers["yunying1"]))
    assert [j["number"] for j in queue] == [number]
    first = ok(client.post(f"/api/v1/jobs/{number}/reviews", headers=headers["yunying1"], json=APPROVE))
    assert first["status"] == "in_review" and len(first["reviews"]) == 1
    again = client.post(f"/api/v1/jobs/{number}/reviews", headers=headers["yunying1"], json=APPROVE)
    assert again.status_code == 409
    assert ok(client.get("/api/v1/jobs/review-queue", headers=headers["yunying1"])) == []
    second = client.post(
        f"/api/v1/jobs/{number}/reviews", headers=headers["yunying2"], json={**APPROVE, "comment": "可发布"}
    )
    assert ok(second)["status"] == "approved"

    assert client.get(f"/api/v1/jobs/{number}/outputs/{out['name']}", headers=headers["yunying1"]).status_code == 403
    assert client.get(f"/api/v1/jobs/{number}/outputs/{out['name']}", headers=headers["other"]).status_code == 404
    got = client.get(f"/api/v1/jobs/{number}/outputs/{out['name']}", headers=dev)
    assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == out["sha256"]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == ["区县", "人数", "平均月收入"] and len(rows) == 6


def test_a_refused_query_gets_422_with_the_rule_and_the_place_and_leaves_no_job(
    client: TestClient, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    dev = headers[sandbox.developer]
    refused = submit(client, sandbox, dev, 'SELECT "身份证号", "月收入" FROM "居民收入抽样信息"')
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "sql_refused"
    assert error["values"]["rule"] and error["values"]["place"]
    assert error["values"]["rule"] in error["message_zh"] and error["values"]["place"] in error["message_en"]
    assert ok(client.get("/api/v1/jobs", headers=dev)) == []


def test_the_submitting_organization_and_providers_not_concerned_cannot_review(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    number = ok(submit(client, sandbox, headers[sandbox.developer]), 201)["number"]
    run_jobs(platform)
    for who, status in ((sandbox.developer, 403), (sandbox.colleague, 403), (sandbox.stranger, 404)):
        r = client.post(f"/api/v1/jobs/{number}/reviews", headers=headers[who], json=APPROVE)
        assert r.status_code == status, (who, r.text)
    view = ok(client.get(f"/api/v1/jobs/{number}", headers=headers[sandbox.developer]))
    assert view["reviews"] == [] and view["status"] == "in_review" and not view["can_review"]
    assert ok(client.get(f"/api/v1/jobs/{number}", headers=headers[sandbox.provider]))["can_review"]
    reject = client.post(
        f"/api/v1/jobs/{number}/reviews", headers=headers[sandbox.provider], json={"decision": "reject"}
    )
    assert reject.status_code == 422  # a rejection needs a comment
    body = {"decision": "reject", "comment": "平均值可能泄露个体收入"}
    assert (
        ok(client.post(f"/api/v1/jobs/{number}/reviews", headers=headers[sandbox.provider], json=body))["status"]
        == "rejected"
    )


def test_a_sample_has_the_granted_schema_and_no_real_identifier(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    url = f"/api/v1/sandbox/agreements/{sandbox.agreement}/samples/{sandbox.resource}"
    got = client.get(url, headers=headers[sandbox.developer])
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert f"{sandbox.resource}-sample.csv" in got.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == ITEMS and len(rows) == platform.settings.sample_rows + 1
    real_ids = {r[0] for r in income_rows()[1:]}
    assert real_ids.isdisjoint(r[0] for r in rows[1:])
    parquet = client.get(url, params={"format": "parquet"}, headers=headers[sandbox.developer])
    assert parquet.status_code == 200
    assert pq.read_table(io.BytesIO(parquet.content)).column_names == ITEMS
    assert client.get(url, params={"format": "xlsx"}, headers=headers[sandbox.developer]).status_code == 422
    assert client.get(url, headers=headers["yunying1"]).status_code == 403


def test_a_python_model_is_queued_with_its_declared_outputs_and_can_be_cancelled(
    client: TestClient, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    dev = headers[sandbox.developer]
    code = b"def main(inputs, outputs):\n    pass\n"
    data = {"agreement": sandbox.agreement, "outputs": ["metrics.json", "model.onnx"], "title": "model"}
    job = ok(client.post("/api/v1/jobs/python", headers=dev, data=data, files={"file": ("m.py", code)}), 201)
    assert job["kind"] == "python" and job["declared_outputs"] == ["metrics.json", "model.onnx"]
    assert job["code"] == code.decode()
    bad = {**data, "outputs": ["model.pkl"]}
    assert client.post("/api/v1/jobs/python", headers=dev, data=bad, files={"file": ("m.py", code)}).status_code == 422
    assert client.post(f"/api/v1/jobs/{job['number']}/cancel", headers=headers["yunying1"]).status_code == 403
    assert ok(client.post(f"/api/v1/jobs/{job['number']}/cancel", headers=dev))["status"] == "cancelled"
    assert client.post(f"/api/v1/jobs/{job['number']}/cancel", headers=dev).status_code == 409
    both = client.post(
        "/api/v1/jobs", headers=dev, json={"agreement": sandbox.agreement, "sql": "SELECT 1", "python": ""}
    )
    assert both.status_code == 422


def test_a_dp_query_spends_its_epsilon_and_an_overdraft_is_a_conflict(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    dev = headers[sandbox.developer]
    number = ok(submit(client, sandbox, dev, dp=True, epsilon=0.8), 201)["number"]
    run_jobs(platform)
    view = ok(client.get(f"/api/v1/jobs/{number}", headers=dev))
    assert view["status"] == "in_review", view["error"]
    assert view["budget"]["spent"] == pytest.approx(0.8)
    over = submit(client, sandbox, dev, dp=True, epsilon=0.5)
    assert over.status_code == 409 and over.json()["error"]["code"] == "budget_exhausted"
    assert submit(client, sandbox, dev, dp=True, epsilon=2.0).status_code == 422


def test_every_sandbox_error_maps_to_its_http_status() -> None:
    assert status_for(SqlRefused("no-raw-protected", "不可", "no", "line 1")) == 422
    assert status_for(BudgetExhausted("XY-1", 1.0, 0.5)) == 409
    assert status_for(EngineError("timeout", "超时", "timeout")) == 422
    assert status_for(IsolationError("network", "网络", "network")) == 422
    assert status_for(JobNotFound("ZY-1")) == 404


def _result_cells(platform: Platform, number: str) -> list[str]:
    """The group keys and averages of a job's result file (the counts are small numbers found anywhere)."""
    with (platform.settings.jobs_dir / number / "result.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))[1:]
    return [r[0] for r in rows] + [r[2] for r in rows]


@pytest.mark.usefixtures("backend")
def test_a_submitter_reading_its_job_in_review_through_the_api_finds_none_of_its_values(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    dev = headers[sandbox.developer]
    number = ok(submit(client, sandbox, dev), 201)["number"]
    run_jobs(platform)
    cells = _result_cells(platform, number)
    for who in (sandbox.developer, sandbox.colleague):
        for path in (f"/api/v1/jobs/{number}", "/api/v1/jobs"):
            body = client.get(path, headers=headers[who]).text
            assert [c for c in cells if c in body] == [], (who, path)
    shape = ok(client.get(f"/api/v1/jobs/{number}", headers=dev))
    assert shape["outputs"][0]["columns"] == ["区县", "人数", "平均月收入"] and shape["outputs"][0]["rows"] == 5
    reviewer = client.get(f"/api/v1/jobs/{number}", headers=bearer(platform, sandbox.bureau)).text
    assert all(c in reviewer for c in cells)


def test_the_bureau_reviews_through_the_api_and_an_approval_needs_the_whole_checklist(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    number = ok(submit(client, sandbox, headers[sandbox.developer]), 201)["number"]
    run_jobs(platform)
    bureau = bearer(platform, sandbox.bureau)
    assert [j["number"] for j in ok(client.get("/api/v1/jobs/review-queue", headers=bureau))] == [number]
    half = {**APPROVE, "checklist": {"usability": True, "consistency": True}}
    refused = client.post(f"/api/v1/jobs/{number}/reviews", headers=bureau, json=half)
    assert refused.status_code == 422 and refused.json()["error"]["values"]["missing"] == "compliance, security"
    done = ok(client.post(f"/api/v1/jobs/{number}/reviews", headers=bureau, json=APPROVE))
    assert done["reviews"][0]["checklist"] == dict.fromkeys(CHECKLIST, True) and done["reviews"][0]["org"] == "SJJ"


@pytest.mark.usefixtures("backend")
def test_after_revocation_downloads_stop_and_the_developer_records_the_destruction(
    client: TestClient, platform: Platform, sandbox: Sandbox, headers: dict[str, dict[str, str]]
) -> None:
    dev = headers[sandbox.developer]
    number = ok(submit(client, sandbox, dev), 201)["number"]
    run_jobs(platform)
    for who in sandbox.operators:
        ok(client.post(f"/api/v1/jobs/{number}/reviews", headers=headers[who], json=APPROVE))
    url = f"/api/v1/jobs/{number}/outputs/result.csv"
    assert client.get(url, headers=dev).status_code == 200
    bureau = bearer(platform, sandbox.bureau)
    early = client.post(f"/api/v1/jobs/{number}/disposal", headers=dev, json={"kind": "destroyed"})
    assert early.status_code == 409
    revoked = client.post(f"/api/v1/agreements/{sandbox.agreement}/revoke", headers=bureau, json={"reason": "违约"})
    assert revoked.status_code == 200, revoked.text
    late = client.get(url, headers=dev)
    assert late.status_code == 409 and late.json()["error"]["values"]["status"] == "revoked"
    body = {"kind": "destroyed", "note": "已删除全部副本"}
    assert client.post(f"/api/v1/jobs/{number}/disposal", headers=headers["yunying1"], json=body).status_code == 403
    recorded = ok(client.post(f"/api/v1/jobs/{number}/disposal", headers=dev, json=body), 201)
    assert recorded["disposals"][0]["kind"] == "destroyed" and not recorded["can_dispose"]
