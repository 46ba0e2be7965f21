"""What a submitter is told of a job refused or failed at run time: the rule and a fixed explanation, never a
count, a difference, a size, a cell or an engine's message (any of which the data can steer, one bit per job)."""

from __future__ import annotations

from gongshu.sandbox.errors import EngineError
from gongshu.sandbox.spec import Finding

RUN_FAILED = "run-failed"
AUDIT_BUSY = "audit-busy"

# Rule → the one explanation and advice shown for it, whatever the data (zh, en).
PUBLIC: dict[str, tuple[str, str]] = {
    "differencing": (
        "查询总体过小，或与此前查询的总体相差或重叠过少，相减即可识别个体；请扩大查询范围，或改用差分隐私查询",
        "the query's population is too small, or too close to or overlaps too little with an earlier query's, "
        "so subtraction could single persons out; widen the query or use a differentially private query",
    ),
    "query-audit": (
        "与此前已发布的结果合并，可推算出少于最小单元格的群体；请扩大查询范围，或改用差分隐私查询",
        "combined with the results released before, a group under the minimum cell count would follow; "
        "widen the query or use a differentially private query",
    ),
    AUDIT_BUSY: (
        "同一协议下其他结果持续先行发布，跨查询审计未能完成，请稍后重新提交",
        "other results under the agreement kept being released first; the query audit could not complete, "
        "submit again later",
    ),
    "size": (
        "结果的行数或列数超过上限；请用更粗的分组或更严的条件",
        "the result has more rows or columns than allowed; group more coarsely or filter",
    ),
    "result-shape": (
        "结果的列与查询分析不符，未经输出控制，不予发布",
        "the result's columns do not match the query analysis; nothing released without output control",
    ),
    "dp": (
        "差分隐私无法用于该结果，未发布任何内容",
        "differential privacy could not be applied to the result; nothing was released",
    ),
    RUN_FAILED: ("作业运行失败", "the job failed"),
}

# Engine stops whose message names only a setting (time, memory, row cap) or the operation refused.
SETTING_KINDS = frozenset({"timeout", "memory", "refused"})


def shown(finding: Finding) -> Finding:
    """The refusal as the submitter sees it: its rule and that rule's fixed text, no place, no value."""
    zh, en = PUBLIC.get(
        finding.rule,
        (
            f"结果未通过运行时检查［{finding.rule}］，未发布任何内容",
            f"the result did not pass the run-time check [{finding.rule}]; nothing was released",
        ),
    )
    return Finding(finding.rule, False, zh, en)


def run_failed() -> Finding:
    """The one failure every run-time error becomes (what the engine said stays unsaid)."""
    return Finding(RUN_FAILED, False, *PUBLIC[RUN_FAILED])


def engine_failure(e: EngineError) -> Finding:
    """A limit the engine enforced, in its setting-only words; any other engine error, the one failure."""
    return Finding(e.kind, False, e.zh, e.en) if e.kind in SETTING_KINDS else run_failed()
