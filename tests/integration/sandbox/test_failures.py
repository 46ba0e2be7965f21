"""Failures and refusals that depend on no data: a refusal at run time names its rule and nothing the data decides,
the data cannot choose whether a query raises (an error oracle), and a failed or refused run is charged like a
released one (ε under DP, the query history without it), with its agreement, rule and code hash in the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from test_adversarial import actor, check_nothing_left, run, status, submit

from factories import resident_id
from gongshu.config import Settings
from gongshu.grants.agreements import get_agreement
from gongshu.ledger.models import LedgerEvent
from gongshu.platform import Platform
from gongshu.sandbox import budget
from gongshu.sandbox.errors import BudgetExhausted
from gongshu.sandbox.models import Job, PrivacyBudget, QueryRecord
from sandbox_setup import Sandbox, build_sandbox, income_rows

pytestmark = pytest.mark.usefixtures("backend")

T = "居民收入抽样信息"
MAX_ROWS = 8  # the engine's row cap in this module: a query over 区县 × 行业 (10 groups) breaks it


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=db_url, _env_file=None, max_output_rows=MAX_ROWS)  # type: ignore[call-arg]


def with_new_district(persons: int) -> list[list[object]]:
    """``income_rows()`` plus ``persons`` people in 新区 (incomes far from the others)."""
    extra = [[resident_id(f"4101022001010{i}77"[:17]), "新区", "制造业", 13_000 + 7 * i] for i in range(persons)]
    return [*income_rows(), *extra]


# -- 1. refusals name the rule, never a count -------------------------------------------------------------------

# 新区 holds three persons earning 13 000, 13 007 and 13 014: the threshold picks one or three of them, as data
# differing only in the size of the population would.
FEW = {1: 13_005, 3: 13_020}


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (None, f"SELECT COUNT(*) AS n, SUM(月收入) AS s FROM {T} WHERE 区县 = '新区' AND 月收入 < {{t}}"),
        (  # differs from the first by one or three persons
            f"SELECT COUNT(*) AS n FROM {T} WHERE 行业 = '制造业'",
            f"SELECT COUNT(*) AS n FROM {T} WHERE 行业 = '制造业' AND NOT (区县 = '新区' AND 月收入 < {{t}})",
        ),
    ],
    ids=["tiny-population", "tiny-difference"],
)
def test_a_refusal_reads_the_same_byte_for_byte_whatever_the_size_of_the_population(platform, tmp_path, first, then):
    """Today "the query's population has 1 rows" / "differs … by 1 rows": a counting oracle."""
    sb = build_sandbox(platform, tmp_path, data=with_new_district(3), personal_without_dp=True)
    if first is not None:
        assert run(platform, submit(platform, sb, first))["status"] == "in_review"
    errors = []
    for persons, t in FEW.items():
        s = run(platform, submit(platform, sb, then.format(t=t)))
        assert (s["status"], s["error"]["rule"]) == ("refused", "differencing"), persons
        errors.append(json.dumps(s["error"], ensure_ascii=False))
    assert errors[0] == errors[1]
    error = json.loads(errors[0])
    assert error["place"] == "" and not any(ch.isdigit() for ch in error["zh"] + error["en"])


# -- 2. the data cannot choose whether a query raises -----------------------------------------------------------

# Each expression raised on yesterday's code exactly when some income passes {t}: 12 000 is passed by the one person
# of 新区 (13 000), 14 000 by nobody. Inside a condition true for every row that does not raise, the job must end the
# same way for both (it failed for the first only).
RAISING = {
    "cast": "CAST(CASE WHEN 月收入 > {t} THEN 'x' ELSE '1' END AS INTEGER)",
    "cast-colons": "(CASE WHEN 月收入 > {t} THEN 'x' ELSE '1' END)::INTEGER",
    "overflow": "月收入 * CASE WHEN 月收入 > {t} THEN 9223372036854775807 ELSE 0 END",
    "integer-division-by-zero": "100 // CASE WHEN 月收入 > {t} THEN 0 ELSE 1 END",
    "modulo-by-zero": "100 % CASE WHEN 月收入 > {t} THEN 0 ELSE 1 END",
    "implicit-cast": "CASE WHEN 月收入 > {t} THEN 'x' ELSE 1 END",
    "make-date": "make_date(2020, CASE WHEN 月收入 > {t} THEN 13 ELSE 1 END, 1)",
    "substring": "substr(区县, 1, CASE WHEN 月收入 > {t} THEN -9223372036854775807 ELSE 1 END)",
    "strptime": "strptime(CASE WHEN 月收入 > {t} THEN 'x' ELSE '2020' END, '%Y')",
}
ORACLES = {
    name: f"SELECT 区县, COUNT(*) AS n FROM {T} WHERE COALESCE(CAST({e} AS VARCHAR), 'n') <> 'zz' GROUP BY 区县"
    for name, e in RAISING.items()
}


def _ends(platform: Platform, sb: Sandbox, sql: str, dp: bool) -> tuple[str, str | None]:
    s = run(platform, submit(platform, sb, sql, dp=dp, epsilon=0.1 if dp else None))
    return s["status"], json.dumps(s["error"], ensure_ascii=False) if s["error"] else None


@pytest.mark.parametrize("dp", [False, True], ids=["without-dp", "dp"])
@pytest.mark.parametrize("oracle", list(ORACLES), ids=list(ORACLES))
def test_an_error_oracle_on_duckdb_ends_the_same_whatever_the_data(platform, tmp_path, oracle, dp):
    sb = build_sandbox(platform, tmp_path, data=with_new_district(1), personal_without_dp=True)
    passed, not_passed = (_ends(platform, sb, ORACLES[oracle].format(t=t), dp) for t in (12_000, 14_000))
    assert passed == not_passed
    assert passed[0] != "failed" or json.loads(passed[1] or "{}")["rule"] == "run-failed"


def test_what_still_fails_at_run_time_is_one_failure_naming_no_engine_message(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=True)
    number = submit(platform, sb, ORACLES["implicit-cast"].format(t=0))  # the binder refuses the mix, whatever rows
    s = run(platform, number)
    assert (s["status"], s["error"]) == (
        "failed",
        {"kind": "failed", "rule": "run-failed", "zh": "作业运行失败", "en": "the job failed", "place": ""},
    )
    check_nothing_left(platform, sb, number, s)


# -- 3. a failed or refused run is charged like a released one ------------------------------------------------

OVER_THE_CAP = f"SELECT 区县, 行业, COUNT(*) AS 人数 FROM {T} GROUP BY 区县, 行业"  # 10 groups > MAX_ROWS
FAILING_DP = ORACLES["implicit-cast"].format(t=0)  # fails on every engine run (the binder refuses the mix)


def _spent(platform: Platform, sb: Sandbox) -> float:
    with platform.uow() as uow:
        return budget.budget_of(uow, get_agreement(uow, actor(platform, "jrj"), sb.agreement)).spent


def test_sixteen_failing_dp_jobs_spend_their_epsilon_until_the_budget_runs_out(platform, tmp_path):
    """The issue's attack: 16 DP jobs that failed spent nothing, so a CAST oracle read an income for free."""
    sb = build_sandbox(platform, tmp_path, epsilon=1.0)
    for i in range(16):
        s = run(platform, submit(platform, sb, FAILING_DP, dp=True, epsilon=1 / 16))
        assert s["status"] == "failed", s["error"]
        assert _spent(platform, sb) == pytest.approx((i + 1) / 16)
    with pytest.raises(BudgetExhausted):
        submit(platform, sb, FAILING_DP, dp=True, epsilon=1 / 16)


