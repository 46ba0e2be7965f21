"""Consistency: every value of a column exists in a column of another resource, found by a DuckDB anti-join."""

from __future__ import annotations

from pathlib import Path

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult, pct, share_of, verdict
from gongshu.classify.quality.sql import DATA, ROW, as_text, data_columns, file_columns, ident, missing, one


def consistency(rule: Rule, ctx: Context, con: DuckDBPyConnection) -> RuleResult:
    p = rule.params
    ref_path = str(Path(ctx.others[p["ref"]]).resolve())
    col, ref_col = p["column"], p["ref_column"]
    t, ref_t = data_columns(con)[col], file_columns(con, ctx.others[p["ref"]])[ref_col]
    # Same types compare as they are; different ones (BIGINT codes against VARCHAR codes) compare as text.
    left, right = (ident(col), ident(ref_col)) if t == ref_t else (as_text(col, t), as_text(ref_col, ref_t))
    count_nulls = p["nulls"] == "count"
    tables = (
        f"WITH d AS (SELECT {ident(ROW)} AS r, {left} AS v, {missing(col, t)} AS m FROM {DATA}), "
        f"ref AS (SELECT DISTINCT {right} AS v FROM read_parquet(?) WHERE NOT {missing(ref_col, ref_t)}), "
        "orphan AS (SELECT d.r, d.v FROM d ANTI JOIN ref ON d.v = ref.v WHERE NOT d.m), "
        f"bad AS (SELECT r FROM orphan{' UNION ALL SELECT r FROM d WHERE m' if count_nulls else ''}) "
    )
    rows, nulls, orphans, orphan_values = one(
        con,
        tables + "SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM d WHERE m), "
        "(SELECT count(*) FROM orphan), (SELECT count(DISTINCT v) FROM orphan)",
        [ref_path],
    )
    limit = int(p["examples"])
    examples = [
        r[0] + 1 for r in con.execute(tables + f"SELECT r FROM bad ORDER BY r LIMIT {limit}", [ref_path]).fetchall()
    ]
    checked = rows if count_nulls else rows - nulls
    invalid = orphans + (nulls if count_nulls else 0)
    share = share_of(checked - invalid, checked)
    passed = share >= p["threshold"]
    measured = {
        "rows": rows,
        "checked": checked,
        "missing": nulls,
        "orphans": orphans,
        "orphan_values": orphan_values,
        "invalid": invalid,
        "share": share,
        "examples": examples,
    }
    zh, en = verdict(passed)
    target = f"{p['ref']}.{ref_col}"
    nulls_zh = f"，空值 {nulls:,} 行计为不一致" if count_nulls else f"，空值 {nulls:,} 行不计"
    nulls_en = f"; {nulls:,} missing counted as inconsistent" if count_nulls else f"; {nulls:,} missing ignored"
    return RuleResult(
        rule,
        passed,
        share,
        measured,
        f"{col} 在 {target} 中存在的比例 {pct(share)}（{checked:,} 行中 {orphans:,} 行的 {orphan_values:,} 个取值"
        f"找不到{nulls_zh}），阈值 {pct(p['threshold'])}：{zh}",
        f"{col} exists in {target} for {pct(share)} of rows ({orphans:,} of {checked:,} rows with "
        f"{orphan_values:,} values not found{nulls_en}), threshold {pct(p['threshold'])}: {en}",
    )
