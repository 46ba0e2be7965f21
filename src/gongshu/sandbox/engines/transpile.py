"""DuckDB SQL → Spark SQL with sqlglot, plus what sqlglot leaves for us: top-n aggregates and views.

sqlglot's Spark generator turns QUALIFY into a subquery with a ``_w`` column; the policy never lets a star reach
the output, so that column is never seen (sqlglot's generators are compiled by sqlglotc and cannot be subclassed
to keep QUALIFY)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.dialects.spark import Spark
from sqlglot.errors import SqlglotError

from gongshu.sandbox.engines import messages

# Spark SQL functions that call Java methods: never reachable from a query.
REFUSED_FUNCTIONS = frozenset({"reflect", "java_method", "try_reflect"})


@dataclass(frozen=True)
class SparkQuery:
    """A query ready for Spark and the result column names DuckDB would give (None where unknown)."""

    sql: str
    names: list[str | None] | None  # None when the select list has a star


def to_spark(sql: str, views: Mapping[str, str]) -> SparkQuery:
    """Transpile one DuckDB SELECT to Spark SQL, reading ``views[table]`` for each granted table.

    Raises ``EngineError`` ("refused") for a table that is not granted, a table function, a CTE named
    like a granted table or a Java-calling function, and ("failed") for SQL sqlglot cannot parse.
    """
    tree = _parse(sql)
    _rename_tables(tree, views)
    _check_functions(tree)
    _top_n_aggregates(tree)
    _without_try(tree)
    return SparkQuery(sql=_generate(tree), names=output_names(tree))


def _generate(tree: exp.Query) -> str:
    """Spark SQL with every identifier back-quoted (Spark refuses unquoted Chinese names)."""
    try:
        return tree.sql(dialect=Spark, identify=True, unsupported_level=sqlglot.ErrorLevel.RAISE)
    except SqlglotError as e:
        raise messages.failed("sqlglot", str(e)) from None


def _parse(sql: str) -> exp.Query:
    try:
        trees = sqlglot.parse(sql, read="duckdb")
    except SqlglotError as e:
        raise messages.failed("sqlglot", str(e)) from None
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        raise messages.refused("only one SELECT statement may run / 只能执行一条 SELECT 语句")
    return trees[0]


def _rename_tables(tree: exp.Query, views: Mapping[str, str]) -> None:
    """Point each granted table at its view (keeping the table's name as alias); refuse every other source."""
    by_name = {name.casefold(): view for name, view in views.items()}
    ctes = {cte.alias.casefold() for cte in tree.find_all(exp.CTE)}
    if ctes & by_name.keys():
        raise messages.refused("a CTE named like a granted table / 与授权表同名的 CTE")
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            raise messages.refused("table functions / 表函数")
        if table.args.get("catalog") or table.db not in ("", "main"):
            raise messages.refused("qualified table names / 带库名或模式名的表")
        name = table.name.casefold()
        if name in ctes:
            continue
        if name not in by_name:
            raise messages.refused("a table that is not granted / 未授权的表")
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name, quoted=True)))
        table.set("this", exp.to_identifier(by_name[name], quoted=True))
        table.set("db", None)


def _check_functions(tree: exp.Query) -> None:
    for func in tree.find_all(exp.Anonymous):
        if str(func.this).casefold() in REFUSED_FUNCTIONS:
            raise messages.refused("Java reflection functions / Java 反射函数")


def _top_n_aggregates(tree: exp.Query) -> None:
    """DuckDB's ``max(x, n)`` / ``min(x, n)`` (a list of the n largest/smallest) → Spark array functions."""
    for node in list(tree.find_all(exp.Max, exp.Min)):
        count = node.args.get("count")
        if count is None:
            continue
        descending = exp.false() if isinstance(node, exp.Max) else exp.true()
        collected = exp.Anonymous(this="COLLECT_LIST", expressions=[node.this.copy()])
        ordered = exp.Anonymous(this="SORT_ARRAY", expressions=[collected, descending])
        node.replace(exp.Anonymous(this="SLICE", expressions=[ordered, exp.Literal.number(1), count.copy()]))


def _without_try(tree: exp.Query) -> None:
    """DuckDB's ``TRY(x)`` (the query's guard against errors steered by the data, ``sql.safe``) → ``x``: Spark has no
    TRY, and its sessions run without ANSI mode (``spark_settings``), where what TRY guards against gives NULL."""
    for node in reversed(list(tree.find_all(exp.Try))):
        node.replace(node.this)


def output_names(tree: exp.Query) -> list[str | None] | None:
    """The names DuckDB gives the result columns where the SQL fixes them: an alias or a column's name.

    Unaliased expressions give None (DuckDB names them by its own printing, e.g. ``count_star()``);
    a star gives None for the whole list, since the names depend on the tables.
    """
    names: list[str | None] = []
    for projection in tree.selects:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            return None
        if isinstance(projection, exp.Alias | exp.Column):
            names.append(projection.alias_or_name)
        else:
            names.append(None)
    return names
