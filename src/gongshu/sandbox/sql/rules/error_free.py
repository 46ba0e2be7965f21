"""Rule: nothing in the query can raise an error that the data decides and the rewrite (``sql.safe``) cannot turn
into NULL: a pattern (LIKE, GLOB, SIMILAR TO, regexp) read from the data rather than written (Spark raises on a bad
one), integers wider than 64 bits (DuckDB's SUM over them overflows, and TRY cannot hold an aggregate), SKEWNESS
(it raises when out of range) and a window's count or offset (NTILE, LAG, LEAD, NTH_VALUE) that is not a literal."""

from __future__ import annotations

from sqlglot import exp

from gongshu.sandbox.spec import Finding
from gongshu.sandbox.sql.functions import _classes
from gongshu.sandbox.sql.query import Query
from gongshu.sandbox.sql.rules._common import passed, refuse

RULE = "error-free"
PATTERNS = _classes("Like", "ILike", "SimilarTo", "Glob", "RegexpLike", "RegexpILike", "RegexpFullMatch",
                    "RegexpReplace", "RegexpExtract", "RegexpExtractAll", "RegexpSplit", "RegexpCount")  # fmt: skip
WIDE_TYPES = frozenset({"INT128", "UINT128", "BIGNUM", "VARINT", "INT256", "UINT256", "BIGDECIMAL"})
WINDOW_PARAMETERS = _classes("Ntile", "Lag", "Lead", "NthValue")
INT64 = 2**63
DECIMAL_DIGITS = 18  # a DECIMAL of up to 18 digits sums into DECIMAL(38), which 2^64 rows cannot overflow


def error_free(q: Query) -> Finding:
    tree = q.statements[0]
    for node in tree.find_all(*PATTERNS, exp.Escape):
        _literal_pattern(q, node)  # an Escape's "this" is its LIKE, checked on its own
    for node in tree.find_all(exp.DataType):
        if _wide(node):
            _refuse(
                q,
                "超过 64 位的整数或超过 18 位的小数类型",
                "integer types wider than 64 bits or decimals over 18 digits",
                node,
            )
    for lit in tree.find_all(exp.Literal):
        if not lit.is_string and lit.this.lstrip("-").isdigit() and abs(int(lit.this)) >= INT64:
            _refuse(q, "超过 64 位的整数常量", "integer literals wider than 64 bits", lit)
    skew = tree.find(*_classes("Skewness"))
    if skew is not None:
        _refuse(q, "SKEWNESS（取值超出范围时报错）", "SKEWNESS (it raises when out of range)", skew)
    for node in tree.find_all(*WINDOW_PARAMETERS):
        if any(not isinstance(a, exp.Literal) for k, a in node.args.items() if k != "this" and isinstance(a, exp.Expr)):
            _refuse(
                q, "窗口函数的个数或偏移量不是常量", "a window function's count or offset that is not a literal", node
            )
    return passed(
        RULE,
        "查询中没有会因数据取值而报错、且无法改写为空值的部分",
        "nothing in the query can raise an error the data decides that cannot be rewritten to NULL",
    )


def _literal_pattern(q: Query, node: exp.Expr) -> None:
    """Everything but the matched text is written in the query: the pattern, a replacement, flags, a group."""
    for key, arg in node.args.items():
        if key != "this" and isinstance(arg, exp.Expr) and not isinstance(arg, exp.Literal):
            _refuse(
                q,
                "不是常量的匹配模式或参数（LIKE、GLOB、正则表达式）",
                "a pattern (LIKE, GLOB, regexp) or its arguments not written as literals",
                node,
            )


def _wide(node: exp.DataType) -> bool:
    kind = node.this.name if hasattr(node.this, "name") else str(node.this)
    if kind in WIDE_TYPES:
        return True
    if kind != "DECIMAL" or not node.expressions:
        return False
    digits = node.expressions[0].this
    return isinstance(digits, exp.Literal) and int(digits.this) > DECIMAL_DIGITS


def _refuse(q: Query, zh: str, en: str, node: exp.Expr) -> None:
    refuse(
        q,
        RULE,
        f"查询不能使用{zh}：其报错与否由数据决定，会泄露个体信息",
        f"the query cannot use {en}: whether it raises depends on the data, which would disclose persons",
        node,
    )
