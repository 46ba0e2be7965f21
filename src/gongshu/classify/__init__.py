"""Sensitive-data discovery and grading: recognizers, column scans, grade suggestions (GB/T 43697-2024)."""

from gongshu.classify.errors import ScanError
from gongshu.classify.grading import (
    GRADES,
    IMPORTANT_ROWS,
    ColumnFacts,
    TableSuggestion,
    column_grade,
    grade_table,
    person_identifiers,
    table_grade,
)
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
    "ColumnFacts",
    "ColumnScan",
    "ScanError",
    "ScanResult",
    "Span",
    "TableSuggestion",
    "TypeFinding",
    "column_grade",
    "grade_table",
    "person_identifiers",
    "scan_parquet",
    "scan_table",
    "table_grade",
]
