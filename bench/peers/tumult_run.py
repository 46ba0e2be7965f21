"""Answer the accuracy benchmark's questions with Tumult Analytics; run with bench/peers/.venv-tumult's python.

The table has several rows per person: the session protects a person (``AddRowsWithID(--id)``) under pure
ε-DP (``PureDPBudget``). Each question (a JSON list, ``--questions``) names its aggregate, its group items with
their public values (``KeySet.from_dict``), the clamping bounds of its value item and the contribution
bounds enforced before it (``MaxRowsPerID``, ``MaxGroupsPerID``, ``MaxRowsPerGroupPerID``), and is evaluated
``--repeats`` times at ``--epsilon`` each (a fresh noise draw each time) out of one session's budget.

Timed: each ``evaluate`` up to the collected answer (Spark reads the Parquet file inside it). Untimed and
reported apart: the JVM start (``SparkSession``) and ``Session.from_dataframe``. Prints one JSON line:
{"peer", "jvm_seconds", "session_seconds", "questions": {name: {"runs": [s, ...], "answers": [[row, ...], ...]}}}
where a row is the group values followed by the released value. ``--debug`` prints answers on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from typing import Any

# Spark's Python workers must be this environment's python, or they fail with "No module named 'tmlt'".
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)

from pyspark.sql import SparkSession
from tmlt.analytics import (
    AddRowsWithID,
    KeySet,
    MaxGroupsPerID,
    MaxRowsPerGroupPerID,
    MaxRowsPerID,
    PureDPBudget,
    QueryBuilder,
    Session,
)

SOURCE = "visits"
CONSTRAINTS = {"MaxRowsPerID": MaxRowsPerID, "MaxGroupsPerID": MaxGroupsPerID,
               "MaxRowsPerGroupPerID": MaxRowsPerGroupPerID}  # fmt: skip


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True, help="Parquet file")
    p.add_argument("--questions", required=True, help="JSON list of questions (see bench/sandbox_accuracy.py)")
    p.add_argument("--id", default="pid", help="the person identifier item")
    p.add_argument("--epsilon", type=float, default=1.0, help="pure ε spent by each evaluation")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--shuffle-partitions", type=int, default=4)
    p.add_argument("--debug", action="store_true")
    return p.parse_args()


def query(q: dict[str, Any]) -> Any:
    """The QueryBuilder of one question: enforce its bounds, group by its public keys, aggregate."""
    builder = QueryBuilder(SOURCE)
    for name, *args in q["constraints"]:
        builder = builder.enforce(CONSTRAINTS[name](*args))
    grouped = builder.groupby(KeySet.from_dict({k: list(v) for k, v in q["keys"].items()}))
    kind, column, low, high = q["kind"], q.get("value"), q.get("low"), q.get("high")
    if kind == "count":
        return grouped.count(name="value")
    if kind == "count_distinct":
        return grouped.count_distinct([column], name="value")
    if kind == "sum":
        return grouped.sum(column, low, high, name="value")
    if kind == "avg":
        return grouped.average(column, low, high, name="value")
    if kind == "median":
        return grouped.median(column, low, high, name="value")
    raise SystemExit(f"unknown aggregate kind {kind!r}")


def main() -> int:
    a = arguments()
    questions: list[dict[str, Any]] = json.loads(a.questions)
    warehouse = tempfile.mkdtemp(prefix="gongshu-bench-tumult-")  # Tumult's temporary tables, removed at the end
    try:
        return answer(a, questions, warehouse)
    finally:
        shutil.rmtree(warehouse, ignore_errors=True)


def answer(a: argparse.Namespace, questions: list[dict[str, Any]], warehouse: str) -> int:
    """Start Spark, open the session, evaluate each question ``--repeats`` times, print the JSON line."""
    start = time.perf_counter()
    spark = (
        SparkSession.builder.appName("gongshu-bench-tumult")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.shuffle.partitions", str(a.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    jvm = time.perf_counter() - start
    start = time.perf_counter()
    frame = spark.read.parquet(a.data)
    total = PureDPBudget(a.epsilon * a.repeats * len(questions))
    session = Session.from_dataframe(total, SOURCE, frame, AddRowsWithID(a.id))
    setup = time.perf_counter() - start
    out: dict[str, Any] = {}
    for q in questions:
        runs: list[float] = []
        answers: list[list[list[Any]]] = []
        keys = list(q["keys"])
        for _ in range(a.repeats):
            start = time.perf_counter()
            rows = session.evaluate(query(q), PureDPBudget(a.epsilon)).collect()
            runs.append(time.perf_counter() - start)
            answers.append([[*(r[k] for k in keys), _number(r["value"])] for r in rows])
        out[q["name"]] = {"runs": runs, "answers": answers}
        if a.debug:
            print(q["name"], [f"{s:.2f}" for s in runs], sorted(answers[0])[:3], file=sys.stderr)
    info = {"peer": f"tmlt.analytics {version('tmlt.analytics')} pyspark {version('pyspark')}"}
    info |= {"jvm_seconds": jvm, "session_seconds": setup, "epsilon": a.epsilon, "questions": out}
    print(json.dumps(info))
    spark.stop()
    return 0


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


if __name__ == "__main__":
    sys.exit(main())
