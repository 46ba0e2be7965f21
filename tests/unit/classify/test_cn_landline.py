"""Fixed-line numbers: trunk 0, area code and a local number of the right length."""

from __future__ import annotations

import pytest

from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import cn_landline


@pytest.mark.parametrize(
    "raw", ["010-62345678", "(010)62345678", "0371-61234567", "0371 6123 4567", "0391-2345678", "+86 10 62345678",
            "+86-371-61234567", "021-58881234"],
)  # fmt: skip
def test_landlines_with_area_codes_pass(raw: str) -> None:
    assert cn_landline.validate(compact_text(raw))


@pytest.mark.parametrize(
    "value", ["0106234567", "0110-62345678", "010-12345678", "0371-0123456", "61234567", "13800138000", ""]
)
def test_wrong_area_codes_local_numbers_and_mobiles_fail(value: str) -> None:
    assert not cn_landline.validate(compact_text(value))


def test_a_bare_local_number_counts_only_in_a_column_named_as_a_telephone() -> None:
    assert not cn_landline.validate("61234567")
    assert cn_landline.validate_hinted("61234567")
    assert not cn_landline.validate_hinted("01234567")