def test_a_failed_dp_job_the_rest_cannot_pay_spends_what_is_left_and_never_more(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, epsilon=1.0)
    first, second = (submit(platform, sb, FAILING_DP, dp=True, epsilon=0.7) for _ in range(2))  # both fit queued
    assert run(platform, first)["status"] == "failed"
    assert run(platform, second)["status"] == "failed"
    assert _spent(platform, sb) == pytest.approx(1.0)
    with platform.uow() as uow:
        row = uow.session.execute(select(PrivacyBudget)).scalar_one()
        assert 0.0 <= row.spent <= row.total


def test_a_refused_query_without_dp_enters_the_query_history_as_a_release(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=with_new_district(1), personal_without_dp=True)
    number = submit(platform, sb, f"SELECT COUNT(*) AS n, SUM(月收入) AS s FROM {T} WHERE 区县 = '新区'")
    assert run(platform, number)["status"] == "refused"
    with platform.uow() as uow:
        records = uow.session.execute(select(QueryRecord)).scalars().all()
        releases = uow.session.execute(select(PrivacyBudget.releases)).scalar_one()
    assert [(r.cells, r.dp) for r in records] == [(None, False)]
    assert "新区" in records[0].population and releases == 1


def test_a_failed_query_without_dp_enters_the_query_history_as_a_release(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=True)
    assert run(platform, submit(platform, sb, OVER_THE_CAP))["status"] == "failed"
    with platform.uow() as uow:
        records = uow.session.execute(select(QueryRecord)).scalars().all()
        releases = uow.session.execute(select(PrivacyBudget.releases)).scalar_one()
    assert len(records) == 1 and records[0].population == "" and releases == 1


# -- 5. every refusal and failure at run time is in the ledger --------------------------------------------------


def test_a_run_time_refusal_and_failure_are_in_the_ledger_with_agreement_rule_and_code_hash(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=with_new_district(1), personal_without_dp=True)
    refused = submit(platform, sb, f"SELECT COUNT(*) AS n FROM {T} WHERE 区县 = '新区'")
    failed = submit(platform, sb, FAILING_DP, dp=True, epsilon=0.25)
    run(platform, refused)
    run(platform, failed)
    with platform.uow() as uow:
        events = {
            e.object_id: e
            for e in uow.session.execute(select(LedgerEvent).where(LedgerEvent.action.in_(["job.refuse", "job.fail"])))
            .scalars()
            .all()
        }
        hashes = dict(uow.session.execute(select(Job.number, Job.code_hash)).all())
    for number, action, rule in ((refused, "job.refuse", "differencing"), (failed, "job.fail", "run-failed")):
        e = events[number]
        detail = json.loads(e.detail)
        assert (e.action, e.agreement, detail["rule"], detail["code_sha256"]) == (
            action,
            sb.agreement,
            rule,
            hashes[number],
        )
    assert json.loads(events[failed].detail)["epsilon_spent"] == pytest.approx(0.25)
    assert status(platform, failed)["status"] == "failed"
