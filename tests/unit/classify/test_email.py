"""E-mail addresses."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import email


@pytest.mark.parametrize("value", ["zhang.san@example.com", "a_b+tag@mail.example.gov.cn", "12345@qq.com", "x@163.com"])
def test_addresses_pass(value: str) -> None:
    assert email.validate(value)


@pytest.mark.parametrize("value", ["zhang..san@example.com", ".a@example.com", "a@@example.com", "a@-x.com", "a@b",
                                   "a" * 65 + "@example.com", "@example.com", ""])  # fmt: skip
def test_malformed_addresses_fail(value: str) -> None:
    assert not email.validate(value)
