"""Generalize: replace a value by a coarser one (date → year or month, ID → birth year, address → district, …)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from gongshu.classify.desensitize import errors
from gongshu.classify.desensitize.operators.generalize.address import address_to_district
from gongshu.classify.desensitize.operators.generalize.ages import BANDS, age_to_band
from gongshu.classify.desensitize.operators.generalize.dates import date_to_month, date_to_year
from gongshu.classify.desensitize.operators.generalize.id_number import id_to_birth_year
from gongshu.classify.desensitize.operators.generalize.truncate import truncate
from gongshu.classify.desensitize.params import OperatorSpec, choice, rising, whole

KINDS: dict[str, Callable[..., pa.Array]] = {
    "date_to_year": date_to_year,
    "date_to_month": date_to_month,
    "id_to_birth_year": id_to_birth_year,
    "address_to_district": address_to_district,
    "age_to_band": age_to_band,
    "truncate": truncate,
}
KIND_PARAMS = {"truncate": ("n",), "age_to_band": ("bands",), "address_to_district": ("fallback",)}
LONGEST_TRUNCATE = 1000


def generalize(
    array: pa.Array, *, kind: str, n: int | None = None, bands: Sequence[int] = BANDS, fallback: str = "city"
) -> pa.Array:
    """``array`` generalized by ``kind``; each kind's module says what parses and what becomes null."""
    given = {"n": n, "bands": bands, "fallback": fallback}
    return KINDS[kind](array, **{name: given[name] for name in KIND_PARAMS.get(kind, ())})


def _check(column: str, given: Mapping[str, Any], resolved: Mapping[str, Any]) -> None:
    kind = resolved["kind"]
    for name in given:
        if name != "kind" and name not in KIND_PARAMS.get(kind, ()):
            raise errors.param_not_for_kind(column, name, kind)
    if kind == "truncate" and resolved["n"] is None:
        n = SPEC.params["n"]
        raise errors.missing_param(column, SPEC.name, "n", n.rule_zh, n.rule_en)


SPEC = OperatorSpec(
    name="generalize",
    function=generalize,
    params={
        "kind": choice("泛化方式", "how to generalize", tuple(KINDS)),
        "n": whole(
            "保留的字符数（truncate）",
            "characters kept (truncate)",
            low=1,
            high=LONGEST_TRUNCATE,
            default=None,
            none=True,
        ),
        "bands": rising(
            "年龄段的下界（0 之后；age_to_band）",
            "lower bounds of the age bands after 0 (age_to_band)",
            default=list(BANDS),
        ),
        "fallback": choice(
            "找不到区县时：保留到市（city）或置空（suppress）（address_to_district）",
            "with no district: keep the city (city) or null (suppress) (address_to_district)",
            ("city", "suppress"),
            default="city",
        ),
    },
    zh="泛化：日期→年份或年月，身份证号→出生年份，地址→区县，年龄→年龄段，文本→前 n 个字符",
    en="generalize: date → year or month, ID number → birth year, address → district, age → band, text → first n chars",
    check=_check,
)
