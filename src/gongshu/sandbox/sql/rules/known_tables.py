"""Rule: FROM and JOIN read only granted tables (or the query's own CTEs and subqueries): no table functions,
file paths, other schemas or catalogs, system tables, VALUES, UNNEST, LATERAL, PIVOT or sampling."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse


def known_tables(q: Query) -> Finding:
    tree = q.statements[0]
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.From, exp.Join):
        _check_source(q, node.this, ctes)
    for table in tree.find_all(exp.Table):
        _check_source(q, table, ctes)
    names = "、".join(sorted(spec.name for spec in q.tables.values()))
    return passed("known-tables", f"只读取授权的表：{names}", f"reads only granted tables: {names}")


def _check_source(q: Query, source: exp.Expr, ctes: set[str]) -> None:
    if isinstance(source, exp.Subquery):
        return
    if not isinstance(source, exp.Table) or not isinstance(source.this, exp.Identifier):
        refuse(
            q,
            "known-tables",
            "FROM/JOIN 只能是授权的表或子查询；不允许表函数、文件、VALUES、UNNEST、LATERAL",
            "FROM/JOIN may name only granted tables or subqueries; no table functions, files, VALUES, UNNEST, LATERAL",
            source,
        )
    if source.args.get("db") or source.args.get("catalog"):
        refuse(
            q,
            "known-tables",
            "不允许引用其他模式或数据库中的表",
            "tables of other schemas or databases are not allowed",
            source,
        )
    if source.args.get("pivots") or source.args.get("sample") or source.args.get("joins"):
        refuse(
            q,
            "known-tables",
            "不支持 PIVOT、UNPIVOT 和 TABLESAMPLE",
            "PIVOT, UNPIVOT and TABLESAMPLE are not supported",
            source,
        )
    name = source.name
    if name.lower() not in q.tables and name.lower() not in ctes:
        refuse(
            q,
            "known-tables",
            f"表 {name} 不在授权范围内；只能查询协议授予的表",
            f"table {name} is not granted; query only the tables of the agreement",
            source,
        )
