"""The console through FastAPI's TestClient: sign-in, CSRF, catalog pages, uploads, ledger, admin, tokens."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from factories import ENTERPRISES, PASSWORD, make_resource, make_user
from gongshu.api.app import create_app
from gongshu.catalog import services as catalog
from gongshu.clock import FakeClock
from gongshu.identity import SYSTEM
from gongshu.identity.services import find_org
from gongshu.platform import Platform

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform=platform)) as c:
        yield c


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/") -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def text_of(response: Any) -> str:
    """The page without tags, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def catalog_titles(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        found, _ = catalog.search(uow, SYSTEM, "")
        return [r.title for r in found]


def publish_form(title: str = "企业登记信息", **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "summary": "全市企业登记的基本信息",
        "domain": "市场监管",
        "share": "conditional",
        "open": "none",
        "update_cycle": "monthly",
        "share_condition": "",
        "authoritative": "",
        **extra,
    }


WEATHER: list[list[object]] = [["观测时间", "气温"], ["2026-11-01 08:00", "12.5"]]
CSV_TEXT = "\n".join(",".join(row) for row in ENTERPRISES) + "\n"


# -- sign-in -----------------------------------------------------------------------------------


def test_signing_in_sets_an_httponly_session_cookie_and_home_shows_the_providers_next_steps(
    client: TestClient, platform: Platform
) -> None:
    make_user(platform, username="scjgj", org="SCJGJ", kind="provider")
    response = sign_in(client, "scjgj")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("gongshu_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    home = client.get("/")
    assert home.status_code == 200
    for step in ("发布数据资源", "我的资源", "一数一源冲突"):
        assert step in home.text
    assert "/catalog?provider=SCJGJ" in home.text
    assert "暂无数据资源" in home.text and "domain-chart-data" not in home.text  # nothing to chart yet


def test_the_bureau_home_page_shows_counts_and_the_chart_data_of_resources_per_domain(
    client: TestClient, platform: Platform, tmp_path: Path
) -> None:
    provider = make_user(platform, username="scjgj", org="SCJGJ", kind="provider")
    make_resource(platform, provider, tmp_path)
    make_user(platform, username="admin", org="SJJ", kind="bureau", admin=True)
    sign_in(client, "admin")
    home = client.get("/")
    assert "单位与用户" in home.text and "账本" in home.text
    data = re.search(r'<script type="application/json" id="domain-chart-data">(.*?)</script>', home.text, re.S)
    assert data is not None
    chart = json.loads(data.group(1))
    assert chart["labels"] == ["市场监管"] and chart["values"] == [1]
    assert "/static/vendor/echarts.min.js" in home.text
    assert "cdn" not in home.text.lower()


def test_a_wrong_password_gets_401_and_the_message_on_the_form(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    response = sign_in(client, "scjgj", password="not-the-password-1")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert "gongshu_session" not in client.cookies


def test_after_five_failed_sign_ins_the_next_try_is_throttled_with_429(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    for _ in range(5):
        assert sign_in(client, "scjgj", password="not-the-password-1").status_code == 401
    response = sign_in(client, "scjgj")  # even the right password
    assert response.status_code == 429
    assert "登录失败次数过多" in response.text


def test_a_login_post_without_the_double_submit_token_is_refused(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    response = client.post(
        "/login", data={"username": "scjgj", "password": PASSWORD, "csrf_token": "forged"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "gongshu_session" not in client.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "evil"])
def test_login_refuses_to_redirect_off_site(client: TestClient, platform: Platform, target: str) -> None:
    make_user(platform, username="scjgj")
    response = sign_in(client, "scjgj", next_path=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_login_goes_back_to_the_page_that_asked_for_it(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    first = client.get("/ledger", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/login?next=/ledger"
    assert sign_in(client, "scjgj", next_path="/ledger").headers["location"] == "/ledger"


def test_signing_out_ends_the_session(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    sign_in(client, "scjgj")
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/ledger", follow_redirects=False).status_code == 303


# -- CSRF --------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused_with_403_and_changes_nothing(
    client: TestClient, platform: Platform
) -> None:
    make_user(platform, username="admin", org="SJJ", kind="bureau", admin=True)
    sign_in(client, "admin")
    form = {"code": "WJW", "name": "示例市卫生健康委员会", "kind": "provider"}
    for bad in ({}, {"csrf_token": "forged"}):
        response = client.post("/admin/orgs", data={**form, **bad}, follow_redirects=False)
        assert response.status_code == 403
        assert "CSRF" in response.text
    with platform.uow() as uow:
        assert find_org(uow, "WJW") is None
    token = csrf_of(client.get("/admin").text)
    ok = client.post("/admin/orgs", data=form, headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert ok.status_code == 303
    with platform.uow() as uow:
        assert find_org(uow, "WJW") is not None


def test_the_htmx_header_carries_the_session_csrf_token(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    sign_in(client, "scjgj")
    page = client.get("/")
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf_of(page.text)}"}}\'' in page.text


# -- catalog -----------------------------------------------------------------------------------


def test_anonymous_visitors_see_only_open_resources_and_get_404_for_the_rest(
    client: TestClient, platform: Platform, tmp_path: Path
) -> None:
    provider = make_user(platform)
    closed = make_resource(platform, provider, tmp_path, title="企业登记信息", open="none")
    opened = make_resource(platform, provider, tmp_path, title="开放企业名录", open="unconditional")
    page = client.get("/catalog")
    assert page.status_code == 200
    assert "开放企业名录" in page.text and "企业登记信息" not in page.text
    assert client.get(f"/catalog/{opened.code}").status_code == 200
    hidden = client.get(f"/catalog/{closed.code}")
    assert hidden.status_code == 404 and "企业登记信息" not in hidden.text
    assert hidden.headers["content-type"].startswith("text/html")


def test_a_chinese_search_finds_the_resource(client: TestClient, platform: Platform, tmp_path: Path) -> None:
    provider = make_user(platform)
    make_resource(platform, provider, tmp_path, title="企业登记信息")
    make_resource(
        platform, provider, tmp_path, title="气象观测数据", domain="气象服务", summary="逐小时气温", rows=WEATHER
    )
    sign_in(client, "scjgj")
    page = client.get("/catalog", params={"q": "企业登记"})
    assert "企业登记信息" in page.text and "气象观测数据" not in page.text
    assert 'hx-trigger="keyup changed delay:300ms' in page.text
    fragment = client.get("/catalog/results", params={"q": "企业登记"}, headers={"HX-Request": "true"})
    assert "企业登记信息" in fragment.text and "<html" not in fragment.text
    assert fragment.headers["HX-Replace-Url"].startswith("/catalog?q=")


def test_the_detail_page_shows_items_versions_authority_and_source_conflicts(
    client: TestClient, platform: Platform, tmp_path: Path
) -> None:
    first = make_user(platform, username="scjgj", org="SCJGJ")
    second = make_user(platform, username="swj", org="SWJ")
    res = make_resource(platform, first, tmp_path, authoritative=("统一社会信用代码",))
    make_resource(platform, second, tmp_path, title="商务企业名录", authoritative=("统一社会信用代码",))
    sign_in(client, "scjgj")
    page = client.get(f"/catalog/{res.code}")
    text = text_of(page)
    for label in (
        "资源代码",
        "提供单位",
        "领域分类",
        "共享属性",
        "有条件共享",
        "更新周期",
        "每月",
        "信息项",
        "权威来源",
        "一数一源冲突",
        "SHA-256",
    ):
        assert label in text
    assert f"/api/v1/resources/{res.code}/dcat" in page.text
    assert "上传新版本" in page.text
    conflicts = client.get("/catalog/conflicts")
    assert "统一社会信用代码" in conflicts.text and "商务企业名录" in conflicts.text


def test_an_overdue_resource_is_flagged(
    client: TestClient, platform: Platform, tmp_path: Path, clock: FakeClock
) -> None:
    provider = make_user(platform)
    res = make_resource(platform, provider, tmp_path, cycle="daily")
    clock.advance(days=3)
    sign_in(client, "scjgj")
    assert "更新超期" in client.get(f"/catalog/{res.code}").text


def test_a_provider_uploads_a_csv_through_the_form_and_lands_on_its_detail_page(
    client: TestClient, platform: Platform
) -> None:
    make_user(platform)
    sign_in(client, "scjgj")
    token = csrf_of(client.get("/catalog/new").text)
    response = client.post(
        "/catalog/new",
        data={**publish_form(authoritative="统一社会信用代码"), "csrf_token": token},
        files={"file": ("企业.csv", CSV_TEXT.encode("utf-8"), "text/csv")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert str(response.url).endswith("/catalog/SCJGJ-2026-00001")
    assert "企业登记信息" in response.text and "统一社会信用代码" in response.text and "权威来源" in response.text
    assert catalog_titles(platform) == ["企业登记信息"]


def test_a_provider_uploads_a_new_version(client: TestClient, platform: Platform, tmp_path: Path) -> None:
    provider = make_user(platform)
    res = make_resource(platform, provider, tmp_path)
    sign_in(client, "scjgj")
    token = csrf_of(client.get(f"/catalog/{res.code}/version").text)
    response = client.post(
        f"/catalog/{res.code}/version",
        data={"csrf_token": token},
        files={"file": ("v2.csv", CSV_TEXT.encode("gbk"), "text/csv")},
    )
    assert response.status_code == 200 and "v2" in response.text


MIXED = CSV_TEXT.encode("utf-8") + "91330100MA27XK0J3E,示例市东方贸易有限公司,80\n".encode("gbk")
RAGGED = (CSV_TEXT + "91330100MA27XK0J3E,示例市东方贸易有限公司,80,多余\n").encode("utf-8")


@pytest.mark.parametrize(("content", "message"), [(MIXED, "编码"), (RAGGED, "表头有 3 列")])
def test_a_broken_upload_shows_the_error_and_creates_nothing(
    client: TestClient, platform: Platform, content: bytes, message: str
) -> None:
    make_user(platform)
    sign_in(client, "scjgj")
    token = csrf_of(client.get("/catalog/new").text)
    response = client.post(
        "/catalog/new", data={**publish_form(), "csrf_token": token}, files={"file": ("企业.csv", content, "text/csv")}
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'value="企业登记信息"' in response.text  # the form keeps what was typed
    assert catalog_titles(platform) == []
    assert not list((platform.settings.data_dir).rglob("*.parquet"))
    assert not list(platform.settings.tmp_dir.iterdir())


def test_an_upload_without_a_file_asks_for_one(client: TestClient, platform: Platform) -> None:
    make_user(platform)
    sign_in(client, "scjgj")
    token = csrf_of(client.get("/catalog/new").text)
    response = client.post("/catalog/new", data={**publish_form(), "csrf_token": token})
    assert response.status_code == 422 and "请选择要上传的数据文件" in response.text


def test_a_developer_gets_403_on_the_publish_page(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="dev", org="KFQY", kind="developer")
    sign_in(client, "dev")
    response = client.get("/catalog/new")
    assert response.status_code == 403
    assert "开发利用者" in response.text
    assert "/catalog/new" not in client.get("/").text  # and the page is not offered


def test_anonymous_visitors_are_sent_to_login_from_pages_that_need_it(client: TestClient) -> None:
    for path in ("/catalog/new", "/ledger", "/admin", "/tokens", "/catalog/conflicts"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/login?next={path}"


# -- language ----------------------------------------------------------------------------------


def test_switching_to_english_shows_english_labels(client: TestClient, platform: Platform, tmp_path: Path) -> None:
    provider = make_user(platform)
    res = make_resource(platform, provider, tmp_path)
    sign_in(client, "scjgj")
    switched = client.get("/lang/en", params={"next": f"/catalog/{res.code}"}, follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == f"/catalog/{res.code}"
    page = client.get(f"/catalog/{res.code}")
    assert '<html lang="en">' in page.text
    for label in ("Provider", "Domain", "Market regulation", "Shared on conditions", "Monthly", "Versions"):
        assert label in page.text
    assert "提供单位" not in page.text
    assert client.get("/lang/zh", params={"next": "https://evil.example"}).url.path == "/"
    assert "提供单位" in client.get(f"/catalog/{res.code}").text


def test_errors_are_shown_in_the_users_language(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    client.get("/lang/en")
    assert "wrong username or password" in sign_in(client, "scjgj", password="not-the-password-1").text
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "page not found" in missing.text
    assert client.get("/api/v1/no-such-thing").headers["content-type"] == "application/json"


# -- ledger, admin, tokens ---------------------------------------------------------------------


def test_the_ledger_page_shows_the_head_verifies_and_links_each_event_to_its_proof(
    client: TestClient, platform: Platform
) -> None:
    make_user(platform, username="admin", org="SJJ", kind="bureau", admin=True)
    sign_in(client, "admin")
    page = client.get("/ledger")
    assert "签名树头" in page.text and "立即核验" in page.text
    assert "/api/v1/ledger/proof/inclusion?index=0" in page.text
    verified = client.post("/ledger/verify", data={"csrf_token": csrf_of(page.text)})
    assert verified.status_code == 200 and "完好" in verified.text


def test_a_provider_sees_only_its_own_ledger_events_and_cannot_verify(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj", org="SCJGJ")
    make_user(platform, username="swj", org="SWJ")
    sign_in(client, "scjgj")
    page = text_of(client.get("/ledger"))
    assert "scjgj" in page and "swj" not in page
    assert "立即核验" not in page


def test_the_admin_page_is_forbidden_to_anyone_but_bureau_admins(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj", org="SCJGJ", kind="provider", admin=True)
    sign_in(client, "scjgj")
    assert client.get("/admin").status_code == 403


def test_a_bureau_admin_adds_a_user(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="admin", org="SJJ", kind="bureau", admin=True)
    make_user(platform, username="scjgj", org="SCJGJ")
    sign_in(client, "admin")
    token = csrf_of(client.get("/admin").text)
    weak = client.post(
        "/admin/users", data={"username": "li.ming", "password": "short", "org": "SCJGJ", "csrf_token": token}
    )
    assert weak.status_code == 422 and "密码至少 10 个字符" in weak.text
    done = client.post(
        "/admin/users",
        data={"username": "li.ming", "display_name": "李明", "password": PASSWORD, "org": "SCJGJ", "csrf_token": token},
    )
    assert done.status_code == 200 and "用户已创建" in done.text and "李明" in done.text


def test_a_new_token_is_shown_once(client: TestClient, platform: Platform) -> None:
    make_user(platform, username="scjgj")
    sign_in(client, "scjgj")
    token = csrf_of(client.get("/tokens").text)
    created = client.post("/tokens", data={"name": "数据同步", "days": "30", "csrf_token": token})
    assert created.status_code == 200
    text = re.search(r'<code class="token-text">(gst[^<]+)</code>', created.text)
    assert text is not None
    again = client.get("/tokens")
    assert "数据同步" in again.text and text.group(1) not in again.text
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {text.group(1)}"})
    assert me.json()["username"] == "scjgj"
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', again.text)
    assert token_id is not None
    client.post(f"/tokens/{token_id.group(1)}/revoke", data={"csrf_token": token})
    assert "已撤销" in client.get("/tokens").text


def test_console_pages_send_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
