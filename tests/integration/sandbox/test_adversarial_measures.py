"""The adversarial suite, measures part: a population hidden inside the measure (conditional aggregation), a
window spanning the cells output control drops later, and values of other persons used to select rows. Each leaked
end to end before ``aggregate-argument``, ``window-over-cells``, ``subquery-condition`` and ``window-partition``:
``SUM(月收入) FILTER (WHERE 区县 = '新区')`` released the one person of 新区's income (the minimum cell count counts
the persons of the whole group, the differencing control reads only WHERE); pairwise window sums over the district
cells included the dropped 新区 cell; ``WHERE (SELECT SUM(月收入) FROM T WHERE 区县 = '新区') > 12000`` gave all
rows or none, one bit of that person's income per query (a binary search recovers it), and so did a derived
table's ``SUM(月收入) OVER (PARTITION BY 区县)`` used as a filter. Each attempt is now refused at submission,
naming its rule, saying no value and leaving no job or file behind; the legitimate forms still run."""

from __future__ import annotations

import json

import pytest
from test_adversarial import LONER_INCOME, T, World, actor, leaks, released, run, submit, table, world

from gongshu.sandbox import jobs
from gongshu.sandbox.errors import SqlRefused

__all__ = ["world"]  # the fixture: test_adversarial's sandbox, built once per module and backend

