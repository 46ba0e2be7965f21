"""The table decides (GB/T 35273, GB/T 43697): every item of a table about persons is personal, its amounts,
health, whereabouts and the like sensitive personal; places in a table with no person are not personal."""

from __future__ import annotations

import decimal
import hashlib

import numpy as np
import pyarrow as pa
import pytest
from classify_makers import id_number, id_numbers, scan

from gongshu.classify import grading, scanner
from gongshu.classify.grading import ColumnFacts
from gongshu.classify.hints import sensitive_kind
from gongshu.demo import names as nm
from gongshu.demo.data import build_table, get_resource
from gongshu.demo.identifiers import phones

N = 300


def _flags(result: scanner.ScanResult) -> dict[str, tuple[str, bool, bool]]:
    return {c.name: (c.grade, c.personal, c.sensitive_personal) for c in result.columns}


def _amounts(rng: np.random.Generator) -> pa.Array:
    return pa.array([decimal.Decimal(f"{v:.2f}") for v in rng.uniform(3000, 30000, N)], pa.decimal128(14, 2))


@pytest.fixture(scope="module")
def insured() -> scanner.ScanResult:
    """A 社会保险缴费记录-like table: ID numbers, names, an employer code, categories, months and amounts."""
    rng = np.random.default_rng(7)
    return scan(
        {
            "身份证号": id_numbers(rng, N),
            "姓名": [str(v) for v in nm.person_names(rng, rng.random(N) < 0.5)],
            "险种": list(rng.choice(["养老保险", "医疗保险", "失业保险"], N)),
            "缴费月份": [f"2026{m:02d}" for m in rng.integers(1, 13, N)],
            "缴费基数": _amounts(rng),
            "费用合计": _amounts(rng),
            "诊断名称": list(rng.choice(["高血压", "2型糖尿病", "慢性胃炎"], N)),
            "就诊日期": np.datetime64("2026-01-01") + rng.integers(0, 300, N).astype("timedelta64[D]"),
            "取药数量": list(rng.integers(1, 5, N)),
            "现住址": [str(v) for v in nm.addresses(rng, rng.integers(0, len(nm.DISTRICTS), N))],
            "宗教信仰": list(rng.choice(["无", "佛教", "基督教"], N)),
            "年龄": list(rng.integers(18, 90, N)),
        }
    )


def test_every_item_of_a_table_holding_an_id_number_is_personal_and_protected(insured: scanner.ScanResult) -> None:
    flags = _flags(insured)
    assert all(personal for _, personal, _ in flags.values())
    assert all(grading.GRADES.index(g) >= grading.GRADES.index("general-3") for g, _, _ in flags.values())
    assert flags["险种"] == ("general-3", True, False) and flags["年龄"] == ("general-3", True, False)
    assert flags["缴费月份"] == ("general-3", True, False)  # a month, not an amount, though its name says 缴费
    assert insured.person_identifiers == ("身份证号",) and insured.personal and insured.sensitive_personal


def test_amounts_health_home_addresses_and_beliefs_about_a_person_are_sensitive_personal_information(
    insured: scanner.ScanResult,
) -> None:
    flags = _flags(insured)
    for item in ("缴费基数", "费用合计", "诊断名称", "就诊日期", "取药数量", "现住址", "宗教信仰"):
        assert flags[item] == ("general-4", True, True), item
    linked = {c.name for c in insured.columns if c.linked}
    assert linked == {"险种", "缴费月份", "缴费基数", "费用合计", "就诊日期", "取药数量", "宗教信仰", "年龄"}


def test_a_name_beside_a_mobile_identifies_a_person_but_a_name_beside_an_address_does_not() -> None:
    rng = np.random.default_rng(3)
    people = [str(v) for v in nm.person_names(rng, rng.random(N) < 0.5)]
    mobiles = [str(v) for v in phones(rng, N, p_mobile=1.0)]
    homes = [str(v) for v in nm.addresses(rng, rng.integers(0, len(nm.DISTRICTS), N))]
    income = list(np.round(rng.uniform(1000, 9000, N), 2))
    contacts = scan({"姓名": people, "手机号": mobiles, "月收入": income})
    assert contacts.person_identifiers == ("手机号", "姓名")
    assert _flags(contacts)["月收入"] == ("general-4", True, True)
    registry = scan({"法定代表人": people, "住所": homes, "注册资本(万元)": income})
    assert registry.person_identifiers == ()
    assert _flags(registry) == {  # as before: the enterprise's capital is not about a person
        "法定代表人": ("general-3", True, False),
        "住所": ("general-3", True, False),
        "注册资本(万元)": ("general-1", False, False),
    }


