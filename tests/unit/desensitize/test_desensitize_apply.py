"""apply_plan: a Parquet file desensitized batch by batch, published whole or not at all."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.classify.desensitize import ApplyResult, DesensitizeError, Plan, apply
from gongshu.classify.desensitize import apply_plan as run

PEOPLE = {
    "姓名": ["张三丰", "李四", "欧阳娜娜", None],
    "身份证号": ["11010119900307123X", "440304200512310021", "310101197001010012", None],
    "手机号": ["13800138000", "13900139000", "13700137000", "13600136000"],
    "出生日期": [datetime.date(1990, 3, 7), datetime.date(2005, 12, 31), datetime.date(1970, 1, 1), None],
    "住址": ["河南省郑州市金水区花园路1号", "示例市高新区科技路8号", "示例市阳光小区3栋", "不详"],
    "年龄": [34, 18, 54, None],
    "收入": [12345, 6789, 250, None],
    "备注": ["患有高血压", "", None, "无"],
    "性别": ["男", "女", "男", "女"],
}
PLAN = Plan.from_json(
    {
        "steps": [
            {"column": "身份证号", "operator": "mask", "params": {"keep_first": 6, "keep_last": 4}},
            {"column": "姓名", "operator": "mask", "params": {"keep_first": 1}},
            {"column": "出生日期", "operator": "generalize", "params": {"kind": "date_to_year"}},
            {"column": "住址", "operator": "generalize", "params": {"kind": "address_to_district"}},
            {"column": "年龄", "operator": "generalize", "params": {"kind": "age_to_band"}},
            {"column": "收入", "operator": "round", "params": {"base": 100}},
            {"column": "备注", "operator": "suppress"},
        ],
        "drop": ["手机号"],
    }
)
EXPECTED = {
    "姓名": ["张**", "李*", "欧***", None],
    "身份证号": ["110101********123X", "440304********0021", "310101********0012", None],
    "出生日期": ["1990", "2005", "1970", None],
    "住址": ["河南省郑州市金水区", "示例市高新区", "示例市", None],
    "年龄": ["30-39", "18-29", "50-59", None],
    "收入": [12300, 6800, 300, None],
    "备注": [None, None, None, None],
    "性别": ["男", "女", "男", "女"],
}


def test_a_table_of_people_is_desensitized_column_by_column(tmp_path: Path, write: Callable, key: bytes) -> None:
    dest = tmp_path / "out.parquet"
    result = run(write(PEOPLE), dest, PLAN, key=key)
    assert pq.read_table(dest).to_pydict() == EXPECTED
    assert result == ApplyResult(
        rows=4,
        columns=list(EXPECTED),
        sha256=hashlib.sha256(dest.read_bytes()).hexdigest(),
        bytes=dest.stat().st_size,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "src.parquet"]


def test_the_output_is_zstd_parquet_with_nullable_text_columns(tmp_path: Path, write: Callable, key: bytes) -> None:
    dest = tmp_path / "out.parquet"
    run(write(PEOPLE), dest, PLAN, key=key)
    metadata = pq.ParquetFile(dest).metadata
    assert {metadata.row_group(0).column(i).compression for i in range(metadata.num_columns)} == {"ZSTD"}
    schema = pq.read_schema(dest)
    assert schema.field("出生日期").type == pa.string() and schema.field("收入").type == pa.int64()
    assert schema.field("备注").type == pa.string()


def test_no_raw_value_of_a_transformed_or_dropped_column_reaches_the_output(
    tmp_path: Path, write: Callable, key: bytes
) -> None:
    dest = tmp_path / "out.parquet"
    run(write(PEOPLE), dest, PLAN, key=key)
    cells = {str(v) for column in pq.read_table(dest).to_pydict().values() for v in column}
    for name in ("姓名", "身份证号", "手机号", "住址", "备注"):
        assert not cells & {v for v in PEOPLE[name] if v}


def test_many_batches_and_row_groups_give_the_same_result_as_one(
    tmp_path: Path, write: Callable, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 1000
    ids = [f"3301051990{i % 12 + 1:02d}{i % 28 + 1:02d}{i:03d}"[:17] + "X" for i in range(rows)]
    src = write({"身份证号": ids, "收入": list(range(rows))}, row_group_size=300)
    plan = Plan.from_json(
        [
            {"column": "身份证号", "operator": "keyed_hash"},
            {"column": "收入", "operator": "bucket", "params": {"width": 100}},
        ]
    )
    whole = run(src, tmp_path / "whole.parquet", plan, key=key)
    monkeypatch.setattr(apply, "BATCH_ROWS", 64)
    monkeypatch.setattr(apply, "ROW_GROUP_ROWS", 200)
    streamed = run(src, tmp_path / "streamed.parquet", plan, key=key)
    assert pq.read_table(tmp_path / "streamed.parquet") == pq.read_table(tmp_path / "whole.parquet")
    assert streamed.rows == whole.rows == rows
    assert pq.ParquetFile(tmp_path / "streamed.parquet").metadata.num_row_groups > 1


def test_equal_values_in_different_batches_hash_alike(
    tmp_path: Path, write: Callable, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apply, "BATCH_ROWS", 2)
    src = write({"手机号": ["13800138000", "13900139000", "13800138000", "13800138000"]})
    run(src, tmp_path / "out.parquet", Plan.from_json([{"column": "手机号", "operator": "keyed_hash"}]), key=key)
    hashed = pq.read_table(tmp_path / "out.parquet").column("手机号").to_pylist()
    assert hashed[0] == hashed[2] == hashed[3] != hashed[1]


def test_an_empty_source_gives_an_empty_file_with_the_output_schema(
    tmp_path: Path, write: Callable, key: bytes
) -> None:
    empty = pa.table({name: pa.array([], pa.table(PEOPLE).schema.field(name).type) for name in PEOPLE})
    result = run(write(empty), tmp_path / "out.parquet", PLAN, key=key)
    assert result.rows == 0 and result.columns == list(EXPECTED)
    assert pq.read_schema(tmp_path / "out.parquet").field("年龄").type == pa.string()


def test_dictionary_columns_and_untouched_column_types_survive(tmp_path: Path, write: Callable, key: bytes) -> None:
    table = pa.table(
        {"区县": pa.array(["金水区", "金水区", "二七区"]).dictionary_encode(), "人数": pa.array([1, 2, 3], pa.int16())}
    )
    run(
        write(table),
        tmp_path / "out.parquet",
        Plan.from_json([{"column": "区县", "operator": "mask", "params": {"keep_first": 1}}]),
        key=key,
    )
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.to_pydict() == {"区县": ["金**", "金**", "二**"], "人数": [1, 2, 3]}
    assert out.schema.field("人数").type == pa.int16()


def test_an_existing_destination_is_replaced(tmp_path: Path, write: Callable, key: bytes) -> None:
    dest = tmp_path / "out.parquet"
    dest.write_bytes(b"old")
    run(write(PEOPLE), dest, PLAN, key=key)
    assert pq.read_table(dest).num_rows == 4


def test_a_plan_naming_a_missing_column_is_refused_before_anything_is_written(write: Callable, fails: Callable) -> None:
    plan = Plan.from_json([{"column": "婚姻状况", "operator": "suppress"}])
    error = fails(write(PEOPLE), plan)
    assert error.values == {"column": "婚姻状况"}


def test_a_hashing_plan_without_a_proper_key_is_refused(write: Callable, fails: Callable) -> None:
    plan = Plan.from_json([{"column": "手机号", "operator": "keyed_hash"}])
    assert "16" in fails(write(PEOPLE), plan, key=b"short").zh
    assert "16" in fails(write(PEOPLE), plan, key=None).zh


def test_a_plan_without_hashing_needs_no_key(tmp_path: Path, write: Callable) -> None:
    assert run(write(PEOPLE), tmp_path / "out.parquet", PLAN, key=b"").rows == 4


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path, fails: Callable) -> None:
    src = tmp_path / "src.parquet"
    src.write_bytes(b"\x00not parquet at all" * 100)
    error = fails(src, PLAN)
    assert "无法读取源文件" in error.zh and "cannot read the source file" in error.en


def test_a_file_corrupt_in_its_middle_fails_midway_and_leaves_nothing(
    tmp_path: Path, write: Callable, fails: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apply, "BATCH_ROWS", 500)
    monkeypatch.setattr(apply, "ROW_GROUP_ROWS", 500)
    src = write({"住址": [f"示例市高新区科技路{i}号" for i in range(10_000)]}, row_group_size=2000, compression="zstd")
    column = pq.ParquetFile(src).metadata.row_group(3).column(0)
    data = bytearray(src.read_bytes())
    data[column.data_page_offset + 40 : column.data_page_offset + 240] = bytes(200)
    src.write_bytes(bytes(data))
    plan = Plan.from_json([{"column": "住址", "operator": "generalize", "params": {"kind": "address_to_district"}}])
    error = fails(src, plan)
    assert error.values["kind"].startswith("OSError") and "科技路" not in error.zh


def test_a_missing_source_is_refused(tmp_path: Path, fails: Callable) -> None:
    error = fails(tmp_path / "nowhere.parquet", PLAN)
    assert "找不到源文件" in error.zh


def test_a_missing_output_directory_is_refused(tmp_path: Path, write: Callable, fails: Callable) -> None:
    error = fails(write(PEOPLE), PLAN, dest=tmp_path / "no" / "such" / "out.parquet")
    assert "无法写入输出文件" in error.zh


def test_an_output_path_that_is_a_directory_is_refused_and_the_temp_file_removed(
    tmp_path: Path, write: Callable, key: bytes
) -> None:
    src = write(PEOPLE)
    (tmp_path / "out.parquet").mkdir()
    with pytest.raises(DesensitizeError):
        run(src, tmp_path / "out.parquet", PLAN, key=key)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "src.parquet"]


def test_the_source_may_not_be_overwritten(tmp_path: Path, write: Callable, key: bytes) -> None:
    src = write(PEOPLE)
    before = src.read_bytes()
    with pytest.raises(DesensitizeError) as caught:
        run(src, tmp_path / "." / "src.parquet", PLAN, key=key)
    assert "不能覆盖源文件" in caught.value.zh and src.read_bytes() == before


def test_a_source_with_repeated_column_names_is_refused(tmp_path: Path, fails: Callable) -> None:
    src = tmp_path / "src.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([1]), pa.array([2])], names=["收入", "收入"]), src)
    error = fails(src, Plan.from_json({"drop": []}))
    assert "列名重复" in error.zh and "'收入'" in error.en


def test_an_unexpected_error_midway_is_reported_by_kind_without_quoting_cells(
    write: Callable, fails: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: object, batch: pa.RecordBatch) -> pa.RecordBatch:
        raise pa.ArrowInvalid("Failed to parse string: '13800138000' as a scalar of type double")

    monkeypatch.setattr(apply.Transform, "__call__", explode)
    error = fails(write(PEOPLE), PLAN)
    assert error.values == {"kind": "ArrowInvalid"}
    assert "13800138000" not in str(error) and error.__cause__ is not None
