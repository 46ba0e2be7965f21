"""A deterministic table with every sensitive type, in the formats real columns mix, and decoys,
labelled cell by cell (and span by span in its free-text column) for the scan benchmark."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from gongshu.demo import names as nm
from gongshu.demo.identifiers import MOBILE_PREFIXES, STR, ascii_strings, digits, plates, resident_ids
from gongshu.demo.populations import enterprises, people

FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DOMAINS = ("qq.com", "163.com", "126.com", "sina.com.cn", "example.gov.cn", "gmail.com", "foxmail.com")
CATEGORIES = ("企业登记", "社会保险", "医疗卫生", "交通出行", "教育培训", "住房公积金", "税务缴纳", "民政救助")
OLD_AREAS = (412722, 412701, 510212, 510202, 422201, 342201)  # renamed or abolished since the holders were born
NOTES = ("已核实，情况属实", "客户反映问题已处理完毕，回访满意", "无", "材料齐全，同意办理", "订单号{order}已退款")


@dataclass(frozen=True)
class Truth:
    """The type of each cell (None: none) per column, and the spans (row, start, end, type) of free text."""

    cells: dict[str, np.ndarray]
    spans: set[tuple[int, int, int, str]]
    text_columns: tuple[str, ...]


def build(rows: int, seed: int = 20250101) -> tuple[pa.Table, Truth]:
    """``rows`` rows of about 30 columns and their truth."""
    rng = np.random.default_rng(seed)
    who = people(seed, rows)
    firms = enterprises(seed, rows)
    columns: dict[str, pa.Array] = {}
    cells: dict[str, np.ndarray] = {}

    def add(name: str, values: object, truth: object) -> None:
        columns[name] = values if isinstance(values, pa.Array) else pa.array(np.asarray(values).tolist())
        cells[name] = np.broadcast_to(np.asarray(truth, dtype=object), (rows,)).copy()

    ids = _id_numbers(rng, rows, who["id"])
    add("身份证号", _formatted(rng, ids, spaced=(6, 14)), "cn_id_card")
    mobiles = _mobiles(rng, rows)
    add("手机号码", _formatted(rng, mobiles, spaced=(3, 7), plus86=True), "cn_mobile")
    landlines = _landlines(rng, rows)
    is_mobile = rng.random(rows) < 0.6
    add("联系电话", np.where(is_mobile, mobiles[::-1], landlines), np.where(is_mobile, "cn_mobile", "cn_landline"))
    add("办公电话", landlines[::-1], "cn_landline")
    add("银行卡号", _formatted(rng, _bank_cards(rng, rows), spaced=(4, 8, 12, 16)), "bank_card")
    add("统一社会信用代码", firms["code"], "cn_uscc")
    emails = _emails(rng, rows)
    add("电子邮箱", emails, "email")
    passports = _passports(rng, rows)
    add("护照号码", passports, "passport")
    permits = _permits(rng, rows)
    add("港澳通行证号码", permits, "cn_hk_macau_permit")
    car_plates = _plates(rng, rows)
    add("号牌号码", car_plates, "cn_license_plate")
    add("姓名", who["name"], "person_name")
    add("住址", firms["address"], "address")
    lng, lat = 113.0 + rng.random(rows) * 1.5, 34.0 + rng.random(rows) * 1.2
    add("经纬度", [f"{x:.6f},{y:.6f}" for x, y in zip(lng, lat, strict=True)], "gps")
    add("纬度", pa.array(np.round(lat[::-1], 6)), "gps")
    add("登录IP", _ips(rng, rows), "ip_address")
    add("出生日期", pa.array(who["birth"]), "date_of_birth")
    kind = rng.random(rows)
    mixed = np.where(kind < 0.7, ids[::-1], np.where(kind < 0.85, passports[::-1], permits[::-1]))
    add("证件号码", mixed, np.where(kind < 0.7, "cn_id_card", np.where(kind < 0.85, "passport", "cn_hk_macau_permit")))
    notes, spans = _notes(rng, rows, who["name"], mobiles, ids, car_plates, emails, firms["address"])
    add("备注", notes, None)
    add("流水号", _wrong_check_ids(rng, rows), None)
    orders = np.hstack([digits(rng.choice([10, 11, 12], rows), 2), digits(rng.integers(0, 10**9, rows), 9)])
    add("订单号", ascii_strings(orders), None)
    add("券码", _bank_cards(rng, rows, valid=False), None)
    add("金额", pa.array(np.round(rng.lognormal(8, 1.5, rows), 2)), None)
    add("类别", np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)], None)
    add("登记日期", pa.array(firms["established"]), None)
    add("企业名称", firms["name"], None)
    add("编号", ascii_strings(digits(rng.integers(10**7, 10**8, rows), 8)), None)
    add("区县", np.array(nm.DISTRICTS)[rng.integers(0, len(nm.DISTRICTS), rows)], None)
    return pa.table(columns), Truth(cells, spans, ("备注",))


def _formatted(
    rng: np.random.Generator, values: np.ndarray, spaced: tuple[int, ...], plus86: bool = False
) -> list[str]:
    """Most values as they are; some with spaces at ``spaced``, some in full width, some with +86."""
    out = []
    for v, r in zip(values.tolist(), rng.random(len(values)), strict=True):
        if r < 0.05:
            cuts = [0, *spaced, len(v)]
            v = " ".join(v[a:b] for a, b in itertools.pairwise(cuts) if v[a:b])
        elif r < 0.08:
            v = v.translate(FULL_WIDTH)
        elif plus86 and r < 0.15:
            v = "+86 " + v
        elif plus86 and r < 0.2:
            v = f"{v[:3]}-{v[3:7]}-{v[7:]}"
        out.append(v)
    return out


def _id_numbers(rng: np.random.Generator, n: int, modern: np.ndarray) -> np.ndarray:
    """The people's 18-character numbers, a tenth with renamed area codes and a tenth in the old 15 digits."""
    kind = rng.random(n)
    birth = np.datetime64("1930-01-01") + rng.integers(0, 25_000, n).astype("timedelta64[D]")
    old_area = np.array(OLD_AREAS)[rng.integers(0, len(OLD_AREAS), n)]
    renamed = resident_ids(old_area, birth, rng.integers(0, 1000, n))
    yymmdd = np.array([d.strftime("%y%m%d") for d in birth.astype(object)], dtype=STR)
    seq = ascii_strings(digits(rng.integers(0, 1000, n), 3))
    fifteen = np.strings.add(np.strings.add(old_area.astype(STR), yymmdd), seq)
    birth_1900s = birth < np.datetime64("2000-01-01")
    return np.where(kind < 0.1, renamed, np.where((kind < 0.2) & birth_1900s, fifteen, modern))


