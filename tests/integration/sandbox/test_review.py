"""一模型一审定 made real (issue 10 §4), through the services on SQLite and PostgreSQL: the submitter sees the shape
only before release, reviewers see everything, the bureau reviews with the checklist, refused submissions are
ledgered, approved outputs stop downloading when the agreement ends and their disposal is recorded, and DP results
skip manual review only under the agreement's explicit term."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from gongshu.errors import Conflict, Invalid, PermissionDenied
from gongshu.grants import agreements
from gongshu.identity import services as identity
from gongshu.ledger import services as ledger
from gongshu.platform import Platform
from gongshu.sandbox import jobs, review
from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.jobs import get_job
from gongshu.sandbox.models import JobDisposal, JobReview
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.views import job_view
from gongshu.sandbox.work import execute
from sandbox_setup import DISTRICTS, Sandbox, build_sandbox

pytestmark = pytest.mark.usefixtures("backend")

BY_DISTRICT = (
    "SELECT 区县, COUNT(*) AS 人数, AVG(月收入) AS 平均月收入, SUM(月收入) AS 收入合计 "
    "FROM 居民收入抽样信息 GROUP BY 区县"
)
DP_SQL = "SELECT 区县, COUNT(*) AS 人数 FROM 居民收入抽样信息 GROUP BY 区县"
REFUSED_SQL = "SELECT 身份证号, 月收入 FROM 居民收入抽样信息"


def actor(platform: Platform, username: str):
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, username))


def submit(platform: Platform, sb: Sandbox, sql: str = BY_DISTRICT, **kw: object) -> str:
    with platform.uow(write=True) as uow:
        return jobs.submit_sql(uow, actor(platform, sb.developer), sb.agreement, sql, **kw).number


def ran(platform: Platform, sb: Sandbox, sql: str = BY_DISTRICT, **kw: object) -> str:
    number = submit(platform, sb, sql, **kw)
    assert Worker(platform, execute).run_one() == number
    return number


def view(platform: Platform, username: str, number: str) -> dict:
    with platform.uow() as uow:
        who = actor(platform, username)
        return job_view(uow, who, get_job(uow, who, number))


def decide(platform: Platform, username: str, number: str, decision: str = "approve", **kw: object):
    kw.setdefault("comment", "口径清楚，分组足够粗")
    kw.setdefault("checklist", review.ALL_PASSED)
    with platform.uow(write=True) as uow:
        return review.decide(uow, actor(platform, username), number, decision, **kw)


def result_values(platform: Platform, number: str) -> list[str]:
    """The released cells of a job's result file, as text (group keys and aggregates)."""
    path = platform.settings.jobs_dir / number / "result.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))[1:]
    return [cell for row in rows for i, cell in enumerate(row) if cell and i != 1]  # not the counts (small numbers)


def events(platform: Platform, action: str) -> list:
    with platform.uow() as uow:
        return ledger.list_events(uow.session, action=action, limit=50)


@pytest.fixture
def sb(platform: Platform, tmp_path: Path) -> Sandbox:
    return build_sandbox(platform, tmp_path)


# -- 1. the submitter sees the shape only ---------------------------------------------------------------


def test_a_submitter_reading_its_job_in_review_finds_none_of_the_results_values(platform, sb):
    number = ran(platform, sb)
    values = result_values(platform, number)
    assert values and set(DISTRICTS) <= set(values)
    for who in (sb.developer, sb.colleague, sb.regulator):
        seen = json.dumps(view(platform, who, number), ensure_ascii=False)
        assert [v for v in values if v in seen] == [], who
    shape = view(platform, sb.developer, number)
    [out] = shape["outputs"]
    assert out["columns"] == ["区县", "人数", "平均月收入", "收入合计"] and out["rows"] == 5
    assert out["preview"] is None and out["content"] is None and not shape["values_shown"]
    assert shape["control_report"]["rows_out"] == 5 and "epsilon_spent" in shape["control_report"]
    assert all(f["zh"] == "" for f in shape["control_report"]["findings"])  # rule and verdict, no message


def test_reviewers_see_the_values_and_the_submitter_only_once_approved(platform, sb):
    number = ran(platform, sb)
    values = result_values(platform, number)
    for who in (sb.operators[0], sb.provider, sb.bureau):
        seen = json.dumps(view(platform, who, number), ensure_ascii=False)
        assert all(v in seen for v in DISTRICTS), who
        assert view(platform, who, number)["outputs"][0]["content"]["type"] == "table"
    decide(platform, sb.operators[0], number)
    decide(platform, sb.bureau, number)
    approved = json.dumps(view(platform, sb.developer, number), ensure_ascii=False)
    assert all(v in approved for v in values)


