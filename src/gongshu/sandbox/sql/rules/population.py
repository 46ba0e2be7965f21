"""Rule: the persons/entities behind each output row can be counted (``__n``), through derived tables too."""

from __future__ import annotations

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.entities import Propagation
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed


def population(q: Query) -> Finding:
    q.entities = Propagation(q).values(q.root)
    return passed("population", "可以统计每行涉及的个体数", "the persons/entities behind each row can be counted")