def test_coordinates_of_a_handful_of_monitoring_stations_are_not_personal() -> None:
    rng = np.random.default_rng(11)
    station = np.tile(np.arange(8), N // 8)
    lon, lat = 113.6 + rng.random(8) / 10, 34.7 + rng.random(8) / 10
    result = scan({"监测站点": [f"站点{s}" for s in station], "经度": lon[station], "纬度": lat[station],
                   "AQI": list(rng.integers(20, 200, len(station)))})  # fmt: skip
    assert _flags(result)["经度"] == ("general-1", False, False) and _flags(result)["纬度"][1:] == (False, False)
    assert {f.type for f in result.columns[1].types} == {"gps"}  # still found: only the grading changes
    assert (result.grade, result.personal, result.sensitive_personal) == ("general-1", False, False)


def test_coordinates_that_do_not_repeat_are_a_track_and_stay_sensitive_even_with_no_person_in_the_table() -> None:
    rng = np.random.default_rng(12)
    result = scan({"经度": list(113.6 + rng.random(N)), "纬度": list(34.7 + rng.random(N))})
    assert _flags(result)["经度"] == ("general-4", True, True) and result.sensitive_personal


def test_a_construction_site_address_in_a_table_with_no_person_is_not_personal() -> None:
    rng = np.random.default_rng(13)
    sites = [str(v) for v in nm.addresses(rng, rng.integers(0, len(nm.DISTRICTS), 50))]
    result = scan({"项目名称": [f"示例市第{i}号地块项目" for i in range(50)], "建设地址": sites})
    assert _flags(result)["建设地址"] == ("general-1", False, False) and not result.personal
    beside_a_mobile = scan({"建设地址": sites, "联系电话": [str(v) for v in phones(rng, 50, p_mobile=1.0)]})
    assert _flags(beside_a_mobile)["建设地址"] == ("general-3", True, False)  # someone is in this table


@pytest.mark.parametrize(
    ("name", "numeric", "kind"),
    [("缴费基数", True, "financial"), ("费用合计", True, "financial"), ("工资", True, "financial"),
     ("收入(元)", True, "financial"), ("余额", True, "financial"), ("amount", True, "financial"),
     ("缴费月份", False, None), ("险种", False, None), ("年龄", True, None), ("流水号", False, None),
     ("诊断名称", False, "health"), ("药品名称", False, "health"), ("就诊日期", False, "health"),
     ("银行账号", False, "financial"), ("行动轨迹", False, "whereabouts"), ("家庭住址", False, "whereabouts"),
     ("经纬度", False, "whereabouts"), ("指纹", False, "biometric"), ("宗教信仰", False, "identity"),
     ("监护人", False, "minor"), ("通话记录", False, "communication"), ("病虫害", False, None)],
)  # fmt: skip
def test_a_column_name_says_which_kind_of_sensitive_personal_information_it_holds(
    name: str, numeric: bool, kind: str | None
) -> None:
    assert sensitive_kind(name, numeric) == kind


def _facts(
    name: str,
    *types: tuple[str, float],
    numeric: bool = False,
    free_text: bool = False,
    distinct: int = 0,
    nonnull: int = 0,
) -> ColumnFacts:
    return scanner.column_facts(
        name, list(types), numeric=numeric, free_text=free_text, health=False, distinct=distinct, nonnull=nonnull
    )


def test_id_numbers_mentioned_in_free_text_do_not_make_a_table_about_persons() -> None:
    notes = _facts("备注", ("cn_id_card", 0.6), free_text=True)
    amount = _facts("金额", numeric=True)
    assert grading.person_identifiers([notes, amount]) == ()
    assert grading.grade_table([notes, amount], 10).columns["金额"] == grading.Suggestion("general-1", False, False)


def test_a_passport_or_permit_column_identifies_persons_and_the_strongest_identifier_comes_first() -> None:
    columns = [_facts("港澳通行证", ("cn_hk_macau_permit", 1.0)), _facts("护照号码", ("passport", 0.9)),
               _facts("证件号码", ("cn_id_card", 0.7)), _facts("金额", numeric=True)]  # fmt: skip
    assert grading.person_identifiers(columns) == ("证件号码", "护照号码", "港澳通行证")
    assert grading.grade_table(columns, 10).columns["金额"] == grading.Suggestion("general-4", True, True, True)


def test_coordinates_count_as_places_only_when_few_and_repeated() -> None:
    def lon(distinct: int, nonnull: int) -> grading.Suggestion:
        return grading.grade_table([_facts("经度", ("gps", 1.0), distinct=distinct, nonnull=nonnull)], nonnull).columns[
            "经度"
        ]

    assert not lon(8, 80).personal and lon(8, 79).sensitive_personal  # each repeated 10 times, or not
    assert not lon(1000, 100_000).personal and lon(1001, 100_000).sensitive_personal
    assert lon(0, 0).sensitive_personal  # a stored scan without counts: never taken for places


@pytest.mark.parametrize(
    ("key", "item", "expected"),
    [("social_insurance", "缴费基数", ("general-4", True, True)),
     ("social_insurance", "个人缴费金额", ("general-4", True, True)),
     ("social_insurance", "险种", ("general-3", True, False)),
     ("outpatient_visits", "费用合计", ("general-4", True, True)),
     ("outpatient_visits", "就诊日期", ("general-4", True, True)),
     ("outpatient_visits", "性别", ("general-3", True, False)),
     ("vehicle_registry", "车身颜色", ("general-3", True, False)),
     ("air_quality_hourly", "经度", ("general-1", False, False)),
     ("construction_permits", "建设地址", ("general-1", False, False)),
     ("enterprise_registry", "注册资本(万元)", ("general-1", False, False)),
     ("enterprise_registry", "法定代表人", ("general-3", True, False))],
)  # fmt: skip
def test_the_demo_citys_items_are_graded_by_what_their_table_is_about(
    key: str, item: str, expected: tuple[str, bool, bool]
) -> None:
    res = get_resource(key)
    result = scanner.scan_table(build_table(res, rows=min(res.rows, 2000)))
    assert _flags(result)[item] == expected


def test_the_demo_citys_unconditionally_open_resources_hold_no_personal_information() -> None:
    for key in ("air_quality_hourly", "bus_lines", "construction_permits"):
        res = get_resource(key)
        result = scanner.scan_table(build_table(res, rows=min(res.rows, 2000)))
        assert not result.personal and not result.sensitive_personal and result.person_identifiers == (), key
        assert grading.GRADES.index(result.grade) < grading.GRADES.index("general-3"), key


def test_the_scanner_version_changed_so_that_resources_scanned_before_are_rescanned() -> None:
    parts = ["scanner=1", *(f"{r.code}={r.version}" for r in scanner.RECOGNIZERS)]
    assert scanner.RECOGNIZERS_VERSION != hashlib.sha256(";".join(parts).encode()).hexdigest()[:12]


def test_every_item_of_a_table_mostly_about_children_under_14_is_sensitive_personal_information() -> None:
    rng = np.random.default_rng(21)
    born = np.datetime64("2019-01-01") + rng.integers(0, 1500, N).astype("timedelta64[D]")
    children = [id_number(110105, str(b), int(s)) for b, s in zip(born, rng.integers(0, 1000, N), strict=True)]
    sex = list(rng.choice(["男", "女"], N))
    result = scan({"身份证号": children, "性别": sex})
    assert result.columns[0].minors == 1.0 and _flags(result)["性别"] == ("general-4", True, True)
    adults = scan({"身份证号": id_numbers(rng, N), "性别": sex})
    assert adults.columns[0].minors < 0.5 and _flags(adults)["性别"] == ("general-3", True, False)
