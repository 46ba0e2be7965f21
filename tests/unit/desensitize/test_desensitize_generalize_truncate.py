"""generalize truncate: the first n characters of each value, and the generalize dispatch itself."""

from __future__ import annotations

import pyarrow as pa

from gongshu.classify.desensitize.operators.generalize import generalize


def test_text_is_cut_to_its_first_characters() -> None:
    cut = generalize(pa.array(["浙江省杭州市", "ab", None, ""]), kind="truncate", n=3)
    assert cut.to_pylist() == ["浙江省", "ab", None, ""]


def test_a_postcode_stored_as_an_integer_is_cut_as_text() -> None:
    assert generalize(pa.array([310006]), kind="truncate", n=2).to_pylist() == ["31"]
