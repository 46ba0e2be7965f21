"""A resource configured for Apache Spark runs its jobs there, through the same policy and output control:
DuckDB and Spark release the same protected result for the same query on the same data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gongshu.identity import services as identity
from gongshu.platform import Platform
from gongshu.sandbox import jobs
from gongshu.sandbox.models import Job, QueryRecord
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from sandbox_setup import build_sandbox

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (java not on PATH)"),
]

SQL = (
    "SELECT 区县, 行业, COUNT(*) AS 人数, SUM(月收入) AS 收入合计 FROM 居民收入抽样信息 "
    "WHERE 月收入 > 4000 GROUP BY 区县, 行业 ORDER BY 区县, 行业"
)


def _run(platform: Platform, agreement: str, developer: str) -> tuple[str, list[list[object]], dict]:
    with platform.uow() as uow:
        dev = identity.actor_for(identity.get_user(uow, developer))
    with platform.uow(write=True) as uow:
        number = jobs.submit_sql(uow, dev, agreement, SQL).number
    Worker(platform, execute).run_one()
    with platform.uow() as uow:
        job = uow.session.query(Job).filter_by(number=number).one()
        assert job.status == "in_review", job.error
        preview = json.loads(job.outputs[0].preview)
        return job.engine, preview["rows"], json.loads(job.control_report)


def test_duckdb_and_spark_release_the_same_protected_result(platform: Platform, tmp_path: Path):
    sb = build_sandbox(platform, tmp_path, rows=150)
    duck_engine, duck_rows, duck_report = _run(platform, sb.agreement, sb.developer)
    platform.settings.spark_resources.append(sb.resource)
    spark_engine, spark_rows, spark_report = _run(platform, sb.agreement, sb.developer)
    assert (duck_engine, spark_engine) == ("duckdb", "spark")
    assert spark_rows == duck_rows
    assert spark_report["protections"] == duck_report["protections"]
    with platform.uow() as uow:  # both name their cells alike, so the query audit reads one history across engines
        duck_cells, spark_cells = (json.loads(r.cells) for r in uow.session.query(QueryRecord).order_by(QueryRecord.id))
    assert duck_cells["released"] == spark_cells["released"] and len(duck_cells["released"]) == len(duck_rows)
