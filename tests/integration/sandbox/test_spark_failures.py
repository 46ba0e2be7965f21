"""On Spark too, the data cannot choose whether a query raises: Spark 4 runs ANSI SQL, where a division by zero and a
bad cast raise; the sandbox's sessions run without ANSI mode and its queries are rewritten not to raise, so a
division-by-zero oracle and a CAST oracle end the same whatever the data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_adversarial import run, submit
from test_failures import with_new_district

from gongshu.platform import Platform
from sandbox_setup import build_sandbox

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (java not on PATH)"),
]

T = "居民收入抽样信息"
RAISING = {  # raised on Spark (ANSI) exactly when some income passes {t}: 12 000 by the one person of 新区, 14 000 none
    "division-by-zero": "100 / CASE WHEN 月收入 > {t} THEN 0 ELSE 1 END",
    "cast": "CAST(CASE WHEN 月收入 > {t} THEN 'x' ELSE '1' END AS INTEGER)",
}


@pytest.mark.parametrize("dp", [False, True], ids=["without-dp", "dp"])
@pytest.mark.parametrize("oracle", list(RAISING), ids=list(RAISING))
def test_an_error_oracle_on_spark_ends_the_same_whatever_the_data(platform: Platform, tmp_path: Path, oracle, dp):
    sb = build_sandbox(platform, tmp_path, data=with_new_district(1), personal_without_dp=True)
    platform.settings.spark_resources.append(sb.resource)
    ends = []
    for t in (12_000, 14_000):
        cond = f"COALESCE(CAST({RAISING[oracle].format(t=t)} AS VARCHAR), 'n') <> 'zz'"
        sql = f"SELECT 区县, COUNT(*) AS n FROM {T} WHERE {cond} GROUP BY 区县"
        s = run(platform, submit(platform, sb, sql, dp=dp, epsilon=0.1 if dp else None))
        ends.append((s["status"], json.dumps(s["error"], ensure_ascii=False)))
    assert ends[0] == ends[1]
    assert ends[0][0] != "failed"
