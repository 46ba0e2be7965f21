"""IP addresses, v4 and v6."""

from __future__ import annotations

import pytest

from gongshu.classify.recognizers import ip_address


@pytest.mark.parametrize("value", ["192.168.1.1", "10.0.0.255", "0.0.0.0", "2001:db8::1", "fe80::1", "::1"])
def test_addresses_pass(value: str) -> None:
    assert ip_address.validate(value)


@pytest.mark.parametrize("value", ["256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "12:30:45", "2001:db8:::1", ""])
def test_out_of_range_octets_and_malformed_addresses_fail(value: str) -> None:
    assert not ip_address.validate(value)
