"""The demo city's data: catalog entries, files that read back, valid identifiers, reproducibility."""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from gongshu.demo import data
from gongshu.demo.data import (
    DOMAINS,
    PROVIDERS,
    RESOURCES,
    SHARE_OPEN,
    UPDATE_CYCLES,
    DemoResource,
    build_table,
    get_resource,
    write_resource,
)
from gongshu.demo.formats import ENCODINGS, writer_for

try:  # python-stdnum's check-digit functions, where installed; not its full validators
    from stdnum.cn import ric as stdnum_ric
    from stdnum.cn import uscc as stdnum_uscc
except ImportError:  # pragma: no cover - depends on the environment
    stdnum_ric = stdnum_uscc = None

SMALL = 300
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PERSONAL_RESOURCES = {"social_insurance", "vehicle_registry", "outpatient_visits"}


# Independent checks, written from GB 11643 / GB 32100 / GB 11714, not from the generator's code.
def ric_check(number: str) -> str:
    """ISO 7064 MOD 11-2 check character of a 居民身份证号码."""
    if stdnum_ric is not None:
        return stdnum_ric.calc_check_digit(number)  # takes the whole number, check included
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(number[:17]))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def uscc_check(code: str) -> str:
    if stdnum_uscc is not None:
        return stdnum_uscc.calc_check_digit(code[:17])
    total = sum(USCC_ALPHABET.index(c) * (3**i % 31) for i, c in enumerate(code[:17]))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check(body: str) -> str:
    """GB 11714 check character of the 8-character organization code body."""
    values = [int(c, 36) for c in body]
    value = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def read_back(path: Path, res: DemoResource) -> tuple[list[str], list[list[object]]]:
    """Column names and rows of a written file, read by a library other than the writer."""
    suffix = path.suffix
    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig" if res.encoding == "utf-8-sig" else res.encoding)
        assert not text.startswith("\ufeff")
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name, _, _ in res.items}, strings_can_be_null=True
            ),
        )
        return table.column_names, [list(r.values()) for r in table.to_pylist()]
    if suffix == ".parquet":
        relation = duckdb.sql(f"SELECT * FROM read_parquet('{path}')")
        return relation.columns, [list(r) for r in relation.fetchall()]
    if suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        values = [list(r) for r in book.active.iter_rows(values_only=True)]
        book.close()
        return [str(v) for v in values[0]], values[1:]
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return list(records[0]), [list(r.values()) for r in records]


def column(res: DemoResource, name: str, rows: int | None = None) -> list:
    return build_table(res, rows=rows).column(name).to_pylist()


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.key)
def test_every_resource_writes_a_file_that_reads_back_with_its_columns_and_rows(res, tmp_path):
    path = write_resource(res, tmp_path, rows=SMALL)

    names, rows = read_back(path, res)

    assert path == tmp_path / res.filename
    assert names == [name for name, _, _ in res.items]
    assert len(rows) == SMALL
    assert all(len(row) == len(names) for row in rows)


def test_the_social_insurance_records_are_a_million_rows_by_default():
    res = get_resource("social_insurance")

    assert res.rows >= 1_000_000
    assert res.filename.endswith(".parquet")


def test_the_enterprise_register_is_exported_in_gbk_with_windows_line_ends(tmp_path):
    res = get_resource("enterprise_registry")
    data = write_resource(res, tmp_path, rows=SMALL).read_bytes()

    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gbk")
    assert text.startswith("统一社会信用代码,企业名称,")
    assert "示例市" in text and text.count("\r\n") == SMALL + 1


def test_the_outpatient_file_starts_with_a_byte_order_mark_and_the_others_do_not(tmp_path):
    for res in RESOURCES:
        if res.filename.endswith(".csv"):
            data = write_resource(res, tmp_path, rows=10).read_bytes()
            assert data.startswith(b"\xef\xbb\xbf") == (res.encoding == "utf-8-sig"), res.key


def test_the_independent_checks_agree_with_published_identifiers():
    assert ric_check("11010519491231002X") == "X"
    assert ric_check("440524188001010014") == "4"
    assert uscc_check("91110000600037341L") == "L"
    assert org_code_check("60003734") == "1"


@pytest.mark.parametrize(
    ("key", "name"),
    [("social_insurance", "身份证号"), ("vehicle_registry", "所有人身份证号"), ("outpatient_visits", "患者身份证号")],
)
def test_resident_ids_have_valid_gb11643_check_digits_and_real_birth_dates(key, name):
    ids = column(get_resource(key), name, rows=3000)

    assert all(re.fullmatch(r"\d{17}[\dX]", n) for n in ids)
    assert all(n[17] == ric_check(n) for n in ids)
    births = [date(int(n[6:10]), int(n[10:12]), int(n[12:14])) for n in ids]
    assert min(births) >= date(1940, 1, 1) and max(births) <= date(2025, 12, 31)
    provinces = [n[:2] for n in ids]
    assert provinces.count("41") > len(ids) / 2 and set(provinces) - {"41"}  # mostly 河南, some from elsewhere


