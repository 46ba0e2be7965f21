"""CSV to Parquet, streamed with pyarrow after the encoding, delimiter and header are checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from gongshu.catalog.ingest import errors
from gongshu.catalog.ingest.dialect import detect_delimiter, read_table
from gongshu.catalog.ingest.encoding import Sample, later_encoding, locate_undecodable, read_sample
from gongshu.catalog.ingest.fallback import Widen, with_fallback
from gongshu.catalog.ingest.identifiers import (
    LEADING_ZERO_PATTERN,
    LONG_DIGITS,
    LONG_DIGITS_PATTERN,
    looks_like_identifier,
)
from gongshu.catalog.ingest.names import check_names
from gongshu.catalog.ingest.result import Converted
from gongshu.catalog.ingest.sink import ParquetSink

BLOCK_SIZE = 4 << 20
ARROW_ENCODING = {"utf-8": "utf8", "utf-8-sig": "utf8", "gbk": "gbk", "gb18030": "gb18030"}
COLUMN_ERROR = re.compile(r"In CSV column #(\d+)")
FIELD_COUNT_ERROR = re.compile(r"Expected (\d+) columns, got (\d+)")


@dataclass(frozen=True)
class Setup:
    """How to read one CSV file: what the sample told us."""

    src: Path
    encoding: str
    delimiter: str
    names: list[str]
    arrow_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """Types pyarrow reads each column as, the numeric columns we cast ourselves, the output."""

    read_types: dict[str, pa.DataType]
    casts: dict[int, pa.DataType]
    schema: pa.Schema


class RaggedRows:
    """pyarrow's invalid-row handler: remembers the first row with a wrong field count."""

    def __init__(self) -> None:
        self.number: int | None = None

    def __call__(self, row: pacsv.InvalidRow) -> str:
        if self.number is None and row.number is not None and row.number > 0:
            self.number = row.number
        return "error"


class Undecodable(Exception):
    """Internal signal: bytes past the sample do not decode in the encoding being read."""


def read_csv(src: Path, tmp: Path) -> Converted:
    """Convert the CSV file ``src`` into the Parquet file ``tmp``; raises IngestError."""
    sample = read_sample(src)
    delimiter = detect_delimiter(sample.text)
    table = read_table(sample.text, delimiter, sample.complete)
    names = check_names(table.header)
    for encoding in _encodings(src, sample):
        try:
            rows, schema = _read(Setup(src, encoding, delimiter, names), table.rows, tmp)
        except Undecodable:
            continue
        return Converted(rows, schema, encoding, delimiter)
    where = locate_undecodable(src, sample.encoding)
    raise errors.mixed_encoding(sample.encoding, *(where or (None, None)))


def _encodings(src: Path, sample: Sample) -> Iterator[str]:
    """The sample's encoding; for an all-ASCII sample, then the one its first non-ASCII line is in."""
    yield sample.encoding
    if sample.encoding == "utf-8" and sample.text.isascii() and not sample.complete:
        later = later_encoding(src)
        if later not in (None, "utf-8"):
            yield later


def _read(setup: Setup, sample_rows: list[list[str]], tmp: Path) -> tuple[int, pa.Schema]:
    inferred = _probe(setup)
    setup = replace(setup, arrow_names=inferred.names)
    forced = dict.fromkeys(_identifier_columns(inferred, sample_rows), "string")
    return with_fallback(
        lambda overrides: _convert(setup, tmp, _plan(setup, inferred, overrides)),
        forced,
        len(setup.names),
    )


def _options(
    setup: Setup, types: dict[str, pa.DataType], ragged: RaggedRows, threads: bool = True
) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    read = pacsv.ReadOptions(use_threads=threads, block_size=BLOCK_SIZE, encoding=ARROW_ENCODING[setup.encoding])
    parse = pacsv.ParseOptions(delimiter=setup.delimiter, newlines_in_values=True, invalid_row_handler=ragged)
    convert = pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=True)
    return read, parse, convert


def _open(setup: Setup, types: dict[str, pa.DataType], ragged: RaggedRows) -> pacsv.CSVStreamingReader:
    try:
        return pacsv.open_csv(setup.src, *_options(setup, types, ragged))
    except (pa.ArrowInvalid, UnicodeDecodeError) as e:
        raise _translate(e, setup, ragged) from None


def _probe(setup: Setup) -> pa.Schema:
    """The types pyarrow infers from the first block."""
    with _open(setup, {}, RaggedRows()) as reader:
        schema = reader.schema
    if len(schema) != len(setup.names):
        raise errors.malformed_csv()
    if any(pa.types.is_binary(f.type) for f in schema):  # pyarrow's answer to invalid UTF-8 in block one
        raise Undecodable()
    return schema


def _identifier_columns(inferred: pa.Schema, rows: list[list[str]]) -> list[int]:
    """Columns pyarrow would make numbers whose sample values look like identifiers."""
    numeric = [i for i, f in enumerate(inferred) if pa.types.is_integer(f.type) or pa.types.is_floating(f.type)]
    return [i for i in numeric if looks_like_identifier(row[i] for row in rows if i < len(row))]


