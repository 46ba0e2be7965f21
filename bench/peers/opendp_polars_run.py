"""Time OpenDP's Polars context on the sandbox benchmark's query; run with bench/peers/.venv-opendp's python.

COUNT, SUM and AVG of a bounded numeric item GROUP BY two category items, spending the whole ε (and δ,
for releasing the group keys, which are private unless ``--public-keys``) in one query. The frame is
loaded untimed; each run builds a fresh context (a fresh budget; untimed, reported apart), then plans,
releases and collects (timed). Prints JSON: {"seconds": best, "rows": released groups, "runs": [...],
"context_seconds": [...], ...}; ``--debug`` prints rows on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Literal

import opendp.prelude as dp
import polars as pl

dp.enable_features("contrib")


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", required=True, help="Parquet file")
    p.add_argument("--groups", default="区县,行业")
    p.add_argument("--value", default="收入")
    p.add_argument("--lower", type=float, default=0.0)
    p.add_argument("--upper", type=float, default=1e6)
    p.add_argument("--epsilon", type=float, default=1.0)
    p.add_argument("--delta", type=float, default=1e-6)
    p.add_argument("--max-groups", type=int, default=16 * 20, help="public bound on the number of groups")
    p.add_argument("--public-keys", action="store_true", help="declare the group keys public (no threshold)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--debug", action="store_true")
    return p.parse_args()


def context(frame: pl.DataFrame, a: argparse.Namespace) -> Any:
    """A fresh budget of (ε, δ) over the frame; one row per person, so one contribution per unit."""
    keys: Literal["keys"] | None = "keys" if a.public_keys else None
    return dp.Context.compositor(
        data=frame.lazy(),
        privacy_unit=dp.unit_of(contributions=1),
        privacy_loss=dp.loss_of(epsilon=a.epsilon, delta=a.delta),
        split_evenly_over=1,
        margins=[  # public: the table's size and the number of category pairs (keys stay private)
            dp.polars.Margin(by=[], max_length=frame.height),
            dp.polars.Margin(by=a.groups.split(","), max_groups=a.max_groups, invariant=keys),
        ],
    )


def release(ctx: Any, a: argparse.Namespace) -> pl.DataFrame:
    """The query, planned, released and collected: the whole budget in one release."""
    groups, bounds = a.groups.split(","), (a.lower, a.upper)
    value = pl.col(a.value).fill_null(0.0)
    query = (
        ctx.query()
        .group_by(groups)
        .agg(
            [
                pl.len().dp.noise().alias("人数"),
                value.dp.sum(bounds).alias("收入合计"),
                value.dp.mean(bounds).alias("平均收入"),
            ]
        )
    )
    out: pl.DataFrame = query.release().collect()
    return out


def main() -> int:
    a = arguments()
    frame = pl.read_parquet(a.data, columns=[*a.groups.split(","), a.value])
    runs: list[float] = []
    setup: list[float] = []
    out: Any = None
    for _ in range(a.repeats):
        start = time.perf_counter()
        ctx = context(frame, a)
        setup.append(time.perf_counter() - start)
        start = time.perf_counter()
        out = release(ctx, a)
        runs.append(time.perf_counter() - start)
    if a.debug:
        print(out.sort(a.groups.split(",")).head(3), file=sys.stderr)
    info = {
        "seconds": min(runs),
        "rows": out.height,
        "runs": runs,
        "context_seconds": setup,
        "input_rows": frame.height,
    }
    info |= {"peer": f"opendp {dp.__version__} polars {pl.__version__}", "epsilon": a.epsilon, "delta": a.delta}
    info["public_keys"] = a.public_keys
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
