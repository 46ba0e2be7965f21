"""Property: any table of text written by the csv module comes back exactly, in any encoding."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.catalog.ingest import ingest_file

CELL = st.text(alphabet='拱墅区杭州數据䶮𠀀xyz "\n', min_size=1, max_size=12)
NAME = st.text(alphabet="姓名地址备注编码xyz", min_size=1, max_size=6)


@st.composite
def tables(draw: st.DrawFn) -> dict[str, list[str]]:
    names = draw(st.lists(NAME, min_size=1, max_size=5, unique=True))
    rows = draw(st.integers(min_value=1, max_value=20))
    return {name: draw(st.lists(CELL, min_size=rows, max_size=rows)) for name in names}


@settings(max_examples=60, deadline=None)
@given(table=tables(), delimiter=st.sampled_from([",", "\t", ";", "|"]), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_text_tables_round_trip_exactly(table: dict[str, list[str]], delimiter: str, encoding: str) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table)
    writer.writerows(zip(*table.values(), strict=True))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t.csv"
        src.write_bytes(out.getvalue().encode(encoding))
        result = ingest_file(src, Path(tmp) / "t.parquet")
        assert pq.read_table(result.path).to_pydict() == table
        if len(table) > 1:  # one column has no delimiter to find
            assert result.delimiter == delimiter
