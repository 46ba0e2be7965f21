"""Scan a table for sensitive data: per column the types found (with share, score, recognizer and
its version), a grade suggestion and personal / sensitive-personal flags; spans in free text.

A column is read once for statistics and once as distinct values with counts (DuckDB ``GROUP BY``),
so a billion equal cells cost one validation; beyond ``max_distinct`` distinct values it is sampled
by value hash, deterministically, and marked ``sampled``. Free-text columns are searched cell by cell
(first 4 KiB each, beyond ``max_text_rows`` every n-th row). Regexes run in RE2 only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gongshu.classify import cells, text
from gongshu.classify.grading import IMPORTANT_ROWS, ColumnFacts, Suggestion, column_grade, grade_table
from gongshu.classify.hints import HEALTH, hinted_types, is_free_text, is_health, sensitive_kind
from gongshu.classify.recognizers import BY_CODE, RECOGNIZERS
from gongshu.classify.source import NUMBER, TEXT, ColumnSpec, Source, Stats

SCANNER_VERSION = "2"  # 2: grades decided by the table (about persons, or no person in it)


def recognizers_version() -> str:
    """A short hash of the scanner's version and each recognizer's code and version."""
    parts = [f"scanner={SCANNER_VERSION}", *(f"{r.code}={r.version}" for r in RECOGNIZERS)]
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:12]


RECOGNIZERS_VERSION = recognizers_version()
MIN_SHARE = 0.05
MAX_DISTINCT = 1_000_000
MAX_TEXT_ROWS = 1_000_000
DOMINANT_SHARE = 0.5  # a column whose cells are mostly one type is not free text
FREE_TEXT_CHARS = 20.0  # mean length from which varied text is free text
FREE_TEXT_VARIETY = 0.2  # distinct values per non-null cell from which text is varied
HINT_BONUS = 0.2
ID_CARD = "cn_id_card"


@dataclass(frozen=True)
class TypeFinding:
    """A type found in a column: ``share`` of non-null cells (``matched`` of them) and why."""

    type: str
    share: float
    score: float
    recognizer: str
    recognizer_version: str
    matched: int


@dataclass(frozen=True)
class ColumnScan:
    name: str
    types: list[TypeFinding]
    grade: str
    personal: bool
    sensitive_personal: bool
    free_text: bool
    hint: str | None
    sampled: bool = False  # distinct values or rows were sampled: shares are estimates
    numeric: bool = False
    distinct: int = 0  # approximate
    nonnull: int = 0
    sensitive_hint: str | None = None  # what the name says in a table about persons (hints.sensitive_kind)
    linked: bool = False  # personal only because its table is about persons
    health: bool = False  # a text column whose name says health data
    minors: float = 0.0  # of an ID number column: the share of its cells whose holder is under 14 today

    def facts(self, removed: frozenset[str] = frozenset()) -> ColumnFacts:
        """What grading needs of this column, without the types in ``removed``."""
        return column_facts(
            self.name,
            [(f.type, f.share) for f in self.types if f.type not in removed],
            numeric=self.numeric,
            free_text=self.free_text,
            health=self.health,
            distinct=self.distinct,
            nonnull=self.nonnull,
            minors=self.minors,
        )


@dataclass(frozen=True)
class Span:
    """An entity in free text: ``row`` (0-based), ``start``/``end`` (character offsets, end exclusive)."""

    row: int
    start: int
    end: int
    type: str
    column: str = ""


@dataclass(frozen=True)
class ScanResult:
    columns: list[ColumnScan]
    rows: int
    grade: str
    personal: bool
    sensitive_personal: bool
    spans: list[Span]
    recognizers_version: str = field(default=RECOGNIZERS_VERSION)
    person_identifiers: tuple[str, ...] = ()  # the columns identifying the person a row is about, strongest first

    def to_json(self, *, spans: bool = False) -> dict[str, Any]:
        """``{"columns": [{name, types: [{type, share}], grade, personal, sensitive_personal}]}``,
        plus ``"spans": [{row, start, end, type}]`` when ``spans``."""
        out: dict[str, Any] = {"columns": [_column_json(c) for c in self.columns]}
        if spans:
            out["spans"] = [{"row": s.row, "start": s.start, "end": s.end, "type": s.type} for s in self.spans]
        return out


def scan_parquet(
    path: Path,
    *,
    spans: bool = False,
    min_share: float = MIN_SHARE,
    important_rows: int = IMPORTANT_ROWS,
    max_distinct: int = MAX_DISTINCT,
    max_text_rows: int = MAX_TEXT_ROWS,
    workers: int | None = None,
) -> ScanResult:
    """Scan the Parquet file ``path``; raises ScanError when it cannot be read.

    Columns are scanned by ``workers`` threads (default: one per CPU, at most 4): DuckDB and Arrow
    release the GIL, so one column's validation in Python overlaps another's regex work.
    """
    source = Source(Path(path))
    try:
        scanned = [s for s in source.specs if s.kind]
        stats = dict(zip((s.name for s in scanned), source.stats(scanned), strict=True))

        def one(spec: ColumnSpec) -> tuple[ColumnScan, list[Span]]:
            return _scan_column(source, spec, stats.get(spec.name), min_share, max_distinct, max_text_rows)

        with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
            scans = list(pool.map(one, source.specs))
    finally:
        source.close()
    found = [s for _, column_spans in scans for s in column_spans] if spans else []
    graded = grade_table([c.facts() for c, _ in scans], source.rows, important_rows)
    columns = [_graded(c, graded.columns[c.name]) for c, _ in scans]
    return ScanResult(
        columns=columns,
        rows=source.rows,
        grade=graded.grade,
        personal=graded.personal,
        sensitive_personal=graded.sensitive_personal,
        spans=found,
        person_identifiers=graded.identifiers,
    )


def column_facts(
    name: str,
    types: list[tuple[str, float]],
    *,
    numeric: bool,
    free_text: bool,
    health: bool,
    distinct: int,
    nonnull: int,
    minors: float = 0.0,
) -> ColumnFacts:
    """ColumnFacts of a scanned column, with what its name says."""
    return ColumnFacts(
        name,
        tuple(types),
        numeric=numeric,
        free_text=free_text,
        health=health,
        sensitive=sensitive_kind(name, numeric),
        distinct=distinct,
        nonnull=nonnull,
        minors=minors,
    )


def _graded(c: ColumnScan, s: Suggestion) -> ColumnScan:
    return replace(c, grade=s.grade, personal=s.personal, sensitive_personal=s.sensitive_personal, linked=s.linked)


def scan_table(table: pa.Table, **kw: Any) -> ScanResult:
    """Scan an Arrow table (written to a temporary Parquet file first); ``kw`` as for scan_parquet."""
    with tempfile.TemporaryDirectory(prefix="gongshu-scan-") as tmp:
        path = Path(tmp) / "table.parquet"
        pq.write_table(table, path)
        return scan_parquet(path, **kw)


def _scan_column(
    source: Source, spec: ColumnSpec, stats: Stats | None, min_share: float, max_distinct: int, max_text_rows: int
) -> tuple[ColumnScan, list[Span]]:
    hinted = hinted_types(spec.name)
    health = spec.kind == TEXT and is_health(spec.name)
    hint = hinted[0] if hinted else (HEALTH if health else None)
    numeric = spec.kind == NUMBER
    if stats is None or stats.nonnull == 0:
        return _column(spec.name, [], health, False, hint, False, numeric, stats), []
    every = math.ceil(stats.distinct / max_distinct) if stats.distinct > max_distinct else 1
    distinct = source.distinct(spec, every)
    counts = cells.recognize(distinct.values, distinct.counts, hinted).counts
    findings = [f for c in counts if (f := _cell_finding(c, distinct.examined, min_share))]
    if not _is_free_text(spec, stats, findings):
        column = _column(spec.name, findings, health, False, hint, every > 1, numeric, stats)
        if any(f.type == ID_CARD and f.share >= DOMINANT_SHARE for f in findings):
            column = replace(column, minors=_minors(distinct.values, distinct.counts))
        return column, []
    text_every = math.ceil(stats.nonnull / max_text_rows) if stats.nonnull > max_text_rows else 1
    text_counts, raw_spans = text.find(source, spec, text_every)
    examined = stats.nonnull if text_every == 1 else source.count(spec, text_every)
    findings = _merge(findings, [f for c in text_counts if (f := _text_finding(c, examined, min_share))])
    found = [Span(row, start, end, code, spec.name) for row, start, end, code in raw_spans]
    return _column(spec.name, findings, health, True, hint, every > 1 or text_every > 1, numeric, stats), found


def _column(
    name: str,
    findings: list[TypeFinding],
    health: bool,
    free: bool,
    hint: str | None,
    sampled: bool,
    numeric: bool,
    stats: Stats | None,
) -> ColumnScan:
    """The column's scan, graded by its own types (the table regrades it in scan_parquet)."""
    findings = sorted(findings, key=lambda f: (-f.share, [r.code for r in RECOGNIZERS].index(f.type)))
    grade, personal, sensitive = column_grade([f.type for f in findings] + ([HEALTH] if health else []))
    return ColumnScan(
        name,
        findings,
        grade,
        personal,
        sensitive,
        free,
        hint,
        sampled,
        numeric=numeric,
        distinct=stats.distinct if stats else 0,
        nonnull=stats.nonnull if stats else 0,
        sensitive_hint=sensitive_kind(name, numeric),
        health=health,
    )


