"""Person-level DP queries: the developer's aggregate query taken apart into the rows each person contributes,
bounded per person, and aggregated again (as Google's DP SQL and Tumult Analytics do).

The outer SELECT's FROM, joins and WHERE stay as written; its projections become the person (``__pid``), each
group key (``__k<i>``) and each aggregate's argument (``__a<j>``) — the *source*. Then, per person, at most ``G``
groups (ranked by a hash of the keys salted afresh each run) and, among their rows, at most ``L`` rows in all
(drawn at random) are kept — Tumult Analytics' MaxGroupsPerID and MaxRowsPerID — and the developer's aggregates
run over those rows, each argument clamped into its range. One person then moves a COUNT column by at most L over
all groups, a COUNT(DISTINCT person) column by min(G, L), a SUM column by L·max(|lo|, |hi|): the sensitivities the
noise is scaled to (``control/dp.py``).

A source with at most one row per person (a table with one row per person, a derived table grouped by the
person) needs no bounding: L = G = 1 hold by construction, and no window runs.

The *profile* query (``profile_sql``) counts persons by (rows in all, groups) in power-of-two-ish buckets: one
person is in one bucket, so its noisy histograms (sensitivity 1) both choose L and G when the developer gave none
and estimate the share of persons (and of rows) the bounds leave out: the bias the result states."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlglot import exp

from gongshu.sandbox.sql.interval import Range, range_of
from gongshu.sandbox.sql.outputs import limit_of, output_of
from gongshu.sandbox.sql.query import DIALECT, Query
from gongshu.sandbox.sql.safe import make_safe

# Upper edges of the profile's buckets; a value above the last falls in one more bucket.
EDGES = (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128, 256, 512)
QUANTILE_BINS = 64  # a DP quantile's stated interval reads a noisy histogram of this many equal bins over the range
QUANTILE_FINE = 4096  # …and its value is chosen by the exponential mechanism among this many bin edges

Kind = str  # "rows" | "persons" | "distinct" | "sum" | "avg" | "quantile"


@dataclass(frozen=True)
class DpAggregate:
    """One aggregate output under DP: what it counts or adds up, and over which range."""

    output: int
    kind: Kind
    range: Range | None = None  # sum, avg, quantile: each row's value is clamped into it
    quantile: float = 0.5  # for kind "quantile"
    reads: bool = True  # reads a value (COUNT(x), SUM(x) …); False for COUNT(*)

    @property
    def reach(self) -> float:
        """The most one row can move a sum: max(|lo|, |hi|)."""
        assert self.range is not None
        return max(abs(self.range[0]), abs(self.range[1]))


@dataclass(frozen=True)
class DpPlan:
    """How a query's result is computed under person-level DP (built once the policy passed)."""

    ctes: list[str]  # the developer's own CTEs, in order, as SQL
    source: str  # the source SELECT as SQL (DuckDB)
    keys: list[int]  # output indices of the group keys, in order (__k0, __k1, …)
    aggregates: list[DpAggregate]
    person: bool  # a person key exists (else every row counts as its own person)
    bounded: bool  # rows per person may exceed one: windows bound them
    public_keys: dict[int, tuple[str, ...]] = field(default_factory=dict)  # key output → declared values
    names: list[str] = field(default_factory=list)  # every output's name, in order
    order: list[tuple[int, bool]] = field(default_factory=list)  # ORDER BY: (output, descending), applied after noise
    limit: int | None = None  # LIMIT, applied after noise

    @property
    def all_keys_public(self) -> bool:
        return bool(self.keys) and all(k in self.public_keys for k in self.keys)

    def main_sql(self, rows: int, groups: int, salt: int | None = None) -> str:
        """The bounded aggregation: the developer's columns (aggregates over kept rows; AVG and quantile as
        placeholders), then ``__n`` (persons) and each AVG's ``__s<i>`` (sum of x − mid) and ``__c<i>``."""
        keys = [f'"__k{i}"' for i in range(len(self.keys))]
        visible, hidden = [], []
        agg_of = {a.output: a for a in self.aggregates}
        for i, name in enumerate(self.names):
            alias = _quote(name)
            if i in self.keys:
                visible.append(f'"__k{self.keys.index(i)}" AS {alias}')
                continue
            a = agg_of[i]
            arg = f'"__a{i}"'
            visible.append(f"{_value(a, arg)} AS {alias}")
            if a.kind == "avg":
                lo, hi = a.range or (0.0, 0.0)
                mid = (lo + hi) / 2
                hidden.append(f'SUM({_clamp(arg, lo, hi)} - {_num(mid)}) AS "__s{i}"')
                hidden.append(f'COUNT({arg}) AS "__c{i}"')
            if a.kind == "quantile":
                hidden.extend(_bins(arg, i, a.range or (0.0, 0.0)))
        persons = 'COUNT(DISTINCT "__pid")' if self.person else "COUNT(*)"
        select = ", ".join([*visible, f'{persons} AS "__n"', *hidden])
        group = f" GROUP BY {', '.join(keys)}" if keys else ""
        return self._bounded(select, group, rows, groups, salt)

    def quantile_sql(self, output: int, rows: int, groups: int, salt: int | None = None) -> str:
        """Per group and fine bin (``QUANTILE_FINE`` over the range) of output ``output``'s clamped values, the
        count of bounded rows: what the exponential mechanism chooses the quantile from."""
        a = next(a for a in self.aggregates if a.output == output)
        keys = [f'"__k{i}"' for i in range(len(self.keys))]
        lo, hi = a.range or (0.0, 0.0)
        width = (hi - lo) / QUANTILE_FINE or 1.0
        value = _clamp(f'"__a{output}"', lo, hi)
        step = f"CAST(floor(({value} - {_num(lo)}) / {_num(width)}) AS BIGINT)"
        select = ", ".join([*keys, f'LEAST(GREATEST({step}, 0), {QUANTILE_FINE - 1}) AS "__bin"', 'COUNT(*) AS "__c"'])
        where = f' AND "__a{output}" IS NOT NULL'
        group = " GROUP BY " + ", ".join([*keys, '"__bin"'])
        return self._bounded(select, group, rows, groups, salt, where)

    def _bounded(
        self, select: str, group: str, rows: int, groups: int, salt: int | None = None, where: str = ""
    ) -> str:
        """``SELECT select`` over the source's rows bounded to G groups and L rows per person, then ``group``."""
        if not self.bounded:
            return f'{self._with()} SELECT {select} FROM "__src"{" WHERE TRUE" + where if where else ""}{group}'
        keys = [f'"__k{i}"' for i in range(len(self.keys))]
        salt = secrets.randbits(31) if salt is None else salt
        drawn = '"__r" AS (SELECT *, random() AS "__u" FROM "__src")'  # a window cannot order by random() itself
        ctes, rows_from = [drawn], '"__r"'
        if keys:  # at most G groups per person, ranked by a salted hash of their keys (ties broken by the keys)
            hashed = f"hash({', '.join([*keys, str(salt)])})"
            rank = f'dense_rank() OVER (PARTITION BY "__pid" ORDER BY {hashed}, {", ".join(keys)})'
            ctes.append(
                f'"__g" AS (SELECT * FROM (SELECT *, {rank} AS "__gr" FROM "__r") WHERE "__gr" <= {int(groups)})'
            )
            rows_from = '"__g"'
        # then at most L rows per person in all, drawn at random
        ctes.append(
            f'"__b" AS (SELECT *, row_number() OVER (PARTITION BY "__pid" ORDER BY "__u") AS "__rr" FROM {rows_from})'
        )
        return f'{self._with(*ctes)} SELECT {select} FROM "__b" WHERE "__rr" <= {int(rows)}{where}{group}'

    def profile_sql(self) -> str:
        """Persons by (bucket of their rows in all, bucket of their number of groups)."""
        keys = ", ".join(['"__pid"', *(f'"__k{i}"' for i in range(len(self.keys)))])
        per_group = f'"__pg" AS (SELECT "__pid", COUNT(*) AS "__c" FROM "__src" GROUP BY {keys})'
        per_person = '"__pp" AS (SELECT SUM("__c") AS "__r", COUNT(*) AS "__g" FROM "__pg" GROUP BY "__pid")'
        return (
            f'{self._with(per_group, per_person)} SELECT {_bucket("__r")} AS "__rb", {_bucket("__g")} AS "__gb", '
            'COUNT(*) AS "__m" FROM "__pp" GROUP BY 1, 2'
        )

    def _with(self, *more: str) -> str:
        return "WITH " + ", ".join([*self.ctes, f'"__src" AS ({self.source})', *more])