def test_social_insurance_payers_were_born_between_1950_and_2005():
    ids = column(get_resource("social_insurance"), "身份证号", rows=5000)

    assert all("1950" <= n[6:10] <= "2005" for n in ids)


def test_the_sex_of_a_patient_matches_the_parity_of_the_id_sequence_code():
    table = build_table(get_resource("outpatient_visits"), rows=2000)

    for number, sex in zip(table["患者身份证号"].to_pylist(), table["性别"].to_pylist(), strict=True):
        assert sex == ("男" if int(number[16]) % 2 else "女")


def test_credit_codes_have_valid_gb32100_and_organization_code_check_characters():
    codes = column(get_resource("enterprise_registry"), "统一社会信用代码")

    assert len(set(codes)) == len(codes) == 20_000
    for code in codes:
        assert re.fullmatch(r"91\d{6}[0-9A-HJ-NPQRTUWXY]{10}", code), code
        assert code[17] == uscc_check(code)
        assert code[16] == org_code_check(code[8:16])
    assert any(c[8:10] == "MA" for c in codes) and any(c[8:16].isdigit() for c in codes)


def test_enterprise_names_are_unique_and_name_the_demo_city():
    names = column(get_resource("enterprise_registry"), "企业名称")

    assert len(set(names)) == len(names)
    assert all(n.startswith("示例市") for n in names)


def test_insured_employers_licences_and_builders_are_registered_enterprises():
    register = build_table(get_resource("enterprise_registry"))
    codes = set(register["统一社会信用代码"].to_pylist())
    active = {
        c: n
        for c, n, s in zip(
            *(register[k].to_pylist() for k in ("统一社会信用代码", "企业名称", "登记状态")), strict=True
        )
        if s in ("存续", "在业")
    }
    employers = set(column(get_resource("social_insurance"), "单位统一社会信用代码", rows=20_000))
    licences = build_table(get_resource("business_licenses"), rows=2000)
    owners = column(get_resource("construction_permits"), "建设单位统一社会信用代码", rows=500)

    assert None in employers  # 灵活就业人员 pay without an employer
    assert employers - {None} <= set(active)
    pairs = zip(licences["统一社会信用代码"].to_pylist(), licences["企业名称"].to_pylist(), strict=True)
    assert all(active.get(code) == name for code, name in pairs)
    assert set(owners) <= codes


def test_a_smaller_register_is_the_beginning_of_the_full_one():
    res = get_resource("enterprise_registry")

    assert build_table(res, rows=100).equals(build_table(res).slice(0, 100))


def test_plates_are_unique_and_follow_the_ordinary_and_new_energy_formats():
    table = build_table(get_resource("vehicle_registry"), rows=20_000)
    formats = {
        "小型汽车": r"豫A[A-HJ-NP-Z0-9]{5}",
        "大型汽车": r"豫A[A-HJ-NP-Z0-9]{5}",
        "小型新能源汽车": r"豫A[DF][A-HJ-NP-Z0-9]\d{4}",
        "大型新能源汽车": r"豫A\d{5}[DF]",
    }
    plates, kinds = table["号牌号码"].to_pylist(), table["号牌种类"].to_pylist()

    assert len(set(plates)) == len(plates)
    assert set(kinds) == set(formats)
    assert all(re.fullmatch(formats[kind], plate) for plate, kind in zip(plates, kinds, strict=True))


def test_phone_numbers_are_mobiles_or_landlines_with_the_area_code():
    phones = column(get_resource("business_licenses"), "联系电话", rows=2000)

    assert all(re.fullmatch(r"1[3-9]\d{9}|0371-[5-8]\d{7}", p) for p in phones)
    assert any(p.startswith("0371-") for p in phones) and any(p.startswith("1") for p in phones)


def test_the_primary_pollutant_is_named_only_when_the_aqi_is_above_50():
    table = build_table(get_resource("air_quality_hourly"), rows=5000)
    pairs = list(zip(table["AQI"].to_pylist(), table["首要污染物"].to_pylist(), strict=True))

    assert all((aqi > 50) == (primary is not None) for aqi, primary in pairs)
    assert {p for _, p in pairs} >= {None, "PM2.5"}


def test_ridership_counts_lines_of_the_bus_line_table_and_transfers_are_a_part_of_them():
    lines = set(column(get_resource("bus_lines"), "线路编号"))
    table = build_table(get_resource("bus_ridership"), rows=10_000)

    assert set(table["线路编号"].to_pylist()) <= lines
    taps, transfers = table["刷卡人次"].to_pylist(), table["换乘人次"].to_pylist()
    assert all(0 <= t <= n for n, t in zip(taps, transfers, strict=True))