def _minors(values: pa.Array, counts: np.ndarray) -> float:
    """The share of the valid 18-character ID numbers among ``values`` (weighted by ``counts``) whose
    holder is under 14 today (不满十四周岁, PIPL art. 28): the birth date is characters 7-14."""
    values = values.cast(pa.string())
    keep = BY_CODE[ID_CARD].validate_array(values) & (
        pc.fill_null(pc.utf8_length(values), 0).to_numpy(zero_copy_only=False) == 18
    )
    if not keep.any():
        return 0.0
    mask = pa.array(keep)
    births = pc.cast(pc.utf8_slice_codeunits(values.filter(mask), 6, 14), pa.int64()).to_numpy(zero_copy_only=False)
    weights = np.asarray(counts, dtype=np.float64)[keep]
    today = dt.date.today()
    cutoff = (today.year - 14) * 10_000 + today.month * 100 + today.day
    return float(weights[births > cutoff].sum() / weights.sum())


def _cell_finding(c: cells.Count, examined: int, min_share: float) -> TypeFinding | None:
    r = BY_CODE[c.code]
    share = c.matched / examined
    standalone = share >= r.standalone_share and c.distinct >= r.standalone_distinct
    if share < min_share or share == 0 or not (c.hinted or standalone):
        return None
    return _finding(r.code, share, c.precision, c.hinted, c.matched)


