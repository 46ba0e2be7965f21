"""Timeliness: updated within the update cycle at a given now, with grace days, and no clock read inside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gongshu.classify.quality import QualityRuleInvalid

UPDATED = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
MONTH = timedelta(days=35)
TABLE = {"名称": ["公园"]}


def timely(check, now=UPDATED + timedelta(days=10), updated_at=UPDATED, period=MONTH, **params):
    return check(TABLE, "timeliness", ctx={"now": now, "updated_at": updated_at, "period": period}, **params)


def test_a_resource_updated_within_its_cycle_passes(check) -> None:
    result = timely(check)
    assert result.passed and result.score == 1.0
    assert result.measured == {"days_since_update": 10.0, "days_allowed": 35.0, "overdue_days": 0.0}
    assert "10.0" in result.message_zh and "35.0" in result.message_en


def test_the_last_moment_of_the_cycle_is_still_on_time(check) -> None:
    assert timely(check, now=UPDATED + MONTH).passed
    assert not timely(check, now=UPDATED + MONTH + timedelta(seconds=1)).passed


def test_an_overdue_resource_fails_and_loses_score_linearly(check) -> None:
    result = timely(check, now=UPDATED + timedelta(days=42))
    assert not result.passed
    assert result.score == pytest.approx(0.8)
    assert result.measured["overdue_days"] == 7.0
    assert timely(check, now=UPDATED + timedelta(days=100)).score == 0.0


def test_grace_days_extend_the_cycle(check) -> None:
    now = UPDATED + timedelta(days=40)
    assert not timely(check, now=now).passed
    result = timely(check, now=now, grace_days=5)
    assert result.passed and result.measured["days_allowed"] == 40.0


def test_a_resource_without_update_cycle_is_never_overdue(check) -> None:
    result = timely(check, now=UPDATED + timedelta(days=3650), period=None)
    assert result.passed
    assert result.measured["days_allowed"] is None


def test_a_resource_never_updated_fails(check) -> None:
    result = timely(check, updated_at=None)
    assert not result.passed and result.score == 0.0
    assert result.measured["days_since_update"] is None


def test_an_update_time_after_now_counts_as_just_updated(check) -> None:
    assert timely(check, now=UPDATED - timedelta(hours=1)).measured["days_since_update"] == 0.0


def test_now_must_be_given_when_there_is_a_cycle(check) -> None:
    with pytest.raises(QualityRuleInvalid) as caught:
        timely(check, now=None)
    assert "now" in caught.value.en


def test_naive_and_aware_times_are_not_mixed(check) -> None:
    with pytest.raises(QualityRuleInvalid) as caught:
        timely(check, now=datetime(2026, 1, 5, 9, 0))
    assert "timezone" in caught.value.en