def plan(q: Query) -> DpPlan:
    """Take the (qualified, table-bound) query apart; the DP rules have checked it can be."""
    tree = q.qualified
    outputs = q.outputs
    keys = [i for i, o in enumerate(outputs) if o.column.role == "group"]
    person = _person(q)
    projections = [exp.alias_(person.copy() if person is not None else exp.Null(), "__pid", quoted=True)]
    projections += [exp.alias_(outputs[i].bound.unalias().copy(), f"__k{n}", quoted=True) for n, i in enumerate(keys)]
    aggregates = []
    for i, out in enumerate(outputs):
        if i in keys:
            continue
        agg = dp_aggregate(q, i)
        aggregates.append(agg)
        argument = aggregate_argument(out.aggregate)
        if argument is not None:
            projections.append(exp.alias_(argument.copy(), f"__a{i}", quoted=True))
    source = tree.copy()
    with_ = source.args.get("with")
    for part in ("with", "group", "having", "order", "limit", "offset", "qualify", "distinct"):
        source.set(part, None)
    source.set("expressions", projections)
    make_safe(source)  # no value in the data can make the query raise (sql/safe.py)
    ctes = [_cte_sql(make_safe(c)) for c in with_.expressions] if with_ else []
    return DpPlan(
        ctes=ctes,
        source=source.sql(dialect=DIALECT, identify=True, comments=False),
        keys=keys,
        aggregates=aggregates,
        person=person is not None,
        bounded=person is not None and not one_row_per_person(q),
        public_keys=_public_keys(q, keys),
        names=[o.column.name for o in outputs],
        order=_order(q),
        limit=limit_of(q),
    )


