"""`gongshu scan PATH`: find sensitive data in a file and suggest grades, without ingesting it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from gongshu.catalog.ingest import ingest_file
from gongshu.classify import ScanResult, scan_parquet
from gongshu.classify.grading import GRADE_LABELS
from gongshu.cli.common import handled, print_json


@handled
def scan(
    path: Path = typer.Argument(..., help="CSV, XLSX, Parquet or JSON Lines file"),
    json_: bool = typer.Option(False, "--json", help="print the result as JSON"),
    spans: bool = typer.Option(False, "--spans", help="also list entities found in free text (row, start, end)"),
    min_share: float = typer.Option(0.05, help="list a type when at least this share of a column's cells has it"),
) -> None:
    """Scan a file for personal and sensitive data (身份证号、手机号、银行卡号…) and suggest grades
    per GB/T 43697-2024. The file is read into a temporary Parquet file and left as it is."""
    with tempfile.TemporaryDirectory(prefix="gongshu-scan-") as tmp:
        converted = Path(tmp) / "scan.parquet"
        ingest_file(path, converted)
        result = scan_parquet(converted, spans=spans, min_share=min_share)
    for column in result.columns:
        if column.sampled:
            typer.echo(f"注意：列「{column.name}」抽样扫描 / note: column '{column.name}' was sampled", err=True)
    if json_:
        print_json(result.to_json(spans=spans))
    else:
        typer.echo(_text(result, spans))


def _text(result: ScanResult, spans: bool) -> str:
    lines = [f"{result.rows:,} 行 rows; 建议分级 suggested grade: {result.grade} {GRADE_LABELS[result.grade]}"]
    for c in result.columns:
        types = ", ".join(f"{f.type} {f.share:.0%}" for f in c.types) or "-"
        flag = "敏感个人信息" if c.sensitive_personal else ("个人信息" if c.personal else "")
        lines.append(f"  {c.name:<16}\t{c.grade:<10}\t{flag:<8}\t{types}")
    if spans:
        lines += [f"  row {s.row} [{s.start}:{s.end}] {s.type} ({s.column})" for s in result.spans]
    return "\n".join(lines)
