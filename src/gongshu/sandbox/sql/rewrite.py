"""The query that actually runs: the developer's columns under their DuckDB names, then hidden columns
(``__n``; without DP ``__dmax_<i>``/``__dsum_<i>`` and the cell's key hash ``__h``, under DP
``__sum_<i>``/``__cnt_<i>``), granted names, DP clamping and one row per entity.

Under DP the dominance columns are left out: the dominance rule does not run (clamping bounds each person's
share instead), and its hidden columns would cost a top-n list per cell. An aggregate written twice (the AVG's
``__sum_<i>`` beside a SUM of the same item, ``__n`` beside ``COUNT(*)``) is computed once: DuckDB and Spark both
merge equal aggregates of one SELECT."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import CELL_HASH
from gongshu.sandbox.sql.entities import contributor_count, population_count
from gongshu.sandbox.sql.outputs import Output, value_arguments
from gongshu.sandbox.sql.query import DIALECT, Query
from gongshu.sandbox.sql.safe import make_safe

DOMINANCE_TOP = 2  # __dmax_<i> lists the 2 largest |x| of the cell (DuckDB's max(x, n)); ControlConfig.dominance_n ≤ 2


def rewrite(q: Query) -> str:
    """Rewrite ``q.qualified`` in place and return it as DuckDB SQL (run after every rule passed)."""
    tree = q.qualified
    hidden = [exp.alias_(population_count(q, q.entities), "__n", quoted=True)]
    for i, out in enumerate(q.outputs):
        hidden.extend(_clamp(q, i, out) if q.dp else _dominance(i, out))
        if out.column.contributors:
            counted = contributor_count(q, q.entities, value_arguments(out.bound))
            hidden.append(exp.alias_(counted, out.column.contributors, quoted=True))
    keys = [] if q.dp else _cell_keys(q)
    if keys:  # the query audit names each released cell by this hash
        hidden.append(exp.alias_(cell_hash(keys), CELL_HASH, quoted=True))
    _rename_outputs(q)
    tree.select(*hidden, append=True, copy=False)
    bind_tables(q)
    make_safe(tree)  # last: no value in the data can make the query raise
    return tree.sql(dialect=DIALECT, identify=True, comments=False)


def _cell_keys(q: Query) -> list[exp.Expr]:
    """The outer GROUP BY's key expressions (GROUP BY ALL: the non-aggregate outputs), copied; [] without one."""
    group = q.qualified.args.get("group")
    if not group:
        return []
    if group.args.get("all"):
        return [o.bound.unalias().copy() for o in q.outputs if o.column.role == "group"]
    return [k.copy() for k in group.expressions]


def cell_hash(keys: list[exp.Expr]) -> exp.Expr:
    """``md5(COALESCE(CAST(k1 AS VARCHAR), chr(0)) || chr(31) || …)``: one name per cell, the same on DuckDB and
    Spark (their own hash functions differ), so the audit's history survives a resource moving engines."""
    text: exp.Expr | None = None
    for k in keys:
        part = exp.Coalesce(this=exp.cast(k, exp.DataType.Type.VARCHAR), expressions=[_chr(0)])
        text = part if text is None else exp.DPipe(this=exp.DPipe(this=text, expression=_chr(31)), expression=part)
    assert text is not None
    return exp.MD5(this=text)


def cell_keys_of(node: exp.Expr) -> list[exp.Expr]:
    """The keys of a ``cell_hash`` expression, in order."""
    assert isinstance(node, exp.MD5)

    def parts(n: exp.Expr) -> list[exp.Expr]:
        return [*parts(n.this), *parts(n.expression)] if isinstance(n, exp.DPipe) else [n]

    return [p.this.this for p in parts(node.this) if isinstance(p, exp.Coalesce)]


def _chr(code: int) -> exp.Expr:
    return exp.Chr(expressions=[exp.Literal.number(code)])


def _dominance(i: int, out: Output) -> list[exp.Expr]:
    if out.column.aggregate not in ("sum", "avg") or out.aggregate is None:
        return []
    value = _argument(out.aggregate)
    top = exp.Max(this=exp.Abs(this=value.copy()), expressions=[exp.Literal.number(DOMINANCE_TOP)])
    total = exp.Sum(this=exp.Abs(this=value.copy()))
    return [exp.alias_(top, f"__dmax_{i}", quoted=True), exp.alias_(total, f"__dsum_{i}", quoted=True)]


def _clamp(q: Query, i: int, out: Output) -> list[exp.Expr]:
    """Under DP: SUM/AVG add up x clamped into [lo, hi]; AVG also gets its clamped sum and count."""
    if out.column.aggregate not in ("sum", "avg") or out.aggregate is None:
        return []
    value = _argument(out.aggregate)
    source = q.root.sources[value.table] if isinstance(value, exp.Column) else None
    spec = q.column(source.name, value.name) if isinstance(source, exp.Table) else None
    assert spec is not None and spec.bounds is not None  # dp-aggregates and dp-bounds passed
    clamped = clamp(value, *spec.bounds)
    counted = value.copy()
    value.replace(clamped.copy())
    if out.column.aggregate != "avg":
        return []
    return [
        exp.alias_(exp.Sum(this=clamped.copy()), f"__sum_{i}", quoted=True),
        exp.alias_(exp.Count(this=counted), f"__cnt_{i}", quoted=True),
    ]


def clamp(value: exp.Expr, lo: float, hi: float) -> exp.Expr:
    """``CASE WHEN x < lo THEN lo WHEN x > hi THEN hi ELSE x END``: NaN (above every number in DuckDB and Spark)
    becomes hi, NULL stays NULL (SUM and COUNT skip it). A SUM of it equals one of ``LEAST(GREATEST(x, lo), hi)``
    (which turns NULL into lo) but costs DuckDB about a quarter as much (measured at 1e7 rows: ~6 ms vs ~26 ms)."""
    low, high = exp.Literal.number(lo), exp.Literal.number(hi)
    return (
        exp.case()
        .when(exp.LT(this=value.copy(), expression=low), low.copy())
        .when(exp.GT(this=value.copy(), expression=high), high.copy())
        .else_(value.copy())
    )


def _argument(node: exp.Expr) -> exp.Expr:
    arg = node.this
    if isinstance(arg, exp.Distinct) and arg.expressions:
        return arg.expressions[0]
    return arg


def _rename_outputs(q: Query) -> None:
    """Alias each output column with the name reported for it, and follow ORDER BY / HAVING to the new alias."""
    renamed: dict[str, str] = {}
    for out, bound in zip(q.outputs, list(q.qualified.selects), strict=True):
        new = exp.alias_(bound.unalias().copy(), out.column.name, quoted=True)
        if isinstance(bound, exp.Alias):
            renamed[bound.alias] = out.column.name
        bound.replace(new)
    for key in ("order", "having", "qualify"):
        part = q.qualified.args.get(key)
        for col in list(part.find_all(exp.Column)) if part else []:
            if not col.table and col.name in renamed:
                col.set("this", exp.to_identifier(renamed[col.name], quoted=True))


def bind_tables(q: Query) -> None:
    """Name each base table as granted."""
    for scope in list(q.scopes()):
        for _alias, (_node, source) in scope.selected_sources.items():
            if isinstance(source, exp.Table):
                source.set("this", exp.to_identifier(q.spec(source.name).name, quoted=True))
