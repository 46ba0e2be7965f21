"""Organization kinds and user roles: the seven parties of public data development."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    BUREAU = "bureau"
    PROVIDER = "provider"
    OPERATOR = "operator"
    DEVELOPER = "developer"
    CONSUMER = "consumer"
    REGULATOR = "regulator"
    PUBLIC = "public"  # anonymous readers; no organization, no account

    @property
    def zh(self) -> str:
        return ROLE_ZH[self]


ROLE_ZH = {
    Role.BUREAU: "数据主管部门",
    Role.PROVIDER: "数据提供部门",
    Role.OPERATOR: "运营机构",
    Role.DEVELOPER: "开发利用者",
    Role.CONSUMER: "数据使用方",
    Role.REGULATOR: "监管部门",
    Role.PUBLIC: "社会公众",
}

ORG_KINDS = tuple(r for r in Role if r is not Role.PUBLIC)
