"""Invariant 3: a privacy budget is never overspent, also when 20 jobs charge it at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gongshu.db import Database
from gongshu.grants.models import Agreement
from gongshu.platform import Platform
from gongshu.sandbox import budget
from gongshu.sandbox.errors import BudgetExhausted
from sandbox_setup import build_sandbox

pytestmark = pytest.mark.usefixtures("backend")


def test_twenty_concurrent_charges_never_spend_more_than_the_budget(platform: Platform, tmp_path: Path):
    sb = build_sandbox(platform, tmp_path, epsilon=1.0)
    with platform.uow() as uow:
        agreement_id = uow.session.query(Agreement).filter_by(number=sb.agreement).one().id
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def charge() -> None:
        p = Platform(platform.settings, clock=platform.clock, db=Database(platform.settings.db_url))
        try:
            barrier.wait()
            with p.uow(write=True) as uow:
                agreement = uow.session.get(Agreement, agreement_id)
                budget.charge(uow, agreement, 0.15)
                uow.session.commit()
            outcome = "paid"
        except BudgetExhausted:
            outcome = "refused"
        finally:
            p.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=charge) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with platform.uow() as uow:
        spent = budget.budget_of(uow, uow.session.get(Agreement, agreement_id)).spent
    assert results.count("paid") == 6  # 6 × 0.15 = 0.9; a seventh would make 1.05
    assert results.count("refused") == 14
    assert spent == pytest.approx(0.9)
