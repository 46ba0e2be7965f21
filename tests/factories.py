"""Keyword-only factories with sensible defaults for tests."""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

from gongshu.catalog import services as catalog
from gongshu.catalog.models import Resource
from gongshu.identity import SYSTEM, Actor
from gongshu.identity import services as identity
from gongshu.platform import Platform

PASSWORD = "Secret-pass-2026"


def make_org(
    platform: Platform, *, code: str = "SCJGJ", name: str = "示例市市场监督管理局", kind: str = "provider"
) -> str:
    with platform.uow(write=True) as uow:
        identity.create_org(uow, SYSTEM, code=code, name=name, kind=kind)
    return code


def make_user(
    platform: Platform,
    *,
    username: str = "scjgj",
    org: str = "SCJGJ",
    kind: str = "provider",
    org_name: str | None = None,
    admin: bool = False,
    password: str = PASSWORD,
) -> Actor:
    with platform.uow(write=True) as uow:
        if identity.find_org(uow, org) is None:
            identity.create_org(uow, SYSTEM, code=org, name=org_name or f"单位{org}", kind=kind)
    with platform.uow(write=True) as uow:
        user = identity.add_user(
            uow, SYSTEM, username=username, password=password, org_code=org, display_name=username, is_admin=admin
        )
        return identity.actor_for(user)


def write_csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


ENTERPRISES = [
    ["统一社会信用代码", "企业名称", "注册资本"],
    ["91350100M000100Y43", "示例市华兴科技有限公司", "100"],
    ["91110000600037341L", "示例市长江物流有限公司", "250"],
]


def make_resource(
    platform: Platform,
    actor: Actor,
    tmp: Path,
    *,
    title: str = "企业登记信息",
    rows: list[list[object]] | None = None,
    domain: str = "市场监管",
    open: str = "none",
    share: str = "conditional",
    cycle: str = "monthly",
    summary: str = "全市企业登记的基本信息",
    authoritative: tuple[str, ...] = (),
) -> Resource:
    path = write_csv(tmp / f"{title}.csv", rows or ENTERPRISES)
    meta = catalog.ResourceMeta(
        title=title,
        summary=summary,
        domain=domain,
        share=share,
        open=open,
        update_cycle=cycle,
        items={n: catalog.ItemMeta("", True) for n in authoritative},
    )
    with platform.uow(write=True) as uow:
        return catalog.publish_resource(uow, actor, meta, catalog.FileSource(path, path.name))


def bearer(platform: Platform, username: str, **user: object) -> dict[str, str]:
    """Make the user (and its org) if missing and return an Authorization header for it."""
    with platform.uow() as uow:
        exists = identity.find_user(uow, username) is not None
    if not exists:
        make_user(platform, username=username, **user)  # type: ignore[arg-type]
    with platform.uow() as uow:
        actor = identity.actor_for(identity.get_user(uow, username))
    with platform.uow(write=True) as uow:
        _, text = identity.create_token(uow, actor, username=username, name="test")
    return {"Authorization": f"Bearer {text}"}


SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "丽", "强"]
DISTRICTS = ["高新区", "金水区", "中原区", "二七区", "管城区"]


def resident_id(body: str) -> str:
    """``body`` (17 digits) plus its GB 11643 check character (stdnum's function takes all 18)."""
    from stdnum.cn.ric import calc_check_digit

    return body + calc_check_digit(body + "0")


def people_rows(n: int = 60) -> list[list[object]]:
    """Header plus ``n`` deterministic people with valid ID numbers and mobiles."""
    rows: list[list[object]] = [["姓名", "身份证号", "手机号", "住址", "出生日期", "年龄", "月收入", "区县"]]
    for i in range(n):
        year, month, day = 1960 + i % 40, 1 + i % 12, 1 + i % 28
        body = f"410102{year}{month:02d}{day:02d}{100 + i:03d}"[:17]
        district = DISTRICTS[i % len(DISTRICTS)]
        rows.append(
            [
                SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                resident_id(body),
                f"13{8 + i % 2}{10000000 + i * 7919:08d}"[:11],
                f"示例市{district}科技路{i + 1}号",
                f"{year}-{month:02d}-{day:02d}",
                2026 - year,
                3000 + (i * 137) % 9000,
                district,
            ]
        )
    return rows


def agreement_content() -> dict[str, Any]:
    """A complete agreement content dict (授权协议), as grants.agreements builds it."""
    return copy.deepcopy(AGREEMENT)


AGREEMENT: dict[str, Any] = {
    "number": "XY-2026-00001",
    "application": "SQ-2026-00001",
    "application_version": 2,
    "scenario": {
        "name": "小微企业普惠信贷风控",
        "description": "在可信环境中构建信用评估模型，原始数据不出域。",
        "domain": "普惠金融",
        "purpose": "industry",
    },
    "parties": {
        "bureau": {"code": "SJJ", "name": "示例市大数据局"},
        "operator": {"code": "SJJT", "name": "示例市数据集团有限公司"},
        "developer": {"code": "ZHJR", "name": "示例市智慧金融科技有限公司"},
    },
    "resources": [
        {
            "code": "SCJGJ-2026-00001",
            "title": "企业登记信息",
            "provider": {"code": "SCJGJ", "name": "示例市市场监督管理局"},
            "items": ["统一社会信用代码", "登记状态"],
            "version_policy": "latest",
        }
    ],
    "period": {"start": "2026-12-01", "end": "2027-11-30"},
    "output_kinds": ["aggregate_table", "model", "api_product"],
    "privacy": {"epsilon": 1.0, "min_cell_count": 10, "dominance": {"n": 2, "threshold": 0.9}, "dp": "optional"},
    "price": {"mode": "paid", "terms": "按调用计费，单价不高于 0.1 元/次", "fee_cap": "0.1 元/次"},
    "obligations": ["原始数据不出域", "成果经审核后方可使用", "不得识别特定自然人"],
    "renews": None,
    "issued_at": "2026-11-22T09:00:00Z",
}
