"""Jobs end to end through the services on a real database: submit, queue, run, control, review,
release; the agreement's state, the privacy budget and the ledger's lineage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongshu.errors import Conflict, PermissionDenied
from gongshu.grants import agreements
from gongshu.identity import services as identity
from gongshu.ledger import services as ledger
from gongshu.platform import Platform
from gongshu.sandbox import budget, jobs, review
from gongshu.sandbox.errors import BudgetExhausted, JobNotFound, SqlRefused
from gongshu.sandbox.jobs import get_job
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from sandbox_setup import Sandbox, build_sandbox, income_rows

pytestmark = pytest.mark.usefixtures("backend")

BY_DISTRICT = (
    "SELECT 区县, 行业, COUNT(*) AS 人数, SUM(月收入) AS 收入合计, AVG(月收入) AS 平均收入 "
    "FROM 居民收入抽样信息 GROUP BY 区县, 行业"
)
TABLE = "FROM 居民收入抽样信息"


def where(condition: str) -> str:
    return BY_DISTRICT.replace(TABLE, f"{TABLE} WHERE {condition}")


def actor(platform: Platform, username: str):
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, username))


def submit(platform: Platform, sb: Sandbox, sql: str, **kw: object) -> str:
    with platform.uow(write=True) as uow:
        return jobs.submit_sql(uow, actor(platform, sb.developer), sb.agreement, sql, **kw).number


def run(platform: Platform) -> str | None:
    return Worker(platform, execute).run_one()


def status(platform: Platform, number: str) -> dict:
    with platform.uow() as uow:
        job = get_job(uow, actor(platform, "jrj"), number)
        return {
            "status": job.status,
            "error": json.loads(job.error) if job.error else None,
            "control": json.loads(job.control_report or "{}"),
            "outputs": {o.name: o for o in job.outputs},
        }


def approve(platform: Platform, sb: Sandbox, number: str) -> None:
    for who in sb.operators:
        with platform.uow(write=True) as uow:
            review.decide(uow, actor(platform, who), number, "approve", "同意", review.ALL_PASSED)


@pytest.fixture
def sb(platform: Platform, tmp_path: Path) -> Sandbox:
    return build_sandbox(platform, tmp_path)


def test_an_aggregate_query_runs_passes_review_by_two_and_is_downloadable_with_its_lineage_ledgered(platform, sb):
    number = submit(platform, sb, BY_DISTRICT)
    assert run(platform) == number
    assert status(platform, number)["status"] == "in_review"
    with platform.uow(write=True) as uow, pytest.raises(Conflict):
        review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    approve(platform, sb, number)
    with platform.uow(write=True) as uow:
        out, path = review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == '"区县","行业","人数","收入合计","平均收入"'
    assert len(text.splitlines()) == 11  # 5 districts × 2 industries, 20 people each
    with platform.uow() as uow:
        finish = ledger.list_events(uow.session, action="job.finish", limit=5)[0]
    payload = json.loads(finish.detail)
    assert finish.agreement == sb.agreement
    assert payload["outputs"]["result.csv"] == out.sha256
    assert payload["inputs"][0]["code"] == sb.resource and len(payload["inputs"][0]["sha256"]) == 64
    assert payload["code_sha256"] and "min_cell_count" in payload["protections"]


def test_no_raw_identifier_or_income_appears_in_any_output_of_a_released_job(platform, sb):
    number = submit(platform, sb, BY_DISTRICT)
    run(platform)
    approve(platform, sb, number)
    with platform.uow(write=True) as uow:
        _, path = review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    text = path.read_text(encoding="utf-8-sig")
    for row in income_rows()[1:]:
        assert str(row[0]) not in text


def test_a_refused_query_names_its_rule_and_leaves_no_job(platform, sb):
    with pytest.raises(SqlRefused) as e:
        submit(platform, sb, "SELECT * FROM 居民收入抽样信息")
    assert e.value.rule == "star-output"
    with platform.uow() as uow:
        assert jobs.list_jobs(uow, actor(platform, sb.developer)) == []


def test_small_groups_are_suppressed_in_the_released_result(platform, sb):
    number = submit(platform, sb, where("月收入 > 11500"))
    run(platform)
    s = status(platform, number)
    assert s["status"] in ("in_review", "refused")
    if s["status"] == "in_review":
        preview = json.loads(s["outputs"]["result.csv"].preview)
        assert all(r[2] is None or r[2] >= 10 for r in preview["rows"])


def test_a_differencing_pair_is_refused_at_run_time_and_ledgered(platform, sb):
    first = submit(platform, sb, where("月收入 > 5000"))
    run(platform)
    assert status(platform, first)["status"] == "in_review"
    one = next(r[3] for r in income_rows()[1:] if r[3] > 5000 and sum(x[3] == r[3] for x in income_rows()[1:]) == 1)
    second = submit(
        platform,
        sb,
        where(f"月收入 > 5000 AND 月收入 <> {one}"),
    )
    run(platform)
    s = status(platform, second)
    assert s["status"] == "refused" and s["error"]["rule"] == "differencing"
    assert s["outputs"] == {}


def test_a_population_whose_complement_is_a_single_person_is_refused(platform, sb):
    one = income_rows()[1][3]
    assert sum(r[3] == one for r in income_rows()[1:]) == 1
    number = submit(
        platform, sb, f"SELECT 区县, COUNT(*) AS 人数 FROM 居民收入抽样信息 WHERE 月收入 <> {one} GROUP BY 区县"
    )
    run(platform)
    assert status(platform, number)["error"]["rule"] == "differencing"


def test_a_dp_query_spends_its_epsilon_once_and_says_what_protected_it(platform, sb):
    number = submit(
        platform,
        sb,
        "SELECT 区县, COUNT(*) AS 人数, AVG(月收入) AS 平均收入 FROM 居民收入抽样信息 GROUP BY 区县",
        dp=True,
        epsilon=0.4,
    )
    run(platform)
    s = status(platform, number)
    assert s["status"] == "in_review"
    assert "dp" in s["control"]["protections"] and s["control"]["epsilon_spent"] == pytest.approx(0.4)
    with platform.uow() as uow:
        agreement = agreements.get_agreement(uow, actor(platform, "jrj"), sb.agreement)
        assert budget.budget_of(uow, agreement).spent == pytest.approx(0.4)


def test_a_dp_query_is_refused_at_submission_once_the_budget_cannot_pay(platform, sb):
    sql = "SELECT 区县, COUNT(*) AS 人数 FROM 居民收入抽样信息 GROUP BY 区县"
    submit(platform, sb, sql, dp=True, epsilon=0.7)
    run(platform)
    with pytest.raises(BudgetExhausted):
        submit(platform, sb, sql, dp=True, epsilon=0.7)


def test_a_revoked_agreement_stops_queued_jobs_and_refuses_new_ones(platform, sb):
    number = submit(platform, sb, BY_DISTRICT)
    with platform.uow(write=True) as uow:
        agreements.revoke(uow, actor(platform, sb.bureau), sb.agreement, "违反约定用途")
    run(platform)
    assert status(platform, number)["status"] == "failed"
    with pytest.raises(Conflict):
        submit(platform, sb, BY_DISTRICT)


def test_reviewers_must_be_independent_of_the_submitter_and_decide_once(platform, sb):
    number = submit(platform, sb, BY_DISTRICT)
    run(platform)
    for who in (sb.developer, sb.colleague):
        with platform.uow(write=True) as uow, pytest.raises(PermissionDenied):
            review.decide(uow, actor(platform, who), number, "approve", "同意", review.ALL_PASSED)
    with platform.uow(write=True) as uow, pytest.raises(JobNotFound):  # a provider not concerned sees nothing
        review.decide(uow, actor(platform, sb.stranger), number, "approve", "同意", review.ALL_PASSED)
    with platform.uow(write=True) as uow:
        review.decide(uow, actor(platform, sb.operators[0]), number, "approve", "同意", review.ALL_PASSED)
    with platform.uow(write=True) as uow, pytest.raises(Conflict):
        review.decide(uow, actor(platform, sb.operators[0]), number, "approve", "同意", review.ALL_PASSED)
    assert status(platform, number)["status"] == "in_review"
    with platform.uow(write=True) as uow:
        review.decide(uow, actor(platform, sb.provider), number, "reject", "口径不符")
    assert status(platform, number)["status"] == "rejected"