def _plan(setup: Setup, inferred: pa.Schema, overrides: dict[int, str]) -> Plan:
    """Numbers are read as text and cast by us, so identifiers later in the file are caught."""
    read_types: dict[str, pa.DataType] = {}
    casts: dict[int, pa.DataType] = {}
    fields = []
    for i, (column, name) in enumerate(zip(inferred, setup.names, strict=True)):
        target = _target_type(column.type, overrides.get(i))
        numeric = pa.types.is_int64(target) or pa.types.is_float64(target)
        read_types[column.name] = pa.string() if numeric else target
        if numeric:
            casts[i] = target
        fields.append(pa.field(name, target))
    return Plan(read_types, casts, pa.schema(fields))


def _target_type(inferred: pa.DataType, override: str | None) -> pa.DataType:
    if override == "string" or pa.types.is_null(inferred) or pa.types.is_time(inferred):
        return pa.string()
    if override == "float64" or pa.types.is_floating(inferred):
        return pa.float64()
    if pa.types.is_integer(inferred):
        return pa.int64()
    if pa.types.is_timestamp(inferred) and inferred.unit == "s":
        return pa.timestamp("us", inferred.tz)  # later rows may carry fractions of a second
    return inferred


def _convert(setup: Setup, tmp: Path, plan: Plan) -> tuple[int, pa.Schema]:
    ragged = RaggedRows()
    with _open(setup, plan.read_types, ragged) as reader, ParquetSink(tmp, plan.schema) as sink:
        for batch in _batches(reader, setup, ragged):
            sink.write(_cast(batch, plan))
    return sink.rows, plan.schema


def _batches(reader: pacsv.CSVStreamingReader, setup: Setup, ragged: RaggedRows) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            yield reader.read_next_batch()
        except StopIteration:
            return
        except (pa.ArrowInvalid, UnicodeDecodeError) as e:
            # pyarrow's message quotes cell values; only the facts we parse out leave here.
            raise _translate(e, setup, ragged) from None


def _cast(batch: pa.RecordBatch, plan: Plan) -> pa.RecordBatch:
    """Cast the numeric columns read as text; widen a column that holds identifiers or text."""
    arrays = list(batch.columns)
    for i, target in plan.casts.items():
        number = _to_number(arrays[i], target)
        if isinstance(number, str):
            raise Widen(i, plan.schema.field(i).name, number)
        arrays[i] = number
    return pa.RecordBatch.from_arrays(arrays, schema=plan.schema)


def _to_number(texts: pa.Array, target: pa.DataType) -> pa.Array | str:
    """``texts`` cast to ``target``, or the logical type to widen the column to instead."""
    if _has_identifiers(texts):
        return "string"
    try:
        return pc.cast(texts, target)
    except pa.ArrowInvalid:
        pass
    trimmed = pc.utf8_trim_whitespace(texts)  # " 12 " from fixed-width exports
    if _has_identifiers(trimmed):
        return "string"
    try:
        return pc.cast(trimmed, target)
    except pa.ArrowInvalid:
        return _wider(trimmed, target)


def _has_identifiers(texts: pa.Array) -> bool:
    """Any number written with a leading zero or 15+ digits (length is checked first: cheap)."""
    if pc.any(pc.match_substring_regex(texts, LEADING_ZERO_PATTERN)).as_py():
        return True
    longest = pc.max(pc.binary_length(texts)).as_py() or 0
    return longest >= LONG_DIGITS and bool(pc.any(pc.match_substring_regex(texts, LONG_DIGITS_PATTERN)).as_py())


def _wider(texts: pa.Array, target: pa.DataType) -> str:
    if pa.types.is_int64(target):
        try:
            pc.cast(texts, pa.float64())
            return "float64"
        except pa.ArrowInvalid:
            pass
    return "string"


def _translate(e: Exception, setup: Setup, ragged: RaggedRows) -> Exception:
    """An IngestError (or a Widen signal) for a pyarrow failure, without its quoted values."""
    message = str(e)
    column = COLUMN_ERROR.search(message)
    if isinstance(e, UnicodeDecodeError) or (column and "invalid UTF8" in message):
        return Undecodable()
    if column and "conversion error" in message:
        index = int(column.group(1))
        return Widen(index, setup.names[index], "string")
    counts = FIELD_COUNT_ERROR.search(message)
    if counts:
        row = ragged.number or _find_ragged_row(setup)
        return errors.ragged_row(row, int(counts.group(2)), int(counts.group(1)))
    return errors.malformed_csv()


def _find_ragged_row(setup: Setup) -> int | None:
    """Read again on one thread, all text, so pyarrow numbers the first ragged row."""
    ragged = RaggedRows()
    types = dict.fromkeys(setup.arrow_names, pa.string())
    try:
        with pacsv.open_csv(setup.src, *_options(setup, types, ragged, threads=False)) as reader:
            for _ in reader:
                pass
    except (pa.ArrowInvalid, UnicodeDecodeError):
        pass
    return ragged.number
