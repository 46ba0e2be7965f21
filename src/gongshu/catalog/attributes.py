"""Catalog vocabularies: 共享属性, 开放属性, 更新周期, 领域分类 — values stored, labels shown."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class ShareAttr(StrEnum):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NONE = "none"

    @property
    def zh(self) -> str:
        return {"unconditional": "无条件共享", "conditional": "有条件共享", "none": "不予共享"}[self.value]


class OpenAttr(StrEnum):
    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NONE = "none"

    @property
    def zh(self) -> str:
        return {"unconditional": "无条件开放", "conditional": "有条件开放", "none": "不予开放"}[self.value]


class UpdateCycle(StrEnum):
    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    IRREGULAR = "irregular"

    @property
    def zh(self) -> str:
        return CYCLE_ZH[self]

    @property
    def period(self) -> timedelta | None:
        """How long after the last version the resource counts as overdue (None: never)."""
        return CYCLE_PERIOD.get(self)


CYCLE_ZH = {
    UpdateCycle.REALTIME: "实时",
    UpdateCycle.DAILY: "每日",
    UpdateCycle.WEEKLY: "每周",
    UpdateCycle.MONTHLY: "每月",
    UpdateCycle.QUARTERLY: "每季度",
    UpdateCycle.HALF_YEARLY: "每半年",
    UpdateCycle.YEARLY: "每年",
    UpdateCycle.IRREGULAR: "不定期",
}
# Grace is included: a daily resource is overdue after 2 days, a monthly one after 35, and so on.
CYCLE_PERIOD = {
    UpdateCycle.REALTIME: timedelta(days=1),
    UpdateCycle.DAILY: timedelta(days=2),
    UpdateCycle.WEEKLY: timedelta(days=9),
    UpdateCycle.MONTHLY: timedelta(days=35),
    UpdateCycle.QUARTERLY: timedelta(days=100),
    UpdateCycle.HALF_YEARLY: timedelta(days=190),
    UpdateCycle.YEARLY: timedelta(days=380),
}

# 领域分类, after the domain lists of Chinese public data catalogs (开放目录主题分类).
DOMAINS = (
    "市场监管",
    "信用服务",
    "社保就业",
    "医疗卫生",
    "公共安全",
    "道路交通",
    "生态环境",
    "城建住房",
    "教育文化",
    "科技创新",
    "资源能源",
    "工业农业",
    "商贸流通",
    "财税金融",
    "安全生产",
    "社会救助",
    "法律服务",
    "生活服务",
    "气象服务",
    "地理空间",
    "机构团体",
    "其他",
)

FORMATS = ("csv", "xlsx", "parquet", "jsonl", "database")


# 分类分级 per GB/T 43697-2024, lowest first: 一般数据 1–4 级, 重要数据, 核心数据.
GRADES = ("general-1", "general-2", "general-3", "general-4", "important", "core")
GRADE_ZH = {
    "general-1": "一般数据1级",
    "general-2": "一般数据2级",
    "general-3": "一般数据3级",
    "general-4": "一般数据4级",
    "important": "重要数据",
    "core": "核心数据",
}
PROTECTED_FROM = "general-3"  # from this grade up, a column is never shown raw outside its provider


def grade_rank(grade: str) -> int:
    return GRADES.index(grade)


def is_protected(grade: str, personal: bool) -> bool:
    """True when a column must be desensitized before anyone but its provider sees it."""
    return personal or grade_rank(grade) >= grade_rank(PROTECTED_FROM)
