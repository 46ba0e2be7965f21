"""Excel (.xlsx) to Parquet: the first sheet, read row by row with openpyxl."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import openpyxl
import pyarrow as pa
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from gongshu.catalog.ingest import errors
from gongshu.catalog.ingest.fallback import Widen, with_fallback
from gongshu.catalog.ingest.names import check_names
from gongshu.catalog.ingest.result import Converted
from gongshu.catalog.ingest.sink import ParquetSink
from gongshu.catalog.ingest.types import ARROW_TYPES
from gongshu.catalog.ingest.values import batched, column_kind, infer_kind, merge_kind, to_array

BATCH_ROWS = 10_000
Rows = Callable[[], Iterator[tuple[object, ...]]]


def read_xlsx(src: Path, tmp: Path) -> Converted:
    """Convert the first sheet of the workbook ``src`` into the Parquet file ``tmp``."""
    with src.open("rb") as f, warnings.catch_warnings():
        # openpyxl warns about styles and extensions it skips; they do not change the values.
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = openpyxl.load_workbook(f, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds on a broken or non-xlsx file
            raise errors.unreadable("xlsx 工作簿", "the xlsx workbook", type(e).__name__) from e
        try:
            return _read_sheet(_first_sheet(workbook), tmp)
        except errors.IngestError:
            raise
        except Exception as e:  # a damaged sheet fails while it is being read
            raise errors.unreadable("xlsx 工作簿", "the xlsx workbook", type(e).__name__) from e
        finally:
            workbook.close()


def _first_sheet(workbook: openpyxl.Workbook) -> ReadOnlyWorksheet:
    if not workbook.worksheets:
        raise errors.no_sheets()
    return workbook.worksheets[0]


def _read_sheet(sheet: ReadOnlyWorksheet, tmp: Path) -> Converted:
    header_row, header = _header(sheet)
    names = check_names(header)

    def rows() -> Iterator[tuple[object, ...]]:
        return _data_rows(sheet, header_row, len(names))

    first = next(batched(rows(), BATCH_ROWS), ())
    if not first:
        raise errors.no_data_rows()
    kinds = {i: infer_kind(column) for i, column in enumerate(zip(*first, strict=True))}
    count, schema = with_fallback(lambda k: _convert(rows, names, k, tmp), kinds, len(names))
    return Converted(count, schema)


def _header(sheet: ReadOnlyWorksheet) -> tuple[int, list[object]]:
    """The 1-based number and cells of the first non-empty row, without trailing blanks."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(row)
        while cells and _blank(cells[-1]):
            cells.pop()
        if cells:
            return number, cells
    raise errors.empty_file()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _data_rows(sheet: ReadOnlyWorksheet, header_row: int, width: int) -> Iterator[tuple[object, ...]]:
    rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    for number, row in enumerate(rows, start=header_row + 1):
        extra = next((i for i in range(width, len(row)) if not _blank(row[i])), None)
        if extra is not None:
            raise errors.value_beyond_header(number, extra + 1, width)
        cells = tuple(row[:width]) + (None,) * (width - len(row))
        if any(v is not None for v in cells):
            yield cells


def _convert(rows: Rows, names: list[str], kinds: dict[int, str], tmp: Path) -> tuple[int, pa.Schema]:
    schema = pa.schema([pa.field(name, ARROW_TYPES[kinds[i]]) for i, name in enumerate(names)])
    with ParquetSink(tmp, schema) as sink:
        for chunk in batched(rows(), BATCH_ROWS):
            sink.write(_batch(chunk, schema, kinds))
    return sink.rows, schema


def _batch(chunk: Sequence[tuple[object, ...]], schema: pa.Schema, kinds: dict[int, str]) -> pa.RecordBatch:
    arrays = []
    for i, column in enumerate(zip(*chunk, strict=True)):
        wider = merge_kind(kinds[i], column_kind(column))
        if wider != kinds[i]:
            raise Widen(i, schema.field(i).name, wider or "string")
        arrays.append(to_array(column, kinds[i]))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
