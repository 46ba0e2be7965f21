"""Person-level DP release (``control/dp.py``) and the ranges it clamps to (``sql/interval.py``).

OpenDP's noise cannot be seeded, so the noise tests check statistical properties over thousands of cells with
bounds many standard deviations wide (a false failure is far less likely than one in a million)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from gongshu.sandbox.control.dp import release
from gongshu.sandbox.control.profile import ONE_ROW, Bounds, bounds_from
from gongshu.sandbox.spec import ColumnSpec, ControlConfig, Limits, TableSpec
from gongshu.sandbox.sql import analyze
from gongshu.sandbox.sql.bounding import EDGES, DpPlan
from gongshu.sandbox.sql.interval import range_of
from gongshu.sandbox.sql.query import Query

GROUPS = 4000
BIG = 10_000
TABLES = {
    "就诊": TableSpec(
        "就诊",
        {
            "身份证号": ColumnSpec("身份证号", True, identifier=True, personal=True),
            "科室": ColumnSpec("科室", True, personal=True),
            "性别": ColumnSpec("性别", True, personal=True, public_values=("男", "女")),
            "费用": ColumnSpec("费用", True, numeric=True, bounds=(0.0, 1000.0), personal=True),
            "天数": ColumnSpec("天数", True, numeric=True, bounds=(1.0, 30.0), personal=True),
            "备注": ColumnSpec("备注", True, personal=True),
        },
        entity="身份证号",
        entity_unique=False,
        personal=True,
    )
}


def _plan(sql: str) -> DpPlan:
    plan = analyze(sql, TABLES, dp=True).plan
    assert isinstance(plan, DpPlan)
    return plan


RANGES = [  # (argument, expected range or None)
    ("费用", (0.0, 1000.0)),
    ("费用 * 2 + 1", (1.0, 2001.0)),
    ("费用 - 天数", (-30.0, 999.0)),
    ("费用 / 天数", (0.0, 1000.0)),
    ("-费用", (-1000.0, 0.0)),
    ("CASE WHEN 科室 = '儿科' THEN 1 ELSE 0 END", (0.0, 1.0)),
    ("CASE WHEN 科室 = '儿科' THEN 费用 END", (0.0, 1000.0)),
    ("LEAST(GREATEST(length(备注), 0), 50)", (0.0, 50.0)),
    ("CAST(费用 > 500 AS INT)", (0.0, 1.0)),
    ("abs(费用 - 天数)", (0.0, 999.0)),
    ("length(备注)", None),
    ("费用 / (天数 - 1)", None),  # a divisor that can be 0
    ("LEAST(length(备注), 50)", None),  # bounded above only
]


@pytest.mark.parametrize(("argument", "expected"), RANGES, ids=[a for a, _ in RANGES])
def test_the_range_of_a_row_level_expression_follows_from_declared_ranges_and_literals(argument, expected):
    from gongshu.sandbox.spec import Limits as L

    q = Query(f"SELECT SUM({argument}) AS s FROM 就诊", TABLES, L(), True)
    node = q.qualified.selects[0].unalias().this
    assert range_of(q, node, q.root) == expected


def _raw(plan: DpPlan, rows: int, **columns: list) -> pa.Table:
    names = {**{plan.names[k]: columns.pop(plan.names[k]) for k in plan.keys}, **columns}
    return pa.table(names)


def test_count_noise_is_scaled_to_the_rows_per_person_over_its_share():
    plan = _plan("SELECT 科室, COUNT(*) AS n FROM 就诊 GROUP BY 科室")
    raw = _raw(plan, GROUPS, 科室=[f"k{i}" for i in range(GROUPS)], n=[BIG] * GROUPS, __n=[BIG] * GROUPS)
    bounds = Bounds(rows=3, groups=2, chosen="given")
    table, report = release(raw, plan, ControlConfig(epsilon=1.0), bounds, 1.0, Limits(max_output_rows=10**6))
    assert table.num_rows == GROUPS  # every group far above the threshold
    noise = np.asarray(table.column("n").to_pylist(), dtype=float) - BIG
    scale = 3 / 0.5  # L = 3 rows per person over half of ε (the other half for the threshold)
    assert abs(noise.mean()) < 6 * math.sqrt(2 * scale**2 / GROUPS)
    assert 0.75 * 2 * scale**2 < noise.var() < 1.3 * 2 * scale**2
    stated = next(a for a in report.accuracy if a["column"] == "n")
    assert stated["scale"] == pytest.approx(scale, rel=1e-6) and stated["ci95"] == pytest.approx(scale * math.log(20))
    assert report.epsilon_spent <= 1.0 + 1e-9 and report.bounding["rows_per_person"] == 3


def test_a_person_count_is_the_thresholds_noisy_count_and_costs_no_share_of_its_own():
    plan = _plan("SELECT 科室, COUNT(DISTINCT 身份证号) AS p FROM 就诊 GROUP BY 科室")
    raw = _raw(plan, GROUPS, 科室=[f"k{i}" for i in range(GROUPS)], p=[BIG] * GROUPS, __n=[BIG] * GROUPS)
    table, _ = release(raw, plan, ControlConfig(epsilon=1.0), Bounds(2, 1, "given"), 1.0)
    noise = np.asarray(table.column("p").to_pylist(), dtype=float) - BIG
    assert 0.75 * 2 < noise.var() < 1.3 * 2  # scale min(G, L) / ε = 1: the whole ε


def test_small_groups_fall_under_the_threshold_and_a_one_person_group_never_survives():
    plan = _plan("SELECT 科室, COUNT(*) AS n FROM 就诊 GROUP BY 科室")
    for _ in range(200):
        raw = _raw(plan, 2, 科室=["大", "独"], n=[BIG, 3], __n=[BIG, 1])
        table, _ = release(raw, plan, ControlConfig(epsilon=1.0), ONE_ROW, 1.0)
        assert table.column("科室").to_pylist() == ["大"]


def test_public_keys_release_every_declared_value_even_absent_ones_without_a_threshold():
    plan = _plan("SELECT 性别, COUNT(*) AS n FROM 就诊 GROUP BY 性别")
    raw = _raw(plan, 2, 性别=["男", "其他"], n=[5, 7], __n=[5, 7])
    table, report = release(raw, plan, ControlConfig(epsilon=1.0), ONE_ROW, 1.0)
    assert sorted(table.column("性别").to_pylist()) == ["女", "男"]  # 女 absent, 其他 not declared
    assert report.bounding["threshold"] is None


def test_counts_and_sums_of_non_negative_values_never_go_negative_and_averages_stay_in_range():
    plan = _plan("SELECT 科室, COUNT(*) AS n, SUM(费用) AS s, AVG(费用) AS a FROM 就诊 GROUP BY 科室")
    raw = _raw(
        plan,
        GROUPS,
        科室=[f"k{i}" for i in range(GROUPS)],
        n=[BIG] * GROUPS,
        s=[0.0] * GROUPS,
        a=[None] * GROUPS,
        __n=[BIG] * GROUPS,
        __s3=[-500.0 * 3] * GROUPS,
        __c3=[3] * GROUPS,
    )
    table, _ = release(raw, plan, ControlConfig(epsilon=0.5), ONE_ROW, 0.5)
    assert min(table.column("s").to_pylist()) >= 0
    averages = table.column("a").to_pylist()
    assert all(0 <= v <= 1000 for v in averages)


def test_a_quantile_is_read_off_the_noisy_histogram_within_its_range():
    plan = _plan("SELECT median(费用) AS m FROM 就诊")
    bins = {f"__q0_{b}": [BIG if b == 20 else 0] for b in range(64)}  # every value in bin 20: [312.5, 328.1)
    raw = pa.table({"m": [None], "__n": [BIG], **bins})
    table, report = release(raw, plan, ControlConfig(epsilon=1.0), ONE_ROW, 1.0)
    (value,) = table.column("m").to_pylist()
    assert 1000 * 20 / 64 <= value <= 1000 * 21 / 64
    stated = next(a for a in report.accuracy if a["column"] == "m")
    assert stated["lower"][0] <= value <= stated["upper"][0]


def test_the_profile_chooses_bounds_over_the_persons_it_sees_and_states_what_given_bounds_cut():
    five = EDGES.index(5)
    profile = [(five, 0, 5000)]  # 5,000 persons with 5 rows, in one group
    chosen = bounds_from(profile, 0, 0, True, 1.0)
    assert chosen.chosen == "estimated" and chosen.rows >= 5 and chosen.groups >= 1
    given = bounds_from(profile, 1, 1, True, 1.0)
    assert given.chosen == "given" and given.affected is not None and given.affected > 0.9
    assert given.lost_rows is not None and given.lost_rows > 0.7  # 4 of 5 rows left out


def test_order_by_a_noisy_value_and_limit_apply_after_the_noise():
    plan = _plan("SELECT 科室, COUNT(*) AS n FROM 就诊 GROUP BY 科室 ORDER BY n DESC LIMIT 2")
    assert plan.order == [(1, True)] and plan.limit == 2
    raw = _raw(plan, 3, 科室=["小", "大", "中"], n=[BIG, 10 * BIG, 5 * BIG], __n=[BIG, 10 * BIG, 5 * BIG])
    table, _ = release(raw, plan, ControlConfig(epsilon=1.0), ONE_ROW, 1.0)
    assert table.column("科室").to_pylist() == ["大", "中"]


def test_the_exponential_mechanism_picks_the_edge_whose_rank_is_the_quantile():
    from gongshu.sandbox.control.dp import choose_quantiles

    counts = np.zeros((200, 1024))
    counts[:, 100:300] = 50  # 10,000 values spread evenly over bins 100–299: the median edge is 200
    chosen, eps = choose_quantiles(counts, 0.5, 4, 1.0)
    assert eps <= 1.0 + 1e-9
    assert np.median(np.abs(chosen - 200)) <= 2 and np.all(np.abs(chosen - 200) <= 20)
