"""IP addresses: dotted-quad IPv4 and IPv6, decided by the standard library's parser."""

from __future__ import annotations

import ipaddress

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.classify.recognizers.base import ASCII, PLAIN, is_digits

CODE = "ip_address"
VERSION = "1"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_V4 = rf"(?:{_OCTET}\.){{3}}{_OCTET}"
_V6 = r"[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
PATTERN = rf"\b(?:{_V4}|{_V6})\b"
CELL = rf"^(?:{_V4}|:?{_V6}|::[0-9A-Fa-f]{{0,4}})$"
FORM = PLAIN
SCRIPT = ASCII
LENGTHS = (2, 39)
HINTS = ("ip", "ip地址", "ipdz", "ip_addr", "ip_address", "ipaddr", "client_ip", "remote_addr", "登录ip", "访问ip")


def validate(value: str) -> bool:
    """True when ``ipaddress`` parses the value as an IPv4 or IPv6 address."""
    if not isinstance(value, str) or not 2 <= len(value) <= 39:
        return False
    if ":" not in value:  # IPv4 without the library's overhead: four decimal octets 0-255, no leading zeros
        octets = value.split(".")
        return len(octets) == 4 and all(is_digits(o) and len(o) <= 3 and str(int(o)) == o and int(o) <= 255
                                        for o in octets)  # fmt: skip
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def validate_array(values: pa.Array) -> np.ndarray:
    """``validate`` of each value: a full match of the IPv4 pattern is a valid address (its octets are
    0-255 without leading zeros by construction); the rest one by one."""
    v4 = pc.fill_null(pc.match_substring_regex(values, f"^{_V4}$"), False).to_numpy(zero_copy_only=False)
    out = np.asarray(v4, dtype=bool).copy()
    rest = np.flatnonzero(~out)
    if len(rest):
        out[rest] = [v is not None and validate(v) for v in values.take(pa.array(rest)).to_pylist()]
    return out
