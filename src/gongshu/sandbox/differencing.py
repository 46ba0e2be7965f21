"""Differencing control (差分攻击防护): a query whose population (its rows after FROM, joins and WHERE)
differs from an earlier query's over the same source by fewer than the minimum cell count would reveal
those few persons by subtraction, so it is refused; so is one that overlaps an earlier population in fewer
than the minimum (the pair a general tracker needs: q(A∩B) = q(A) + q(B) − q(A∪B)), and a population (or
its complement) smaller than the minimum. Queries under differential privacy are exempt: their noise covers
such combinations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.safe import make_safe

RULE = "differencing"


@dataclass(frozen=True)
class Population:
    source: str  # WITH + FROM + joins, normalized
    where: str  # the WHERE condition, "" for every row


def _select(sql: str) -> exp.Select | None:
    tree = sqlglot.parse_one(sql, read="duckdb")
    return tree if isinstance(tree, exp.Select) and tree.args.get("from_") is not None else None


def population_of(sql: str) -> Population | None:
    """The population of a single SELECT; None for set operations (not compared)."""
    tree = _select(sql)
    if tree is None:
        return None
    parts = [tree.args["with_"].sql("duckdb")] if tree.args.get("with_") else []
    parts += [tree.args["from_"].sql("duckdb"), *(j.sql("duckdb") for j in tree.args.get("joins") or [])]
    where = tree.args.get("where")
    return Population(" ".join(parts), where.this.sql("duckdb") if where else "")


def _cond(where: str) -> str:
    return f"COALESCE(({where}), FALSE)" if where else "TRUE"


def counting_sql(sql: str, new: Population, earlier: Sequence[str]) -> str:
    """One scan over the query's source: rows in its population, all rows, and the symmetric difference
    and the intersection with each earlier population."""
    tree = _select(sql)
    assert tree is not None
    tree = tree.copy()
    for key in ("where", "group", "having", "qualify", "order", "limit", "offset", "distinct"):
        tree.set(key, None)
    cols = [f"COUNT(*) FILTER (WHERE {_cond(new.where)}) AS n_pop", "COUNT(*) AS n_all"]
    cols += [f"COUNT(*) FILTER (WHERE {_cond(new.where)} <> {_cond(w)}) AS d{i}" for i, w in enumerate(earlier)]
    cols += [f"COUNT(*) FILTER (WHERE {_cond(new.where)} AND {_cond(w)}) AS i{i}" for i, w in enumerate(earlier)]
    tree.set("expressions", [sqlglot.parse_one(c, read="duckdb") for c in cols])
    return make_safe(tree).sql("duckdb")


def judge(counts: Sequence[int], earlier: Sequence[str], min_cell: int) -> Finding:
    """Read the counts of ``counting_sql``: refuse tiny populations, tiny complements, tiny differences
    and tiny overlaps with an earlier population."""
    n_pop, n_all, *pairs = counts
    diffs, overlaps = pairs[: len(earlier)], pairs[len(earlier) :]
    if 0 < n_pop < min_cell:
        return _refuse(
            f"查询总体仅 {n_pop} 行，少于最小单元格 {min_cell}",
            f"the query's population has {n_pop} rows, under the minimum {min_cell}",
        )
    if 0 < n_all - n_pop < min_cell:
        return _refuse(
            f"查询总体的补集仅 {n_all - n_pop} 行（与全体相减即可得到），少于 {min_cell}",
            f"the population's complement has {n_all - n_pop} rows (all rows minus it), under {min_cell}",
        )
    for d, where in zip(diffs, earlier, strict=True):
        if 0 < d < min_cell:
            return _refuse(
                f"与此前条件为「{where or '全部'}」的查询相比，总体只差 {d} 行，相减即可识别个体",
                f"its population differs from an earlier query's (WHERE {where or 'all'}) by {d} rows: "
                "subtraction would single them out",
            )
    for n, where in zip(overlaps, earlier, strict=True):
        if 0 < n < min_cell:  # q(A∩B) = q(A) + q(B) − q(A∪B): the general tracker's pair
            return _refuse(
                f"与此前条件为「{where or '全部'}」的查询相比，两个总体只重叠 {n} 行，组合查询即可识别个体（追踪攻击）",
                f"its population overlaps an earlier query's (WHERE {where or 'all'}) in only {n} rows: "
                "combining the queries would single them out (tracker)",
            )
    return Finding(
        RULE,
        True,
        f"与 {len(earlier)} 个此前查询比较，无差分风险",
        f"compared with {len(earlier)} earlier queries: no differencing pair",
    )


def _refuse(zh: str, en: str) -> Finding:
    return widen_or_dp(RULE, zh, en)


def widen_or_dp(rule: str, zh: str, en: str) -> Finding:
    """A refusal of a result that could be combined with earlier ones, saying what to do instead."""
    return Finding(
        rule,
        False,
        zh + "；请扩大查询范围，或改用差分隐私查询",
        en + "; widen the query or use a differentially private query",
    )