def _mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    return ascii_strings(np.hstack([digits(rng.choice(MOBILE_PREFIXES, n), 3), digits(rng.integers(0, 10**8, n), 8)]))


def _landlines(rng: np.random.Generator, n: int) -> np.ndarray:
    areas = np.array(["010", "021", "0371", "0379", "020", "0755", "028", "0391"])
    area = areas[rng.integers(0, len(areas), n)]
    eight = (np.char.str_len(area.astype(str)) == 3) | (rng.random(n) < 0.7)
    local = np.where(eight, rng.integers(2 * 10**7, 9 * 10**7, n), rng.integers(2 * 10**6, 9 * 10**6, n)).astype(STR)
    style = rng.random(n)
    dashed = np.strings.add(np.strings.add(area.astype(STR), "-"), local)
    bracketed = np.strings.add(np.strings.add(np.strings.add("(", area.astype(STR)), ")"), local)
    return np.where(style < 0.8, dashed, np.where(style < 0.9, bracketed, np.strings.add(area.astype(STR), local)))


def _luhn_check(body: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of an (n, k) digit matrix."""
    d = body[:, ::-1].astype(np.int64)
    doubled = d[:, 0::2] * 2
    total = (doubled // 10 + doubled % 10).sum(axis=1) + d[:, 1::2].sum(axis=1)
    return (10 - total % 10) % 10


def _bank_cards(rng: np.random.Generator, n: int, valid: bool = True) -> np.ndarray:
    """UnionPay 19 and 16 digits (62…), Visa and Mastercard 16 digits; Luhn-valid or, as decoys, not."""
    kind = rng.random(n)
    prefix = np.where(kind < 0.75, 62, np.where(kind < 0.87, 4, 5))
    second = np.where(prefix == 5, rng.integers(1, 6, n), rng.integers(0, 10, n))
    length = np.where(kind < 0.5, 19, 16)
    out = []
    body = np.hstack([digits(rng.integers(0, 10**9, n), 9), digits(rng.integers(0, 10**9, n), 9)])
    check = None
    for p, s, length_i, row in zip(prefix.tolist(), second.tolist(), length.tolist(), body, strict=True):
        head = [int(c) for c in str(p)] + ([s] if p != 62 else [])
        digits_i = head + (row[: length_i - 1 - len(head)] - 48).tolist()
        check = int(_luhn_check(np.array([digits_i]))[0])
        if not valid:
            check = (check + 1 + int(row[-1] - 48) % 9) % 10
        out.append("".join(map(str, digits_i)) + str(check))
    return np.array(out, dtype=STR)


def _emails(rng: np.random.Generator, n: int) -> np.ndarray:
    letters = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
    local = ascii_strings(letters[rng.integers(0, 26, (n, 6))])
    number = rng.integers(0, 10_000, n).astype(STR)
    domain = np.array(DOMAINS, dtype=STR)[rng.integers(0, len(DOMAINS), n)]
    sep = np.array(["", ".", "_"], dtype=STR)[rng.integers(0, 3, n)]
    return np.strings.add(np.strings.add(np.strings.add(local, sep), np.strings.add(number, "@")), domain)


def _passports(rng: np.random.Generator, n: int) -> np.ndarray:
    kind = rng.random(n)
    letter = np.array(list(PLATE_LETTERS), dtype=STR)[rng.integers(0, len(PLATE_LETTERS), n)]
    eight = ascii_strings(digits(rng.integers(0, 10**8, n), 8))
    seven = ascii_strings(digits(rng.integers(0, 10**7, n), 7))
    return np.where(kind < 0.5, np.strings.add("E", eight), np.where(
        kind < 0.8, np.strings.add(np.strings.add("E", letter), seven), np.strings.add("G", eight)))  # fmt: skip


def _permits(rng: np.random.Generator, n: int) -> np.ndarray:
    kind = rng.random(n)
    letter = np.array(list(PLATE_LETTERS), dtype=STR)[rng.integers(0, len(PLATE_LETTERS), n)]
    eight = ascii_strings(digits(rng.integers(0, 10**8, n), 8))
    seven = ascii_strings(digits(rng.integers(0, 10**7, n), 7))
    lettered = np.strings.add(np.strings.add("C", letter), seven)
    home_return = np.where(kind < 0.8, np.strings.add("H", eight), np.strings.add("M", eight))
    return np.where(kind < 0.4, np.strings.add("C", eight), np.where(kind < 0.6, lettered, home_return))


def _plates(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = [p + q for p, q in zip(rng.choice(list(PROVINCES), n), rng.choice(list(PLATE_LETTERS), n), strict=True)]
    kind = rng.choice(4, n, p=[0.6, 0.1, 0.2, 0.1])
    chunks = [plates(rng, kind[i : i + 1], prefix[i])[0] for i in range(min(n, 2000))]
    tails = np.array([c[2:] for c in chunks] * (n // len(chunks) + 1), dtype=STR)[:n]
    return np.strings.add(np.array(prefix, dtype=STR), tails)


def _ips(rng: np.random.Generator, n: int) -> np.ndarray:
    quads = rng.integers(1, 255, (n, 4))
    v4 = [".".join(map(str, q)) for q in quads.tolist()]
    groups = rng.integers(0, 0x10000, (n, 8))
    v6 = [":".join(f"{g:x}" for g in row) for row in groups.tolist()]
    return np.where(rng.random(n) < 0.9, np.array(v4, dtype=STR), np.array(v6, dtype=STR))


def _wrong_check_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """18-character numbers that look like ID numbers, with a wrong check character."""
    birth = np.datetime64("1950-01-01") + rng.integers(0, 20_000, n).astype("timedelta64[D]")
    valid = resident_ids(rng.choice(nm.LOCAL_AREAS, n), birth, rng.integers(0, 1000, n))
    shift = rng.integers(1, 11, n)
    chars = np.array(list("0123456789X"))
    right = np.array(["0123456789X".index(v[-1]) for v in valid.tolist()])
    return np.strings.add(np.strings.slice(valid, 0, 17), chars[(right + shift) % 11].astype(STR))


def _notes(
    rng: np.random.Generator, n: int, names: np.ndarray, mobiles: np.ndarray, ids: np.ndarray,
    car_plates: np.ndarray, emails: np.ndarray, addresses: np.ndarray,
) -> tuple[list[str | None], set[tuple[int, int, int, str]]]:  # fmt: skip
    """Free text with entities where the truth knows their offsets, and decoy numbers."""
    notes: list[str | None] = []
    spans: set[tuple[int, int, int, str]] = set()
    kind = rng.integers(0, 10, n)
    orders = _bank_cards(rng, n, valid=False)
    for i in range(n):
        k = int(kind[i])
        parts: list[tuple[str, str | None]]
        if k < 3:
            parts = [(str(names[i]), None), ("的联系电话是", None), (str(mobiles[-i - 1]), "cn_mobile"),
                     ("，身份证", None), (str(ids[-i - 1]), "cn_id_card"), ("。", None)]  # fmt: skip
        elif k < 5:
            parts = [("车辆", None), (str(car_plates[-i - 1]), "cn_license_plate"), ("于昨日违停，车主邮箱 ", None),
                     (str(emails[-i - 1]), "email"), (" 已通知。", None)]  # fmt: skip
        elif k < 6:
            parts = [("住址：", None), (str(addresses[-i - 1]), "address"), ("，电话", None),
                     (str(mobiles[i]).translate(FULL_WIDTH), "cn_mobile")]  # fmt: skip
        elif k < 7:
            notes.append(None)
            continue
        else:
            parts = [(NOTES[k % len(NOTES)].format(order=orders[i]), None)]
        text, offset = "", 0
        for piece, label in parts:
            if label:
                spans.add((i, offset, offset + len(piece), label))
            text += piece
            offset += len(piece)
        notes.append(text)
    return notes, spans
