"""CSV to Parquet: gongshu's ingest_file against DuckDB's own COPY of the same 1e6-row file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from bench.common import Result, Target, best_of_each, count_label, fresh_dir, ratio
from bench.data import write_csv
from gongshu.catalog.ingest import ingest_file

NAME = "ingest_csv"
ROWS = 1_000_000
REPEATS = 3
TARGET = Target("<=", 2.0)


def run(scale: float) -> list[Result]:
    rows = max(int(ROWS * scale), 1000)
    work = fresh_dir(NAME)
    try:
        src = write_csv(work / "public.csv", rows)
        mb = src.stat().st_size / 1e6
        best = _measure(src, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    what = f"{count_label(rows)} rows"
    note = f"{mb:.0f} MB CSV, best of {REPEATS}, contenders interleaved"
    ours = ratio(best["gongshu"], best["duckdb"])
    return [
        Result(NAME, f"gongshu ingest_file, {what}", best["gongshu"], "s", "duckdb", ours, TARGET, note),
        Result(NAME, f"duckdb COPY to parquet, {what}", best["duckdb"], "s"),
    ]


def _measure(src: Path, work: Path) -> dict[str, float]:
    ours, theirs = work / "gongshu.parquet", work / "duckdb.parquet"

    def clean() -> None:
        ours.unlink(missing_ok=True)
        theirs.unlink(missing_ok=True)

    def gongshu() -> None:
        ingest_file(src, ours)

    def duck() -> None:
        with duckdb.connect() as con:
            con.execute(f"COPY (SELECT * FROM read_csv('{src}')) TO '{theirs}' (FORMAT parquet)")

    return best_of_each({"gongshu": gongshu, "duckdb": duck}, REPEATS, before=clean)
