"""Usefulness: the honest analyst's questions over the demo city's data (health, social insurance, traffic), run
through the protected path and compared with the truth computed on the raw data.

Data about persons is answered with person-level DP: over repeated runs the truth lies inside each released
cell's stated 95% interval in about 95% of cells (the check allows four standard errors of a binomial proportion
below 95%), and the bias the bounds cause is stated. Data not about persons is answered exactly."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.demo import records, tables
from gongshu.sandbox.engines.duckdb_engine import DuckDBEngine
from gongshu.sandbox.pipeline import QueryResult, run_query
from gongshu.sandbox.spec import ColumnSpec, ControlConfig, TableSpec

pytestmark = pytest.mark.slow
RUNS = 10
EPSILON = 1.0


def _col(name: str, **kw: object) -> ColumnSpec:
    return ColumnSpec(name, protected=True, personal=True, **kw)  # type: ignore[arg-type]


def _values(data: Mapping[str, object], column: str) -> tuple[str, ...]:
    return tuple(str(v) for v in np.unique(np.asarray(data[column])))


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, TableSpec], dict[str, Path]]:
    folder = tmp_path_factory.mktemp("city")
    visits = records.outpatient(11, 20_000)
    insured = records.social_insurance(11, 20_000)
    riders = tables.bus_ridership(11, 20_000)
    paths = {}
    for name, data in (("门诊就诊记录", visits), ("社保缴费记录", insured), ("公交刷卡客流", riders)):
        paths[name] = folder / f"{name}.parquet"
        pq.write_table(
            pa.table({k: v if isinstance(v, pa.Array) else pa.array(v) for k, v in data.items()}), paths[name]
        )
    specs = {
        "门诊就诊记录": TableSpec(
            "门诊就诊记录",
            {
                "患者身份证号": _col("患者身份证号", identifier=True),
                "性别": _col("性别", public_values=_values(visits, "性别")),
                "年龄": _col("年龄", numeric=True, bounds=(0.0, 100.0)),
                "科室": _col("科室", public_values=_values(visits, "科室")),
                "医疗机构名称": _col("医疗机构名称"),
                "诊断名称": _col("诊断名称"),
                "费用合计": _col("费用合计", numeric=True, bounds=(0.0, 3000.0)),
            },
            entity="患者身份证号",
            entity_unique=False,
            personal=True,
        ),
        "社保缴费记录": TableSpec(
            "社保缴费记录",
            {
                "身份证号": _col("身份证号", identifier=True),
                "险种": _col("险种", public_values=_values(insured, "险种")),
                "缴费月份": _col("缴费月份", public_values=_values(insured, "缴费月份")),
                "缴费基数": _col("缴费基数", numeric=True, bounds=(0.0, 40000.0)),
                "个人缴费金额": _col("个人缴费金额", numeric=True, bounds=(0.0, 4000.0)),
            },
            entity="身份证号",
            entity_unique=False,
            personal=True,
        ),
        "公交刷卡客流": TableSpec(
            "公交刷卡客流",
            {
                c: ColumnSpec(c, protected=False, numeric=c.endswith("人次"))
                for c in ("日期", "线路编号", "时段", "刷卡人次", "换乘人次")
            },
        ),
    }
    return specs, paths


DP_QUESTIONS = [  # (SQL as an analyst writes it, the key columns)
    ("SELECT 科室, COUNT(*) AS 就诊人次 FROM 门诊就诊记录 GROUP BY 科室", 1),
    ("SELECT 性别, COUNT(DISTINCT 患者身份证号) AS 患者数 FROM 门诊就诊记录 GROUP BY 性别", 1),
    ("SELECT 医疗机构名称, SUM(费用合计) AS 费用 FROM 门诊就诊记录 GROUP BY 医疗机构名称", 1),
    ("SELECT 科室, AVG(费用合计) AS 次均费用 FROM 门诊就诊记录 GROUP BY 科室", 1),
    ("SELECT median(年龄) AS 年龄中位数, COUNT(*) AS 人次 FROM 门诊就诊记录", 0),
    (
        "SELECT 性别, COUNT(*) AS 复诊患者数 FROM (SELECT 患者身份证号, 性别 FROM 门诊就诊记录 "
        "GROUP BY 患者身份证号, 性别 HAVING COUNT(*) >= 2) GROUP BY 性别",
        1,
    ),
    ("SELECT 险种, COUNT(*) AS 缴费笔数 FROM 社保缴费记录 GROUP BY 险种", 1),
    ("SELECT 险种, COUNT(DISTINCT 身份证号) AS 参保人数, AVG(缴费基数) AS 平均基数 FROM 社保缴费记录 GROUP BY 险种", 1),
]


def _truth(paths: Mapping[str, Path], sql: str, keys: int = 1) -> dict[tuple, tuple]:
    con = duckdb.connect()
    for name, path in paths.items():
        con.execute(f"CREATE VIEW \"{name}\" AS SELECT * FROM read_parquet('{path}')")
    return {tuple(r[:keys]): tuple(r[keys:]) for r in con.execute(sql).fetchall()}


def _ask(city, sql: str, dp: bool = True) -> QueryResult:
    specs, paths = city
    return run_query(sql, specs, paths, engine=DuckDBEngine(), control=ControlConfig(epsilon=EPSILON), dp=dp)


def _intervals(result: QueryResult, column: str, rows: int) -> list[tuple[float, float]] | None:
    entry = next((a for a in result.report.accuracy if a["column"] == column), None)
    if entry is None:
        return None
    values = result.table.column(column).to_pylist()
    if entry.get("ci95") is not None:
        return [(v - entry["ci95"], v + entry["ci95"]) for v in values]
    return list(zip(entry["lower"], entry["upper"], strict=True))


@pytest.mark.parametrize(("sql", "keys"), DP_QUESTIONS, ids=[f"q{i}" for i in range(len(DP_QUESTIONS))])
def test_honest_questions_about_persons_are_answered_inside_their_stated_intervals(city, sql, keys):
    truth = _truth(city[1], sql, keys)
    inside, total, errors = 0, 0, []
    for _ in range(RUNS):
        result = _ask(city, sql)
        assert result.report.bounding, "a DP answer states its contribution bounds"
        names = result.table.column_names
        rows = result.table.to_pylist()
        for c, column in enumerate(names[keys:], start=keys):
            spans = _intervals(result, column, len(rows))
            assert spans is not None, f"{column} states no interval"
            for row, (lo, hi) in zip(rows, spans, strict=True):
                key = tuple(row[n] for n in names[:keys])
                assert key in truth, f"released group {key} is not in the data"
                true = float(truth[key][c - keys])
                inside += lo - 1e-9 <= true <= hi + 1e-9
                total += 1
                errors.append(abs(row[column] - true) / max(abs(true), 1.0))
    coverage = inside / total
    floor = 0.95 - 4 * math.sqrt(0.95 * 0.05 / total)  # four standard errors: a false alarm once in 30,000 runs
    assert coverage >= floor, f"{coverage:.3f} of {total} cells inside their 95% intervals (need ≥ {floor:.3f})"
    assert float(np.median(errors)) < 0.2, "the typical answer is within 20% of the truth"


def test_the_stated_bias_warns_when_the_bounds_the_analyst_chose_leave_rows_out(city, tmp_path):
    specs, paths = city
    bigger = records.social_insurance(11, 300_000)  # some 6,600 insured persons, 60 payments each
    paths = {"社保缴费记录": tmp_path / "社保.parquet"}
    pq.write_table(
        pa.table({k: v if isinstance(v, pa.Array) else pa.array(v) for k, v in bigger.items()}), paths["社保缴费记录"]
    )
    sql = "SELECT 缴费月份, COUNT(*) AS 缴费笔数 FROM 社保缴费记录 GROUP BY 缴费月份"
    cfg = ControlConfig(epsilon=EPSILON, rows_per_person=1, groups_per_person=1)  # far too tight: 5 × 12 per person
    result = run_query(sql, specs, paths, engine=DuckDBEngine(), control=cfg, dp=True)
    bounding = result.report.bounding
    assert bounding["chosen"] == "given" and bounding["persons_cut"] > 0.5 and bounding["rows_left_out"] > 0.5
    found = next(f for f in result.report.findings if f.rule == "differential-privacy")
    assert "low by about" in found.en and "偏低" in found.zh


def test_a_question_about_non_personal_data_is_answered_exactly(city):
    sql = "SELECT 时段, SUM(刷卡人次) AS 人次, COUNT(*) AS 记录数 FROM 公交刷卡客流 GROUP BY 时段"
    result = _ask(city, sql, dp=False)
    truth = _truth(city[1], sql)
    got = {(r["时段"],): (r["人次"], r["记录数"]) for r in result.table.to_pylist()}
    assert got == {k: (float(v[0]), v[1]) for k, v in truth.items()} or got == truth
