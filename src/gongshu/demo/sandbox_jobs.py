"""The demo city's trusted environment at work: providers declare the ranges of 缴费基数 and 注册资本 (so DP can
clamp each person's values), the credit-scenario developer asks of the social insurance records (data about
persons: answered with person-level differential privacy, contributions bounded per person) in a job the operator
and 人社局 approve (一模型一审定), and a DP count of enterprises waits in the review queue."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import select

from gongshu.catalog import quality, services
from gongshu.demo.actors import demo_actor
from gongshu.grants.models import Agreement
from gongshu.platform import Platform
from gongshu.sandbox import jobs, review
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute

SCENARIO = "小微企业普惠信贷风控"
AGGREGATE_SQL = """SELECT 险种, COUNT(*) AS 缴费人次, AVG(缴费基数) AS 平均缴费基数
FROM 社会保险缴费记录
GROUP BY 险种
ORDER BY 险种"""
DP_SQL = """SELECT 登记状态, COUNT(*) AS 企业数
FROM 企业登记信息
GROUP BY 登记状态"""
APPROVAL = "按人差分隐私发布，误差与贡献上限已注明，同意发布"
RANGES = {  # provider, resource title, item, declared range: what DP clamps each person's value to
    ("rsj", "社会保险缴费记录", "缴费基数"): (0, 50000),
    ("scjgj", "企业登记信息", "注册资本(万元)"): (0, 100000),
}


def _agreement(platform: Platform) -> str | None:
    with platform.uow() as uow:
        for a in uow.session.execute(select(Agreement).order_by(Agreement.id)).scalars():
            if json.loads(a.content)["scenario"]["name"] == SCENARIO:
                return a.number
    return None


def _declare_range(platform: Platform, provider: str, title: str, column: str, bounds: tuple[int, int]) -> None:
    actor = demo_actor(platform, provider)
    with platform.uow(write=True) as uow:
        found, _ = services.search(uow, actor, title, limit=5)
        res = next(r for r in found if r.title == title)
        rules = quality.declared_rules(uow, res) or []
        if any(r.get("kind") == "range" and r.get("params", {}).get("column") == column for r in rules):
            return
        rule = {"kind": "range", "params": {"column": column, "min": bounds[0], "max": bounds[1]}}
        quality.set_rules(uow, actor, res, [*rules, rule], services.current_version(uow, actor, res.code))


def show_sandbox(platform: Platform, echo: Callable[[str], object]) -> None:
    number = _agreement(platform)
    if number is None:
        return
    for (provider, title, column), bounds in RANGES.items():
        _declare_range(platform, provider, title, column, bounds)
    dev = demo_actor(platform, "developer")
    with platform.uow(write=True) as uow:
        job = jobs.submit_sql(
            uow, dev, number, AGGREGATE_SQL, dp=True, epsilon=0.5, title="各险种缴费人次与平均缴费基数（按人差分隐私）"
        )
    Worker(platform, execute).run_one()
    for reviewer in ("operator", "rsj"):
        with platform.uow(write=True) as uow:
            review.decide(uow, demo_actor(platform, reviewer), job.number, "approve", APPROVAL, review.ALL_PASSED)
    echo(f"沙箱作业 {job.number}：按人差分隐私（ε=0.5）经两人审定，可下载 / person-level DP job approved after review")
    with platform.uow(write=True) as uow:
        dp = jobs.submit_sql(uow, dev, number, DP_SQL, dp=True, epsilon=0.2, title="各登记状态企业数（差分隐私）")
    Worker(platform, execute).run_one()
    echo(f"沙箱作业 {dp.number}：差分隐私查询（ε=0.2）待审定 / DP job awaiting review")
