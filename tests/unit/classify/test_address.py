"""Addresses: administrative unit, then road or village, then number or group."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import address


@pytest.mark.parametrize(
    "value",
    ["河南省郑州市金水区花园路12号", "示例市西山区纬五路211号10号楼1904室", "河南省周口市太康县城关镇王庄村3组",
     "北京市朝阳区建国路88号SOHO现代城5号楼", "金水区某某小区3号楼2单元"],
)  # fmt: skip
def test_structured_addresses_pass(value: str) -> None:
    assert address.validate(value)


@pytest.mark.parametrize(
    "value", ["郑州市金水区人民政府", "示例市华瑞电子有限公司", "花园路12号", "郑州市金水区", "备注", ""]
)
def test_organizations_and_partial_addresses_fail(value: str) -> None:
    assert not address.validate(value)


def test_partial_addresses_count_only_in_a_column_named_as_addresses() -> None:
    assert address.validate_hinted("花园路12号")
    assert address.validate_hinted("郑州市金水区")
    assert not address.validate_hinted("郑州市金水区人民政府")
