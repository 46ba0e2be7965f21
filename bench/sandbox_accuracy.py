"""Person-level DP accuracy and time against Tumult Analytics, in the same run, at 1e6 visit rows.

A health-visits table with several rows per person (``pid``): each person lives in one of 16 districts and one
of 8 age bands (both per person, public values), and has 1-20 visits (geometric, about 2.2 on average, the 99th
percentile 8), each with a month (1-12), a cost (log-normal, a few above the clamping bound 5000) and days
(0-30). Generated deterministically with numpy and kept in ``bench/.data/accuracy/``.

Six questions an analyst asks, each released at the same pure ε by gongshu (``run_query``, DP) and by Tumult
Analytics 0.21.0 (bench/peers/tumult_run.py, in its own venv), with the same contribution bounds (rows per
person R, groups per person G), the same clamping bounds and the same public group keys. The truth is DuckDB
over the raw file, with no bounding: the bias of bounding counts against both alike. Error: the median, over
groups and repetitions, of |released − truth| / |truth| per question (a group missing from a release counts 1);
a system's figure is the median of its six. Time: the best run of each question, summed over the questions;
Tumult's JVM start and session creation are reported apart and left out.

How Tumult releases (0.21.0, pure DP), which gongshu must match for a like-for-like comparison: it takes the
enforced constraint set of smallest stability, so ``MaxRowsPerID(R)`` gives a count sensitivity R and a sum
sensitivity R·max(|lo|, |hi|) (Laplace, geometric for integers, scale sensitivity/ε); it keeps R rows per person in
a hash order of the row's values (random-like, not the first rows). ``MaxGroupsPerID(item, G)`` makes a distinct
count of the person one row per (person, group): sensitivity G. AVG is a noisy sum of deviations from the
midpoint of the bounds (sensitivity R·(hi−lo)/2, ε/2) over a noisy count (ε/2), plus the midpoint. The median
is an exponential mechanism over the gaps between the sorted clamped values at ε/R, then uniform in the gap.

At 1e6 rows and ε = 1 the errors are mostly the bias of bounding itself (R rows per person, clamping), the same
for both systems when both bound alike; each question's note gives that bias alone. Tumult is slow: at 1e6 rows
AVG and the median take minutes (a Python function per row, a pandas UDF per group); a run takes 10-40 minutes.

``python -m bench.sandbox_accuracy --peer-only --scale 0.1`` runs the truth and Tumult alone (no gongshu).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.common import DATA, Result, Target, count_label, ratio
from bench.sandbox_peers import BUILD, PEERS_DIR, PeerUnavailable, peer_json
from bench.sandbox_query import DISTRICTS

NAME = "sandbox_accuracy"
ROWS = 1_000_000
EPSILON = 1.0  # pure ε of each question's release, the same on both sides
REPEATS = 5  # gongshu's timed runs of each question (after one warm-up); each is also an accuracy sample
PEER_REPEATS = 3  # Tumult's runs of each question (Spark is slow)
PEER_TIMEOUT = 3600.0
ERROR_TARGET = Target("<=", 1.1)  # gongshu's error over Tumult's
TIME_TARGET = Target(">=", 20.0)  # Tumult's time over gongshu's
CACHE = DATA / "accuracy"
DATA_VERSION = 1  # bump when the generator changes: the cached files are keyed by it
SEED = 20261207
TABLE, ENTITY = "visits", "pid"
AGE_BANDS = ("0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70+")
MONTHS = tuple(range(1, 13))
PUBLIC: dict[str, tuple[Any, ...]] = {"district": DISTRICTS, "age_band": AGE_BANDS, "month": MONTHS}
BOUNDS: dict[str, tuple[float, float]] = {"cost": (0.0, 5000.0), "days": (0.0, 30.0)}
VISIT_P = 0.45  # visits per person: geometric with this p, capped at MAX_VISITS
MAX_VISITS = 20
DISTRICT_WEIGHTS = tuple(1.0 / (i + 3) for i in range(len(DISTRICTS)))  # skewed: the largest ~4x the smallest
AGE_WEIGHTS = (0.08, 0.09, 0.12, 0.14, 0.15, 0.15, 0.15, 0.12)
TUMULT = "tumult analytics 0.21.0"
TUMULT_VENV = ".venv-tumult"


@dataclass(frozen=True)
class Question:
    """One analyst question: its SQL, what it aggregates, and the contribution bounds both systems use.

    ``rows`` bounds the rows a person contributes in all (R), ``groups`` the groups a person appears in (G).
    """

    name: str
    sql: str
    kind: str  # count | count_distinct | sum | avg | median
    groups: tuple[str, ...]
    value: str | None  # the aggregated item (the person for count_distinct, None for COUNT(*))
    rows: int
    groups_per_person: int


QUESTIONS = (
    Question("visits by district", "SELECT district, COUNT(*) AS visits FROM visits GROUP BY district",
             "count", ("district",), None, 8, 1),
    Question("persons by age band", "SELECT age_band, COUNT(DISTINCT pid) AS persons FROM visits GROUP BY age_band",
             "count_distinct", ("age_band",), ENTITY, 1, 1),
    Question("cost by district", "SELECT district, SUM(cost) AS cost FROM visits GROUP BY district",
             "sum", ("district",), "cost", 8, 1),
    Question("average cost by age band", "SELECT age_band, AVG(cost) AS avg_cost FROM visits GROUP BY age_band",
             "avg", ("age_band",), "cost", 8, 1),
    Question("median cost by district", "SELECT district, median(cost) AS median_cost FROM visits GROUP BY district",
             "median", ("district",), "cost", 8, 1),
    Question("visits by district and month",
             "SELECT district, month, COUNT(*) AS visits FROM visits GROUP BY district, month",
             "count", ("district", "month"), None, 8, 12),
)  # fmt: skip

Key = tuple[Any, ...]
Answer = dict[Key, float | None]


# --- the data ---------------------------------------------------------------------------------------------


def visits_table(rows: int, seed: int = SEED) -> pa.Table:
    """``rows`` visits of persons with 1-20 visits each, rows shuffled; the same table for the same arguments."""
    rng = np.random.default_rng(seed)
    visits = np.minimum(rng.geometric(VISIT_P, rows), MAX_VISITS)  # more persons than needed, cut below
    ends = np.cumsum(visits)
    persons = int(np.searchsorted(ends, rows)) + 1
    visits = visits[:persons]
    visits[-1] -= int(ends[persons - 1]) - rows
    district = rng.choice(len(DISTRICTS), persons, p=_normalized(DISTRICT_WEIGHTS))
    age = rng.choice(len(AGE_BANDS), persons, p=_normalized(AGE_WEIGHTS))
    person = np.repeat(np.arange(persons), visits)[rng.permutation(rows)]
    cost = np.round(rng.lognormal(np.log(220.0) + 0.12 * age[person], 0.9), 2)
    inpatient = rng.random(rows) < 0.12
    days = np.where(inpatient, np.minimum(rng.geometric(0.18, rows), 30), 0)
    return pa.table(
        {
            ENTITY: pc.binary_join_element_wise("P", pc.utf8_lpad(pc.cast(pa.array(person), pa.string()), 8, "0"), ""),
            "district": pa.array(DISTRICTS).take(pa.array(district[person])),
            "age_band": pa.array(AGE_BANDS).take(pa.array(age[person])),
            "month": pa.array(rng.integers(1, 13, rows), pa.int64()),
            "cost": pa.array(cost, pa.float64()),
            "days": pa.array(days, pa.int64()),
        }
    )


def _normalized(weights: Sequence[float]) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    return w / w.sum()


def visits_parquet(rows: int) -> Path:
    """The cached Parquet file of ``rows`` visits, generated when missing."""
    path = CACHE / f"visits-v{DATA_VERSION}-{rows}.parquet"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(f".{os.getpid()}.part")
    pq.write_table(visits_table(rows), part, compression="zstd")
    part.replace(path)
    return path


# --- answers and errors ------------------------------------------------------------------------------------


def truth(path: Path, question: Question) -> Answer:
    """The exact answer: the question's SQL in DuckDB over the raw file (no bounding, no clamping)."""
    file = str(path).replace("'", "''")
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"CREATE VIEW {TABLE} AS SELECT * FROM read_parquet('{file}')")
        return answer_of(con.sql(question.sql).to_arrow_table(), question.groups)


