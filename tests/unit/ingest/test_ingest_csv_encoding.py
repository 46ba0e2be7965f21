"""CSV encodings: UTF-8 with and without BOM, GBK, GB18030, binary and mixed files."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from gongshu.catalog.ingest import ingest_file
from gongshu.catalog.ingest.encoding import SAMPLE_BYTES, detect_encoding, locate_undecodable

TEXT = "姓名,城市,年龄\n张三,杭州市拱墅区,30\n李四,北京市,41\n"
EXPECTED = {"姓名": ["张三", "李四"], "城市": ["杭州市拱墅区", "北京市"], "年龄": [30, 41]}


def ingest_bytes(tmp_path: Path, data: bytes):
    src = tmp_path / "data.csv"
    src.write_bytes(data)
    result = ingest_file(src, tmp_path / "out.parquet")
    return result, pq.read_table(result.path).to_pydict()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gbk"),
    ],
)
def test_chinese_text_round_trips_in_each_encoding(tmp_path: Path, data: bytes, encoding: str) -> None:
    result, table = ingest_bytes(tmp_path, data)
    assert result.encoding == encoding
    assert table == EXPECTED
    assert [c.name for c in result.columns] == ["姓名", "城市", "年龄"]


def test_characters_only_gb18030_encodes_are_read_as_gb18030(tmp_path: Path) -> None:
    text = "名称,备注\n𠀀,䶮\n王䶮,普通文字\n"
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    result, table = ingest_bytes(tmp_path, text.encode("gb18030"))
    assert result.encoding == "gb18030"
    assert table == {"名称": ["𠀀", "王䶮"], "备注": ["䶮", "普通文字"]}


def test_a_multibyte_character_cut_by_the_sample_does_not_change_the_encoding() -> None:
    raw = "甲,乙\n".encode() + "中".encode()[:2]
    assert detect_encoding(raw, complete=False) == ("utf-8", "甲,乙\n")


def test_random_bytes_are_refused_as_binary(tmp_path: Path, fails) -> None:
    src = tmp_path / "junk.csv"
    src.write_bytes(os.urandom(4096))
    error = fails(src)
    assert "binary" in error.en and "二进制" in error.zh


def test_a_png_renamed_csv_is_refused_as_binary(tmp_path: Path, fails) -> None:
    src = tmp_path / "image.csv"
    src.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(256))
    assert "binary content" in fails(src).en


def test_text_in_no_known_encoding_asks_for_utf8(tmp_path: Path, fails) -> None:
    src = tmp_path / "latin.csv"
    src.write_bytes("name,city\nJosé,Zürich\n".encode("cp1252"))
    error = fails(src)
    assert "tried UTF-8, GBK, GB18030" in error.en
    assert "UTF-8" in error.zh


def test_utf16_files_are_refused_with_a_hint(tmp_path: Path, fails) -> None:
    src = tmp_path / "u16.csv"
    src.write_bytes(TEXT.encode("utf-16"))
    assert "UTF-16" in fails(src).en


def big_utf8_with_gbk_line(tmp_path: Path, rows: int) -> tuple[Path, int]:
    lines = ["编号,名称"] + [f"{i},名称{i}" for i in range(rows)]
    head = "\n".join(lines).encode("utf-8") + b"\n"
    src = tmp_path / "mixed.csv"
    src.write_bytes(head + f"{rows},混合编码\n".encode("gbk") + "1,尾部\n".encode())
    return src, len(lines) + 1


@pytest.mark.parametrize("rows", [100_000, 400_000], ids=["in-first-block", "past-first-block"])
def test_a_gbk_line_far_past_the_sample_of_a_utf8_file_names_the_encoding_and_line(
    tmp_path: Path, fails, rows: int
) -> None:
    src, bad_line = big_utf8_with_gbk_line(tmp_path, rows)
    assert src.stat().st_size > SAMPLE_BYTES
    error = fails(src)
    assert "UTF-8" in error.en and "mix encodings" in error.en
    assert f"line {bad_line:,}" in error.en
    assert f"第 {bad_line:,} 行" in error.zh
    assert error.values["line"] == bad_line


def test_undecodable_bytes_late_in_a_gbk_file_name_the_line(tmp_path: Path, fails) -> None:
    body = "编号,名称\n" + "".join(f"{i},名称{i}\n" for i in range(300_000))
    src = tmp_path / "gbk.csv"
    src.write_bytes(body.encode("gbk") + b"7,\xff\xfe\n")
    error = fails(src)
    assert "GBK" in error.en
    assert error.values["line"] == 300_002


def test_a_gbk_file_whose_first_mebibyte_is_ascii_is_read_as_gbk(tmp_path: Path) -> None:
    body = "code,note\n" + "".join(f"{i},plain\n" for i in range(200_000)) + "7,中文备注\n"
    src = tmp_path / "late.csv"
    src.write_bytes(body.encode("gbk"))
    assert src.stat().st_size > SAMPLE_BYTES
    result = ingest_file(src, tmp_path / "out.parquet")
    assert result.encoding == "gbk"
    assert pq.read_table(result.path).column("note").to_pylist()[-1] == "中文备注"


def test_an_ascii_start_then_both_utf8_and_gbk_is_refused_as_mixed(tmp_path: Path, fails) -> None:
    body = "code,note\n" + "".join(f"{i},plain\n" for i in range(200_000))
    src = tmp_path / "mixed.csv"
    src.write_bytes(body.encode() + "1,中文\n".encode() + "2,中文\n".encode("gbk"))
    error = fails(src)
    assert "read as UTF-8" in error.en
    assert error.values["line"] == 200_003


def test_locating_undecodable_bytes_gives_line_and_offset(tmp_path: Path) -> None:
    src = tmp_path / "x.csv"
    src.write_bytes("a\n中\n".encode() + b"\xd6\xd0\n")
    line, offset = locate_undecodable(src, "utf-8") or (0, 0)
    assert (line, offset) == (3, len("a\n中\n".encode()))
    src.write_bytes("a\n中\n".encode("gb18030"))
    assert locate_undecodable(src, "gb18030") is None
