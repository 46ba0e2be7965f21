"""Column generators of the demo resources about people: 社保, 机动车 and 门诊 records."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from gongshu.demo import names as nm
from gongshu.demo.identifiers import STR, plates
from gongshu.demo.populations import AS_OF, dates_in_years, enterprises, people

Columns = dict[str, np.ndarray | pa.Array]
ENTERPRISE_COUNT = 20_000  # the default size of 企业登记信息, whose codes the others use
PEOPLE_COUNT = 200_000
YEAR_START = np.datetime64("2025-01-01")


def rng_for(seed: int, key: str) -> np.random.Generator:
    """The random stream of one resource, independent of the others'."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def money(cents: np.ndarray) -> pa.Array:
    """Amounts in yuan as decimal128(14, 2), built exactly from integer cents."""
    cents = np.asarray(cents, dtype=np.int64)
    words = np.column_stack([cents, np.where(cents < 0, -1, 0)])  # little-endian int128
    return pa.Array.from_buffers(pa.decimal128(14, 2), len(cents), [None, pa.py_buffer(words.tobytes())])


def weighted(rng: np.random.Generator, weights: Sequence[float], size: int) -> np.ndarray:
    """Indices into `weights`, drawn in proportion to them."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size, p=p / p.sum())


def by_group(rng: np.random.Generator, group: np.ndarray, table: Mapping[int, Sequence[float]]) -> np.ndarray:
    """For each row an index drawn from the weights its group has in `table`."""
    out = np.zeros(len(group), dtype=np.int64)
    for key, weights in table.items():
        rows = np.flatnonzero(group == key)
        out[rows] = weighted(rng, weights, len(rows))
    return out


def ages(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Full years of age on the given days."""
    years = on.astype("datetime64[Y]").astype(np.int64) - birth.astype("datetime64[Y]").astype(np.int64)
    return years - (_month_day(on) < _month_day(birth))


def _month_day(days: np.ndarray) -> np.ndarray:
    """Month and day as one number, 131 for 31 January: the order of birthdays in a year."""
    month = days.astype("datetime64[M]")
    return (month.astype(np.int64) % 12 + 1) * 100 + (days - month.astype("datetime64[D]")).astype(np.int64) + 1


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Days as strings like 20250131."""
    return np.strings.replace(np.asarray(days, dtype="datetime64[D]").astype(STR), "-", "")


INSURANCES = ["养老保险", "医疗保险", "失业保险", "工伤保险", "生育保险"]
PERSONAL_RATE = np.array([0.08, 0.02, 0.005, 0.0, 0.0])
UNIT_RATE = np.array([0.16, 0.08, 0.005, 0.004, 0.008])
FLEXIBLE_RATE = np.array([0.20, 0.07])  # 灵活就业人员 pay 养老 and 医疗 alone


def _insured(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per insured person: insurance kinds (2 flexible, 5 employed), months and first month."""
    count = rows // 20 + 64
    while True:
        kinds = np.where(rng.random(count) < 0.15, 2, 5)
        months = np.where(rng.random(count) < 0.7, 12, rng.integers(1, 12, count))
        if (kinds * months).sum() >= rows:
            break
        count *= 2  # pragma: no cover - the first guess is more than twice what is needed
    used = int(np.searchsorted(np.cumsum(kinds * months), rows)) + 1
    first = np.where(rng.random(used) < 0.5, 13 - months[:used], 1)
    return kinds[:used], months[:used], first