CONDITIONAL = [  # (id, SQL): a sub-population hidden in the measure
    ("filter", f"SELECT SUM(月收入) FILTER (WHERE 区县 = '新区') AS s, COUNT(*) AS n FROM {T}"),
    ("count-case", f"SELECT COUNT(CASE WHEN 区县 = '新区' THEN 1 END) AS s FROM {T}"),
    (
        "complement",
        f"SELECT SUM(CASE WHEN 区县 <> '新区' THEN 月收入 END) AS a, SUM(月收入) AS b, COUNT(*) AS n FROM {T}",
    ),
    ("indicator", f"SELECT SUM(月收入 * CAST(区县 = '新区' AS INTEGER)) AS s, COUNT(*) AS n FROM {T}"),
    ("threshold", f"SELECT SUM(CASE WHEN 月收入 > 12000 THEN 月收入 END) AS s, COUNT(*) AS n FROM {T}"),
    ("null-by-division", f"SELECT COUNT(1 / (月收入 - {LONER_INCOME})) AS s, COUNT(*) AS n FROM {T}"),
    ("two-items-division", f"SELECT SUM(月收入 / (月收入 - 7)) AS s, COUNT(*) AS n FROM {T}"),
    ("rounding", f"SELECT SUM(CAST(月收入 / 12346 AS INTEGER)) AS s, COUNT(*) AS n FROM {T}"),
    ("float-rounding", f"SELECT SUM(月收入 + 1e20 - 1e20) AS s, COUNT(*) AS n FROM {T}"),
    ("or-null", f"SELECT 区县, COUNT(月收入 > 12000 OR NULL) AS s, COUNT(*) AS n FROM {T} GROUP BY 区县"),
    (
        "derived-table",
        f"SELECT SUM(v) AS s, COUNT(*) AS n FROM (SELECT CASE WHEN 区县 = '新区' THEN 月收入 END AS v FROM {T})",
    ),
    (
        "cte",
        f"WITH c AS (SELECT 月收入 * CAST(区县 = '新区' AS INTEGER) AS v FROM {T}) SELECT SUM(v) AS s, "
        "COUNT(*) AS n FROM c",
    ),
    (
        "per-person",
        f"SELECT AVG(s) AS a, COUNT(*) AS n FROM (SELECT 身份证号, SUM(月收入) FILTER (WHERE 区县 = '新区') AS s "
        f"FROM {T} GROUP BY 身份证号)",
    ),
    (
        "having",
        f"SELECT 行业, COUNT(*) AS n FROM {T} GROUP BY 行业 "
        "HAVING SUM(CASE WHEN 区县 = '新区' THEN 月收入 END) > 12000",
    ),
]
WINDOWS = [  # (id, SQL): a window over the cells, before output control drops the small ones
    (
        "pairwise-sums",
        f"SELECT 区县, COUNT(*) AS n, SUM(SUM(月收入)) OVER (ORDER BY 区县 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
        f"AS w FROM {T} GROUP BY 区县",
    ),
    ("lag", f"SELECT 区县, COUNT(*) AS n, LAG(COUNT(*)) OVER (ORDER BY 区县) AS p FROM {T} GROUP BY 区县"),
    ("share", f"SELECT 区县, COUNT(*) * 1.0 / SUM(COUNT(*)) OVER () AS share FROM {T} GROUP BY 区县"),
    ("running-total", f"SELECT 区县, SUM(SUM(月收入)) OVER (ORDER BY 区县) AS t, COUNT(*) AS n FROM {T} GROUP BY 区县"),
    (
        "qualify",
        f"SELECT 区县, COUNT(*) AS n FROM {T} GROUP BY 区县 QUALIFY ROW_NUMBER() OVER (ORDER BY SUM(月收入)) > 1",
    ),
]
SMALL = f"(SELECT SUM(月收入) FROM {T} WHERE 区县 = '新区')"  # the income of 新区's one person, as a value
SUBQUERIES = [  # (id, SQL): one bit about a small group per query, as a condition, a key or a column
    ("scalar-where", f"SELECT 行业, COUNT(*) AS n FROM {T} WHERE {SMALL} > 12000 GROUP BY 行业"),
    (
        "in",
        f"SELECT 行业, COUNT(*) AS n FROM {T} WHERE 行业 IN "
        f"(SELECT 行业 FROM {T} WHERE 区县 = '新区' AND 月收入 > 12000) GROUP BY 行业",
    ),
    (
        "exists",
        f"SELECT 行业, COUNT(*) AS n FROM {T} WHERE EXISTS (SELECT 1 FROM {T} WHERE 区县 = '新区' AND 月收入 > 12000) "
        "GROUP BY 行业",
    ),
    (
        "any",
        f"SELECT 行业, COUNT(*) AS n FROM {T} WHERE 12000 < ANY (SELECT 月收入 FROM {T} WHERE 区县 = '新区') "
        "GROUP BY 行业",
    ),
    (
        "on",
        f"SELECT a.行业, COUNT(*) AS n FROM {T} a JOIN {T} b ON a.身份证号 = b.身份证号 AND {SMALL} > 12000 "
        "GROUP BY a.行业",
    ),
    ("having", f"SELECT 行业, COUNT(*) AS n FROM {T} GROUP BY 行业 HAVING {SMALL} > 12000"),
    ("qualify", f"SELECT 行业, COUNT(*) AS n FROM {T} GROUP BY 行业 QUALIFY {SMALL} > 12000"),
    ("group-key-case", f"SELECT 行业, COUNT(*) AS n FROM {T} GROUP BY 行业, CASE WHEN {SMALL} > 12000 THEN 1 END"),
    (
        "derived-column",
        f"SELECT 行业, COUNT(*) AS n FROM (SELECT 行业, {SMALL} AS x FROM {T}) WHERE x > 12000 GROUP BY 行业",
    ),
]
ACROSS_PERSONS = [  # (id, SQL): a window mixing other persons' values into each row, then selecting rows
    (
        "district-sum-filter",
        f"SELECT 行业, COUNT(*) AS n FROM (SELECT 行业, SUM(月收入) OVER (PARTITION BY 区县) AS w FROM {T}) "
        "WHERE w > 12000 GROUP BY 行业",
    ),
    (
        "rank-filter",
        f"SELECT 行业, COUNT(*) AS n FROM (SELECT 行业, RANK() OVER (ORDER BY 月收入 DESC) AS r FROM {T}) "
        "WHERE r > 1 GROUP BY 行业",
    ),
    (
        "qualify",
        f"SELECT 行业, COUNT(*) AS n FROM (SELECT 行业 FROM {T} QUALIFY SUM(月收入) OVER (PARTITION BY 区县) > 12000) "
        "GROUP BY 行业",
    ),
    (
        "named-window",
        f"SELECT 行业, COUNT(*) AS n FROM (SELECT 行业, SUM(月收入) OVER w AS s FROM {T} "
        "WINDOW w AS (PARTITION BY 区县)) WHERE s > 12000 GROUP BY 行业",
    ),
    (
        "rows-by-district",  # once among the legitimate forms: a window over rows, partitioned by district
        "SELECT 区县, COUNT(*) AS n, SUM(月收入 * 12) AS s FROM (SELECT 区县, 月收入, "
        f"ROW_NUMBER() OVER (PARTITION BY 区县 ORDER BY 行业) AS r FROM {T}) WHERE r <= 1000 GROUP BY 区县",
    ),
]
REFUSED = (
    [(i, sql, "aggregate-argument") for i, sql in CONDITIONAL]
    + [(i, sql, "window-over-cells") for i, sql in WINDOWS]
    + [(i, sql, "subquery-condition") for i, sql in SUBQUERIES]
    + [(i, sql, "window-partition") for i, sql in ACROSS_PERSONS]
)