def bounding_bias(path: Path, question: Question) -> float:
    """The median relative error of bounding alone, with no noise: the question over R rows per person (kept in a
    hash order, as random) with each value clamped to its bounds, against the truth."""
    file = str(path).replace("'", "''")
    clamped = ", ".join(f"least(greatest({c}, {lo}), {hi}) AS {c}" for c, (lo, hi) in BOUNDS.items())
    order = "hash(pid, district, age_band, month, cost, days)"
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"""CREATE VIEW {TABLE} AS SELECT * EXCLUDE (__k) REPLACE ({clamped}) FROM (
                          SELECT *, row_number() OVER (PARTITION BY {ENTITY} ORDER BY {order}) AS __k
                          FROM read_parquet('{file}')) WHERE __k <= {question.rows}""")
        bounded = answer_of(con.sql(question.sql).to_arrow_table(), question.groups)
    return median_error(truth(path, question), [bounded])


def answer_of(table: pa.Table, groups: Sequence[str]) -> Answer:
    """A result table as {group key: value}: the value is the one column that is not a group item (nor hidden)."""
    values = [c for c in table.column_names if c not in groups and not c.startswith("__")]
    if len(values) != 1:
        raise ValueError(f"expected one value column beside {list(groups)}, got {values}")
    return {tuple(row[g] for g in groups): _number(row[values[0]]) for row in table.to_pylist()}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def relative_errors(exact: Answer, released: Answer) -> list[float]:
    """|released − exact| / |exact| for each group of the truth with a non-zero value; 1 for a missing group."""
    errors = []
    for key, want in exact.items():
        if not want:
            continue
        got = released.get(key)
        errors.append(1.0 if got is None else abs(got - want) / abs(want))
    return errors


