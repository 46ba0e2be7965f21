"""The demo city (`make run`) loads every party and capability, and loading it again changes nothing."""

from __future__ import annotations

from gongshu.catalog import classification, objections, opendata, services, sharing
from gongshu.demo.load import load_demo
from gongshu.grants import agreements, applications
from gongshu.identity import PUBLIC, SYSTEM
from gongshu.identity import services as identity
from gongshu.ledger import services as ledger
from gongshu.ledger.export import verify_database
from gongshu.platform import Platform


def test_the_demo_city_has_every_role_resource_and_workflow_and_is_safe_to_load_twice(platform: Platform) -> None:
    lines: list[str] = []
    load_demo(platform, scale=0.01, echo=lines.append)
    with platform.uow() as uow:
        kinds = {o.kind for o in identity.list_orgs(uow, SYSTEM)}
        providers = identity.list_orgs(uow, SYSTEM, "provider")
        found, total = services.search(uow, SYSTEM, "", limit=200)
        conflicts = services.source_conflicts(uow, SYSTEM)
        requests = sharing.list_requests(uow, SYSTEM, mine=False)
        open_objections = objections.list_objections(uow, SYSTEM, open_only=True)
        size = ledger.state_size(uow.session)
        statuses = sorted(a.status for a in applications.list_applications(uow, SYSTEM))
        in_force = [
            a.number for a in agreements.list_agreements(uow, SYSTEM) if agreements.in_force(a, uow.clock.now())
        ]
    assert kinds == {"bureau", "provider", "operator", "developer", "consumer", "regulator"}
    assert len(providers) >= 6 and total >= 8
    assert any(r.title == "社会保险缴费记录" for r in found)
    assert [c.item for c in conflicts] == ["统一社会信用代码"]
    assert {r.kind for r, _ in requests} == {"share", "open"} and len(open_objections) == 1
    assert any("gongshu-demo-2026" in line for line in lines)
    assert statuses == ["agreed", "in_review"] and len(in_force) == 1
    load_demo(platform, scale=0.01, echo=lines.append)
    with platform.uow() as uow:
        assert ledger.state_size(uow.session) == size
        report = verify_database(uow.session, algo="sha256", keys={platform.signer.key_id: platform.signer.public_b64})
    assert report.ok


def test_the_demo_citys_open_resources_grade_non_personal_and_download_and_its_amounts_are_sensitive(
    platform: Platform,
) -> None:
    load_demo(platform, scale=0.01, echo=lambda _: None)
    with platform.uow() as uow:
        found, _ = services.search(uow, SYSTEM, "", limit=200)
        by_title = {r.title: r for r in found}
        grades = {t: classification.effective_grades(uow, by_title[t]) for t in by_title}
        about = {t: classification.person_identifiers(uow, by_title[t]) for t in by_title}
    for title in ("空气质量监测小时数据", "公交线路信息", "建筑工程施工许可"):
        assert not classification.holds_personal(grades[title]) and about[title] == (), title
        with platform.uow(write=True) as uow:
            got = opendata.download(uow, PUBLIC, by_title[title].code, "csv")
        assert got.path.read_bytes().decode().count("\n") >= 50, title
        got.path.unlink()
    assert not grades["空气质量监测小时数据"]["经度"].protected
    assert about["社会保险缴费记录"] == ("身份证号",) and about["门诊就诊记录"] == ("患者身份证号",)
    for title, item in (("社会保险缴费记录", "缴费基数"), ("门诊就诊记录", "费用合计")):
        g = grades[title][item]
        assert (g.grade, g.personal, g.sensitive_personal) == ("general-4", True, True), item
    assert all(g.personal and g.protected for g in grades["门诊就诊记录"].values())
