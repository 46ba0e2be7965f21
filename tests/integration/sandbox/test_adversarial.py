"""The adversarial suite, SQL part: a developer tries every way we know to get a raw graded value or one
person's value out of a job, end to end through the job services (submit, worker, status, outputs), and each
attempt is refused (naming its rule) or made safe (no raw value in anything it released).

Attempts that leave no state others read share one sandbox per module and backend (``world``: its own
database, so the per-test fixtures never touch it); attacks across successive queries get a fresh one."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from factories import resident_id
from gongshu.clock import FakeClock
from gongshu.config import Settings
from gongshu.db import Database
from gongshu.errors import Conflict, Invalid
from gongshu.grants.agreements import get_agreement
from gongshu.identity import services as identity
from gongshu.migrate import upgrade
from gongshu.platform import Platform
from gongshu.sandbox import jobs, review
from gongshu.sandbox.access import granted_tables
from gongshu.sandbox.errors import SqlRefused
from gongshu.sandbox.jobs import get_job
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from sandbox_setup import Sandbox, build_sandbox, income_rows

T = "居民收入抽样信息"
LONER_ID = resident_id("41010219991231777")
LONER_INCOME = 12_345  # above every other income: unique, and the only person of 新区
ROWS = [*income_rows(), [LONER_ID, "新区", "制造业", LONER_INCOME]]


@dataclass(frozen=True)
class World:
    platform: Platform
    sb: Sandbox
    rows: list[list[object]]


def _database(request: pytest.FixtureRequest, folder: Path) -> tuple[str, str | None]:
    """A migrated database of the module's own: a copy of the SQLite template, or a new PostgreSQL database."""
    if request.param == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), folder / "gongshu.db")
        return f"sqlite:///{folder / 'gongshu.db'}", None
    base = request.getfixturevalue("pg_url")  # skips when PostgreSQL does not answer
    name = f"gongshu_adv_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    return url, name


