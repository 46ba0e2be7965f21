"""Sensitive-data discovery and grading: recognizers, column scans, grade suggestions (GB/T 43697-2024)."""

from gongshu.classify.errors import ScanError
from gongshu.classify.grading import GRADES, IMPORTANT_ROWS, column_grade, table_grade
from gongshu.classify.recognizers import RECOGNIZERS
from gongshu.classify.scanner import (
    RECOGNIZERS_VERSION,
    ColumnScan,
    ScanResult,
    Span,
    TypeFinding,
    scan_parquet,
    scan_table,
)

__all__ = [
    "GRADES",
    "IMPORTANT_ROWS",
    "RECOGNIZERS",
    "RECOGNIZERS_VERSION",
    "ColumnScan",
    "ScanError",
    "ScanResult",
    "Span",
    "TypeFinding",
    "column_grade",
    "scan_parquet",
    "scan_table",
    "table_grade",
]
