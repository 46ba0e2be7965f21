"""In Chromium: sign in through the form, search the catalog in Chinese as you type, open a resource."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from factories import PASSWORD, make_resource, make_user
from gongshu.platform import Platform

pytestmark = pytest.mark.browser


def test_a_provider_signs_in_searches_the_catalog_in_chinese_and_opens_a_resource(
    live_server: str, platform: Platform, page: Page, tmp_path: Path
) -> None:
    provider = make_user(platform, username="scjgj", org="SCJGJ", org_name="示例市市场监督管理局")
    res = make_resource(platform, provider, tmp_path, title="企业登记信息", authoritative=("统一社会信用代码",))
    make_resource(
        platform,
        provider,
        tmp_path,
        title="气象观测数据",
        domain="气象服务",
        summary="逐小时气温",
        rows=[["观测时间", "气温"], ["2026-11-01 08:00", "12.5"]],
    )
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _is_error(m) else None)
    page.on("pageerror", lambda e: problems.append(str(e)))

    page.goto(f"{live_server}/login")
    page.fill("#username", "scjgj")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    expect(page.locator(".steps")).to_contain_text("发布数据资源")
    expect(page.locator("#domain-chart canvas")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.goto(f"{live_server}/catalog")
    results = page.locator("#results")
    expect(results).to_contain_text("气象观测数据")
    with page.expect_response(lambda r: "/catalog/results" in r.url and r.status == 200):
        page.locator("#q").press_sequentially("企业登记", delay=40)
    expect(results).not_to_contain_text("气象观测数据")
    expect(results).to_contain_text("企业登记信息")
    expect(page).to_have_url(re.compile(r"/catalog\?q="))  # the fragment request replaced the address
    page.screenshot(path=str(tmp_path / "catalog.png"), full_page=True)

    results.get_by_role("link", name="企业登记信息").click()
    expect(page).to_have_url(f"{live_server}/catalog/{res.code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("企业登记信息")
    expect(page.locator("table.items")).to_contain_text("权威来源")
    page.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    assert problems == [], problems


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