def _drop(request: pytest.FixtureRequest, name: str | None) -> None:
    if name is not None:
        with psycopg.connect(request.getfixturevalue("pg_url").replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One sandbox over ``ROWS`` for the module, with short limits so bombs end quickly."""
    folder = tmp_path_factory.mktemp("adversarial")
    url, name = _database(request, folder)
    settings = Settings(  # type: ignore[call-arg]
        home=folder / "home",
        database_url=url,
        _env_file=None,
        sql_seconds=3.0,
        py_cpu_seconds=10,
        py_wall_seconds=30,
        py_memory_mb=512,
        py_processes=32,
    )
    platform = Platform(settings, clock=FakeClock(), db=Database(settings.db_url))
    try:
        yield World(platform, build_sandbox(platform, folder, data=ROWS, personal_without_dp=True), ROWS)
    finally:
        platform.close()
        _drop(request, name)


# -- driving jobs ------------------------------------------------------------------------------------


def actor(platform: Platform, username: str):
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, username))


def submit(platform: Platform, sb: Sandbox, sql: str, *, dp: bool = False, epsilon: float | None = None) -> str:
    with platform.uow(write=True) as uow:
        return jobs.submit_sql(uow, actor(platform, sb.developer), sb.agreement, sql, dp=dp, epsilon=epsilon).number


def run(platform: Platform, number: str) -> dict:
    """Run the one queued job (``number``) and read back what it left."""
    assert Worker(platform, execute).run_one() == number
    return status(platform, number)


def status(platform: Platform, number: str) -> dict:
    with platform.uow() as uow:
        job = get_job(uow, actor(platform, "jrj"), number)
        folder = platform.settings.jobs_dir / number
        files = {p.name: p.read_text(encoding="utf-8-sig") for p in folder.iterdir()} if folder.is_dir() else {}
        return {
            "status": job.status,
            "error": json.loads(job.error) if job.error else None,
            "outputs": {o.name: o.preview for o in job.outputs},
            "files": files,
            "said": " ".join([job.error or "", job.log or "", job.control_report or "", job.checks or ""]),
        }


def leaks(text: str, rows: list[list[object]]) -> list[str]:
    """Every real ID number, and every exact income of a person whose income is unique, found in ``text``."""
    ids = [str(r[0]) for r in rows[1:] if str(r[0]) in text]
    unique = {v for v, c in Counter(r[3] for r in rows[1:]).items() if c == 1}
    return ids + [t for t in re.findall(r"(?<![\w.])\d+(?:\.0+)?(?![\w.])", text) if float(t) in unique]


def released(s: dict, rows: list[list[object]]) -> list[str]:
    """What any output, preview, error or report of a job gives away."""
    return leaks(json.dumps(s["outputs"], ensure_ascii=False) + " ".join(s["files"].values()) + s["said"], rows)


def check_nothing_left(platform: Platform, sb: Sandbox, number: str, s: dict) -> None:
    assert s["outputs"] == {} and s["files"] == {}
    assert not (platform.settings.jobs_dir / ".staging" / number).exists()
    with platform.uow(write=True) as uow, pytest.raises(Conflict):
        review.output_file(uow, actor(platform, sb.developer), number, "result.csv")


def approve(platform: Platform, sb: Sandbox, number: str) -> None:
    for who in sb.operators:
        with platform.uow(write=True) as uow:
            review.decide(uow, actor(platform, who), number, "approve", "同意", review.ALL_PASSED)


def table(s: dict) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(s["files"]["result.csv"])))


# -- refused at submission -------------------------------------------------------------------------

ONE_ID = str(ROWS[1][0])
VALUE_AGGREGATES = (
    "MIN(月收入)",
    "MAX(月收入)",
    "ANY_VALUE(月收入)",
    "FIRST(月收入)",
    "LIST(月收入)",
    "STRING_AGG(身份证号, ',')",
    "quantile_cont(月收入, 0.5)",
    "MEDIAN(月收入)",
    "MODE(月收入)",
    "arg_max(身份证号, 月收入)",
    "SUM(月收入) - SUM(月收入) + MAX(月收入)",
    "(SELECT MAX(月收入) FROM 居民收入抽样信息)",
)
ID_CONDITIONS = (  # every way of comparing the identifier with a literal
    f"身份证号 = '{ONE_ID}'",
    f"身份证号 IN ('{ONE_ID}')",
    "身份证号 LIKE '4101021960%'",
    "substr(身份证号, 7, 4) = '1960'",
    "身份证号 BETWEEN '4101021960' AND '4101021961'",
    "starts_with(身份证号, '410102196')",
    "regexp_matches(身份证号, '^4101')",
    "right(身份证号, 1) = 'X'",
    "CAST(substr(身份证号, 7, 4) AS INTEGER) > 1990",
    "hash(身份证号) % 200 = 7",
)
REFUSED = [
    (f"SELECT * FROM {T}", "star-output"),
    (  # the person with the smallest ID number, singled out by a join on identifiers
        f"SELECT a.区县, COUNT(*) AS n FROM {T} a LEFT JOIN {T} b ON b.身份证号 < a.身份证号 "
        "WHERE b.身份证号 IS NULL GROUP BY a.区县",
        "cross-join",
    ),
    (f"SELECT a.区县, COUNT(*) AS n FROM {T} a JOIN {T} b ON TRUE GROUP BY a.区县", "cross-join"),
    (f"SELECT 区县, COUNT(*) AS n, * FROM {T} GROUP BY ALL", "star-output"),
    (f"SELECT 身份证号, 月收入 FROM {T}", "outer-aggregate"),
    (f"SELECT 身份证号, COUNT(*) AS n FROM {T} GROUP BY 身份证号", "raw-protected-output"),
    (f"SELECT 月收入, COUNT(*) AS n FROM {T} GROUP BY 月收入", "raw-protected-output"),
    (f"SELECT 区县, COUNT(*) AS n FROM {T} GROUP BY 区县, 月收入", "protected-group-key"),
    (f"SELECT CAST(月收入 AS VARCHAR) AS s, COUNT(*) AS n FROM {T} GROUP BY s", "raw-protected-output"),
    (f"SELECT 区县 || CAST(月收入 AS VARCHAR) AS s, COUNT(*) AS n FROM {T} GROUP BY 1", "raw-protected-output"),
    (f"SELECT CASE WHEN 月收入 > 0 THEN 月收入 END AS s, COUNT(*) AS n FROM {T} GROUP BY 1", "raw-protected-output"),
    (f"SELECT substr(身份证号, 1, 17) AS s, COUNT(*) AS n FROM {T} GROUP BY 1", "raw-protected-output"),
    (
        f"SELECT 区县, COUNT(*) AS n, (SELECT 月收入 FROM {T} LIMIT 1) AS x FROM {T} GROUP BY 区县",
        "raw-protected-output",
    ),
    (f"WITH c AS (SELECT 月收入 AS 区 FROM {T}) SELECT 区, COUNT(*) AS n FROM c GROUP BY 区", "raw-protected-output"),
    (f"SELECT 区, COUNT(*) AS n FROM (SELECT 区县 || 身份证号 AS 区 FROM {T}) GROUP BY 区", "raw-protected-output"),
    (f"SELECT 区县, COUNT(*) AS n, FIRST_VALUE(月收入) OVER () AS x FROM {T} GROUP BY 区县, 月收入", "value-aggregate"),
    (
        "SELECT 区县, SUM(x) AS s, COUNT(*) AS n "
        f"FROM (SELECT 区县, MAX(月收入) OVER (PARTITION BY 区县) AS x FROM {T}) GROUP BY 区县",
        "value-aggregate",
    ),
    *[
        (f"SELECT 区县, {agg} AS x, COUNT(*) AS n FROM {T} GROUP BY 区县", "value-aggregate")
        for agg in VALUE_AGGREGATES
    ],
    *[(f"SELECT 区县, COUNT(*) AS n FROM {T} WHERE {c} GROUP BY 区县", "identifier-literal") for c in ID_CONDITIONS],
    (
        f"SELECT a.区县, COUNT(*) AS n FROM {T} a JOIN {T} b ON a.身份证号 = b.身份证号 AND b.身份证号 = '{ONE_ID}' "
        "GROUP BY a.区县",
        "identifier-literal",
    ),
    ("SELECT COUNT(*) AS n FROM read_csv('/etc/passwd')", "known-tables"),
    ("SELECT COUNT(*) AS n FROM read_parquet('{parquet}')", "known-tables"),
    ("SELECT COUNT(*) AS n FROM glob('/*')", "known-tables"),
    ("SELECT COUNT(*) AS n FROM '/etc/passwd'", "known-tables"),
    ("SELECT COUNT(*) AS n FROM '{parquet}'", "known-tables"),
    (
        f"SELECT 区县, COUNT(*) AS n FROM {T} WHERE 区县 IN (SELECT content FROM read_text('/etc/passwd')) GROUP BY 1",
        "known-tables",
    ),
    ("SELECT COUNT(*) AS n FROM information_schema.tables", "known-tables"),
    ("SELECT COUNT(*) AS n FROM duckdb_settings()", "known-tables"),
    ("ATTACH '{home}/gongshu.db' AS platform", "select-only"),
    (f"COPY (SELECT * FROM {T}) TO '/tmp/out.csv'", "select-only"),
    ("INSTALL httpfs", "select-only"),
    ("SET enable_external_access = true", "select-only"),
    ("PRAGMA database_list", "select-only"),
    ("CREATE MACRO leak(x) AS x", "select-only"),
    (f"SELECT COUNT(*) AS n FROM {T}; SELECT * FROM {T}", "one-statement"),
    (f"SELECT COUNT(*) AS n FROM {T}; DROP TABLE {T}", "one-statement"),
    ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT COUNT(*) AS n FROM r", "recursive-cte"),
    (f"SELECT a.区县, COUNT(*) AS n FROM {T} a CROSS JOIN {T} b GROUP BY a.区县", "cross-join"),
    (f"SELECT a.区县, COUNT(*) AS n FROM {T} a, {T} b, {T} c GROUP BY a.区县", "cross-join"),
    ("SELECT COUNT(*) AS n FROM range(1000000000000)", "known-tables"),
    ("SELECT COUNT(*) AS n FROM generate_series(1, 1000000000000)", "known-tables"),
    (f"SELECT 区县, COUNT(*) AS n, SUM(x) AS s FROM {T}, range(100000000) t(x) GROUP BY 区县", "known-tables"),
    (f"SELECT 区县, COUNT(*) AS n, len(range(1000000000)) AS s FROM {T} GROUP BY 区县", "allowed-functions"),
    (f"SELECT 区县, COUNT(*) AS n, getenv('HOME') AS h FROM {T} GROUP BY 区县", "allowed-functions"),
    (f"SELECT 区县, COUNT(*) AS n FROM {T} GROUP BY 区县 UNION ALL SELECT 身份证号, 1 FROM {T}", "set-operation"),
]
DP_REFUSED = [  # what person-level DP cannot bound (a clamped expression such as SUM(月收入 * 100) it can)
    (f"SELECT 区县, MIN(月收入) AS x FROM {T} GROUP BY 区县", "value-aggregate"),  # MIN under DP
    (f"SELECT 区县, SUM(月收入) / 2 AS x FROM {T} GROUP BY 区县", "dp-aggregates"),  # not one aggregate call
    (f"SELECT 区县, COUNT(*) FILTER (WHERE 月收入 > 9000) AS n FROM {T} GROUP BY 区县", "dp-aggregates"),
    (f"SELECT 区县, SUM(length(区县)) AS x FROM {T} GROUP BY 区县", "dp-bounds"),  # no range to clamp to
    (f"SELECT 区县, COUNT(*) AS n FROM {T} GROUP BY 区县 HAVING COUNT(*) < 2", "dp-shape"),
    (  # a tracker through a self-join: one person's income lands in every row of the district
        f"SELECT a.区县, SUM(b.月收入) AS s FROM {T} a JOIN {T} b ON a.区县 = b.区县 GROUP BY a.区县",
        "dp-person",
    ),
    (  # a derived table mixing persons
        f"SELECT 区县, COUNT(*) AS n FROM (SELECT 区县, SUM(月收入) AS s FROM {T} GROUP BY 区县) GROUP BY 区县",
        "population",
    ),
]


def _jobs_of(world: World) -> int:
    with world.platform.uow() as uow:
        return len(jobs.list_jobs(uow, actor(world.platform, world.sb.developer), limit=10_000))


@pytest.mark.parametrize(("sql", "rule"), REFUSED, ids=[f"{i:02d}-{r}" for i, (_, r) in enumerate(REFUSED)])
def test_a_hostile_query_is_refused_at_submission_naming_its_rule_and_queues_nothing(world, sql, rule):
    with world.platform.uow() as uow:
        parquet = granted_tables(uow, get_agreement(uow, actor(world.platform, "jrj"), world.sb.agreement))
    sql = sql.format(parquet=parquet[0].path, home=world.platform.settings.home)
    before = _jobs_of(world)
    with pytest.raises(SqlRefused) as e:
        submit(world.platform, world.sb, sql)
    assert e.value.rule == rule
    assert set(leaks(e.value.en + e.value.zh, world.rows)) <= set(leaks(sql, world.rows))  # its own words only
    assert _jobs_of(world) == before


@pytest.mark.parametrize(("sql", "rule"), DP_REFUSED, ids=[r for _, r in DP_REFUSED])
def test_a_query_that_would_escape_dp_is_refused_at_submission(world, sql, rule):
    with pytest.raises(SqlRefused) as e:
        submit(world.platform, world.sb, sql, dp=True, epsilon=0.1)
    assert e.value.rule == rule


def test_a_dp_query_asking_more_epsilon_than_the_whole_budget_is_refused(world):
    with pytest.raises(Invalid):
        submit(world.platform, world.sb, f"SELECT 区县, COUNT(*) AS n FROM {T} GROUP BY 区县", dp=True, epsilon=1.5)


# -- refused or stopped at run time (nothing released, nothing said) --------------------------------

RUN_REFUSED = [
    (
        f"SELECT 区县, COUNT(*) AS n, AVG(月收入) AS x FROM {T} WHERE 月收入 = {LONER_INCOME} GROUP BY 区县",
        "differencing",
    ),
    (f"SELECT COUNT(*) AS n, SUM(月收入) AS s FROM {T} WHERE 区县 = '新区'", "differencing"),
    (f"SELECT COUNT(*) AS n, SUM(月收入) AS s FROM {T} WHERE 区县 <> '新区'", "differencing"),  # its complement
    (  # the person with the smallest ID number of each district, singled out by a join on identifiers
        f"SELECT a.区县, COUNT(*) AS n, AVG(a.月收入) AS x FROM {T} a LEFT JOIN {T} b "
        "ON b.区县 = a.区县 AND b.身份证号 < a.身份证号 WHERE b.身份证号 IS NULL GROUP BY a.区县",
        "differencing",
    ),
]


@pytest.mark.parametrize(("sql", "rule"), RUN_REFUSED, ids=[f"{i}-{r}" for i, (_, r) in enumerate(RUN_REFUSED)])
def test_a_query_singling_out_a_person_is_refused_at_run_time_with_nothing_released(world, sql, rule):
    number = submit(world.platform, world.sb, sql)
    s = run(world.platform, number)
    assert (s["status"], s["error"]["kind"], s["error"]["rule"]) == ("refused", "control", rule)
    check_nothing_left(world.platform, world.sb, number, s)
    assert not released(s, world.rows)


@pytest.mark.parametrize(
    "cond",
    [
        "CAST('x' || CAST(月收入 AS VARCHAR) AS INTEGER) > 0",  # "Could not convert string 'x5137' to INT32"
        "CAST(身份证号 AS DATE) = CAST(身份证号 AS DATE)",  # the conversion error would quote the ID number
        "CAST(月收入 AS TINYINT) > 0",  # "Type INT64 with value 5137 can't be cast … INT8": a bare number
    ],
)
def test_a_cast_that_would_raise_on_a_value_runs_with_null_there_and_says_no_value(world, cond):
    """Once an engine error quoting the value (or a bare number) even hidden: now the cast is TRY_CAST (sql.safe)."""
    number = submit(world.platform, world.sb, f"SELECT 区县, COUNT(*) AS n FROM {T} WHERE {cond} GROUP BY 区县")
    s = run(world.platform, number)
    assert s["status"] != "failed", s["error"]
    assert not released(s, world.rows)


def test_a_join_bomb_on_a_category_is_stopped_by_the_time_limit(world):
    joins = " ".join(f"JOIN {T} t{i} ON t{i}.行业 = a.行业" for i in range(4))  # ~100⁴ rows per person
    number = submit(world.platform, world.sb, f"SELECT a.区县, COUNT(*) AS n FROM {T} a {joins} GROUP BY a.区县")
    s = run(world.platform, number)
    assert s["status"] == "failed" and s["error"]["kind"] in ("timeout", "memory")
    check_nothing_left(world.platform, world.sb, number, s)


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT 区县, COUNT(*) AS n, AVG(月收入) AS x, SUM(月收入) AS s FROM {T} GROUP BY 区县 HAVING COUNT(*) < 2",
        # many rows for the one person of 新区 (joined to everyone of the same industry): persons, not rows, count
        f"SELECT COUNT(*) AS n, AVG(a.月收入) AS x FROM {T} a JOIN {T} b ON a.行业 = b.行业 WHERE a.区县 = '新区'",
    ],
    ids=["having-one", "rows-multiplied-by-a-join"],
)
def test_a_group_of_one_person_is_never_released(world, sql):
    number = submit(world.platform, world.sb, sql)
    s = run(world.platform, number)
    if s["status"] == "in_review":
        assert all(not row.get("x") for row in table(s))
    else:
        assert s["status"] == "refused"
        check_nothing_left(world.platform, world.sb, number, s)
    assert str(LONER_INCOME) not in json.dumps(s, ensure_ascii=False) and not released(s, world.rows)


# -- attacks across successive queries: a fresh sandbox each ------------------------------------------

SMALL = [
    *income_rows(),
    *[[resident_id(f"4101022001010{i}77"[:17]), "新区", "制造业", 13_000 + 7 * i] for i in range(3)],
]
BY = f"SELECT 区县, COUNT(*) AS 人数, SUM(月收入) AS 收入合计 FROM {T}"
TOTAL = f"SELECT COUNT(*) AS 人数, SUM(月收入) AS 收入合计 FROM {T}"


def released_table(platform: Platform, sb: Sandbox, sql: str) -> list[dict[str, str]]:
    """Run ``sql`` and return its released (approved) result."""
    number = submit(platform, sb, sql)
    s = run(platform, number)
    assert s["status"] == "in_review", s["error"]
    approve(platform, sb, number)
    with platform.uow(write=True) as uow:
        _, path = review.output_file(uow, actor(platform, sb.developer), number, "result.csv")
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _truth(rows: list[list[object]], district: str) -> tuple[int, int]:
    mine = [int(str(r[3])) for r in rows[1:] if r[1] == district]
    return len(mine), sum(mine)


def _recover(total: dict[str, str], *tables: list[dict[str, str]], target: str) -> tuple[int, int] | None:
    """The target district's count and sum as total − every other district of the first table (the total's
    population), taking each cell from the first table that shows it; None when one is shown nowhere."""
    districts = {r["区县"] for r in tables[0]} - {target}
    got = []
    for col in ("人数", "收入合计"):
        cells = [next((r[col] for t in tables for r in t if r["区县"] == d and r[col]), None) for d in districts]
        if None in cells:
            return None
        got.append(int(float(total[col])) - sum(int(float(c)) for c in cells if c is not None))
    return got[0], got[1]


@pytest.mark.usefixtures("backend")
def test_a_small_group_is_suppressed_and_cannot_be_recovered_from_a_second_query_without_group_by(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    grouped = released_table(platform, sb, f"{BY} GROUP BY 区县")
    assert all(not (r["区县"] == "新区" and r["收入合计"]) for r in grouped)  # 3 persons: suppressed
    hidden = [r["区县"] for r in grouped if not r["收入合计"]]
    assert len(hidden) + (6 - len(grouped)) >= 2  # secondary suppression: never exactly one cell missing
    (total,) = released_table(platform, sb, TOTAL)
    assert _recover(total, grouped, target="新区") is None


@pytest.mark.usefixtures("backend")
def test_a_suppressed_cell_cannot_be_recovered_by_excluding_its_secondary_partner_in_a_second_query(platform, tmp_path):
    """Suppression is decided per query: dropping the first table's secondary cell with a WHERE makes a second
    pattern whose own secondary cell the first table showed, so the total of that population minus the shown
    cells would be the small district. The query audit refuses the total."""
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    first = released_table(platform, sb, f"{BY} GROUP BY 区县")
    partner = next(r["区县"] for r in first if not r["收入合计"] and r["区县"] != "新区")
    second = released_table(platform, sb, f"{BY} WHERE 区县 <> '{partner}' GROUP BY 区县")
    assert _recover({"人数": "0", "收入合计": "0"}, second, first, target="新区") is not None  # only a total missing
    number = submit(platform, sb, f"{TOTAL} WHERE 区县 <> '{partner}'")
    s = run(platform, number)
    assert (s["status"], s["error"]["rule"]) == ("refused", "query-audit")
    assert "ZY-" not in s["said"] and not any(c.isdigit() for c in s["error"]["zh"] + s["error"]["en"])  # no count
    check_nothing_left(platform, sb, number, s)


@pytest.mark.usefixtures("backend")
def test_the_same_attack_through_other_sources_of_the_same_persons_is_refused(platform, tmp_path):
    """The second table through a derived table and the total through an alias: other source texts, the same
    persons, so the audit (kept per entity) still combines them."""
    sb = build_sandbox(platform, tmp_path, data=SMALL, personal_without_dp=True)
    first = released_table(platform, sb, f"{BY} GROUP BY 区县")
    partner = next(r["区县"] for r in first if not r["收入合计"] and r["区县"] != "新区")
    wrapped = f"FROM (SELECT 身份证号, 区县, 月收入 FROM {T}) AS w"
    released_table(platform, sb, f"{BY.replace(f'FROM {T}', wrapped)} WHERE 区县 <> '{partner}' GROUP BY 区县")
    number = submit(platform, sb, f"{TOTAL.replace(f'FROM {T}', f'FROM {T} AS x')} WHERE x.区县 <> '{partner}'")
    s = run(platform, number)
    assert (s["status"], s["error"]["rule"]) == ("refused", "query-audit")
    check_nothing_left(platform, sb, number, s)


# 高新区's incomes are known for 3 of its 40 persons only: an AVG over the district is theirs.
SPARSE = (
    [income_rows()[0]]
    + [
        [*r[:3], r[3] if r[1] != "高新区" or i < 3 else None]
        for i, r in enumerate(r for r in income_rows()[1:] if r[1] == "高新区")
    ]
    + [r for r in income_rows()[1:] if r[1] != "高新区"]
)


@pytest.mark.usefixtures("backend")
def test_an_average_over_a_large_group_whose_values_come_from_a_few_persons_is_suppressed(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=SPARSE, personal_without_dp=True)
    sql = f"SELECT 区县, COUNT(*) AS 人数, AVG(月收入) AS 平均收入, COUNT(月收入) AS 有收入人数 FROM {T} GROUP BY 区县"
    s = run(platform, submit(platform, sb, sql))
    assert s["status"] == "in_review"
    row = next(r for r in table(s) if r["区县"] == "高新区")
    assert (row["人数"], row["平均收入"], row["有收入人数"]) == ("40", "", "")
    assert released(s, SPARSE) == []


@pytest.mark.usefixtures("backend")
def test_a_differencing_pair_excluding_one_person_by_a_range_on_income_is_refused(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=True)
    top = max(int(str(r[3])) for r in income_rows()[1:])
    assert run(platform, submit(platform, sb, f"{BY} GROUP BY 区县"))["status"] == "in_review"
    number = submit(platform, sb, f"{BY} WHERE 月收入 + 0 < {top} GROUP BY 区县")
    s = run(platform, number)
    assert (s["status"], s["error"]["rule"]) == ("refused", "differencing")
    check_nothing_left(platform, sb, number, s)


@pytest.mark.usefixtures("backend")
def test_a_like_tracker_on_income_cannot_isolate_the_one_person_of_a_district(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, data=ROWS, personal_without_dp=True)
    tracker = "CAST(月收入 AS VARCHAR) LIKE '1%'"
    sums = []
    for where in (f" WHERE 区县 = '新区' OR {tracker}", f" WHERE 区县 = '新区' OR NOT ({tracker})", ""):
        number = submit(platform, sb, TOTAL + where)
        s = run(platform, number)
        if s["status"] != "in_review":
            assert (s["status"], s["error"]["rule"]) == ("refused", "differencing")
            return  # the tracker was caught
        sums.append(float(table(s)[0]["收入合计"] or "nan"))
    assert sums[0] + sums[1] - sums[2] != LONER_INCOME


@pytest.mark.usefixtures("backend")
def test_two_queued_dp_jobs_cannot_together_overspend_the_budget(platform, tmp_path):
    sb = build_sandbox(platform, tmp_path, personal_without_dp=True)
    sql = f"SELECT 区县, COUNT(*) AS 人数 FROM {T} GROUP BY 区县"
    first, second = (submit(platform, sb, sql, dp=True, epsilon=0.7) for _ in range(2))  # both fit when queued
    assert run(platform, first)["status"] == "in_review"
    s = run(platform, second)
    assert (s["status"], s["error"]["kind"]) == ("failed", "budget")
    check_nothing_left(platform, sb, second, s)
    with platform.uow() as uow:
        from gongshu.sandbox import budget

        agreement = get_agreement(uow, actor(platform, "jrj"), sb.agreement)
        assert budget.budget_of(uow, agreement).spent == pytest.approx(1.0)  # the second ran: it spent what was left
