"""Engine error messages a developer may read: the engine's words without any data value in them."""

from __future__ import annotations

import re

from gongshu.sandbox.errors import EngineError

# Engines quote the offending value ("Could not convert string '张三' to INT32", Spark's "The value '…'"),
# or print it bare ("Overflow in multiplication of INT64 (123 * 456)"): every quoted span and number goes.
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|“[^”]*”|‘[^’]*’")
_NUMBER = re.compile(r"(?<![\w`])[-+]?\d[\d.,:eE+-]*")
_MAX_CHARS = 300


def without_values(message: str) -> str:
    """The first line of an engine message with quoted spans replaced by ‹…› and numbers by ‹n›."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    first = _QUOTED.sub("‹…›", first)
    first = _NUMBER.sub("‹n›", first)
    return first[:_MAX_CHARS]


def timeout(seconds: float) -> EngineError:
    return EngineError(
        "timeout",
        f"查询超过时间上限 {seconds:g} 秒，已取消；请缩小数据范围或简化查询",
        f"the query ran past its time limit of {seconds:g} s and was cancelled; narrow it or simplify it",
    )


def memory(limit_mb: int) -> EngineError:
    return EngineError(
        "memory",
        f"查询超过内存上限 {limit_mb} MB；请减少分组或连接的规模",
        f"the query needed more than its memory limit of {limit_mb} MB; reduce its groups or joins",
    )


def too_many_rows(max_rows: int) -> EngineError:
    return EngineError(
        "refused",
        f"结果超过 {max_rows} 行的上限，未返回；请聚合或加筛选条件",
        f"the result has more than {max_rows} rows and was not returned; aggregate or filter it",
    )


def refused(reason: str) -> EngineError:
    return EngineError(
        "refused",
        f"引擎拒绝了此操作：只能读取授权的数据表，不能访问文件、网络、扩展或设置（{reason}）",
        f"the engine refused this operation: only the granted tables are readable, no files, network, "
        f"extensions or settings ({reason})",
    )


def failed(engine: str, message: str) -> EngineError:
    detail = without_values(message)
    return EngineError(
        "failed",
        f"{engine} 执行查询失败：{detail}（数据值已隐去）",
        f"{engine} could not run the query: {detail} (data values hidden)",
    )
