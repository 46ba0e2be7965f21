"""可信环境 through the console pages: the submit page shows what the agreement grants, a query goes from the
form through the worker to two reviewers and the download link, refusals keep the query, pages render in
zh and en, every post needs the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console import Login, csrf_of, text_of
from gongshu.platform import Platform
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from sandbox_setup import Sandbox, build_sandbox, dominated_rows

BY_DISTRICT = 'SELECT "区县", COUNT(*) AS "人数", AVG("月收入") AS "平均月收入" FROM "居民收入抽样信息" GROUP BY "区县"'
APPROVE = {
    "decision": "approve",
    "comment": "同意",
    "checklist": ["usability", "consistency", "compliance", "security"],
}
JOB_PAGE = re.compile(r"/sandbox/jobs/([^?]+)\?done=submitted")


@pytest.fixture
def sandbox(platform: Platform, tmp_path: Path) -> Sandbox:
    return build_sandbox(platform, tmp_path)


def post(client: TestClient, path: str, data: dict[str, Any], page: str, **kw: Any) -> Any:
    token = csrf_of(client.get(page).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kw)


def submitted(dev: TestClient, sandbox: Sandbox, sql: str = BY_DISTRICT) -> str:
    data = {"agreement": sandbox.agreement, "kind": "sql", "sql": sql, "title": "各区县收入"}
    response = post(dev, "/sandbox/new", data, page="/sandbox/new")
    assert response.status_code == 303, text_of(response)
    found = JOB_PAGE.fullmatch(response.headers["location"])
    assert found is not None, response.headers["location"]
    return found.group(1)


def run_jobs(platform: Platform) -> None:
    worker = Worker(platform, execute)
    while worker.run_one() is not None:
        pass


@pytest.mark.parametrize("username", ["kfz", "yunying1", "rsj", "jrj", "sjj"])
def test_every_role_concerned_finds_the_sandbox_in_the_navigation(
    login: Login, sandbox: Sandbox, username: str
) -> None:
    client = login(username)
    home = client.get("/")
    assert 'href="/sandbox"' in home.text and "可信环境" in home.text
    jobs = client.get("/sandbox")
    assert jobs.status_code == 200 and "作业列表" in jobs.text
    client.get("/lang/en")
    assert "Sandbox" in client.get("/sandbox").text


def test_the_submit_page_shows_the_granted_tables_protected_items_budget_and_samples(
    login: Login, sandbox: Sandbox
) -> None:
    dev = login(sandbox.developer)
    page = dev.get("/sandbox/new")
    assert page.status_code == 200
    text = text_of(page)
    assert f'"{sandbox.table}"' in text and sandbox.agreement in text
    assert text.count("受保护：仅可在聚合中使用") == 2  # 身份证号 and 月收入
    assert "总额 1，已用 0，剩余 1" in text and "声明范围 0–50000" in text
    sample = f"/api/v1/sandbox/agreements/{sandbox.agreement}/samples/{sandbox.resource}?format="
    assert f'href="{sample}csv"' in page.text and f'href="{sample}parquet"' in page.text
    assert dev.get(f"{sample}csv").status_code == 200
    assert "受保护：仅可在聚合中使用" not in login(sandbox.outsider).get("/sandbox/new").text
    assert login("yunying1").get("/sandbox/new").status_code == 403


@pytest.mark.usefixtures("backend")
def test_a_query_goes_from_the_form_through_two_reviewers_to_the_download_link(
    login: Login, platform: Platform, sandbox: Sandbox
) -> None:
    dev = login(sandbox.developer)
    number = submitted(dev, sandbox)
    queued = dev.get(f"/sandbox/jobs/{number}?done=submitted")
    assert "作业已提交" in queued.text and "排队中" in queued.text
    assert f'hx-get="/sandbox/jobs/{number}/status"' in queued.text
    assert "HX-Refresh" not in dev.get(f"/sandbox/jobs/{number}/status").headers

    run_jobs(platform)
    assert dev.get(f"/sandbox/jobs/{number}/status").headers["HX-Refresh"] == "true"
    page = dev.get(f"/sandbox/jobs/{number}")
    text = text_of(page)
    for shown in ("待审定", "输出控制报告", "策略检查报告", "自动检查", "平均月收入", sandbox.resource, "0/2 人同意"):
        assert shown in text, shown
    assert "hx-get" not in page.text and "/outputs/" not in page.text and "/review" not in page.text

    reviewer = login("yunying1")
    assert number in reviewer.get("/sandbox/review").text
    review_page = reviewer.get(f"/sandbox/jobs/{number}")
    assert f'action="/sandbox/jobs/{number}/review"' in review_page.text
    approved = post(reviewer, f"/sandbox/jobs/{number}/review", APPROVE, page=f"/sandbox/jobs/{number}")
    assert approved.status_code == 303
    after = reviewer.get(approved.headers["location"])
    assert "已记录您的同意意见" in after.text and "1/2 人同意" in text_of(after)
    assert f'action="/sandbox/jobs/{number}/review"' not in after.text
    assert number not in reviewer.get("/sandbox/review").text

    second = login("yunying2")
    decided = post(second, f"/sandbox/jobs/{number}/review", {**APPROVE, "comment": "可发布"}, page="/")
    assert decided.status_code == 303
    final = dev.get(f"/sandbox/jobs/{number}")
    assert "审定通过" in final.text and "可发布" in final.text
    link = f'href="/api/v1/jobs/{number}/outputs/result.csv"'
    assert link in final.text
    assert dev.get(f"/api/v1/jobs/{number}/outputs/result.csv").status_code == 200
    assert link not in reviewer.get(f"/sandbox/jobs/{number}").text


def test_a_refused_query_is_shown_with_its_rule_and_kept_in_the_form(login: Login, sandbox: Sandbox) -> None:
    dev = login(sandbox.developer)
    sql = 'SELECT "身份证号" FROM "居民收入抽样信息"'
    data = {"agreement": sandbox.agreement, "kind": "sql", "sql": sql}
    refused = post(dev, "/sandbox/new", data, page="/sandbox/new")
    assert refused.status_code == 422
    assert "查询被拒绝［" in refused.text and "&#34;身份证号&#34;" in refused.text
    assert "暂无作业" in dev.get("/sandbox").text
    dev.get("/lang/en")
    english = post(dev, "/sandbox/new", data, page="/sandbox/new")
    assert english.status_code == 422 and "query refused [" in english.text


def test_a_rejection_needs_a_comment_and_is_shown_to_the_developer(
    login: Login, platform: Platform, sandbox: Sandbox
) -> None:
    number = submitted(login(sandbox.developer), sandbox)
    run_jobs(platform)
    provider = login(sandbox.provider)
    page = f"/sandbox/jobs/{number}"
    bare = post(provider, f"/sandbox/jobs/{number}/review", {"decision": "reject"}, page=page)
    assert bare.status_code == 422 and "每次审定都须填写意见" in bare.text
    done = post(provider, f"/sandbox/jobs/{number}/review", {"decision": "reject", "comment": "分组过细"}, page=page)
    assert done.status_code == 303
    final = login(sandbox.developer).get(page)
    assert "审定未通过" in final.text and "分组过细" in final.text and "/outputs/" not in final.text


def test_the_pages_render_in_english(login: Login, platform: Platform, sandbox: Sandbox) -> None:
    dev = login(sandbox.developer)
    number = submitted(dev, sandbox)
    run_jobs(platform)
    dev.get("/lang/en")
    for path, shown in (
        ("/sandbox", "Jobs"),
        ("/sandbox/new", "Protected: aggregates only"),
        (f"/sandbox/jobs/{number}", "Output-control report"),
    ):
        page = dev.get(path)
        assert page.status_code == 200 and shown in page.text, path
        assert "作业列表" not in page.text
    reviewer = login("yunying1")
    reviewer.get("/lang/en")
    assert "Review queue" in reviewer.get("/sandbox/review").text
    assert "In review" in reviewer.get(f"/sandbox/jobs/{number}").text


def test_posts_without_the_csrf_token_change_nothing(login: Login, platform: Platform, sandbox: Sandbox) -> None:
    dev = login(sandbox.developer)
    data = {"agreement": sandbox.agreement, "kind": "sql", "sql": BY_DISTRICT}
    forged = dev.post("/sandbox/new", data=data, follow_redirects=False)
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert "暂无作业" in dev.get("/sandbox").text
    number = submitted(dev, sandbox)
    assert dev.post(f"/sandbox/jobs/{number}/cancel", follow_redirects=False).status_code == 403
    run_jobs(platform)
    reviewer = login("yunying1")
    forged_review = reviewer.post(
        f"/sandbox/jobs/{number}/review", data={"decision": "approve"}, follow_redirects=False
    )
    assert forged_review.status_code == 403
    assert "0/2 人同意" in text_of(reviewer.get(f"/sandbox/jobs/{number}"))


def test_the_developer_cancels_a_queued_job_and_cannot_see_the_review_queue(login: Login, sandbox: Sandbox) -> None:
    dev = login(sandbox.developer)
    number = submitted(dev, sandbox)
    page = f"/sandbox/jobs/{number}"
    assert f'action="{page}/cancel"' in dev.get(page).text
    cancelled = post(dev, f"{page}/cancel", {}, page=page)
    assert cancelled.status_code == 303 and "已取消" in dev.get(cancelled.headers["location"]).text
    assert dev.get("/sandbox/review").status_code == 403
    assert login(sandbox.outsider).get(page).status_code == 404
    filtered = dev.get("/sandbox", params={"status": "cancelled"})
    assert number in filtered.text
    assert number not in dev.get("/sandbox", params={"status": "queued"}).text


def test_a_cell_hidden_by_output_control_shows_as_suppressed(login: Login, platform: Platform, tmp_path: Path) -> None:
    sandbox = build_sandbox(platform, tmp_path, data=dominated_rows())
    dev = login(sandbox.developer)
    sql = 'SELECT "区县", COUNT(*) AS "人数", SUM("月收入") AS "收入合计" FROM "居民收入抽样信息" GROUP BY "区县"'
    number = submitted(dev, sandbox, sql)
    run_jobs(platform)
    page = login("yunying1").get(f"/sandbox/jobs/{number}")  # a reviewer reads the controlled values
    assert "待审定" in page.text
    assert 'class="muted suppressed">已抑制</td>' in page.text
    assert "优势规则" in text_of(page) and str(50000 * 2 + 1000) not in page.text
    assert "已抑制</td>" not in dev.get(f"/sandbox/jobs/{number}").text  # the submitter: the shape only


def _cells(platform: Platform, number: str) -> list[str]:
    import csv

    with (platform.settings.jobs_dir / number / "result.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))[1:]
    return [r[0] for r in rows] + [r[2] for r in rows]


@pytest.mark.usefixtures("backend")
def test_a_submitter_reading_its_job_in_review_on_the_console_finds_none_of_its_values(
    login: Login, platform: Platform, sandbox: Sandbox
) -> None:
    number = submitted(login(sandbox.developer), sandbox)
    run_jobs(platform)
    cells = _cells(platform, number)
    for who in (sandbox.developer, sandbox.colleague):
        client = login(who)
        for path in (f"/sandbox/jobs/{number}", f"/sandbox/jobs/{number}/status", "/sandbox"):
            page = client.get(path).text
            assert [c for c in cells if c in page] == [], (who, path)
    page = login(sandbox.developer).get(f"/sandbox/jobs/{number}")
    assert "看不到任何数值" in page.text and "<code>平均月收入</code>" in page.text
    assert all(c in login(sandbox.bureau).get(f"/sandbox/jobs/{number}").text for c in cells)


def test_the_review_form_asks_for_the_checklist_and_the_page_shows_each_reviewers_checklist(
    login: Login, platform: Platform, sandbox: Sandbox
) -> None:
    number = submitted(login(sandbox.developer), sandbox)
    run_jobs(platform)
    bureau = login(sandbox.bureau)
    page = f"/sandbox/jobs/{number}"
    form = bureau.get(page).text
    for key in ("usability", "consistency", "compliance", "security"):
        assert f'name="checklist" value="{key}"' in form
    half = {**APPROVE, "checklist": ["usability", "security"]}
    refused = post(bureau, f"{page}/review", half, page=page)
    assert refused.status_code == 422 and "未确认：一致性、合规性" in refused.text
    assert "0/2 人同意" in text_of(bureau.get(page))
    assert post(bureau, f"{page}/review", APPROVE, page=page).status_code == 303
    shown = text_of(login(sandbox.developer).get(page))
    assert "1/2 人同意" in shown and "可用性 通过" in shown and "安全性 通过" in shown


def test_after_the_agreement_is_revoked_the_download_link_goes_and_the_disposal_form_records_destruction(
    login: Login, platform: Platform, sandbox: Sandbox
) -> None:
    dev = login(sandbox.developer)
    number = submitted(dev, sandbox)
    run_jobs(platform)
    page = f"/sandbox/jobs/{number}"
    for who in sandbox.operators:
        assert post(login(who), f"{page}/review", APPROVE, page=page).status_code == 303
    assert f'href="/api/v1/jobs/{number}/outputs/result.csv"' in dev.get(page).text
    assert 'action="' + page + '/disposal"' not in dev.get(page).text
    bureau = login(sandbox.bureau)
    revoked = post(bureau, f"/agreements/{sandbox.agreement}/revoke", {"reason": "违反约定用途"}, page="/")
    assert revoked.status_code == 303, text_of(revoked)
    after = dev.get(page).text
    assert "/outputs/result.csv" not in after and "已审定的产出停止下载" in after
    assert f'action="{page}/disposal"' in after
    done = post(dev, f"{page}/disposal", {"kind": "destroyed", "note": "副本已全部删除"}, page=page)
    assert done.status_code == 303
    final = dev.get(done.headers["location"])
    assert "已登记产出的处置" in final.text and "副本已全部删除" in final.text
    assert f'action="{page}/disposal"' not in final.text
    assert "已销毁" in login(sandbox.regulator).get(page).text


def test_a_dp_job_released_under_the_agreement_term_says_so_on_its_page(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    sandbox = build_sandbox(platform, tmp_path, auto_release_dp=True)
    dev = login(sandbox.developer)
    sql = 'SELECT "区县", COUNT(*) AS "人数" FROM "居民收入抽样信息" GROUP BY "区县"'
    data = {"agreement": sandbox.agreement, "kind": "sql", "sql": sql, "dp": "true", "epsilon": "0.2"}
    response = post(dev, "/sandbox/new", data, page="/sandbox/new")
    found = JOB_PAGE.fullmatch(response.headers["location"])
    assert found is not None
    run_jobs(platform)
    page = dev.get(f"/sandbox/jobs/{found.group(1)}").text
    assert "审定通过" in page and "auto_release_dp" in page and "/outputs/result.csv" in page
    agreement = dev.get(f"/agreements/{sandbox.agreement}").text
    assert "差分隐私结果经输出控制后免人工审定即发布" in agreement
