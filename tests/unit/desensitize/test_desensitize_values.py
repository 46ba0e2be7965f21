"""The coercions operators share: any array to text or to numbers, never raising on a cell."""

from __future__ import annotations

import datetime

import pyarrow as pa

from gongshu.classify.desensitize.values import as_number, as_text, plain


def test_chunked_extension_and_dictionary_arrays_are_made_plain() -> None:
    chunked = pa.chunked_array([["甲"], ["乙"]]).dictionary_encode()
    assert plain(chunked).to_pylist() == ["甲", "乙"] and plain(chunked).type == pa.string()
    uuid = pa.array([b"0123456789abcdef"], pa.binary(16)).cast(pa.uuid())
    assert plain(uuid).type == pa.binary(16)


def test_cells_of_any_type_have_a_text_form() -> None:
    assert as_text(pa.array([19900102, None])).to_pylist() == ["19900102", None]
    assert as_text(pa.array([datetime.date(1990, 1, 2)])).to_pylist() == ["1990-01-02"]
    assert as_text(pa.array([b"ok", b"\xff"])).to_pylist() == ["ok", "\ufffd"]
    assert as_text(pa.array([b"\xff"], pa.large_binary())).type == pa.large_string()
    assert as_text(pa.array([{"a": 1}])).to_pylist() == ["{'a': 1}"]
    assert as_text(pa.array(["x"], pa.string_view())).to_pylist() == ["x"]


def test_numbers_keep_int64_where_they_can_and_become_float64_otherwise() -> None:
    assert as_number(pa.array([1, None], pa.int16())).type == pa.int64()
    assert as_number(pa.array([2**64 - 1], pa.uint64())).type == pa.float64()
    assert as_number(pa.array([" -3.5 ", "+.5", "1e3", "1,000", "0x10", "inf"])).to_pylist() == [
        -3.5, 0.5, 1000.0, None, None, None
    ]  # fmt: skip
    assert as_number(pa.array(["1"], pa.string_view())).to_pylist() == [1.0]
    assert as_number(pa.array([datetime.date(1990, 1, 2)])).to_pylist() == [None]
