"""Completeness: the share of filled cells (not NULL, not blank text) in each column, against a threshold."""

from __future__ import annotations

from duckdb import DuckDBPyConnection

from gongshu.classify.quality.model import Context, Rule, RuleResult, pct, share_of, verdict
from gongshu.classify.quality.sql import DATA, data_columns, ident, missing, one, row_count


def completeness(rule: Rule, ctx: Context, con: DuckDBPyConnection) -> RuleResult:
    types = data_columns(con)
    names = rule.params.get("columns") or list(types)
    threshold = rule.params["threshold"]
    rows = row_count(con)
    counts = one(
        con,
        "SELECT 0"
        + "".join(
            f", count(*) FILTER (WHERE {ident(c)} IS NULL), count(*) FILTER (WHERE {missing(c, types[c])})"
            for c in names
        )
        + f" FROM {DATA}",
    )[1:]
    per = {
        c: {"nulls": n, "blanks": m - n, "missing": m, "share": share_of(rows - m, rows)}
        for c, n, m in zip(names, counts[::2], counts[1::2], strict=True)
    }
    failing = [c for c in names if per[c]["share"] < threshold]
    cells, lost = rows * len(names), sum(v["missing"] for v in per.values())
    share = share_of(cells - lost, cells)
    measured = {
        "rows": rows,
        "cells": cells,
        "missing": lost,
        "nulls": sum(v["nulls"] for v in per.values()),
        "blanks": sum(v["blanks"] for v in per.values()),
        "share": share,
        "columns": per,
        "failing_columns": failing,
    }
    zh, en = verdict(not failing)
    if len(names) == 1:
        c, v = names[0], per[names[0]]
        message = (
            f"{c} 填充率 {pct(share)}（{rows:,} 行中缺失 {lost:,}：空值 {v['nulls']:,}，空白 {v['blanks']:,}），"
            f"阈值 {pct(threshold)}：{zh}",
            f"{c} is {pct(share)} filled ({lost:,} of {rows:,} rows missing: {v['nulls']:,} null, "
            f"{v['blanks']:,} blank), threshold {pct(threshold)}: {en}",
        )
    else:
        below_zh = f"；低于阈值的列：{'、'.join(failing)}" if failing else ""
        below_en = f"; below threshold: {', '.join(failing)}" if failing else ""
        message = (
            f"{len(names)} 列填充率 {pct(share)}（{cells:,} 个单元格中缺失 {lost:,}），每列阈值 {pct(threshold)}"
            f"{below_zh}：{zh}",
            f"{len(names)} columns are {pct(share)} filled ({lost:,} of {cells:,} cells missing), "
            f"threshold {pct(threshold)} per column{below_en}: {en}",
        )
    return RuleResult(rule, not failing, share, measured, *message)
