"""Contribution bounds from the profile query: persons by the bucket of their rows in all, and by the bucket of
their number of groups (``sql/bounding.py`` EDGES).

One person is in one bucket of each histogram, so each takes Laplace noise of sensitivity 1 (every bucket, empty
ones too) for half the profile's ε. Post-processing then chooses R and G where the developer gave none — the
smallest bucket edges above which no bucket clears the noise — and estimates, for the bounds in force,
the share of persons whose rows or groups are cut and, roughly (buckets taken at their middle), the share of rows
left out: the bias the result states, with an upper bound of the persons cut."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gongshu.sandbox.control.noise import laplace
from gongshu.sandbox.sql.bounding import EDGES

# Chosen bounds keep every row of the persons the noisy histogram can see (no visible tail is cut): a little more
# noise, in exchange for no bias beyond the few persons in buckets too small to clear the noise.
TAIL = 0.0
# A bucket counts as holding persons only when its noisy count clears what noise alone exceeds with probability
# 0.2%: an empty bucket seldom passes for a tail (which would cost noise), the estimates are not inflated by noise
# floored at 0, and a tail of a hundred persons or so is seen at the profile's ε (a missed one would cost bias).
CLEAR = float(np.log(1 / 0.004))
MAX_BOUND = 1024  # what a bucket above the last edge stands for


@dataclass(frozen=True)
class Bounds:
    """The contribution bounds a release used and what they left out."""

    rows: int  # L: rows per person in all
    groups: int  # G: groups per person
    chosen: str  # "given", "estimated" or "one-row" (one row per person by construction)
    affected: float | None = None  # noisy share of persons whose rows or groups the bounds cut
    lost_rows: float | None = None  # rough share of rows the bounds leave out
    epsilon: float = 0.0  # certified ε of the profile
    affected_at_most: float | None = None  # the share of persons cut, at most (the noisy tails plus twice their sd)


ONE_ROW = Bounds(rows=1, groups=1, chosen="one-row")
MIDDLES = np.array([((EDGES[b - 1] + 1 if b else 1) + (EDGES[b] if b < len(EDGES) else MAX_BOUND)) / 2 for b in
                    range(len(EDGES) + 1)])  # fmt: skip


def bounds_from(profile: list[tuple[int, int, int]], rows: int, groups: int, keys: bool, share: float) -> Bounds:
    """Noise the profile ``(row bucket, group bucket, persons)`` and choose/assess the bounds (0: choose)."""
    by_rows, by_groups = np.zeros(len(MIDDLES), dtype=np.int64), np.zeros(len(MIDDLES), dtype=np.int64)
    for rb, gb, m in profile:
        by_rows[int(rb)] += int(m)
        by_groups[int(gb)] += int(m)
    noisy_rows, eps_r, scale = laplace(by_rows, True, 1, share / 2)
    noisy_groups, eps_g, _ = laplace(by_groups, True, 1, share / 2)
    clean_rows, clean_groups = _clean(noisy_rows, scale), _clean(noisy_groups, scale)
    r = rows or _edge(clean_rows)
    g = (groups or _edge(clean_groups)) if keys else 1
    given = rows > 0 and (groups > 0 or not keys)
    raw = noisy_rows.astype(np.float64), noisy_groups.astype(np.float64)
    affected, lost = _cut(*raw, clean_rows, clean_groups, r, g)
    most = _at_most(noisy_rows, noisy_groups, r, g, scale)
    return Bounds(r, g, "given" if given else "estimated", affected, lost, eps_r + eps_g, most)


def _clean(noisy: np.ndarray, scale: float) -> np.ndarray:
    return np.where(noisy > scale * CLEAR, noisy, 0).astype(np.float64)


def _edge(noisy: np.ndarray) -> int:
    """The edge one bucket above the smallest one above which at most TAIL of the persons fall: the headroom
    covers the thin tail too small to clear the noise (tails thin out; noise grows only linearly in the bound)."""
    total = max(float(noisy.sum()), 1.0)
    above = noisy[::-1].cumsum()[::-1]  # above[b]: persons in bucket b or higher
    for b in range(len(EDGES)):
        if above[b + 1] <= TAIL * total:
            return EDGES[b + 1] if b + 1 < len(EDGES) else MAX_BOUND
    return MAX_BOUND


def _at_most(by_rows: np.ndarray, by_groups: np.ndarray, r: int, g: int, scale: float) -> float:
    total = max(float(by_rows.sum()), 1.0)
    most = 0.0
    for counts, bound in ((by_rows, r), (by_groups, g)):
        tail = MIDDLES > bound
        most += max(float(counts[tail].sum()), 0.0) + 2 * scale * math.sqrt(2 * int(tail.sum()))
    return min(most / total, 1.0)


def _cut(
    raw_rows: np.ndarray, raw_groups: np.ndarray, rows: np.ndarray, groups: np.ndarray, r: int, g: int
) -> tuple[float, float]:
    """(share of persons cut, rough share of rows left out) for bounds (r, g). The persons cut come from the raw
    noisy marginals (not floored, so that the noise of empty buckets cancels out rather than adds up); the rows
    left out from the cleaned ones, rows and groups taken as independent: a person keeps min(r, L) of r rows, and
    of its g groups min(g, G): 1 − E[min(r, L)]·E[min(g, G)/g] / E[r]."""
    total = max(float(raw_rows.sum()), float(raw_groups.sum()), 1.0)
    cut = (float(raw_rows[MIDDLES > r].sum()) + float(raw_groups[MIDDLES > g].sum())) / total
    if rows.sum() <= 0 or groups.sum() <= 0:
        return min(max(cut, 0.0), 1.0), 0.0
    mean = float((rows * MIDDLES).sum() / rows.sum())
    kept_rows = float((rows * np.minimum(MIDDLES, r)).sum() / rows.sum())
    kept_groups = float((groups * np.minimum(MIDDLES, g) / MIDDLES).sum() / groups.sum())
    lost = 1.0 - min(kept_rows, mean * kept_groups) / mean
    return min(max(cut, 0.0), 1.0), min(max(lost, 0.0), 1.0)
