"""Output column names as DuckDB gives them: the alias, else the column's name in the table, else DuckDB's
text of a simple aggregate (``count_star()``, ``sum("工资")``); other expressions need an alias."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from gongshu.sandbox.sql.lineage import projection

if TYPE_CHECKING:
    from gongshu.sandbox.sql.query import Query

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # DuckDB prints other identifiers quoted
_NAMED = (exp.Count, exp.Sum, exp.Avg, exp.Min, exp.Max, exp.Median, exp.Stddev)


def duckdb_name(q: Query, written: exp.Expr, bound: exp.Expr, scope: Scope) -> str | None:
    """The name DuckDB returns for the select expression ``written`` (as the developer wrote it), or None
    when it is not a form we can name exactly (the developer must then give an alias). ``bound`` is the same
    expression in the qualified tree, whose columns name their source in ``scope``."""
    if isinstance(written, exp.Alias):
        return written.alias
    if isinstance(written, exp.Column) and not isinstance(written.this, exp.Star):
        return _bound_name(q, bound.unalias(), scope) or written.name
    if isinstance(written, exp.Count) and isinstance(written.this, exp.Star):
        return "count_star()"
    if type(written) in _NAMED:
        arg = written.this
        distinct = isinstance(arg, exp.Distinct)
        if distinct and len(arg.expressions) == 1:
            arg = arg.expressions[0]
        text = _column_text(arg)
        if text is not None and not written.expressions:
            return f"{_sql_name(written)}({'DISTINCT ' if distinct else ''}{text})"
    return None


def _bound_name(q: Query, col: exp.Expr, scope: Scope) -> str | None:
    """A bare column's name as its source spells it (DuckDB returns the table's spelling, not the query's)."""
    if not isinstance(col, exp.Column):
        return None
    source = scope.sources.get(col.table)
    if isinstance(source, exp.Table):
        spec_col = q.column(source.name, col.name)
        return spec_col.name if spec_col is not None else None
    if isinstance(source, Scope) and (target := projection(source, col.name)) is not None:
        return _bound_name(q, target.unalias(), source)
    return None


def _sql_name(node: exp.Expr) -> str:
    assert isinstance(node, exp.Func)
    return node.sql_name().lower()


def _column_text(node: exp.Expr) -> str | None:
    if not isinstance(node, exp.Column) or isinstance(node.this, exp.Star):
        return None
    parts = [p.name for p in node.parts]
    if any('"' in p for p in parts):
        return None
    return ".".join(p if _PLAIN.match(p) else f'"{p}"' for p in parts)
