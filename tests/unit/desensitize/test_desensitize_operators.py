"""The contract every operator keeps: any array in, an array of the same length out, nulls kept, nothing raised."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from gongshu.classify.desensitize import OPERATORS
from gongshu.classify.desensitize.values import plain

KEY = bytes(range(32))
EXAMPLES: dict[str, dict[str, Any]] = {
    "mask": {"keep_first": 1},
    "keyed_hash": {},
    "generalize:date_to_year": {"kind": "date_to_year"},
    "generalize:date_to_month": {"kind": "date_to_month"},
    "generalize:id_to_birth_year": {"kind": "id_to_birth_year"},
    "generalize:address_to_district": {"kind": "address_to_district"},
    "generalize:age_to_band": {"kind": "age_to_band"},
    "generalize:truncate": {"kind": "truncate", "n": 2},
    "round": {"base": 100},
    "bucket": {"width": 10},
    "suppress": {},
    "suppress:marker": {"marker": "***"},
}
ODD_ARRAYS = [
    pa.array([], pa.string()),
    pa.nulls(3),
    pa.array([None, None], pa.string()),
    pa.array(["", " ", "张" * 10_000, "\x00", "🀄", None]),
    pa.array([0, -1, 2**63 - 1, -(2**63), None]),
    pa.array([2**64 - 1, 0], pa.uint64()),
    pa.array([float("nan"), float("inf"), -0.0, 1e308, None]),
    pa.array([decimal.Decimal("123.45"), None]),
    pa.array([True, False, None]),
    pa.array([datetime.date(1, 1, 1), datetime.date(9999, 12, 31), None]),
    pa.array([datetime.datetime(2024, 1, 1, 8)], pa.timestamp("ns", tz="Asia/Shanghai")),
    pa.array([datetime.time(8, 0)]),
    pa.array([b"\xff\xfe", b"", None]),
    pa.array([[1, 2], None, []]),
    pa.array([{"省": "浙江", "市": None}, None]),
    pa.array(["甲", None, "甲"]).dictionary_encode(),
    pa.array(["x", None], pa.large_string()),
    pa.chunked_array([["a"], ["b", None]]),
    pa.array([0, None], pa.timestamp("s", tz="Nowhere/Atlantis")),
    pa.array([pa.MonthDayNano([1, 2, 3]), None], pa.month_day_nano_interval()),
    pa.array([[("省", 1)], None], pa.map_(pa.string(), pa.int64())),
    pa.array([[1], None], pa.list_view(pa.int64())),
    pa.array([datetime.timedelta(days=1), None]),
    pc.run_end_encode(pa.array(["张三", "张三", None, "李四"])),
    pa.array([b"0" * 16, None], pa.binary(16)),
]


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("array", ODD_ARRAYS, ids=lambda a: str(a.type))
def test_every_operator_maps_odd_cells_without_raising_and_keeps_nulls(example: str, array: pa.Array) -> None:
    spec = OPERATORS[example.split(":")[0]]
    params = spec.resolve("列", EXAMPLES[example]) | ({"key": KEY} if spec.keyed else {})
    result = spec.function(array, **params)
    assert isinstance(result, pa.Array) and len(result) == len(array)
    was_null = plain(array).is_null().to_pylist()
    assert [was and cell is not None for was, cell in zip(was_null, result.to_pylist(), strict=True)] == [False] * len(
        array
    )
