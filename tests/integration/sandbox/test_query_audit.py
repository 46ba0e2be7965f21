"""The query audit end to end: an analyst's ordinary sequence of tables passes, what the released cells would
give away is refused, and a result audited against a history that changed before it was recorded is run again."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from test_adversarial import BY, SMALL, TOTAL, T, run, status, submit

from gongshu.sandbox import runner
from gongshu.sandbox.models import PrivacyBudget, QueryRecord
from gongshu.sandbox.py_jobs import run_python
from gongshu.sandbox.queue import claim
from gongshu.sandbox.sql_jobs import run_sql
from sandbox_setup import build_sandbox

pytestmark = pytest.mark.usefixtures("backend")

EXPLORATION = [  # what an analyst asks of the income table, one after the other
    f"{BY} GROUP BY 区县",
    f"SELECT 行业, COUNT(*) AS 人数, SUM(月收入) AS 收入合计 FROM {T} GROUP BY 行业",
    f"SELECT 区县, 行业, COUNT(*) AS 人数, AVG(月收入) AS 平均收入 FROM {T} GROUP BY 区县, 行业",
    TOTAL,
    f"{BY} WHERE 行业 = '服务业' GROUP BY 区县",
    f"{BY} WHERE 月收入 >= 1000 GROUP BY 区县",
]


def test_an_ordinary_sequence_of_tables_passes_the_audit_and_is_recorded(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    for sql in EXPLORATION:
        s = run(platform, submit(platform, sb, sql))
        assert s["status"] == "in_review", (sql, s["error"])
        assert '"query_audit"' in s["said"] and '"differencing"' in s["said"]  # the protections it passed
    with platform.uow() as uow:
        records = uow.session.execute(select(QueryRecord).order_by(QueryRecord.id)).scalars().all()
        releases = uow.session.execute(select(PrivacyBudget.releases)).scalar_one()
    assert releases == len(EXPLORATION) == len(records)
    cells = [json.loads(r.cells) for r in records]
    assert [len(c["keys"]) for c in cells] == [1, 1, 2, 0, 1, 1]
    assert all(c["released"] for c in cells) and cells[4]["where"] == '"居民收入抽样信息"."行业" = \'服务业\''


def test_a_dp_query_is_not_audited_and_not_counted(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    s = run(platform, submit(platform, sb, f"SELECT 区县, COUNT(*) AS 人数 FROM {T} GROUP BY 区县", dp=True))
    assert s["status"] == "in_review"
    with platform.uow() as uow:
        assert uow.session.execute(select(QueryRecord)).first() is None
        assert uow.session.execute(select(PrivacyBudget.releases)).scalar_one() == 0


def test_a_release_overtaken_by_another_is_audited_again_against_the_new_history(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    first = run(platform, submit(platform, sb, f"{BY} GROUP BY 区县"))
    assert first["status"] == "in_review"
    number = submit(platform, sb, TOTAL)
    runs = []

    def overtaken(p, ctx):  # another worker releases a result while this one is being audited, once
        out = run_sql(p, ctx)
        if not runs:
            with p.uow(write=True) as uow:
                uow.session.execute(update(PrivacyBudget).values(releases=PrivacyBudget.releases + 1))
                uow.commit()
        runs.append(out.audit_seen)
        return out

    assert claim(platform, "test") == number
    assert runner.execute(platform, number, overtaken, run_python) == "in_review"
    assert runs == [1, 2]  # the second run read the count the first one lost against
    assert status(platform, number)["status"] == "in_review"


def test_a_release_overtaken_every_time_is_refused_and_leaves_nothing(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    assert run(platform, submit(platform, sb, f"{BY} GROUP BY 区县"))["status"] == "in_review"
    number = submit(platform, sb, TOTAL)

    def always_overtaken(p, ctx):
        out = run_sql(p, ctx)
        with p.uow(write=True) as uow:
            uow.session.execute(update(PrivacyBudget).values(releases=PrivacyBudget.releases + 1))
            uow.commit()
        return out

    assert claim(platform, "test") == number
    assert runner.execute(platform, number, always_overtaken, run_python) == "refused"
    s = status(platform, number)
    assert s["error"]["rule"] == "audit-busy" and s["files"] == {} and s["outputs"] == {}
    with platform.uow() as uow:
        records = uow.session.execute(select(QueryRecord).order_by(QueryRecord.id)).scalars().all()
    # the first query's, and the refused one's population (charged like a release), with no cells released
    assert len(records) == 2 and records[0].cells is not None and records[1].cells is None
