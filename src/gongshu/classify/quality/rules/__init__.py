"""The rule kinds, one function per module, in the order a report lists them when declared together."""

from __future__ import annotations

from collections.abc import Callable

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult
from gongshu.classify.quality.rules.completeness import completeness
from gongshu.classify.quality.rules.consistency import consistency
from gongshu.classify.quality.rules.timeliness import timeliness
from gongshu.classify.quality.rules.uniqueness import uniqueness
from gongshu.classify.quality.rules.validity import validity
from gongshu.classify.quality.rules.value_range import value_range

RULES: dict[str, Callable[[Rule, Context, DuckDBPyConnection], RuleResult]] = {
    "completeness": completeness,
    "uniqueness": uniqueness,
    "validity": validity,
    "range": value_range,
    "consistency": consistency,
    "timeliness": timeliness,
}
