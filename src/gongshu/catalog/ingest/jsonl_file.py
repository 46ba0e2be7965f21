"""JSON Lines to Parquet: one object a line, scanned once for columns, then converted."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from gongshu.catalog.ingest import errors
from gongshu.catalog.ingest.identifiers import looks_like_identifier
from gongshu.catalog.ingest.names import check_names
from gongshu.catalog.ingest.result import Converted
from gongshu.catalog.ingest.sink import ParquetSink
from gongshu.catalog.ingest.types import ARROW_TYPES
from gongshu.catalog.ingest.values import SAMPLE_VALUES, batched, kind_of, merge_kind, to_array

BATCH_ROWS = 20_000


@dataclass
class Scan:
    """Columns in order of first appearance, their merged kinds and sample integer values."""

    kinds: dict[str, str | None] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, record: dict[str, object]) -> None:
        for key, value in record.items():
            self.kinds[key] = merge_kind(self.kinds.get(key), kind_of(value))
            if isinstance(value, int) and not isinstance(value, bool):
                sample = self.samples.setdefault(key, [])
                if len(sample) < SAMPLE_VALUES:
                    sample.append(str(value))

    def final_kinds(self) -> list[str]:
        kinds = []
        for key, kind in self.kinds.items():
            if kind is None or (kind == "int64" and looks_like_identifier(self.samples[key])):
                kind = "string"
            kinds.append(kind)
        return kinds


def read_jsonl(src: Path, tmp: Path) -> Converted:
    """Convert the JSON Lines file ``src`` into the Parquet file ``tmp``; raises IngestError."""
    scan = Scan()
    for record in _records(src):
        scan.add(record)
    if not scan.kinds:
        raise errors.empty_file()
    keys = list(scan.kinds)
    names = check_names(keys)
    kinds = scan.final_kinds()
    schema = pa.schema([pa.field(n, ARROW_TYPES[k]) for n, k in zip(names, kinds, strict=True)])
    with ParquetSink(tmp, schema) as sink:
        for chunk in batched(_records(src), BATCH_ROWS):
            columns = ([r.get(k) for r in chunk] for k in keys)
            arrays = [to_array(c, kind) for c, kind in zip(columns, kinds, strict=True)]
            sink.write(pa.RecordBatch.from_arrays(arrays, schema=schema))
    return Converted(sink.rows, schema)


def _records(src: Path) -> Iterator[dict[str, object]]:
    """Each non-blank line of ``src`` as an object; raises IngestError naming a bad line."""
    with src.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw
            if not line.strip():
                continue
            yield _parse(line, number)


def _parse(line: bytes, number: int) -> dict[str, object]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.jsonl_not_utf8(number) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        # the exception keeps the line's text in ``doc``; leave it out of the chain
        raise errors.jsonl_bad_line(number, e.colno, e.msg) from None
    if not isinstance(record, dict):
        raise errors.jsonl_not_object(number)
    return record
