"""脱敏 and 开放: derived versions, k-anonymity gates, and who may download what."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from factories import make_resource, make_user, people_rows
from gongshu.catalog import desensitization, opendata, services, sharing
from gongshu.catalog.models import Resource
from gongshu.classify.desensitize import Plan
from gongshu.errors import GongshuError, Invalid, NotAuthenticated, NotFound, PermissionDenied
from gongshu.identity import PUBLIC, Actor
from gongshu.platform import Platform

PLAN = {
    "steps": [
        {"column": "姓名", "operator": "mask", "params": {"keep_first": 1}},
        {"column": "身份证号", "operator": "keyed_hash", "params": {"algorithm": "sm3"}},
        {"column": "出生日期", "operator": "generalize", "params": {"kind": "date_to_year"}},
        {"column": "年龄", "operator": "generalize", "params": {"kind": "age_to_band"}},
        {"column": "住址", "operator": "generalize", "params": {"kind": "address_to_district"}},
    ],
    "drop": ["手机号"],
}


def _publish(platform: Platform, tmp: Path, *, open: str = "unconditional") -> tuple[Actor, Resource]:
    actor = make_user(platform, username="rsj", org="RSJ")
    res = make_resource(
        platform,
        actor,
        tmp,
        title="参保人员信息",
        rows=people_rows(60),
        domain="社保就业",
        open=open,
        share="unconditional" if open == "unconditional" else "conditional",
    )
    return actor, res


def _derive(platform: Platform, actor: Actor, res: Resource, qi: list[str], plan: dict | None = None):  # type: ignore[no-untyped-def]
    with platform.uow(write=True) as uow:
        return desensitization.desensitize(
            uow, actor, res, Plan.from_json(plan or PLAN), quasi_identifiers=qi, sensitive="月收入"
        )


def _download(platform: Platform, actor: Actor, code: str, fmt: str = "csv") -> bytes:
    with platform.uow(write=True) as uow:
        got = opendata.download(uow, actor, code, fmt)
    try:
        return got.path.read_bytes()
    finally:
        got.path.unlink()


def test_a_plan_makes_a_derived_version_with_its_k_anonymity(platform: Platform, tmp_path: Path, backend: str) -> None:
    actor, res = _publish(platform, tmp_path)
    v = _derive(platform, actor, res, ["区县"])
    assert v.kind == "desensitized" and v.derived_from == 1 and v.number == 2 and v.k == 12
    with platform.uow() as uow:
        current = services.current_version(uow, actor, res.code)
    assert current.number == 1  # the resource still holds its original data


def test_graded_data_is_not_downloadable_until_a_derived_version_is_marked_openable(
    platform: Platform, tmp_path: Path
) -> None:
    actor, res = _publish(platform, tmp_path)
    with pytest.raises(NotFound):
        _download(platform, PUBLIC, res.code)
    with pytest.raises(Invalid, match="protected"), platform.uow(write=True) as uow:
        desensitization.mark_openable(uow, actor, res, 1)
    v = _derive(platform, actor, res, ["区县"])
    with platform.uow(write=True) as uow:
        desensitization.mark_openable(uow, actor, res, v.number)
    rows = list(csv.reader(io.StringIO(_download(platform, PUBLIC, res.code).decode())))
    assert rows[0] == ["姓名", "身份证号", "住址", "出生日期", "年龄", "月收入", "区县"]
    raw = people_rows(60)
    flat = "\n".join(",".join(r) for r in rows)
    for person in raw[1:]:
        assert person[1] not in flat and person[2] not in flat and person[0] not in flat


def test_k_below_the_minimum_refuses_the_openable_mark(platform: Platform, tmp_path: Path, backend: str) -> None:
    actor, res = _publish(platform, tmp_path)
    v = _derive(platform, actor, res, ["身份证号"])  # hashed ids are still unique: k = 1
    assert v.k == 1
    with pytest.raises(Invalid, match="k = 1"), platform.uow(write=True) as uow:
        desensitization.mark_openable(uow, actor, res, v.number)


def test_a_plan_that_leaves_a_protected_item_untouched_cannot_be_opened(platform: Platform, tmp_path: Path) -> None:
    actor, res = _publish(platform, tmp_path)
    partial = {"steps": [{"column": "姓名", "operator": "suppress", "params": {}}], "drop": []}
    v = _derive(platform, actor, res, ["区县"], partial)
    with pytest.raises(Invalid, match="身份证号"), platform.uow(write=True) as uow:
        desensitization.mark_openable(uow, actor, res, v.number)


def test_a_not_open_resource_can_never_be_downloaded_anonymously(
    platform: Platform, tmp_path: Path, backend: str
) -> None:
    actor = make_user(platform, username="rsj", org="RSJ")
    res = make_resource(platform, actor, tmp_path, title="企业登记信息", open="none")
    for fmt in ("csv", "json", "parquet"):
        with pytest.raises(NotFound):
            _download(platform, PUBLIC, res.code, fmt)
    dev = make_user(platform, username="dev", org="ZHJR", kind="developer")
    with pytest.raises(PermissionDenied):
        _download(platform, dev, res.code)


def test_ungraded_unconditional_data_downloads_in_every_format(platform: Platform, tmp_path: Path) -> None:
    actor = make_user(platform, username="sthjj", org="STHJJ")
    rows = [["监测站点", "AQI"], *[[f"站点{i}", 40 + i] for i in range(20)]]
    res = make_resource(
        platform,
        actor,
        tmp_path,
        title="空气质量",
        rows=rows,
        open="unconditional",
        share="unconditional",
        domain="生态环境",
    )
    assert _download(platform, PUBLIC, res.code).decode().startswith("监测站点,AQI\n站点0,40")
    assert _download(platform, PUBLIC, res.code, "json").decode().startswith("[")
    assert _download(platform, PUBLIC, res.code, "parquet")[:4] == b"PAR1"


def test_conditionally_open_data_needs_an_approved_application(
    platform: Platform, tmp_path: Path, backend: str
) -> None:
    actor = make_user(platform, username="sthjj", org="STHJJ")
    rows = [["监测站点", "AQI", "备注"], *[[f"站点{i}", 40 + i, "正常"] for i in range(20)]]
    res = make_resource(
        platform,
        actor,
        tmp_path,
        title="空气质量",
        rows=rows,
        open="conditional",
        share="unconditional",
        domain="生态环境",
    )
    with pytest.raises(NotAuthenticated):
        _download(platform, PUBLIC, res.code)
    dev = make_user(platform, username="dev", org="ZHJR", kind="developer")
    with pytest.raises(PermissionDenied):
        _download(platform, dev, res.code)
    now = platform.clock.now()
    with platform.uow(write=True) as uow:
        req = sharing.request_access(
            uow,
            dev,
            res,
            kind="open",
            reason="研究空气质量",
            fields=["监测站点", "AQI"],
            starts_at=now,
            ends_at=now + timedelta(days=30),
        )
    with platform.uow(write=True) as uow:
        sharing.decide(uow, actor, req.number, approve=True)
    assert _download(platform, dev, res.code).decode().splitlines()[0] == "监测站点,AQI"
    with platform.uow(write=True) as uow:
        sharing.revoke(uow, actor, req.number)
    with pytest.raises(GongshuError):
        _download(platform, dev, res.code)