def _left_behind(world: World) -> tuple[int, list[str]]:
    """The developer's jobs and the job folders on disk."""
    with world.platform.uow() as uow:
        count = len(jobs.list_jobs(uow, actor(world.platform, world.sb.developer), limit=10_000))
    folder = world.platform.settings.jobs_dir
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.is_dir() else []
    return count, files


@pytest.mark.parametrize(("sql", "rule"), [(s, r) for _, s, r in REFUSED], ids=[i for i, _, _ in REFUSED])
def test_a_population_hidden_in_the_measure_is_refused_at_submission_leaving_nothing(world, sql, rule):
    before = _left_behind(world)
    with pytest.raises(SqlRefused) as e:
        submit(world.platform, world.sb, sql)
    assert e.value.rule == rule, str(e.value)
    assert e.value.place and e.value.zh and e.value.en
    assert set(leaks(e.value.en + e.value.zh, world.rows)) <= set(leaks(sql, world.rows))  # its own words only
    assert _left_behind(world) == before


# Under DP a measure's condition is no leak (each person bounded, every value noisy): only a population hidden in a
# condition's subquery or a FILTER stays refused.
UNDER_DP = [c for c in REFUSED if c[0] in ("scalar-where", "district-sum-filter")]


@pytest.mark.parametrize(("sql", "rule"), [(s, r) for _, s, r in UNDER_DP], ids=[i for i, _, _ in UNDER_DP])
def test_under_dp_too(world, sql, rule):
    with pytest.raises(SqlRefused) as e:
        submit(world.platform, world.sb, sql, dp=True, epsilon=0.1)
    assert e.value.rule in (rule, "dp-aggregates")  # a FILTER is no DP aggregate


LEGITIMATE = [  # a per-person measure, affine arguments, a JOIN where a subquery would have been a condition
    (
        "per-person",
        "SELECT 区县, COUNT(*) AS n, AVG(s) AS a, SUM(s / 1000.0) AS k "
        f"FROM (SELECT 区县, 身份证号, SUM(月收入) * 12 AS s FROM {T} GROUP BY 区县, 身份证号) GROUP BY 区县",
    ),
    (
        "join-instead-of-subquery",
        f"SELECT t.区县, COUNT(*) AS n FROM {T} t JOIN (SELECT 身份证号 FROM {T} WHERE 月收入 > 5000) h "
        "ON t.身份证号 = h.身份证号 GROUP BY t.区县",
    ),
]


@pytest.mark.parametrize("sql", [s for _, s in LEGITIMATE], ids=[i for i, _ in LEGITIMATE])
def test_the_legitimate_forms_still_run_and_the_one_person_of_a_district_is_dropped(world, sql):
    s = run(world.platform, submit(world.platform, world.sb, sql))
    assert s["status"] == "in_review", s["error"]
    rows = table(s)
    assert rows and "新区" not in {r["区县"] for r in rows}  # the minimum cell count sees the condition
    assert str(LONER_INCOME) not in json.dumps(s, ensure_ascii=False) and not released(s, world.rows)
