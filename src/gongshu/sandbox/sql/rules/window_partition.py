"""Rule: every window is partitioned by the entity (person) of its rows, so it only ever sees one person's rows.

A window across persons mixes other persons' values into each row: in a derived table that does not aggregate,
``SUM(月收入) OVER (PARTITION BY 区县) AS w`` puts the income total of 新区 (one person) on that person's row,
and the outer ``WHERE w > 12000`` (or ``GROUP BY w > 12000``) then keeps that row or not: one bit about a small
group per query, which the minimum cell count (it counts the rows kept) and the differencing control (it reads
the outer WHERE) do not see. A rank or a running value (``RANK() OVER (ORDER BY 月收入)``, ``NTILE``, ``LAG``)
places each row among other persons' values in the same way. So every window function, in every scope, has in
its PARTITION BY (its own or a named window's) the entity column of each table with an entity among the scope's
sources: the column itself, or a derived-table or CTE column that is exactly that column, followed through the
derived tables (an expression of it, a prefix say, does not count). A scope reading no table with an entity
cannot use windows. This holds under DP as well."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.lineage import own_nodes, projection
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "window-partition"
Path = tuple[str, ...]  # source aliases from a scope down to one table with an entity, ending with the entity


def window_partition(q: Query) -> Finding:
    for scope in q.scopes():
        windows = [n for n in own_nodes(scope.expression) if isinstance(n, exp.Window) and n.arg_key != "windows"]
        if not windows:
            continue
        needed = _entities(q, scope)
        for window in windows:
            keys = {path for key in _partition(window, scope) if (path := _entity(q, key, scope)) is not None}
            missing = sorted(needed - keys)
            if not needed or missing:
                _refuse(q, window, [p[-2] + "." + p[-1] for p in missing])
    return passed(
        _RULE,
        "每个窗口函数都按个体标识分区，只看到同一个人的行",
        "every window is partitioned by the entity, so it sees one person's rows only",
    )


def _refuse(q: Query, window: exp.Window, missing: list[str]) -> None:
    if missing:
        what_zh = f"请在 PARTITION BY 中加入个体标识 {'、'.join(missing)}"
        what_en = f"add the entity {', '.join(missing)} to its PARTITION BY"
    else:
        what_zh = "它读取的表都没有个体标识列，不能使用窗口函数"
        what_en = "none of the tables it reads has an entity column, so no window can be used there"
    refuse(
        q,
        _RULE,
        "窗口函数必须按个体标识分区，让每个窗口只看到同一个人的行：跨人的窗口（按区县分区、全表排名、LAG 等）"
        f"把其他人的值带进每一行，再用作筛选条件或分组键，就泄露一个小群体的信息；{what_zh}",
        "a window must be partitioned by the entity, so that it sees one person's rows only: a window across "
        "persons (partitioned by district, a rank over the table, LAG …) carries other persons' values into each "
        f"row, and used as a filter or a group key it leaks a small group's values; {what_en}",
        window,
    )


def _partition(window: exp.Window, scope: Scope) -> list[exp.Expr]:
    """The PARTITION BY keys of ``window``, with those of the named windows it builds on."""
    keys: list[exp.Expr] = list(window.args.get("partition_by") or [])
    named = {w.name.lower(): w for w in scope.expression.args.get("windows") or [] if isinstance(w, exp.Window)}
    seen: set[str] = set()
    base = window.args.get("alias")
    while isinstance(base, exp.Identifier) and base.name.lower() in named and base.name.lower() not in seen:
        seen.add(base.name.lower())
        definition = named[base.name.lower()]
        keys.extend(definition.args.get("partition_by") or [])
        base = definition.args.get("alias")
    return keys


def _entities(q: Query, scope: Scope) -> set[Path]:
    """The entity of each table with one among the scope's row sources, through derived tables and CTEs."""
    out: set[Path] = set()
    for alias, (_node, source) in scope.selected_sources.items():
        if isinstance(source, exp.Table):
            entity = q.spec(source.name).entity
            if entity:
                out.add((alias, source.name, entity))
        elif isinstance(source, Scope):
            out.update((alias, *path) for path in _entities(q, source))
    return out


def _entity(q: Query, key: exp.Expr, scope: Scope) -> Path | None:
    """The entity ``key`` is exactly (a column, through derived-table columns), or None."""
    while isinstance(key, exp.Paren):
        key = key.this
    if not isinstance(key, exp.Column) or not key.table:
        return None
    source = scope.sources.get(key.table)
    if isinstance(source, exp.Table):
        entity = q.spec(source.name).entity
        return (key.table, source.name, entity) if entity and entity.lower() == key.name.lower() else None
    if isinstance(source, Scope) and (target := projection(source, key.name)) is not None:
        inner = _entity(q, target.unalias(), source)
        return (key.table, *inner) if inner is not None else None
    return None
