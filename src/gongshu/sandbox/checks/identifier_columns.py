"""Rule: no column of a table output is mostly identifiers (身份证号、统一社会信用代码、手机号、银行卡号…)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from gongshu.classify import ColumnScan, ScanError, scan_parquet
from gongshu.sandbox.spec import IDENTIFIER_TYPES, Finding

if TYPE_CHECKING:
    from gongshu.sandbox.checks import CheckConfig, OutputFile

RULE = "identifier-columns"


def identifier_columns(output: OutputFile, cfg: CheckConfig) -> Finding:
    """Passes for non-table outputs, and for tables where no column's dominant detected type is an identifier."""
    if output.kind != "table":
        return Finding(RULE, True, f"{output.name}：不是表格", f"{output.name}: not a table", place=output.name)
    try:
        columns = _scan(output.path)
    except (ScanError, pa.ArrowException, OSError) as e:
        return Finding(
            RULE, False, f"{output.name}：无法扫描：{e}", f"{output.name}: cannot be scanned: {e}", output.name
        )
    found = {c.name: t for c in columns if (t := dominant_type(c)) in IDENTIFIER_TYPES}
    if found:
        listed = ", ".join(f"{name} ({kind})" for name, kind in found.items())
        return Finding(
            RULE,
            False,
            f"{output.name}：以下列为标识符，不得产出：{listed}",
            f"{output.name}: these columns hold identifiers and may not be output: {listed}",
            place=", ".join(found),
        )
    return Finding(RULE, True, f"{output.name}：无标识符列", f"{output.name}: no identifier column", place=output.name)


def dominant_type(column: ColumnScan) -> str | None:
    """The detected type with the largest share of the column's cells, None when none was detected."""
    return max(column.types, key=lambda t: t.share).type if column.types else None


def _scan(path: Path) -> list[ColumnScan]:
    if path.suffix.lower() == ".parquet":
        return scan_parquet(path).columns
    with pacsv.open_csv(path) as reader:  # the header only, then every cell read as the text it is
        names = reader.schema.names
    text = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True)
    table = pacsv.read_csv(path, convert_options=text)
    with tempfile.TemporaryDirectory(prefix="gongshu-check-") as tmp:
        copy = Path(tmp) / "table.parquet"
        pq.write_table(table, copy)
        return scan_parquet(copy).columns