def test_contributions_follow_the_base_and_the_rates():
    table = build_table(get_resource("social_insurance"), rows=5000)
    rows = zip(*(table[k].to_pylist() for k in ("险种", "缴费基数", "个人缴费金额", "单位缴费金额")), strict=True)

    for kind, base, personal, unit in rows:
        assert 4000 <= base <= 20000
        assert personal <= base * Decimal("0.20") and unit <= base * Decimal("0.16")
        if kind in ("工伤保险", "生育保险"):
            assert personal == 0


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.key)
def test_the_same_seed_writes_the_same_bytes_and_another_seed_other_bytes(res, tmp_path):
    first = write_resource(res, tmp_path / "a", rows=SMALL, seed=7).read_bytes()
    again = write_resource(res, tmp_path / "b", rows=SMALL, seed=7).read_bytes()
    other = write_resource(res, tmp_path / "c", rows=SMALL, seed=8).read_bytes()

    assert first == again
    assert first != other


def test_the_credit_code_has_two_authoritative_sources_the_deliberate_conflict():
    sources = defaultdict(set)
    for res in RESOURCES:
        for name, _, authoritative in res.items:
            if authoritative:
                sources[name].add(res.key)

    conflicts = {name: keys for name, keys in sources.items() if len(keys) > 1}

    assert conflicts == {"统一社会信用代码": {"enterprise_registry", "business_licenses"}}
    assert not any("身份证号" in name for name in sources)


def test_every_resource_has_a_known_provider_domain_and_catalog_attributes():
    assert len(PROVIDERS) >= 6 and len(RESOURCES) >= 8
    assert len({r.key for r in RESOURCES}) == len({r.filename for r in RESOURCES}) == len(RESOURCES)
    for res in RESOURCES:
        assert res.provider in PROVIDERS and res.domain in DOMAINS
        assert res.share in SHARE_OPEN and res.open in SHARE_OPEN and res.update_cycle in UPDATE_CYCLES
        assert res.encoding in ENCODINGS and res.rows > 0 and res.key.isascii()
        assert len({name for name, _, _ in res.items}) == len(res.items)


def test_personal_data_is_shared_on_conditions_and_never_opened():
    for res in RESOURCES:
        if res.key in PERSONAL_RESOURCES:
            assert (res.share, res.open) == ("conditional", "none"), res.key
    for key in ("air_quality_hourly", "bus_lines"):
        res = get_resource(key)
        assert (res.share, res.open) == ("unconditional", "unconditional")


def test_asking_for_no_rows_an_unknown_resource_or_format_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        build_table(RESOURCES[0], rows=0)
    with pytest.raises(KeyError, match="enterprise_registry"):
        get_resource("nope")
    with pytest.raises(ValueError, match=r"\.csv"):
        writer_for("data.ods")


def test_a_csv_value_with_a_comma_is_quoted():
    table = pa.table({"经营范围": ["零售,批发", "餐饮"]})

    data = writer_for("x.csv")(table, "x", "utf-8")

    assert data.decode() == '"经营范围"\n"零售,批发"\n"餐饮"\n'


def test_parquet_keeps_money_as_exact_decimals(tmp_path):
    path = write_resource(get_resource("social_insurance"), tmp_path, rows=SMALL)

    schema = pq.read_schema(path)

    assert schema.field("个人缴费金额").type == pa.decimal128(14, 2)
    assert schema.field("缴费月份").type == pa.string()


def test_asking_for_more_licences_than_the_register_has_active_enterprises_grows_the_register():
    res = get_resource("business_licenses")
    table = build_table(res, rows=20_000)

    codes = table["统一社会信用代码"].to_pylist()
    assert len(set(codes)) == 20_000
    assert all(code[17] == uscc_check(code) for code in codes)


def test_a_generator_that_makes_other_columns_than_the_catalog_says_is_refused(monkeypatch):
    monkeypatch.setitem(data.GENERATORS, "bus_lines", lambda seed, rows: {"线路": ["1路"] * rows})

    with pytest.raises(ValueError, match="catalog says"):
        build_table(get_resource("bus_lines"), rows=1)


def test_writing_all_writes_one_file_for_every_resource(monkeypatch, tmp_path):
    monkeypatch.setattr(data, "RESOURCES", [replace(r, rows=5) for r in RESOURCES])

    paths = data.write_all(tmp_path)

    assert sorted(p.name for p in paths) == sorted(r.filename for r in RESOURCES)


def test_a_csv_in_an_unsupported_encoding_is_refused():
    with pytest.raises(ValueError, match="latin-1"):
        writer_for("x.csv")(pa.table({"a": ["b"]}), "x", "latin-1")


def test_json_lines_write_dates_times_and_decimals_as_plain_values():
    table = pa.table(
        {
            "日期": [date(2025, 1, 2)],
            "时间": pa.array([datetime(2025, 1, 2, 3, 4, 5)], pa.timestamp("s")),
            "金额": pa.array([Decimal("1.50")], pa.decimal128(5, 2)),
        }
    )

    line = writer_for("x.jsonl")(table, "x", "utf-8").decode()

    assert json.loads(line) == {"日期": "2025-01-02", "时间": "2025-01-02 03:04:05", "金额": 1.5}
    with pytest.raises(TypeError, match="bytes"):
        writer_for("x.jsonl")(pa.table({"b": [b"x"]}), "x", "utf-8")
