"""Security invariant: a quality report carries counts, shares and row numbers, never a cell value."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from gongshu.classify.quality import Context, default_rules, parse_rules, run_rules

PEOPLE = pa.table(
    {
        "姓名": ["张伟明", "李秀英", "王建国", "张伟明", None],
        "身份证号": ["110101199003074512", "11010119900307451X", "330105198812120031", "110101199003074512", ""],
        "手机号": ["13812345678", "1391234567", "15987654321", "13812345678", "17700001111"],
        "单位代码": ["91330105MA2H2XXX1Y", "91330106MA2KQ7ZZ3U", None, "91330108MA2CFY6U0P", "91330105MA2H2XXX1Y"],
        "月收入": [12345.67, 98765.43, -4321.09, 23456.78, 876543.21],
        "出生日期": [date(1990, 3, 7), date(1877, 6, 6), date(1988, 12, 12), date(2031, 2, 3), None],
        "性别": ["男", "女", "未说明性别", "男", "女"],
    }
)
FIRMS = pa.table(
    {
        "统一社会信用代码": ["91330105MA2H2XXX1Y", "91330199MA2ZZZZZ9Q"],
        "企业名称": ["拱墅数据科技有限公司", "杭州某某有限公司"],
    }
)
# Declared enum values (男, 女) are rule parameters, shown as declared; every other value must stay out.
SECRETS = [
    "张伟明",
    "李秀英",
    "王建国",
    "110101199003074512",
    "11010119900307451X",
    "330105198812120031",
    "13812345678",
    "1391234567",
    "15987654321",
    "17700001111",
    "91330105MA2H2XXX1Y",
    "91330106MA2KQ7ZZ3U",
    "91330108MA2CFY6U0P",
    "91330199MA2ZZZZZ9Q",
    "拱墅数据科技有限公司",
    "12345.67",
    "98765.43",
    "4321.09",
    "876543.21",
    "1877-06-06",
    "2031-02-03",
    "1990-03-07",
    "未说明性别",
]


def test_no_cell_value_appears_anywhere_in_the_report(parquet) -> None:
    rules = default_rules(
        [(n, "string") for n in PEOPLE.column_names], {"身份证号": "cn_id_card", "手机号": "cn_mobile"}
    )
    rules += parse_rules(
        [
            {"kind": "uniqueness", "params": {"columns": ["姓名"]}},
            {"kind": "uniqueness", "params": {"columns": ["身份证号", "手机号"], "nulls": "ignore"}},
            {"kind": "validity", "params": {"column": "身份证号", "regex": "[0-9]{17}[0-9]"}},
            {"kind": "validity", "params": {"column": "手机号", "type": "checked_mobile"}},
            {"kind": "validity", "params": {"column": "性别", "enum": ["男", "女"]}},
            {"kind": "range", "params": {"column": "月收入", "min": 0, "max": 50000}},
            {"kind": "range", "params": {"column": "出生日期", "min": "1900-01-01", "max": "2026-01-01"}},
            {"kind": "consistency", "params": {"column": "单位代码", "ref": "QY001", "ref_column": "统一社会信用代码"}},
            {
                "kind": "consistency",
                "params": {"column": "单位代码", "ref": "QY001", "ref_column": "统一社会信用代码", "nulls": "count"},
            },
            {"kind": "timeliness"},
        ]
    )
    ctx = Context(
        parquet(PEOPLE),
        others={"QY001": parquet(FIRMS, "firms.parquet")},
        validators={"checked_mobile": lambda v: v.startswith("159"), "cn_id_card": lambda v: v.endswith("2")},
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        now=datetime(2026, 3, 1, tzinfo=UTC),
        period=timedelta(days=35),
    )
    report = run_rules(rules, ctx)
    assert report.failed >= 8  # the rules did look at the values and found problems
    for text in (json.dumps(report.to_json(), ensure_ascii=False), json.dumps(report.to_json()), repr(report)):
        leaked = [s for s in SECRETS if s in text or json.dumps(s)[1:-1] in text]
        assert leaked == []
