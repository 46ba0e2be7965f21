"""Query audit (查询审计): what successive released results add up to.

Each released cell of a query without DP states a linear fact about the data: a sum (or count) over the cell's
population — the rows of the query's source that pass its WHERE and carry the cell's group keys. Suppression is
decided one query at a time, so results can combine to isolate a few persons each of them hid: a table with a
small district dropped and its secondary partner suppressed, then the same table and its total with the
partner's rows excluded by WHERE, give the small district as total − shown cells.

The audit keeps, per agreement and source, the released cells of the last queries (their WHERE, their group key
expressions and the hash of each released cell's keys, ``__h`` in the rewritten query). Before a new result is
released, one scan over the source splits its rows into *atoms*, the rows that fall in the same released cell of
every query, and counts each atom's persons as the query counts ``__n``. The released cells are then equations
over the atoms' totals, and an atom's total follows from them exactly when its unit vector lies in their row space
(the audit of sum queries of Chin and Özsoyoğlu): when its leverage in the cell-by-atom matrix is 1. A result is
refused when it would make an atom of fewer than the minimum cell count of persons follow.

Cells are treated as released when any of their aggregates is shown (the audit assumes the developer knows more
than it may, never less), and AVG as a sum (with a count beside it, it is one).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import sqlglot
from scipy import sparse
from sqlglot import exp

from gongshu.sandbox.differencing import widen_or_dp
from gongshu.sandbox.spec import CELL_HASH, PERSON_TYPES, Analysis, Finding
from gongshu.sandbox.sql.rewrite import cell_hash, cell_keys_of

RULE = "query-audit"
PROTECTION = "query_audit"
LEVERAGE_ONE = 1 - 1e-6  # leverage at or above this: the atom's total follows from the released cells
DIALECT = "duckdb"


@dataclass(frozen=True)
class Cells:
    """The released cells of one query, as the audit keeps them."""

    job: str  # the job's number, to name it in a refusal
    source: str  # WITH + FROM + joins of the query that ran
    where: str  # its WHERE condition, "" for every row
    keys: tuple[str, ...]  # its group key expressions; () for one cell over the whole population
    released: tuple[str, ...]  # the hash of each released cell's keys ("0" for the single cell of no keys)
    entity: str = ""  # the person/entity behind each row of the source, as SQL; "" when the rows are the units
    universe: str = ""  # what the history is kept by: "entity:<table.column>", else "source:<source>"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Cells:
        d = json.loads(text)
        released = tuple(str(h) for h in d["released"])
        return cls(d["job"], d["source"], d["where"], tuple(d["keys"]), released, d["entity"], d["universe"])


def _tree(run_sql: str) -> exp.Select:
    tree = sqlglot.parse_one(run_sql, read=DIALECT)
    assert isinstance(tree, exp.Select)
    return tree


def source_of(tree: exp.Select) -> str:
    parts = [tree.args["with_"].sql(DIALECT)] if tree.args.get("with_") else []
    parts += [tree.args["from_"].sql(DIALECT), *(j.sql(DIALECT) for j in tree.args.get("joins") or [])]
    return " ".join(parts)


def _hidden(tree: exp.Select, name: str) -> exp.Expr | None:
    return next((s.unalias() for s in tree.selects if isinstance(s, exp.Alias) and s.alias == name), None)


def cells_of(analysis: Analysis, job: str, released: Sequence[str]) -> Cells:
    """The cells a query without DP released; ``released`` as ``ControlReport.released_cells``."""
    tree = _tree(analysis.run_sql)
    where = tree.args.get("where")
    cell_hash = _hidden(tree, CELL_HASH)
    keys = tuple(k.sql(DIALECT) for k in cell_keys_of(cell_hash)) if cell_hash is not None else ()
    assert cell_hash is not None or not tree.args.get("group"), "a grouped query without DP hashes its cells"
    source = source_of(tree)
    entity = analysis.entity_sql or ""
    # A person identifier's history is one across resources and source texts: the atoms are persons, whatever
    # table or join their rows came through; another entity's is kept per table and column.
    if entity and analysis.entity_type in PERSON_TYPES:
        universe = f"person:{analysis.entity_type}"
    else:
        universe = f"entity:{analysis.entity}" if entity else f"source:{source}"
    return Cells(job, source, where.this.sql(DIALECT) if where else "", keys, tuple(released), entity, universe)


def atoms_sql(run_sql: str, history: Sequence[Cells], cap: int) -> str:
    """Per atom, the released cells of each query in ``history`` (their key hashes joined by commas; NULL or ""
    where the atom is in none) and the atom's persons; at most ``cap`` + 1 atoms.

    Over an entity (``history[-1].entity``), the atoms are sets of persons: one scan per distinct source of the
    history lists each person's cells, and the scans are joined on the person. Without one, the atoms are rows of
    the new query's source (the history holds queries over that same source) counted as its ``__n``."""
    if history[-1].entity:
        return _entity_atoms(history, cap)
    tree = _tree(run_sql).copy()
    persons = _hidden(tree, "__n")
    assert persons is not None
    for key in ("where", "group", "having", "qualify", "order", "limit", "offset", "distinct"):
        tree.set(key, None)
    columns = [_cell_of(c) for c in history]
    tree.set("expressions", [*(exp.alias_(c, f"k{j}") for j, c in enumerate(columns)), exp.alias_(persons, "n")])
    tree.set("group", exp.Group(expressions=[exp.Literal.number(j + 1) for j in range(len(columns))]))
    tree.set("limit", exp.Limit(expression=exp.Literal.number(cap + 1)))
    return tree.sql(DIALECT)


