"""The classify, sharing and open-data API: who may call what, and nothing raw leaks out."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient

from factories import bearer, people_rows
from gongshu.platform import Platform


def _csv(rows: list[list[object]]) -> bytes:
    return "\n".join(",".join(str(c) for c in r) for r in rows).encode() + b"\n"


META = {
    "title": "参保人员信息",
    "domain": "社保就业",
    "share": "conditional",
    "open": "unconditional",
    "update_cycle": "monthly",
}


@pytest.fixture
def world(client: TestClient, platform: Platform) -> dict[str, dict[str, str]]:
    users = {
        "owner": bearer(platform, "rsj", org="RSJ"),
        "dept": bearer(platform, "wjw", org="WJW"),
        "dev": bearer(platform, "dev", org="ZHJR", kind="developer"),
    }
    r = client.post(
        "/api/v1/resources",
        headers=users["owner"],
        files={"file": ("people.csv", io.BytesIO(_csv(people_rows(40))), "text/csv")},
        data={"meta": json.dumps(META, ensure_ascii=False)},
    )
    assert r.status_code == 201, r.text
    users["code"] = {"code": r.json()["code"]}
    return users


def test_classification_is_readable_and_only_the_owner_confirms(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    code = world["code"]["code"]
    got = client.get(f"/api/v1/resources/{code}/classification", headers=world["dev"]).json()
    ids = next(c for c in got["columns"] if c["name"] == "身份证号")
    assert ids["grade"]["effective"] == "general-4" and ids["tags"][0]["type"] == "cn_id_card"
    assert got["resource"]["effective"] == "general-4"
    body = {"column": "月收入", "grade": "general-3", "reason": "收入属个人财产信息"}
    assert client.post(f"/api/v1/resources/{code}/grades", headers=world["dept"], json=body).status_code == 403
    assert (
        client.post(f"/api/v1/resources/{code}/grades", headers=world["owner"], json={**body, "reason": ""}).status_code
        == 422
    )
    r = client.post(f"/api/v1/resources/{code}/grades", headers=world["owner"], json=body)
    assert r.status_code == 200 and r.json()["effective"] == "general-3" and r.json()["confirmed"] == "general-3"


def test_open_data_of_a_graded_resource_needs_an_openable_derived_version(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    code = world["code"]["code"]
    assert client.get(f"/api/v1/open/resources/{code}").json()["downloadable"] is False
    assert client.get(f"/api/v1/open/resources/{code}/data").status_code == 404
    plan = {
        "steps": [
            {"column": "姓名", "operator": "suppress"},
            {"column": "身份证号", "operator": "suppress"},
            {"column": "手机号", "operator": "suppress"},
            {"column": "住址", "operator": "generalize", "params": {"kind": "address_to_district"}},
            {"column": "出生日期", "operator": "generalize", "params": {"kind": "date_to_year"}},
        ],
        "drop": [],
    }
    r = client.post(
        f"/api/v1/resources/{code}/desensitize",
        headers=world["owner"],
        json={"plan": plan, "quasi_identifiers": ["区县", "年龄"]},
    )
    assert r.status_code == 201, r.text
    derived = r.json()
    low = client.post(f"/api/v1/resources/{code}/versions/{derived['number']}/openable", headers=world["owner"])
    assert low.status_code == 422 and "k" in low.json()["error"]["message_en"]
    plan["drop"] = ["年龄"]  # exact ages made people unique; without them each district class has 8
    derived = client.post(
        f"/api/v1/resources/{code}/desensitize",
        headers=world["owner"],
        json={"plan": plan, "quasi_identifiers": ["区县"]},
    ).json()
    assert derived["k"] >= 5
    ok = client.post(f"/api/v1/resources/{code}/versions/{derived['number']}/openable", headers=world["owner"])
    assert ok.status_code == 200 and ok.json()["openable"]
    data = client.get(f"/api/v1/open/resources/{code}/data", params={"format": "csv"})
    assert data.status_code == 200 and data.headers["content-type"].startswith("text/csv")
    for person in people_rows(40)[1:]:
        assert str(person[1]) not in data.text and str(person[2]) not in data.text and str(person[0]) not in data.text


def test_a_share_request_is_decided_by_the_owner_and_read_desensitized(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    code = world["code"]["code"]
    body = {
        "resource": code,
        "kind": "share",
        "reason": "医保核验",
        "fields": ["姓名", "手机号"],
        "starts_at": "2026-11-22T00:00:00Z",
        "ends_at": "2027-11-22T00:00:00Z",
    }
    assert client.post("/api/v1/access-requests", headers=world["dev"], json=body).status_code == 403
    req = client.post("/api/v1/access-requests", headers=world["dept"], json=body).json()
    number = req["number"]
    assert client.get(f"/api/v1/access-requests/{number}/rows", headers=world["dept"]).status_code == 403
    assert (
        client.post(
            f"/api/v1/access-requests/{number}/decision", headers=world["dept"], json={"approve": True}
        ).status_code
        == 403
    )
    decided = client.post(f"/api/v1/access-requests/{number}/decision", headers=world["owner"], json={"approve": True})
    assert decided.json()["status"] == "approved"
    page = client.get(f"/api/v1/access-requests/{number}/rows", headers=world["dept"], params={"limit": 5}).json()
    raw = people_rows(40)[1:6]
    assert page["columns"] == ["姓名", "手机号"] and len(page["rows"]) == 5
    for (name, phone), person in zip(page["rows"], raw, strict=True):
        assert name != person[0] and phone != person[2] and phone[:3] == person[2][:3] and "*" in phone
    assert client.get(f"/api/v1/access-requests/{number}/rows", headers=world["dev"]).status_code == 404


def test_objections_flow_through_the_api(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    code = world["code"]["code"]
    r = client.post(
        f"/api/v1/resources/{code}/objections",
        headers=world["dept"],
        json={"text": "部分手机号已停用", "item": "手机号"},
    )
    assert r.status_code == 201
    number = r.json()["number"]
    assert (
        client.post(
            f"/api/v1/objections/{number}/verify", headers=world["dept"], json={"accept": True, "response": "x"}
        ).status_code
        == 403
    )
    done = client.post(
        f"/api/v1/objections/{number}/verify",
        headers=world["owner"],
        json={"accept": False, "response": "号码均经实名核验"},
    )
    assert done.json()["status"] == "rejected"
    again = client.post(
        f"/api/v1/objections/{number}/verify", headers=world["owner"], json={"accept": True, "response": "改主意"}
    )
    assert again.status_code == 409
    assert [o["number"] for o in client.get("/api/v1/objections", headers=world["dept"]).json()] == [number]
    assert client.get("/api/v1/objections", headers=world["dev"]).json() == []


def test_quality_report_is_served_and_bad_rules_are_refused(client: TestClient, world) -> None:  # type: ignore[no-untyped-def]
    code = world["code"]["code"]
    q = client.get(f"/api/v1/resources/{code}/quality", headers=world["dev"]).json()
    assert q["version"] == 1 and q["score"] == 100.0 and q["rules"] is None
    bad = client.put(
        f"/api/v1/resources/{code}/quality/rules", headers=world["owner"], json=[{"kind": "nonsense", "params": {}}]
    )
    assert bad.status_code == 422
    good = client.put(
        f"/api/v1/resources/{code}/quality/rules",
        headers=world["owner"],
        json=[{"kind": "uniqueness", "params": {"columns": ["身份证号"]}}],
    )
    assert good.status_code == 200 and good.json()["score"] == 100.0
    leaked = json.dumps(
        client.get(f"/api/v1/resources/{code}/quality", headers=world["dev"]).json(), ensure_ascii=False
    )
    for person in people_rows(40)[1:]:
        assert str(person[1]) not in leaked
