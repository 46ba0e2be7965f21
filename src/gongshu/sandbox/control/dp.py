"""Rule: differential privacy with OpenDP — Laplace noise on every aggregate, group keys released by a noisy
threshold (a stability histogram), ε as OpenDP certifies it.

Accounting. The rewritten query bounds each person's contribution: one row per person, values clamped into the
item's declared range (lo, hi). So one person changes one group's cells by at most 1 (COUNT, COUNT DISTINCT, the
hidden ``__n`` and ``__cnt_<i>``) or by max(|lo|, |hi|) (SUM, and an AVG's hidden ``__sum_<i>``). ε is split
equally over the releases: one per COUNT / COUNT DISTINCT / SUM, two per AVG (its sum and its count) and one more
for ``__n``, which decides which groups are released. Each release is one OpenDP Laplace measurement over the
whole column (``make_laplace`` on ``vector_domain`` with ``l1_distance``: 64-bit integers for counts, floats of
granularity 2^-30 for sums); its scale starts at sensitivity / ε-share and is raised until OpenDP's own privacy
map certifies at most the share. ``epsilon_spent`` is the sum of the certified ε (basic composition).

Cost. Building a measurement and searching its scale and τ take longer than noising a few hundred cells, and
depend only on (ε share, sensitivity, δ, minimum cell, column length for floats), so they are cached; the columns
go to OpenDP as NumPy arrays (no per-value conversion in Python). What remains is OpenDP's exact sampler, a few
microseconds per cell.

Group keys. A group present in one dataset and absent in its neighbour would give itself away, so the rows go
through ``make_laplace_threshold`` on ``{row: __n}``: a row is released only when its noisy count reaches
τ = min_cell + scale·ln(1/(2δ)) (rounded up, raised until OpenDP certifies δ ≤ cfg.delta; one person touches one
group, so d_in = (1, 1, 1)). Keying the map by row number rather than by the key tuple is the same mechanism: it
treats every key alike, and the released keys are read back from the rows. Rows with ``__n`` = 0 hold no person
and are not candidates.

Other rules under DP. The minimum cell count is subsumed by τ (which starts at min_cell), the dominance rule by
clamping (no person can move a cell by more than the sensitivity the noise is scaled to), and secondary
suppression is moot (no cell is suppressed, and noisy cells do not add up to an exact total). None of them runs
on the true values: deciding anything from them would leak outside the ε accounting. Rounding still runs after
(post-processing). Derived values: a count is floored at 0; an AVG is noisy sum / max(noisy count, 1), clamped
into [lo, hi]. COUNT and COUNT DISTINCT come out as int64, SUM and AVG as float64.

OpenDP draws its noise from the operating system's generator and cannot be seeded, so ``cfg.seed`` is unused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import opendp.prelude as dp
import pyarrow as pa
import pyarrow.compute as pc

from gongshu.sandbox.control.work import Work, finding
from gongshu.sandbox.spec import Finding

dp.enable_features("contrib")

RULE = "differential-privacy"
PROTECTION = "dp"
K = -30  # float noise granularity 2^K: fine enough for any sum, and ~3× faster than OpenDP's exact default
KEY_DISTANCE = (1, 1, 1)  # one person: one group (l0), by 1 (l1, l∞)
COUNT = "i64"  # OpenDP's type for counts (its ``int`` is i32)


@dataclass(frozen=True)
class Release:
    """One noisy column: where its true values are and how far one person can move a cell."""

    output: int
    column: str  # name in the raw result
    integer: bool
    sensitivity: float
    threshold: bool = False  # the very count ``__n`` is: released as the threshold's noisy count, no ε of its own
    same_as: str = ""  # the raw column of a SUM of the same argument, whose noisy value it takes (no ε of its own)


def dp_noise(work: Work) -> list[Finding]:
    """Replace every aggregate by its noisy value and release only rows whose noisy ``__n`` reaches τ."""
    cfg = work.cfg
    releases = plan(work)
    if isinstance(releases, Finding):
        return [releases]
    if cfg.delta <= 0:
        return [finding(RULE, "差分隐私的 δ 必须大于 0", "differential privacy needs δ > 0", passed=False)]
    shares = sum(not (r.threshold or r.same_as) for r in releases) + 1
    share = cfg.epsilon / shares
    tau, spent, delta, counts = release_rows(work, share)
    rows = np.flatnonzero(work.keep)
    noisy: dict[str, np.ndarray] = {}
    for r in releases:
        if r.threshold:
            noisy[r.column] = np.array([counts[int(row)] for row in rows], dtype=np.int64)
            continue
        if r.same_as:
            continue
        noisy[r.column], eps = laplace(column_values(work, r.column, rows, r.integer), r.integer, r.sensitivity, share)
        spent += eps
    noisy.update({r.column: noisy[r.same_as] for r in releases if r.same_as})
    finish(work, releases, noisy, rows)
    work.report.epsilon_spent = spent
    work.report.protections.append(PROTECTION)
    kept, candidates = len(rows), int((work.n > 0).sum())
    return [
        finding(
            RULE,
            f"差分隐私：ε={spent:.6g}（OpenDP 认证，分 {shares} 份），δ≤{delta:.2g}；"
            f"噪声计数 ≥ τ={tau} 的分组才发布：{kept}/{candidates} 组",
            f"differential privacy: ε={spent:.6g} (certified by OpenDP, split in {shares}), δ≤{delta:.2g}; "
            f"only groups with a noisy count ≥ τ={tau} released: {kept}/{candidates}",
        )
    ]


def plan(work: Work) -> list[Release] | Finding:
    """The noisy columns, or a failed finding when an aggregate cannot be made private."""
    out: list[Release] = []
    for i in work.aggregates():
        col = work.columns[i]
        if col.aggregate in ("count", "count_distinct"):
            out.append(Release(i, work.result.column_names[i], True, 1.0, threshold=col.counts_persons))
            continue
        if col.aggregate not in ("sum", "avg"):
            return finding(
                RULE,
                f"差分隐私不支持该聚合：{col.name}",
                f"no DP mechanism for this aggregate: {col.name}",
                passed=False,
            )
        if i not in work.bounds:
            return finding(
                RULE,
                f"{col.name} 缺少取值范围，无法加噪",
                f"{col.name} has no declared range to clamp to",
                passed=False,
            )
        lo, hi = work.bounds[i]
        reach = max(abs(lo), abs(hi))
        if col.aggregate == "sum":
            out.append(Release(i, work.result.column_names[i], False, reach))
        else:
            same = work.result.column_names[col.same_sum] if col.same_sum is not None else ""
            out += [Release(i, f"__sum_{i}", False, reach, same_as=same), Release(i, f"__cnt_{i}", True, 1.0)]
    return out


def release_rows(work: Work, share: float) -> tuple[int, float, float, dict[int, int]]:
    """Keep only rows whose noisy ``__n`` reaches τ; returns (τ, certified ε, certified δ, noisy count by row)."""
    n = work.n
    meas, tau, eps, delta = key_threshold(share, work.cfg.min_cell, work.cfg.delta)
    candidates = np.flatnonzero(n > 0)
    released = meas(dict(zip(candidates.tolist(), n[candidates].tolist(), strict=True)))
    work.keep[:] = False
    work.keep[list(released)] = True
    return tau, eps, delta, {int(k): int(v) for k, v in released.items()}


@lru_cache(maxsize=64)
def key_threshold(share: float, min_cell: int, delta: float) -> tuple[dp.Measurement, int, float, float]:
    """The stability histogram releasing row numbers for an ε share: (measurement, τ, certified ε, certified δ)."""
    domain = dp.map_domain(dp.atom_domain(T=int), dp.atom_domain(T=COUNT))
    metric = dp.l01inf_distance(dp.absolute_distance(T=COUNT))

    def build(scale: float, tau: int) -> dp.Measurement:
        return dp.m.make_laplace_threshold(domain, metric, scale=scale, threshold=tau)

    _, scale = calibrate(lambda s: build(s, 1), lambda m: m.map(KEY_DISTANCE)[0], 1.0 / share, share)
    tau = math.ceil(max(min_cell, 1) + scale * math.log(1 / (2 * delta)))
    meas = build(scale, tau)
    while meas.map(KEY_DISTANCE)[1] > delta:  # pragma: no cover - τ above already meets δ in 0.16
        tau += max(1, math.ceil(scale))
        meas = build(scale, tau)
    eps, certified = meas.map(KEY_DISTANCE)
    return meas, tau, float(eps), float(certified)


def laplace(values: np.ndarray, integer: bool, sensitivity: float, share: float) -> tuple[np.ndarray, float]:
    """Noise a whole column in one OpenDP call; returns the noisy values and the ε OpenDP certifies."""
    meas, eps = count_noise(int(sensitivity), share) if integer else sum_noise(sensitivity, share, values.size)
    out = np.asarray(meas(values) if values.size else [], dtype=np.int64 if integer else np.float64)
    return out, eps


@lru_cache(maxsize=256)
def count_noise(sensitivity: int, share: float) -> tuple[dp.Measurement, float]:
    """Laplace noise on a vector of counts, calibrated to the ε share: (measurement, certified ε)."""
    space = dp.vector_domain(dp.atom_domain(T=COUNT)), dp.l1_distance(T=COUNT)
    meas, _ = calibrate(
        lambda s: dp.m.make_laplace(*space, scale=s), lambda m: m.map(sensitivity), sensitivity / share, share
    )
    return meas, float(meas.map(sensitivity))


@lru_cache(maxsize=256)
def sum_noise(sensitivity: float, share: float, size: int) -> tuple[dp.Measurement, float]:
    """Laplace noise on a vector of ``size`` sums (granularity 2^K), calibrated to the ε share."""
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False), size=size), dp.l1_distance(T=float)
    meas, _ = calibrate(
        lambda s: dp.m.make_laplace(*space, scale=s, k=K), lambda m: m.map(sensitivity), sensitivity / share, share
    )
    return meas, float(meas.map(sensitivity))


def calibrate(
    build: Callable[[float], dp.Measurement], epsilon: Callable[[dp.Measurement], float], scale: float, share: float
) -> tuple[dp.Measurement, float]:
    """Raise the scale until OpenDP certifies at most ``share``; returns the measurement and its scale."""
    meas = build(scale)
    while (eps := float(epsilon(meas))) > share:
        scale *= eps / share * (1 + 1e-9)
        meas = build(scale)
    return meas, scale


def column_values(work: Work, name: str, rows: np.ndarray, integer: bool) -> np.ndarray:
    """The true values of a result column at the released rows (a null as 0): int64 or float64, for OpenDP."""
    arr = pc.fill_null(work.result.column(name).combine_chunks(), 0).take(pa.array(rows, type=pa.int64()))
    values = arr.cast(pa.int64() if integer else pa.float64()).to_numpy(zero_copy_only=False)
    return np.array(values, dtype=np.int64 if integer else np.float64)  # a writable copy: OpenDP refuses read-only


def finish(work: Work, releases: list[Release], noisy: dict[str, np.ndarray], rows: np.ndarray) -> None:
    """Write the released values: counts floored at 0, sums as they are, AVG = sum / max(count, 1) in [lo, hi]."""
    for r in releases:
        col = work.columns[r.output]
        if col.aggregate == "avg" and r.column.startswith("__sum_"):
            lo, hi = work.bounds[r.output]
            values = np.clip(noisy[r.column] / np.maximum(noisy[f"__cnt_{r.output}"], 1), lo, hi)
        elif col.aggregate == "avg":
            continue
        elif r.integer:
            values = np.maximum(noisy[r.column], 0)
        else:
            values = noisy[r.column]
        full = np.zeros(work.result.num_rows, dtype=values.dtype)
        full[rows] = values
        work.values[r.output] = pa.array(full)