def median_error(exact: Answer, releases: Sequence[Answer]) -> float:
    """The median relative error over every group of every release."""
    errors = [e for released in releases for e in relative_errors(exact, released)]
    if not errors:
        raise ValueError("no group to measure the error on")
    return statistics.median(errors)


# --- Tumult ------------------------------------------------------------------------------------------------


def tumult_constraints(question: Question) -> list[list[Any]]:
    """The Tumult constraints that bound a person's contribution as ``question`` says.

    Under pure DP Tumult's sensitivity is the smallest of the enforced sets: ``MaxRowsPerID(R)`` gives R for a
    count and R·max(|lo|, |hi|) for a sum. A person's distinct count over one group item takes
    ``MaxGroupsPerID(item, G)``, which Tumult turns into one row per (person, group): sensitivity G.
    """
    if question.kind == "count_distinct":
        if question.value != ENTITY or len(question.groups) != 1:
            raise ValueError("Tumult bounds a distinct count only of the person, over one group item")
        return [["MaxGroupsPerID", question.groups[0], question.groups_per_person]]
    return [["MaxRowsPerID", question.rows]]


def tumult_question(question: Question) -> dict[str, Any]:
    """The JSON form of ``question`` that bench/peers/tumult_run.py reads."""
    spec: dict[str, Any] = {
        "name": question.name,
        "kind": question.kind,
        "keys": {g: list(PUBLIC[g]) for g in question.groups},
        "constraints": tumult_constraints(question),
    }
    if question.value is not None:
        spec["value"] = question.value
    if question.value in BOUNDS:
        spec["low"], spec["high"] = BOUNDS[question.value]
    return spec


@dataclass(frozen=True)
class PeerAnswers:
    """What Tumult released for each question, the time of each run, and its untimed start."""

    label: str
    releases: dict[str, list[Answer]]
    runs: dict[str, list[float]]
    jvm_seconds: float
    session_seconds: float


def run_tumult(path: Path, questions: Sequence[Question], repeats: int) -> PeerAnswers:
    """Run bench/peers/tumult_run.py in its venv; its answers and times, or PeerUnavailable and why."""
    python = PEERS_DIR / TUMULT_VENV / "bin" / "python"
    if not python.exists():
        raise PeerUnavailable(f"bench/peers/{TUMULT_VENV} is missing; `{BUILD}` builds it")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise PeerUnavailable("Tumult Analytics runs on Spark, which needs a Java runtime (java on PATH)")
    env = os.environ | {"PYSPARK_PYTHON": str(python), "PYSPARK_DRIVER_PYTHON": str(python)}
    command = [str(python), str(PEERS_DIR / "tumult_run.py"), "--data", str(path), "--id", ENTITY]
    command += ["--epsilon", f"{EPSILON:g}", "--repeats", str(repeats)]
    command += ["--questions", json.dumps([tumult_question(q) for q in questions], ensure_ascii=False)]
    debug = bool(os.environ.get("GONGSHU_BENCH_DEBUG"))
    if debug:
        command.append("--debug")
    return peer_answers(peer_json(command, PEER_TIMEOUT, debug, env), questions)


def peer_answers(info: Mapping[str, Any], questions: Sequence[Question]) -> PeerAnswers:
    """The runner's JSON as answers keyed like the truth (group values, in the question's order)."""
    releases: dict[str, list[Answer]] = {}
    runs: dict[str, list[float]] = {}
    for q in questions:
        got = info["questions"][q.name]
        width = len(q.groups)
        releases[q.name] = [{tuple(row[:width]): _number(row[width]) for row in rows} for rows in got["answers"]]
        runs[q.name] = [float(s) for s in got["runs"]]
    return PeerAnswers(info["peer"], releases, runs, float(info["jvm_seconds"]), float(info["session_seconds"]))


