"""Rule: person-level differential privacy on a bounded query's result (``sql/bounding.py``), with OpenDP.

Accounting. The bounded query keeps at most G groups of each person and at most L rows of the person in all, and
clamps every summed value into its range [lo, hi]. So over the whole column of groups one person moves a
COUNT(*)/COUNT(x)/COUNT(DISTINCT x) by at most L, a COUNT(DISTINCT person) by min(G, L), a SUM by L·max(|lo|,
|hi|), an AVG's centred sum Σ(x − mid) by L·(hi − lo)/2 and its count by L, and a quantile's histogram by L (L = G
= 1 when the source has one row per person). Each is one Laplace measurement over the whole column, certified by
OpenDP for an equal share of ε; ``epsilon_spent`` adds the certified ε (basic composition) and the profile's.

Group keys. With no GROUP BY there is one group, always released. When every key is an item whose values the
catalog declares (public values), every combination of them is released, present in the data or not, and rows
outside it are dropped: no threshold, no δ. Otherwise a group is released only when its noisy person count reaches
τ = min_cell + scale·ln(1/(2δ)) (OpenDP's stability threshold, one person in at most G groups), and a
COUNT(DISTINCT person) is that noisy count, with no ε of its own.

Derived values (post-processing, no ε): counts floored at 0, sums clamped to what n values in [lo, hi] can add to
when lo ≥ 0 or hi ≤ 0 (no negative total of non-negative values), AVG = mid + noisy Σ(x − mid) / max(noisy count,
1) within [lo, hi], quantiles read off the noisy histogram's cumulative counts. Each column states its noise scale
and a 95% interval (exact for Laplace: ±scale·ln 20; for AVG and quantiles the interval the noisy parts imply).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import opendp.prelude as dp
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.sandbox.control.noise import Z95, calibrate, key_threshold, laplace
from gongshu.sandbox.control.profile import Bounds
from gongshu.sandbox.control.work import finding
from gongshu.sandbox.spec import ControlConfig, ControlReport, Finding, Limits
from gongshu.sandbox.sql.bounding import QUANTILE_BINS, QUANTILE_FINE, DpAggregate, DpPlan

RULE = "differential-privacy"
PROTECTION = "dp"


@dataclass
class _Noisy:
    """The rows released (raw row index, −1 for a public key combination absent from the data) and the values."""

    rows: np.ndarray
    keys: list[pa.Array]
    values: dict[int, np.ndarray] = field(default_factory=dict)
    accuracy: list[dict] = field(default_factory=list)
    spent: float = 0.0
    threshold: dict | None = None  # τ, δ and scale of the groups' noisy threshold, when one ran


def release(
    raw: pa.Table,
    plan: DpPlan,
    cfg: ControlConfig,
    bounds: Bounds,
    share: float,
    limits: Limits = Limits(),
    fine: Mapping[int, pa.Table] | None = None,
) -> tuple[pa.Table, ControlReport]:
    """The noisy result of the bounded query ``raw`` with ``share`` of ε in all; ``fine``: per quantile output,
    its ``quantile_sql`` result (without it a quantile is read off the noisy coarse histogram alone)."""
    report = ControlReport(rows_in=raw.num_rows, epsilon_spent=bounds.epsilon)
    shares = _shares(plan, bounds)
    each = share / shares if shares else share
    noisy, refusal = _rows(raw, plan, cfg, bounds, each, limits)
    if refusal is not None:
        report.findings.append(refusal)
        return _empty(plan), report
    for a in plan.aggregates:
        _noise(raw, plan, a, bounds, each, noisy, fine)
    table = _sorted(_table(raw, plan, noisy), plan)
    report.epsilon_spent += noisy.spent
    report.protections.append(PROTECTION)
    report.rows_out = table.num_rows
    report.accuracy = noisy.accuracy
    report.bounding = _bounding(bounds, plan) | {"threshold": noisy.threshold}
    report.findings.append(_finding(report, bounds, plan))
    return table, report


def _shares(plan: DpPlan, bounds: Bounds) -> int:
    threshold = _uses_threshold(plan)
    count = sum(
        2 if a.kind == "avg" else 0 if threshold and _is_threshold_count(plan, a) else 1 for a in plan.aggregates
    )
    return count + (1 if threshold else 0)


def _uses_threshold(plan: DpPlan) -> bool:
    return bool(plan.keys) and not plan.all_keys_public


def _is_threshold_count(plan: DpPlan, a: DpAggregate) -> bool:
    """Whether output ``a`` is the very person count ``__n`` the threshold noises."""
    return (plan.bounded and a.kind == "persons") or (not plan.bounded and a.kind == "rows" and not a.reads)


def _rows(
    raw: pa.Table, plan: DpPlan, cfg: ControlConfig, bounds: Bounds, each: float, limits: Limits
) -> tuple[_Noisy, Finding | None]:
    """Which groups are released: the one group, every public combination, or those above the threshold."""
    if not plan.keys:
        return _Noisy(np.zeros(1, dtype=np.int64), []), None
    if plan.all_keys_public:
        return _public(raw, plan, limits)
    n = np.asarray(pc.fill_null(raw.column("__n"), 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    meas, tau, eps, delta, scale = key_threshold(each, cfg.min_cell, cfg.delta, min(bounds.groups, bounds.rows))
    candidates = np.flatnonzero(n > 0)
    released = meas(dict(zip(candidates.tolist(), n[candidates].tolist(), strict=True)))
    rows = np.array(sorted(int(r) for r in released), dtype=np.int64)
    noisy = _Noisy(rows, [raw.column(plan.names[k]).take(pa.array(rows)) for k in plan.keys])
    noisy.spent += eps
    counts = np.array([max(int(released[int(r)]), 0) for r in rows], dtype=np.int64)
    for a in plan.aggregates:
        if _is_threshold_count(plan, a):
            noisy.values[a.output] = counts
            noisy.accuracy.append(_interval(plan.names[a.output], scale, "threshold"))
    if rows.size > limits.max_output_rows:
        return noisy, _too_many(limits)
    noisy.threshold = {"tau": tau, "delta": delta, "scale": scale}
    return noisy, None


def _public(raw: pa.Table, plan: DpPlan, limits: Limits) -> tuple[_Noisy, Finding | None]:
    """Every combination of the declared values; raw rows outside them are dropped."""
    values = [plan.public_keys[k] for k in plan.keys]
    size = int(np.prod([len(v) for v in values]))
    if size > limits.max_output_rows:
        return _Noisy(np.zeros(0, dtype=np.int64), []), _too_many(limits)
    combos = [tuple(str(v) for v in c) for c in itertools.product(*values)]
    at = {}
    columns = [raw.column(plan.names[k]).to_pylist() for k in plan.keys]
    for r, key in enumerate(zip(*columns, strict=True)):
        at[tuple("" if v is None else str(v) for v in key)] = r
    rows = np.array([at.get(tuple(c), -1) for c in combos], dtype=np.int64)
    keys = []
    for j, k in enumerate(plan.keys):
        text = pa.array([c[j] for c in combos], type=pa.string())
        target = raw.column(plan.names[k]).type
        keys.append(text if pa.types.is_null(target) else pc.cast(text, target, safe=False))
    return _Noisy(rows, keys), None


def _noise(
    raw: pa.Table,
    plan: DpPlan,
    a: DpAggregate,
    bounds: Bounds,
    each: float,
    noisy: _Noisy,
    fine: Mapping[int, pa.Table] | None = None,
) -> None:
    if a.output in noisy.values:
        return  # the threshold's own count
    rows, groups = bounds.rows, bounds.groups
    name = plan.names[a.output]
    if a.kind in ("rows", "distinct", "persons"):
        sens = min(groups, rows) if a.kind == "persons" else rows
        values, eps, scale = laplace(_column(raw, name, noisy.rows, True), True, sens, each)
        noisy.values[a.output] = np.maximum(values, 0)
        noisy.accuracy.append(_interval(name, scale, "laplace"))
    elif a.kind == "sum":
        values, eps, scale = laplace(_column(raw, name, noisy.rows, False), False, rows * a.reach, each)
        noisy.values[a.output] = _feasible(values, a)
        noisy.accuracy.append(_interval(name, scale, "laplace"))
    elif a.kind == "avg":
        eps = _average(raw, plan, a, bounds, each, noisy)
    else:
        eps = _quantile(raw, plan, a, bounds, each, noisy, fine.get(a.output) if fine else None)
    noisy.spent += eps


def _average(raw: pa.Table, plan: DpPlan, a: DpAggregate, bounds: Bounds, each: float, noisy: _Noisy) -> float:
    lo, hi = a.range or (0.0, 0.0)
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    gr = bounds.rows  # L rows per person in all
    s, eps_s, scale_s = laplace(_column(raw, f"__s{a.output}", noisy.rows, False), False, gr * half, each)
    c, eps_c, scale_c = laplace(_column(raw, f"__c{a.output}", noisy.rows, True), True, gr, each)
    count = np.maximum(c, 1).astype(np.float64)
    noisy.values[a.output] = np.clip(mid + s / count, lo, hi)
    # 95%: each noisy part within its 97.5% bound (union bound), the ratio at the ends of that box
    ts, tc = scale_s * np.log(40), scale_c * np.log(40)
    low_c, high_c = np.maximum(c - tc, 1), np.maximum(c + tc, 1)
    ends = np.stack([(s - ts) / low_c, (s - ts) / high_c, (s + ts) / low_c, (s + ts) / high_c])
    lower, upper = np.clip(mid + ends.min(axis=0), lo, hi), np.clip(mid + ends.max(axis=0), lo, hi)
    noisy.accuracy.append(
        {
            "column": plan.names[a.output],
            "mechanism": "laplace-ratio",
            "scale": None,
            "ci95": None,
            "lower": lower.tolist(),
            "upper": upper.tolist(),
        }
    )
    return eps_s + eps_c


def _quantile(
    raw: pa.Table, plan: DpPlan, a: DpAggregate, bounds: Bounds, each: float, noisy: _Noisy, fine: pa.Table | None
) -> float:
    """The value by the exponential mechanism over QUANTILE_FINE bin edges (3/4 of the share), the stated interval
    from a noisy QUANTILE_BINS histogram (1/4), widened to hold the value."""
    name = plan.names[a.output]
    lo, hi = a.range or (0.0, 0.0)
    coarse = each if fine is None else each / 4
    eps = _coarse(raw, a, name, bounds, coarse, noisy)
    if fine is None:
        return eps
    counts = _fine_counts(fine, plan, noisy)
    chosen, eps_em = choose_quantiles(counts, a.quantile, bounds.rows, each - coarse)
    values = lo + (hi - lo) / QUANTILE_FINE * chosen
    noisy.values[a.output] = np.clip(values, lo, hi)
    stated = noisy.accuracy[-1]
    stated["mechanism"] = "exponential"
    stated["lower"] = np.minimum(stated["lower"], noisy.values[a.output]).tolist()
    stated["upper"] = np.maximum(stated["upper"], noisy.values[a.output]).tolist()
    return eps + eps_em


def _fine_counts(fine: pa.Table, plan: DpPlan, noisy: _Noisy) -> np.ndarray:
    """Rows × QUANTILE_FINE true counts, in the order of the released rows (zeros for absent combinations)."""
    keys = [f"__k{j}" for j in range(len(plan.keys))]
    where: dict[tuple, int] = {}
    released = [k.to_pylist() for k in noisy.keys] if noisy.keys else []
    for r, key in enumerate(zip(*released, strict=True) if released else [()] * noisy.rows.size):
        where[tuple("" if v is None else str(v) for v in key)] = r
    out = np.zeros((noisy.rows.size, QUANTILE_FINE), dtype=np.float64)
    columns = [fine.column(k).to_pylist() for k in keys]
    bins, counts = fine.column("__bin").to_pylist(), fine.column("__c").to_pylist()
    for i in range(fine.num_rows):
        at = where.get(tuple("" if c[i] is None else str(c[i]) for c in columns))
        if at is not None:
            out[at, int(bins[i])] += int(counts[i])
    return out


def choose_quantiles(counts: np.ndarray, q: float, rows: int, share: float) -> tuple[np.ndarray, float]:
    """Per row of bin counts, the edge (0 … bins) whose rank is nearest q·n, chosen by OpenDP's noisy max over
    −|#below − q·n| (a person's L rows move every score by at most L). The map is linear in the distance, so rows
    of groups a person shares its L rows among cost ε(L) together: (edge indices, certified ε)."""
    below = np.concatenate([np.zeros((counts.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    scores = -np.abs(below - q * below[:, -1:])
    meas, eps = quantile_noise(rows, share, scores.shape[1])
    return np.array([int(meas(np.ascontiguousarray(s))) for s in scores], dtype=np.int64), eps


@lru_cache(maxsize=64)
def quantile_noise(rows: int, share: float, size: int) -> tuple[dp.Measurement, float]:
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False), size=size), dp.linf_distance(T=float)
    meas, _ = calibrate(
        lambda s: dp.m.make_noisy_max(*space, dp.max_divergence(), scale=s),
        lambda m: m.map(float(rows)),
        2.0 * rows / share,
        share,
    )
    return meas, float(meas.map(float(rows)))


def _coarse(raw: pa.Table, a: DpAggregate, name: str, bounds: Bounds, each: float, noisy: _Noisy) -> float:
    lo, hi = a.range or (0.0, 0.0)
    bins = np.stack([_column(raw, f"__q{a.output}_{b}", noisy.rows, True) for b in range(QUANTILE_BINS)], axis=1)
    flat, eps, scale = laplace(bins.reshape(-1).copy(), True, bounds.rows, each)
    hist = np.maximum(flat.reshape(bins.shape), 0).astype(np.float64)
    width = (hi - lo) / QUANTILE_BINS
    band = scale * Z95 * np.sqrt(QUANTILE_BINS)  # the cumulative noise's spread (rough)
    out, lower, upper = [], [], []
    for row in hist:
        cdf = np.cumsum(row)
        total = cdf[-1]
        out.append(_read(cdf, a.quantile * total, lo, width))
        lower.append(_read(cdf, a.quantile * total - band, lo, width) - width)
        upper.append(_read(cdf, a.quantile * total + band, lo, width) + width)
    noisy.values[a.output] = np.clip(np.array(out), lo, hi)
    noisy.accuracy.append(
        {
            "column": name,
            "mechanism": "laplace-histogram",
            "scale": scale,
            "ci95": None,
            "lower": np.clip(lower, lo, hi).tolist(),
            "upper": np.clip(upper, lo, hi).tolist(),
        }
    )
    return eps


def _read(cdf: np.ndarray, target: float, lo: float, width: float) -> float:
    """The value at which the cumulative counts reach ``target``, linear within the bin."""
    if cdf[-1] <= 0:
        return lo + width * len(cdf) / 2
    target = min(max(target, 0.0), float(cdf[-1]))
    b = int(np.searchsorted(cdf, target))
    b = min(b, len(cdf) - 1)
    before = cdf[b - 1] if b > 0 else 0.0
    inside = cdf[b] - before
    frac = (target - before) / inside if inside > 0 else 0.5
    return lo + width * (b + frac)


def _feasible(values: np.ndarray, a: DpAggregate) -> np.ndarray:
    lo, hi = a.range or (0.0, 0.0)
    if lo >= 0:
        return np.maximum(values, 0.0)
    if hi <= 0:
        return np.minimum(values, 0.0)
    return values


def _column(raw: pa.Table, name: str, rows: np.ndarray, integer: bool) -> np.ndarray:
    """True values at the released rows (0 for a null or an absent public combination), for OpenDP."""
    arr = pc.fill_null(raw.column(name).combine_chunks(), 0)
    arr = arr.cast(pa.int64() if integer else pa.float64(), safe=False)
    values = np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.int64 if integer else np.float64)
    out = np.zeros(rows.size, dtype=values.dtype)
    present = rows >= 0
    out[present] = values[rows[present]]
    return out


def _table(raw: pa.Table, plan: DpPlan, noisy: _Noisy) -> pa.Table:
    arrays = []
    for i, name in enumerate(plan.names):
        if i in plan.keys:
            arrays.append(noisy.keys[plan.keys.index(i)] if noisy.keys else raw.column(name).take([]))
        else:
            arrays.append(pa.array(noisy.values[i]))
    return pa.Table.from_arrays(arrays, names=plan.names)


def _sorted(table: pa.Table, plan: DpPlan) -> pa.Table:
    """In the developer's order (else by the keys), then its LIMIT: post-processing of the noisy values."""
    order = plan.order or [(k, False) for k in plan.keys]
    if order and table.num_rows:
        table = table.sort_by([(plan.names[i], "descending" if desc else "ascending") for i, desc in order])
    return table.slice(0, plan.limit) if plan.limit is not None else table