def social_insurance(seed: int, rows: int) -> Columns:
    rng = rng_for(seed, "social_insurance")
    kinds, months, first = _insured(rng, rows)
    pool = people(seed, max(PEOPLE_COUNT, 4 * len(kinds)))
    born = pool["birth"]
    eligible = np.flatnonzero((born >= np.datetime64("1965-01-01")) & (born <= np.datetime64("2005-12-31")))
    person = rng.choice(eligible, len(kinds), replace=False)
    firms = enterprises(seed, ENTERPRISE_COUNT)
    employers = np.flatnonzero(firms["active"])
    employer = rng.choice(employers, len(kinds), p=_zipf(len(employers)))
    flexible = kinds == 2
    base = np.clip(np.round(rng.lognormal(np.log(6500), 0.45, len(kinds))), 4000, 20000)
    base = np.where(flexible, 4000, base).astype(np.int64)

    per = kinds * months
    owner = np.repeat(np.arange(len(kinds)), per)[:rows]
    offset = np.arange(rows) - np.repeat(np.cumsum(per) - per, per)[:rows]
    insurance = offset % kinds[owner]
    month = first[owner] + offset // kinds[owner]
    flex_row = flexible[owner]
    base_cents = base[owner] * 100
    personal = np.where(flex_row, FLEXIBLE_RATE[np.minimum(insurance, 1)], PERSONAL_RATE[insurance])
    unit = np.where(flex_row, 0.0, UNIT_RATE[insurance])
    unit_code = pa.array(firms["code"]).take(pa.array(employer[owner], mask=flex_row))
    return {
        "身份证号": pool["id"][person][owner],
        "姓名": pool["name"][person][owner],
        "单位统一社会信用代码": unit_code,
        "险种": nm.pick(INSURANCES, insurance),
        "缴费月份": np.strings.add("2025", np.strings.zfill(month.astype(STR), 2)),
        "缴费基数": money(base_cents),
        "个人缴费金额": money(np.round(base_cents * personal)),
        "单位缴费金额": money(np.round(base_cents * unit)),
    }


def _zipf(n: int, a: float = 1.1) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** a
    return p / p.sum()


PLATE_KINDS = ["小型汽车", "大型汽车", "小型新能源汽车", "大型新能源汽车"]
VEHICLE_TYPES = [
    "小型轿车",
    "小型普通客车",
    "小型越野客车",
    "轻型厢式货车",
    "大型普通客车",
    "中型普通客车",
    "重型厢式货车",
    "重型半挂牵引车",
]
TYPES_BY_PLATE = {
    0: [55, 25, 15, 5, 0, 0, 0, 0],
    1: [0, 0, 0, 0, 30, 15, 35, 20],
    2: [70, 20, 10, 0, 0, 0, 0, 0],
    3: [0, 0, 0, 0, 100, 0, 0, 0],
}
BRANDS = [  # (品牌, 型号前缀, 型号后缀) by plate kind
    [
        ("大众汽车牌", "FV7", ""),
        ("一汽丰田牌", "TV7", ""),
        ("广汽本田牌", "GHA7", ""),
        ("东风日产牌", "DFL7", ""),
        ("别克牌", "SGM7", ""),
        ("吉利牌", "MR7", ""),
        ("长安牌", "SC7", ""),
        ("哈弗牌", "CC6", ""),
        ("奇瑞牌", "SQR7", ""),
        ("宝马牌", "BMW7", ""),
    ],
    [
        ("宇通牌", "ZK6", ""),
        ("解放牌", "CA5", ""),
        ("东风牌", "DFH5", ""),
        ("豪沃牌", "ZZ4", ""),
        ("金龙牌", "XMQ6", ""),
    ],
    [
        ("比亚迪牌", "BYD7", "BEV"),
        ("特斯拉牌", "TSL7", "BEV"),
        ("五菱牌", "LZW7", "BEV"),
        ("蔚来牌", "HFC6", "BEV"),
        ("小鹏牌", "NHQ7", "BEV"),
        ("理想牌", "LXA6", "PHEV"),
    ],
    [("宇通牌", "ZK6", "BEVG"), ("比亚迪牌", "BYD6", "BEV"), ("中通牌", "LCK6", "BEVG")],
]
USES = ["非营运", "营转非", "出租客运", "租赁", "公交客运", "公路客运", "旅游客运", "货运"]
USES_BY_TYPE = {
    0: [88, 4, 5, 3, 0, 0, 0, 0],
    1: [93, 4, 0, 3, 0, 0, 0, 0],
    2: [97, 2, 0, 1, 0, 0, 0, 0],
    3: [40, 0, 0, 5, 0, 0, 0, 55],
    4: [0, 0, 0, 0, 55, 25, 20, 0],
    5: [10, 0, 0, 0, 30, 40, 20, 0],
    6: [0, 0, 0, 0, 0, 0, 0, 100],
    7: [0, 0, 0, 0, 0, 0, 0, 100],
}
COLOURS = ["白", "黑", "灰", "银", "蓝", "红", "棕", "绿", "黄"]


