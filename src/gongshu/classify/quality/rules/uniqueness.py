"""Uniqueness: a key of one or more columns has no duplicated rows and, unless told to ignore them, no missing keys."""

from __future__ import annotations

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult, share_of, verdict
from gongshu.classify.quality.sql import DATA, ROW, data_columns, ident, missing, one, row_numbers


def uniqueness(rule: Rule, ctx: Context, con: DuckDBPyConnection) -> RuleResult:
    p = rule.params
    types = data_columns(con)
    key = ", ".join(ident(c) for c in p["columns"])
    absent = " OR ".join(missing(c, types[c]) for c in p["columns"])
    rows, null_keys = one(con, f"SELECT count(*), count(*) FILTER (WHERE {absent}) FROM {DATA}")
    distinct, dup_keys, dup_rows = one(
        con,
        f"SELECT count(*), count(*) FILTER (WHERE n > 1), coalesce(sum(n) FILTER (WHERE n > 1), 0) "
        f"FROM (SELECT count(*) AS n FROM {DATA} WHERE NOT ({absent}) GROUP BY {key})",
    )
    groups = f"(SELECT {ident(ROW)}, count(*) OVER (PARTITION BY {key}) AS __n FROM {DATA} WHERE NOT ({absent}))"
    examples = row_numbers(con, "__n > 1", p["examples"], source=groups)
    ignore_nulls = p["nulls"] == "ignore"
    extra = int(dup_rows) - dup_keys
    passed = extra == 0 and (ignore_nulls or null_keys == 0)
    score = share_of(distinct, rows - null_keys if ignore_nulls else rows)
    measured = {
        "rows": rows,
        "null_keys": null_keys,
        "distinct_keys": distinct,
        "duplicated_keys": dup_keys,
        "duplicated_rows": int(dup_rows),
        "extra_rows": extra,
        "share": score,
        "examples": examples,
    }
    zh, en = verdict(passed)
    cols = ", ".join(p["columns"])
    nulls_zh = "（按要求不计）" if ignore_nulls else ""
    nulls_en = " (ignored as asked)" if ignore_nulls else ""
    return RuleResult(
        rule,
        passed,
        score,
        measured,
        f"键（{cols}）在 {rows:,} 行中有 {dup_keys:,} 个重复键值，涉及 {int(dup_rows):,} 行；"
        f"键为空的 {null_keys:,} 行{nulls_zh}：{zh}",
        f"key ({cols}) has {dup_keys:,} duplicated values over {int(dup_rows):,} of {rows:,} rows; "
        f"{null_keys:,} rows have a missing key{nulls_en}: {en}",
    )
