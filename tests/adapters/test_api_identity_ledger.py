"""Identity and ledger API: permission matrix, tokens, heads, proofs, scoped event reads."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from factories import bearer
from gongshu.ledger import merkle
from gongshu.platform import Platform

ROLES = {  # username: (org, kind, admin)
    "bureau": ("SJJ", "bureau", True),
    "provider": ("SCJGJ", "provider", True),
    "operator": ("SJJT", "operator", False),
    "developer": ("ZHJR", "developer", False),
    "consumer": ("SYYH", "consumer", False),
    "regulator": ("WXB", "regulator", False),
}


def _as(platform: Platform, role: str) -> dict[str, str]:
    org, kind, admin = ROLES[role]
    return bearer(platform, role, org=org, kind=kind, admin=admin)


@pytest.mark.parametrize("role", [*sorted(ROLES), "public"])
def test_only_the_bureau_creates_organizations(client: TestClient, platform: Platform, role: str) -> None:
    headers = {} if role == "public" else _as(platform, role)
    r = client.post("/api/v1/orgs", headers=headers, json={"code": "NEWORG", "name": "新单位", "kind": "developer"})
    expected = {"bureau": 201, "public": 401}.get(role, 403)
    assert r.status_code == expected, r.text


@pytest.mark.parametrize("role", [*sorted(ROLES), "public"])
def test_only_bureau_and_org_admins_add_users_and_only_to_their_own_org(
    client: TestClient, platform: Platform, role: str
) -> None:
    headers = {} if role == "public" else _as(platform, role)
    bearer(platform, "someone", org="RSJ")
    own = ROLES.get(role, ("SJJ",))[0]
    mine = client.post(
        "/api/v1/users", headers=headers, json={"username": f"new-{role}", "password": "Good-pass-2026", "org": own}
    )
    theirs = client.post(
        "/api/v1/users", headers=headers, json={"username": f"x-{role}", "password": "Good-pass-2026", "org": "RSJ"}
    )
    admin = ROLES.get(role, ("", "", False))[2]
    if role == "public":
        assert (mine.status_code, theirs.status_code) == (401, 401)
    elif role == "bureau":
        assert (mine.status_code, theirs.status_code) == (201, 201)
    elif admin:
        assert (mine.status_code, theirs.status_code) == (201, 403)
    else:
        assert (mine.status_code, theirs.status_code) == (403, 403)


def test_me_tells_who_the_token_belongs_to(client: TestClient, platform: Platform) -> None:
    me = client.get("/api/v1/me", headers=_as(platform, "provider")).json()
    assert me["username"] == "provider" and me["role"] == "provider" and me["org"] == "SCJGJ"
    assert client.get("/api/v1/me").json()["role"] == "public"


def test_a_user_creates_lists_and_revokes_its_own_tokens(client: TestClient, platform: Platform) -> None:
    headers = _as(platform, "developer")
    made = client.post("/api/v1/tokens", headers=headers, json={"name": "脚本"}).json()
    assert made["token"].startswith("gst_")
    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert all(t["token"] is None for t in listed) and made["id"] in [t["id"] for t in listed]
    new = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/me", headers=new).json()["username"] == "developer"
    other = _as(platform, "consumer")
    assert client.delete(f"/api/v1/tokens/{made['id']}", headers=other).status_code == 422
    assert client.delete(f"/api/v1/tokens/{made['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=new).status_code == 401


def test_the_latest_head_and_an_inclusion_proof_verify_with_the_published_key(
    client: TestClient, platform: Platform
) -> None:
    _as(platform, "bureau")
    head = client.get("/api/v1/ledger/head").json()
    assert head["tree_size"] >= 3
    key = client.get("/api/v1/ledger/public-key").json()
    assert key["key_id"] == head["key_id"]
    proof = client.get("/api/v1/ledger/proof/inclusion", params={"index": 1}).json()
    ok = merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        1,
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(head["root_hash"]),
        merkle.Hasher(),
    )
    assert ok
    bad = client.get("/api/v1/ledger/proof/inclusion", params={"index": 10_000})
    assert bad.status_code == 422


def test_members_read_their_own_orgs_events_and_regulators_read_all(client: TestClient, platform: Platform) -> None:
    dev = _as(platform, "developer")
    _as(platform, "consumer")
    reg = _as(platform, "regulator")
    mine = client.get("/api/v1/ledger/events", headers=dev).json()
    assert mine and {e["org"] for e in mine} == {"ZHJR"}
    everything = client.get("/api/v1/ledger/events", params={"limit": 500}, headers=reg).json()
    assert {"ZHJR", "SYYH", ""} <= {e["org"] for e in everything}
    foreign = next(e["seq"] for e in everything if e["org"] == "SYYH")
    assert client.get(f"/api/v1/ledger/events/{foreign}", headers=dev).status_code == 404
    assert client.get("/api/v1/ledger/events").status_code == 401


def test_the_openapi_document_is_served_under_api_v1(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/resources" in spec["paths"] and "/api/v1/ledger/proof/inclusion" in spec["paths"]
