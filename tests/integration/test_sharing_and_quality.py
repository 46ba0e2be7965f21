"""共享 between departments, quality reports and the objection loop (异议 → 核实 → 补正)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from factories import make_resource, make_user, people_rows, write_csv
from gongshu.catalog import objections, quality, services, sharing
from gongshu.catalog.models import Resource
from gongshu.clock import FakeClock
from gongshu.errors import Invalid, InvalidTransition, NotFound, PermissionDenied
from gongshu.identity import Actor
from gongshu.ledger import services as ledger
from gongshu.platform import Platform


def _people(platform: Platform, tmp: Path, share: str = "conditional") -> tuple[Actor, Resource]:
    owner = make_user(platform, username="rsj", org="RSJ")
    res = make_resource(
        platform, owner, tmp, title="参保人员信息", rows=people_rows(30), domain="社保就业", share=share
    )
    return owner, res


def _ask(platform: Platform, who: Actor, res: Resource, fields: list[str], days: int = 30):  # type: ignore[no-untyped-def]
    now = platform.clock.now()
    with platform.uow(write=True) as uow:
        return sharing.request_access(
            uow,
            who,
            res,
            kind="share",
            reason="核验参保状态",
            fields=fields,
            starts_at=now,
            ends_at=now + timedelta(days=days),
        )


def test_a_department_reads_shared_data_with_graded_items_desensitized(
    platform: Platform, tmp_path: Path, backend: str
) -> None:
    owner, res = _people(platform, tmp_path)
    reader = make_user(platform, username="wjw", org="WJW")
    req = _ask(platform, reader, res, ["姓名", "身份证号", "区县"])
    assert req.status == "submitted"
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        sharing.read(uow, reader, req.number)
    with platform.uow(write=True) as uow:
        sharing.decide(uow, owner, req.number, approve=True)
    with platform.uow(write=True) as uow:
        page = sharing.read(uow, reader, req.number, limit=10)
    assert page.columns == ["姓名", "身份证号", "区县"] and len(page.rows) == 10 and page.total == 30
    raw = people_rows(30)[1:11]
    for got, person in zip(page.rows, raw, strict=True):
        assert got[0] != person[0] and got[0][0] == person[0][0]  # masked, first character kept
        assert got[1] != person[1] and len(got[1]) == 16  # keyed hash
        assert got[2] == person[7]  # ungraded: as it is
    assert set(page.desensitized) == {"姓名", "身份证号"}
    with platform.uow() as uow:
        assert [e.action for e in ledger.list_events(uow.session, action="share.read")] == ["share.read"]


def test_not_shared_resources_cannot_be_requested_and_unconditional_ones_are_granted_at_once(
    platform: Platform, tmp_path: Path
) -> None:
    owner = make_user(platform, username="rsj", org="RSJ")
    closed = make_resource(platform, owner, tmp_path, title="内部数据", share="none")
    reader = make_user(platform, username="wjw", org="WJW")
    with pytest.raises(Invalid, match="不予共享"):
        _ask(platform, reader, closed, ["企业名称"])
    free = make_resource(platform, owner, tmp_path, title="公开名录", share="unconditional")
    assert _ask(platform, reader, free, ["企业名称"]).status == "approved"


def test_only_departments_share_and_only_the_owner_decides(platform: Platform, tmp_path: Path) -> None:
    owner, res = _people(platform, tmp_path)
    dev = make_user(platform, username="dev", org="ZHJR", kind="developer")
    with pytest.raises(PermissionDenied):
        _ask(platform, dev, res, ["姓名"])
    reader = make_user(platform, username="wjw", org="WJW")
    req = _ask(platform, reader, res, ["姓名"])
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        sharing.decide(uow, reader, req.number, approve=True)
    stranger = make_user(platform, username="gaj", org="GAJ")
    with pytest.raises(NotFound), platform.uow(write=True) as uow:
        sharing.decide(uow, stranger, req.number, approve=True)
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        sharing.decide(uow, owner, req.number, approve=False)  # a rejection needs a reason
    with platform.uow(write=True) as uow:
        sharing.decide(uow, owner, req.number, approve=False, comment="用途不明确")
    with pytest.raises(InvalidTransition), platform.uow(write=True) as uow:
        sharing.decide(uow, owner, req.number, approve=True)


def test_revocation_and_expiry_stop_reading_at_once(platform: Platform, tmp_path: Path, clock: FakeClock) -> None:
    owner, res = _people(platform, tmp_path)
    reader = make_user(platform, username="wjw", org="WJW")
    req = _ask(platform, reader, res, ["区县"], days=2)
    with platform.uow(write=True) as uow:
        sharing.decide(uow, owner, req.number, approve=True)
    clock.advance(days=3)
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        sharing.read(uow, reader, req.number)
    req2 = _ask(platform, reader, res, ["区县"])
    with platform.uow(write=True) as uow:
        sharing.decide(uow, owner, req2.number, approve=True)
    with platform.uow(write=True) as uow:
        sharing.revoke(uow, owner, req2.number)
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        sharing.read(uow, reader, req2.number)


def test_a_request_with_unknown_items_or_a_past_period_changes_nothing(platform: Platform, tmp_path: Path) -> None:
    _, res = _people(platform, tmp_path)
    reader = make_user(platform, username="wjw", org="WJW")
    with pytest.raises(Invalid, match="信息项不存在"):
        _ask(platform, reader, res, ["工资卡号"])
    with pytest.raises(Invalid):
        _ask(platform, reader, res, ["姓名"], days=-1)
    with platform.uow() as uow:
        assert sharing.list_requests(uow, reader) == []


def test_every_version_gets_a_quality_report_and_declared_rules_rescore_it(
    platform: Platform, tmp_path: Path, backend: str
) -> None:
    owner, res = _people(platform, tmp_path)
    with platform.uow() as uow:
        first = quality.latest_report(uow, res)
    assert first is not None and first.version == 1 and first.score == 100.0
    rules = [
        {"kind": "range", "params": {"column": "年龄", "min": 0, "max": 40}},
        {"kind": "uniqueness", "params": {"columns": ["身份证号"]}},
    ]
    with platform.uow(write=True) as uow:
        version = services.current_version(uow, owner, res.code)
        report = quality.set_rules(uow, owner, res, rules, version)
    assert report.failed == 1 and report.score < 100
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        quality.set_rules(uow, owner, res, [{"kind": "range", "params": {"column": "不存在"}}], version)


def test_an_objection_is_verified_and_corrected_by_a_new_version_within_tracked_deadlines(
    platform: Platform, tmp_path: Path, clock: FakeClock, backend: str
) -> None:
    owner, res = _people(platform, tmp_path)
    user = make_user(platform, username="wjw", org="WJW")
    with platform.uow(write=True) as uow:
        obj = objections.raise_objection(uow, user, res, text="年龄与出生日期不一致", item="年龄")
    clock.advance(days=platform.settings.objection_verify_days + 1)
    with platform.uow() as uow:
        assert [v.overdue for v in objections.list_objections(uow, owner)] == [True]
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        objections.verify(uow, user, obj.number, accept=True, response="我来核实")
    with platform.uow(write=True) as uow:
        objections.verify(uow, owner, obj.number, accept=True, response="属实，将补正")
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        objections.correct(uow, owner, obj.number, version=1)  # older than the objection
    path = write_csv(tmp_path / "fixed.csv", people_rows(30))
    with platform.uow(write=True) as uow:
        v = services.add_version(uow, owner, res.code, services.FileSource(path, path.name))
    with platform.uow(write=True) as uow:
        done = objections.correct(uow, owner, obj.number, version=v.number)
    assert done.status == "corrected" and done.corrected_version == 2
    with pytest.raises(InvalidTransition), platform.uow(write=True) as uow:
        objections.verify(uow, owner, obj.number, accept=False, response="再驳回")
    with platform.uow() as uow:
        actions = [e.action for e in ledger.list_events(uow.session, object_id=obj.number)]
    assert actions == ["objection.corrected", "objection.verified", "objection.raise"]


def test_a_rejected_objection_needs_a_reason_and_others_cannot_see_it(platform: Platform, tmp_path: Path) -> None:
    owner, res = _people(platform, tmp_path)
    user = make_user(platform, username="wjw", org="WJW")
    with platform.uow(write=True) as uow:
        obj = objections.raise_objection(uow, user, res, text="数据过期")
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        objections.verify(uow, owner, obj.number, accept=False, response=" ")
    with platform.uow(write=True) as uow:
        objections.verify(uow, owner, obj.number, accept=False, response="数据按月更新，未过期")
    stranger = make_user(platform, username="gaj", org="GAJ")
    with pytest.raises(NotFound), platform.uow() as uow:
        objections.get_objection(uow, stranger, obj.number)
