"""The accuracy benchmark's pure parts: its data, its error arithmetic, the Tumult questions and the result rows.

Nothing here runs Spark, Tumult or a timed query; the table is generated small."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ sits beside src/ and is not installed
    sys.path.insert(0, str(ROOT))

from bench.sandbox_accuracy import (  # noqa: E402
    AGE_BANDS,
    BOUNDS,
    ERROR_TARGET,
    MAX_VISITS,
    MONTHS,
    QUESTIONS,
    TIME_TARGET,
    PeerAnswers,
    answer_of,
    bounding_bias,
    median_error,
    missing_fields,
    peer_answers,
    relative_errors,
    results,
    truth,
    tumult_constraints,
    tumult_question,
    visits_table,
)
from bench.sandbox_query import DISTRICTS  # noqa: E402

BY_NAME = {q.name: q for q in QUESTIONS}


def test_the_visits_table_is_the_same_for_the_same_seed_and_has_the_rows_asked_for() -> None:
    first, again, other = visits_table(5000, seed=1), visits_table(5000, seed=1), visits_table(5000, seed=2)
    assert first.num_rows == 5000
    assert first.equals(again)
    assert not first.equals(other)
    assert first.column_names == ["pid", "district", "age_band", "month", "cost", "days"]


def test_each_person_has_one_to_twenty_visits_in_one_district_and_one_age_band() -> None:
    rows = visits_table(20_000, seed=3).to_pylist()
    visits: dict[str, int] = {}
    district: dict[str, set[str]] = {}
    age: dict[str, set[str]] = {}
    for r in rows:
        visits[r["pid"]] = visits.get(r["pid"], 0) + 1
        district.setdefault(r["pid"], set()).add(r["district"])
        age.setdefault(r["pid"], set()).add(r["age_band"])
    assert 1 <= min(visits.values()) and max(visits.values()) <= MAX_VISITS
    assert max(visits.values()) > 5, "some persons have more visits than a small bound keeps"
    assert all(len(d) == 1 for d in district.values()) and all(len(a) == 1 for a in age.values())
    assert {r["district"] for r in rows} == set(DISTRICTS)
    assert {r["age_band"] for r in rows} == set(AGE_BANDS)
    assert {r["month"] for r in rows} == set(MONTHS)
    assert all(0 <= r["days"] <= 30 and r["cost"] >= 0 for r in rows)
    assert any(r["cost"] > BOUNDS["cost"][1] for r in rows), "a few costs lie above the clamping bound"


def test_the_relative_error_is_per_group_of_the_truth_and_a_missing_group_counts_one() -> None:
    exact = {("a",): 100.0, ("b",): 50.0, ("c",): 0.0, ("d",): 10.0}
    released = {("a",): 90.0, ("b",): 55.0, ("c",): 3.0, ("d",): None, ("e",): 7.0}
    assert relative_errors(exact, released) == pytest.approx([0.1, 0.1, 1.0])


def test_the_median_error_runs_over_every_group_of_every_release() -> None:
    exact = {("a",): 100.0, ("b",): 200.0}
    releases = [{("a",): 101.0, ("b",): 200.0}, {("a",): 110.0, ("b",): 260.0}]
    assert median_error(exact, releases) == pytest.approx((0.01 + 0.1) / 2)
    with pytest.raises(ValueError, match="no group"):
        median_error({("a",): 0.0}, releases)


def test_an_answer_is_keyed_by_its_group_values_and_reads_its_one_value_column() -> None:
    table = pa.table({"district": ["x", "y"], "month": [1, 2], "visits": [3, None]})
    assert answer_of(table, ("district", "month")) == {("x", 1): 3.0, ("y", 2): None}
    assert answer_of(table.append_column("__n", pa.array([9, 9])), ("district", "month"))[("x", 1)] == 3.0
    with pytest.raises(ValueError, match="one value column"):
        answer_of(table, ("district",))


def test_tumult_bounds_rows_per_person_and_a_distinct_count_of_the_person_by_groups_per_person() -> None:
    assert tumult_constraints(BY_NAME["visits by district"]) == [["MaxRowsPerID", 8]]
    assert tumult_constraints(BY_NAME["visits by district and month"]) == [["MaxRowsPerID", 8]]
    assert tumult_constraints(BY_NAME["persons by age band"]) == [["MaxGroupsPerID", "age_band", 1]]


def test_a_tumult_question_carries_the_public_keys_and_the_clamping_bounds() -> None:
    spec = tumult_question(BY_NAME["median cost by district"])
    assert spec["keys"] == {"district": list(DISTRICTS)}
    assert (spec["kind"], spec["value"], spec["low"], spec["high"]) == ("median", "cost", 0.0, 5000.0)
    counts = tumult_question(BY_NAME["visits by district and month"])
    assert counts["keys"] == {"district": list(DISTRICTS), "month": list(MONTHS)}
    assert "value" not in counts and "low" not in counts


def test_every_question_bounds_its_contributions_and_reads_one_table() -> None:
    for q in QUESTIONS:
        assert q.rows >= 1 and q.groups_per_person >= 1
        assert " FROM visits GROUP BY " in q.sql
        assert all(g in q.sql for g in q.groups)


def test_the_runner_json_becomes_answers_keyed_like_the_truth() -> None:
    one = [q for q in QUESTIONS if len(q.groups) == 2][:1]
    asked = {"runs": [3.0, 2.0], "answers": [[["x", 1, 5.0]], [["x", 1, None]]]}
    info = {"peer": "tmlt", "jvm_seconds": 7.0, "session_seconds": 2.0, "questions": {one[0].name: asked}}
    got = peer_answers(info, one)
    assert got.releases[one[0].name] == [{("x", 1): 5.0}, {("x", 1): None}]
    assert got.runs[one[0].name] == [3.0, 2.0]
    assert (got.jvm_seconds, got.session_seconds) == (7.0, 2.0)


def _same_everywhere(value: float) -> dict[str, list[dict[tuple[str, ...], float | None]]]:
    return {q.name: [{("k",): value}] for q in QUESTIONS}


def test_the_rows_compare_errors_and_times_and_their_targets() -> None:
    exact = {q.name: {("k",): 100.0} for q in QUESTIONS}
    ours, our_runs = _same_everywhere(101.0), {q.name: [0.2, 0.1] for q in QUESTIONS}
    theirs = PeerAnswers("tmlt", _same_everywhere(102.0), {q.name: [4.0, 3.0] for q in QUESTIONS}, 7.0, 2.0)
    rows = {r.contender: r for r in results(1_000_000, exact, ours, our_runs, theirs)}
    assert rows["gongshu error / tumult error"].ratio == pytest.approx(0.5)
    assert rows["gongshu error / tumult error"].target == ERROR_TARGET
    assert rows["gongshu error / tumult error"].verdict == "meets"
    timing = rows["tumult analytics 0.21.0, time of the questions"]
    assert timing.value == pytest.approx(3.0 * len(QUESTIONS))
    assert timing.ratio == pytest.approx(30.0)
    assert timing.target == TIME_TARGET and timing.verdict == "meets"
    assert "JVM start 7.0 s" in timing.note
    assert rows["error, visits by district"].ratio == pytest.approx(0.5)


def test_without_the_peer_the_rows_say_why_and_give_no_ratio() -> None:
    exact = {q.name: {("k",): 100.0} for q in QUESTIONS}
    rows = results(100_000, exact, _same_everywhere(90.0), {q.name: [0.1] for q in QUESTIONS}, None, "no venv")
    unavailable = [r for r in rows if "unavailable" in r.contender]
    assert len(unavailable) == 1 and unavailable[0].verdict == "skipped" and unavailable[0].note == "no venv"
    assert all(r.ratio is None for r in rows)


@dataclass(frozen=True)
class _Old:
    name: str


@dataclass(frozen=True)
class _Table:
    personal: bool
    entity_unique: bool


@dataclass(frozen=True)
class _Control:
    rows_per_person: int


def test_the_interface_check_names_each_missing_field() -> None:
    found = {"ColumnSpec": _Old, "TableSpec": _Table, "ControlConfig": _Control}
    assert missing_fields(found) == ["ColumnSpec.public_values", "ControlConfig.groups_per_person"]


def test_bounding_alone_loses_the_visits_beyond_r_and_nothing_when_r_is_the_largest_count(tmp_path: Path) -> None:
    path = tmp_path / "visits.parquet"
    pq.write_table(visits_table(20_000, seed=4), path)
    visits = BY_NAME["visits by district"]
    exact = truth(path, visits)
    assert sum(v or 0 for v in exact.values()) == 20_000
    assert bounding_bias(path, replace(visits, rows=MAX_VISITS)) == 0.0
    assert 0.0 < bounding_bias(path, replace(visits, rows=2)) < 0.5
    assert bounding_bias(path, BY_NAME["persons by age band"]) == 0.0
