"""Helpers every rule uses: the passed finding and the refusal at a node."""

from __future__ import annotations

from typing import NoReturn

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.place import refuse as _refuse
from gongshu.sandbox.sql.query import Query


def passed(rule: str, zh: str, en: str) -> Finding:
    return Finding(rule=rule, passed=True, zh=zh, en=en)


def refuse(q: Query, rule: str, zh: str, en: str, node: exp.Expr | None = None) -> NoReturn:
    _refuse(q.sql, rule, zh, en, node)
