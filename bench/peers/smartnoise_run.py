"""Time SmartNoise SQL on the sandbox benchmark's query; run with bench/peers/.venv's python.

COUNT, SUM and AVG of a bounded numeric item GROUP BY two category items under one total (ε, δ), the
group keys private (SmartNoise censors rare dimensions with δ). SmartNoise's ``Privacy(epsilon, delta)``
is per mechanism (this query composes four), so both are scaled down until ``get_privacy_cost`` of the
query equals the total. The data is read from a pandas frame, as SmartNoise's ``from_df`` documents.
Untimed: the Parquet load and ``from_df`` (which copies the frame into SQLite; reported apart). Timed:
``execute``. SmartNoise takes ASCII column names only, so the frame's columns are renamed untimed.
Prints JSON: {"seconds": best, "rows": released groups, "runs": [...], "from_df_seconds": [...], ...};
``--debug`` prints rows on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.metadata import version
from typing import Any

import pandas as pd
import snsql
from snsql import Privacy

ASCII = ("g1", "g2", "v")  # the two group items and the value item, as SmartNoise sees them
QUERY = "SELECT g1, g2, COUNT(*) AS n, SUM(v) AS total, AVG(v) AS mean FROM bench.persons GROUP BY g1, g2"


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True, help="Parquet file")
    p.add_argument("--groups", default="区县,行业")
    p.add_argument("--value", default="收入")
    p.add_argument("--entity", default="身份证号")
    p.add_argument("--lower", type=float, default=0.0)
    p.add_argument("--upper", type=float, default=1e6)
    p.add_argument("--epsilon", type=float, default=1.0)
    p.add_argument("--delta", type=float, default=1e-6)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--debug", action="store_true")
    return p.parse_args()


def metadata(a: argparse.Namespace, rows: int) -> dict[str, Any]:
    """One row per person (``max_ids`` 1), keyed by the person id, the value bounded."""
    table = {
        "row_privacy": False,
        "max_ids": 1,
        "rows": rows,
        "pid": {"type": "string", "private_id": True},
        "g1": {"type": "string"},
        "g2": {"type": "string"},
        "v": {"type": "float", "lower": a.lower, "upper": a.upper, "nullable": False},
    }
    return {"bench": {"bench": {"persons": table}}}


def per_mechanism(frame: pd.DataFrame, a: argparse.Namespace) -> Privacy:
    """The Privacy whose composed cost for QUERY is the total (ε, δ) asked for (cost is linear in it)."""
    meta, sample = metadata(a, len(frame)), frame.head(100)
    epsilon, delta = snsql.from_df(sample, privacy=Privacy(epsilon=1.0, delta=1e-9), metadata=meta).get_privacy_cost(
        QUERY
    )
    privacy = Privacy(epsilon=a.epsilon / float(epsilon), delta=a.delta * 1e-9 / float(delta))
    total = snsql.from_df(sample, privacy=privacy, metadata=meta).get_privacy_cost(QUERY)
    if abs(total[0] - a.epsilon) > 1e-9 * a.epsilon or total[1] > a.delta * (1 + 1e-6):
        raise SystemExit(f"cannot calibrate SmartNoise's per-mechanism budget: total {total}")
    return privacy


def load(a: argparse.Namespace) -> pd.DataFrame:
    g1, g2 = a.groups.split(",")
    frame = pd.read_parquet(a.data, columns=[a.entity, g1, g2, a.value])
    return frame.rename(columns={a.entity: "pid", g1: "g1", g2: "g2", a.value: "v"})


def main() -> int:
    a = arguments()
    frame = load(a)
    meta, privacy = metadata(a, len(frame)), per_mechanism(frame, a)
    runs: list[float] = []
    setup: list[float] = []
    out: list[Any] = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        reader = snsql.from_df(frame, privacy=privacy, metadata=meta)
        setup.append(time.perf_counter() - start)
        start = time.perf_counter()
        out = reader.execute(QUERY)
        runs.append(time.perf_counter() - start)
        reader.reader.db_engine.dispose()
    if a.debug:
        print(out[0], *sorted(out[1:])[:3], sep="\n", file=sys.stderr)
    info = {"seconds": min(runs), "rows": len(out) - 1, "runs": runs, "from_df_seconds": setup}
    info |= {"input_rows": len(frame), "peer": f"smartnoise-sql {version('smartnoise-sql')} pandas {pd.__version__}"}
    info |= {"epsilon": a.epsilon, "delta": a.delta, "per_mechanism": [privacy.epsilon, privacy.delta]}
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
