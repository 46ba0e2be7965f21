"""Peak resident memory of ingesting a large CSV file (default 2 GB), measured in a child process."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Result, Target, fresh_dir, ratio
from bench.data import write_big_csv

NAME = "ingest_memory"
DEFAULT_GB = 2.0
ENV_GB = "GONGSHU_BENCH_BIG_CSV_GB"
LIMIT_MIB = 1024
TARGET = Target("<", 1.0)
ROOT = Path(__file__).resolve().parent.parent


def run(scale: float) -> list[Result]:
    gb = float(os.environ.get(ENV_GB) or DEFAULT_GB * scale)
    work = fresh_dir(NAME)
    try:
        src = write_big_csv(work / "big.csv", max(int(gb * 1e9), 1 << 20))
        size_gb = src.stat().st_size / 1e9
        child = _ingest_in_child(src, work / "big.parquet")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    peak = child["maxrss_kib"] / 1024
    what = f"gongshu ingest_file, {size_gb:.2f} GB"
    note = f"{child['rows']:,} rows in {child['seconds']:.1f} s ({size_gb * 1e3 / child['seconds']:.0f} MB/s)"
    return [
        Result(NAME, f"{what}: peak RSS", peak, "MiB", "1 GiB limit", ratio(peak, LIMIT_MIB), TARGET, note),
        Result(NAME, f"{what}: time", child["seconds"], "s"),
    ]


def _ingest_in_child(src: Path, dest: Path) -> dict[str, float]:
    """Ingest in a fresh interpreter so that its peak RSS is the ingest's alone."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.ingest_memory", str(src), str(dest)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _child(src: Path, dest: Path) -> None:
    from gongshu.catalog.ingest import ingest_file

    start = time.perf_counter()
    result = ingest_file(src, dest)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "maxrss_kib": peak, "rows": result.rows}))


if __name__ == "__main__":
    _child(Path(sys.argv[1]), Path(sys.argv[2]))
