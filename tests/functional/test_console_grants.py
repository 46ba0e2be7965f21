"""In Chromium: one scenario from the developer's draft to an agreement every party signed (授权运营)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from factories import PASSWORD, make_resource, make_user, people_rows
from gongshu.platform import Platform

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCENARIO = "小微企业信用贷款风险评估"


def test_an_application_goes_from_draft_to_a_signed_agreement_in_the_browser(
    live_server: str, platform: Platform, page: Page, tmp_path: Path
) -> None:
    make_user(platform, username="sjj", org="SJJ", kind="bureau", org_name="示例市大数据局")
    make_user(platform, username="yyjg", org="YYJG", kind="operator", org_name="示例市数据运营有限公司")
    make_user(platform, username="kfz", org="KFQY", kind="developer", org_name="示例科技有限公司")
    scjgj = make_user(platform, username="scjgj", org="SCJGJ", org_name="示例市市场监督管理局")
    rsj = make_user(platform, username="rsj", org="RSJ", org_name="示例市人力资源和社会保障局")
    enterprises = make_resource(platform, scjgj, tmp_path, title="企业登记信息").code
    insured = make_resource(platform, rsj, tmp_path, title="参保人员信息", rows=people_rows(20), domain="社保就业").code
    problems = _watch(page)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    # the developer fills the form; the picker brings each resource's items in by HTMX
    _sign_in(page, live_server, "kfz")
    expect(page.locator(".steps")).to_contain_text("申请授权")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="授权申请").click()
    page.get_by_role("link", name="新建申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建授权申请")
    page.fill("#f-scenario", SCENARIO)
    page.fill("#f-description", "利用企业登记和参保信息评估小微企业经营稳定性，辅助银行授信决策。")
    page.select_option("#f-domain", "金融服务")
    page.select_option("#f-purpose", "industry")
    for code in (enterprises, insured):
        page.select_option("#f-add", code)
        with page.expect_response(lambda r: "/applications/items" in r.url and r.status == 200):
            page.get_by_role("button", name="添加资源").click()
        expect(page.locator(f"#choice-{code}")).to_be_visible()
    page.locator(f"#choice-{enterprises}").get_by_role("checkbox", name="统一社会信用代码").check()
    page.locator(f"#choice-{enterprises}").get_by_role("checkbox", name="企业名称").check()
    page.locator(f"#choice-{insured}").get_by_role("checkbox", name="年龄").check()
    page.locator(f"#choice-{insured}").get_by_role("checkbox", name="区县").check()
    page.fill("#f-start", "2026-12-01")
    page.fill("#f-end", "2027-11-30")
    page.get_by_role("checkbox", name="统计汇总表").check()
    page.fill("#f-security", "仅在可信环境内加工，产出经审核后使用。")
    page.set_input_files("#f-file", files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.screenshot(path=str(shots / "1-form.png"), full_page=True)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("status")).to_contain_text("申请已提交")
    expect(page.locator("h1")).to_contain_text("待初审")
    number = re.search(r"SQ-\d{4}-\d{5}", page.locator("h1").inner_text())
    assert number is not None
    page.screenshot(path=str(shots / "2-submitted.png"), full_page=True)

    # 初审 by the bureau
    _sign_in(page, live_server, "sjj")
    page.goto(f"{live_server}/applications")
    expect(page.locator("#overdue")).to_contain_text("暂无超期未审的申请")
    page.screenshot(path=str(shots / "3-bureau-queue.png"), full_page=True)
    page.locator("#first-instance").get_by_role("link", name=number.group(0)).click()
    page.fill("#f-comment", "材料齐全，转各部门审核")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("初审通过")

    # each provider approves its part
    for username in ("scjgj", "rsj"):
        _sign_in(page, live_server, username)
        page.goto(f"{live_server}/applications")
        page.locator("#to-review").get_by_role("link", name="去审核").click()
        expect(page.get_by_role("heading", name="审核本单位部分")).to_be_visible()
        if username == "rsj":
            page.screenshot(path=str(shots / "4-provider-review.png"), full_page=True)
        page.get_by_role("button", name="同意", exact=True).click()
        expect(page.get_by_role("status")).to_contain_text("审核意见已提交")

    # the bureau makes the agreement and signs it
    _sign_in(page, live_server, "sjj")
    page.goto(f"{live_server}/applications/{number.group(0)}")
    page.fill("#f-price", "按次计费，每次 5 元")
    page.screenshot(path=str(shots / "5-approved.png"), full_page=True)
    page.get_by_role("button", name="生成协议").click()
    expect(page.get_by_role("status")).to_contain_text("授权协议已生成")
    page.get_by_role("button", name="签署").click()
    expect(page.get_by_role("status")).to_contain_text("已签署")

    # the operator and the developer sign: the agreement is in force
    for username in ("yyjg", "kfz"):
        _sign_in(page, live_server, username)
        page.goto(f"{live_server}/agreements")
        page.locator("#to-sign").get_by_role("link", name=re.compile(r"XY-")).click()
        page.get_by_role("button", name="签署").click()
        expect(page.get_by_role("status")).to_contain_text("已签署")
    expect(page.locator(".agreement-status")).to_have_text("生效中")
    expect(page.locator("table.signatures")).not_to_contain_text("未签署")
    page.screenshot(path=str(shots / "6-agreement.png"), full_page=True)

    # and the public reads it on the disclosure page
    page.context.clear_cookies()
    page.goto(f"{live_server}/disclosure")
    expect(page.locator(".disclosed")).to_contain_text(SCENARIO)
    expect(page.locator(".disclosed")).not_to_contain_text("营业执照")
    page.screenshot(path=str(shots / "7-disclosure.png"), full_page=True)
    page.get_by_role("link", name="2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2026 年度授权运营情况公开报告")
    expect(page.locator("main")).to_contain_text("示例市数据运营有限公司")
    page.screenshot(path=str(shots / "8-report.png"), full_page=True)
    assert problems == [], problems


def _sign_in(page: Page, live_server: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _is_error(m) else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _is_error(message: ConsoleMessage) -> bool:
    return message.type == "error"