def _empty(plan: DpPlan) -> pa.Table:
    return pa.Table.from_arrays([pa.array([], pa.null()) for _ in plan.names], names=plan.names)


def _interval(column: str, scale: float, mechanism: str) -> dict:
    return {"column": column, "mechanism": mechanism, "scale": scale, "ci95": scale * Z95}


def _too_many(limits: Limits) -> Finding:
    return finding(
        "output-size",
        f"发布的分组超过上限 {limits.max_output_rows} 行；请用更粗的分组",
        f"the released groups exceed the cap of {limits.max_output_rows} rows; group more coarsely",
        passed=False,
    )


def _bounding(bounds: Bounds, plan: DpPlan) -> dict:
    clamps = {plan.names[a.output]: list(a.range) for a in plan.aggregates if a.range is not None}
    return {
        "rows_per_person": bounds.rows,
        "groups_per_person": bounds.groups,
        "chosen": bounds.chosen,
        "persons_cut": bounds.affected,
        "persons_cut_at_most": bounds.affected_at_most,
        "rows_left_out": bounds.lost_rows,
        "clamped_to": clamps,
    }


def _finding(report: ControlReport, bounds: Bounds, plan: DpPlan) -> Finding:
    how = {"given": "由提交者指定", "estimated": "按数据私密估计", "one-row": "每人只有一行"}[bounds.chosen]
    how_en = {"given": "given by the submitter", "estimated": "estimated privately", "one-row": "one row per person"}
    zh = (
        f"按人差分隐私：ε={report.epsilon_spent:.6g}（OpenDP 认证）；每人至多 {bounds.rows} 行、"
        f"至多 {bounds.groups} 组（{how}）"
    )
    en = (
        f"person-level differential privacy: ε={report.epsilon_spent:.6g} (certified by OpenDP); at most "
        f"{bounds.rows} rows and {bounds.groups} groups per person ({how_en[bounds.chosen]})"
    )
    if bounds.affected is not None:
        most = bounds.affected_at_most or 0.0
        zh += (
            f"；约 {bounds.affected:.1%}（至多 {most:.1%}）的人超出上限，约 {bounds.lost_rows or 0:.1%} 的记录未计入"
            "（计数、求和因此偏低）"
        )
        en += (
            f"; about {bounds.affected:.1%} (at most {most:.1%}) of persons exceed the bounds and about "
            f"{bounds.lost_rows or 0:.1%} of rows are left out (counts and sums are low by about that much)"
        )
    if any(a.range is not None for a in plan.aggregates):
        zh += "；求和、平均与分位数的每行取值截断到其范围内"
        en += "; each row's value is clamped into its range for sums, averages and quantiles"
    return finding(RULE, zh, en)