def _text_finding(c: text.TextCount, examined: int, min_share: float) -> TypeFinding | None:
    share = c.rows / examined if examined else 0.0
    return _finding(c.code, share, c.precision, False, c.rows) if share >= min_share and share > 0 else None


def _finding(code: str, share: float, precision: float, hinted: bool, matched: int) -> TypeFinding:
    r = BY_CODE[code]
    score = min(1.0, share * precision + (HINT_BONUS if hinted else 0.0))
    return TypeFinding(code, share, round(score, 4), r.code, r.version, matched)


def _merge(cell: list[TypeFinding], text_found: list[TypeFinding]) -> list[TypeFinding]:
    """One finding per type: the one with the larger share."""
    best: dict[str, TypeFinding] = {}
    for f in [*cell, *text_found]:
        if f.type not in best or f.share > best[f.type].share:
            best[f.type] = f
    return list(best.values())


def _is_free_text(spec: ColumnSpec, stats: Stats, findings: list[TypeFinding]) -> bool:
    """Text that is not mostly one type, named as free text or long and varied."""
    if spec.kind != TEXT or any(f.share >= DOMINANT_SHARE for f in findings):
        return False
    varied = stats.avg_chars >= FREE_TEXT_CHARS and stats.distinct >= FREE_TEXT_VARIETY * stats.nonnull
    return is_free_text(spec.name) or varied


def _column_json(c: ColumnScan) -> dict[str, Any]:
    return {
        "name": c.name,
        "types": [{"type": f.type, "share": round(f.share, 4)} for f in c.types],
        "grade": c.grade,
        "personal": c.personal,
        "sensitive_personal": c.sensitive_personal,
    }


__all__ = [
    "RECOGNIZERS_VERSION",
    "ColumnScan",
    "ScanResult",
    "Span",
    "TypeFinding",
    "column_facts",
    "scan_parquet",
    "scan_table",
]
