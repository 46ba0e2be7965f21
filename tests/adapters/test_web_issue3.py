"""The console's 分类分级, 数据质量, 脱敏与开放 and 异议 tabs, the objection queue, 共享/开放申请 and the open
data portal, through FastAPI's TestClient."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from console import Login, csrf_of, text_of
from factories import make_resource, make_user, people_rows
from gongshu.catalog import services
from gongshu.catalog.attributes import GRADES
from gongshu.catalog.classification import effective_grades
from gongshu.catalog.models import ColumnTag, Objection, ResourceVersion, ScanRecord
from gongshu.catalog.states import STATUS_ZH
from gongshu.classify.desensitize import OPERATORS
from gongshu.classify.recognizers import BY_CODE
from gongshu.clock import FakeClock
from gongshu.identity import SYSTEM, Actor
from gongshu.ledger.services import latest_head
from gongshu.platform import Platform
from gongshu.web import i18n
from gongshu.web.routes import admin, auth, catalog, classify, ledger, objections, opendata, sharing
from gongshu.web.views import percent, period, plan_rows

PEOPLE = people_rows(30)
PHONES = [row[2] for row in PEOPLE[1:]]
WEATHER: list[list[object]] = [["观测时间", "气温"], ["2026-11-01 08:00", "12.5"], ["2026-11-01 09:00", "13.1"]]
# the plan of tests/integration/test_open_data.py: every protected item handled, 区县 left as the quasi-identifier
PLAN = {
    "姓名": ("mask", '{"keep_first": 1}'),
    "身份证号": ("keyed_hash", '{"algorithm": "sm3"}'),
    "手机号": ("drop", ""),
    "住址": ("generalize", '{"kind": "address_to_district"}'),
    "出生日期": ("generalize", '{"kind": "date_to_year"}'),
    "年龄": ("generalize", '{"kind": "age_to_band"}'),
}


def people(platform: Platform, tmp: Path, **attrs: str) -> tuple[Actor, str]:
    owner = make_user(platform, username="rsj", org="RSJ", org_name="示例市人力资源和社会保障局")
    res = make_resource(platform, owner, tmp, title="参保人员信息", rows=PEOPLE, domain="社保就业", **attrs)
    return owner, res.code


def post(client: TestClient, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    """POST a console form with the session's CSRF token, taken from ``page`` (default: the home page)."""
    token = csrf_of(client.get(page or "/").text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def plan_form(qi: list[str], sensitive: str = "") -> dict[str, Any]:
    names = [str(n) for n in PEOPLE[0]]
    return {
        "column": names,
        "operator": [PLAN.get(n, ("", ""))[0] for n in names],
        "params": [PLAN.get(n, ("", ""))[1] for n in names],
        "qi": qi,
        "sensitive": sensitive,
    }


def ledger_size(platform: Platform) -> int:
    with platform.uow() as uow:
        head = latest_head(uow.session)
        return head.tree_size if head else 0


# -- 分类分级 ------------------------------------------------------------------------------------


def test_the_classification_tab_shows_the_tags_and_grades_of_a_csv_with_mobile_numbers(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    page = owner.get(f"/catalog/{code}/classification")
    assert page.status_code == 200
    text = text_of(page)
    for shown in (
        "分类分级",
        "整个资源",
        "手机号",
        "手机号码",
        "cn_mobile@1",
        "一般数据3级",
        "个人信息",
        "居民身份证号",
    ):
        assert shown in text, shown
    assert "敏感个人信息" in text and "一般数据4级" in text  # the ID numbers
    assert "命中 100%" in text and "建议" in text and "待确认" in text
    assert "确认等级" in page.text and "移除（误报）" in page.text  # the owner's forms
    assert not any(phone in page.text for phone in PHONES)  # tags, never values
    make_user(platform, username="wjw", org="WJW")
    other = login("wjw").get(f"/catalog/{code}/classification")
    assert other.status_code == 200 and "手机号码" in other.text
    assert "确认等级" not in other.text and "移除（误报）" not in other.text


def test_the_owner_overrides_a_grade_only_with_a_reason(login: Login, platform: Platform, tmp_path: Path) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    tab = f"/catalog/{code}/classification"
    form = {"column": "手机号", "grade": "general-4", "personal": "true", "reason": ""}
    refused = post(owner, f"/catalog/{code}/grades", form, tab)
    assert refused.status_code == 422
    assert "调整「手机号」的建议等级须说明理由" in refused.text
    assert "<details open>" in refused.text  # the row's form stays open with what was chosen
    done = post(owner, f"/catalog/{code}/grades", {**form, "reason": "号码可关联到个人账户"}, tab)
    assert done.status_code == 303 and done.headers["location"] == f"/catalog/{code}/classification?done=grade"
    page = text_of(owner.get(done.headers["location"]))
    assert "等级已确认" in page and "理由：号码可关联到个人账户" in page and "rsj 确认" in page
    with platform.uow() as uow:
        grades = effective_grades(uow, services.get_resource(uow, SYSTEM, code))
    assert grades["手机号"].grade == "general-4" and grades["手机号"].confirmed


def test_the_owner_removes_a_tag_with_a_reason_and_confirms_another(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    tab = f"/catalog/{code}/classification"
    no_reason = post(owner, f"/catalog/{code}/tags", {"column": "手机号", "type": "cn_mobile", "keep": "false"}, tab)
    assert no_reason.status_code == 422 and "移除标签须说明理由" in no_reason.text
    removed = post(
        owner,
        f"/catalog/{code}/tags",
        {"column": "手机号", "type": "cn_mobile", "keep": "false", "reason": "内部工号"},
        tab,
    )
    assert removed.status_code == 303
    kept = post(owner, f"/catalog/{code}/tags", {"column": "身份证号", "type": "cn_id_card", "keep": "true"}, tab)
    assert kept.status_code == 303
    page = text_of(owner.get(tab))
    assert "已移除" in page and "理由：内部工号" in page and "已确认" in page


def test_an_outdated_scan_offers_a_rescan_and_its_differences_are_accepted(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    with platform.uow(write=True) as uow:  # as if the recognizers changed since, and the rescan found a difference
        res = services.get_resource(uow, SYSTEM, code)
        uow.session.execute(
            select(ScanRecord).where(ScanRecord.resource_id == res.id)
        ).scalar_one().recognizers_version = "old"
        tag = uow.session.execute(select(ColumnTag).where(ColumnTag.column == "手机号")).scalar_one()
        tag.changed = True
        uow.session.commit()
    owner = login("rsj")
    tab = f"/catalog/{code}/classification"
    page = owner.get(tab)
    assert "识别器已更新" in page.text and f'action="/catalog/{code}/rescan"' in page.text
    assert "重新扫描发现 1 处变化" in page.text and "扫描有变化" in page.text
    accepted = post(owner, f"/catalog/{code}/scan-changes/accept", {}, tab)
    assert accepted.status_code == 303
    assert "扫描有变化" not in owner.get(tab).text
    rescanned = post(owner, f"/catalog/{code}/rescan", {}, tab)
    assert rescanned.status_code == 303
    after = owner.get(rescanned.headers["location"])
    assert "重新扫描已完成" in after.text and "识别器已更新" not in after.text


def test_another_department_gets_403_on_the_owners_forms_and_nothing_changes(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    make_user(platform, username="wjw", org="WJW")
    other = login("wjw")
    before = ledger_size(platform)
    forms: dict[str, dict[str, Any]] = {
        "grades": {"column": "手机号", "grade": "general-1", "reason": "x"},
        "tags": {"column": "手机号", "type": "cn_mobile", "keep": "false", "reason": "x"},
        "rescan": {},
        "scan-changes/accept": {},
        "quality/rules": {"rules": "[]"},
        "desensitize": plan_form(["区县"]),
        "versions/1/openable": {"openable": "true"},
    }
    for path, data in forms.items():
        response = post(other, f"/catalog/{code}/{path}", data)
        assert response.status_code == 403, path
        assert "属于其他单位" in response.text, path
    assert ledger_size(platform) == before


# -- 数据质量 ------------------------------------------------------------------------------------


def test_the_quality_tab_shows_each_rules_result_and_the_owner_edits_the_rules(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    tab = f"/catalog/{code}/quality"
    page = owner.get(tab)
    assert "质量得分" in page.text and "100.0" in page.text and "通过" in page.text
    assert "正在使用平台默认规则" in page.text and "completeness" in page.text  # the defaults, ready to edit
    broken = post(owner, f"/catalog/{code}/quality/rules", {"rules": "[{"}, tab)
    assert broken.status_code == 422 and "质量规则不是有效的 JSON" in broken.text
    assert "[{</textarea>" in broken.text  # what was typed stays
    wrong = post(
        owner, f"/catalog/{code}/quality/rules", {"rules": '[{"kind": "range", "params": {"column": "无此列"}}]'}, tab
    )
    assert wrong.status_code == 422 and "质量规则有误" in wrong.text
    rules = '[{"kind": "range", "params": {"column": "年龄", "min": 0, "max": 40}, "name": "年龄不超过40"}]'
    saved = post(owner, f"/catalog/{code}/quality/rules", {"rules": rules}, tab)
    assert saved.status_code == 303
    after = owner.get(saved.headers["location"])
    assert "质量规则已保存" in after.text and "年龄不超过40" in after.text and "未通过" in after.text
    assert "正在使用平台默认规则" not in after.text
    owner.get("/lang/en")
    english = owner.get(tab)
    assert "Quality score" in english.text and "Failed" in english.text


# -- 脱敏与开放 ----------------------------------------------------------------------------------


def test_a_plan_from_the_page_creates_a_derived_version_and_shows_its_k(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    tab = f"/catalog/{code}/desensitization"
    page = owner.get(tab)
    assert "生成脱敏版本" in page.text and "还没有脱敏版本" in page.text
    assert '<option value="keyed_hash" selected>' in page.text  # the ID numbers come filled with the default rule
    assert "算子与参数说明" in page.text and "keep_first" in page.text
    done = post(owner, f"/catalog/{code}/desensitize", plan_form(["区县"], "月收入"), tab)
    assert done.status_code == 303, done.text
    after = owner.get(done.headers["location"])
    text = text_of(after)
    assert "已生成脱敏版本" in text and "v2" in text
    k_cell = re.search(r'<td class="num k-value">\s*<strong>(\d+)</strong>', after.text)
    assert k_cell is not None and k_cell.group(1) == "6"  # 30 people in 5 districts
    assert "区县" in text and "掩码" in text and "删除" in text
    with platform.uow() as uow:
        derived = uow.session.execute(
            select(ResourceVersion).where(ResourceVersion.kind == "desensitized")
        ).scalar_one()
    assert derived.number == 2 and derived.k == 6 and not derived.openable


def test_a_bad_parameter_in_the_plan_form_is_shown_and_the_form_keeps_what_was_typed(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    form = plan_form(["区县"])
    form["params"][0] = '{"keep_first": "一"}'
    bad = post(owner, f"/catalog/{code}/desensitize", form, f"/catalog/{code}/desensitization")
    assert bad.status_code == 422 and "keep_first" in bad.text and "无效" in bad.text
    assert 'value="{&#34;keep_first&#34;: &#34;一&#34;}"' in bad.text
    form["params"][0] = "not json"
    assert "参数须为 JSON 对象" in post(owner, f"/catalog/{code}/desensitize", form).text
    form["params"] = form["params"][:-1]
    assert "脱敏方案表单不完整" in post(owner, f"/catalog/{code}/desensitize", form).text


def test_marking_a_version_with_too_small_k_openable_is_refused_and_a_good_one_is_marked(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    tab = f"/catalog/{code}/desensitization"
    small = plan_form(["月收入"])  # every income differs: k = 1
    assert post(owner, f"/catalog/{code}/desensitize", small, tab).status_code == 303
    assert post(owner, f"/catalog/{code}/desensitize", plan_form(["区县"]), tab).status_code == 303
    assert "低于 5" in owner.get(tab).text
    refused = post(owner, f"/catalog/{code}/versions/2/openable", {"openable": "true"}, tab)
    assert refused.status_code == 422
    assert "第 2 版 k 匿名值为 1，低于开放所需的 5" in refused.text
    marked = post(owner, f"/catalog/{code}/versions/3/openable", {"openable": "true"}, tab)
    assert marked.status_code == 303
    page = owner.get(marked.headers["location"])
    assert "已标记为可开放" in page.text and "撤回可开放" in page.text
    withdrawn = post(owner, f"/catalog/{code}/versions/3/openable", {"openable": "false"}, tab)
    assert "已撤回可开放标记" in owner.get(withdrawn.headers["location"]).text


# -- 异议 ----------------------------------------------------------------------------------------


def test_an_objection_is_raised_verified_rejected_and_corrected_through_the_pages(
    login: Login, platform: Platform, tmp_path: Path, clock: FakeClock
) -> None:
    owner_actor, code = people(platform, tmp_path)
    make_user(platform, username="wjw", org="WJW")
    user = login("wjw")
    tab = f"/catalog/{code}/objections"
    empty = post(user, tab, {"text": " ", "item": "年龄"}, tab)
    assert empty.status_code == 422 and "请写明异议内容" in empty.text
    for text, item in (("年龄与出生日期不一致", "年龄"), ("数据未按月更新", "")):
        assert post(user, tab, {"text": text, "item": item}, tab).status_code == 303
    listed = text_of(user.get(tab))
    assert "年龄与出生日期不一致" in listed and "整个资源" in listed and "已提出" in listed
    first, second = _objection_numbers(platform)

    clock.advance(days=platform.settings.objection_verify_days + 1)  # sessions last hours: sign in again
    owner, user = login("rsj"), login("wjw")
    queue = owner.get("/objections")
    assert "待本单位处理" in queue.text and "已超期" in queue.text
    assert f'action="/objections/{first}/verify"' in queue.text
    assert post(user, f"/objections/{first}/verify", {"accept": "true", "response": "我来"}).status_code == 403
    no_reason = post(owner, f"/objections/{second}/verify", {"accept": "false", "response": ""}, "/objections")
    assert no_reason.status_code == 422 and "请写明核实意见或驳回理由" in no_reason.text
    verified = post(owner, f"/objections/{first}/verify", {"accept": "true", "response": "属实，将补正"})
    assert verified.status_code == 303 and "异议已核实" in owner.get(verified.headers["location"]).text
    rejected = post(owner, f"/objections/{second}/verify", {"accept": "false", "response": "数据按月更新，未过期"})
    assert "异议已驳回" in owner.get(rejected.headers["location"]).text
    again = post(owner, f"/objections/{second}/verify", {"accept": "true", "response": "再核实"})
    assert again.status_code == 409 and "不能变为" in again.text

    fixed = tmp_path / "fixed.csv"
    fixed.write_text("\n".join(",".join(str(c) for c in row) for row in PEOPLE) + "\n", encoding="utf-8")
    too_early = post(owner, f"/objections/{first}/correct", {"version": "1"})
    assert too_early.status_code == 422 and "请先发布补正后的新版本" in too_early.text
    clock.advance(minutes=5)
    with platform.uow(write=True) as uow:
        services.add_version(uow, owner_actor, code, services.FileSource(fixed, fixed.name))
    corrected = post(owner, f"/objections/{first}/correct", {"version": "2"})
    assert corrected.status_code == 303 and "补正已登记" in owner.get(corrected.headers["location"]).text
    mine = text_of(user.get("/objections"))
    assert "本单位提出的异议" in mine and "已补正" in mine and "已驳回" in mine and "已在第 2 版补正" in mine


def _objection_numbers(platform: Platform) -> list[str]:
    with platform.uow() as uow:
        return list(uow.session.execute(select(Objection.number).order_by(Objection.id)).scalars())


# -- 共享/开放申请 -------------------------------------------------------------------------------


def test_a_share_request_is_approved_by_the_owner_and_the_reader_sees_masked_values(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    make_user(platform, username="wjw", org="WJW", org_name="示例市卫生健康委员会")
    reader = login("wjw")
    assert "申请共享" in reader.get(f"/catalog/{code}").text
    form_page = reader.get("/requests/new", params={"resource": code, "kind": "share"})
    assert form_page.status_code == 200 and "申请共享：参保人员信息" in form_page.text
    assert 'name="fields" value="手机号"' in form_page.text and 'value="2026-11-22"' in form_page.text
    ask = {"resource": code, "kind": "share", "starts": "2026-11-22", "ends": "2027-02-20", "reason": "核验参保状态"}
    none_chosen = post(reader, "/requests/new", ask)
    assert none_chosen.status_code == 422 and "请选择需要的信息项" in none_chosen.text
    sent = post(reader, "/requests/new", {**ask, "fields": ["姓名", "手机号", "区县"]})
    assert sent.status_code == 303 and sent.headers["location"] == "/requests?done=request"
    mine = text_of(reader.get(sent.headers["location"]))
    assert "申请已提交" in mine and "待审核" in mine and "GX-2026-00001" in mine
    assert reader.get("/requests/GX-2026-00001/read").status_code == 403  # not approved yet

    owner = login("rsj")
    review = owner.get("/requests")
    assert "待本单位审核" in review.text and "核验参保状态" in review.text
    assert "掩码" in review.text  # the default rule the approval gives
    approved = post(owner, "/requests/GX-2026-00001/decision", {"approve": "true", "comment": "同意"})
    assert approved.status_code == 303 and "申请已同意" in owner.get(approved.headers["location"]).text

    assert 'href="/requests/GX-2026-00001/read"' in reader.get("/requests").text
    page = reader.get("/requests/GX-2026-00001/read")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "已脱敏" in page.text and "已脱敏的信息项：姓名、手机号" in page.text
    assert "第 1–30 行，共 30 行" in page.text
    for phone in PHONES:
        assert phone not in page.text
    cells = re.findall(r"<tr><td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td>", page.text)
    assert len(cells) == 30 and all("*" in c and c not in PHONES for c in cells)  # the phone column, masked
    assert PEOPLE[1][7] in page.text  # 区县 is not protected: as it is


def test_the_owner_rejects_only_with_a_reason_and_a_custom_plan_must_be_valid(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path)
    make_user(platform, username="wjw", org="WJW")
    reader = login("wjw")
    ask = {"resource": code, "kind": "share", "starts": "2026-11-22", "ends": "2026-12-31", "reason": "统计"}
    for _ in range(2):
        assert post(reader, "/requests/new", {**ask, "fields": ["手机号"]}).status_code == 303
    owner = login("rsj")
    not_yet = post(owner, "/requests/GX-2026-00001/revoke", {})
    assert not_yet.status_code == 409 and "不能变为「已撤销」" in not_yet.text
    bare = post(owner, "/requests/GX-2026-00001/decision", {"approve": "false", "comment": ""})
    assert bare.status_code == 422 and "拒绝须说明理由" in bare.text
    refused = post(owner, "/requests/GX-2026-00001/decision", {"approve": "false", "comment": "超出职责范围"})
    assert "申请已拒绝" in owner.get(refused.headers["location"]).text
    broken = post(owner, "/requests/GX-2026-00002/decision", {"approve": "true", "plan": "{"})
    assert broken.status_code == 422 and "脱敏规则不是有效的 JSON" in broken.text
    uncovered = post(owner, "/requests/GX-2026-00002/decision", {"approve": "true", "plan": '{"steps": []}'})
    assert uncovered.status_code == 422 and "受保护信息项须指定脱敏规则：手机号" in uncovered.text
    custom = '{"steps": [{"column": "手机号", "operator": "keyed_hash", "params": {"length": 12}}]}'
    assert post(owner, "/requests/GX-2026-00002/decision", {"approve": "true", "plan": custom}).status_code == 303
    page = reader.get("/requests/GX-2026-00002/read")
    assert re.search(r'<td class="mono desensitized">[0-9a-f]{12}</td>', page.text)
    revoked = post(reader, "/requests/GX-2026-00002/revoke", {})
    assert "申请已撤销" in reader.get(revoked.headers["location"]).text
    assert reader.get("/requests/GX-2026-00002/read").status_code == 403
    assert "超出职责范围" in reader.get("/requests").text


def test_a_developer_cannot_ask_for_sharing_but_applies_for_conditionally_open_data(
    login: Login, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path, open="conditional")
    make_user(platform, username="dev", org="KFQY", kind="developer")
    dev = login("dev")
    detail = dev.get(f"/catalog/{code}")
    assert "申请开放数据" in detail.text and "申请共享" not in detail.text
    ask = {"resource": code, "starts": "2026-11-22", "ends": "2026-12-31", "reason": "研究", "fields": ["区县"]}
    refused = post(dev, "/requests/new", {**ask, "kind": "share"})
    assert refused.status_code == 403 and "只有政务部门可以申请共享" in refused.text
    assert "申请开放数据：参保人员信息" in dev.get("/requests/new", params={"resource": code, "kind": "open"}).text
    assert post(dev, "/requests/new", {**ask, "kind": "open"}).headers["location"] == "/requests?done=request"
    assert "KF-2026-00001" in dev.get("/requests").text
    bad_date = post(dev, "/requests/new", {**ask, "kind": "open", "ends": "明年"})
    assert bad_date.status_code == 422 and "日期须为 YYYY-MM-DD 格式" in bad_date.text


# -- 开放数据 ------------------------------------------------------------------------------------


def test_the_open_portal_lists_only_open_resources_and_downloads_unconditional_ones(
    anonymous: TestClient, platform: Platform, tmp_path: Path
) -> None:
    provider = make_user(platform, username="qxj", org="QXJ")
    closed = make_resource(platform, provider, tmp_path, title="内部气象资料", rows=WEATHER, open="none")
    free = make_resource(platform, provider, tmp_path, title="气象观测数据", rows=WEATHER, open="unconditional")
    make_resource(platform, provider, tmp_path, title="企业气象服务名录", open="conditional")
    portal = anonymous.get("/open")
    assert portal.status_code == 200
    text = text_of(portal)
    assert "气象观测数据" in text and "企业气象服务名录" in text and "内部气象资料" not in text
    assert "共 2 个开放数据资源" in text and "登录后申请" in text and "无条件开放" in text
    assert f'href="/open/{free.code}/download?format=csv"' in portal.text
    assert f"/open/{free.code}/download?format=parquet" in portal.text
    assert "内部气象资料" not in text_of(anonymous.get("/open", params={"q": "内部"}))
    hidden = anonymous.get(f"/open/{closed.code}/download", params={"format": "csv"})
    assert hidden.status_code == 404 and hidden.headers["content-type"].startswith("text/html")
    got = anonymous.get(f"/open/{free.code}/download", params={"format": "csv"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.content.decode("utf-8").splitlines()[0] == "观测时间,气温"
    assert f"{free.code}-v1.csv" in got.headers["content-disposition"]
    assert not list(platform.settings.tmp_dir.glob("open-*"))  # the temporary file went after sending
    assert anonymous.get(f"/open/{free.code}/download", params={"format": "exe"}).status_code == 422


def test_conditionally_open_data_sends_anonymous_visitors_to_sign_in(
    anonymous: TestClient, platform: Platform, tmp_path: Path
) -> None:
    provider = make_user(platform, username="qxj", org="QXJ")
    res = make_resource(platform, provider, tmp_path, title="企业气象服务名录", open="conditional")
    response = anonymous.get(f"/open/{res.code}/download", params={"format": "csv"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/open/")


def test_the_open_portal_pages_through_many_resources(
    anonymous: TestClient, platform: Platform, tmp_path: Path
) -> None:
    provider = make_user(platform, username="qxj", org="QXJ")
    for n in range(21):
        make_resource(platform, provider, tmp_path, title=f"气象站点{n:02d}", rows=WEATHER, open="unconditional")
    first = anonymous.get("/open", params={"q": "气象站点"})
    assert "共 21 个开放数据资源" in first.text and "第 1 / 2 页" in first.text
    assert 'href="/open?q=%E6%B0%94%E8%B1%A1%E7%AB%99%E7%82%B9&amp;page=2"' in first.text
    second = anonymous.get("/open", params={"q": "气象站点", "page": 2})
    assert len(re.findall(r'class="item-card open-entry"', second.text)) == 1
    assert 'href="/open?q=%E6%B0%94%E8%B1%A1%E7%AB%99%E7%82%B9"' in second.text  # back to the first page


# -- the rest ----------------------------------------------------------------------------------


def test_plans_shares_and_periods_read_well() -> None:
    rows = plan_rows('{"steps": [{"column": "姓名", "operator": "mask", "params": {}}], "drop": ["手机号"]}')
    assert [(r.column, r.operator, r.params) for r in rows] == [("姓名", "mask", ""), ("手机号", "", "")]
    assert plan_rows("") == [] and plan_rows(None) == []
    assert percent(1.0) == "100%" and percent(0.987) == "98.7%"
    starts, ends = datetime(2026, 11, 21, 16, tzinfo=UTC), datetime(2027, 2, 20, 16, tzinfo=UTC)
    assert period(starts, ends) == "2026-11-22 – 2027-02-20"


def test_every_console_post_needs_the_csrf_token(login: Login, platform: Platform, tmp_path: Path) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    posts = [
        r.path
        for module in (admin, auth, catalog, classify, ledger, objections, opendata, sharing)
        for r in module.router.routes
        if isinstance(r, APIRoute) and "POST" in (r.methods or ()) and r.path != "/login"  # login: double submit
    ]
    assert {"/catalog/{code}/grades", "/objections/{number}/verify", "/requests/new"} <= set(posts)
    before = ledger_size(platform)
    for path in posts:
        url = path.format(code=code, number="1", token_id="1")
        for bad in ({}, {"csrf_token": "forged"}):
            response = owner.post(url, data=bad, follow_redirects=False)
            assert response.status_code == 403, url
            assert "CSRF" in response.text, url
    assert ledger_size(platform) == before


def test_navigation_offers_the_new_pages_by_role(
    login: Login, anonymous: TestClient, platform: Platform, tmp_path: Path
) -> None:
    people(platform, tmp_path)
    nav = re.compile(r'<nav class="mainnav".*?</nav>', re.S)
    public = nav.search(anonymous.get("/").text)
    assert public is not None and "/open" in public.group(0) and "/requests" not in public.group(0)
    provider = nav.search(login("rsj").get("/").text)
    assert provider is not None
    for href in ('"/open"', '"/requests"', '"/objections"'):
        assert href in provider.group(0)
    make_user(platform, username="wxb", org="WXB", kind="regulator")
    assert 'href="/objections"' in login("wxb").get("/").text
    for path in ("/requests", "/objections", "/requests/new?resource=X"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=/")


def test_the_tabs_are_for_signed_in_users_and_the_public_sees_the_overview(
    anonymous: TestClient, platform: Platform, tmp_path: Path
) -> None:
    _, code = people(platform, tmp_path, open="conditional")
    overview = anonymous.get(f"/catalog/{code}")
    assert overview.status_code == 200 and 'class="tabs"' not in overview.text
    tab = anonymous.get(f"/catalog/{code}/classification", follow_redirects=False)
    assert tab.status_code == 303 and tab.headers["location"] == f"/login?next=/catalog/{code}/classification"


def test_the_tabs_speak_english_too(login: Login, platform: Platform, tmp_path: Path) -> None:
    _, code = people(platform, tmp_path)
    owner = login("rsj")
    owner.get("/lang/en")
    page = owner.get(f"/catalog/{code}/classification")
    for shown in ("Classification", "Mobile number", "General, level 3", "Sensitive personal", "Confirm grade"):
        assert shown in page.text, shown
    assert "分类分级" not in page.text
    assert "Keep as is" in owner.get(f"/catalog/{code}/desensitization").text
    assert "Raise an objection" in owner.get(f"/catalog/{code}/objections").text
    assert "Our requests" in owner.get("/requests").text and "Open data" in owner.get("/open").text


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("grade", GRADES),
        ("status", list(STATUS_ZH)),
        ("data_type", list(BY_CODE)),
        ("operator", list(OPERATORS)),
        ("tag_status", ["suggested", "confirmed", "removed"]),
        ("request_kind", ["share", "open"]),
    ],
)
def test_every_new_stored_value_has_a_label_in_both_languages(kind: str, values: list[str]) -> None:
    for value in values:
        assert i18n.label(kind, value, "zh") != value, value
        assert i18n.label(kind, value, "en") != value, value
