"""Desensitization (脱敏): operators over Arrow arrays, plans that apply them to Parquet files, and k-anonymity."""

from gongshu.classify.desensitize.anonymity import Anonymity, k_anonymity
from gongshu.classify.desensitize.apply import ApplyResult, apply_plan
from gongshu.classify.desensitize.errors import DesensitizeError
from gongshu.classify.desensitize.params import OperatorSpec, Param
from gongshu.classify.desensitize.plan import Plan, Step
from gongshu.classify.desensitize.registry import OPERATORS

__all__ = [
    "OPERATORS",
    "Anonymity",
    "ApplyResult",
    "DesensitizeError",
    "OperatorSpec",
    "Param",
    "Plan",
    "Step",
    "apply_plan",
    "k_anonymity",
]
