"""OpenDP's mechanisms as the release uses them: Laplace noise on a whole column at once, and the stability
threshold that releases group keys, each calibrated until OpenDP's own privacy map certifies the ε share.

Building a measurement and searching its scale and τ take longer than noising a few hundred cells, and depend
only on (sensitivity, ε share, δ, minimum, column length for floats), so they are cached; the columns go to
OpenDP as NumPy arrays. OpenDP draws its noise from the operating system's generator and cannot be seeded."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import opendp.prelude as dp

dp.enable_features("contrib")

K = -30  # float noise granularity 2^K: fine enough for any sum, and ~3× faster than OpenDP's exact default
COUNT = "i64"  # OpenDP's type for counts (its ``int`` is i32)
Z95 = math.log(20)  # |Laplace(b)| ≤ b·ln 20 with probability 95%


@lru_cache(maxsize=64)
def key_threshold(
    share: float, minimum: int, delta: float, groups: int = 1
) -> tuple[dp.Measurement, int, float, float, float]:
    """The stability histogram releasing row numbers whose count reaches τ, when one person is in at most
    ``groups`` rows and moves each by 1: (measurement, τ, certified ε, certified δ, scale)."""
    domain = dp.map_domain(dp.atom_domain(T=int), dp.atom_domain(T=COUNT))
    metric = dp.l01inf_distance(dp.absolute_distance(T=COUNT))
    distance = (groups, groups, 1)

    def build(scale: float, tau: int) -> dp.Measurement:
        return dp.m.make_laplace_threshold(domain, metric, scale=scale, threshold=tau)

    _, scale = calibrate(lambda s: build(s, 1), lambda m: m.map(distance)[0], groups / share, share)
    tau = math.ceil(max(minimum, 1) + scale * math.log(1 / (2 * delta)))
    meas = build(scale, tau)
    while meas.map(distance)[1] > delta:
        tau += max(1, math.ceil(scale))
        meas = build(scale, tau)
    eps, certified = meas.map(distance)
    return meas, tau, float(eps), float(certified), scale


def laplace(values: np.ndarray, integer: bool, sensitivity: float, share: float) -> tuple[np.ndarray, float, float]:
    """Noise a whole column in one OpenDP call: (noisy values, certified ε, the noise's scale)."""
    if integer:
        meas, eps, scale = count_noise(math.ceil(sensitivity), share)
    else:
        meas, eps, scale = sum_noise(sensitivity, share, values.size)
    out = np.asarray(meas(values) if values.size else [], dtype=np.int64 if integer else np.float64)
    return out, eps, scale


@lru_cache(maxsize=256)
def count_noise(sensitivity: int, share: float) -> tuple[dp.Measurement, float, float]:
    """Laplace noise on a vector of counts whose L1 distance is at most ``sensitivity``."""
    space = dp.vector_domain(dp.atom_domain(T=COUNT)), dp.l1_distance(T=COUNT)
    meas, scale = calibrate(
        lambda s: dp.m.make_laplace(*space, scale=s), lambda m: m.map(sensitivity), sensitivity / share, share
    )
    return meas, float(meas.map(sensitivity)), scale


@lru_cache(maxsize=256)
def sum_noise(sensitivity: float, share: float, size: int) -> tuple[dp.Measurement, float, float]:
    """Laplace noise on a vector of ``size`` sums (granularity 2^K) whose L1 distance is at most ``sensitivity``."""
    space = dp.vector_domain(dp.atom_domain(T=float, nan=False), size=size), dp.l1_distance(T=float)
    meas, scale = calibrate(
        lambda s: dp.m.make_laplace(*space, scale=s, k=K), lambda m: m.map(sensitivity), sensitivity / share, share
    )
    return meas, float(meas.map(sensitivity)), scale


def calibrate(
    build: Callable[[float], dp.Measurement], epsilon: Callable[[dp.Measurement], float], scale: float, share: float
) -> tuple[dp.Measurement, float]:
    """Raise the scale until OpenDP certifies at most ``share``; returns the measurement and its scale."""
    meas = build(scale)
    while (eps := float(epsilon(meas))) > share:
        scale *= eps / share * (1 + 1e-9)
        meas = build(scale)
    return meas, scale
