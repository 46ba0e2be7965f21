"""分类分级 stored with the catalog: scans at ingest, tags with provenance, confirmations, rescans."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from factories import make_resource, make_user, people_rows, write_csv
from gongshu.catalog import classification, services
from gongshu.errors import Invalid, PermissionDenied
from gongshu.identity import SYSTEM
from gongshu.ledger import services as ledger
from gongshu.platform import Platform


@pytest.fixture
def published(platform: Platform, tmp_path: Path):  # type: ignore[no-untyped-def]
    actor = make_user(platform, username="rsj", org="RSJ")
    res = make_resource(platform, actor, tmp_path, title="参保人员信息", rows=people_rows(60), domain="社保就业")
    return actor, res


def _view(platform: Platform, code: str):  # type: ignore[no-untyped-def]
    with platform.uow() as uow:
        res = services.get_resource(uow, SYSTEM, code)
        return classification.view(uow, res), classification.effective_grades(uow, res)


def test_ingest_scans_the_data_and_suggests_grades_with_provenance(platform: Platform, published, backend: str) -> None:
    _, res = published
    view, grades = _view(platform, res.code)
    tags = {c.name: [t.type for t in c.tags] for c in view.columns}
    assert tags["身份证号"] == ["cn_id_card"] and tags["手机号"] == ["cn_mobile"] and tags["月收入"] == []
    id_tag = next(c for c in view.columns if c.name == "身份证号").tags[0]
    assert id_tag.recognizer == "cn_id_card" and id_tag.recognizer_version and id_tag.share == 1.0
    assert grades["身份证号"].grade == "general-4" and grades["身份证号"].sensitive_personal
    assert grades["手机号"].grade == "general-3" and grades["手机号"].personal
    assert grades[""].grade == "general-4" and not grades[""].confirmed
    assert view.last_scan is not None and not view.outdated and view.changes == 0


def test_the_provider_overrides_a_grade_only_with_a_reason_and_it_is_ledgered(
    platform: Platform, published, backend: str
) -> None:
    actor, res = published
    with pytest.raises(Invalid, match="reason"), platform.uow(write=True) as uow:
        classification.confirm_grade(uow, actor, res, column="月收入", grade="general-3")
    with platform.uow(write=True) as uow:
        classification.confirm_grade(uow, actor, res, column="月收入", grade="general-3", reason="收入属于个人财产信息")
        classification.confirm_grade(uow, actor, res, column="手机号", grade="general-3")  # confirming needs none
    _, grades = _view(platform, res.code)
    assert grades["月收入"].grade == "general-3" and grades["月收入"].confirmed and grades["月收入"].protected
    with platform.uow() as uow:
        events = ledger.list_events(uow.session, action="grade.confirm")
    assert [e.object_id for e in events] == [res.code, res.code]


def test_another_department_cannot_confirm_grades_or_remove_tags(platform: Platform, published) -> None:
    _, res = published
    other = make_user(platform, username="wjw", org="WJW")
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        classification.confirm_grade(uow, other, res, column="手机号", grade="general-1", reason="x")
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        classification.decide_tag(uow, other, res, column="手机号", type="cn_mobile", keep=False, reason="x")


def test_a_removed_tag_stays_removed_on_rescan_and_no_longer_counts_for_the_grade(
    platform: Platform, published, tmp_path: Path
) -> None:
    actor, res = published
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        classification.decide_tag(uow, actor, res, column="手机号", type="cn_mobile", keep=False)
    with platform.uow(write=True) as uow:
        classification.decide_tag(uow, actor, res, column="手机号", type="cn_mobile", keep=False, reason="内部工号")
    _, grades = _view(platform, res.code)
    # no longer a mobile: still personal, as every item of a table about persons (身份证号), but not by its tag
    assert grades["手机号"].grade == "general-3" and grades["手机号"].personal
    with platform.uow() as uow:
        assert "手机号" in classification.linked_columns(uow, services.get_resource(uow, SYSTEM, res.code))
    with platform.uow(write=True) as uow:
        assert services.rescan(uow, actor, res.code) == 0
    view, grades = _view(platform, res.code)
    tag = next(c for c in view.columns if c.name == "手机号").tags[0]
    assert tag.status == "removed" and tag.reason == "内部工号" and grades["手机号"].grade == "general-3"


def test_a_new_version_shows_what_changed_until_the_provider_accepts(
    platform: Platform, published, tmp_path: Path
) -> None:
    actor, res = published
    with platform.uow(write=True) as uow:
        classification.confirm_grade(uow, actor, res, column="区县", grade="general-3")
    rows = people_rows(60)
    for row in rows[1:]:
        row[7] = row[1]  # 区县 now (wrongly) holds ID numbers
    path = write_csv(tmp_path / "v2.csv", rows)
    with platform.uow(write=True) as uow:
        services.add_version(uow, actor, res.code, services.FileSource(path, path.name))
    view, _ = _view(platform, res.code)
    district = next(c for c in view.columns if c.name == "区县")
    assert [t.type for t in district.tags] == ["cn_id_card"] and district.tags[0].changed
    assert district.grade is not None and district.grade.changed and view.changes == 2
    with platform.uow(write=True) as uow:
        assert classification.accept_changes(uow, actor, res) == 2
    assert _view(platform, res.code)[0].changes == 0


def test_resources_scanned_with_older_recognizers_are_found_and_rescanned(platform: Platform, published) -> None:
    actor, res = published
    with platform.db.engine.begin() as conn:
        conn.execute(text("UPDATE scan_record SET recognizers_version = 'old'"))
    with platform.uow() as uow:
        assert classification.outdated_codes(uow) == [res.code]
    with platform.uow(write=True) as uow:
        services.rescan(uow, actor, res.code)
    with platform.uow() as uow:
        assert classification.outdated_codes(uow) == []


def test_every_item_of_a_resource_about_persons_is_personal_and_its_income_sensitive(
    platform: Platform, published, backend: str
) -> None:
    _, res = published
    _, grades = _view(platform, res.code)
    assert grades["月收入"].grade == "general-4" and grades["月收入"].sensitive_personal  # money of a person
    assert grades["住址"].grade == "general-4" and grades["住址"].sensitive_personal  # where the person lives
    assert all(g.personal and g.protected for g in grades.values())
    with platform.uow() as uow:
        res = services.get_resource(uow, SYSTEM, res.code)
        assert classification.person_identifiers(uow, res) == ("身份证号",)
        assert classification.holds_personal(classification.effective_grades(uow, res))
        assert classification.linked_columns(uow, res) == {"年龄", "月收入", "区县"}


def test_removing_the_id_number_tag_regrades_the_whole_table(platform: Platform, tmp_path: Path, backend: str) -> None:
    actor = make_user(platform, username="rsj", org="RSJ")
    rows = [[r[1], r[6], r[7]] for r in people_rows(60)]  # 身份证号, 月收入, 区县
    res = make_resource(platform, actor, tmp_path, title="收入统计", rows=rows, domain="社保就业")
    _, grades = _view(platform, res.code)
    assert (grades["月收入"].grade, grades["月收入"].sensitive_personal) == ("general-4", True)
    with platform.uow(write=True) as uow:
        classification.decide_tag(uow, actor, res, column="身份证号", type="cn_id_card", keep=False, reason="测试编号")
    _, grades = _view(platform, res.code)
    assert {c: (g.grade, g.personal) for c, g in grades.items()} == {
        "": ("general-1", False),
        "身份证号": ("general-1", False),
        "月收入": ("general-1", False),
        "区县": ("general-1", False),
    }
    with platform.uow() as uow:
        assert classification.person_identifiers(uow, services.get_resource(uow, SYSTEM, res.code)) == ()


def test_a_resource_graded_by_the_old_scanner_is_rescanned_and_its_new_grades_wait_for_the_provider(
    platform: Platform, published, backend: str
) -> None:
    actor, res = published
    with platform.db.engine.begin() as conn:  # as the old scanner left it: 月收入 was 一般数据1级, not personal
        conn.execute(text("UPDATE scan_record SET recognizers_version = 'old'"))
        conn.execute(
            text(
                "UPDATE column_grade SET suggested = 'general-1', suggested_personal = false, "
                "suggested_sensitive = false WHERE \"column\" = '月收入'"
            )
        )
        conn.execute(text("UPDATE column_grade SET suggested_personal = false WHERE \"column\" = '区县'"))
    with platform.uow(write=True) as uow:
        classification.confirm_grade(uow, actor, res, column="月收入", grade="general-1")
        classification.confirm_grade(uow, actor, res, column="区县", grade="general-3")
    with platform.uow() as uow:
        assert classification.outdated_codes(uow) == [res.code]
    with platform.uow(write=True) as uow:
        assert services.rescan(uow, actor, res.code) == 2
    view, grades = _view(platform, res.code)
    income = next(c for c in view.columns if c.name == "月收入")
    assert income.grade is not None and income.grade.changed and income.grade.suggested == "general-4"
    assert income.grade.suggested_sensitive and grades["月收入"].grade == "general-1"  # the provider decides
    district = next(c for c in view.columns if c.name == "区县").grade
    assert district is not None and district.changed and district.suggested_personal  # the flag alone changed
