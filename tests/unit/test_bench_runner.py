"""The benchmark runner's table and ratio arithmetic, on made-up results: no benchmark is run here."""

from __future__ import annotations

import importlib
import inspect
import sys
import typing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ sits beside src/ and is not installed; `python -m pytest` adds it anyway
    sys.path.insert(0, str(ROOT))

from bench.common import Result, Target, count_label, ratio  # noqa: E402
from bench.run import BENCHMARKS, COLUMNS, cells, format_notes, format_table, format_value  # noqa: E402

INGEST = Result("ingest_csv", "gongshu", 3.0, "s", "duckdb", ratio(3.0, 2.0), Target("<=", 2.0), "71 MB CSV")
SLOW = Result("ingest_csv", "gongshu slow", 5.0, "s", "duckdb", ratio(5.0, 2.0), Target("<=", 2.0))
LEDGER = Result("ledger_append", "sqlite, 1 event per txn", 1234.5, "events/s", "target 2,000/s",
                ratio(1234.5, 2000), Target(">=", 1.0))  # fmt: skip
SKIPPED = Result("ledger_append", "postgresql, batches", None, "events/s", note="PostgreSQL does not answer")
DOCUMENTED = Result("ledger_append", "trillian (documented)", None, "events/s", "documented", shown="400-500")


def test_ratio_is_value_over_baseline_and_none_without_a_baseline() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(1234.5, 2000) == pytest.approx(0.61725)
    assert ratio(3.0, 0) is None
    assert ratio(None, 2.0) is None
    assert ratio(3.0, None) is None


@pytest.mark.parametrize(
    ("op", "limit", "value", "meets"),
    [("<=", 2.0, 2.0, True), ("<=", 2.0, 2.01, False), ("<", 1.0, 0.99, True), ("<", 1.0, 1.0, False),
     (">=", 1.0, 1.0, True), (">=", 1.0, 0.5, False)],
)  # fmt: skip
def test_a_target_bounds_the_ratio_with_its_operator(op: str, limit: float, value: float, meets: bool) -> None:
    assert Target(op, limit).meets(value) is meets


def test_a_target_refuses_an_unknown_operator() -> None:
    with pytest.raises(ValueError, match="unknown target operator"):
        Target("==", 1.0)


def test_the_verdict_follows_the_target_and_is_skipped_without_a_value() -> None:
    assert INGEST.verdict == "meets"
    assert SLOW.verdict == "misses"
    assert LEDGER.verdict == "misses"
    assert SKIPPED.verdict == "skipped"
    assert DOCUMENTED.verdict == ""
    assert Result("b", "duckdb", 2.0, "s").verdict == ""


def test_values_print_with_about_three_significant_digits() -> None:
    assert [format_value(v) for v in (None, 0.004567, 0.6891, 3.0, 12.345, 473.2, 17928.4, 1_234_567.0)] == [
        "-", "0.00457", "0.69", "3.00", "12.3", "473", "17,928", "1,234,567"]  # fmt: skip


def test_cells_show_the_ratio_the_target_and_the_verdict() -> None:
    assert cells(INGEST) == ["ingest_csv", "gongshu", "3.00", "s", "duckdb", "1.50x", "<= 2x", "meets"]
    assert cells(LEDGER)[2:] == ["1,234", "events/s", "target 2,000/s", "0.62x", ">= 1x", "misses"]
    assert cells(SKIPPED)[2:] == ["-", "events/s", "", "", "", "skipped"]
    assert cells(DOCUMENTED)[2] == "400-500"


def test_the_table_has_a_header_a_rule_and_one_aligned_row_per_result() -> None:
    lines = format_table([INGEST, SLOW, LEDGER, SKIPPED, DOCUMENTED]).splitlines()
    assert len(lines) == 2 + 5
    assert [c.strip() for c in lines[0].strip("|").split("|")] == list(COLUMNS)
    assert set(lines[1]) == {"|", "-"}
    assert len({len(line) for line in lines}) == 1
    bars = {tuple(i for i, ch in enumerate(line) if ch == "|") for line in lines}
    assert len(bars) == 1, "every row puts its column bars in the same places"
    assert [c.strip() for c in lines[3].strip("|").split("|")] == cells(SLOW)
    assert lines[3].split("|")[6].strip() == "2.50x"


def test_notes_list_each_result_that_has_one() -> None:
    notes = format_notes([INGEST, LEDGER, SKIPPED]).splitlines()
    assert notes == ["notes:", "  ingest_csv / gongshu: 71 MB CSV",
                     "  ledger_append / postgresql, batches: PostgreSQL does not answer"]  # fmt: skip
    assert format_notes([LEDGER]) == ""


def test_counts_are_labelled_as_powers_of_ten_when_they_are() -> None:
    assert [count_label(n) for n in (10_000, 1_000_000, 50_000, 1)] == ["1e4", "1e6", "50,000", "1"]


@pytest.mark.parametrize("name", BENCHMARKS)
def test_every_benchmark_module_exposes_run_of_scale_returning_results(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert list(inspect.signature(module.run).parameters) == ["scale"]
    assert typing.get_type_hints(module.run) == {"scale": float, "return": list[Result]}
