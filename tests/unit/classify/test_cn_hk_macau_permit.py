"""往来港澳通行证 and 港澳居民来往内地通行证 numbers."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import cn_hk_macau_permit


@pytest.mark.parametrize("value", ["C12345678", "CA1234567", "H12345678", "M87654321", "H1234567801"])
def test_permit_numbers_pass(value: str) -> None:
    assert cn_hk_macau_permit.validate(value)


@pytest.mark.parametrize("value", ["CI1234567", "C1234567", "H123456789", "E12345678", "K12345678", ""])
def test_other_letters_and_lengths_fail(value: str) -> None:
    assert not cn_hk_macau_permit.validate(value)
