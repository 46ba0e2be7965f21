"""Vocabularies of authorized operation: scenario domains, purposes, output kinds."""

from __future__ import annotations

# 场景领域 and the industry regulator that is consulted for it (None: no industry regulator).
SCENARIO_DOMAINS: dict[str, str | None] = {
    "金融服务": "金融监管部门",
    "普惠金融": "金融监管部门",
    "医疗健康": "卫生健康主管部门",
    "交通运输": "交通运输主管部门",
    "城市治理": None,
    "企业服务": None,
    "社会保障": "人力资源社会保障部门",
    "生态环境": "生态环境主管部门",
    "文化旅游": None,
    "教育科研": "教育主管部门",
    "商贸流通": "市场监管部门",
    "农业农村": None,
    "公共安全": "公安机关",
}

# 用途: 公共治理/公益事业 are used free of charge; 产业发展/行业发展 pay.
PURPOSES: dict[str, tuple[str, str, bool]] = {  # value: (zh, en, free)
    "public_governance": ("公共治理", "public governance", True),
    "public_welfare": ("公益事业", "public welfare", True),
    "industry": ("产业发展", "industrial development", False),
    "sector": ("行业发展", "sector development", False),
}

OUTPUT_KINDS: dict[str, tuple[str, str]] = {
    "aggregate_table": ("统计汇总表", "aggregate tables"),
    "model": ("模型", "models"),
    "api_product": ("数据接口产品", "API products"),
    "report": ("分析报告", "reports"),
}


def is_free(purpose: str) -> bool:
    return PURPOSES[purpose][2]