# --- gongshu -----------------------------------------------------------------------------------------------


class GongshuInterfaceMissing(RuntimeError):
    """gongshu has no person-level DP release yet (the interface this benchmark calls)."""


NEEDED_FIELDS = {"ColumnSpec": ("public_values",), "TableSpec": ("personal", "entity_unique"),
                 "ControlConfig": ("rows_per_person", "groups_per_person")}  # fmt: skip


def missing_fields(found: Mapping[str, Any]) -> list[str]:
    """``Class.field`` for each field of NEEDED_FIELDS that the dataclass found under that name lacks."""
    return [
        f"{cls}.{field}"
        for cls, fields in NEEDED_FIELDS.items()
        for field in fields
        if field not in {f.name for f in dataclasses.fields(found[cls])}
    ]


def gongshu_interface() -> dict[str, Any]:
    """run_query, the spec classes and the DuckDB engine; GongshuInterfaceMissing naming what is absent."""
    try:
        from gongshu.sandbox.engines.duckdb_engine import DuckDBEngine
        from gongshu.sandbox.pipeline import run_query
        from gongshu.sandbox.spec import ColumnSpec, ControlConfig, TableSpec
    except ImportError as e:
        raise GongshuInterfaceMissing(f"gongshu's sandbox cannot be imported: {e}") from e
    found = {"ColumnSpec": ColumnSpec, "TableSpec": TableSpec, "ControlConfig": ControlConfig}
    missing = missing_fields(found)
    if missing:
        raise GongshuInterfaceMissing(
            "gongshu's person-level DP release is missing (needs " + ", ".join(missing) + "): merge it first"
        )
    return {"run_query": run_query, "engine": DuckDBEngine, **found}


def gongshu_call(api: Mapping[str, Any], path: Path, rows: int, question: Question) -> Callable[[], Answer]:
    """One DP release of ``question`` through gongshu's protected path, as an answer keyed like the truth."""
    column, table, control = api["ColumnSpec"], api["TableSpec"], api["ControlConfig"]
    columns = {
        name: column(
            name,
            protected=True,
            identifier=name == ENTITY,
            numeric=name in BOUNDS,
            bounds=BOUNDS.get(name),
            public_values=PUBLIC.get(name),
        )
        for name in (ENTITY, "district", "age_band", "month", "cost", "days")
    }
    size = {"rows": rows} if "rows" in {f.name for f in dataclasses.fields(table)} else {}
    spec = table(TABLE, columns, entity=ENTITY, entity_unique=False, personal=True, **size)
    config = control(epsilon=EPSILON, rows_per_person=question.rows, groups_per_person=question.groups_per_person)
    engine, run_query = api["engine"](), api["run_query"]

    def call() -> Answer:
        result = run_query(question.sql, {TABLE: spec}, {TABLE: path}, engine=engine, control=config, dp=True)
        return answer_of(result.table, question.groups)

    return call


def run_gongshu(path: Path, rows: int, questions: Sequence[Question]) -> tuple[dict[str, list[Answer]], dict]:
    """Each question once untimed, then REPEATS timed runs; the releases of the timed runs and their times."""
    api = gongshu_interface()
    releases: dict[str, list[Answer]] = {}
    runs: dict[str, list[float]] = {}
    for q in questions:
        call = gongshu_call(api, path, rows, q)
        call()
        releases[q.name], runs[q.name] = [], []
        for _ in range(REPEATS):
            start = time.perf_counter()
            releases[q.name].append(call())
            runs[q.name].append(time.perf_counter() - start)
            time.sleep(0.1)  # the engine opens its next database in the background: never timed against the next
    return releases, runs


# --- the benchmark -----------------------------------------------------------------------------------------


def run(scale: float) -> list[Result]:
    rows = max(int(ROWS * scale), 10_000)
    gongshu_interface()  # fail before Spark's minutes when there is nothing to compare
    path = visits_parquet(rows)
    exact = {q.name: truth(path, q) for q in QUESTIONS}
    ours, our_runs = run_gongshu(path, rows, QUESTIONS)
    try:
        theirs: PeerAnswers | None = run_tumult(path, QUESTIONS, PEER_REPEATS)
        why = ""
    except PeerUnavailable as e:
        theirs, why = None, str(e)
    bias = {q.name: bounding_bias(path, q) for q in QUESTIONS}
    return results(rows, exact, ours, our_runs, theirs, why, bias)


