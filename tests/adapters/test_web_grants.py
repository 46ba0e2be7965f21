"""授权运营 through the console pages: an application from draft to a signed agreement, what each party
sees of it, the public disclosure, revocation and expiry, CSRF on every form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from console import Login, csrf_of, text_of
from factories import make_resource, make_user, people_rows
from gongshu.clock import FakeClock
from gongshu.grants import applications
from gongshu.grants.states import LABELS
from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES, SCENARIO_DOMAINS
from gongshu.identity import SYSTEM
from gongshu.ledger.services import latest_head
from gongshu.platform import Platform
from gongshu.web import i18n
from gongshu.web.routes import agreements, application_form, disclosure
from gongshu.web.routes import applications as application_pages
from gongshu.web.routes.application_form import ApplicationForm
from gongshu.web.views import file_size

REVIEW_FORM = re.compile(r'action="/applications/[^"/]+/reviews/(\d+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUALIFICATION = "营业执照-机密.pdf"
SCENARIO = "小微企业信用贷款风险评估"


def post(client: TestClient, path: str, data: dict[str, Any], page: str = "/", **kw: Any) -> Any:
    """POST a console form with the session's CSRF token, taken from ``page``."""
    token = csrf_of(client.get(page).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kw)


def ledger_size(platform: Platform) -> int:
    with platform.uow() as uow:
        head = latest_head(uow.session)
        return head.tree_size if head else 0


@dataclass(frozen=True)
class City:
    enterprises: str  # 企业登记信息 of provider A (市场监管局)
    insured: str  # 参保人员信息 of provider B (人社局)


@pytest.fixture
def city(platform: Platform, tmp_path: Path) -> City:
    """The bureau, an operator, two developer organizations, two providers with a resource each, a regulator."""
    make_user(platform, username="sjj", org="SJJ", kind="bureau", org_name="示例市大数据局")
    make_user(platform, username="yyjg", org="YYJG", kind="operator", org_name="示例市数据运营有限公司")
    make_user(platform, username="kfz", org="KFQY", kind="developer", org_name="示例科技有限公司")
    make_user(platform, username="other", org="QTQY", kind="developer", org_name="另一家科技公司")
    scjgj = make_user(platform, username="scjgj", org="SCJGJ", kind="provider", org_name="示例市市场监督管理局")
    rsj = make_user(platform, username="rsj", org="RSJ", kind="provider", org_name="示例市人力资源和社会保障局")
    make_user(platform, username="jrj", org="JRJ", kind="regulator", org_name="示例市地方金融管理局")
    enterprises = make_resource(platform, scjgj, tmp_path, title="企业登记信息")
    insured = make_resource(platform, rsj, tmp_path, title="参保人员信息", rows=people_rows(20), domain="社保就业")
    return City(enterprises.code, insured.code)


def full_form(city: City, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "scenario": SCENARIO,
        "description": "利用企业登记和参保信息评估小微企业经营稳定性，辅助银行授信决策。",
        "domain": "金融服务",
        "purpose": "industry",
        "resources": [city.enterprises, city.insured],
        "items": [
            f"{city.enterprises}|统一社会信用代码",
            f"{city.enterprises}|企业名称",
            f"{city.insured}|年龄",
            f"{city.insured}|月收入",
            f"{city.insured}|区县",
        ],
        "start": "2026-12-01",
        "end": "2027-11-30",
        "output_kinds": ["aggregate_table", "model"],
        "security_measures": "仅在可信环境内加工，产出经审核后使用；项目人员签署保密承诺。",
        "action": "save",
    }
    return {**form, **changes}


def draft(login: Login, city: City, **changes: Any) -> tuple[TestClient, str]:
    dev = login("kfz")
    saved = post(dev, "/applications/new", full_form(city, **changes), page="/applications/new")
    assert saved.status_code == 303, saved.text
    number = re.fullmatch(r"/applications/([^/]+)/edit\?done=saved", saved.headers["location"])
    assert number is not None, saved.headers["location"]
    return dev, number.group(1)