def _entity_atoms(history: Sequence[Cells], cap: int) -> str:
    scans, columns = [], {}
    for s, source in enumerate(dict.fromkeys(c.source for c in history)):
        mine = [(j, c) for j, c in enumerate(history) if c.source == source]
        scan = _tree(f"SELECT 1 {source}")
        lists = [f"array_to_string(list_sort(list(DISTINCT {_cell_of(c).sql(DIALECT)})), ',') AS k{j}" for j, c in mine]
        scan.set("expressions", [sqlglot.parse_one(x, read=DIALECT) for x in [f"{mine[0][1].entity} AS e", *lists]])
        scan.set("group", exp.Group(expressions=[exp.Literal.number(1)]))
        scans.append(f"({scan.sql(DIALECT)}) AS s{s}")
        columns.update({j: f"s{s}.k{j}" for j, _c in mine})
    joined = scans[0]
    for s in range(1, len(scans)):
        known = "s0.e" if s == 1 else f"COALESCE({', '.join(f's{t}.e' for t in range(s))})"
        joined += f" FULL OUTER JOIN {scans[s]} ON s{s}.e = {known}"
    keys = ", ".join(f"{columns[j]} AS k{j}" for j in range(len(history)))
    groups = ", ".join(str(j + 1) for j in range(len(history)))
    return f"SELECT {keys}, COUNT(*) AS n FROM {joined} GROUP BY {groups} LIMIT {cap + 1}"


def _cell_of(cells: Cells) -> exp.Expr:
    """``CASE WHEN <where> AND hash(keys) IN (released) THEN hash(keys) END`` ('0' for a query without keys)."""
    where = f"COALESCE(({cells.where}), FALSE)" if cells.where else "TRUE"
    if not cells.keys:
        return sqlglot.parse_one(f"CASE WHEN {where} THEN '0' END", read=DIALECT)
    cell = cell_hash([sqlglot.parse_one(k, read=DIALECT) for k in cells.keys]).sql(DIALECT)
    released = ", ".join(exp.Literal.string(h).sql(DIALECT) for h in cells.released)
    return sqlglot.parse_one(f"CASE WHEN {where} AND {cell} IN ({released}) THEN {cell} END", read=DIALECT)