def test_a_failed_job_shows_its_submitter_only_failed_and_the_rule(platform, sb):
    number = submit(platform, sb)
    with platform.uow(write=True) as uow:
        agreements.suspend(uow, actor(platform, sb.bureau), sb.agreement, "核查中")
    Worker(platform, execute).run_one()
    error = view(platform, sb.developer, number)["error"]
    assert error == {"kind": "failed", "rule": "agreement", "zh": "作业运行失败", "en": "the job failed", "place": ""}
    assert view(platform, sb.operators[0], number)["error"]["en"].startswith("agreement")


# -- 3. the bureau reviews, with the checklist ------------------------------------------------------------


def test_the_bureau_reviews_and_with_the_operator_releases_a_job(platform, sb):
    number = ran(platform, sb)
    with platform.uow() as uow:
        assert [j.number for j in review.review_queue(uow, actor(platform, sb.bureau))] == [number]
    assert view(platform, sb.bureau, number)["can_review"]
    assert decide(platform, sb.bureau, number).status == "in_review"
    assert decide(platform, sb.operators[0], number).status == "approved"
    [approve] = events(platform, "job.approve")
    assert approve.agreement == sb.agreement and approve.actor == sb.operators[0]


def test_an_approval_without_every_checklist_item_or_a_comment_is_refused_and_changes_nothing(platform, sb):
    number = ran(platform, sb)
    partial = {**review.ALL_PASSED, "security": False}
    for kw in ({"checklist": partial}, {"checklist": None}, {"comment": " "}, {"checklist": {"speed": True}}):
        with pytest.raises(Invalid):
            decide(platform, sb.operators[0], number, **kw)
    with platform.uow() as uow:
        assert uow.session.query(JobReview).count() == 0
    assert events(platform, "job.review.approve") == []
    assert view(platform, sb.developer, number)["status"] == "in_review"


def test_each_review_records_its_checklist_in_the_ledger_and_on_the_job(platform, sb):
    number = ran(platform, sb)
    partial = {**review.ALL_PASSED, "consistency": False}
    decide(platform, sb.provider, number, "reject", comment="口径与申请场景不一致", checklist=partial)
    [rejected] = events(platform, "job.review.reject")
    assert json.loads(rejected.detail)["checklist"] == partial and rejected.agreement == sb.agreement
    [r] = view(platform, sb.developer, number)["reviews"]
    assert r["checklist"] == partial and r["comment"] == "口径与申请场景不一致"
    assert view(platform, sb.developer, number)["status"] == "rejected"


def test_reviewers_of_the_submitters_organization_are_refused_even_from_the_bureau_role(platform, sb):
    number = ran(platform, sb)
    for who in (sb.developer, sb.colleague):
        with pytest.raises(PermissionDenied):
            decide(platform, who, number)
    with pytest.raises(PermissionDenied):  # regulators oversee; they do not review
        decide(platform, sb.regulator, number)


# -- 4. DP results without manual review only as an agreement term ----------------------------------------


def test_a_dp_query_is_released_at_once_only_under_the_auto_release_term(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, auto_release_dp=True)
    number = ran(platform, sb, DP_SQL, dp=True, epsilon=0.2)
    v = view(platform, sb.developer, number)
    assert v["status"] == "approved" and v["auto_released"] and v["reviews"] == []
    [auto] = events(platform, "job.approve")
    assert auto.actor == "system" and auto.agreement == sb.agreement
    assert json.loads(auto.detail) == {"automatic": True, "term": "privacy.auto_release_dp"}
    with platform.uow(write=True) as uow:
        review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    plain = ran(platform, sb)  # without DP the term does not apply
    assert view(platform, sb.developer, plain)["status"] == "in_review"


def test_without_the_term_a_dp_query_waits_for_review(platform, sb):
    number = ran(platform, sb, DP_SQL, dp=True, epsilon=0.2)
    assert view(platform, sb.developer, number)["status"] == "in_review"
    assert events(platform, "job.approve") == []
    with platform.uow() as uow:
        content = json.loads(agreements.get_agreement(uow, actor(platform, sb.bureau), sb.agreement).content)
    assert content["privacy"]["auto_release_dp"] is False


# -- 5. refusals at submission are ledgered ----------------------------------------------------------------