def submitted(login: Login, city: City, **changes: Any) -> tuple[TestClient, str]:
    dev, number = draft(login, city, **changes)
    response = post(dev, f"/applications/{number}/submit", {}, page=f"/applications/{number}")
    assert response.status_code == 303, text_of(response)
    return dev, number


def review_id(page: Any) -> str:
    found = REVIEW_FORM.search(page.text)
    assert found, "no review form on the page"
    return found.group(1)


def approved(login: Login, city: City, *, regulator: str = "") -> str:
    """An application through 初审 and both providers' reviews (the insured part approved in part)."""
    _, number = submitted(login, city)
    bureau = login("sjj")
    passed = post(bureau, f"/applications/{number}/first-instance", {"decision": "approve", "regulator": regulator})
    assert passed.status_code == 303, text_of(passed)
    for username, data in (
        ("scjgj", {"decision": "approved"}),
        (
            "rsj",
            {
                "decision": "partial",
                "approved": [f"{city.insured}|年龄", f"{city.insured}|区县"],
                "comment": "月收入属敏感个人信息，不予提供",
            },
        ),
    ):
        reviewer = login(username)
        page = reviewer.get(f"/applications/{number}")
        response = post(reviewer, f"/applications/{number}/reviews/{review_id(page)}", data)
        assert response.status_code == 303, text_of(response)
    if regulator:
        reviewer = login("jrj")
        page = reviewer.get(f"/applications/{number}")
        response = post(reviewer, f"/applications/{number}/reviews/{review_id(page)}", {"decision": "approved"})
        assert response.status_code == 303, text_of(response)
    return number


def agreement_of(login: Login, number: str, **terms: Any) -> str:
    bureau = login("sjj")
    data = {"operator": "YYJG", "epsilon": "2", "min_cell_count": "20", "price_terms": "按次计费，每次 5 元"}
    made = post(bureau, f"/applications/{number}/agreement", {**data, **terms})
    assert made.status_code == 303, text_of(made)
    found = re.fullmatch(r"/agreements/([^?]+)\?done=created", made.headers["location"])
    assert found is not None
    return found.group(1)


def signed_by_all(login: Login, agreement: str) -> None:
    for username in ("sjj", "yyjg", "kfz"):
        party = login(username)
        page = party.get(f"/agreements/{agreement}")
        assert f'action="/agreements/{agreement}/sign"' in page.text, username
        response = post(party, f"/agreements/{agreement}/sign", {}, page=f"/agreements/{agreement}")
        assert response.status_code == 303, text_of(response)
        after = party.get(response.headers["location"])
        assert "已签署" in after.text and f'action="/agreements/{agreement}/sign"' not in after.text


# -- the whole chain -----------------------------------------------------------------------------


