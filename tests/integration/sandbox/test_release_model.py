"""The release model end to end (ADR 0008): data about persons leaves only with person-level DP unless the
agreement says otherwise; what DP cannot bound is refused at submission; where the agreement lets personal data
out without DP, the query audit keeps the whole history."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from test_adversarial import BY, LONER_INCOME, ROWS, SMALL, TOTAL, T, actor, released_table, run, submit

from gongshu.config import Settings
from gongshu.db import Database
from gongshu.errors import Invalid
from gongshu.platform import Platform
from gongshu.sandbox import jobs
from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.models import Job
from sandbox_setup import build_sandbox

pytestmark = pytest.mark.usefixtures("backend")


def _jobs(platform: Platform) -> int:
    with platform.uow() as uow:
        return uow.session.execute(select(func.count()).select_from(Job)).scalar_one()


def _report(platform: Platform, number: str) -> dict:
    with platform.uow() as uow:
        job = uow.session.execute(select(Job).where(Job.number == number)).scalar_one()
        return json.loads(job.control_report)


def test_without_the_agreement_term_a_query_about_persons_is_refused_unless_under_dp(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=False)
    with pytest.raises(SqlRefused) as e:
        submit(platform, sb, f"{BY} GROUP BY 区县")
    assert e.value.rule == "personal-needs-dp" and "差分隐私" in e.value.zh
    assert _jobs(platform) == 0  # a refused query leaves nothing
    number = submit(platform, sb, f"{BY} GROUP BY 区县", dp=True, epsilon=0.5)
    assert run(platform, number)["status"] == "in_review"
    report = _report(platform, number)
    assert report["protections"] == ["dp"] and 0 < report["epsilon_spent"] <= 0.5
    assert report["bounding"]["rows_per_person"] >= 1 and report["bounding"]["chosen"] == "one-row"
    stated = {a["column"]: a for a in report["accuracy"]}
    assert stated["人数"]["ci95"] > 0 and stated["收入合计"]["ci95"] > 0  # each column states its error


def test_a_tracker_through_a_self_join_is_refused_under_dp(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=False)
    tracker = (
        f"SELECT a.区县, SUM(b.月收入) AS s FROM {T} a JOIN {T} b ON a.区县 = b.区县 WHERE a.行业 = '制造业' "
        "GROUP BY a.区县"
    )
    with pytest.raises(SqlRefused) as e:
        submit(platform, sb, tracker, dp=True, epsilon=0.5)
    assert e.value.rule == "dp-person"
    joined_on_the_person = (
        f"SELECT a.区县, COUNT(*) AS n FROM {T} a JOIN {T} b ON a.身份证号 = b.身份证号 GROUP BY a.区县"
    )
    assert run(platform, submit(platform, sb, joined_on_the_person, dp=True, epsilon=0.5))["status"] == "in_review"


def test_everyone_but_one_under_dp_leaves_the_persons_income_inside_the_noise(platform, tmp_path):
    """The total and the total without 新区 (one person, the top income) differ by that income; under DP each
    answer's noise is scaled to what one person can add, so the difference says nothing sure about it."""
    sb = build_sandbox(platform, tmp_path, data=ROWS, personal_without_dp=False)
    everyone = submit(platform, sb, TOTAL, dp=True, epsilon=0.5)
    but_one = submit(platform, sb, f"{TOTAL} WHERE 区县 <> '新区'", dp=True, epsilon=0.5)
    for number in (everyone, but_one):
        assert run(platform, number)["status"] == "in_review"
        scale = next(a["scale"] for a in _report(platform, number)["accuracy"] if a["column"] == "收入合计")
        assert scale >= LONER_INCOME / 0.5 * 0.9  # the declared range reaches the loner's income; ε share ≤ 0.5


def test_filler_queries_do_not_evict_an_attack_from_the_audit_history(db_url, clock, tmp_path):
    """With a short window, the query audit used to forget the first two tables after a few ordinary queries, and
    the total that subtracts them was released. Over personal data without DP the whole history counts."""
    settings = Settings(home=tmp_path / "home", database_url=db_url, differencing_window=3, _env_file=None)  # type: ignore[call-arg]
    platform = Platform(settings, clock=clock, db=Database(settings.db_url))
    try:
        sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
        first = released_table(platform, sb, f"{BY} GROUP BY 区县")
        partner = next(r["区县"] for r in first if not r["收入合计"] and r["区县"] != "新区")
        released_table(platform, sb, f"{BY} WHERE 区县 <> '{partner}' GROUP BY 区县")
        for industry in ("制造业", "服务业", "建筑业", "批发零售"):  # fillers, more than the window
            released_table(
                platform, sb, f"SELECT 行业, COUNT(*) AS 人数 FROM {T} WHERE 行业 <> '{industry}' GROUP BY 行业"
            )
        s = run(platform, submit(platform, sb, f"{TOTAL} WHERE 区县 <> '{partner}'"))
        assert (s["status"], s["error"]["rule"]) == ("refused", "query-audit")
    finally:
        platform.close()


def test_contribution_bounds_are_options_of_a_dp_job_only(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=True)
    dev = actor(platform, sb.developer)
    for dp, rows in ((False, 2), (True, 2000)):
        with platform.uow(write=True) as uow, pytest.raises(Invalid):
            jobs.submit_sql(uow, dev, sb.agreement, f"{BY} GROUP BY 区县", dp=dp, epsilon=0.1, rows_per_person=rows)
    assert _jobs(platform) == 0
    with platform.uow(write=True) as uow:
        job = jobs.submit_sql(
            uow, dev, sb.agreement, f"{BY} GROUP BY 区县", dp=True, epsilon=0.1, rows_per_person=3, groups_per_person=2
        )
        assert (job.rows_per_person, job.groups_per_person) == (3, 2)