def test_a_query_refused_at_submission_is_ledgered_with_its_rule_and_code_hash_and_no_code(platform, sb):
    with pytest.raises(SqlRefused) as e:
        submit(platform, sb, REFUSED_SQL)
    [refusal] = events(platform, "job.refuse_submission")
    detail = json.loads(refusal.detail)
    assert detail == {
        "agreement": sb.agreement,
        "kind": "sql",
        "rule": e.value.rule,
        "code_sha256": hashlib.sha256(REFUSED_SQL.encode()).hexdigest(),
    }
    assert refusal.agreement == sb.agreement and refusal.actor == sb.developer
    assert "身份证号" not in refusal.detail
    with platform.uow() as uow:
        assert jobs.list_jobs(uow, actor(platform, sb.developer)) == []


def test_a_python_submission_refused_for_its_shape_is_ledgered(platform, sb):
    code = "def main(inputs, outputs):\n    pass\n"
    with platform.uow(write=True) as uow, pytest.raises(Invalid):
        jobs.submit_python(uow, actor(platform, sb.developer), sb.agreement, code, outputs=["model.pkl"])
    [refusal] = events(platform, "job.refuse_submission")
    assert json.loads(refusal.detail)["kind"] == "python" and json.loads(refusal.detail)["rule"] == jobs.PYTHON_RULE


# -- 6. downloads stop when the agreement ends; disposal is recorded --------------------------------------


def released(platform: Platform, sb: Sandbox) -> str:
    number = ran(platform, sb)
    decide(platform, sb.operators[0], number)
    decide(platform, sb.operators[1], number)
    with platform.uow(write=True) as uow:
        review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    return number


def end(platform: Platform, sb: Sandbox, how: str) -> None:
    bureau = actor(platform, sb.bureau)
    with platform.uow(write=True) as uow:
        if how == "revoked":
            agreements.revoke(uow, bureau, sb.agreement, "违反约定用途")
        elif how == "suspended":
            agreements.suspend(uow, bureau, sb.agreement, "核查中")
        else:
            platform.clock.advance(days=400)  # type: ignore[attr-defined]
            agreements.expire_due(uow)


@pytest.mark.parametrize("how", ["revoked", "suspended", "expired"])
def test_approved_outputs_stop_downloading_at_once_when_the_agreement_ends(platform, sb, how):
    number = released(platform, sb)
    end(platform, sb, how)
    with platform.uow(write=True) as uow, pytest.raises(Conflict) as e:
        review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    assert "不能再下载" in e.value.zh
    assert len(events(platform, "job.download")) == 1
    shown = view(platform, sb.developer, number)
    assert not shown["agreement_in_force"] and shown["outputs"][0]["preview"] is None


def test_the_developer_records_the_destruction_of_delivered_outputs_once_the_agreement_ended(platform, sb):
    number = released(platform, sb)
    with platform.uow(write=True) as uow, pytest.raises(Conflict):  # still in force: nothing to record yet
        review.record_disposal(uow, actor(platform, sb.developer), number, "destroyed", "")
    end(platform, sb, "revoked")
    assert view(platform, sb.developer, number)["can_dispose"]
    for who, kind, error in (
        (sb.operators[0], "destroyed", PermissionDenied),
        (sb.developer, "lost", Invalid),
    ):
        with platform.uow(write=True) as uow, pytest.raises(error):
            review.record_disposal(uow, actor(platform, who), number, kind, "")
    with platform.uow(write=True) as uow:
        review.record_disposal(uow, actor(platform, sb.colleague), number, "destroyed", "2026-12-01 删除全部副本")
    with platform.uow(write=True) as uow, pytest.raises(Conflict):
        review.record_disposal(uow, actor(platform, sb.developer), number, "returned", "")
    [d] = view(platform, sb.bureau, number)["disposals"]
    assert d["kind"] == "destroyed" and d["recorded_by"] == sb.colleague and "删除全部副本" in d["note"]
    [e] = events(platform, "job.dispose")
    assert json.loads(e.detail) == {"kind": "destroyed"} and e.agreement == sb.agreement
    with platform.uow() as uow:
        assert uow.session.query(JobDisposal).count() == 1


def test_a_job_never_approved_has_nothing_to_dispose_of(platform, sb):
    number = ran(platform, sb)
    end(platform, sb, "revoked")
    with platform.uow(write=True) as uow, pytest.raises(Conflict):
        review.record_disposal(uow, actor(platform, sb.developer), number, "destroyed", "")
    assert not view(platform, sb.developer, number)["can_dispose"]


def test_the_review_window_of_a_job_does_not_outlive_its_agreement_for_downloads(platform, sb):
    number = released(platform, sb)
    platform.clock.advance(days=400)  # type: ignore[attr-defined]  # past the end, before any sweep
    with platform.uow(write=True) as uow, pytest.raises(Conflict):
        review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
