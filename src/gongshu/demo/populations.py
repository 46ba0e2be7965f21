"""The demo city's residents, enterprises and bus lines, shared by its data resources.

Each population is made in fixed-size blocks, each from its own random stream,
so the first N members are the same whatever larger size is asked for: the
credit codes in 社会保险缴费记录 are those of 企业登记信息, also when a test
writes fewer rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from math import gcd

import numpy as np

from gongshu.demo import names as nm
from gongshu.demo.identifiers import STR, credit_codes, resident_ids

Population = dict[str, np.ndarray]
BlockMaker = Callable[[np.random.Generator, int, int], Population]
BLOCK = 50_000
AS_OF = np.datetime64("2025-12-31")  # the demo data describe the year 2025
_PEOPLE, _ENTERPRISES, _LINES = 1, 2, 3

_DECADE_WEIGHTS = {1940: 3, 1950: 8, 1960: 14, 1970: 15, 1980: 16, 1990: 15, 2000: 12, 2010: 12, 2020: 5}
_YEARS = np.arange(1940, 2024)
_YEAR_W = np.array([_DECADE_WEIGHTS[int(y) // 10 * 10] for y in _YEARS], dtype=np.float64)
_YEAR_P = _YEAR_W / _YEAR_W.sum()


def dates_in_years(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A uniformly drawn day in each of `years`."""
    start = (np.asarray(years) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = ((np.asarray(years) - 1969).astype("datetime64[Y]").astype("datetime64[D]") - start).astype(np.int64)
    return start + (rng.random(len(start)) * length).astype(np.int64)


def _people_block(rng: np.random.Generator, start: int, size: int) -> Population:
    birth = dates_in_years(rng, rng.choice(_YEARS, size=size, p=_YEAR_P))
    male = rng.random(size) < 0.51
    seq = rng.integers(0, 500, size) * 2 + male
    where = rng.random(size)
    area = np.where(
        where < 0.7,
        rng.choice(nm.LOCAL_AREAS, size),
        np.where(where < 0.9, rng.choice(nm.PROVINCE_AREAS, size), rng.choice(nm.OTHER_AREAS, size)),
    )
    return {"id": resident_ids(area, birth, seq), "name": nm.person_names(rng, male), "male": male, "birth": birth}


def _name_keys(index: np.ndarray, space: int) -> np.ndarray:
    """A bijection of 0..space-1 that spreads consecutive enterprises over the names."""
    step = next(a for a in range(int(space * 0.618), space) if gcd(a, space) == 1)
    return (index * step + 17) % space


def _enterprise_names(index: np.ndarray, industry: np.ndarray, etype: np.ndarray) -> np.ndarray:
    v = len(nm.BRAND_CHARS)
    space = v * (v - 1) * 4
    key = _name_keys(index % space, space)
    pair, slot = key // 4, key % 4
    first, second = pair // (v - 1), pair % (v - 1)
    second = second + (second >= first)
    words = np.array([w for _, ws, _ in nm.INDUSTRIES for w in ws], dtype=STR)[industry * 4 + slot]
    brand = np.strings.add(nm.pick(nm.BRAND_CHARS, first), nm.pick(nm.BRAND_CHARS, second))
    lap = index // space  # past 26,896 names a district keeps them apart
    district = np.where(lap > 0, nm.pick(["", *nm.DISTRICTS], np.minimum(lap, len(nm.DISTRICTS))), "")
    suffix = nm.pick([s for _, _, s in nm.ENTERPRISE_TYPES], etype)
    return np.strings.add(np.strings.add(nm.CITY, district), np.strings.add(np.strings.add(brand, words), suffix))


def _enterprise_block(rng: np.random.Generator, start: int, size: int) -> Population:
    industry = rng.choice(len(nm.INDUSTRIES), size, p=np.array(nm.INDUSTRY_WEIGHTS) / sum(nm.INDUSTRY_WEIGHTS))
    type_p = np.array([w for _, w, _ in nm.ENTERPRISE_TYPES], dtype=float)
    etype = rng.choice(len(type_p), size, p=type_p / type_p.sum())
    years = np.arange(1995, 2026)
    year_p = np.exp(0.12 * (years - 1995))
    established = dates_in_years(rng, rng.choice(years, size, p=year_p / year_p.sum()))
    age = (AS_OF - established).astype(np.int64) / 365.25
    dead = rng.random(size) < np.minimum(0.03 + 0.012 * age, 0.4)
    status = np.where(dead, np.where(rng.random(size) < 0.7, 2, 3), np.where(rng.random(size) < 0.55, 0, 1))
    capital_steps = [3, 5, 10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000]
    capital_p = np.array([3, 5, 18, 10, 15, 20, 10, 6, 6, 4, 1.5, 1, 0.5])
    capital = rng.choice(capital_steps, size, p=capital_p / capital_p.sum()).astype(float)
    capital = np.where(etype == 3, capital * 10, capital)
    district = rng.integers(0, len(nm.DISTRICTS), size)
    authority = np.where(rng.random(size) < 0.4, -1, district)  # -1: the city's own bureau
    area = np.where(authority < 0, nm.CITY_AREA, np.array(nm.DISTRICT_AREAS)[district])
    index = np.arange(start, start + size)
    return {
        "code": credit_codes(rng, area, established >= np.datetime64("2015-10-01")),
        "name": _enterprise_names(index, industry, etype),
        "legal_rep": nm.person_names(rng, rng.random(size) < 0.7),
        "capital": capital,
        "established": established,
        "etype": etype,
        "industry": industry,
        "status": status,
        "active": status < 2,
        "address": nm.addresses(rng, district),
        "authority": authority,
    }


STOPS = [
    "火车站",
    "汽车中心站",
    "高铁东站",
    "人民公园",
    "市政府",
    "体育中心",
    "会展中心",
    "大学城",
    "植物园",
    "动物园",
    "科技园",
    "工业园区",
    "市第一人民医院",
    "市中医院",
    "文化宫",
    "图书馆",
    "博物馆",
    "万达广场",
    "森林公园",
    "滨河公园",
    "二七广场",
    "新区管委会",
    "物流港",
    "机场",
    "东湖湿地",
    "西山景区",
    "北湖小区",
    "南湖花园",
    "职业技术学院",
    "师范学院",
    "实验中学",
    "龙湖公交场站",
    "金水公交场站",
    "开发区公交场站",
] + [f"{a}{b}口" for a, b in zip(nm.ROADS[::2], nm.ROADS[1::2], strict=True)]
OPERATORS = [
    "示例市公共交通集团有限公司第一分公司",
    "示例市公共交通集团有限公司第二分公司",
    "示例市公共交通集团有限公司第三分公司",
    "示例市城市客运有限公司",
]


def _line_block(rng: np.random.Generator, start: int, size: int) -> Population:
    number = np.arange(start + 1, start + size + 1)
    kind = rng.choice(5, size, p=[0.7, 0.15, 0.05, 0.05, 0.05])  # 普通, K 空调, B 快速公交, Y 夜班, 旅游
    prefix = nm.pick(["", "K", "B", "Y", "旅游"], kind)
    suffix = nm.pick(["路", "路", "路", "路", "线"], kind)
    origin = rng.integers(0, len(STOPS), size)
    terminus = (origin + rng.integers(1, len(STOPS), size)) % len(STOPS)
    first = rng.choice(["05:30", "06:00", "06:00", "06:30", "07:00"], size)
    last = rng.choice(["20:00", "21:00", "21:30", "22:00", "22:30"], size)
    stops = rng.integers(8, 46, size)
    return {
        "code": np.strings.add("L", np.strings.zfill(number.astype(STR), 4)),
        "name": np.strings.add(np.strings.add(prefix, number.astype(STR)), suffix),
        "origin": nm.pick(STOPS, origin),
        "terminus": nm.pick(STOPS, terminus),
        "first": np.where(kind == 3, "22:00", first).astype(STR),
        "last": np.where(kind == 3, "05:00", last).astype(STR),
        "fare": np.where((kind == 0) & (rng.random(size) < 0.6), 1.0, np.array([2.0, 2.0, 2.0, 2.0, 5.0])[kind]),
        "stops": stops,
        "length": np.round(stops * rng.uniform(0.45, 0.9, size), 1),
        "operator": nm.pick(OPERATORS, rng.integers(0, len(OPERATORS), size)),
        "popularity": rng.lognormal(0.0, 0.6, size) * np.where(kind == 3, 0.2, 1.0),
    }


_MAKERS: dict[int, tuple[BlockMaker, int]] = {
    _PEOPLE: (_people_block, BLOCK),
    _ENTERPRISES: (_enterprise_block, BLOCK),
    _LINES: (_line_block, 1_000),
}


@lru_cache(maxsize=64)
def _block(kind: int, seed: int, number: int) -> Population:
    make, size = _MAKERS[kind]
    return make(np.random.default_rng([seed, kind, number]), number * size, size)


def _population(kind: int, seed: int, n: int) -> Population:
    size = _MAKERS[kind][1]
    parts = [_block(kind, seed, i) for i in range(-(-n // size))]
    return {key: np.concatenate([p[key] for p in parts])[:n] for key in parts[0]}


def people(seed: int, n: int) -> Population:
    """Residents: id (居民身份证号码), name, male, birth."""
    return _population(_PEOPLE, seed, n)


def enterprises(seed: int, n: int) -> Population:
    """Enterprises as registered by the 市场监管局: code (统一社会信用代码), name, ..."""
    return _population(_ENTERPRISES, seed, n)


def bus_lines(seed: int, n: int) -> Population:
    """Bus lines of the 交通运输局: code, name, origin, terminus, ..."""
    return _population(_LINES, seed, n)
