"""Rule: an identifier item is never compared to a literal (`id = '1101…'`, `id LIKE '11%'`, `substr(id,1,6) IN
(…)`, `starts_with(id, …)`, regexps, `NULLIF(id, '…')`, `CASE id WHEN '…'`, `GREATEST(id, '…')`, a function, cast or
arithmetic of it compared to a number): identifiers may only be matched to identifiers, as in a join."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.functions import _classes
from gongshu.sandbox.sql.lineage import own_nodes
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

_COMPARISONS: tuple[type[exp.Expr], ...] = (
    exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.ILike,
    exp.SimilarTo, exp.Glob, exp.In, exp.Between, exp.RegexpLike, exp.RegexpILike, exp.RegexpFullMatch,
    exp.RegexpExtract, exp.RegexpReplace, exp.StartsWith, exp.EndsWith, exp.Contains, exp.StrPosition, exp.Replace,
    exp.Levenshtein, exp.JarowinklerSimilarity, exp.Translate, exp.Anonymous, exp.Nullif, exp.Greatest, exp.Least,
    *_classes("ArrayContains", "ArrayContainsAll", "ArrayOverlaps", "ArrayPosition", "Any", "All"),
)  # fmt: skip
_SMALL = 100  # integer literals below this (substr positions, lengths) are not values of an identifier


def identifier_literals(q: Query) -> Finding:
    for scope in q.scopes():
        for node in own_nodes(scope.expression):
            if isinstance(node, _COMPARISONS):
                _check(
                    q, node, scope, [c for c in node.iter_expressions() if not isinstance(c, exp.DataType | exp.Var)]
                )
            elif isinstance(node, exp.Case) and node.this is not None:  # CASE id WHEN '…': id = '…' per branch
                _check(q, node, scope, [node.this, *(i.this for i in node.args.get("ifs") or [])])
    return passed(
        "identifier-literal",
        "标识类信息项没有与常量比较（没有按身份证号等挑出个人）",
        "no identifier item is compared to a literal (nobody is singled out by ID number)",
    )


def _check(q: Query, node: exp.Expr, scope: Scope, operands: list[exp.Expr]) -> None:
    marked = [any(q.is_identifier(i) for i in q.flow(o, scope).raw) for o in operands]
    if not any(marked):
        return
    if all(marked) and not any(_has_value_literal(o) for o in operands):
        return
    refuse(
        q,
        "identifier-literal",
        "标识类信息项（身份证号、手机号等）不能与常量比较，只能与其他表的标识列连接",
        "identifier items (ID numbers, phone numbers …) cannot be compared to literals, only joined to identifiers",
        node,
    )


def _has_value_literal(node: exp.Expr) -> bool:
    literals = node.find_all(exp.Literal)
    return any(lit.is_string or not lit.this.isdigit() or int(lit.this) >= _SMALL for lit in literals)
