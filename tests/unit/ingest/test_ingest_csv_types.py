"""CSV column types: identifiers stay text, later surprises widen a column, nothing is lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.catalog.ingest import Column, ingest_file
from gongshu.catalog.ingest.csv_file import BLOCK_SIZE
from gongshu.catalog.ingest.identifiers import looks_like_identifier


def ingest_text(tmp_path: Path, text: str):
    src = tmp_path / "data.csv"
    src.write_text(text, encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet")
    return result, pq.read_table(result.path)


def test_identifier_columns_stay_text_with_leading_zeros(tmp_path: Path) -> None:
    text = (
        "身份证号,座机,手机,信用代码,邮编,数量\n"
        "110105199001011234,0371-12345678,13800138000,91350100M000100Y43,010020,1\n"
        "320102198512120017,0571-87654321,15912345678,91330105MA2H2XXX1Y,310000,2\n"
    )
    result, table = ingest_text(tmp_path, text)
    assert result.columns == [
        Column("身份证号", "string"),
        Column("座机", "string"),
        Column("手机", "string"),
        Column("信用代码", "string"),
        Column("邮编", "string"),
        Column("数量", "int64"),
    ]
    assert table.column("身份证号").to_pylist() == ["110105199001011234", "320102198512120017"]
    assert table.column("邮编").to_pylist() == ["010020", "310000"]
    assert table.column("手机").to_pylist() == ["13800138000", "15912345678"]


def test_numbers_padded_with_spaces_are_numbers_unless_they_have_leading_zeros(tmp_path: Path) -> None:
    count = 300_000
    text = "数量,编码\n" + many_rows(count, lambda i: f"{i},{i + 100}\n") + " 7 , 0123\n"
    result, table = ingest_text(tmp_path, text)
    assert result.columns == [Column("数量", "int64"), Column("编码", "string")]
    assert table.column("数量").to_pylist()[-1] == 7
    assert table.column("编码").to_pylist()[-1] == " 0123"


def many_rows(count: int, make) -> str:
    return "".join(make(i) for i in range(count))


def test_an_int_column_with_text_far_past_the_first_block_ends_up_text(tmp_path: Path) -> None:
    count = 600_000
    text = "编号,名称\n" + many_rows(count, lambda i: f"{i},名{i}\n") + "未知,尾行\n"
    assert len(text.encode()) > 2 * BLOCK_SIZE
    result, table = ingest_text(tmp_path, text)
    assert result.rows == count + 1
    assert result.columns[0] == Column("编号", "string")
    values = table.column("编号").to_pylist()
    assert values[:3] == ["0", "1", "2"] and values[-2:] == [str(count - 1), "未知"]


def test_a_leading_zero_far_past_the_sample_keeps_the_column_text(tmp_path: Path) -> None:
    count = 500_000
    text = "邮编\n" + many_rows(count, lambda i: f"{100000 + i}\n") + "010020\n"
    result, table = ingest_text(tmp_path, text)
    assert result.columns == [Column("邮编", "string")]
    assert table.column("邮编").to_pylist()[-1] == "010020"


def test_an_int_column_with_a_decimal_far_later_becomes_float(tmp_path: Path) -> None:
    count = 500_000
    text = "金额\n" + many_rows(count, lambda i: f"{i}\n") + "2.5\n"
    result, table = ingest_text(tmp_path, text)
    assert result.columns == [Column("金额", "float64")]
    assert table.column("金额").to_pylist()[-2:] == [count - 1, 2.5]


def test_a_column_empty_in_the_first_block_keeps_its_later_values(tmp_path: Path) -> None:
    count = 500_000
    text = "编号,备注\n" + many_rows(count, lambda i: f"{i},\n") + "1,后来有值\n"
    result, table = ingest_text(tmp_path, text)
    assert result.columns[1] == Column("备注", "string")
    assert table.column("备注").to_pylist()[-1] == "后来有值"
    assert table.column("编号").type == pa.int64()


def test_dates_times_and_booleans_get_their_types(tmp_path: Path) -> None:
    text = "日期,时刻,时间,标志\n2024-01-02,2024-01-02 03:04:05,12:30:00,true\n"
    result, table = ingest_text(tmp_path, text)
    assert [c.type for c in result.columns] == ["date", "timestamp", "string", "bool"]
    assert table.column("时间").to_pylist() == ["12:30:00"]


def test_fractions_of_a_second_far_past_the_first_block_keep_the_timestamp_type(tmp_path: Path) -> None:
    text = "时刻\n" + many_rows(300_000, lambda i: f"2024-01-01 00:{i // 60 % 60:02d}:{i % 60:02d}\n")
    result, table = ingest_text(tmp_path, text + "2024-12-31 23:59:59.250\n")
    assert result.columns == [Column("时刻", "timestamp")]
    assert table.column("时刻").to_pylist()[-1] == dt.datetime(2024, 12, 31, 23, 59, 59, 250_000)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["110105199001011234"], True),
        (["0371"], True),
        (["13800138000", "15912345678", "1"], True),
        (["0", "1", "20"], False),
        (["12", "13800138000", "7", "9"], False),
        (["1.5", "0.25"], False),
        (["abc", ""], False),
        ([], False),
    ],
)
def test_the_identifier_rule(values: list[str], expected: bool) -> None:
    assert looks_like_identifier(values) is expected