def results(
    rows: int,
    exact: Mapping[str, Answer],
    ours: Mapping[str, list[Answer]],
    our_runs: Mapping[str, list[float]],
    theirs: PeerAnswers | None,
    why: str = "",
    bias: Mapping[str, float] | None = None,
) -> list[Result]:
    """The table's rows: per question, gongshu's error against Tumult's; then both systems' error and time."""
    what = f"{count_label(rows)} rows, {len(QUESTIONS)} questions, eps={EPSILON:g} each"
    our_err = {q.name: median_error(exact[q.name], ours[q.name]) for q in QUESTIONS}
    our_time = {q.name: min(our_runs[q.name]) for q in QUESTIONS}
    their_err = {q.name: median_error(exact[q.name], theirs.releases[q.name]) for q in QUESTIONS} if theirs else {}
    their_time = {q.name: min(theirs.runs[q.name]) for q in QUESTIONS} if theirs else {}
    out = []
    for q in QUESTIONS:
        note = f"R={q.rows}, G={q.groups_per_person}; gongshu best {our_time[q.name]:.3f} s"
        if bias:
            note += f"; error of bounding alone (no noise) {bias[q.name]:.3g}"
        if theirs:
            note += f"; tumult error {their_err[q.name]:.3g}, best {their_time[q.name]:.2f} s"
            note += f" (runs {', '.join(f'{s:.2f}' for s in theirs.runs[q.name])})"
        out.append(Result(NAME, f"error, {q.name}", our_err[q.name], "rel err", "tumult" if theirs else "",
                          ratio(our_err[q.name], their_err.get(q.name)), note=note))  # fmt: skip
    ours_e, ours_t = statistics.median(our_err.values()), sum(our_time.values())
    reps = f"{REPEATS} releases per question"
    out.append(Result(NAME, f"gongshu, median relative error, {what}", ours_e, "rel err", note=reps))
    if theirs is None:
        out.append(Result(NAME, f"{TUMULT}: peer unavailable", None, "rel err", target=ERROR_TARGET, note=why))
        out.append(Result(NAME, "gongshu, time of the questions", ours_t, "s", note=f"best of {REPEATS} each"))
        return out
    their_e, their_t = statistics.median(their_err.values()), sum(their_time.values())
    out.append(Result(NAME, f"{TUMULT}, median relative error", their_e, "rel err", note=f"{theirs.label}; "
                      f"{PEER_REPEATS} releases per question"))  # fmt: skip
    out.append(Result(NAME, "gongshu error / tumult error", ratio(ours_e, their_e), "x", "tumult",
                      ratio(ours_e, their_e), ERROR_TARGET))  # fmt: skip
    out.append(Result(NAME, "gongshu, time of the questions", ours_t, "s", note=f"sum of bests of {REPEATS}"))
    start = f"untimed: JVM start {theirs.jvm_seconds:.1f} s, Session.from_dataframe {theirs.session_seconds:.1f} s"
    out.append(Result(NAME, f"{TUMULT}, time of the questions", their_t, "s", "gongshu", ratio(their_t, ours_t),
                      TIME_TARGET, f"sum of bests of {PEER_REPEATS}; {start}"))  # fmt: skip
    return out


def peer_only(scale: float, repeats: int) -> int:
    """The truth and Tumult alone: their errors and times (to check the peer without gongshu)."""
    rows = max(int(ROWS * scale), 10_000)
    path = visits_parquet(rows)
    exact = {q.name: truth(path, q) for q in QUESTIONS}
    theirs = run_tumult(path, QUESTIONS, repeats)
    print(f"{theirs.label}: {count_label(rows)} rows; JVM {theirs.jvm_seconds:.1f} s, "
          f"session {theirs.session_seconds:.1f} s")  # fmt: skip
    for q in QUESTIONS:
        err = median_error(exact[q.name], theirs.releases[q.name])
        runs = ", ".join(f"{s:.2f}" for s in theirs.runs[q.name])
        bias = bounding_bias(path, q)
        print(f"  {q.name}: median relative error {err:.3g} (bounding alone {bias:.3g}); runs {runs} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sandbox_accuracy", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--peer-only", action="store_true", help="run the truth and Tumult only")
    parser.add_argument("--repeats", type=int, default=PEER_REPEATS, help="Tumult's runs per question")
    args = parser.parse_args(argv)
    if args.peer_only:
        return peer_only(args.scale, args.repeats)
    from bench.run import main as bench_main

    return bench_main(["--only", NAME, "--scale", f"{args.scale:g}"])


if __name__ == "__main__":
    sys.exit(main())
