"""Run the benchmarks in order and print one table: ``python -m bench.run [--only NAME] [--scale 0.1]``."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Sequence

from bench.common import Result

BENCHMARKS = (
    "ingest_csv",
    "ingest_memory",
    "ledger_append",
    "ledger_proofs",
    "scan",
    "sandbox_query",
    "sandbox_peers",
    "sandbox_accuracy",
)
COLUMNS = ("benchmark", "contender", "value", "unit", "baseline", "ratio", "target", "verdict")
RIGHT = {"value", "ratio"}


def format_value(value: float | None) -> str:
    """About three significant digits; thousands separators from 1,000 up; "-" for none."""
    if value is None:
        return "-"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if size < 0.01 else f"{value:.2f}"


def format_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def cells(r: Result) -> list[str]:
    """The eight table cells of ``r``, in COLUMNS order."""
    value = r.shown or format_value(r.value)
    target = "" if r.target is None else str(r.target)
    return [r.benchmark, r.contender, value, r.unit, r.baseline, format_ratio(r.ratio), target, r.verdict]


def format_table(results: Sequence[Result]) -> str:
    """One aligned table, a header and a rule, then a row per result."""
    rows = [list(COLUMNS), *(cells(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]

    def line(row: list[str]) -> str:
        padded = [c.rjust(w) if name in RIGHT else c.ljust(w) for c, w, name in zip(row, widths, COLUMNS, strict=True)]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def format_notes(results: Sequence[Result]) -> str:
    notes = [f"  {r.benchmark} / {r.contender}: {r.note}" for r in results if r.note]
    return "\n".join(["notes:", *notes]) if notes else ""


def run_one(name: str, scale: float) -> list[Result]:
    """The results of benchmark ``name``, or one "failed" row when it raised."""
    module = importlib.import_module(f"bench.{name}")
    start = time.perf_counter()
    print(f"bench: {name} (scale {scale:g}) ...", file=sys.stderr, flush=True)
    try:
        results: list[Result] = module.run(scale)
    except Exception as e:
        traceback.print_exc()
        return [Result(name, "FAILED", None, "", note=f"{type(e).__name__}: {e}")]
    print(f"bench: {name} took {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink (or grow) every benchmark's data size")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    results = [r for name in args.only or BENCHMARKS for r in run_one(name, args.scale)]
    print(format_table(results))
    notes = format_notes(results)
    if notes:
        print(notes)
    return 1 if any(r.contender == "FAILED" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
