"""The shapes the sandbox's parts exchange: what a job may read, what the SQL analysis found, what
output control needs. Pure data; no database, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Detected types that single out a person or an entity: never output, never compared to a literal.
IDENTIFIER_TYPES = frozenset(
    {
        "cn_id_card",
        "cn_uscc",
        "bank_card",
        "cn_mobile",
        "cn_landline",
        "passport",
        "cn_hk_macau_permit",
        "cn_license_plate",
        "email",
        "ip_address",
    }
)


# Identifier types whose holder is a natural person: a table keyed by one holds rows about persons.
PERSON_TYPES = frozenset({"cn_id_card", "passport", "cn_hk_macau_permit", "cn_mobile", "bank_card"})


@dataclass(frozen=True)
class ColumnSpec:
    """One granted item of one table, as the policy sees it."""

    name: str
    protected: bool  # grade 一般3级 or above, or personal: usable only inside safe aggregates, never output raw
    identifier: bool = False  # detected identifier type (IDENTIFIER_TYPES): never output, never compared to a literal
    numeric: bool = False
    bounds: tuple[float, float] | None = None  # declared range (quality rule) used to clamp under DP
    type: str = ""  # the detected sensitive type, "" if none
    personal: bool = False  # personal information (GB/T 35273): relates to an identified or identifiable person
    # The item's values declared in the catalog (a category list): as a DP group key, every one of them is released
    # (public keys, no threshold) and values outside it are dropped.
    public_values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSpec:
    """A granted table: the name the developer writes in SQL and the items it may use."""

    name: str  # SQL name, e.g. "企业登记信息" or the resource code with '-' → '_'
    columns: dict[str, ColumnSpec]
    entity: str | None = None  # the column identifying a person or entity (an identifier), if any
    entity_unique: bool = True  # each entity has at most one row in this version
    rows: int = 0
    personal: bool = False  # the rows are about natural persons (the entity is a person identifier)


@dataclass(frozen=True)
class Limits:
    """Output size and shape limits checked before a query runs (and on its result)."""

    max_output_rows: int = 10_000
    max_output_columns: int = 50
    max_joins: int = 4
    max_query_chars: int = 20_000


AggKind = Literal["count", "count_distinct", "sum", "avg", "other"]
Role = Literal["group", "aggregate"]


CELL_HASH = "__h"  # hidden column of a query without DP: the hash of each cell's group keys (the query audit)


@dataclass(frozen=True)
class OutputColumn:
    """One column of the query's result and where its values come from."""

    name: str
    role: Role  # "group": a GROUP BY key (a dimension); "aggregate": a value computed over the group
    aggregate: AggKind | None = None
    sources: frozenset[tuple[str, str]] = frozenset()  # (table, column) this output depends on
    protected: bool = False  # depends on a protected item
    dominance: str | None = None  # sum/avg without DP: hidden column prefix holding max/sum of |x|
    # Without DP, an aggregate of a column: the hidden column counting the persons whose value it reads
    # (not null), so that a cell over many persons but few values is suppressed like a small cell.
    contributors: str | None = None
    # A COUNT that is the very aggregate ``__n`` is (COUNT(*) over a table of one row per person): under DP it is
    # released as the threshold's noisy count, with no ε of its own.
    counts_persons: bool = False
    # An AVG whose argument a SUM output (this index) adds up too: under DP its sum is that SUM's noisy value.
    same_sum: int | None = None


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on a query or a result: passed, or refused/changed with where and why."""

    rule: str  # e.g. "no-ddl", "raw-protected-output", "min-cell-count"
    passed: bool
    zh: str
    en: str
    place: str = ""  # "line 1, column 8: MIN(工资)" for query rules; "row 3, column 人数" for cells


@dataclass(frozen=True)
class Analysis:
    """What the policy found and the query that will actually run.

    ``run_sql`` is the developer's query rewritten for the protected path: its output columns are the
    developer's (same names, same order) followed by hidden columns whose names start with ``__``:
    ``__n`` (persons/entities in the row), then without DP, per sum/avg, ``__dmax_<i>`` / ``__dsum_<i>``
    (max and sum of |x| for the dominance rule) and, with GROUP BY, ``__h`` (the hash of the cell's keys, for
    the query audit), and under DP, per avg, its clamped sum and count
    (``__sum_<i>``, ``__cnt_<i>``) — no dominance columns under DP, where that rule does not run.
    """

    sql: str  # the developer's query, normalized (DuckDB dialect)
    run_sql: str  # rewritten query in the DuckDB dialect; Spark transpiles it
    columns: list[OutputColumn]
    tables: list[str]  # granted tables the query reads
    findings: list[Finding]  # every policy rule that ran, passed
    population: str | None = None  # normalized WHERE of a single-table query (for differencing), else None
    dp: bool = False
    entity: str | None = None  # "table.column" of the one person/entity behind the rows (the query audit's universe)
    entity_sql: str | None = None  # that entity in the outer query of ``run_sql``
    entity_type: str = ""  # its identifier type (cn_id_card …): a person's history is kept across resources
    # Under DP: how the result is computed per person (``sql.bounding.DpPlan``); ``run_sql`` is then empty, the
    # bounded query being built at run time with the contribution bounds.
    plan: object | None = None
    personal: bool = False  # the query reads data about persons


@dataclass(frozen=True)
class ControlConfig:
    """Output control settings from the agreement (privacy) and the platform."""

    min_cell: int = 10
    dominance_n: int = 2
    dominance_threshold: float = 0.9
    rounding: int = 0  # round counts and sums to this base (0: no rounding)
    epsilon: float = 0.0  # ε to spend on this query under DP (0: no DP)
    delta: float = 1e-6  # δ for releasing group keys under DP
    seed: int | None = None  # only for tests of the noise's shape; never set in production
    # Contribution bounds per person under DP (0: estimated privately from the data, with a small share of ε):
    # rows each person contributes to one group, and groups each person contributes to.
    rows_per_person: int = 0
    groups_per_person: int = 0


@dataclass
class ControlReport:
    """What output control did to a result: the findings, cells suppressed and ε spent."""

    findings: list[Finding] = field(default_factory=list)
    suppressed_primary: int = 0
    suppressed_secondary: int = 0
    rows_in: int = 0
    rows_out: int = 0
    epsilon_spent: float = 0.0
    protections: list[str] = field(default_factory=list)  # e.g. ["min_cell_count", "dominance", "dp"]
    # Under DP: per column its mechanism, noise scale and 95% interval (a half-width, or lower/upper per row), and
    # the contribution bounds with what they left out (the bias the result states).
    accuracy: list[dict[str, Any]] = field(default_factory=list)
    bounding: dict[str, Any] = field(default_factory=dict)
    # The key hash (``__h``, "0" without GROUP BY) of each released row with an aggregate shown: what the query
    # audit keeps. Not part of the report a reviewer reads.
    released_cells: list[str] = field(default_factory=list)
