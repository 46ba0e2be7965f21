"""Timeliness: the resource was updated within its update cycle (plus grace days), judged at a given "now"."""

from __future__ import annotations

from datetime import timedelta

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult, floor1, verdict

DAY = timedelta(days=1)


def timeliness(rule: Rule, ctx: Context, con: DuckDBPyConnection) -> RuleResult:
    grace = timedelta(days=rule.params["grace_days"])
    allowed = None if ctx.period is None else ctx.period + grace
    since = None
    if ctx.updated_at is not None and ctx.now is not None:
        since = max(ctx.now - ctx.updated_at, timedelta(0))
    measured = {
        "days_since_update": None if since is None else floor1(since / DAY),
        "days_allowed": None if allowed is None else allowed / DAY,
        "overdue_days": None,
    }
    if allowed is None:
        return RuleResult(
            rule, True, 1.0, measured, "不定期更新，不判断是否逾期：通过", "no update cycle, never overdue: passed"
        )
    if since is None:
        return RuleResult(
            rule, False, 0.0, measured, "没有更新时间记录，无法确认及时更新：未通过", "no update time recorded: failed"
        )
    passed = since <= allowed
    over = max(since - allowed, timedelta(0))
    measured["overdue_days"] = floor1(over / DAY)
    # Overdue resources lose score linearly and reach 0 when one more whole allowance has passed.
    score = 1.0 if passed else (max(0.0, 1 - over / allowed) if allowed else 0.0)
    zh, en = verdict(passed)
    return RuleResult(
        rule,
        passed,
        score,
        measured,
        f"距上次更新 {measured['days_since_update']} 天，允许 {floor1(allowed / DAY)} 天：{zh}",
        f"{measured['days_since_update']} days since the last update, {floor1(allowed / DAY)} allowed: {en}",
    )
