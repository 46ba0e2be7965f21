"""Parquet and JSON Lines sources: rewritten with checked names and stored types."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gongshu.catalog.ingest import Column, ingest_file


def test_a_parquet_file_is_rewritten_with_stored_types(tmp_path: Path) -> None:
    source = pa.table(
        {
            " 名称 ": pa.array(["甲", "乙", None]).dictionary_encode(),
            "数量": pa.array([1, 2, 3], pa.int32()),
            "比例": pa.array([0.5, 1.5, None], pa.float32()),
            "金额": pa.array([Decimal("1.20"), Decimal("3.40"), None], pa.decimal128(10, 2)),
            "日期": pa.array([dt.date(2024, 1, 1)] * 3),
            "时间戳": pa.array([dt.datetime(2024, 1, 1, 8)] * 3, pa.timestamp("ms")),
            "原始": pa.array([b"\x00\x01", b"", None], pa.large_binary()),
        }
    )
    src = tmp_path / "in.parquet"
    pq.write_table(source, src, row_group_size=2)
    result = ingest_file(src, tmp_path / "out.parquet")
    assert result.source_format == "parquet" and result.rows == 3
    assert [c.type for c in result.columns] == [
        "string", "int64", "float64", "decimal", "date", "timestamp", "binary",
    ]  # fmt: skip
    table = pq.read_table(result.path)
    assert table.column_names[0] == "名称"
    assert table.column("名称").to_pylist() == ["甲", "乙", None]
    assert table.column("金额").to_pylist()[0] == Decimal("1.20")
    assert table.column("数量").type == pa.int64()


def test_a_parquet_file_with_nested_columns_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"标签": [["a", "b"]]}), src)
    error = fails(src)
    assert "unsupported type list" in error.en and "「标签」" in error.zh


def test_a_broken_parquet_file_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "broken.parquet"
    pq.write_table(pa.table({"a": list(range(1000))}), src)
    src.write_bytes(src.read_bytes()[:-100])
    assert "cannot read the Parquet file" in fails(src).en


def test_an_empty_parquet_file_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "empty.pq"
    pq.write_table(pa.table({"a": pa.array([], pa.int64())}), src)
    assert "no data rows" in fails(src).en


def test_json_lines_are_read_with_columns_in_first_seen_order(tmp_path: Path) -> None:
    records = [
        {"名称": "甲", "数量": 1, "身份证号": 110105199001011234},
        {"名称": "乙", "数量": 2.5, "标签": ["a", "b"], "有效": True},
        {},
        {"名称": None, "数量": None, "详情": {"区": "拱墅"}},
    ]
    src = tmp_path / "data.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    src.write_text("\ufeff" + "\n\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet")
    assert result.columns == [
        Column("名称", "string"),
        Column("数量", "float64"),
        Column("身份证号", "string"),
        Column("标签", "string"),
        Column("有效", "bool"),
        Column("详情", "string"),
    ]
    table = pq.read_table(result.path).to_pydict()
    assert table["身份证号"] == ["110105199001011234", None, None, None]
    assert table["标签"] == [None, '["a", "b"]', None, None]
    assert table["详情"][3] == '{"区": "拱墅"}'
    assert result.rows == 4


def test_a_bad_json_line_is_named(tmp_path: Path, fails) -> None:
    src = tmp_path / "data.jsonl"
    src.write_text('{"a": 1}\n{"a": 2}\n{"a": secret}\n', encoding="utf-8")
    error = fails(src)
    assert error.values["line"] == 3
    assert error.en.startswith("line 3 is not valid JSON")
    assert "secret" not in str(error)


def test_a_json_line_that_is_not_an_object_is_named(tmp_path: Path, fails) -> None:
    src = tmp_path / "data.json"
    src.write_text('{"a": 1}\n[1, 2]\n', encoding="utf-8")
    assert fails(src).values == {"line": 2}


def test_a_json_line_that_is_not_utf8_is_named(tmp_path: Path, fails) -> None:
    src = tmp_path / "data.ndjson"
    src.write_bytes('{"a": "甲"}\n'.encode() + '{"a": "乙"}\n'.encode("gbk"))
    assert "line 2 is not UTF-8" in fails(src).en


def test_an_empty_json_lines_file_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "data.jsonl"
    src.write_text("\n\n", encoding="utf-8")
    assert "empty" in fails(src).en
