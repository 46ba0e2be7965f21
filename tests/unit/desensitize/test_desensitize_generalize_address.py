"""generalize address_to_district: a Chinese address up to its district, else its city, else null."""

from __future__ import annotations

import pyarrow as pa
import pytest

from gongshu.classify.desensitize.operators.generalize import generalize


def district(*values: object, fallback: str = "city") -> list[str | None]:
    array = pa.array(list(values))
    return generalize(array, kind="address_to_district", fallback=fallback).to_pylist()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("示例市高新区科技路8号", "示例市高新区"),
        ("河南省郑州市金水区花园路1号", "河南省郑州市金水区"),
        ("北京市朝阳区建国路1号院2号楼", "北京市朝阳区"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区"),
        ("山东省济南市市中区经七路", "山东省济南市市中区"),
        ("浙江省杭州市建德市新安江街道", "浙江省杭州市建德市"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放北路", "新疆维吾尔自治区乌鲁木齐市天山区"),
        ("内蒙古自治区锡林郭勒盟正蓝旗上都镇", "内蒙古自治区锡林郭勒盟正蓝旗"),
        ("甘肃省临夏回族自治州临夏县", "甘肃省临夏回族自治州临夏县"),
        ("湖北省神农架林区松柏镇", "湖北省神农架林区"),
        ("朝阳区建国路88号", "朝阳区"),
        ("310000 浙江省 杭州市 拱墅区 湖墅南路", "浙江省杭州市拱墅区"),
    ],
)
def test_an_address_is_cut_after_its_district(address: str, expected: str) -> None:
    assert district(address) == [expected]


@pytest.mark.parametrize("address", ["示例市阳光小区3栋2单元", "示例市科技路社区服务中心", "江苏省昆山市玉山镇"])
def test_an_address_without_a_district_keeps_its_city(address: str) -> None:
    assert district(address) == [address[: address.index("市") + 1]]


def test_an_address_without_a_district_is_suppressed_when_asked() -> None:
    assert district("示例市阳光小区3栋", "示例市高新区", fallback="suppress") == [None, "示例市高新区"]


@pytest.mark.parametrize("address", ["", "不详", "浙江省某某路8号", "Room 5, Main Street", "12345"])
def test_an_address_without_city_or_district_becomes_null(address: str) -> None:
    assert district(address) == [None]


def test_nulls_stay_null_and_very_long_addresses_are_read_from_their_start() -> None:
    assert district(None, "示例市高新区" + "科技路" * 100_000) == [None, "示例市高新区"]


def test_repeated_addresses_give_the_same_district() -> None:
    assert district(*["河南省郑州市金水区花园路1号"] * 3) == ["河南省郑州市金水区"] * 3
