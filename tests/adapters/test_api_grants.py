"""Authorized operation API (授权运营): what every role gets from every endpoint at the stage where the call
makes sense, illegal moves, the whole path from draft to an agreement verified offline, deadlines, revocation,
expiry, renewal and the public disclosure.

The permission matrix has some 230 cells, each needing a world of nine users and an application at some stage.
Each stage is built once per worker through the API and copied for every cell that starts there."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import bearer, make_resource, make_user, people_rows
from gongshu.api.app import create_app
from gongshu.api.routers import grants
from gongshu.clock import FakeClock
from gongshu.config import Settings
from gongshu.db import Database
from gongshu.grants import agreements, signatures
from gongshu.grants.models import Agreement, Application, ApplicationVersion, Attachment, Review, Signature
from gongshu.ledger.models import LedgerEvent
from gongshu.ledger.services import state_size
from gongshu.platform import Platform

# -- the world ----------------------------------------------------------------------------------------

PEOPLE = {  # role: (username, organization code, kind, organization name)
    "bureau": ("sjj", "SJJ", "bureau", "示例市数据局"),
    "operator": ("yunying", "SJJT", "operator", "示例市数据集团有限公司"),
    "developer_own": ("dev1", "ZHJR", "developer", "示例市智慧金融科技有限公司"),
    "developer_other": ("dev2", "XYPJ", "developer", "示例市信用评价有限公司"),
    "provider_concerned": ("rsj", "RSJ", "provider", "示例市人力资源和社会保障局"),
    "provider_not_concerned": ("scjgj", "SCJGJ", "provider", "示例市市场监督管理局"),
    "regulator_consulted": ("jrj", "JRJ", "regulator", "示例市地方金融管理局"),
    "regulator_not_consulted": ("wjw", "WJW", "regulator", "示例市卫生健康委员会"),
}
ROLES = (*PEOPLE, "public")
FIRMS = [
    ["统一社会信用代码", "企业名称", "注册资本", "成立日期"],
    ["91350100M000100Y43", "示例市华兴科技有限公司", "100", "2015-03-01"],
    ["91110000600037341L", "示例市长江物流有限公司", "250", "2009-07-15"],
]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PERIOD = {"start": "2026-11-22", "end": "2027-11-21"}  # the FakeClock starts on 2026-11-22 09:00 UTC


@dataclass
class World:
    headers: dict[str, dict[str, str]]
    people: str  # the provider_concerned's resource (参保人员信息)
    firms: str  # the provider_not_concerned's resource (企业登记信息)
    number: str = ""  # the developer_own's application, asking for the people resource only
    document: int = 0  # its qualification document
    review: int = 0  # the provider_concerned's part of it
    reg_review: int = 0  # the consulted regulator's part
    agreement: str = ""
    year: int = 2026


def content(world: World, **changes: Any) -> dict[str, Any]:
    """A complete application for 普惠金融 asking for three items of the people resource."""
    body: dict[str, Any] = {
        "scenario": "小微企业主信用评估",
        "description": "利用参保和收入的统计特征评估小微企业主的信用，支持普惠金融授信",
        "domain": "普惠金融",
        "purpose": "industry",
        "resources": [{"code": world.people, "items": ["区县", "年龄", "月收入"]}],
        **PERIOD,
        "output_kinds": ["aggregate_table", "model"],
        "security_measures": "在可信环境内加工，仅导出经审核的统计结果；专人专岗，操作全程留痕",
    }
    return body | changes


def ok(r: httpx2.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def build_world(platform: Platform, tmp: Path) -> World:
    actors = {
        role: make_user(platform, username=username, org=org, kind=kind, org_name=name, admin=kind == "bureau")
        for role, (username, org, kind, name) in PEOPLE.items()
    }
    headers = {role: bearer(platform, actor.username) for role, actor in actors.items()} | {"public": {}}
    people = make_resource(
        platform, actors["provider_concerned"], tmp, title="参保人员信息", rows=people_rows(40), domain="社保就业"
    )
    firms = make_resource(platform, actors["provider_not_concerned"], tmp, title="企业登记信息", rows=FIRMS)
    return World(headers=headers, people=people.code, firms=firms.code)


def _draft(c: TestClient, w: World) -> None:
    w.number = ok(c.post("/api/v1/applications", headers=w.headers["developer_own"], json=content(w)), 201)["number"]
    files = {"file": ("营业执照.pdf", io.BytesIO(PDF), "application/pdf")}
    url = f"/api/v1/applications/{w.number}/attachments"
    w.document = ok(c.post(url, headers=w.headers["developer_own"], files=files), 201)["id"]


def _submitted(c: TestClient, w: World) -> None:
    ok(c.post(f"/api/v1/applications/{w.number}/submit", headers=w.headers["developer_own"]))


def _in_review(c: TestClient, w: World) -> None:
    body = {"decision": "approve", "regulator": "JRJ"}
    app = ok(c.post(f"/api/v1/applications/{w.number}/first-instance", headers=w.headers["bureau"], json=body))
    assert app["status"] == "in_review"
    w.review = next(r["id"] for r in app["reviews"] if r["stage"] == "provider" and r["org"] == "RSJ")
    w.reg_review = next(r["id"] for r in app["reviews"] if r["stage"] == "regulator")


def _approved(c: TestClient, w: World) -> None:
    approve = {"decision": "approved"}
    ok(c.post(f"/api/v1/reviews/{w.review}", headers=w.headers["provider_concerned"], json=approve))
    ok(c.post(f"/api/v1/reviews/{w.reg_review}", headers=w.headers["regulator_consulted"], json=approve))
    assert ok(c.get(f"/api/v1/applications/{w.number}", headers=w.headers["bureau"]))["status"] == "approved"


def _signing(c: TestClient, w: World) -> None:
    w.agreement = ok(c.post(f"/api/v1/applications/{w.number}/agreement", headers=w.headers["bureau"], json={}), 201)[
        "number"
    ]


def _active(c: TestClient, w: World) -> None:
    for role in ("bureau", "operator", "developer_own"):
        got = ok(c.post(f"/api/v1/agreements/{w.agreement}/sign", headers=w.headers[role]))
    assert got["status"] == "active" and got["in_force"]


def _suspended(c: TestClient, w: World) -> None:
    ok(c.post(f"/api/v1/agreements/{w.agreement}/suspend", headers=w.headers["bureau"], json={"reason": "安全检查"}))


STEPS: dict[str, Callable[[TestClient, World], None]] = {
    "world": lambda c, w: None,
    "draft": _draft,
    "submitted": _submitted,
    "in_review": _in_review,
    "approved": _approved,
    "signing": _signing,
    "active": _active,
    "suspended": _suspended,
}


def _settings(home: Path) -> Settings:
    return Settings(home=home, _env_file=None)  # type: ignore[call-arg]


def _snapshot(home: Path, dest: Path) -> None:
    """Copy a platform's home; the database through SQLite's backup API so the WAL is included."""
    shutil.copytree(home, dest, ignore=shutil.ignore_patterns("gongshu.db*"))
    with closing(sqlite3.connect(home / "gongshu.db")) as src, closing(sqlite3.connect(dest / "gongshu.db")) as dst:
        src.backup(dst)


class Stages:
    """Every stage of the world, built once (through the API, as the parties would) and kept as copies.

    ``app`` is built once too: create_app costs a quarter of a second (FastAPI's include_router), more than a
    cell's call, and reads its platform only from ``app.state.platform``, which each scene points at its own."""

    def __init__(self, root: Path, template: Path) -> None:
        self.root, self.template = root, template
        self.worlds: dict[str, World] = {}
        self.app: FastAPI | None = None

    def home(self, stage: str) -> tuple[Path, World]:
        if not self.worlds:
            self._build()
        return self.root / stage, self.worlds[stage]

    def _build(self) -> None:
        home = self.root / "build"
        home.mkdir()
        shutil.copyfile(self.template, home / "gongshu.db")
        platform = Platform(_settings(home), clock=FakeClock(), db=Database(_settings(home).db_url))
        try:
            self.app = create_app(platform=platform)
            with TestClient(self.app) as client:
                world = build_world(platform, self.root)
                for stage, step in STEPS.items():
                    step(client, world)
                    self.worlds[stage] = copy.deepcopy(world)
                    _snapshot(home, self.root / stage)
        finally:
            platform.close()


@pytest.fixture(scope="module")
def stages(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Stages:
    return Stages(tmp_path_factory.mktemp("grants-stages"), sqlite_template)


@dataclass
class Scene:
    client: TestClient
    platform: Platform
    world: World

    @property
    def clock(self) -> FakeClock:
        assert isinstance(self.platform.clock, FakeClock)
        return self.platform.clock

    def call(self, role: str, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        url = "/api/v1" + path.format(**asdict(self.world))
        return self.client.request(method, url, headers=self.world.headers[role], **kwargs)


@pytest.fixture
def at_stage(stages: Stages, tmp_path: Path) -> Iterator[Callable[[str], Scene]]:
    """A fresh copy of the world at a stage: its own database, keys, clock and client."""
    with ExitStack() as stack:

        def open_at(stage: str) -> Scene:
            snapshot, world = stages.home(stage)
            home = tmp_path / f"home-{stage}"
            shutil.copytree(snapshot, home)
            platform = Platform(_settings(home), clock=FakeClock(), db=Database(_settings(home).db_url))
            stack.callback(platform.close)
            assert stages.app is not None
            stages.app.state.platform = platform
            client = stack.enter_context(TestClient(stages.app))
            return Scene(client, platform, copy.deepcopy(world))

        yield open_at


STATE_TABLES = (Application, ApplicationVersion, Attachment, Review, Agreement, Signature)


def state(platform: Platform) -> tuple[int, list[list[tuple[Any, ...]]]]:
    """The ledger size and every grants row: equal before and after means the call changed nothing."""
    with platform.uow() as uow:
        rows = [
            [tuple(row) for row in uow.session.execute(select(*t.__table__.columns).order_by(t.id))]
            for t in STATE_TABLES
        ]
        return state_size(uow.session), rows


# -- the permission matrix ----------------------------------------------------------------------------


Request = Callable[[World], dict[str, Any]]  # the body (json=, files=, params=) of a call in a world


def nothing(w: World) -> dict[str, Any]:
    return {}


def send(**kwargs: Any) -> Request:
    return lambda w: copy.deepcopy(kwargs)


def an_application(w: World) -> dict[str, Any]:
    return {"json": content(w, scenario="另一个场景")}


def a_document(w: World) -> dict[str, Any]:
    return {"files": {"file": ("营业执照.pdf", io.BytesIO(PDF), "application/pdf")}}


@dataclass(frozen=True)
class Call:
    stage: str  # where the call makes sense
    method: str
    path: str  # formatted with the world's fields
    request: Request = nothing


ENDPOINTS: dict[str, Call] = {
    "vocabularies": Call("world", "GET", "/grants/vocabularies"),
    "create application": Call("world", "POST", "/applications", an_application),
    "list applications": Call("in_review", "GET", "/applications"),
    "show application": Call("in_review", "GET", "/applications/{number}"),
    "edit application": Call("draft", "PUT", "/applications/{number}", an_application),
    "attach document": Call("draft", "POST", "/applications/{number}/attachments", a_document),
    "download document": Call("in_review", "GET", "/applications/{number}/attachments/{document}"),
    "submit": Call("draft", "POST", "/applications/{number}/submit"),
    "withdraw": Call("draft", "POST", "/applications/{number}/withdraw"),
    "first instance": Call(
        "submitted", "POST", "/applications/{number}/first-instance", send(json={"decision": "approve"})
    ),
    "my reviews": Call("in_review", "GET", "/reviews"),
    "overdue reviews": Call("in_review", "GET", "/reviews", send(params={"overdue_only": "true"})),
    "review provider part": Call("in_review", "POST", "/reviews/{review}", send(json={"decision": "approved"})),
    "review regulator part": Call("in_review", "POST", "/reviews/{reg_review}", send(json={"decision": "approved"})),
    "make agreement": Call("approved", "POST", "/applications/{number}/agreement", send(json={})),
    "list agreements": Call("signing", "GET", "/agreements"),
    "show agreement": Call("signing", "GET", "/agreements/{agreement}"),
    "sign": Call("signing", "POST", "/agreements/{agreement}/sign"),
    "bundle": Call("active", "GET", "/agreements/{agreement}/bundle"),
    "document html": Call("active", "GET", "/agreements/{agreement}/document"),
    "document pdf": Call("active", "GET", "/agreements/{agreement}/document", send(params={"format": "pdf"})),
    "odrl": Call("active", "GET", "/agreements/{agreement}/odrl"),
    "suspend": Call("active", "POST", "/agreements/{agreement}/suspend", send(json={"reason": "安全检查"})),
    "resume": Call("suspended", "POST", "/agreements/{agreement}/resume"),
    "revoke": Call("active", "POST", "/agreements/{agreement}/revoke", send(json={"reason": "违反约定用途"})),
    "renew": Call("active", "POST", "/agreements/{agreement}/renew", send(json={"end": "2028-11-21"})),
    "disclosure list": Call("active", "GET", "/disclosure/agreements"),
    "annual report": Call("active", "GET", "/disclosure/reports/{year}"),
}


def row(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


# The public reads the vocabularies and the disclosure only; anything else asks it to sign in (401), as the
# rest of the API does. Regulators read everything (DESIGN.md, "Who uses it"); only the consulted one reviews.
# Bureau-only moves answer 403 to every other role, except resume, which looks the agreement up first: who
# may not see it gets 404.
MATRIX: dict[str, dict[str, int]] = {  # endpoint: row(*one status per role in ROLES order)
    # bureau, operator, developer own/other, provider concerned/not, regulator consulted/not, public
    "vocabularies": row(200, 200, 200, 200, 200, 200, 200, 200, 200),
    "create application": row(403, 403, 201, 201, 403, 403, 403, 403, 401),
    "list applications": row(200, 200, 200, 200, 200, 200, 200, 200, 401),
    "show application": row(200, 404, 200, 404, 200, 404, 200, 200, 401),
    "edit application": row(403, 404, 200, 404, 404, 404, 403, 403, 401),
    "attach document": row(403, 404, 201, 404, 404, 404, 403, 403, 401),
    "download document": row(200, 404, 200, 404, 404, 404, 404, 404, 401),
    "submit": row(403, 404, 200, 404, 404, 404, 403, 403, 401),
    "withdraw": row(403, 404, 200, 404, 404, 404, 403, 403, 401),
    "first instance": row(200, 403, 403, 403, 403, 403, 403, 403, 401),
    "my reviews": row(200, 200, 200, 200, 200, 200, 200, 200, 401),
    "overdue reviews": row(200, 403, 403, 403, 403, 403, 200, 200, 401),
    "review provider part": row(404, 404, 404, 404, 200, 404, 404, 404, 401),
    "review regulator part": row(404, 404, 404, 404, 404, 404, 200, 404, 401),
    "make agreement": row(201, 403, 403, 403, 403, 403, 403, 403, 401),
    "list agreements": row(200, 200, 200, 200, 200, 200, 200, 200, 401),
    "show agreement": row(200, 200, 200, 404, 200, 404, 200, 200, 401),
    "sign": row(200, 200, 200, 404, 403, 404, 403, 403, 401),
    "bundle": row(200, 200, 200, 404, 200, 404, 200, 200, 401),
    "document html": row(200, 200, 200, 404, 200, 404, 200, 200, 401),
    "document pdf": row(200, 200, 200, 404, 200, 404, 200, 200, 401),
    "odrl": row(200, 200, 200, 404, 200, 404, 200, 200, 401),
    "suspend": row(200, 403, 403, 403, 403, 403, 403, 403, 401),
    "resume": row(200, 403, 403, 403, 403, 403, 403, 403, 401),
    "revoke": row(200, 403, 403, 403, 403, 403, 403, 403, 401),
    "renew": row(201, 403, 403, 403, 403, 403, 403, 403, 401),
    "disclosure list": row(200, 200, 200, 200, 200, 200, 200, 200, 200),
    "annual report": row(200, 200, 200, 200, 200, 200, 200, 200, 200),
}


def _cells() -> Iterator[Any]:
    assert set(MATRIX) == set(ENDPOINTS)
    for endpoint, codes in MATRIX.items():
        for role, expected in codes.items():
            yield pytest.param(endpoint, role, expected, id=f"{endpoint}-{role}")


def test_the_matrix_covers_every_grants_route() -> None:
    def shape(method: str, path: str) -> tuple[str, str]:
        return method, re.sub(r"\{[^}]+\}", "{}", path)

    routes = {shape(m, r.path) for r in grants.router.routes if isinstance(r, APIRoute) for m in r.methods or ()}
    assert routes == {shape(c.method, c.path) for c in ENDPOINTS.values()}


@pytest.mark.parametrize(("endpoint", "role", "expected"), list(_cells()))
def test_every_role_gets_its_status_from_every_endpoint(
    at_stage: Callable[[str], Scene], endpoint: str, role: str, expected: int
) -> None:
    call = ENDPOINTS[endpoint]
    scene = at_stage(call.stage)
    before = state(scene.platform)
    r = scene.call(role, call.method, call.path, **call.request(scene.world))
    assert r.status_code == expected, r.text
    if r.status_code >= 400:
        assert state(scene.platform) == before, "a refused call changed something"


# -- who sees what in lists ---------------------------------------------------------------------------

SEES = {  # role: (sees the application in GET /applications, sees the agreement in GET /agreements)
    "bureau": (True, True),
    "operator": (False, True),
    "developer_own": (True, True),
    "developer_other": (False, False),
    "provider_concerned": (True, True),
    "provider_not_concerned": (False, False),
    "regulator_consulted": (True, True),
    "regulator_not_consulted": (True, True),
}


@pytest.mark.parametrize("role", list(SEES))
def test_lists_show_each_role_only_what_it_may_read(at_stage: Callable[[str], Scene], role: str) -> None:
    scene = at_stage("signing")
    apps = [a["number"] for a in ok(scene.call(role, "GET", "/applications"))]
    deals = [a["number"] for a in ok(scene.call(role, "GET", "/agreements"))]
    assert (scene.world.number in apps, scene.world.agreement in deals) == SEES[role]


# -- the whole path -----------------------------------------------------------------------------------

ORG_ROLE = {"RSJ": "provider_concerned", "SCJGJ": "provider_not_concerned", "JRJ": "regulator_consulted"}


def both(world: World) -> list[dict[str, Any]]:
    return [
        {"code": world.people, "items": ["区县", "年龄", "月收入"]},
        {"code": world.firms, "items": ["企业名称", "注册资本", "成立日期"]},
    ]


def agree(
    scene: Scene,
    *,
    developer: str = "developer_own",
    body: dict[str, Any] | None = None,
    partial_comment: str = "",
    document: str = "",
    sign: bool = True,
) -> tuple[str, str]:
    """Walk one application from draft to an agreement in force; returns (application, agreement)."""
    w = scene.world
    number = ok(scene.call(developer, "POST", "/applications", json=body or content(w)), 201)["number"]
    if document:
        files = {"file": (document, io.BytesIO(PDF), "application/pdf")}
        ok(scene.call(developer, "POST", f"/applications/{number}/attachments", files=files), 201)
    ok(scene.call(developer, "POST", f"/applications/{number}/submit"))
    first = {"decision": "approve", "regulator": "JRJ"}
    app = ok(scene.call("bureau", "POST", f"/applications/{number}/first-instance", json=first))
    for r in app["reviews"]:
        if r["stage"] == "bureau":
            continue
        decision: dict[str, Any] = {"decision": "approved"}
        if partial_comment and r["org"] == "RSJ":
            decision = {"decision": "partial", "comment": partial_comment, "approved_items": {w.people: ["区县"]}}
        ok(scene.call(ORG_ROLE[r["org"]], "POST", f"/reviews/{r['id']}", json=decision))
    agreement = ok(scene.call("bureau", "POST", f"/applications/{number}/agreement", json={}), 201)["number"]
    for role in ("bureau", "operator", developer) if sign else ():
        ok(scene.call(role, "POST", f"/agreements/{agreement}/sign"))
    return number, agreement


def actions(platform: Platform, object_id: str) -> list[str]:
    with platform.uow() as uow:
        q = select(LedgerEvent.action).where(LedgerEvent.object_id == object_id).order_by(LedgerEvent.seq)
        return list(uow.session.execute(q).scalars())


def test_an_application_becomes_an_agreement_that_three_parties_sign_and_anyone_verifies_offline(
    at_stage: Callable[[str], Scene],
) -> None:
    scene = at_stage("world")
    w = scene.world
    app = ok(scene.call("developer_own", "POST", "/applications", json=content(w, resources=both(w))), 201)
    number = app["number"]
    assert (app["status"], app["version"], app["frozen"]) == ("draft", 1, False)
    files = {"file": ("营业执照.pdf", io.BytesIO(PDF), "application/pdf")}
    ok(scene.call("developer_own", "POST", f"/applications/{number}/attachments", files=files), 201)

    app = ok(scene.call("developer_own", "POST", f"/applications/{number}/submit"))
    assert app["status"] == "submitted" and app["frozen"]
    assert app["first_instance_due"].startswith("2026-11-27")  # five days
    assert scene.call("developer_own", "PUT", f"/applications/{number}", json=content(w)).status_code == 422

    first = {"decision": "approve", "comment": "材料齐全", "regulator": "JRJ"}
    app = ok(scene.call("bureau", "POST", f"/applications/{number}/first-instance", json=first))
    assert app["status"] == "in_review"
    parts = {(r["stage"], r["org"]): f"/reviews/{r['id']}" for r in app["reviews"]}
    assert set(parts) == {("bureau", "SJJ"), ("provider", "RSJ"), ("provider", "SCJGJ"), ("regulator", "JRJ")}

    mine = ok(scene.call("provider_concerned", "GET", f"/applications/{number}"))
    assert [r["code"] for r in mine["content"]["resources"]] == [w.people]
    assert mine["attachments"] == [] and [r["org"] for r in mine["reviews"]] == ["RSJ"]
    document = f"/applications/{number}/attachments/{app['attachments'][0]['id']}"
    assert scene.call("bureau", "GET", document).content == PDF
    assert scene.call("provider_concerned", "GET", document).status_code == 404

    comment = "月收入属敏感个人信息，不予提供"
    partial = {"decision": "partial", "comment": comment, "approved_items": {w.people: ["区县", "年龄"]}}
    got = ok(scene.call("provider_concerned", "POST", parts["provider", "RSJ"], json=partial))
    assert got["decision"] == "partial" and got["approved_items"] == {w.people: ["区县", "年龄"]}
    ok(scene.call("provider_not_concerned", "POST", parts["provider", "SCJGJ"], json={"decision": "approved"}))
    assert ok(scene.call("bureau", "GET", f"/applications/{number}"))["status"] == "in_review"  # the regulator
    ok(scene.call("regulator_consulted", "POST", parts["regulator", "JRJ"], json={"decision": "approved"}))
    assert ok(scene.call("bureau", "GET", f"/applications/{number}"))["status"] == "approved"

    terms = {"epsilon": 0.5, "min_cell_count": 20, "fee_cap": "每年不超过 10 万元"}
    made = ok(scene.call("bureau", "POST", f"/applications/{number}/agreement", json=terms), 201)
    agreement = made["number"]
    assert (made["status"], made["in_force"], made["signatures"]) == ("signing", False, [])
    granted = {r["code"]: r["items"] for r in made["content"]["resources"]}
    assert granted == {w.people: ["区县", "年龄"], w.firms: ["企业名称", "注册资本", "成立日期"]}
    assert "月收入" not in json.dumps(made["content"]["resources"], ensure_ascii=False)
    assert made["content"]["privacy"]["epsilon"] == 0.5 and made["content"]["privacy"]["min_cell_count"] == 20
    assert made["content"]["parties"]["developer"]["code"] == "ZHJR"
    assert ok(scene.call("bureau", "GET", f"/applications/{number}"))["status"] == "agreed"

    for role, status in (("bureau", "signing"), ("operator", "signing"), ("developer_own", "active")):
        got = ok(scene.call(role, "POST", f"/agreements/{agreement}/sign"))
        assert got["status"] == status
    assert got["in_force"] and [s["party"] for s in got["signatures"]] == ["bureau", "operator", "developer"]

    bundle = ok(scene.call("provider_concerned", "GET", f"/agreements/{agreement}/bundle"))
    assert signatures.verify_bundle(bundle) == [("bureau", True), ("operator", True), ("developer", True)]
    assert signatures.content_hash(bundle["content"]) == got["content_hash"]
    tampered = copy.deepcopy(bundle)
    tampered["content"]["privacy"]["epsilon"] = 0.6  # one byte of the signed JSON
    assert signatures.verify_bundle(tampered) == [("bureau", False), ("operator", False), ("developer", False)]

    assert actions(scene.platform, number) == [
        "application.create",
        "application.attach",
        "application.submit",
        "application.first_approve",
        "review.partial",
        "review.approved",
        "review.approved",
        "application.approved",
    ]
    assert actions(scene.platform, agreement) == [
        "agreement.create",
        "agreement.sign",
        "agreement.sign",
        "agreement.sign",
        "agreement.active",
    ]


# -- illegal moves and bad input ----------------------------------------------------------------------


def refused(scene: Scene, role: str, method: str, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
    """Make a call that must be refused with ``status`` and change nothing; return the error."""
    before = state(scene.platform)
    r = scene.call(role, method, path, **kwargs)
    assert r.status_code == status, r.text
    assert state(scene.platform) == before, "a refused call changed something"
    return dict(r.json()["error"])


def test_a_provider_cannot_decide_its_part_twice(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("approved")
    again = {"decision": "rejected", "comment": "改变主意"}
    refused(scene, "provider_concerned", "POST", "/reviews/{review}", 409, json=again)


def test_the_bureau_cannot_approve_an_application_twice(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("in_review")
    refused(scene, "bureau", "POST", "/applications/{number}/first-instance", 409, json={"decision": "approve"})


def test_a_revoked_agreement_cannot_be_signed(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("signing")
    ok(scene.call("bureau", "POST", "/agreements/{agreement}/revoke", json={"reason": "申请单位资质被撤销"}))
    refused(scene, "operator", "POST", "/agreements/{agreement}/sign", 409)
    refused(scene, "bureau", "POST", "/agreements/{agreement}/suspend", 409, json={"reason": "x"})


def test_a_developer_cannot_first_instance_its_own_application(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("submitted")
    body = {"decision": "approve"}
    refused(scene, "developer_own", "POST", "/applications/{number}/first-instance", 403, json=body)


def test_a_provider_cannot_review_another_providers_part(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("world")
    w = scene.world
    number = ok(scene.call("developer_own", "POST", "/applications", json=content(w, resources=both(w))), 201)["number"]
    ok(scene.call("developer_own", "POST", f"/applications/{number}/submit"))
    app = ok(scene.call("bureau", "POST", f"/applications/{number}/first-instance", json={"decision": "approve"}))
    theirs = next(r["id"] for r in app["reviews"] if r["org"] == "RSJ")
    refused(scene, "provider_not_concerned", "POST", f"/reviews/{theirs}", 404, json={"decision": "approved"})
    partial = {"decision": "partial", "comment": "只给一项", "approved_items": {w.people: ["区县"]}}
    refused(scene, "provider_not_concerned", "POST", f"/reviews/{theirs}", 404, json=partial)


def test_an_incomplete_application_is_refused_with_its_problems(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("world")
    body = {"scenario": " ", "description": "太短", "domain": "炼金术", "resources": [{"code": "NOPE-1", "items": []}]}
    number = ok(scene.call("developer_own", "POST", "/applications", json=body), 201)["number"]
    error = refused(scene, "developer_own", "POST", f"/applications/{number}/submit", 422)
    problems = ("请填写场景名称", "场景领域", "请选择用途", "NOPE-1 不存在", "请填写起止日期", "请选择产出形式")
    assert all(p in error["message_zh"] for p in problems), error["message_zh"]
    assert "the scenario needs a name" in error["message_en"] and error["values"]["count"] == 8
    assert ok(scene.call("developer_own", "GET", f"/applications/{number}"))["status"] == "draft"


def test_a_period_in_the_past_is_refused(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("world")
    body = content(scene.world, start="2025-01-01", end="2025-12-31")
    number = ok(scene.call("developer_own", "POST", "/applications", json=body), 201)["number"]
    error = refused(scene, "developer_own", "POST", f"/applications/{number}/submit", 422)
    assert "使用期限已过去" in error["message_zh"] and "the period lies in the past" in error["message_en"]


BAD_UPLOADS = {
    "oversized": ("营业执照.pdf", PDF + b"0" * (10 << 20), "exceeds 10 MiB"),
    "wrong type": ("营业执照.pdf", b"MZ\x90\x00\x03\x00\x00\x00 not a pdf", "only PDF, PNG or JPEG"),
    "eicar": ("营业执照.pdf", PDF + EICAR, "malware"),
    "empty": ("营业执照.pdf", b"", "empty"),
}


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_a_bad_upload_is_refused_and_nothing_is_kept(at_stage: Callable[[str], Scene], kind: str) -> None:
    scene = at_stage("draft")
    name, data, message = BAD_UPLOADS[kind]
    files = {"file": (name, io.BytesIO(data), "application/pdf")}
    kept = sorted((scene.platform.settings.data_dir / "applications").rglob("*"))
    error = refused(scene, "developer_own", "POST", "/applications/{number}/attachments", 422, files=files)
    assert message in error["message_en"]
    assert sorted((scene.platform.settings.data_dir / "applications").rglob("*")) == kept
    assert list(scene.platform.settings.tmp_dir.iterdir()) == []


FORGED: dict[str, Any] = {
    "number": "SQ-2026-99999",
    "document": 99999,
    "agreement": "XY-2026-99999",
    "review": 99999,
    "reg_review": 99999,
}


def _forged() -> Iterator[Any]:
    """Every endpoint that names an application, review or agreement, called by a role it would serve."""
    for endpoint, call in ENDPOINTS.items():
        if any(f"{{{name}}}" in call.path for name in FORGED):
            role = next(role for role, status in MATRIX[endpoint].items() if status < 300)
            yield pytest.param(endpoint, role, id=endpoint)


@pytest.mark.parametrize(("endpoint", "role"), list(_forged()))
def test_forged_numbers_are_404(at_stage: Callable[[str], Scene], endpoint: str, role: str) -> None:
    call = ENDPOINTS[endpoint]
    scene = at_stage(call.stage)
    scene.world = replace(scene.world, **FORGED)
    error = refused(scene, role, call.method, call.path, 404, **call.request(scene.world))
    assert error["code"] == "not_found" and set(error["values"]) & {"number", "review"}


def test_a_path_outside_the_api_is_not_found(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("active")
    refused(scene, "bureau", "GET", "/applications/..%2F..%2Fetc%2Fpasswd", 404)
    refused(scene, "bureau", "GET", "/agreements/XY-2026-00001%00", 404)


# -- time: deadlines, revocation, expiry, renewal -----------------------------------------------------


def test_overdue_reviews_are_listed_for_the_bureau(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("submitted")
    number = scene.world.number
    assert ok(scene.call("bureau", "GET", "/reviews", params={"overdue_only": "true"})) == []
    scene.clock.advance(days=5, seconds=1)
    late = ok(scene.call("bureau", "GET", "/reviews", params={"overdue_only": "true"}))
    assert [(t["application"], t["stage"], t["overdue"]) for t in late] == [(number, "bureau", True)]
    first = {"decision": "approve", "regulator": "JRJ"}
    ok(scene.call("bureau", "POST", f"/applications/{number}/first-instance", json=first))
    assert ok(scene.call("bureau", "GET", "/reviews", params={"overdue_only": "true"})) == []
    task = ok(scene.call("provider_concerned", "GET", "/reviews"))
    assert [(t["application"], t["overdue"]) for t in task] == [(number, False)]
    scene.clock.advance(days=10, seconds=1)
    late = ok(scene.call("bureau", "GET", "/reviews", params={"overdue_only": "true"}))
    assert sorted((t["stage"], t["org"]) for t in late) == [("provider", "RSJ"), ("regulator", "JRJ")]
    assert [t["overdue"] for t in ok(scene.call("provider_concerned", "GET", "/reviews"))] == [True]
    regulator = ok(scene.call("regulator_not_consulted", "GET", "/reviews", params={"overdue_only": "true"}))
    assert len(regulator) == 2


def test_revocation_and_suspension_take_effect_at_once(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("active")
    path = "/agreements/{agreement}"
    assert ok(scene.call("developer_own", "GET", path))["in_force"]
    got = ok(scene.call("bureau", "POST", path + "/suspend", json={"reason": "安全检查"}))
    assert (got["status"], got["in_force"], got["reason"]) == ("suspended", False, "安全检查")
    assert ok(scene.call("bureau", "POST", path + "/resume"))["in_force"]
    refused(scene, "bureau", "POST", path + "/revoke", 422, json={"reason": " "})
    got = ok(scene.call("bureau", "POST", path + "/revoke", json={"reason": "违反约定用途"}))
    assert (got["status"], got["status_label"], got["in_force"]) == ("revoked", "已撤销", False)
    got = ok(scene.call("developer_own", "GET", path))
    assert not got["in_force"] and got["reason"] == "违反约定用途"
    refused(scene, "bureau", "POST", path + "/resume", 422)
    refused(scene, "operator", "POST", path + "/sign", 409)


def test_an_agreement_expires_by_itself_after_its_end_and_the_sweep_records_it(
    at_stage: Callable[[str], Scene],
) -> None:
    scene = at_stage("active")
    path, number = "/agreements/{agreement}", scene.world.agreement
    scene.clock.set(datetime(2027, 11, 21, 23, 59, 59, tzinfo=UTC))  # the end date is 2027-11-21, inclusive
    assert ok(scene.call("developer_own", "GET", path))["in_force"]
    scene.clock.advance(seconds=1)
    got = ok(scene.call("developer_own", "GET", path))
    assert (got["status"], got["status_label"], got["in_force"]) == ("expired", "已到期", False)
    public = {e["number"]: e for e in ok(scene.call("public", "GET", "/disclosure/agreements"))}
    assert public[number]["status_label"] == "已到期"
    assert "agreement.expired" not in actions(scene.platform, number)
    with scene.platform.uow(write=True) as uow:
        assert agreements.expire_due(uow) == [number]
    with scene.platform.uow(write=True) as uow:
        assert agreements.expire_due(uow) == []
    assert actions(scene.platform, number)[-1] == "agreement.expired"
    refused(scene, "bureau", "POST", path + "/suspend", 409, json={"reason": "x"})


def test_a_renewal_links_to_the_old_agreement_and_takes_over_at_its_end(at_stage: Callable[[str], Scene]) -> None:
    scene = at_stage("active")
    old = scene.world.agreement
    new = ok(scene.call("bureau", "POST", f"/agreements/{old}/renew", json={"end": "2028-11-21"}), 201)
    assert new["number"] != old and new["renews"] == old and new["content"]["renews"] == old
    assert new["content"]["period"] == {"start": "2027-11-22", "end": "2028-11-21"}
    assert new["content"]["resources"] == ok(scene.call("bureau", "GET", f"/agreements/{old}"))["content"]["resources"]
    assert new["status"] == "signing"
    for role in ("bureau", "operator", "developer_own"):
        got = ok(scene.call(role, "POST", f"/agreements/{new['number']}/sign"))
    assert got["status"] == "active" and not got["in_force"]  # not before its start
    assert ok(scene.call("bureau", "GET", f"/agreements/{old}"))["in_force"]
    scene.clock.set(datetime(2027, 11, 22, 0, 0, 1, tzinfo=UTC))
    assert not ok(scene.call("bureau", "GET", f"/agreements/{old}"))["in_force"]
    assert ok(scene.call("bureau", "GET", f"/agreements/{new['number']}"))["in_force"]
    refused(scene, "bureau", "POST", f"/agreements/{old}/renew", 422, json={"end": "2026-12-31"})


# -- disclosure ---------------------------------------------------------------------------------------


def test_disclosure_lists_agreements_in_force_and_ended_and_nothing_confidential(
    at_stage: Callable[[str], Scene],
) -> None:
    scene = at_stage("world")
    w = scene.world
    comment, document = "月收入属敏感个人信息，不予提供", "法人身份证复印件-机密.pdf"
    _, ended = agree(scene, body=content(w, resources=both(w)), partial_comment=comment, document=document)
    ok(scene.call("bureau", "POST", f"/agreements/{ended}/revoke", json={"reason": "申请单位被列入失信名单"}))
    free = content(w, scenario="社区就业监测", purpose="public_welfare")
    _, active = agree(scene, developer="developer_other", body=free)
    _, signing = agree(scene, body=content(w, scenario="待签署的场景"), sign=False)
    bundles = [ok(scene.call("bureau", "GET", f"/agreements/{a}/bundle")) for a in (ended, active)]

    listed = ok(scene.call("public", "GET", "/disclosure/agreements"))
    assert {e["number"]: e["status_label"] for e in listed} == {ended: "已撤销", active: "生效中"}
    entry = next(e for e in listed if e["number"] == ended)
    assert entry["authorized"] == "示例市智慧金融科技有限公司" and entry["operator"] == "示例市数据集团有限公司"
    assert {r["code"]: r["items"] for r in entry["resources"]}[w.people] == ["区县"]
    assert entry["price"]["mode"] == "paid"
    assert next(e for e in listed if e["number"] == active)["price"]["mode"] == "free"
    report = ok(scene.call("public", "GET", "/disclosure/reports/2026"))
    assert report["implementing_body"]["authorizations"] == 2
    assert [o["name"] for o in report["operators"]] == ["示例市数据集团有限公司"]

    for text in (json.dumps(listed, ensure_ascii=False), json.dumps(report, ensure_ascii=False)):
        assert comment not in text and document not in text and signing not in text
        assert "signature" not in text and "public_key" not in text and "key_id" not in text
        for b in bundles:
            for s in b["signatures"]:
                assert s["signature"] not in text and s["public_key"] not in text and s["key_id"] not in text
