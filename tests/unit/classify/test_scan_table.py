"""Whole-table scans: every type and the decoys next to them get exactly the types and grades expected."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from classify_makers import card_number, credit_code_list, grades_of, id_numbers, scan, types_of

from gongshu.classify import RECOGNIZERS_VERSION, scan_table
from gongshu.demo import names as nm
from gongshu.demo.identifiers import phones, plates

N = 300
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def _every_type(rng: np.random.Generator) -> dict[str, object]:
    ids = id_numbers(rng, N)
    ids[:20] = ["412722198001010018", "510212196503150021", "110105900101123", "11010519491231002X"] * 5
    ids[20:30] = [v.translate(FULL_WIDTH) for v in ids[20:30]]
    mobiles = [str(v) for v in phones(rng, N, p_mobile=1.0)]
    mobiles[:30] = [f"+86 {m[:3]}-{m[3:7]}-{m[7:]}" for m in mobiles[:30]]
    cards = [card_number("62" + "".join(map(str, rng.integers(0, 10, 16)))) for _ in range(N)]
    wrong_ids = [v[:17] + ("0" if v[17] != "0" else "1") for v in id_numbers(rng, N)]
    random18 = ["".join(map(str, rng.integers(1, 10, 18))) for _ in range(N)]
    visas = [card_number("4" + "".join(map(str, rng.integers(0, 10, 14)))) for _ in range(N)]
    not_luhn = [c[:-1] + str((int(c[-1]) + 1) % 10) for c in visas]
    lat = 34 + rng.random(N)
    return {
        "身份证号": ids,
        "手机": mobiles,
        "办公电话": [str(v) for v in phones(rng, N, p_mobile=0.0)],
        "银行卡号": cards,
        "统一社会信用代码": credit_code_list(rng, N),
        "email": [f"user{i}@example{i % 7}.com" for i in range(N)],
        "护照号码": [f"E{rng.integers(10**7, 10**8)}" for _ in range(N)],
        "港澳通行证": [f"C{rng.integers(10**7, 10**8)}" for _ in range(N)],
        "号牌号码": [str(v) for v in plates(rng, rng.integers(0, 4, N))],
        "姓名": [str(v) for v in nm.person_names(rng, rng.random(N) < 0.5)],
        "住址": [str(v) for v in nm.addresses(rng, rng.integers(0, len(nm.DISTRICTS), N))],
        "位置": [f"{113 + x:.6f},{y:.6f}" for x, y in zip(rng.random(N), lat, strict=True)],
        "纬度": list(np.round(lat, 6)),
        "登录IP": [".".join(map(str, rng.integers(1, 255, 4))) for _ in range(N)],
        "出生日期": np.datetime64("1950-01-01") + rng.integers(0, 20000, N).astype("timedelta64[D]"),
        "诊断": list(rng.choice(["高血压", "2型糖尿病", "慢性胃炎", "健康"], N)),
        "手机号(浮点)": [float(m) for m in phones(rng, N, p_mobile=1.0)],
        "流水号": wrong_ids,
        "身份证号码(随机)": random18,
        "订单号": [f"1{rng.choice([0, 1, 2])}{rng.integers(10**8, 10**9)}" for _ in range(N)],
        "券码": not_luhn,
        "编号": [str(v) for v in rng.integers(10**7, 10**8, N)],
        "金额": list(np.round(rng.lognormal(8, 1, N), 2)),
        "类别": list(rng.choice(["企业登记", "社会保险", "医疗卫生", "交通出行"], N)),
        "企业名称": [f"示例市{c}科技有限公司" for c in rng.choice(list("华瑞辉达中原金水"), N)],
        "区县": list(rng.choice(nm.DISTRICTS, N)),
        "日期": np.datetime64("2018-01-01") + rng.integers(0, 2000, N).astype("timedelta64[D]"),
    }


# The table is about persons (身份证号): every item is personal, at least general-3, and an amount (金额),
# a home address (住址) or coordinates are sensitive personal information, general-4.
EXPECTED = {
    "身份证号": ({"cn_id_card"}, "general-4"),
    "手机": ({"cn_mobile"}, "general-3"),
    "办公电话": ({"cn_landline"}, "general-3"),
    "银行卡号": ({"bank_card"}, "general-4"),
    "统一社会信用代码": ({"cn_uscc"}, "general-3"),
    "email": ({"email"}, "general-3"),
    "护照号码": ({"passport"}, "general-4"),
    "港澳通行证": ({"cn_hk_macau_permit"}, "general-4"),
    "号牌号码": ({"cn_license_plate"}, "general-3"),
    "姓名": ({"person_name"}, "general-3"),
    "住址": ({"address"}, "general-4"),
    "位置": ({"gps"}, "general-4"),
    "纬度": ({"gps"}, "general-4"),
    "登录IP": ({"ip_address"}, "general-3"),
    "出生日期": ({"date_of_birth"}, "general-3"),
    "诊断": (set(), "general-4"),
    "手机号(浮点)": ({"cn_mobile"}, "general-3"),
    "流水号": (set(), "general-3"),
    "身份证号码(随机)": (set(), "general-3"),
    "订单号": (set(), "general-3"),
    "券码": (set(), "general-3"),
    "编号": (set(), "general-3"),
    "金额": (set(), "general-4"),
    "类别": (set(), "general-3"),
    "企业名称": (set(), "general-3"),
    "区县": (set(), "general-3"),
    "日期": (set(), "general-3"),
}


@pytest.fixture(scope="module")
def every_type() -> dict[str, object]:
    return _every_type(np.random.default_rng(20250101))


def test_a_table_with_every_type_and_decoys_gets_exactly_the_expected_types_and_grades(
    every_type: dict[str, object],
) -> None:
    result = scan(every_type)
    assert types_of(result) == {name: types for name, (types, _) in EXPECTED.items()}
    assert grades_of(result) == {name: grade for name, (_, grade) in EXPECTED.items()}
    assert result.grade == "general-4" and result.personal and result.sensitive_personal
    assert result.rows == N and result.recognizers_version == RECOGNIZERS_VERSION


def test_every_finding_says_which_recognizer_and_version_found_how_many_cells(
    every_type: dict[str, object],
) -> None:
    column = scan({"身份证号": list(every_type["身份证号"])}).columns[0]  # type: ignore[call-overload]
    (finding,) = column.types
    assert (finding.type, finding.recognizer, finding.recognizer_version) == ("cn_id_card", "cn_id_card", "1")
    assert (finding.share, finding.matched, finding.score) == (1.0, N, 1.0)
    assert column.hint == "cn_id_card" and not column.free_text and not column.sampled


def test_a_diagnosis_column_is_sensitive_personal_information_from_its_name_alone() -> None:
    column = scan({"诊断结果": ["高血压", "糖尿病"]}).columns[0]
    assert (column.hint, column.grade, column.personal, column.sensitive_personal) == (
        "health",
        "general-4",
        True,
        True,
    )
    beds = scan({"病床数": [10, 20]}).columns[0]
    assert beds.grade == "general-1"


def test_a_name_hint_alone_does_not_make_random_numbers_an_id_column() -> None:
    rng = np.random.default_rng(5)
    result = scan({"身份证号": ["".join(map(str, rng.integers(0, 10, 18))) for _ in range(500)]})
    assert result.columns[0].types == [] and result.columns[0].hint == "cn_id_card"


def test_a_number_valid_under_two_checksums_goes_to_the_type_that_dominates_its_column() -> None:
    both = "620102199212269007"  # a valid ID number that also passes Luhn as an 18-digit UnionPay card
    ids = [*id_numbers(np.random.default_rng(1), 40, areas=(110105,)), both]
    cards = [card_number("62" + f"{i:016d}") for i in range(40)] + [both]
    result = scan({"a": ids, "b": cards})
    assert [(f.type, f.matched) for f in result.columns[0].types] == [("cn_id_card", 41)]
    assert [(f.type, f.matched) for f in result.columns[1].types] == [("bank_card", 41)]


def test_a_mixed_column_lists_each_type_with_its_share() -> None:
    ids = id_numbers(np.random.default_rng(2), 70)
    values = ids + [f"E{10**7 + i}" for i in range(20)] + [f"C{10**7 + i}" for i in range(10)]
    shares = {f.type: f.share for f in scan({"证件号码": values}).columns[0].types}
    assert shares == {"cn_id_card": 0.7, "passport": 0.2, "cn_hk_macau_permit": 0.1}


def test_types_below_the_minimum_share_are_not_listed() -> None:
    values = ["13800138000"] * 3 + [f"备注{i}" for i in range(97)]
    assert scan({"x": values}).columns[0].types == []
    assert [f.type for f in scan({"x": values}, min_share=0.01).columns[0].types] == ["cn_mobile"]


def test_a_table_with_a_million_rows_of_id_numbers_is_suggested_important() -> None:
    result = scan({"身份证号": id_numbers(np.random.default_rng(3), 50)}, important_rows=50)
    assert result.grade == "important" and result.columns[0].grade == "general-4"
    assert scan({"身份证号": id_numbers(np.random.default_rng(3), 49)}, important_rows=50).grade == "general-4"


def test_an_empty_table_and_columns_of_nulls_booleans_and_bytes_are_public_looking() -> None:
    table = pa.table({"a": pa.array([None, None], pa.string()), "b": [True, False], "c": [b"\x00\xff", b"12"]})
    result = scan_table(table)
    assert [(c.types, c.grade) for c in result.columns] == [([], "general-1")] * 3
    empty = scan_table(pa.table({"身份证号": pa.array([], pa.string())}))
    assert empty.rows == 0 and empty.grade == "general-1"


def test_json_has_exactly_the_documented_shape() -> None:
    result = scan({"身份证号": ["110105199001011232", None], "备注": ["电话13800138000", "无"]}, spans=True)
    assert result.to_json() == {"columns": [
        {"name": "身份证号", "types": [{"type": "cn_id_card", "share": 1.0}], "grade": "general-4", "personal": True,
         "sensitive_personal": True},
        {"name": "备注", "types": [{"type": "cn_mobile", "share": 0.5}], "grade": "general-3", "personal": True,
         "sensitive_personal": False},
    ]}  # fmt: skip
    assert result.to_json(spans=True)["spans"] == [{"row": 0, "start": 2, "end": 13, "type": "cn_mobile"}]
