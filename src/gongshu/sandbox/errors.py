"""Sandbox errors: a refused query or program, a run that broke a limit, a budget that is spent."""

from __future__ import annotations

from gongshu.errors import Conflict, GongshuError, Invalid, NotFound


class SqlRefused(Invalid):
    """The SQL policy refused a query before anything ran; names the rule and the place."""

    code = "sql_refused"

    def __init__(self, rule: str, zh: str, en: str, place: str = "") -> None:
        where_zh = f"（位置：{place}）" if place else ""
        where_en = f" (at {place})" if place else ""
        super().__init__(
            f"查询被拒绝［{rule}］：{zh}{where_zh}", f"query refused [{rule}]: {en}{where_en}", rule=rule, place=place
        )
        self.rule = rule
        self.place = place


class EngineError(GongshuError):
    """The engine stopped a query: a limit (time, memory, rows) or a refused operation."""

    code = "engine_error"

    def __init__(self, kind: str, zh: str, en: str) -> None:
        super().__init__(zh, en, kind=kind)
        self.kind = kind  # "timeout" | "memory" | "refused" | "failed"


class IsolationError(GongshuError):
    """A Python job broke a limit or the isolation (network, files, processes, memory, time)."""

    code = "isolation_error"

    def __init__(self, kind: str, zh: str, en: str) -> None:
        super().__init__(zh, en, kind=kind)
        self.kind = kind


class StaleAudit(Exception):
    """Another result was released under the agreement after this one was audited: audit it again."""


class BudgetExhausted(Conflict):
    code = "budget_exhausted"

    def __init__(self, agreement: str, asked: float, left: float) -> None:
        super().__init__(
            f"协议 {agreement} 的隐私预算不足：本次需 ε={asked:g}，剩余 ε={left:g}",
            f"agreement {agreement} has not enough privacy budget: this query needs ε={asked:g}, ε={left:g} is left",
            agreement=agreement,
            asked=asked,
            left=left,
        )


class JobNotFound(NotFound):
    def __init__(self, number: str) -> None:
        super().__init__(f"未找到作业 {number}", f"job {number} not found", number=number)
