"""In Chromium: a provider confirms a grade and builds a desensitized version; anyone downloads open data."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from factories import PASSWORD, make_resource, make_user, people_rows
from gongshu.platform import Platform

pytestmark = pytest.mark.browser


def test_a_provider_overrides_a_grade_and_builds_a_desensitized_version(
    live_server: str, platform: Platform, page: Page, tmp_path: Path
) -> None:
    provider = make_user(platform, username="rsj", org="RSJ", org_name="示例市人力资源和社会保障局")
    res = make_resource(platform, provider, tmp_path, title="参保人员信息", rows=people_rows(30), domain="社保就业")
    problems = _watch(page)
    page.goto(f"{live_server}/login")
    page.fill("#username", "rsj")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")

    page.goto(f"{live_server}/catalog/{res.code}")
    page.get_by_role("navigation", name="资源详情").get_by_role("link", name="分类分级").click()
    expect(page.locator("table.grades")).to_contain_text("手机号码")
    page.get_by_text("确认或调整：手机号").click()
    form = page.locator("details[open] form.row-form").first
    form.locator("select[name=grade]").select_option("general-4")
    form.locator("input[name=reason]").fill("号码可关联到个人账户")
    form.get_by_role("button", name="确认等级").click()
    expect(page.get_by_role("status")).to_contain_text("等级已确认")
    expect(page.locator("table.grades")).to_contain_text("理由：号码可关联到个人账户")
    page.screenshot(path=str(tmp_path / "classification.png"), full_page=True)

    page.get_by_role("link", name="脱敏与开放").click()
    page.get_by_role("checkbox", name="准标识符：区县").check()
    page.get_by_role("button", name="生成脱敏版本").click()
    expect(page.get_by_role("status")).to_contain_text("已生成脱敏版本")
    expect(page.locator("td.k-value")).to_contain_text("6")
    page.screenshot(path=str(tmp_path / "desensitization.png"), full_page=True)
    assert problems == [], problems


def test_anyone_finds_open_data_and_downloads_it_as_csv(
    live_server: str, platform: Platform, page: Page, tmp_path: Path
) -> None:
    provider = make_user(platform, username="qxj", org="QXJ", org_name="示例市气象局")
    make_resource(
        platform,
        provider,
        tmp_path,
        title="气象观测数据",
        domain="气象服务",
        summary="全市逐小时气温",
        rows=[["观测时间", "气温"], ["2026-11-01 08:00", "12.5"]],
        open="unconditional",
    )
    make_resource(platform, provider, tmp_path, title="内部气象资料", open="none")
    problems = _watch(page)
    page.goto(f"{live_server}/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="开放数据").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开放数据")
    page.fill("#q", "气象")
    page.get_by_role("button", name="搜索").click()
    entries = page.locator(".open-entry")
    expect(entries).to_have_count(1)
    expect(entries).to_contain_text("气象观测数据")
    page.screenshot(path=str(tmp_path / "open.png"), full_page=True)
    with page.expect_download() as info:
        entries.get_by_role("link", name="CSV").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.endswith("-v1.csv")
    header, row = saved.read_text("utf-8").splitlines()
    assert header == "观测时间,气温" and row.startswith("2026-11-01 08:00") and row.endswith(",12.5")
    assert problems == [], problems


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _is_error(m) else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
