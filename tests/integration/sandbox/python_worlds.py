"""Sandboxes for the Python-job tests: the income world of the adversarial suite (personal: ID numbers), and a
world over non-personal data (air-quality stations, whose protected item is the address of each station)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import test_adversarial
from test_adversarial import World, actor

from factories import make_resource, make_user
from gongshu.catalog import classification
from gongshu.catalog import services as catalog
from gongshu.grants import agreements
from gongshu.grants.agreements import Terms
from gongshu.platform import Platform
from gongshu.sandbox import jobs
from sandbox_setup import USERS, Sandbox, _approved_application

STATIONS_TITLE = "空气质量监测信息"
STATION_ITEMS = ["监测点地址", "区县", "月份", "PM25"]
STATION_GRADES = {"监测点地址": "general-3", "区县": "general-1", "月份": "general-1", "PM25": "general-1"}
DISTRICTS = ["高新区", "金水区", "中原区", "二七区", "管城区"]


def station_rows(n: int = 120) -> list[list[object]]:
    """Header plus ``n`` monthly readings of 40 stations; each station's street address is its protected item."""
    rows: list[list[object]] = [STATION_ITEMS]
    for i in range(n):
        s = i % 40
        address = f"示例市{DISTRICTS[s % 5]}科学大道{100 + s * 7}号监测站"
        rows.append([address, DISTRICTS[s % 5], f"2026-{1 + i // 40:02d}", 20 + (i * 37) % 80])
    return rows


def build_stations(platform: Platform, tmp: Path, rows: list[list[object]]) -> Sandbox:
    """A non-personal resource (no item identifies a person) under an agreement in force, as ``build_sandbox``."""
    actors = {
        name: make_user(platform, username=name, org=org, kind=kind, org_name=org_name, admin=kind == "bureau")
        for name, (org, kind, org_name) in USERS.items()
    }
    res = make_resource(platform, actors["rsj"], tmp, title=STATIONS_TITLE, rows=rows, domain="生态环境")
    with platform.uow(write=True) as uow:
        r = catalog.get_resource(uow, actors["rsj"], res.code)
        for column, grade in STATION_GRADES.items():
            classification.confirm_grade(
                uow, actors["rsj"], r, column=column, grade=grade, personal=False, reason="测试：监测点不涉及个人"
            )
    number = _approved_application(
        platform,
        actors,
        res.code,
        items=STATION_ITEMS,
        scenario="空气质量时空分析",
        description="在可信环境中分析各区县空气质量，原始数据不出域，仅导出经审核的结果",
        domain="生态环境",
    )
    terms = Terms(operator="SJJT", epsilon=1.0, min_cell_count=10, price_terms="按次计费")
    with platform.uow(write=True) as uow:
        agreement = agreements.make_agreement(uow, actors["sjj"], number, terms).number
    for party in ("sjj", "yunying1", "kfz"):
        with platform.uow(write=True) as uow:
            agreements.sign(uow, actors[party], agreement)
    return Sandbox(agreement=agreement, resource=res.code, table=STATIONS_TITLE)


def submit_py(w: World, body: str, outputs: list[str]) -> str:
    """A Python job whose ``main(inputs, out)`` is ``body`` (json, os, sys, hashlib, numpy, pyarrow imported)."""
    code = "import hashlib, json, os, sys\nimport numpy as np\nimport pyarrow as pa, pyarrow.parquet as pq\n\n\n"
    code += "def main(inputs, out):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    with w.platform.uow(write=True) as uow:
        return jobs.submit_python(uow, actor(w.platform, w.sb.developer), w.sb.agreement, code, outputs=outputs).number


__all__ = ["World", "build_stations", "station_rows", "submit_py", "test_adversarial"]
