"""The catalog API end to end: publish, search in Chinese, permissions, bad input, DCAT."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from factories import bearer
from gongshu.ledger import services as ledger
from gongshu.platform import Platform

GOOD = "统一社会信用代码,企业名称,注册资本\n91350100M000100Y43,示例市华兴科技有限公司,100\n".encode()
META = {
    "title": "企业登记信息",
    "summary": "全市企业登记的基本信息",
    "domain": "市场监管",
    "share": "conditional",
    "open": "conditional",
    "update_cycle": "monthly",
    "items": {"统一社会信用代码": {"description": "18 位代码", "authoritative": True}},
}


def publish(
    client: TestClient,
    headers: dict[str, str],
    data: bytes = GOOD,
    name: str = "企业.csv",
    meta: dict[str, object] | None = None,
):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/resources",
        headers=headers,
        files={"file": (name, io.BytesIO(data), "text/csv")},
        data={"meta": json.dumps(meta or META, ensure_ascii=False)},
    )


def _nothing_left(platform: Platform) -> None:
    with platform.uow() as uow:
        assert ledger.list_events(uow.session, action="resource.publish") == []
    assert not list((platform.settings.data_dir).rglob("*.parquet"))
    assert not [p for p in platform.settings.tmp_dir.iterdir()]


def test_a_provider_publishes_a_gbk_csv_and_anyone_signed_in_finds_it_by_a_chinese_word(
    client: TestClient, platform: Platform, backend: str
) -> None:
    provider = bearer(platform, "scjgj", org="SCJGJ")
    r = publish(client, provider, GOOD.decode().encode("gbk"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["code"].startswith("SCJGJ-2026-") and body["share_label"] == "有条件共享"
    assert [i["name"] for i in body["items"]] == ["统一社会信用代码", "企业名称", "注册资本"]
    dev = bearer(platform, "dev", org="ZHJR", kind="developer")
    found = client.get("/api/v1/resources", params={"q": "企业登记"}, headers=dev).json()
    assert [x["code"] for x in found["results"]] == [body["code"]]
    versions = client.get(f"/api/v1/resources/{body['code']}/versions", headers=dev).json()
    assert versions[0]["encoding"] == "gbk" and versions[0]["rows"] == 1 and len(versions[0]["sha256"]) == 64


def test_search_is_word_aware_and_filters_by_provider_domain_and_attributes(
    client: TestClient, platform: Platform
) -> None:
    a = bearer(platform, "scjgj", org="SCJGJ")
    b = bearer(platform, "sthjj", org="STHJJ")
    publish(client, a)
    air = dict(
        META,
        title="空气质量监测小时数据",
        domain="生态环境",
        open="unconditional",
        share="unconditional",
        summary="各站点 AQI",
        items={},
    )
    publish(client, b, b"station,aqi\nA,50\n", "air.csv", air)

    def codes(**params: str) -> list[str]:
        return [x["title"] for x in client.get("/api/v1/resources", params=params, headers=a).json()["results"]]

    assert codes(q="空气质量") == ["空气质量监测小时数据"]
    assert codes(q="企业") == ["企业登记信息"]
    assert codes(q="量") == []  # a single character inside a word is not a word
    assert codes(domain="生态环境") == ["空气质量监测小时数据"]
    assert codes(provider="SCJGJ") == ["企业登记信息"]
    assert codes(open="unconditional") == ["空气质量监测小时数据"]


def test_the_public_sees_only_the_open_catalog(client: TestClient, platform: Platform) -> None:
    provider = bearer(platform, "scjgj", org="SCJGJ")
    closed = publish(client, provider, meta=dict(META, open="none")).json()["code"]
    opened = publish(
        client, provider, meta=dict(META, title="营业执照信息", open="unconditional", share="unconditional")
    ).json()["code"]
    listed = [x["code"] for x in client.get("/api/v1/resources").json()["results"]]
    assert listed == [opened]
    assert client.get(f"/api/v1/resources/{closed}").status_code == 404
    assert client.get(f"/api/v1/resources/{opened}").status_code == 200


BAD_FILES = {
    "empty": (b"", "e.csv"),
    "header only": ("统一社会信用代码,企业名称\n".encode(), "h.csv"),
    "ragged rows": (b"a,b\n1,2\n3,4,5\n", "r.csv"),
    "empty column name": (b"a,,c\n1,2,3\n", "n.csv"),
    "duplicate column names": (b"a,a\n1,2\n", "d.csv"),
    "binary junk": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "junk.csv"),
    "mixed encodings": ("名称,值\n".encode() + "示例,1\n".encode() * 50000 + "错误编码,2\n".encode("gbk"), "m.csv"),
    "broken excel": (b"PK\x03\x04 not really a zip", "x.xlsx"),
    "broken parquet": (b"PAR1garbagePAR1", "x.parquet"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_gets_a_clear_422_and_leaves_nothing_behind(
    client: TestClient, platform: Platform, case: str
) -> None:
    provider = bearer(platform, "scjgj", org="SCJGJ")
    data, name = BAD_FILES[case]
    r = publish(client, provider, data, name)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["message_zh"] and err["message_en"] and err["message"] == err["message_zh"]
    _nothing_left(platform)
    assert client.get("/api/v1/resources", headers=provider).json()["total"] == 0


def test_an_unreachable_database_url_is_refused_without_echoing_its_password(
    client: TestClient, platform: Platform
) -> None:
    provider = bearer(platform, "scjgj", org="SCJGJ")
    r = client.post(
        "/api/v1/resources/from-database",
        headers=provider,
        json={"meta": META, "url": "postgresql+psycopg://u:hunter2@127.0.0.1:1/x", "table": "t"},
    )
    assert r.status_code == 422 and "hunter2" not in r.text
    _nothing_left(platform)


def test_a_table_of_a_live_database_is_ingested(client: TestClient, platform: Platform, tmp_path: Path) -> None:
    import sqlite3

    src = tmp_path / "src.db"
    with sqlite3.connect(src) as conn:
        conn.execute("CREATE TABLE bus (线路编号 TEXT, 站点数 INTEGER)")
        conn.executemany("INSERT INTO bus VALUES (?, ?)", [("K1", 12), ("K2", 20)])
    provider = bearer(platform, "jtysj", org="JTYSJ")
    r = client.post(
        "/api/v1/resources/from-database",
        headers=provider,
        json={"meta": dict(META, title="公交线路", items={}), "url": f"sqlite:///{src}", "table": "bus"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["format"] == "database" and [i["name"] for i in r.json()["items"]] == ["线路编号", "站点数"]


def test_only_a_provider_publishes_and_only_the_owner_adds_versions(client: TestClient, platform: Platform) -> None:
    dev = bearer(platform, "dev", org="ZHJR", kind="developer")
    assert publish(client, dev).status_code == 403
    owner = bearer(platform, "scjgj", org="SCJGJ")
    other = bearer(platform, "rsj", org="RSJ")
    code = publish(client, owner).json()["code"]
    files = {"file": ("v2.csv", io.BytesIO(GOOD), "text/csv")}
    assert client.post(f"/api/v1/resources/{code}/versions", headers=other, files=files).status_code == 403
    assert client.put(f"/api/v1/resources/{code}", headers=other, json=META).status_code == 403
    files = {"file": ("v2.csv", io.BytesIO(GOOD + "91110000600037341L,长江物流,250\n".encode()), "text/csv")}
    r = client.post(f"/api/v1/resources/{code}/versions", headers=owner, files=files)
    assert r.status_code == 201 and r.json()["number"] == 2 and r.json()["rows"] == 2


def test_forged_codes_are_404_and_anonymous_writes_are_401(client: TestClient, platform: Platform) -> None:
    provider = bearer(platform, "scjgj", org="SCJGJ")
    assert client.get("/api/v1/resources/SCJGJ-2026-99999", headers=provider).status_code == 404
    assert client.get("/api/v1/resources/../../etc/passwd", headers=provider).status_code == 404
    assert publish(client, {}).status_code == 401
    assert client.get("/api/v1/resources", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_the_error_shape_is_one_and_follows_the_callers_language(client: TestClient) -> None:
    zh = client.get("/api/v1/resources/NOPE-1").json()
    en = client.get("/api/v1/resources/NOPE-1", headers={"Accept-Language": "en-US"}).json()
    assert set(zh) == {"error"}
    assert set(zh["error"]) == {"code", "message", "message_zh", "message_en", "values"}
    assert zh["error"]["code"] == "not_found" and zh["error"]["values"] == {"code": "NOPE-1"}
    assert zh["error"]["message"] == zh["error"]["message_zh"] and "不存在" in zh["error"]["message"]
    assert en["error"]["message"] == en["error"]["message_en"] and "does not exist" in en["error"]["message"]


def test_dcat_export_carries_the_catalog_metadata(client: TestClient, platform: Platform) -> None:
    provider = bearer(platform, "scjgj", org="SCJGJ")
    code = publish(client, provider).json()["code"]
    r = client.get(f"/api/v1/resources/{code}/dcat", headers=provider)
    assert r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@type"] == "dcat:Dataset" and doc["dct:identifier"] == code
    assert doc["dct:title"]["@value"] == "企业登记信息"
    assert doc["gongshu:shareAttribute"]["label"] == "有条件共享"
    assert doc["dcat:distribution"][0]["gongshu:rows"] == 1
    assert doc["gongshu:informationItems"][0] == {
        "name": "统一社会信用代码",
        "type": "string",
        "description": "18 位代码",
        "authoritative": True,
    }


def test_two_providers_claiming_the_same_authoritative_item_is_a_conflict(
    client: TestClient, platform: Platform
) -> None:
    a = bearer(platform, "scjgj", org="SCJGJ")
    b = bearer(platform, "swj", org="SWJ")
    publish(client, a)
    publish(client, b, meta=dict(META, title="纳税人登记信息"))
    conflicts = client.get("/api/v1/catalog/conflicts", headers=a).json()
    assert [c["item"] for c in conflicts] == ["统一社会信用代码"]
    assert {c["title"] for c in conflicts[0]["claims"]} == {"企业登记信息", "纳税人登记信息"}
