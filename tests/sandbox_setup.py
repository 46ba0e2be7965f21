"""A sandbox world for adapter tests: a developer with an agreement in force over a graded resource."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from factories import make_resource, make_user, resident_id
from gongshu.catalog import classification, quality
from gongshu.catalog import services as catalog
from gongshu.grants import agreements, applications
from gongshu.grants.agreements import Terms
from gongshu.grants.models import Review
from gongshu.identity import Actor
from gongshu.platform import Platform

TITLE = "居民收入抽样信息"  # also the table's SQL name
DISTRICTS = ["高新区", "金水区", "中原区", "二七区", "管城区"]
INDUSTRIES = ["制造业", "服务业"]
ITEMS = ["身份证号", "区县", "行业", "月收入"]
GRADES = {  # item: (grade, personal)
    "身份证号": ("general-4", True),
    "区县": ("general-1", False),
    "行业": ("general-1", False),
    "月收入": ("general-3", True),
}
INCOME_RANGE = (0, 50_000)
USERS = {  # username: (organization, kind, organization name)
    "sjj": ("SJJ", "bureau", "示例市大数据局"),
    "yunying1": ("SJJT", "operator", "示例市数据集团有限公司"),
    "yunying2": ("SJJT", "operator", "示例市数据集团有限公司"),
    "kfz": ("ZHJR", "developer", "示例市智慧金融科技有限公司"),
    "kfz2": ("ZHJR", "developer", "示例市智慧金融科技有限公司"),
    "other": ("XYPJ", "developer", "示例市信用评价有限公司"),
    "rsj": ("RSJ", "provider", "示例市人力资源和社会保障局"),
    "scjgj": ("SCJGJ", "provider", "示例市市场监督管理局"),
    "jrj": ("JRJ", "regulator", "示例市地方金融管理局"),
}


@dataclass(frozen=True)
class Sandbox:
    """What a test needs to name: the agreement, the resource and its table, and who is who."""

    agreement: str
    resource: str
    table: str = TITLE
    developer: str = "kfz"  # submits jobs
    colleague: str = "kfz2"  # same organization as the developer
    outsider: str = "other"  # another developer organization
    operators: tuple[str, str] = ("yunying1", "yunying2")  # the agreement's operator organization
    provider: str = "rsj"  # provides the resource
    stranger: str = "scjgj"  # a provider not concerned
    bureau: str = "sjj"
    regulator: str = "jrj"


def income_rows(n: int = 200) -> list[list[object]]:
    """Header plus ``n`` people: valid ID numbers, 5 districts × 2 industries, incomes within the declared range."""
    rows: list[list[object]] = [ITEMS]
    for i in range(n):
        body = f"410102{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"[:17]
        rows.append([resident_id(body), DISTRICTS[i % 5], INDUSTRIES[(i // 5) % 2], 3000 + (i * 137) % 9000])
    return rows


def _confirm(platform: Platform, provider: Actor, code: str) -> None:
    with platform.uow(write=True) as uow:
        res = catalog.get_resource(uow, provider, code)
        for column, (grade, personal) in GRADES.items():
            classification.confirm_grade(
                uow, provider, res, column=column, grade=grade, personal=personal, reason="测试：按数据分级目录确认"
            )
    rule = {"kind": "range", "params": {"column": "月收入", "min": INCOME_RANGE[0], "max": INCOME_RANGE[1]}}
    with platform.uow(write=True) as uow:
        res = catalog.get_resource(uow, provider, code)
        quality.set_rules(uow, provider, res, [rule], catalog.current_version(uow, provider, code))


def _approved_application(
    platform: Platform,
    actors: dict[str, Actor],
    code: str,
    *,
    items: list[str] | None = None,
    scenario: str = "各区县居民收入结构分析",
    description: str = "在可信环境中统计各区县、各行业的居民收入结构，原始数据不出域，仅导出经审核的统计结果",
    domain: str = "城市治理",
) -> str:
    """An application for ``items`` of resource ``code`` through the bureau's and the provider's reviews."""
    content = {
        "scenario": scenario,
        "description": description,
        "domain": domain,
        "purpose": "industry",
        "resources": [{"code": code, "items": items or ITEMS}],
        "start": "2026-11-22",
        "end": "2027-11-21",
        "output_kinds": ["aggregate_table", "model"],
        "security_measures": "在可信环境内加工，仅导出经审核的统计结果；专人专岗，操作全程留痕",
    }
    with platform.uow(write=True) as uow:
        number = applications.create_draft(uow, actors["kfz"], content).number
    with platform.uow(write=True) as uow:
        applications.submit(uow, actors["kfz"], number)
    with platform.uow(write=True) as uow:
        applications.first_instance(uow, actors["sjj"], number, decision="approve")
    with platform.uow(write=True) as uow:
        part = uow.session.query(Review).filter(Review.stage == "provider").one()
        applications.review_part(uow, actors["rsj"], part.id, decision="approved")
    return number


def build_sandbox(
    platform: Platform,
    tmp: Path,
    *,
    rows: int = 200,
    data: list[list[object]] | None = None,
    min_cell_count: int = 10,
    epsilon: float = 1.0,
    auto_release_dp: bool = False,
    personal_without_dp: bool = True,
) -> Sandbox:
    """Organizations and users, a graded resource with a declared income range (``data``, by default
    ``income_rows(rows)``), and an agreement for all four items signed by the bureau, the operator and
    the developer (in force from today). The income table is about persons: by default the agreement carries the
    explicit term ``personal_without_dp`` so that the tests of flows, cell counts and the query audit can release
    without DP; ``personal_without_dp=False`` gives the product's default (person-level DP only)."""
    actors = {
        name: make_user(platform, username=name, org=org, kind=kind, org_name=org_name, admin=kind == "bureau")
        for name, (org, kind, org_name) in USERS.items()
    }
    res = make_resource(platform, actors["rsj"], tmp, title=TITLE, rows=data or income_rows(rows), domain="社保就业")
    _confirm(platform, actors["rsj"], res.code)
    number = _approved_application(platform, actors, res.code)
    terms = Terms(
        operator="SJJT",
        epsilon=epsilon,
        min_cell_count=min_cell_count,
        price_terms="按次计费",
        auto_release_dp=auto_release_dp,
        personal_without_dp=personal_without_dp,
    )
    with platform.uow(write=True) as uow:
        agreement = agreements.make_agreement(uow, actors["sjj"], number, terms).number
    for party in ("sjj", "yunying1", "kfz"):
        with platform.uow(write=True) as uow:
            agreements.sign(uow, actors[party], agreement)
    return Sandbox(agreement=agreement, resource=res.code)


def dominated_rows() -> list[list[object]]:
    """``income_rows()`` plus a sixth district, 新区, whose two top earners hold nearly all of its income:
    12 people, two at the top of the declared range and ten at 100 a month (the dominance rule's case)."""
    rows = income_rows()
    for i in range(12):
        body = f"4101022000{1 + i % 12:02d}{1 + i:02d}{900 + i:03d}"[:17]
        rows.append([resident_id(body), "新区", INDUSTRIES[i % 2], INCOME_RANGE[1] if i < 2 else 100])
    return rows
