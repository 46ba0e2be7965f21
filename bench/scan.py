"""Sensitive-data scan: gongshu's scanner against a bare DuckDB regex pass (no validation, the limit)
and Microsoft Presidio's PatternRecognizers, in cells per second, plus precision and recall per type.

The table (bench/scan_truth.py) has every type in mixed formats, decoys and a labelled truth. Presidio
runs per cell without a spaCy model (NoOpNlpEngine, recognizers registered for "zh"), on a subsample.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.common import Result, Target, best_of_each, count_label, fresh_dir, ratio
from bench.scan_truth import Truth, build
from gongshu.classify import cells
from gongshu.classify.hints import hinted_types
from gongshu.classify.normalize import compact_text
from gongshu.classify.recognizers import RECOGNIZERS, Recognizer
from gongshu.classify.scanner import ScanResult, scan_parquet
from gongshu.classify.source import Source

NAME = "scan"
ROWS = 100_000
REPEATS = 3
PRESIDIO_CELLS = 300  # per column
SPEED = Target(">=", 0.5)
QUALITY = Target(">=", 0.99)


def run(scale: float) -> list[Result]:
    rows = max(int(ROWS * scale), 2000)
    work = fresh_dir(NAME)
    try:
        table, truth = build(rows)
        path = work / "table.parquet"
        pq.write_table(table, path)
        n_cells = rows * table.num_columns
        best = best_of_each({"gongshu": lambda: scan_parquet(path), "duckdb": lambda: bare_regex(path)}, REPEATS)
        theirs = presidio(table, truth)
        result = scan_parquet(path)
        quality = precision_recall(path, result, truth)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_quality(quality)
    ours, bare = n_cells / best["gongshu"], n_cells / best["duckdb"]
    what = f"{count_label(rows)} rows x {table.num_columns} columns"
    sampled = [c.name for c in result.columns if c.sampled]
    note = f"best of {REPEATS}, interleaved; {len(RECOGNIZERS)} patterns; sampled columns: {sampled or 'none'}"
    worst_p = min(quality.items(), key=lambda kv: kv[1][0])
    worst_r = min(quality.items(), key=lambda kv: kv[1][1])
    return [
        Result(NAME, f"gongshu scan_parquet, {what}", ours, "cells/s", "duckdb regex", ratio(ours, bare), SPEED, note),
        Result(NAME, "duckdb bare regex pass, no checks", bare, "cells/s"),
        Result(
            NAME,
            "presidio PatternRecognizers, per cell",
            theirs[0],
            "cells/s",
            "gongshu",
            ratio(theirs[0], ours),
            note=f"{theirs[1]:,} cells subsample, NoOpNlpEngine, lang zh, same patterns and validation",
        ),
        Result(NAME, "presidio recall of free-text spans (subsample)", theirs[2], "", "truth"),
        Result(
            NAME,
            f"gongshu precision, lowest of {len(quality)} types ({worst_p[0]})",
            worst_p[1][0],
            "",
            "truth",
            worst_p[1][0],
            QUALITY,
        ),
        Result(
            NAME,
            f"gongshu recall, lowest of {len(quality)} types ({worst_r[0]})",
            worst_r[1][1],
            "",
            "truth",
            worst_r[1][1],
            QUALITY,
        ),
    ]


def bare_regex(path: Path) -> list[tuple[int, ...]]:
    """``count(*) FILTER (WHERE regexp_matches(col, pattern))`` for every column and pattern."""
    file = str(path).replace("'", "''")
    out = []
    with duckdb.connect() as con:
        for name in pq.read_schema(path).names:
            col = 'CAST("' + name.replace('"', '""') + '" AS VARCHAR)'
            counts = ", ".join(
                f"count(*) FILTER (WHERE regexp_matches({col}, '{r.pattern.replace(chr(39), chr(39) * 2)}'))"
                for r in RECOGNIZERS
            )
            out.append(con.sql(f"SELECT {counts} FROM read_parquet('{file}')").fetchall()[0])
    return out


def presidio(table: pa.Table, truth: Truth) -> tuple[float | None, int, float | None]:
    """Presidio with one PatternRecognizer per type (same patterns, same validation), cell by cell:
    (cells per second, cells analyzed, recall of the free-text spans among them)."""
    try:
        analyzer = presidio_analyzer()
    except ImportError:
        return None, 0, None
    cells_: list[tuple[str, int, str]] = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column.slice(0, PRESIDIO_CELLS).cast(pa.string()).to_pylist()
        cells_ += [(name, row, v) for row, v in enumerate(values) if v is not None]
    found: set[tuple[int, int, int, str]] = set()
    start = time.perf_counter()
    for name, row, text in cells_:
        results = analyzer.analyze(text=text, language="zh")
        if name in truth.text_columns:
            found |= {(row, r.start, r.end, r.entity_type) for r in results}
    seconds = time.perf_counter() - start
    wanted = {s for s in truth.spans if s[0] < PRESIDIO_CELLS}
    return len(cells_) / seconds, len(cells_), _div(len(found & wanted), len(wanted))


def presidio_analyzer() -> Any:
    """An AnalyzerEngine without a spaCy model; tldextract (imported by Presidio) may not go online."""
    os.environ.setdefault("TLDEXTRACT_CACHE", tempfile.mkdtemp(prefix="gongshu-tldextract-"))
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    class Checked(PatternRecognizer):  # type: ignore[misc]
        def __init__(self, recognizer: Recognizer) -> None:
            self.gongshu = recognizer
            pattern = Pattern(recognizer.code, recognizer.pattern, 0.5)
            super().__init__(supported_entity=recognizer.code, patterns=[pattern], supported_language="zh")

        def validate_result(self, pattern_text: str) -> bool:
            return bool(self.gongshu.validate(compact_text(pattern_text)) or self.gongshu.validate(pattern_text))

    registry = RecognizerRegistry(supported_languages=["zh"])
    for r in RECOGNIZERS:
        registry.add_recognizer(Checked(r))
    engine = NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["zh"])


def predicted_cells(path: Path, result: ScanResult) -> dict[str, np.ndarray]:
    """The type the scanner gives each cell of each whole-cell column (free-text columns: by spans)."""
    codes = np.array([r.code for r in RECOGNIZERS] + [None], dtype=object)
    source = Source(path)
    try:
        out = {}
        for spec, column in zip(source.specs, result.columns, strict=True):
            reported = {f.type for f in column.types}
            if spec.kind is None or column.free_text or not reported:
                out[spec.name] = np.full(result.rows, None, dtype=object)
                continue
            values = source.con.sql(f"SELECT {spec.expr} AS v FROM src ORDER BY __row").to_arrow_table().column("v")
            encoded = pc.dictionary_encode(values).combine_chunks()
            counts = np.bincount(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False) + 1)[1:]
            counts = np.pad(counts, (0, len(encoded.dictionary) - len(counts)))
            labels = cells.recognize(encoded.dictionary, counts, hinted_types(spec.name)).labels
            kept = np.where(np.isin(codes[labels], list(reported)), labels, -1)
            index = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            out[spec.name] = codes[np.where(index >= 0, kept[index], -1)]
        return out
    finally:
        source.close()


def precision_recall(path: Path, result: ScanResult, truth: Truth) -> dict[str, tuple[float, float]]:
    """Precision and recall per type over every cell (and every span of the free-text columns)."""
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    predicted = predicted_cells(path, result)
    for name, want in truth.cells.items():
        if name in truth.text_columns:
            continue
        got = predicted[name]
        for w, g in zip(want.tolist(), got.tolist(), strict=True):
            if w == g and w is not None:
                tp[w] += 1
                continue
            if g is not None:
                fp[g] += 1
            if w is not None:
                fn[w] += 1
    spans = {(s.row, s.start, s.end, s.type) for s in scan_parquet(path, spans=True).spans}
    for s in spans | truth.spans:
        hit = s in spans and s in truth.spans
        tp[s[3]] += hit
        fp[s[3]] += s in spans and not hit
        fn[s[3]] += s in truth.spans and not hit
    types = sorted(set(tp) | set(fp) | set(fn))
    return {t: (_div(tp[t], tp[t] + fp[t]), _div(tp[t], tp[t] + fn[t])) for t in types}


def print_quality(quality: dict[str, tuple[float, float]]) -> None:
    print(f"{'type':<20} {'precision':>9} {'recall':>7}", file=sys.stderr)
    for t, (p, r) in quality.items():
        print(f"{t:<20} {p:>9.4f} {r:>7.4f}", file=sys.stderr)


def _div(a: int, b: int) -> float:
    return a / b if b else 1.0
