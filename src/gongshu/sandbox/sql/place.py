"""Where in the developer's SQL a node sits ("第1行第8列 / line 1, column 8: MIN(工资)") and refusals there."""

from __future__ import annotations

from typing import NoReturn

from sqlglot import exp

from gongshu.sandbox.errors import SqlRefused

_FRAGMENT = 80


def place_of(sql: str, node: exp.Expr | None) -> str:
    """The line, column and SQL text of ``node`` in ``sql`` (the text alone when sqlglot kept no position)."""
    if node is None:
        return ""
    starts = [n.meta["start"] for n in node.walk() if isinstance(n.meta.get("start"), int)]
    fragment = _as_written(node).sql(dialect="duckdb", comments=False)
    if len(fragment) > _FRAGMENT:
        fragment = fragment[: _FRAGMENT - 1] + "…"
    if not starts:
        return fragment
    start = min(starts)
    line = sql.count("\n", 0, start) + 1
    column = start - (sql.rfind("\n", 0, start) + 1) + 1
    return f"第{line}行第{column}列 / line {line}, column {column}: {fragment}"


def refuse(sql: str, rule: str, zh: str, en: str, node: exp.Expr | None = None) -> NoReturn:
    """Raise the refusal of ``rule`` at ``node``."""
    raise SqlRefused(rule, zh, en, place_of(sql, node))


def _as_written(node: exp.Expr) -> exp.Expr:
    """``node`` without the table qualifiers and aliases sqlglot's qualify added (they carry no position)."""

    def strip(n: exp.Expr) -> exp.Expr:
        if isinstance(n, exp.Column) and n.args.get("table") is not None and "start" not in n.args["table"].meta:
            n.set("table", None)
        return n

    return node.copy().transform(strip)