def judge(atoms: Sequence[Sequence[object]], history: Sequence[Cells], min_cell: int, cap: int) -> Finding:
    """Read ``atoms_sql``'s rows: refuse when an atom of 1 to ``min_cell`` − 1 persons follows from the released
    cells, or when there are more atoms than the audit takes."""
    if len(atoms) > cap:
        return _refuse(
            f"此前已发布结果过多，无法完成跨查询审计（超过 {cap} 个原子）",
            f"the results released before are too many to audit across queries (over {cap} atoms)",
        )
    cells: dict[tuple[int, str], int] = {}
    entries: list[tuple[int, int]] = []
    for a, row in enumerate(atoms):
        for j, value in enumerate(row[:-1]):
            for h in str(value).split(",") if value is not None else ():
                if h:  # a person in several cells of one query is taken as in each (rows of a person split)
                    entries.append((cells.setdefault((j, h), len(cells)), a))
    persons = np.array([int(str(row[-1] or 0)) for row in atoms], dtype=np.int64)
    small = np.flatnonzero((persons > 0) & (persons < min_cell))
    m = _matrix(entries, len(cells), len(atoms))
    disclosed = _follows(m, small)
    if disclosed is None:
        return Finding(
            RULE,
            True,
            f"跨查询审计：与 {len(history) - 1} 个此前查询的已发布单元格合并，无法推算少于 {min_cell} 人的群体",
            f"query audit: combined with the released cells of {len(history) - 1} earlier queries, no group of "
            f"fewer than {min_cell} persons follows",
        )
    unit = np.zeros(len(atoms))
    unit[disclosed] = 1.0
    used = np.abs(np.linalg.lstsq(m.T.toarray(), unit)[0]) > 1e-9  # the cells subtraction combines
    jobs = sorted({history[j].job for (j, _h), c in cells.items() if used[c] and j < len(history) - 1})
    return _refuse(
        f"与此前已发布的查询（{'、'.join(jobs) or '—'}）合并，可相减推算出 {persons[disclosed]} 人的合计"
        f"（少于最小单元格 {min_cell}）",
        f"combined with the results released before ({', '.join(jobs)}), subtraction would give the total of "
        f"{persons[disclosed]} persons (under the minimum cell count {min_cell})",
    )


def _matrix(entries: list[tuple[int, int]], n_cells: int, n_atoms: int) -> sparse.csr_array:
    """The cell-by-atom 0/1 matrix: row c has a 1 for each atom in cell c."""
    rows, cols = zip(*entries, strict=True) if entries else ((), ())
    return sparse.csr_array((np.ones(len(entries)), (rows, cols)), shape=(n_cells, n_atoms))


def _follows(m: sparse.csr_array, small: np.ndarray) -> int | None:
    """The first small atom whose unit vector lies in the row space of the cell-by-atom matrix ``m``, or None."""
    n_cells, n_atoms = m.shape
    if not small.size or not m.nnz:
        return None
    if n_cells <= n_atoms:
        _u, s, vt = np.linalg.svd(m.toarray(), full_matrices=False)
        basis = vt[s > s.max() * max(m.shape) * np.finfo(float).eps]
    else:  # the row space of M is that of MᵀM, which is only atoms × atoms
        w, v = np.linalg.eigh((m.T @ m).toarray())
        basis = v[:, w > w.max() * n_atoms * 1e-12].T
    leverage = (basis**2).sum(axis=0)
    hits = [int(a) for a in small if leverage[a] >= LEVERAGE_ONE]
    return hits[0] if hits else None


def alone() -> Finding:
    """The finding of a query with no earlier released cells over its source."""
    return Finding(
        RULE,
        True,
        "跨查询审计：此前没有同一数据源上的已发布结果，无需合并推算",
        "query audit: no results released before over this source, nothing to combine",
    )


def _refuse(zh: str, en: str) -> Finding:
    return widen_or_dp(RULE, zh, en)
