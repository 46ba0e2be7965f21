"""Rule (DP only): every row of the outer query belongs to one person — two sources of persons are joined on
the person (a self-join on anything else, or a second resource joined by district or date, would let one
person's rows change other persons' rows: the tracker through a join)."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.bounding import persons
from gongshu.sandbox.sql.entities import same_value
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_RULE = "dp-person"


def dp_person(q: Query) -> Finding | None:
    if not q.dp:
        return None
    found = persons(q)
    groups = list(range(len(found)))  # union-find over the persons equated by a join condition

    def root(i: int) -> int:
        while groups[i] != i:
            i = groups[i]
        return i

    for eq in _equalities(q.qualified):
        sides = [i for i, e in enumerate(found) if any(same_value(side, e, q.root) for side in eq.iter_expressions())]
        for i in sides[1:]:
            groups[root(i)] = root(sides[0])
    if len({root(i) for i in range(len(found))}) > 1:
        refuse(
            q,
            _RULE,
            "差分隐私查询中，两个含个人的数据来源必须按个人标识连接（如 a.身份证号 = b.身份证号）；"
            "按其他列连接会让一个人的数据影响其他人的结果行",
            "under DP two sources of persons must be joined on the person identifier (e.g. a.身份证号 = b.身份证号); "
            "a join on anything else lets one person's data change other persons' rows",
            q.qualified.args.get("joins", [q.qualified])[0],
        )
    return passed(_RULE, "每一行只属于一个人", "every row belongs to one person")


def _equalities(tree: exp.Select) -> list[exp.EQ]:
    """The equalities of the outer query's join conditions and WHERE that must hold (AND-ed at the top)."""
    out: list[exp.EQ] = []
    conditions = [j.args.get("on") for j in tree.args.get("joins") or []]
    where = tree.args.get("where")
    conditions.append(where.this if where is not None else None)
    for cond in conditions:
        out.extend(_conjuncts(cond))
    return out


def _conjuncts(node: exp.Expr | None) -> list[exp.EQ]:
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node] if isinstance(node, exp.EQ) else []
