"""Keyed hash: replace each value by its HMAC (SM3 or SHA-256) under the platform's key, so joins still work."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa

from gongshu.classify.desensitize import errors
from gongshu.classify.desensitize.params import OperatorSpec, choice, whole
from gongshu.classify.desensitize.values import as_text, map_distinct

ALGORITHMS = ("sm3", "sha256")
SHORTEST_DIGEST = 8
HEX_DIGEST = 64
SHORTEST_KEY = 16


def keyed_hash(array: pa.Array, *, key: bytes, algorithm: str = "sm3", length: int | None = None) -> pa.Array:
    """Each value's HMAC-``algorithm`` under ``key`` as lowercase hex, cut to ``length`` characters when given.

    The same value and key always give the same digest (in any table, so hashed columns still join); another key
    gives another digest. The HMAC covers the value's UTF-8 text form, so the number 13800138000 and the text
    "13800138000" hash alike. Each distinct value of the array is hashed once. Nulls stay null; "" is hashed.
    """
    return map_distinct(as_text(array), hmac_hex(key, algorithm, length or HEX_DIGEST))


def hmac_hex(key: bytes, algorithm: str, length: int) -> Callable[[str], str]:
    """HMAC (RFC 2104) with the padded key hashed once: per value two hash copies, about 3× faster than hmac.digest."""
    block = hashlib.new(algorithm).block_size
    padded = (hashlib.new(algorithm, key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.new(algorithm, bytes(b ^ 0x36 for b in padded))
    outer = hashlib.new(algorithm, bytes(b ^ 0x5C for b in padded))

    def digest(value: str) -> str:
        first = inner.copy()
        first.update(value.encode())
        second = outer.copy()
        second.update(first.digest())
        return second.hexdigest()[:length]

    return digest


def available(algorithm: str) -> bool:
    try:
        hashlib.new(algorithm)
    except ValueError:
        return False
    return True


def _check(column: str, given: Mapping[str, Any], resolved: Mapping[str, Any]) -> None:
    if not available(resolved["algorithm"]):
        raise errors.algorithm_unavailable(column, resolved["algorithm"])


def check_key(key: object) -> None:
    """Raise unless ``key`` is bytes long enough to keep digests unguessable."""
    if not isinstance(key, bytes) or len(key) < SHORTEST_KEY:
        raise errors.key_missing()


SPEC = OperatorSpec(
    name="keyed_hash",
    function=keyed_hash,
    params={
        "algorithm": choice("HMAC 使用的哈希算法", "the hash inside the HMAC", ALGORITHMS, default="sm3"),
        "length": whole(
            "保留的十六进制字符数（null 为全部 64 个）",
            "hex characters kept (null keeps all 64)",
            low=SHORTEST_DIGEST,
            high=HEX_DIGEST,
            default=None,
            none=True,
        ),
    },
    zh="带密钥哈希：用平台密钥计算 HMAC（SM3 或 SHA-256），同值同密钥结果相同，可用于关联",
    en="keyed hash: HMAC (SM3 or SHA-256) under the platform's key; equal values hash alike, so joins still work",
    keyed=True,
    check=_check,
)
