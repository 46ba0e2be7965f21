"""The ingest_file contract: result fields, format choice, atomic output and error shape."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.catalog.ingest import IngestError, IngestResult, ingest_file
from gongshu.errors import Invalid


def test_the_result_describes_the_written_file(tmp_path: Path) -> None:
    src = tmp_path / "data.csv"
    src.write_text("名称,数量\n甲,1\n乙,2\n", encoding="utf-8")
    dest = tmp_path / "out.parquet"
    result = ingest_file(src, dest)
    assert isinstance(result, IngestResult)
    assert result.path == dest and result.rows == 2
    assert result.bytes == dest.stat().st_size
    assert result.sha256 == hashlib.sha256(dest.read_bytes()).hexdigest()
    assert (result.source_format, result.encoding, result.delimiter) == ("csv", "utf-8", ",")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv", "out.parquet"]


def test_the_format_argument_wins_over_the_suffix(tmp_path: Path) -> None:
    src = tmp_path / "export.dat"
    src.write_text("a|b\n1|2\n", encoding="utf-8")
    result = ingest_file(src, tmp_path / "out.parquet", format="csv")
    assert (result.source_format, result.delimiter) == ("csv", "|")


@pytest.mark.parametrize("name", ["data.doc", "data"])
def test_an_unknown_suffix_is_refused(tmp_path: Path, fails, name: str) -> None:
    src = tmp_path / name
    src.write_text("a\n1\n", encoding="utf-8")
    assert "unsupported file format" in fails(src).en


def test_an_unknown_format_argument_is_refused(tmp_path: Path, fails) -> None:
    src = tmp_path / "data.csv"
    src.write_text("a\n1\n", encoding="utf-8")
    assert "'xml'" in fails(src, format="xml").en


def test_a_missing_source_is_refused(tmp_path: Path, fails) -> None:
    assert "not found" in fails(tmp_path / "missing.csv").en


def test_a_failed_ingest_keeps_an_existing_destination_untouched(tmp_path: Path) -> None:
    dest = tmp_path / "out.parquet"
    dest.write_bytes(b"previous version")
    src = tmp_path / "empty.csv"
    src.write_bytes(b"")
    with pytest.raises(IngestError):
        ingest_file(src, dest)
    assert dest.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.csv", "out.parquet"]


def test_an_unexpected_library_failure_still_raises_ingest_error(
    tmp_path: Path, fails, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise pa.ArrowNotImplementedError("boom")

    monkeypatch.setattr("gongshu.catalog.ingest.sink.pq.ParquetWriter", explode)
    src = tmp_path / "data.csv"
    src.write_text("a\n1\n", encoding="utf-8")
    error = fails(src)
    assert "ArrowNotImplementedError" in error.en


def test_ingest_errors_are_invalid_with_their_own_code_and_both_languages(tmp_path: Path, fails) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(b"")
    error = fails(src)
    assert isinstance(error, Invalid) and error.code == "ingest_invalid"
    assert str(error) == f"{error.zh} / {error.en}"
    assert error.message("en") == error.en


def test_a_failure_while_writing_row_groups_is_reported_and_cleaned_up(
    tmp_path: Path, fails, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full_disk)
    src = tmp_path / "data.csv"
    src.write_text("a\n" + "".join(f"{i}\n" for i in range(300_000)), encoding="utf-8")
    error = fails(src)
    assert "No space left on device" in error.en
