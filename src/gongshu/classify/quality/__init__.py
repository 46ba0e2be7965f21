"""Data quality (数据质量): declared rules run over a resource's Parquet file into a report of counts and shares."""

from __future__ import annotations

from gongshu.classify.quality.engine import default_rules, run_rules
from gongshu.classify.quality.errors import QualityDataInvalid, QualityRuleInvalid
from gongshu.classify.quality.model import Context, QualityReport, Rule, RuleResult
from gongshu.classify.quality.patterns import PATTERNS
from gongshu.classify.quality.rules import RULES
from gongshu.classify.quality.schema import PARAMS, check_rules, parse_rules

__all__ = [
    "PARAMS",
    "PATTERNS",
    "RULES",
    "Context",
    "QualityDataInvalid",
    "QualityReport",
    "QualityRuleInvalid",
    "Rule",
    "RuleResult",
    "check_rules",
    "default_rules",
    "parse_rules",
    "run_rules",
]