def _unique_plates(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    plate = plates(rng, kind)
    while True:
        seen = np.zeros(len(plate), dtype=bool)
        seen[np.unique(plate, return_index=True)[1]] = True
        if seen.all():
            return plate
        plate[~seen] = plates(rng, kind[~seen])


def _brand_models(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    out = np.zeros(len(kind), dtype=STR)
    for k, brands in enumerate(BRANDS):
        rows = np.flatnonzero(kind == k)
        pick = rng.integers(0, len(brands), len(rows))
        head = np.array([b + p for b, p, _ in brands], dtype=STR)[pick]
        tail = np.array([s for *_, s in brands], dtype=STR)[pick]
        out[rows] = np.strings.add(np.strings.add(head, rng.integers(1000, 10000, len(rows)).astype(STR)), tail)
    return out


def vehicles(seed: int, rows: int) -> Columns:
    rng = rng_for(seed, "vehicle_registry")
    kind = weighted(rng, [78, 6, 14, 2], rows)
    vtype = by_group(rng, kind, TYPES_BY_PLATE)
    nev = kind >= 2
    fuel_years = rng.integers(2006, 2026, rows)
    nev_years = rng.choice(np.arange(2016, 2026), rows, p=_zipf(10, -1.2))
    registered = dates_in_years(rng, np.where(nev, nev_years, fuel_years))
    pool = people(seed, PEOPLE_COUNT)
    adults = np.flatnonzero(
        (pool["birth"] >= np.datetime64("1945-01-01")) & (pool["birth"] <= np.datetime64("2005-12-31"))
    )
    return {
        "号牌号码": _unique_plates(rng, kind),
        "号牌种类": nm.pick(PLATE_KINDS, kind),
        "车辆类型": nm.pick(VEHICLE_TYPES, vtype),
        "品牌型号": _brand_models(rng, kind),
        "使用性质": nm.pick(USES, by_group(rng, vtype, USES_BY_TYPE)),
        "初次登记日期": registered,
        "所有人身份证号": pool["id"][rng.choice(adults, rows)],
        "车身颜色": nm.pick(COLOURS, weighted(rng, [38, 22, 12, 10, 7, 5, 3, 2, 1], rows)),
    }


HOSPITALS = [
    "示例市第一人民医院",
    "示例市中心医院",
    "示例市中医院",
    "示例市妇幼保健院",
    "示例市儿童医院",
    "城关区人民医院",
    "东湖区人民医院",
    "城关区人民路社区卫生服务中心",
    "新城区建设路社区卫生服务中心",
    "高新区社区卫生服务中心",
]
HOSPITAL_WEIGHTS = [22, 18, 10, 6, 6, 10, 8, 8, 7, 5]
DEPARTMENTS = {  # 科室: (weight for adults, median cost in yuan, diagnoses from common to rare)
    "内科": (14, 160, ["上呼吸道感染", "高血压", "2型糖尿病", "头晕", "慢性胃炎"]),
    "呼吸内科": (10, 220, ["急性支气管炎", "上呼吸道感染", "社区获得性肺炎", "慢性阻塞性肺疾病", "支气管哮喘"]),
    "心血管内科": (9, 260, ["高血压", "冠状动脉粥样硬化性心脏病", "心律失常", "高脂血症"]),
    "内分泌科": (7, 240, ["2型糖尿病", "甲状腺功能亢进症", "高脂血症", "骨质疏松症"]),
    "消化内科": (7, 230, ["慢性胃炎", "胃食管反流病", "功能性消化不良", "肠易激综合征"]),
    "外科": (6, 300, ["软组织损伤", "皮肤裂伤", "急性阑尾炎", "腹股沟疝"]),
    "骨科": (6, 320, ["腰椎间盘突出症", "颈椎病", "膝关节骨性关节炎", "桡骨远端骨折"]),
    "妇科": (5, 210, ["阴道炎", "月经不调", "子宫肌瘤", "盆腔炎"]),
    "皮肤科": (5, 130, ["湿疹", "荨麻疹", "痤疮", "皮炎"]),
    "眼科": (4, 150, ["结膜炎", "屈光不正", "白内障", "干眼症"]),
    "耳鼻喉科": (4, 170, ["过敏性鼻炎", "慢性咽炎", "中耳炎", "鼻窦炎"]),
    "口腔科": (4, 280, ["龋齿", "牙周炎", "牙髓炎", "智齿冠周炎"]),
    "中医科": (5, 190, ["失眠", "颈肩腰腿痛", "脾胃虚弱", "感冒"]),
    "急诊科": (4, 450, ["急性胃肠炎", "发热", "头部外伤", "腹痛"]),
    "儿科": (0, 180, ["上呼吸道感染", "急性支气管炎", "小儿腹泻", "手足口病", "疱疹性咽峡炎"]),
}
_DEPT_NAMES = list(DEPARTMENTS)


def _departments(rng: np.random.Generator, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    dept = weighted(rng, [w for w, _, _ in DEPARTMENTS.values()], len(age))
    child = (age < 14) & (rng.random(len(age)) < 0.85)
    dept = np.where(child, _DEPT_NAMES.index("儿科"), dept)
    return np.where(male & (dept == _DEPT_NAMES.index("妇科")), _DEPT_NAMES.index("内科"), dept)


def _diagnoses(rng: np.random.Generator, dept: np.ndarray) -> np.ndarray:
    out = np.zeros(len(dept), dtype=STR)
    for d, (_, _, diagnoses) in enumerate(DEPARTMENTS.values()):
        rows = np.flatnonzero(dept == d)
        out[rows] = nm.pick(diagnoses, rng.choice(len(diagnoses), len(rows), p=_zipf(len(diagnoses), 0.8)))
    return out


def outpatient(seed: int, rows: int) -> Columns:
    rng = rng_for(seed, "outpatient_visits")
    days = np.arange(YEAR_START, AS_OF + 1)
    weekday = (days.astype(np.int64) + 3) % 7  # 0 is Monday
    day = np.sort(rng.choice(days, rows, p=_normalized(np.array([13, 12, 11, 11, 11, 7, 5])[weekday])))
    pool = people(seed, PEOPLE_COUNT)
    age_now = ages(pool["birth"], np.full(len(pool["birth"]), np.datetime64("2025-07-01")))
    patient = rng.choice(len(age_now), rows, p=_normalized(1 + 1.5 * (age_now >= 60) + 1.0 * (age_now < 7)))
    age = ages(pool["birth"][patient], day)
    male = pool["male"][patient]
    dept = _departments(rng, age, male)
    median = np.array([m for _, m, _ in DEPARTMENTS.values()])[dept]
    seq = np.arange(rows) - np.searchsorted(day, day)  # 0, 1, ... within each day
    return {
        "就诊流水号": np.strings.add(np.strings.add("MZ", yyyymmdd(day)), np.strings.zfill((seq + 1).astype(STR), 6)),
        "患者身份证号": pool["id"][patient],
        "患者姓名": pool["name"][patient],
        "性别": np.where(male, "男", "女").astype(STR),
        "年龄": age,
        "就诊日期": day,
        "医疗机构名称": nm.pick(HOSPITALS, weighted(rng, HOSPITAL_WEIGHTS, rows)),
        "科室": nm.pick(_DEPT_NAMES, dept),
        "诊断名称": _diagnoses(rng, dept),
        "费用合计": money(np.round(rng.lognormal(np.log(median * 100), 0.6))),
    }


def _normalized(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()
