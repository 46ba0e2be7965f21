"""Allowlists of the functions a query may call, sorted by what they reveal about a group's members."""

from __future__ import annotations

from sqlglot import exp


def _classes(*names: str) -> tuple[type[exp.Expr], ...]:
    """The sqlglot expression classes of these names (names this sqlglot lacks are skipped)."""
    return tuple(getattr(exp, name) for name in names if hasattr(exp, name))


# Aggregates whose result does not return any one member's value: they clean lineage.
SAFE_AGGREGATES = _classes(
    "Count",
    "CountIf",
    "Sum",
    "Avg",
    "Stddev",
    "StddevPop",
    "StddevSamp",
    "Variance",
    "VariancePop",
    "Corr",
    "CovarPop",
    "CovarSamp",
    "RegrSlope",
    "RegrIntercept",
    "RegrR2",
    "RegrCount",
    "RegrAvgx",
    "RegrAvgy",
    "RegrSxx",
    "RegrSyy",
    "RegrSxy",
    "Kurtosis",
    "Skewness",
    "ApproxDistinct",
)

# Aggregates allowed on non-protected items only: each returns (or can return) one member's value.
VALUE_AGGREGATES = _classes(
    "Min",
    "Max",
    "ArgMin",
    "ArgMax",
    "ArrayAgg",
    "GroupConcat",
    "First",
    "Last",
    "AnyValue",
    "Median",
    "Quantile",
    "PercentileCont",
    "PercentileDisc",
    "ApproxQuantile",
    "Mode",
    "LogicalOr",
    "LogicalAnd",
)

# Functions that only make sense with OVER (...): their value is per row, never a clean aggregate.
WINDOW_FUNCTIONS = _classes(
    "RowNumber", "Rank", "DenseRank", "PercentRank", "CumeDist", "Ntile", "Lag", "Lead", "FirstValue", "LastValue",
    "NthValue",
)  # fmt: skip

SCALARS = _classes(
    # logic and conditionals, casts
    "And", "Or", "Not", "Xor", "Exists", "Case", "If", "Coalesce", "Nullif", "Greatest", "Least", "Cast", "TryCast",
    "IgnoreNulls", "RespectNulls",
    # math
    "Abs", "Round", "Floor", "Ceil", "Sqrt", "Cbrt", "Pow", "Exp", "Ln", "Log", "Sign", "Mod", "Trunc",
    "WidthBucket", "IsNan", "IsInf", "Pi",
    # strings
    "Upper", "Lower", "Length", "Substring", "Left", "Right", "Trim", "Concat", "ConcatWs", "Replace", "Pad",
    "StrPosition", "StartsWith", "EndsWith", "Contains", "RegexpLike", "RegexpFullMatch", "RegexpReplace",
    "RegexpExtract", "Reverse", "SplitPart", "Initcap", "Translate", "MD5", "SHA2",
    # dates
    "TimestampTrunc", "DateTrunc", "Extract", "Year", "Month", "Day", "Quarter", "Week", "DayOfWeek", "Hour",
    "DateDiff", "DateAdd", "DateSub", "CurrentDate", "TimeToStr", "StrToTime", "DateFromParts", "LastDay",
    "Dayname", "Monthname", "TsOrDsToDate", "Date", "Interval",
)  # fmt: skip

# DuckDB functions sqlglot does not model (parsed as Anonymous), by lower-case name.
ANONYMOUS_SCALARS = frozenset({"date_part", "datepart", "hash", "round_even", "even", "gcd", "lcm"})

ALLOWED = SAFE_AGGREGATES + VALUE_AGGREGATES + WINDOW_FUNCTIONS + SCALARS


def function_name(node: exp.Func) -> str:
    """The function's SQL name as the developer would recognize it (lower case)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def is_allowed(node: exp.Func) -> bool:
    """Whether the policy lets a query call this function at all."""
    if isinstance(node, exp.Anonymous):
        return function_name(node) in ANONYMOUS_SCALARS
    return isinstance(node, ALLOWED)


def is_aggregate(node: exp.Expr) -> bool:
    """An aggregate call (safe or value-returning); window-only functions are not aggregates."""
    return isinstance(node, SAFE_AGGREGATES + VALUE_AGGREGATES)


def is_windowed(node: exp.Expr) -> bool:
    """Whether this call is the function of an OVER (...) window."""
    return isinstance(node.parent, exp.Window) and node.arg_key == "this"
