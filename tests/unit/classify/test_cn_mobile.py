"""Mobile numbers: 11 digits in an allocated prefix; +86, spaces, dashes and full width are normalized."""

from __future__ import annotations

import pytest

from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import cn_mobile


@pytest.mark.parametrize(
    "raw",
    ["13800138000", "+86 138-0013-8000", "+86 13800138000", "008613800138000", "8613800138000", "138 0013 8000",
     "１３８００１３８０００", "(+86)19912345678", "16612345678", "19212345678"],
)  # fmt: skip
def test_mobile_numbers_in_every_common_format_pass(raw: str) -> None:
    assert cn_mobile.validate(compact_text(raw))


@pytest.mark.parametrize(
    "value",
    ["10012345678", "12345678901", "11012345678", "15412345678", "1380013800", "138001380001", "+8713800138000", ""],
)
def test_eleven_digit_numbers_outside_the_allocated_prefixes_fail(value: str) -> None:
    assert not cn_mobile.validate(value)
