"""Bad input: unreadable files, huge and hostile cells, regex bait, a million equal values, sampling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from classify_makers import id_numbers, scan

from gongshu.classify import ScanError, cells, scan_parquet, scan_table


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(ScanError, match="无法读取 Parquet 文件"):
        scan_parquet(bad)
    with pytest.raises(ScanError):
        scan_parquet(tmp_path / "missing.parquet")


REGEX_BAIT = [
    "1" * 100_000 + "x",
    "(" * 50_000 + "a" * 50_000,
    "a" * 30_000 + "@" + "a." * 20_000,
    "((a+)+)+" * 10_000 + "!",
    "1" * 17 + "X" * 50_000,
    "河南省" * 20_000 + "路",
    "\x00\ud7ff\ufffd" * 10_000,
    "",
    None,
]


@pytest.mark.parametrize("name", ["备注", "x"])
def test_regex_bait_finishes_with_no_findings(name: str) -> None:
    result = scan({name: REGEX_BAIT}, spans=True)
    assert result.columns[0].types == [] and result.spans == []


def test_huge_cells_do_not_hide_the_normal_ones_next_to_them() -> None:
    values = ["13800138000"] * 9 + ["1" * 200_000]
    assert [(f.type, f.share) for f in scan({"手机": values}).columns[0].types] == [("cn_mobile", 0.9)]


def test_numbers_stored_as_floats_and_integers_are_read_as_the_digits_they_hold() -> None:
    result = scan(
        {"a": [1.3800138e10, 13900139000.0], "b": [13800138000, 13900139000], "c": ["1.3800138E+10", "13800138000.0"]}
    )
    assert [[f.type for f in c.types] for c in result.columns] == [["cn_mobile"]] * 3


def test_a_column_of_one_value_a_million_times_is_scanned_through_its_distinct_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    recognize = cells.recognize

    def spy(values: pa.Array, counts: np.ndarray, hinted: tuple[str, ...]) -> cells.Recognized:
        seen.append(len(values))
        return recognize(values, counts, hinted)

    monkeypatch.setattr(cells, "recognize", spy)
    table = pa.table({"身份证号": pa.array(["110105199001011232"] * 1_000_000)})
    (finding,) = scan_table(table).columns[0].types
    assert (finding.type, finding.share, finding.matched) == ("cn_id_card", 1.0, 1_000_000)
    assert seen == [1]


def test_a_column_with_more_distinct_values_than_the_cap_is_sampled_deterministically() -> None:
    ids = id_numbers(np.random.default_rng(4), 2000)
    values = ids[:1000] + [f"x{i}" for i in range(1000)]
    first, second = scan({"id": values}, max_distinct=100), scan({"id": values}, max_distinct=100)
    column = first.columns[0]
    assert column.sampled and first == second
    assert column.types[0].type == "cn_id_card" and 0.35 < column.types[0].share < 0.65


def test_free_text_with_more_rows_than_the_cap_is_sampled_by_row() -> None:
    notes = [f"电话1380013{i:04d}，第{i}条记录的说明文字" for i in range(400)]
    result = scan({"备注": notes}, spans=True, max_text_rows=100)
    assert result.columns[0].sampled and result.columns[0].types[0].share == 1.0
    assert {s.row % 4 for s in result.spans} == {0} and len(result.spans) == 100


def test_a_column_named_file_row_number_keeps_row_numbers_right() -> None:
    result = scan({"file_row_number": ["a", "b", "c"], "备注": ["无", "无", "电话13800138000"]}, spans=True)
    assert [(s.row, s.type) for s in result.spans] == [(2, "cn_mobile")]
