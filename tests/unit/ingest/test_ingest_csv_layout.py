"""CSV layout: delimiters, headers, empty and ragged files, quoted values."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongshu.catalog.ingest import ingest_file
from gongshu.catalog.ingest.dialect import detect_delimiter

ROWS = [["统一社会信用代码", "企业名称", "注册资本"], ["91330105MA2H2XXX1Y", "杭州公数科技有限公司", "100.5"]]


def csv_text(delimiter: str, rows: list[list[str]] = ROWS) -> str:
    return "".join(delimiter.join(row) + "\n" for row in rows)


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_each_supported_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    src = tmp_path / "data.csv"
    src.write_text(csv_text(delimiter), encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet")
    assert result.delimiter == delimiter
    assert pq.read_table(result.path).to_pydict() == {
        "统一社会信用代码": ["91330105MA2H2XXX1Y"],
        "企业名称": ["杭州公数科技有限公司"],
        "注册资本": [100.5],
    }


def test_a_tsv_file_is_read_as_csv_with_tabs(tmp_path: Path) -> None:
    src = tmp_path / "data.tsv"
    src.write_text(csv_text("\t"), encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet")
    assert (result.source_format, result.delimiter) == ("csv", "\t")


def test_commas_inside_quoted_values_do_not_win_over_semicolons() -> None:
    text = 'a;b;c\n"1,2";"x,y";3\n"4,5";"z";6\n'
    assert detect_delimiter(text) == ";"


def test_a_single_column_file_falls_back_to_comma(tmp_path: Path) -> None:
    src = tmp_path / "one.csv"
    src.write_text("名称\n甲\n乙\n", encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet")
    assert result.delimiter == ","
    assert pq.read_table(result.path).to_pydict() == {"名称": ["甲", "乙"]}


def test_column_names_are_stripped_of_spaces_and_bom(tmp_path: Path) -> None:
    src = tmp_path / "data.csv"
    src.write_bytes(b"\xef\xbb\xbf" + " 姓名 ,\t年龄 \n张三,30\n".encode())
    result = ingest_file(src, tmp_path / "out.parquet")
    assert [c.name for c in result.columns] == ["姓名", "年龄"]


def test_values_with_quoted_newlines_stay_in_one_cell(tmp_path: Path) -> None:
    src = tmp_path / "data.csv"
    src.write_text('编号,地址\n1,"浙江省杭州市\n拱墅区"\n2,"北京市"\n', encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet")
    assert pq.read_table(result.path).column("地址").to_pylist() == ["浙江省杭州市\n拱墅区", "北京市"]


def test_empty_values_become_null_and_text_stays_exact(tmp_path: Path) -> None:
    src = tmp_path / "data.csv"
    src.write_text("名称,数量,备注\n甲,,NA\n乙,2, 有空格 \n", encoding="utf-8")
    table = pq.read_table(ingest_file(src, tmp_path / "out.parquet").path).to_pydict()
    assert table == {"名称": ["甲", "乙"], "数量": [None, 2], "备注": ["NA", " 有空格 "]}


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_are_read(tmp_path: Path, ending: str) -> None:
    src = tmp_path / "data.csv"
    src.write_bytes(ending.join(["名称,数量", "甲,1", "乙,2", ""]).encode("gbk"))
    table = pq.read_table(ingest_file(src, tmp_path / "out.parquet").path).to_pydict()
    assert table == {"名称": ["甲", "乙"], "数量": [1, 2]}


def test_a_field_larger_than_the_csv_module_allows_is_still_read(tmp_path: Path) -> None:
    src = tmp_path / "data.csv"
    src.write_text("编号,正文\n1," + "长" * 200_000 + "\n2,短\n", encoding="utf-8")
    table = pq.read_table(ingest_file(src, tmp_path / "out.parquet").path)
    assert [len(v) for v in table.column("正文").to_pylist()] == [200_000, 1]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n"])
def test_an_empty_file_is_refused(tmp_path: Path, fails, content: bytes) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(content)
    error = fails(src)
    assert (error.zh, error.en) == (
        "文件为空；请上传包含表头和数据行的文件",
        "the file is empty; upload a file with a header row and data rows",
    )
    assert error.code == "ingest_invalid"


def test_a_header_without_rows_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "header.csv"
    src.write_text("姓名,年龄\n", encoding="utf-8")
    error = fails(src)
    assert "no data rows" in error.en and "没有数据行" in error.zh


def test_empty_column_names_are_named_by_position(tmp_path: Path, fails) -> None:
    src = tmp_path / "names.csv"
    src.write_text("姓名, ,年龄,\n张三,x,30,y\n", encoding="utf-8")
    error = fails(src)
    assert "columns 2, 4" in error.en and "第 2、4 列" in error.zh
    assert error.values["positions"] == [2, 4]


def test_duplicate_column_names_are_named(tmp_path: Path, fails) -> None:
    src = tmp_path / "dupes.csv"
    src.write_text("姓名,年龄,姓名 \n张三,30,李四\n", encoding="utf-8")
    error = fails(src)
    assert "'姓名' (columns 1, 3)" in error.en
    assert "「姓名」（第 1、3 列）" in error.zh


def test_a_ragged_row_in_the_first_block_is_named(tmp_path: Path, fails) -> None:
    src = tmp_path / "ragged.csv"
    src.write_text("a,b,c\n1,2,3\n4,5,6,7\n", encoding="utf-8")
    error = fails(src)
    assert error.en == "row 3 has 4 fields but the header has 3; check the delimiter or quoting"
    assert error.zh == "第 3 行有 4 列，表头有 3 列；请检查分隔符或引号"


def test_a_ragged_row_far_into_the_file_is_named_without_its_values(tmp_path: Path, fails) -> None:
    src = tmp_path / "ragged.csv"
    rows = "".join(f"{i},名称{i},{i * 2}\n" for i in range(300_000))
    src.write_text("编号,名称,数量\n" + rows + "1,secret-值,2,3\n", encoding="utf-8")
    error = fails(src)
    assert error.values == {"row": 300_002, "fields": 4, "expected": 3}
    assert "row 300,002 has 4 fields" in error.en
    assert "secret" not in str(error)
    assert error.__cause__ is None and error.__suppress_context__
