"""Secondary suppression: no suppressed cell can be recovered as a line total minus the visible cells."""

from __future__ import annotations

import itertools
from collections import defaultdict

from control_makers import grouped
from hypothesis import given, settings
from hypothesis import strategies as st

from gongshu.sandbox.control import protect
from gongshu.sandbox.control.dominance import dominance
from gongshu.sandbox.control.min_cell_count import min_cell_count
from gongshu.sandbox.control.work import Work
from gongshu.sandbox.spec import ControlConfig, Limits

CFG = ControlConfig(min_cell=10)


def nulls(table, column):
    return [i for i, v in enumerate(table.column(column).to_pylist()) if v is None]


def test_a_lone_dominated_cell_takes_the_smallest_other_cell_of_the_table_with_it():
    totals = [100, 250, 80, 300, 90]
    tops = {"营收": [[5, 5], [5, 5], [70, 9], [5, 5], [5, 5]]}
    result, columns = grouped({"区": list("abcde")}, [20, 15, 30, 12, 40], sums={"营收": totals}, tops=tops)
    table, report = protect(result, columns, CFG)
    assert nulls(table, "营收") == [2, 3]
    assert nulls(table, "人数") == []
    assert report.suppressed_secondary == 1
    assert next(f for f in report.findings if f.rule == "secondary-suppression").place == "row 4, column 营收"


def test_a_dropped_row_counts_as_suppressed_in_counts_and_sums_but_not_in_distinct_counts():
    n = [20, 3, 30, 12, 40]
    result, columns = grouped({"区": list("abcde")}, n, sums={"营收": [100] * 5}, distinct={"企业数": [5, 1, 9, 4, 8]})
    table, report = protect(result, columns, CFG)
    assert table.column("区").to_pylist() == ["a", "c", "d", "e"]
    assert nulls(table, "人数") == [2] and nulls(table, "营收") == [2]
    assert nulls(table, "企业数") == []
    assert report.suppressed_secondary == 2


def test_suppression_spreads_over_a_two_way_table_until_every_line_is_safe():
    keys = {"区": ["东", "东", "西", "西", "南", "南"], "性别": ["男", "女"] * 3}
    result, columns = grouped(keys, [25, 4, 30, 20, 15, 18])
    table, _ = protect(result, columns, CFG)
    shown = list(zip(table.column("区").to_pylist(), table.column("性别").to_pylist(), strict=True))
    hidden = {shown[i] for i in nulls(table, "人数")}
    assert hidden == {("东", "男"), ("南", "女"), ("南", "男")}


def test_a_table_without_group_keys_has_no_lines():
    result, columns = grouped({}, [50], sums={"营收": [10]}, tops={"营收": [[10, 0]]})
    table, report = protect(result, columns, CFG)
    assert table.column("营收").to_pylist() == [None]
    assert report.suppressed_secondary == 0


def test_recovering_a_suppressed_cell_from_the_total_works_without_secondary_suppression_and_fails_with_it():
    totals = [100.0, 250.0, 80.0, 300.0]
    tops = {"营收": [[5, 5], [5, 5], [79, 1], [5, 5]]}
    result, columns = grouped({"区": list("abcd")}, [20, 30, 15, 40], sums={"营收": totals}, tops=tops)
    grand_total = sum(totals)  # what the same query without GROUP BY releases

    primary = Work.start(result, columns, CFG, {}, Limits())
    min_cell_count(primary), dominance(primary)
    visible = [v for v in primary.output().column("营收").to_pylist() if v is not None]
    assert grand_total - sum(visible) == 80.0  # the attack: the suppressed cell, exactly

    table, _ = protect(result, columns, CFG)
    shown = table.column("营收").to_pylist()
    remainder = grand_total - sum(v for v in shown if v is not None)
    assert len(nulls(table, "营收")) >= 2
    assert remainder != 80.0 and remainder == sum(totals[i] for i in nulls(table, "营收"))


@st.composite
def tables(draw):
    dims = draw(st.integers(min_value=1, max_value=3))
    levels = [draw(st.integers(min_value=1, max_value=4)) for _ in range(dims)]
    cells = list(itertools.product(*(range(k) for k in levels)))
    present = draw(st.lists(st.sampled_from(cells), min_size=1, max_size=len(cells), unique=True))
    n = draw(st.lists(st.integers(min_value=0, max_value=30), min_size=len(present), max_size=len(present)))
    dominated = draw(st.lists(st.booleans(), min_size=len(present), max_size=len(present)))
    keys = {f"k{d}": [f"v{c[d]}" for c in present] for d in range(dims)}
    tops = [[95.0, 1.0] if dom else [10.0, 10.0] for dom in dominated]
    return keys, n, tops


def lines(rows, dims):
    out = defaultdict(list)
    for r, row in enumerate(rows):
        for d in range(dims):
            out[(d, row[:d] + row[d + 1 :])].append(r)
    return [m for m in out.values() if len(m) > 1]


@settings(max_examples=300, deadline=None)
@given(tables(), st.integers(min_value=1, max_value=15))
def test_after_control_no_line_of_an_additive_column_has_exactly_one_hidden_cell(drawn, min_cell):
    keys, n, tops = drawn
    result, columns = grouped(
        keys, n, sums={"营收": [100.0] * len(n)}, avgs={"均值": [5.0] * len(n)}, tops={"营收": tops, "均值": tops}
    )
    table, _ = protect(result, columns, ControlConfig(min_cell=min_cell))
    raw = list(zip(*keys.values(), strict=True))
    out = {tuple(r[k] for k in keys): r for r in table.to_pylist()}
    people = [r for r in range(len(raw)) if n[r] > 0]  # a row of no person adds nothing to a total
    for column in ("人数", "营收", "均值"):
        hidden = {r for r in people if raw[r] not in out or out[raw[r]][column] is None}
        for line in lines([raw[r] for r in people], len(keys)):
            assert sum(people[i] in hidden for i in line) != 1, (column, line)
