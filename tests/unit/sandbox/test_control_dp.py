"""Differential privacy: Laplace noise of the scale ε certifies, ε accounting, noisy thresholding of groups.

OpenDP's noise cannot be seeded, so these tests check statistical properties over thousands of draws with bounds
many standard deviations wide (a false failure is far less likely than one in a million)."""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
from control_makers import agg, grouped

from gongshu.sandbox.control import protect
from gongshu.sandbox.control.dp import release_rows
from gongshu.sandbox.control.work import Work
from gongshu.sandbox.spec import ControlConfig, Limits

BIG = 10_000  # persons per group: far above any threshold here, so every such group is released
ROWS = 4_000


def big_table(**outputs):
    return grouped({"组": [f"g{i}" for i in range(ROWS)]}, [BIG] * ROWS, dp=True, **outputs)


def assert_laplace(noise: np.ndarray, scale: float) -> None:
    """Mean 0 and variance 2·scale² (the sample variance's relative sd is √(5/N) ≈ 3.5% at N = 4000)."""
    variance = 2 * scale**2
    assert abs(noise.mean()) < 6 * math.sqrt(variance / noise.size)
    assert 0.75 * variance < noise.var() < 1.3 * variance


def test_count_noise_has_the_laplace_scale_of_its_epsilon_share():
    result, columns = big_table()  # one COUNT + the key threshold: 2 shares of ε = 1, scale 1 / 0.5
    table, _ = protect(result, columns, ControlConfig(epsilon=1.0))
    assert table.num_rows == ROWS
    assert_laplace(np.asarray(table.column("人数").to_pylist()) - BIG, 2.0)


def test_a_count_that_is_the_person_count_is_the_thresholds_noisy_count_and_costs_no_share():
    result, columns = big_table()
    columns[1] = replace(columns[1], counts_persons=True)  # COUNT(*) over one row per person: the same as __n
    table, report = protect(result, columns, ControlConfig(epsilon=1.0))
    found = next(f for f in report.findings if f.rule == "differential-privacy")
    assert "split in 1" in found.en and 0.999 <= report.epsilon_spent <= 1.0
    assert_laplace(np.asarray(table.column("人数").to_pylist()) - BIG, 1.0)  # the whole ε: scale 1, not 2


def test_an_average_of_a_summed_argument_divides_that_sums_noisy_value_and_costs_one_share_only():
    result, columns = big_table(sums={"营收": [5e5] * ROWS}, avgs={"均值": [50.0] * ROWS})
    columns[3] = replace(columns[3], same_sum=2)  # AVG(x) beside SUM(x)
    table, report = protect(result, columns, ControlConfig(epsilon=1.0), bounds={2: (0.0, 100.0), 3: (0.0, 100.0)})
    found = next(f for f in report.findings if f.rule == "differential-privacy")
    assert "split in 4" in found.en  # count, sum, the average's count, keys: not the average's own sum
    sums, avgs = (np.asarray(table.column(c).to_pylist()) for c in ("营收", "均值"))
    counts = sums / avgs  # the average is the released sum over its noisy count
    assert np.allclose(counts, np.round(counts), atol=1e-6)


def test_sum_noise_is_scaled_to_the_largest_magnitude_of_the_bounds():
    result, columns = big_table(sums={"营收": [5e5] * ROWS})  # 3 shares of ε = 1.5; sensitivity 100
    table, _ = protect(result, columns, ControlConfig(epsilon=1.5), bounds={2: (-100.0, 50.0)})
    assert_laplace(np.asarray(table.column("营收").to_pylist()) - 5e5, 100 / 0.5)


def test_an_average_costs_two_shares_so_the_count_beside_it_gets_more_noise():
    result, columns = big_table(avgs={"均薪": [50.0] * ROWS})  # count, avg sum, avg count, keys: 4 shares
    table, _ = protect(result, columns, ControlConfig(epsilon=2.0), bounds={2: (0.0, 100.0)})
    assert_laplace(np.asarray(table.column("人数").to_pylist()) - BIG, 2.0)
    averages = np.asarray(table.column("均薪").to_pylist())
    assert np.all(np.abs(averages - 50) < 1)


def test_epsilon_spent_is_what_opendp_certifies_and_never_more_than_asked():
    result, columns = big_table(sums={"营收": [5e5] * ROWS}, avgs={"均薪": [50.0] * ROWS})
    _, report = protect(result, columns, ControlConfig(epsilon=0.8), bounds={2: (0.0, 100.0), 3: (0.0, 100.0)})
    assert 0.8 * (1 - 1e-6) <= report.epsilon_spent <= 0.8
    found = next(f for f in report.findings if f.rule == "differential-privacy")
    assert "split in 5" in found.en and "分 5 份" in found.zh


