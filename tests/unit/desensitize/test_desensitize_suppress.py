"""suppress: every value becomes null, or a constant marker."""

from __future__ import annotations

import pyarrow as pa

from gongshu.classify.desensitize.operators.suppress import suppress


def test_every_value_becomes_null_of_the_columns_own_type() -> None:
    suppressed = suppress(pa.array([3000, None, 5000]))
    assert suppressed.to_pylist() == [None, None, None]
    assert suppressed.type == pa.int64()


def test_a_marker_replaces_every_value_and_nulls_stay_null() -> None:
    assert suppress(pa.array(["患有高血压", None, ""]), marker="***").to_pylist() == ["***", None, "***"]
    assert suppress(pa.array([1.5]), marker="已屏蔽").type == pa.string()


def test_dictionary_and_nested_columns_are_suppressed() -> None:
    assert suppress(pa.array(["甲", "乙"]).dictionary_encode()).type == pa.string()
    assert suppress(pa.array([[1, 2], None]), marker="*").to_pylist() == ["*", None]