def _order(q: Query) -> list[tuple[int, bool]]:
    """The developer's ORDER BY over output columns (dp-shape allows no other), as (output, descending)."""
    order = q.qualified.args.get("order")
    out = []
    for o in order.expressions if order else []:
        i = output_of(q, o)
        if i is not None:
            out.append((i, bool(o.args.get("desc")) if isinstance(o, exp.Ordered) else False))
    return out


def dp_aggregate(q: Query, i: int) -> DpAggregate:
    """What output ``i`` (one aggregate call) computes under DP; the DP rules refuse what this cannot express."""
    out = q.outputs[i]
    node = out.aggregate
    argument = aggregate_argument(node)
    rng = range_of(q, argument, q.root) if argument is not None else None
    if isinstance(node, exp.Count):
        if isinstance(node.this, exp.Distinct):
            return DpAggregate(i, "persons" if _is_person(q, argument) else "distinct")
        return DpAggregate(i, "rows", reads=argument is not None)
    if isinstance(node, exp.Sum):
        return DpAggregate(i, "sum", rng)
    if isinstance(node, exp.Avg):
        return DpAggregate(i, "avg", rng)
    return DpAggregate(i, "quantile", rng, quantile_of(node) if node is not None else -1.0)


def aggregate_argument(node: exp.Expr | None) -> exp.Expr | None:
    """The value an aggregate call reads (DISTINCT unwrapped; the ORDER BY of WITHIN GROUP); None for COUNT(*)."""
    if node is None:
        return None
    if isinstance(node, exp.WithinGroup):
        order = node.args.get("expression")
        return order.expressions[0].this if order is not None and order.expressions else None
    arg = node.this
    if isinstance(arg, exp.Distinct):
        arg = arg.expressions[0] if arg.expressions else None
    return None if arg is None or isinstance(arg, exp.Star) else arg


def quantile_of(node: exp.Expr) -> float:
    """The quantile a MEDIAN / QUANTILE_CONT(x, p) / PERCENTILE_CONT(p) WITHIN GROUP asks for."""
    if isinstance(node, exp.Median):
        return 0.5
    if isinstance(node, exp.WithinGroup):
        p = node.this.this
    else:
        p = node.args.get("expression") or node.args.get("quantile")
    if not isinstance(p, exp.Literal) or p.is_string:
        return -1.0  # not a literal: the DP rules refuse it
    return float(p.this)