def test_small_groups_fall_under_the_noisy_threshold_and_large_ones_pass_it():
    sizes = [1, 2, 3, 4, 5] * 10 + [BIG] * 10
    result, columns = grouped({"组": [f"g{i}" for i in range(len(sizes))]}, sizes, dp=True)
    table, report = protect(result, columns, ControlConfig(min_cell=10, epsilon=1.0))
    assert sorted(table.column("组").to_pylist()) == sorted(f"g{i}" for i in range(50, 60))
    assert report.rows_out == 10


def test_a_one_person_group_never_survives():
    result, columns = grouped({"组": [f"g{i}" for i in range(300)]}, [1] * 300, dp=True)
    for _ in range(3):
        table, _ = protect(result, columns, ControlConfig(min_cell=2, epsilon=1.0))
        assert table.num_rows == 0


def test_the_threshold_starts_at_the_minimum_cell_count_and_keeps_delta_within_the_setting():
    result, columns = grouped({"组": ["a"]}, [BIG], dp=True)
    for delta in (1e-3, 1e-6, 1e-9):
        cfg = ControlConfig(min_cell=10, epsilon=1.0, delta=delta)
        tau, eps, certified, _counts = release_rows(Work.start(result, columns, cfg, {}, Limits()), 0.5)
        assert tau >= 10 + 2 * math.log(1 / (2 * delta)) and 0 < certified <= delta
        assert eps <= 0.5


def test_under_dp_no_cell_is_suppressed_and_the_true_value_rules_do_not_run():
    result, columns = grouped(
        {"组": list("ab")}, [BIG, BIG], sums={"营收": [9e5, 1e5]}, tops={"营收": [[100, 100], [100, 0]]}, dp=True
    )
    table, report = protect(result, columns, ControlConfig(epsilon=1.0), bounds={2: (0.0, 100.0)})
    assert table.column_names == ["组", "人数", "营收"]
    assert table.column("营收").null_count == 0
    assert report.protections == ["dp"]
    assert [f.rule for f in report.findings] == ["output-size", "differential-privacy"]


def test_noisy_counts_are_rounded_after_the_noise_when_rounding_is_set():
    result, columns = big_table()
    table, report = protect(result, columns, ControlConfig(epsilon=1.0, rounding=5))
    assert all(v % 5 == 0 for v in table.column("人数").to_pylist())
    assert report.protections == ["dp", "rounding"]


def test_an_average_is_clamped_into_its_bounds():
    result, columns = grouped({"组": ["a"]}, [BIG], avgs={"均薪": [1e6]}, dp=True)
    table, _ = protect(result, columns, ControlConfig(epsilon=1.0), bounds={2: (0.0, 100.0)})
    assert table.column("均薪").to_pylist() == [100.0]


def test_counts_never_go_negative():
    result, columns = grouped({"组": ["a"]}, [BIG], distinct={"企业数": [0]}, dp=True)
    values = [protect(result, columns, ControlConfig(epsilon=0.5))[0].column("企业数")[0].as_py() for _ in range(30)]
    assert min(values) == 0 and max(values) > 0


def test_a_sum_without_bounds_or_an_aggregate_dp_cannot_noise_is_refused():
    result, columns = grouped({"组": ["a"]}, [BIG], sums={"营收": [1.0]}, dp=True)
    table, report = protect(result, columns, ControlConfig(epsilon=1.0))
    assert table.num_rows == 0 and report.epsilon_spent == 0
    assert "no declared range" in next(f for f in report.findings if not f.passed).en
    columns[2] = agg("营收", "other")
    table, report = protect(result, columns, ControlConfig(epsilon=1.0), bounds={2: (0.0, 1.0)})
    assert table.num_rows == 0
    assert "no DP mechanism" in next(f for f in report.findings if not f.passed).en


def test_a_delta_of_zero_is_refused():
    result, columns = grouped({"组": ["a"]}, [BIG], dp=True)
    table, report = protect(result, columns, ControlConfig(epsilon=1.0, delta=0.0))
    assert table.num_rows == 0 and not report.findings[-1].passed


def test_a_thousand_cells_are_noised_in_a_few_milliseconds():
    result, columns = grouped(
        {"组": [f"g{i}" for i in range(1000)]}, [BIG] * 1000, sums={"营收": [1.0] * 1000}, dp=True
    )
    cfg = ControlConfig(epsilon=1.0)
    protect(result, columns, cfg, bounds={2: (0.0, 1.0)})
    start = time.perf_counter()
    protect(result, columns, cfg, bounds={2: (0.0, 1.0)})
    assert time.perf_counter() - start < 0.25  # three OpenDP calls of 1,000 cells each; about 30 ms here