def test_an_application_goes_from_draft_to_a_signed_agreement_through_the_pages(
    login: Login, anonymous: TestClient, platform: Platform, city: City
) -> None:
    dev = login("kfz")
    form = dev.get("/applications/new")
    assert form.status_code == 200
    for shown in ("新建授权申请", "保存草稿", "提交申请", "公共治理（无偿使用）", "产业发展（有偿使用）", city.insured):
        assert shown in form.text, shown
    assert "金融服务（征求金融监管部门意见）" in form.text

    # a draft keeps whatever was filled in
    saved = post(dev, "/applications/new", {"scenario": SCENARIO, "action": "save"}, page="/applications/new")
    assert saved.status_code == 303
    number = saved.headers["location"].split("/")[2]
    edit = dev.get(saved.headers["location"])
    assert "草稿已保存" in edit.text and f'value="{SCENARIO}"' in edit.text
    assert "草稿" in dev.get("/applications").text

    # submitting an incomplete one lists what is missing and changes nothing
    incomplete = post(
        dev, f"/applications/{number}/edit", {"scenario": SCENARIO, "action": "submit"}, page=edit.url.path
    )
    assert incomplete.status_code == 422
    for problem in ("请至少选择一个数据资源", "请说明安全保障措施", "请选择产出形式", "请用至少 10 个字描述场景"):
        assert problem in incomplete.text, problem
    assert "申请尚不完整" in incomplete.text

    # the picker renders a resource's items as checkboxes
    fragment = dev.get("/applications/items", params={"add": city.enterprises})
    assert fragment.status_code == 200 and f'value="{city.enterprises}|企业名称"' in fragment.text
    assert dev.get("/applications/items", params={"add": city.enterprises, "resources": city.enterprises}).text == ""

    # complete, with the qualification document, and submit
    full = full_form(city, action="submit")
    done = post(
        dev,
        f"/applications/{number}/edit",
        full,
        page=f"/applications/{number}/edit",
        files={"file": (QUALIFICATION, PDF, "application/pdf")},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/applications/{number}?done=submitted"
    mine = dev.get(done.headers["location"])
    assert "申请已提交" in mine.text and "待初审" in mine.text and QUALIFICATION in mine.text
    assert f"{len(PDF)} B" in mine.text

    # 初审 by the bureau, consulting the financial regulator
    bureau = login("sjj")
    queue = bureau.get("/applications")
    assert "待初审" in queue.text and "审核超期" in queue.text and number in queue.text
    page = bureau.get(f"/applications/{number}")
    assert "初审" in page.text and "示例市地方金融管理局" in page.text and "该领域建议征求：金融监管部门" in page.text
    passed = post(
        bureau,
        f"/applications/{number}/first-instance",
        {"decision": "approve", "regulator": "JRJ", "comment": "材料齐全"},
    )
    assert passed.status_code == 303
    assert "初审通过" in bureau.get(passed.headers["location"]).text

    # provider A approves its part; provider B approves in part; the regulator approves
    scjgj = login("scjgj")
    assert "待我审核" in scjgj.get("/").text
    tasks = scjgj.get("/applications")
    assert number in tasks.text and SCENARIO in tasks.text
    page = scjgj.get(f"/applications/{number}")
    assert "审核本单位部分" in page.text
    assert post(scjgj, f"/applications/{number}/reviews/{review_id(page)}", {"decision": "approved"}).status_code == 303

    rsj = login("rsj")
    page = rsj.get(f"/applications/{number}")
    assert f'value="{city.insured}|月收入" checked' in page.text
    refused = post(
        rsj,
        f"/applications/{number}/reviews/{review_id(page)}",
        {"decision": "partial", "approved": [f"{city.insured}|年龄", f"{city.insured}|区县"]},
    )
    assert refused.status_code == 422 and "须填写审核意见" in refused.text  # a comment is required
    assert f'value="{city.insured}|年龄" checked' in refused.text  # what was ticked is kept
    assert f'value="{city.insured}|月收入">' in refused.text
    partial = post(
        rsj,
        f"/applications/{number}/reviews/{review_id(page)}",
        {
            "decision": "partial",
            "approved": [f"{city.insured}|年龄", f"{city.insured}|区县"],
            "comment": "月收入属敏感个人信息，不予提供",
        },
    )
    assert partial.status_code == 303
    assert "部分同意" in rsj.get(f"/applications/{number}").text

    jrj = login("jrj")
    page = jrj.get(f"/applications/{number}")
    assert "行业监管部门审核" in page.text and 'value="partial"' not in page.text
    assert post(jrj, f"/applications/{number}/reviews/{review_id(page)}", {"decision": "approved"}).status_code == 303

    # the bureau makes the agreement
    page = bureau.get(f"/applications/{number}")
    assert "审核通过" in page.text and "生成授权协议" in page.text and "示例市数据运营有限公司" in page.text
    agreement = agreement_of(login, number)
    created = bureau.get(f"/agreements/{agreement}?done=created")
    assert "授权协议已生成" in created.text and "待签署" in created.text
    text = text_of(created)
    assert "年龄、区县" in text and "月收入" not in text  # the partial approval narrowed the grant
    assert "隐私预算 ε = 2.0" in text and "最小单元格计数 20" in text
    assert (
        f"/api/v1/agreements/{agreement}/odrl" in created.text
        and f"/api/v1/agreements/{agreement}/bundle" in created.text
    )

    # each party signs on the agreement page; the third signature puts it in force
    assert "待签署协议" in login("yyjg").get("/").text
    signed_by_all(login, agreement)
    page = dev.get(f"/agreements/{agreement}")
    assert re.search(r'class="agreement-status">\s*<span class="badge badge-ok grant-active">生效中', page.text)
    for party in ("sjj", "yyjg", "kfz"):
        assert party in text_of(page)
    assert "未签署" not in page.text and "授权期限自 2026-12-01 开始" in page.text
    assert "已形成协议" in dev.get("/applications").text
    for link in ("document", "document?format=pdf", "odrl", "bundle"):  # the page's links work with the session
        assert dev.get(f"/api/v1/agreements/{agreement}/{link}").status_code == 200, link
    assert f"/agreements/{agreement}" in dev.get(f"/applications/{number}").text

    # the public disclosure names it, with nothing confidential
    public = anonymous.get("/disclosure")
    assert public.status_code == 200
    text = text_of(public)
    for shown in (SCENARIO, "示例科技有限公司", "2026-12-01 – 2027-11-30", "生效中", "按次计费", "企业登记信息"):
        assert shown in text, shown
    for secret in ("月收入属敏感个人信息", "材料齐全", QUALIFICATION, "营业执照"):
        assert secret not in public.text, secret
    report = anonymous.get("/disclosure/2026")
    assert report.status_code == 200 and SCENARIO in report.text and "示例市数据运营有限公司" in report.text
    assert "月收入属敏感个人信息" not in report.text and QUALIFICATION not in report.text


def test_a_provider_sees_only_its_part_and_another_developer_gets_404(login: Login, city: City) -> None:
    _, number = submitted(login, city)
    bureau = login("sjj")
    post(bureau, f"/applications/{number}/first-instance", {"decision": "approve", "comment": "请各部门审核"})
    scjgj = login("scjgj").get(f"/applications/{number}")
    assert scjgj.status_code == 200
    assert city.enterprises in scjgj.text and "企业名称" in scjgj.text
    for hidden in (city.insured, "参保人员信息", "月收入", QUALIFICATION, "请各部门审核", "示例市人力资源和社会保障局"):
        assert hidden not in scjgj.text, hidden
    assert "仅显示申请中涉及本单位的数据资源" in scjgj.text
    other = login("other")
    for path in (f"/applications/{number}", f"/applications/{number}/edit", f"/applications/{number}?version=1"):
        response = other.get(path)
        assert response.status_code == 404, path
        assert SCENARIO not in response.text
    assert number not in other.get("/applications").text
    assert post(other, f"/applications/{number}/withdraw", {}).status_code == 404


def test_a_returned_application_shows_the_comments_and_edits_into_a_new_version(login: Login, city: City) -> None:
    dev, number = submitted(login, city)
    bureau = login("sjj")
    response = post(bureau, f"/applications/{number}/first-instance", {"decision": "return"})
    assert response.status_code == 422 and "须说明理由" in response.text  # returning needs a reason
    post(bureau, f"/applications/{number}/first-instance", {"decision": "return", "comment": "请补充数据安全负责人"})
    edit = dev.get(f"/applications/{number}/edit")
    assert "请补充数据安全负责人" in edit.text and "将形成第 2 版" in edit.text
    measures = "仅在可信环境内加工；数据安全负责人：张三。"
    saved = post(
        dev,
        f"/applications/{number}/edit",
        full_form(city, security_measures=measures, action="submit"),
        page=f"/applications/{number}/edit",
    )
    assert saved.status_code == 303
    current = dev.get(f"/applications/{number}")
    assert "张三" in current.text and "第 2 版" in current.text and "?version=1" in current.text
    old = dev.get(f"/applications/{number}?version=1")
    assert old.status_code == 200 and "张三" not in old.text and "正在查看第 1 版，当前为第 2 版" in old.text
    assert "请补充数据安全负责人" in old.text
    assert dev.get(f"/applications/{number}?version=9").status_code == 404


def test_the_bureau_revokes_an_agreement_and_the_pages_show_it(login: Login, anonymous: TestClient, city: City) -> None:
    agreement = agreement_of(login, approved(login, city))
    signed_by_all(login, agreement)
    bureau = login("sjj")
    page = bureau.get(f"/agreements/{agreement}")
    assert "暂停" in page.text and "撤销" in page.text and "续期" in page.text
    assert post(bureau, f"/agreements/{agreement}/revoke", {"reason": ""}).status_code == 422
    revoked = post(bureau, f"/agreements/{agreement}/revoke", {"reason": "发现超范围使用数据"})
    assert revoked.status_code == 303
    page = bureau.get(revoked.headers["location"])
    assert "协议已撤销" in page.text and "已撤销" in page.text and "发现超范围使用数据" in page.text
    assert "当前不可据此开展数据加工" in page.text and f'action="/agreements/{agreement}/suspend"' not in page.text
    assert "已撤销" in text_of(anonymous.get("/disclosure"))
    developer = login("kfz")
    assert post(developer, f"/agreements/{agreement}/revoke", {"reason": "x"}).status_code == 403


def test_suspending_resuming_and_renewing_work_from_the_agreement_page(login: Login, city: City) -> None:
    agreement = agreement_of(login, approved(login, city, regulator="JRJ"))
    signed_by_all(login, agreement)
    bureau = login("sjj")
    suspended = post(bureau, f"/agreements/{agreement}/suspend", {"reason": "安全检查"})
    assert "已暂停" in bureau.get(suspended.headers["location"]).text
    resumed = post(bureau, f"/agreements/{agreement}/resume", {})
    assert "协议已恢复" in bureau.get(resumed.headers["location"]).text
    renewed = post(bureau, f"/agreements/{agreement}/renew", {"end": "2028-11-30"})
    assert renewed.status_code == 303
    new = renewed.headers["location"].split("?")[0].split("/")[-1]
    assert new != agreement
    page = bureau.get(f"/agreements/{new}")
    assert "续期自" in page.text and agreement in page.text and "2027-12-01 – 2028-11-30" in page.text
    assert new in bureau.get(f"/agreements/{agreement}").text
    assert post(bureau, f"/agreements/{agreement}/renew", {"end": "bad"}).status_code == 422


def test_an_agreement_past_its_end_shows_as_expired_before_the_sweep(
    login: Login, anonymous: TestClient, city: City, clock: FakeClock
) -> None:
    agreement = agreement_of(login, approved(login, city))
    signed_by_all(login, agreement)
    clock.advance(days=400)
    page = login("kfz").get(f"/agreements/{agreement}")
    assert "已到期" in page.text and "生效中" not in page.text
    assert "已到期" in text_of(anonymous.get("/disclosure"))


def test_a_free_purpose_needs_no_price_terms(login: Login, city: City) -> None:
    _, number = submitted(login, city, purpose="public_governance", domain="城市治理")
    bureau = login("sjj")
    post(bureau, f"/applications/{number}/first-instance", {"decision": "approve"})
    for username in ("scjgj", "rsj"):
        reviewer = login(username)
        page = reviewer.get(f"/applications/{number}")
        post(reviewer, f"/applications/{number}/reviews/{review_id(page)}", {"decision": "approved"})
    page = bureau.get(f"/applications/{number}")
    assert "无偿使用，价格条款不适用" in page.text and 'name="price_terms"' not in page.text
    agreement = agreement_of(login, number, price_terms="")
    assert "无偿使用" in bureau.get(f"/agreements/{agreement}").text


# -- queues, deadlines, the form's round trips -------------------------------------------------


def test_overdue_reviews_are_flagged_for_the_reviewer_and_listed_for_the_bureau(
    login: Login, city: City, clock: FakeClock
) -> None:
    _, number = submitted(login, city)
    post(login("sjj"), f"/applications/{number}/first-instance", {"decision": "approve"})
    clock.advance(days=30)
    tasks = login("rsj").get("/applications")
    assert number in tasks.text and "已超期" in tasks.text
    bureau = login("sjj").get("/applications")
    overdue = bureau.text.split('id="overdue"')[1].split("</section>")[0]
    assert "示例市人力资源和社会保障局" in overdue and "示例市市场监督管理局" in overdue and number in overdue


def test_without_script_the_picker_adds_and_removes_resources_without_saving(
    login: Login, platform: Platform, city: City
) -> None:
    dev = login("kfz")
    before = ledger_size(platform)
    added = post(
        dev, "/applications/new", {"scenario": SCENARIO, "action": "add", "add": city.insured}, page="/applications/new"
    )
    assert added.status_code == 200
    assert f'name="resources" value="{city.insured}"' in added.text and f'value="{city.insured}|区县"' in added.text
    assert f'value="{SCENARIO}"' in added.text
    removed = post(
        dev,
        "/applications/new",
        {"resources": [city.insured], "action": f"remove:{city.insured}"},
        page="/applications/new",
    )
    assert f'name="resources" value="{city.insured}"' not in removed.text
    assert ledger_size(platform) == before  # nothing was saved
    catalog_page = dev.get(f"/catalog/{city.enterprises}")
    assert f"/applications/new?add={city.enterprises}" in catalog_page.text
    started = dev.get(f"/applications/new?add={city.enterprises}")
    assert f'value="{city.enterprises}|统一社会信用代码"' in started.text


def test_a_document_of_the_wrong_type_is_refused_and_the_draft_is_kept(login: Login, city: City) -> None:
    dev = login("kfz")
    response = post(
        dev,
        "/applications/new",
        full_form(city),
        page="/applications/new",
        files={"file": ("资质.exe", b"MZ\x90\x00not a pdf", "application/octet-stream")},
    )
    assert response.status_code == 422 and "仅接受 PDF、PNG 或 JPEG" in response.text
    assert re.search(r'action="/applications/[^"]+/edit"', response.text)  # the next save updates the same draft
    assert len(re.findall(r'href="/applications/SQ-', dev.get("/applications").text)) >= 1


def test_only_developers_get_the_application_form(login: Login, city: City) -> None:
    for username in ("sjj", "scjgj", "yyjg"):
        response = login(username).get("/applications/new")
        assert response.status_code == 403 and "只有开发利用者可以申请授权" in response.text


def test_anonymous_visitors_are_sent_to_sign_in_but_read_the_disclosure(anonymous: TestClient, city: City) -> None:
    for path in ("/applications", "/applications/new", "/agreements", "/applications/SQ-2026-00001"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/"), path
    assert anonymous.get("/disclosure").status_code == 200
    assert "暂无公示的授权" in anonymous.get("/disclosure").text
    assert anonymous.get("/disclosure/1999").status_code == 404
    assert anonymous.get("/disclosure/2999").status_code == 404
    assert "授权公示" in anonymous.get("/").text


def test_navigation_and_next_steps_by_role(login: Login, anonymous: TestClient, city: City) -> None:
    nav = re.compile(r'<nav class="mainnav".*?</nav>', re.S)
    steps = re.compile(r'<div class="cards steps">.*?</div>', re.S)

    def parts(username: str) -> tuple[str, str]:
        home = login(username).get("/").text
        found_nav, found_steps = nav.search(home), steps.search(home)
        assert found_nav and found_steps
        return found_nav.group(0), found_steps.group(0)

    public = nav.search(anonymous.get("/").text)
    assert public and 'href="/disclosure"' in public.group(0) and 'href="/applications"' not in public.group(0)
    expected = {
        "kfz": ("申请授权", 'href="/applications"'),
        "sjj": ("待初审", 'href="/applications"'),
        "scjgj": ("待我审核", 'href="/applications"'),
        "jrj": ("待我审核", 'href="/applications"'),
        "yyjg": ("待签署协议", 'href="/agreements"'),
    }
    for username, (step, link) in expected.items():
        menu, next_steps = parts(username)
        assert step in next_steps, username
        assert link in menu and 'href="/disclosure"' in menu, username
    assert 'href="/applications"' not in parts("yyjg")[0]


def test_the_pages_speak_english_too(login: Login, city: City) -> None:
    agreement = agreement_of(login, approved(login, city))
    dev = login("kfz")
    dev.get("/lang/en")
    assert "My applications" in dev.get("/applications").text
    page = dev.get(f"/agreements/{agreement}")
    assert "Awaiting signatures" in page.text and "Sign" in page.text and "Industrial development" in page.text
    form = dev.get("/applications/new").text
    assert "Save draft" in form and "Financial services" in form and "free of charge" in form


def test_every_new_console_post_needs_the_csrf_token(login: Login, platform: Platform, city: City) -> None:
    agreement = agreement_of(login, approved(login, city))
    posts = [
        r.path
        for module in (application_form, application_pages, agreements, disclosure)
        for r in module.router.routes
        if isinstance(r, APIRoute) and "POST" in (r.methods or ())
    ]
    assert {"/applications/new", "/applications/{number}/first-instance", "/agreements/{number}/sign"} <= set(posts)
    with platform.uow() as uow:
        number = applications.list_applications(uow, SYSTEM)[0].number
    clients = [login(username) for username in ("kfz", "sjj")]
    before = ledger_size(platform)
    for client in clients:
        for path in posts:
            url = path.format(number=agreement if path.startswith("/agreements") else number, review_id="1")
            for bad in ({}, {"csrf_token": "forged"}):
                response = client.post(url, data=bad, follow_redirects=False)
                assert response.status_code == 403, url
                assert "CSRF" in response.text, url
    assert ledger_size(platform) == before


def test_the_form_groups_the_ticked_items_by_resource_and_item_names_may_hold_the_separator() -> None:
    form = ApplicationForm(resources=("A-1", "B-1"), items=("A-1|姓名", "B-1|x|y", "A-1|年龄"))
    assert form.content()["resources"] == [
        {"code": "A-1", "items": ["姓名", "年龄"]},
        {"code": "B-1", "items": ["x|y"]},
    ]
    assert ApplicationForm.of(form.content()).content() == form.content()
    assert form.removing("A-1").content()["resources"] == [{"code": "B-1", "items": ["x|y"]}]
    assert form.adding("A-1") is form and form.adding(" ") is form


def test_document_sizes_read_well() -> None:
    assert [file_size(n) for n in (48, 1536, 3 * 1024 * 1024)] == ["48 B", "1.5 KiB", "3.0 MiB"]


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("grant", list(LABELS)),
        ("purpose", list(PURPOSES)),
        ("output_kind", list(OUTPUT_KINDS)),
        ("scenario_domain", list(SCENARIO_DOMAINS)),
        ("stage", ["bureau", "provider", "regulator"]),
        ("party", ["bureau", "operator", "developer"]),
    ],
)
def test_every_grants_value_has_a_label_in_both_languages(kind: str, values: list[str]) -> None:
    for value in values:
        assert i18n.label(kind, value, "zh"), value
        assert i18n.label(kind, value, "en") != value, value