def is_quantile(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Median | exp.Quantile | exp.PercentileCont | exp.PercentileDisc) or (
        isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont | exp.PercentileDisc)
    )


def persons(q: Query) -> list[exp.Expr]:
    """The entities of the outer query's rows that are persons (of tables whose rows are about persons); when
    none is, every entity (an enterprise stands in as the unit of privacy)."""
    personal = [e for e in q.entities if any(q.spec(t).personal for t, _ in q.flow(e, q.root).raw)]
    return personal or list(q.entities)


def _person(q: Query) -> exp.Expr | None:
    """The person of each row in the outer query: the first (the dp-person rule makes any other equal to it)."""
    found = persons(q)
    return found[0] if found else None


def _is_person(q: Query, node: exp.Expr | None) -> bool:
    person = _person(q)
    if node is None or person is None:
        return False
    if node == person:
        return True
    flow, mine = q.flow(node, q.root).raw, q.flow(person, q.root).raw
    return bool(flow) and flow == mine


def one_row_per_person(q: Query) -> bool:
    """Whether the outer FROM gives each person at most one row: one table with one row per entity, or one
    derived table grouped by the person alone."""
    sources = list(q.root.selected_sources.values())
    if len(sources) != 1:
        return False
    source = sources[0][1]
    if isinstance(source, exp.Table):
        spec = q.spec(source.name)
        return spec.entity_unique
    select = getattr(source, "expression", None)
    if not isinstance(select, exp.Select):
        return False
    group = select.args.get("group")
    if group is None or len(group.expressions) != 1:
        return False
    person = _person(q)
    return person is not None and isinstance(person, exp.Column) and _carries(select, person.name, group)


def _carries(select: exp.Select, name: str, group: exp.Group) -> bool:
    """The derived table's column ``name`` (carried entity) is its one GROUP BY key."""
    for projection in select.selects:
        if projection.alias_or_name == name:
            return projection.unalias() == group.expressions[0]
    return False


def _public_keys(q: Query, keys: list[int]) -> dict[int, tuple[str, ...]]:
    out = {}
    for i in keys:
        node = q.outputs[i].bound.unalias()
        if not isinstance(node, exp.Column):
            continue
        source = q.root.sources.get(node.table)
        if isinstance(source, exp.Table):
            spec = q.column(source.name, node.name)
            if spec is not None and spec.public_values:
                out[i] = spec.public_values
    return out


def _value(a: DpAggregate, arg: str) -> str:
    if a.kind == "rows":
        return f"COUNT({arg})" if a.reads else "COUNT(*)"
    if a.kind == "persons":
        return 'COUNT(DISTINCT "__pid")'
    if a.kind == "distinct":
        return f"COUNT(DISTINCT {arg})"
    if a.kind == "sum":
        lo, hi = a.range or (0.0, 0.0)
        return f"SUM({_clamp(arg, lo, hi)})"
    return "CAST(NULL AS DOUBLE)"  # avg, quantile: computed from hidden columns after noise


def _bins(arg: str, i: int, r: Range) -> list[str]:
    lo, hi = r
    width = (hi - lo) / QUANTILE_BINS or 1.0
    step = f"CAST(floor(({_clamp(arg, lo, hi)} - {_num(lo)}) / {_num(width)}) AS BIGINT)"
    index = f"LEAST(GREATEST({step}, 0), {QUANTILE_BINS - 1})"
    return [f'COUNT(CASE WHEN {index} = {b} THEN 1 END) AS "__q{i}_{b}"' for b in range(QUANTILE_BINS)]


def _clamp(arg: str, lo: float, hi: float) -> str:
    return f"CASE WHEN {arg} < {_num(lo)} THEN {_num(lo)} WHEN {arg} > {_num(hi)} THEN {_num(hi)} ELSE {arg} END"


def _num(v: float) -> str:
    return repr(float(v)) if v != int(v) else str(int(v))


def _bucket(column: str) -> str:
    whens = " ".join(f'WHEN "{column}" <= {e} THEN {n}' for n, e in enumerate(EDGES))
    return f"CASE {whens} ELSE {len(EDGES)} END"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cte_sql(cte: exp.Expr) -> str:
    return cte.sql(dialect=DIALECT, identify=True, comments=False)
