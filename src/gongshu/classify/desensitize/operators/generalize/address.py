"""Generalize a Chinese address to its district (区/县/旗/县级市), or to its city when no district is found."""

from __future__ import annotations

import re

import pyarrow as pa

from gongshu.classify.desensitize.values import head, map_distinct

HAN = "[\u3400-\u4dbf\u4e00-\u9fff]"
PROVINCE = re.compile(rf"{HAN}{{2,7}}?(?:省|自治区|特别行政区)")
CITY = re.compile(rf"{HAN}{{1,9}}?(?:市|自治州|地区|盟)")
DISTRICT = re.compile(rf"{HAN}{{1,9}}?(?:区|县|旗|市)")
NOT_IN_NAMES = set("路街道巷弄里号楼栋幢室村组镇乡")
NOT_IN_CITY = NOT_IN_NAMES | set("区县")
NOT_BEFORE_DISTRICT = set("小社校景街片厂营矿园")  # 小区、社区、校区 … are places inside a district
LONGEST_READ = 64  # the district comes early; the rest of a long address is never read
LONGEST_CELL = 1024  # cut before distinct values are gathered, so a batch of huge cells stays small
SPACES = re.compile(r"\s+")
LEADING = re.compile(r"^[^\u3400-\u4dbf\u4e00-\u9fff]+")  # a postcode or a bracket before the address


def address_to_district(array: pa.Array, *, fallback: str = "city") -> pa.Array:
    """The address up to and including its district: "河南省郑州市金水区花园路1号" → "河南省郑州市金水区".

    Reads an optional province (省/自治区/特别行政区), an optional city (市/自治州/地区/盟) and then a district
    (区/县/旗, or a 市 after a city: a county-level city). A candidate whose name holds road or building words
    (路街道号楼村镇…) or ends like 小区/社区/校区 is not a district. With no district, ``fallback="city"`` keeps
    the province and city ("示例市"); ``fallback="suppress"``, or no city either, gives null. Whitespace and anything
    before the first Chinese character (a postcode) are removed first; only the next 64 characters are read. Each
    distinct address is parsed once per batch.
    """
    return map_distinct(head(array, LONGEST_CELL), lambda value: district(value, fallback=fallback))


def district(address: str, *, fallback: str = "city") -> str | None:
    text = LEADING.sub("", SPACES.sub("", address))[:LONGEST_READ]
    end = _level(PROVINCE, text, 0, NOT_IN_NAMES)
    after_city = _level(CITY, text, end, NOT_IN_CITY)
    ends = _level(DISTRICT, text, after_city, NOT_IN_NAMES, district=True, city_seen=after_city > end)
    if ends > after_city:
        return text[:ends]
    if after_city > end and fallback == "city":
        return text[:after_city]
    return None


def _level(
    pattern: re.Pattern[str],
    text: str,
    start: int,
    forbidden: set[str],
    *,
    district: bool = False,
    city_seen: bool = False,
) -> int:
    """Where the level matched at ``start`` ends, or ``start`` when it is absent or not a real name."""
    found = pattern.match(text, start)
    if found is None:
        return start
    name, suffix = found.group()[:-1], found.group()[-1]
    if forbidden & set(name):
        return start
    if district and (name[-1] in NOT_BEFORE_DISTRICT or (suffix == "市" and not city_seen)):
        return start
    return found.end()
