"""The demo city at work: an openable desensitized version, a share request read with masks, an open-data
application, and an objection waiting for 核实 — each made once, through the real services."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from gongshu.catalog import desensitization, objections, services, sharing
from gongshu.catalog.models import Resource
from gongshu.classify.desensitize import Plan
from gongshu.demo.actors import demo_actor
from gongshu.demo.sandbox_jobs import show_sandbox
from gongshu.grants import agreements, applications
from gongshu.identity import Actor
from gongshu.ledger import services as ledger
from gongshu.platform import Platform, UnitOfWork

LICENCE_PLAN = {
    "steps": [{"column": "联系电话", "operator": "mask", "params": {"keep_first": 3, "keep_last": 2}}],
    "drop": [],
}


def _code(platform: Platform, actor: Actor, title: str) -> str:
    with platform.uow() as uow:
        found, _ = services.search(uow, actor, "", limit=200)
    return next(r.code for r in found if r.title == title)


def _resource(uow: UnitOfWork, actor: Actor, code: str) -> Resource:
    return services.get_resource(uow, actor, code)


def _done(platform: Platform, action: str) -> bool:
    with platform.uow() as uow:
        return bool(ledger.list_events(uow.session, action=action, limit=1))


def _applied(platform: Platform, scenario: str) -> bool:
    with platform.uow() as uow:
        events = ledger.list_events(uow.session, action="application.create", limit=500)
    return any(e.detail and json.loads(e.detail).get("scenario") == scenario for e in events)


def show_workflows(platform: Platform, echo: Callable[[str], object]) -> None:
    if not _done(platform, "version.openable"):
        _open_licences(platform, echo)
    if not _done(platform, "share.approved"):
        _share_social_insurance(platform, echo)
    if not _done(platform, "open.approved"):
        _apply_for_licences(platform, echo)
    if not _done(platform, "objection.raise"):
        _object(platform, echo)
    if not _applied(platform, "小微企业普惠信贷风控"):
        _authorize_credit_scenario(platform, echo)
    if not _applied(platform, "城市交通拥堵治理"):
        _traffic_application_in_review(platform, echo)
    if not _done(platform, "job.submit"):
        show_sandbox(platform, echo)


def _open_licences(platform: Platform, echo: Callable[[str], object]) -> None:
    owner = demo_actor(platform, "xzspj")
    code = _code(platform, owner, "营业执照信息")
    with platform.uow(write=True) as uow:
        plan = Plan.from_json(LICENCE_PLAN)
        v = desensitization.desensitize(uow, owner, _resource(uow, owner, code), plan, quasi_identifiers=["发证机关"])
    with platform.uow(write=True) as uow:
        desensitization.mark_openable(uow, owner, _resource(uow, owner, code), v.number)
    echo(f"营业执照信息 v{v.number}：联系电话已脱敏，k={v.k}，标记为可开放 / desensitized and marked openable")


def _request_approved(
    platform: Platform,
    *,
    owner: str,
    requester: str,
    title: str,
    kind: str,
    reason: str,
    fields: list[str],
    days: int,
    comment: str,
) -> str:
    """One access request made by ``requester`` and approved by ``owner``; returns its number."""
    owner_actor, asker = demo_actor(platform, owner), demo_actor(platform, requester)
    code = _code(platform, owner_actor, title)
    now = platform.clock.now()
    with platform.uow(write=True) as uow:
        req = sharing.request_access(
            uow,
            asker,
            _resource(uow, asker, code),
            kind=kind,
            reason=reason,
            fields=fields,
            starts_at=now,
            ends_at=now + timedelta(days=days),
        )
    with platform.uow(write=True) as uow:
        sharing.decide(uow, owner_actor, req.number, approve=True, comment=comment)
    return req.number


def _share_social_insurance(platform: Platform, echo: Callable[[str], object]) -> None:
    number = _request_approved(
        platform,
        owner="rsj",
        requester="wjw",
        title="社会保险缴费记录",
        kind="share",
        reason="核验就诊人员参保状态，支撑医保结算",
        fields=["姓名", "身份证号", "险种", "缴费月份"],
        days=365,
        comment="同意，身份证号以密钥哈希提供",
    )
    echo(f"共享申请 {number}：卫健委获准读取社保缴费记录（姓名掩码、身份证号哈希）/ share approved")


def _apply_for_licences(platform: Platform, echo: Callable[[str], object]) -> None:
    number = _request_approved(
        platform,
        owner="xzspj",
        requester="developer",
        title="营业执照信息",
        kind="open",
        reason="普惠金融场景下核验企业经营状态",
        fields=["统一社会信用代码", "企业名称", "有效期至"],
        days=180,
        comment="同意开放所列信息项",
    )
    echo(f"开放申请 {number}：开发利用者获准下载营业执照信息 / open-data application approved")


def _object(platform: Platform, echo: Callable[[str], object]) -> None:
    raiser = demo_actor(platform, "wjw")
    code = _code(platform, raiser, "企业登记信息")
    with platform.uow(write=True) as uow:
        obj = objections.raise_objection(
            uow,
            raiser,
            _resource(uow, raiser, code),
            item="登记状态",
            text="部分已注销企业的登记状态仍为“存续”，请核实",
        )
    echo(f"异议 {obj.number}：待市场监管局核实 / objection raised, awaiting verification")


def _scenario(
    platform: Platform, name: str, description: str, domain: str, purpose: str, wanted: dict[str, list[str]], days: int
) -> dict[str, object]:
    dev = demo_actor(platform, "developer")
    start = platform.clock.now().date()
    return {
        "scenario": name,
        "description": description,
        "domain": domain,
        "purpose": purpose,
        "resources": [{"code": _code(platform, dev, title), "items": items} for title, items in wanted.items()],
        "start": start.isoformat(),
        "end": (start + timedelta(days=days)).isoformat(),
        "output_kinds": ["aggregate_table", "model"],
        "security_measures": "在可信环境内开发，专人专岗，操作全程留痕；成果经审核后使用",
    }


def _pending_review(platform: Platform, username: str, number: str) -> int:
    actor = demo_actor(platform, username)
    with platform.uow() as uow:
        return next(t.review.id for t in applications.my_reviews(uow, actor) if t.application.number == number)


def _authorize_credit_scenario(platform: Platform, echo: Callable[[str], object]) -> None:
    content = _scenario(
        platform,
        "小微企业普惠信贷风控",
        "结合企业登记和社保缴费信息，评估小微企业经营稳定性，支持银行普惠信贷审批。",
        "普惠金融",
        "industry",
        {
            "企业登记信息": ["统一社会信用代码", "企业名称", "登记状态", "注册资本(万元)"],
            "社会保险缴费记录": ["单位统一社会信用代码", "险种", "缴费月份", "缴费基数"],
        },
        365,
    )
    dev, bureau = demo_actor(platform, "developer"), demo_actor(platform, "bureau")
    with platform.uow(write=True) as uow:
        number = applications.create_draft(uow, dev, content).number
    with platform.uow(write=True) as uow:
        applications.submit(uow, dev, number)
    with platform.uow(write=True) as uow:
        applications.first_instance(uow, bureau, number, decision="approve", comment="材料齐全")
    for provider in ("scjgj", "rsj"):
        review = _pending_review(platform, provider, number)
        with platform.uow(write=True) as uow:
            applications.review_part(uow, demo_actor(platform, provider), review, decision="approved", comment="同意")
    with platform.uow(write=True) as uow:
        terms = agreements.Terms(epsilon=2.0, price_terms="按模型调用计费", fee_cap="0.05 元/次")
        agreement = agreements.make_agreement(uow, bureau, number, terms)
    for party in ("bureau", "operator", "developer"):
        with platform.uow(write=True) as uow:
            agreements.sign(uow, demo_actor(platform, party), agreement.number)
    echo(f"授权协议 {agreement.number}：小微企业普惠信贷风控，三方签署生效 / agreement signed and in force")


def _traffic_application_in_review(platform: Platform, echo: Callable[[str], object]) -> None:
    content = _scenario(
        platform,
        "城市交通拥堵治理",
        "分析公交客流与机动车保有量的时空分布，优化线路和信号配时。",
        "交通运输",
        "public_governance",
        {"公交刷卡客流统计": ["日期", "线路编号", "时段", "刷卡人次"], "机动车登记信息": ["车辆类型", "初次登记日期"]},
        730,
    )
    dev, bureau = demo_actor(platform, "developer"), demo_actor(platform, "bureau")
    with platform.uow(write=True) as uow:
        number = applications.create_draft(uow, dev, content).number
    with platform.uow(write=True) as uow:
        applications.submit(uow, dev, number)
    with platform.uow(write=True) as uow:
        applications.first_instance(uow, bureau, number, decision="approve", comment="公共治理用途，转部门审核")
    echo(f"授权申请 {number}：城市交通拥堵治理，待交通运输局、交警支队审核 / application awaiting provider review")
