"""Excel workbooks: the first sheet, header on the first non-empty row, streamed types."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq

from gongshu.catalog.ingest import Column, ingest_file


def workbook(path: Path, rows: list[list[object]], title: str = "企业") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.create_sheet("第二页").append(["忽略"])
    book.save(path)
    return path


def test_the_first_sheet_is_ingested_from_its_first_non_empty_row(tmp_path: Path) -> None:
    src = workbook(
        tmp_path / "企业.xlsx",
        [
            [],
            [" 企业名称 ", "注册资本", "成立日期", "信用代码", "在业", None],
            ["杭州公数科技有限公司", 100.5, dt.datetime(2020, 5, 1), "91330105MA2H2XXX1Y", True],
            ["拱墅数据有限公司", 200, dt.datetime(2021, 6, 2), "91350100M000100Y43", False],
        ],
    )
    result = ingest_file(src, tmp_path / "out.parquet")
    assert result.source_format == "xlsx" and result.rows == 2
    assert result.columns == [
        Column("企业名称", "string"),
        Column("注册资本", "float64"),
        Column("成立日期", "timestamp"),
        Column("信用代码", "string"),
        Column("在业", "bool"),
    ]
    table = pq.read_table(result.path).to_pydict()
    assert table["企业名称"] == ["杭州公数科技有限公司", "拱墅数据有限公司"]
    assert table["注册资本"] == [100.5, 200.0]
    assert table["成立日期"][1] == dt.datetime(2021, 6, 2)


def test_a_column_that_turns_to_text_after_the_first_batch_is_read_again_as_text(
    tmp_path: Path,
) -> None:
    rows: list[list[object]] = [["编号", "数量"]] + [[i, i] for i in range(10_050)]
    rows.append(["未知", 3])
    result = ingest_file(workbook(tmp_path / "wide.xlsx", rows), tmp_path / "out.parquet")
    assert result.columns == [Column("编号", "string"), Column("数量", "int64")]
    values = pq.read_table(result.path).column("编号").to_pylist()
    assert values[0] == "0" and values[-1] == "未知" and len(values) == 10_051


def test_numeric_phone_numbers_stay_text(tmp_path: Path) -> None:
    rows: list[list[object]] = [["手机"], [13800138000], [15912345678]]
    result = ingest_file(workbook(tmp_path / "p.xlsx", rows), tmp_path / "out.parquet")
    assert result.columns == [Column("手机", "string")]
    assert pq.read_table(result.path).column("手机").to_pylist() == ["13800138000", "15912345678"]


def test_a_value_beyond_the_header_is_refused(tmp_path: Path, fails) -> None:
    src = workbook(tmp_path / "x.xlsx", [["a", "b"], [1, 2], [3, 4, 5]])
    error = fails(src)
    assert error.values == {"row": 3, "column": 3, "width": 2}


def test_a_sheet_with_a_header_only_is_refused(tmp_path: Path, fails) -> None:
    assert "no data rows" in fails(workbook(tmp_path / "h.xlsx", [["姓名", "年龄"]])).en


def test_an_empty_sheet_is_refused(tmp_path: Path, fails) -> None:
    assert "empty" in fails(workbook(tmp_path / "e.xlsx", [])).en


def test_duplicate_header_cells_are_refused(tmp_path: Path, fails) -> None:
    error = fails(workbook(tmp_path / "d.xlsx", [["名称", "名称"], [1, 2]]))
    assert error.values["duplicates"] == {"名称": [1, 2]}


def test_a_broken_workbook_is_refused(tmp_path: Path, fails) -> None:
    good = workbook(tmp_path / "good.xlsx", [["a"], [1]])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:300])
    good.unlink()
    assert "xlsx" in fails(broken).en


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    assert "xlsx" in fails(src).en


def test_a_text_file_named_xlsx_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "text.xlsx"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "cannot read the xlsx workbook" in fails(src).en
