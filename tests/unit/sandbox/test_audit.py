"""The query audit: cells of a rewritten query, the atoms scan on DuckDB, and the row-space judgement."""

from __future__ import annotations

import duckdb
import pytest

from gongshu.sandbox import audit
from gongshu.sandbox.audit import Cells
from gongshu.sandbox.spec import ColumnSpec, TableSpec
from gongshu.sandbox.sql import analyze

TABLE = TableSpec(
    name="居民",
    columns={
        "身份证号": ColumnSpec("身份证号", True, identifier=True),
        "区县": ColumnSpec("区县", False),
        "行业": ColumnSpec("行业", False),
        "月收入": ColumnSpec("月收入", True, numeric=True, bounds=(0, 50_000)),
    },
    entity="身份证号",
    entity_unique=True,
)
TABLES = {"居民": TABLE}
MIN_CELL = 10
# 4 districts of 20 persons (10 in each industry) and 新区, 3 persons, all 制造业.
PEOPLE = [(f"id{d}{i:02}", d, "制造业" if i % 2 else "服务业", 1000 + i) for d in "ABCD" for i in range(20)] + [
    (f"idX{i}", "新区", "制造业", 9000 + i) for i in range(3)
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute('CREATE TABLE "居民" ("身份证号" VARCHAR, "区县" VARCHAR, "行业" VARCHAR, "月收入" INTEGER)')
    con.executemany('INSERT INTO "居民" VALUES (?, ?, ?, ?)', PEOPLE)
    return con


def released(con: duckdb.DuckDBPyConnection, number: str, sql: str, hidden: frozenset[str] = frozenset()) -> Cells:
    """The cells of ``sql`` as output control would release them: rows of at least MIN_CELL persons, less the
    cells in ``hidden`` ("A" or "A/制造业": a secondary suppression pattern)."""
    analysis = analyze(sql, TABLES)
    rows = con.execute(analysis.run_sql).fetchall()
    names = [d[0] for d in con.description]
    keys = [i for i, name in enumerate(names) if name in ("区县", "行业")]
    kept = [r for r in rows if r[names.index("__n")] >= MIN_CELL and "/".join(str(r[i]) for i in keys) not in hidden]
    hashes = [str(r[names.index("__h")]) for r in kept] if "__h" in names else ["0"] * len(kept)
    return audit.cells_of(analysis, number, hashes)


def judge(con: duckdb.DuckDBPyConnection, history: list[Cells], cap: int = 1000):
    new_sql = analyze(NEW_SQL[history[-1].job], TABLES).run_sql
    atoms = con.execute(audit.atoms_sql(new_sql, history, cap)).fetchall()
    return audit.judge(atoms, history, MIN_CELL, cap)


BY = 'SELECT 区县, COUNT(*) AS n, SUM(月收入) AS s FROM "居民"'
# Secondary suppression of Q5 around 新区/制造业 (dropped): no line of the district × industry table has one
# hidden cell.
PATTERN = frozenset({"A/制造业", "A/服务业", "B/制造业", "B/服务业"})
NEW_SQL = {
    "Q1": f"{BY} GROUP BY 区县",
    "Q2": f"{BY} WHERE 区县 <> 'A' GROUP BY 区县",
    "Q3": "SELECT COUNT(*) AS n, SUM(月收入) AS s FROM \"居民\" WHERE 区县 <> 'A'",
    "Q4": 'SELECT 行业, COUNT(*) AS n FROM "居民" GROUP BY 行业',
    "Q5": 'SELECT 区县, 行业, COUNT(*) AS n FROM "居民" GROUP BY 区县, 行业',
    "Q6": 'SELECT COUNT(*) AS n FROM "居民"',
}


def test_the_cells_of_a_query_are_its_source_where_group_keys_and_released_hashes(con) -> None:
    cells = released(con, "Q2", NEW_SQL["Q2"], hidden=frozenset({"B"}))
    assert cells.source == 'FROM "居民" AS "居民"'
    assert cells.where == '"居民"."区县" <> \'A\''
    assert cells.keys == ('"居民"."区县"',)
    assert len(cells.released) == 2  # B hidden, 新区 below the minimum
    assert Cells.from_json(cells.to_json()) == cells


def test_a_total_has_no_keys_and_one_cell() -> None:
    assert audit.cells_of(analyze(NEW_SQL["Q3"], TABLES), "Q3", ["0"]).keys == ()


def test_excluding_the_secondary_partner_and_asking_the_total_is_refused_naming_the_earlier_queries(con) -> None:
    history = [
        released(con, "Q1", NEW_SQL["Q1"], hidden=frozenset({"A"})),  # 新区 dropped, A its secondary partner
        released(
            con, "Q2", NEW_SQL["Q2"], hidden=frozenset({"B"})
        ),  # A excluded: 新区 dropped, B suppressed — shown in Q1
        released(con, "Q3", NEW_SQL["Q3"]),
    ]
    finding = judge(con, history)
    assert not finding.passed and finding.rule == "query-audit"
    assert "3 人" in finding.zh and "Q1" in finding.zh and "Q2" in finding.zh and "Q3" not in finding.zh


def test_the_same_queries_without_the_total_pass(con) -> None:
    history = [
        released(con, "Q1", NEW_SQL["Q1"], hidden=frozenset({"A"})),
        released(con, "Q2", NEW_SQL["Q2"], hidden=frozenset({"B"})),
    ]
    assert judge(con, history).passed


def test_overlapping_tables_whose_differences_are_large_groups_pass(con) -> None:
    history = [
        released(con, "Q1", NEW_SQL["Q1"], hidden=frozenset({"A"})),
        released(con, "Q4", NEW_SQL["Q4"]),
        released(con, "Q5", NEW_SQL["Q5"], hidden=PATTERN),
        released(con, "Q6", NEW_SQL["Q6"]),
    ]
    finding = judge(con, history)
    assert finding.passed, finding.zh  # 新区 follows only together with A and B (43 persons)


def test_a_small_group_left_alone_beside_released_totals_is_refused(con) -> None:
    """A pattern without secondary suppression (what output control never releases) shows the audit's reach."""
    history = [released(con, "Q5", NEW_SQL["Q5"]), released(con, "Q6", NEW_SQL["Q6"])]
    finding = judge(con, history)  # the grand total minus every district × industry cell is 新区
    assert not finding.passed and "3 人" in finding.zh


def test_more_atoms_than_the_audit_takes_is_refused(con) -> None:
    history = [released(con, "Q5", NEW_SQL["Q5"]), released(con, "Q6", NEW_SQL["Q6"])]
    finding = judge(con, history, cap=3)
    assert not finding.passed and "3 个原子" in finding.zh


@pytest.mark.parametrize(
    ("entries", "atoms", "small", "expected"),
    [
        ([(0, 0), (0, 1), (1, 0)], 2, [1], 1),  # {a0, a1} and {a0}: a1 = first − second
        ([(0, 0), (0, 1)], 2, [0, 1], None),  # only their sum
        ([(0, 0), (0, 1), (1, 1), (1, 2), (2, 0), (2, 2)], 3, [0], 0),  # three pairwise sums give each one
        ([(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)], 4, [0, 1, 2, 3], None),  # a cycle of 4
    ],
)
def test_an_atom_follows_exactly_when_its_unit_vector_is_in_the_row_space(entries, atoms, small, expected) -> None:
    import numpy as np

    m = audit._matrix(entries, max(c for c, _ in entries) + 1, atoms)
    assert audit._follows(m, np.array(small)) == expected


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (  # a WHERE inside a derived table: another source text, the same persons
            'SELECT COUNT(*) AS n, SUM(月收入) AS s FROM "居民"',
            "SELECT COUNT(*) AS n, SUM(v) AS s FROM (SELECT 身份证号, 月收入 AS v FROM \"居民\" WHERE 区县 <> '新区')",
        ),
        (  # an alias
            "SELECT COUNT(*) AS n FROM \"居民\" AS x WHERE x.区县 <> '新区'",
            'SELECT COUNT(*) AS n FROM "居民"',
        ),
        (  # one row per person in a derived table, against the base table
            "SELECT COUNT(*) AS n, SUM(月收入) AS s FROM \"居民\" WHERE 区县 <> '新区'",
            'SELECT COUNT(*) AS n, SUM(t) AS s FROM (SELECT 身份证号, SUM(月收入) AS t FROM "居民" GROUP BY 身份证号)',
        ),
    ],
)
def test_queries_over_different_sources_of_the_same_persons_are_audited_together(con, earlier, later) -> None:
    NEW_SQL["E1"], NEW_SQL["E2"] = earlier, later
    first, second = released(con, "E1", earlier), released(con, "E2", later)
    assert first.source != second.source and first.universe == second.universe == "entity:居民.身份证号"
    finding = judge(con, [first, second])
    assert not finding.passed and "3 人" in finding.zh and "E1" in finding.zh


def test_without_an_entity_the_rows_of_one_source_are_the_atoms(con) -> None:
    bare = {"居民": TableSpec(name="居民", columns=TABLE.columns, entity=None)}
    analysis = analyze(NEW_SQL["Q6"], bare)
    cells = audit.cells_of(analysis, "Q6", ["0"])
    assert cells.entity == "" and cells.universe == 'source:FROM "居民" AS "居民"'
    assert "COUNT(*) AS n" in audit.atoms_sql(analysis.run_sql, [cells], 10)
