"""Column generators of the demo resources about enterprises, air, buses and buildings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from gongshu.demo import names as nm
from gongshu.demo.identifiers import STR, phones
from gongshu.demo.populations import AS_OF, bus_lines, enterprises
from gongshu.demo.records import ENTERPRISE_COUNT, YEAR_START, Columns, rng_for, weighted, yyyymmdd

LINE_COUNT = 300  # the default size of 公交线路信息, whose lines the ridership counts


def enterprise_registry(seed: int, rows: int) -> Columns:
    firms = enterprises(seed, rows)
    return {
        "统一社会信用代码": firms["code"],
        "企业名称": firms["name"],
        "法定代表人": firms["legal_rep"],
        "注册资本(万元)": firms["capital"],
        "成立日期": firms["established"],
        "企业类型": nm.pick([t for t, _, _ in nm.ENTERPRISE_TYPES], firms["etype"]),
        "行业门类": nm.pick([i for i, _, _ in nm.INDUSTRIES], firms["industry"]),
        "登记状态": nm.pick(nm.STATUSES, firms["status"]),
        "住所": firms["address"],
    }


def _scopes(rng: np.random.Generator, industry: np.ndarray) -> np.ndarray:
    """经营范围: some of the industry's activities, joined once per distinct choice."""
    n = len(industry)
    mask = rng.integers(0, 64, n) | (1 << rng.integers(0, 6, n)) | (1 << rng.integers(0, 6, n))
    choices, inverse = np.unique(industry * 64 + mask, return_inverse=True)
    texts = []
    for choice in choices.tolist():
        activities = nm.INDUSTRIES[choice // 64][2]
        chosen = [a for bit, a in enumerate(activities) if choice % 64 >> bit & 1]
        texts.append("一般项目：" + "；".join(chosen) + "。" + nm.SCOPE_TAIL)
    return np.array(texts, dtype=STR)[inverse]


def business_licenses(seed: int, rows: int) -> Columns:
    """Licences of a sample of the enterprises still in business, in register order."""
    rng = rng_for(seed, "business_licenses")
    size = ENTERPRISE_COUNT
    while np.count_nonzero(enterprises(seed, size)["active"]) < rows:
        size *= 2
    firms = enterprises(seed, size)
    chosen = np.sort(rng.choice(np.flatnonzero(firms["active"]), rows, replace=False))
    established, authority = firms["established"][chosen], firms["authority"][chosen]
    span = (AS_OF - established).astype(np.int64)
    issued = established + (rng.random(rows) * span).astype(np.int64)
    term = np.where(rng.random(rows) < 0.3, 20, 30)
    until = (established.astype("datetime64[Y]") + term).astype("datetime64[D]") + (
        established - established.astype("datetime64[Y]").astype("datetime64[D]")
    )
    area = np.where(authority < 0, nm.CITY_AREA, np.array(nm.DISTRICT_AREAS)[authority])
    year = established.astype("datetime64[Y]").astype(np.int64) + 1970
    number = np.strings.add(area.astype(STR), year.astype(STR))
    return {
        "证照编号": np.strings.add(number, np.strings.zfill((chosen + 1).astype(STR), 7)),
        "统一社会信用代码": firms["code"][chosen],
        "企业名称": firms["name"][chosen],
        "经营范围": _scopes(rng, firms["industry"][chosen]),
        "发证日期": issued,
        "有效期至": np.where(rng.random(rows) < 0.8, "长期", until.astype(STR)).astype(STR),
        "发证机关": np.strings.add(
            np.strings.add(nm.CITY, nm.pick(["", *nm.DISTRICTS], authority + 1)), "市场监督管理局"
        ),
        "联系电话": phones(rng, rows),
    }


STATIONS = [  # 监测站点, 经度, 纬度
    ("市环境监测站", 113.6612, 34.7530),
    ("城关区政府", 113.6798, 34.7604),
    ("新城区实验小学", 113.7305, 34.7811),
    ("东湖公园", 113.7621, 34.7402),
    ("西山水厂", 113.5604, 34.7366),
    ("北湖生态园", 113.6893, 34.8217),
    ("高新区管委会", 113.5418, 34.8102),
    ("经开区综合楼", 113.7377, 34.7006),
]
POLLUTANTS = ["PM2.5", "PM10", "SO2", "NO2", "O3", "CO"]
IAQI_STEPS = [0, 50, 100, 150, 200, 300, 400, 500]
BREAKPOINTS = {  # HJ 633-2012: 1-hour limits for SO2, NO2, O3, CO; 24-hour for particles
    "PM2.5": [0, 35, 75, 115, 150, 250, 350, 500],
    "PM10": [0, 50, 150, 250, 350, 420, 500, 600],
    "SO2": [0, 150, 500, 650, 800, 1600, 2100, 2620],
    "NO2": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "O3": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "CO": [0, 5, 10, 35, 60, 90, 120, 150],
}


def _weather(rng: np.random.Generator, hours: int, stations: int) -> np.ndarray:
    """Log-scale pollution factor: a slow regional AR(1) plus a local one per station."""
    shocks = rng.normal(0, 1, (hours, stations + 1)) * np.r_[[0.06], np.full(stations, 0.1)]
    level = np.zeros_like(shocks)
    for h in range(1, hours):
        level[h] = level[h - 1] * np.r_[[0.985], np.full(stations, 0.8)] + shocks[h]
    return level[:, :1] + level[:, 1:]


def air_quality(seed: int, rows: int) -> Columns:
    rng = rng_for(seed, "air_quality_hourly")
    k = len(STATIONS)
    hours = -(-rows // k)
    time = YEAR_START.astype("datetime64[s]") + np.arange(hours) * np.timedelta64(3600, "s")
    doy = np.arange(hours) / 24.0
    hour = (np.arange(hours) % 24)[:, None]
    winter = 1 + 0.6 * np.cos(2 * np.pi * (doy - 15) / 365)[:, None]
    summer = 2 - winter
    traffic = 1 + 0.25 * (np.exp(-((hour - 8) ** 2) / 4) + np.exp(-((hour - 19) ** 2) / 6))
    sun = np.exp(-((hour - 15) ** 2) / 12)
    dirt = np.exp(_weather(rng, hours, k))
    pm25 = 42 * winter * dirt * traffic * rng.lognormal(0, 0.1, (hours, k))
    values = {
        "PM2.5": pm25,
        "PM10": pm25 * rng.uniform(1.4, 2.1, (hours, k)),
        "SO2": 9 * winter * dirt * rng.lognormal(0, 0.2, (hours, k)),
        "NO2": 32 * traffic * np.sqrt(dirt) * rng.lognormal(0, 0.2, (hours, k)),
        "O3": (25 + 110 * summer**1.5 * sun) * rng.lognormal(0, 0.15, (hours, k)),
        "CO": 0.7 * winter * np.sqrt(dirt) * rng.lognormal(0, 0.15, (hours, k)),
    }
    values = {p: np.round(v, 1 if p == "CO" else 0).ravel()[:rows] for p, v in values.items()}
    iaqi = np.stack([np.interp(values[p], BREAKPOINTS[p], IAQI_STEPS) for p in POLLUTANTS])
    aqi = np.ceil(iaqi.max(axis=0)).astype(np.int64)
    primary = pa.array(nm.pick(POLLUTANTS, iaqi.argmax(axis=0)), mask=aqi <= 50)  # none while AQI <= 50
    station = np.tile(np.arange(k), hours)[:rows]
    columns: Columns = {
        "监测站点": nm.pick([s for s, _, _ in STATIONS], station),
        "经度": np.array([lon for _, lon, _ in STATIONS])[station],
        "纬度": np.array([lat for _, _, lat in STATIONS])[station],
        "监测时间": np.repeat(time, k)[:rows],
        "AQI": aqi,
    }
    columns |= {p: values[p] if p == "CO" else values[p].astype(np.int64) for p in POLLUTANTS}
    columns["首要污染物"] = primary
    return columns


def bus_line_table(seed: int, rows: int) -> Columns:
    lines = bus_lines(seed, rows)
    return {
        "线路编号": lines["code"],
        "线路名称": lines["name"],
        "起点站": lines["origin"],
        "终点站": lines["terminus"],
        "首班时间": lines["first"],
        "末班时间": lines["last"],
        "票价(元)": lines["fare"],
        "站点数": lines["stops"],
        "线路长度(公里)": lines["length"],
        "运营单位": lines["operator"],
    }


SLOTS = np.arange(6, 22)  # hours from 06:00-07:00 to 21:00-22:00
HOUR_PROFILE = 0.3 + np.exp(-((SLOTS - 7.5) ** 2) / 1.5) + 0.8 * np.exp(-((SLOTS - 17.5) ** 2) / 2)


def bus_ridership(seed: int, rows: int) -> Columns:
    rng = rng_for(seed, "bus_ridership")
    lines = bus_lines(seed, LINE_COUNT)
    per_day = LINE_COUNT * len(SLOTS)
    days = np.datetime64("2025-09-01") + np.arange(-(-rows // per_day))
    weekday = (days.astype(np.int64) + 3) % 7
    day_factor = np.where(weekday >= 5, 0.7, 1.0) * rng.lognormal(0, 0.05, len(days))
    line_factor = lines["popularity"] * lines["stops"] * 3
    mean = day_factor[:, None, None] * line_factor[None, :, None] * HOUR_PROFILE[None, None, :]
    taps = rng.poisson(mean).ravel()[:rows]
    slot = np.tile(SLOTS, len(days) * LINE_COUNT)[:rows]
    label = np.strings.add(
        np.strings.add(np.strings.zfill(slot.astype(STR), 2), ":00-"), np.strings.zfill((slot + 1).astype(STR), 2)
    )
    return {
        "日期": np.repeat(days, per_day)[:rows],
        "线路编号": np.tile(np.repeat(lines["code"], len(SLOTS)), len(days))[:rows],
        "时段": np.strings.add(label, ":00"),
        "刷卡人次": taps,
        "换乘人次": rng.binomial(taps, 0.18),
    }


PROJECTS = [  # 项目 and the industry of its 建设单位: 8 房地产, 2 制造, 6 物流; -1 a state-owned one
    ("住宅小区项目", 8, 10),
    ("安置房建设项目", -1, 4),
    ("商业综合体项目", 8, 3),
    ("标准化厂房项目", 2, 4),
    ("中学教学楼改扩建工程", -1, 2),
    ("社区服务中心工程", -1, 2),
    ("医院门诊楼工程", -1, 1),
    ("产业园一期工程", 2, 3),
    ("人才公寓项目", 8, 2),
    ("物流仓储中心项目", 6, 2),
]


def _project_owners(rng: np.random.Generator, firms: dict[str, np.ndarray], project: np.ndarray) -> np.ndarray:
    active = firms["active"]
    by_industry = {i: np.flatnonzero(active & (firms["industry"] == i)) for i in (2, 6, 8)}
    state_owned = active & (firms["etype"] == 3) & np.isin(firms["industry"], [4, 8])  # 国有独资 商务, 房地产
    by_industry[-1] = np.flatnonzero(state_owned)
    owner = np.zeros(len(project), dtype=np.int64)
    for p, (_, industry, _) in enumerate(PROJECTS):
        rows = np.flatnonzero(project == p)
        owner[rows] = rng.choice(by_industry[industry], len(rows))
    return owner


def construction_permits(seed: int, rows: int) -> Columns:
    rng = rng_for(seed, "construction_permits")
    firms = enterprises(seed, ENTERPRISE_COUNT)
    builders = np.flatnonzero(firms["active"] & (firms["industry"] == 3))  # 建筑业
    day = np.sort(YEAR_START + rng.integers(0, 365, rows))
    seq = np.arange(rows) - np.searchsorted(day, day) + 1
    district = rng.integers(0, len(nm.DISTRICTS), rows)
    area = np.array(nm.DISTRICT_AREAS)[district]
    project = weighted(rng, [w for *_, w in PROJECTS], rows)
    owner = _project_owners(rng, firms, project)
    road = nm.pick(nm.ROADS, rng.integers(0, len(nm.ROADS), rows))
    place = np.strings.add(np.strings.add(nm.CITY, nm.pick(nm.DISTRICTS, district)), road)
    floor_area = np.round(rng.lognormal(np.log(30_000), 0.8, rows), 2)
    return {
        "施工许可证编号": np.strings.add(
            np.strings.add(area.astype(STR), yyyymmdd(day)), np.strings.zfill(seq.astype(STR), 4)
        ),
        "项目名称": np.strings.add(place, nm.pick([p for p, _, _ in PROJECTS], project)),
        "建设单位": firms["name"][owner],
        "建设单位统一社会信用代码": firms["code"][owner],
        "施工单位": firms["name"][rng.choice(builders, rows)],
        "建设地址": np.strings.add(place, np.strings.add(rng.integers(1, 400, rows).astype(STR), "号")),
        "建筑面积(平方米)": floor_area,
        "合同价格(万元)": np.round(floor_area * rng.uniform(0.25, 0.45, rows), 2),
        "合同工期(天)": rng.integers(6, 37, rows) * 30,
        "核发日期": day,
    }
