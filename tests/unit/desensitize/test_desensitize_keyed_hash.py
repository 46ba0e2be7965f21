"""keyed_hash: HMAC-SM3 or HMAC-SHA-256 under the platform's key; deterministic per key, so joins still work."""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.classify.desensitize import DesensitizeError, Plan
from gongshu.classify.desensitize.operators import keyed_hash as module
from gongshu.classify.desensitize.operators.keyed_hash import available, check_key, keyed_hash

PROPERTY = settings(max_examples=60, deadline=None, database=None)
KEY = b"platform-key-0123456789abcdef"
OTHER_KEY = b"platform-key-0123456789abcdeF"


def test_the_digest_is_the_hmac_sm3_of_the_utf8_text() -> None:
    digest = keyed_hash(pa.array(["张三"]), key=KEY)[0].as_py()
    assert digest == hmac.new(KEY, "张三".encode(), "sm3").hexdigest()
    assert len(digest) == 64


def test_sha256_can_be_chosen_and_the_digest_cut_short() -> None:
    digest = keyed_hash(pa.array(["张三"]), key=KEY, algorithm="sha256", length=16)[0].as_py()
    assert digest == hmac.new(KEY, "张三".encode(), hashlib.sha256).hexdigest()[:16]


def test_equal_values_hash_alike_so_hashed_columns_still_join() -> None:
    left = keyed_hash(pa.array(["110101199003071234", "110101198512120011"]), key=KEY)
    right = keyed_hash(pa.array(["110101198512120011", "110101199003071234", "110101199003071234"]), key=KEY)
    assert left.to_pylist() == [right[1].as_py(), right[0].as_py()]
    assert right[1] == right[2]


def test_a_number_and_its_text_hash_alike() -> None:
    assert keyed_hash(pa.array([13800138000]), key=KEY) == keyed_hash(pa.array(["13800138000"]), key=KEY)


def test_nulls_stay_null_and_empty_text_is_hashed() -> None:
    hashed = keyed_hash(pa.array([None, "", None]), key=KEY).to_pylist()
    assert hashed[0] is None and hashed[2] is None
    assert hashed[1] == hmac.new(KEY, b"", "sm3").hexdigest()


def test_dictionary_and_empty_arrays_hash_too() -> None:
    encoded = pa.array(["甲", "乙", "甲"]).dictionary_encode()
    assert keyed_hash(encoded, key=KEY) == keyed_hash(pa.array(["甲", "乙", "甲"]), key=KEY)
    assert keyed_hash(pa.array([], pa.string()), key=KEY).type == pa.string()


@pytest.mark.parametrize("key", [None, "a text key of enough length", b"short"])
def test_a_missing_short_or_text_key_is_refused(key: object) -> None:
    with pytest.raises(DesensitizeError) as caught:
        check_key(key)
    assert "16" in caught.value.zh and "16 bytes" in caught.value.en


def test_sm3_is_available_here_and_a_plan_asking_for_a_missing_algorithm_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert available("sm3") and available("sha256") and not available("no-such-hash")
    monkeypatch.setattr(module, "available", lambda algorithm: False)
    with pytest.raises(DesensitizeError) as caught:
        Plan.from_json([{"column": "身份证号", "operator": "keyed_hash"}])
    assert "「身份证号」" in caught.value.zh and "'sm3' is not available" in caught.value.en


def test_a_key_longer_than_the_hash_block_is_hashed_first_as_hmac_requires() -> None:
    long_key = bytes(range(256)) * 2
    for algorithm in ("sm3", "sha256"):
        digest = keyed_hash(pa.array(["张三"]), key=long_key, algorithm=algorithm)[0].as_py()
        assert digest == hmac.new(long_key, "张三".encode(), algorithm).hexdigest()


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=20))
def test_hashing_is_deterministic_per_key_and_differs_across_keys(values: list[str | None]) -> None:
    first = keyed_hash(pa.array(values, pa.string()), key=KEY).to_pylist()
    assert keyed_hash(pa.array(values, pa.string()), key=KEY).to_pylist() == first
    other = keyed_hash(pa.array(values, pa.string()), key=OTHER_KEY).to_pylist()
    for value, mine, theirs in zip(values, first, other, strict=True):
        assert (mine is None) == (theirs is None) == (value is None)
        if value is not None:
            assert mine != theirs
            assert len(mine) == 64 and set(mine) <= set("0123456789abcdef")
