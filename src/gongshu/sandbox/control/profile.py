"""Contribution bounds from the profile query: persons by the bucket of the most rows they have in one group, and
by the bucket of their number of groups (``sql/bounding.py`` EDGES).

One person is in one bucket of each histogram, so each takes Laplace noise of sensitivity 1 (every bucket, empty
ones too) for half the profile's ε. Post-processing then chooses R and G where the developer gave none — the
smallest bucket edges above which no bucket clears the noise — and estimates, for the bounds in force,
the share of persons whose rows or groups are cut and, roughly (buckets taken at their middle), the share of rows
left out: the bias the result states."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gongshu.sandbox.control.noise import laplace
from gongshu.sandbox.sql.bounding import EDGES

# Chosen bounds keep every row of the persons the noisy histogram can see (no visible tail is cut): a little more
# noise, in exchange for no bias beyond the few persons in buckets too small to clear the noise.
TAIL = 0.0
# A bucket counts as holding persons only when its noisy count clears what noise alone exceeds with probability
# 0.1%: empty buckets then rarely pass for a tail, and the estimates are not inflated by noise floored at 0.
CLEAR = float(np.log(1 / 0.002))
MAX_BOUND = 1024  # what a bucket above the last edge stands for


@dataclass(frozen=True)
class Bounds:
    """The contribution bounds a release used and what they left out."""

    rows: int  # R: rows per person in one group
    groups: int  # G: groups per person
    chosen: str  # "given", "estimated" or "one-row" (one row per person by construction)
    affected: float | None = None  # noisy share of persons whose rows or groups the bounds cut
    lost_rows: float | None = None  # rough share of rows the bounds leave out
    epsilon: float = 0.0  # certified ε of the profile


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
    affected, lost = _cut(clean_rows, clean_groups, r, g)
    return Bounds(r, g, "given" if given else "estimated", affected, lost, eps_r + eps_g)


def _clean(noisy: np.ndarray, scale: float) -> np.ndarray:
    return np.where(noisy > scale * CLEAR, noisy, 0).astype(np.float64)


def _edge(noisy: np.ndarray) -> int:
    """The smallest bucket edge above which at most TAIL of the persons fall."""
    total = max(float(noisy.sum()), 1.0)
    above = noisy[::-1].cumsum()[::-1]  # above[b]: persons in bucket b or higher
    for b, edge in enumerate(EDGES):
        if above[b + 1] <= TAIL * total:
            return edge
    return MAX_BOUND


def _cut(by_rows: np.ndarray, by_groups: np.ndarray, r: int, g: int) -> tuple[float, float]:
    """(share of persons cut, rough share of rows left out) for bounds (r, g), from the two marginals."""
    total = max(float(by_rows.sum()), float(by_groups.sum()))
    if total <= 0:
        return 0.0, 0.0
    cut_r = float(by_rows[MIDDLES > r].sum()) / total
    cut_g = float(by_groups[MIDDLES > g].sum()) / total
    mean_r = float((by_rows * MIDDLES).sum()) / max(float(by_rows.sum()), 1.0)
    mean_g = float((by_groups * MIDDLES).sum()) / max(float(by_groups.sum()), 1.0)
    lost_r = float((by_rows * np.maximum(MIDDLES - r, 0)).sum()) / max(float(by_rows.sum()), 1.0) / mean_r
    lost_g = float((by_groups * np.maximum(MIDDLES - g, 0)).sum()) / max(float(by_groups.sum()), 1.0) / mean_g
    return min(cut_r + cut_g, 1.0), min(lost_r + lost_g, 1.0)
