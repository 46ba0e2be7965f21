"""What the DP rules share: the base item a SUM/AVG output adds up."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import ColumnSpec
from gongshu.sandbox.sql.outputs import Output
from gongshu.sandbox.sql.query import Query


def summed_item(q: Query, out: Output) -> tuple[exp.Column, ColumnSpec] | None:
    """The bare granted column a SUM/AVG output adds up, with its spec; None if it is not a bare column."""
    arg = out.aggregate.this if out.aggregate is not None else None
    if not isinstance(arg, exp.Column):
        return None
    source = q.root.sources.get(arg.table)
    if not isinstance(source, exp.Table):
        return None
    spec = q.column(source.name, arg.name)
    return (arg, spec) if spec is not None else None
