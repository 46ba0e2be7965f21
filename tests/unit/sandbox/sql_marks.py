"""Refused SQL cases written with « » around the node the refusal must point at."""

from __future__ import annotations

import re

import pytest
from test_sql_policy import LIMITS, TABLES

from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.sql import analyze

_PLACE = re.compile(r"第(\d+)行第(\d+)列 / line \1, column \2: ")


def marked(sql: str) -> tuple[str, int, int]:
    """The SQL without its « » marks, and the span (start, end) of the marked node in it."""
    start = sql.index("«")
    end = sql.index("»") - 1
    return sql.replace("«", "").replace("»", ""), start, end


def refused_at(sql: str, *, dp: bool = False) -> tuple[SqlRefused, int, int]:
    """The refusal of the marked query (over the policy tests' tables), and the marked span."""
    clean, start, end = marked(sql)
    with pytest.raises(SqlRefused) as caught:
        analyze(clean, TABLES, limits=LIMITS, dp=dp)
    return caught.value, start, end


def points_inside(found: SqlRefused, start: int, end: int) -> bool:
    """The refusal's place (line 1, column c) lies within the marked span."""
    place = _PLACE.match(found.place)
    assert place is not None, found.place
    return place.group(1) == "1" and start <= int(place.group(2)) - 1 < end
