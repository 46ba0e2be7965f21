"""Operator parameter schemas: what each parameter means, its default, and the rule a value must meet."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from gongshu.classify.desensitize import errors

REQUIRED: Any = object()
LARGEST_WHOLE = 2**61  # whole-number parameters stay far from int64 overflow


@dataclass(frozen=True)
class Param:
    """One parameter: its meaning and its rule (zh and en), the test a value must pass, and its default."""

    zh: str
    en: str
    rule_zh: str
    rule_en: str
    valid: Callable[[Any], bool]
    default: Any = REQUIRED

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> dict[str, Any]:
        described = {"zh": self.zh, "en": self.en, "rule_zh": self.rule_zh, "rule_en": self.rule_en}
        return described | ({"required": True} if self.required else {"default": self.default})


Operator = Callable[..., pa.Array]
Check = Callable[[str, Mapping[str, Any], Mapping[str, Any]], None]


@dataclass(frozen=True)
class OperatorSpec:
    """An operator: its function over one ``pyarrow.Array``, its parameters, and what it does (zh and en).

    ``keyed`` operators also receive ``key=`` (the platform's secret). ``check`` sees the column, the given and the
    resolved parameters, and raises for combinations a single parameter's rule cannot catch.
    """

    name: str
    function: Operator
    params: Mapping[str, Param]
    zh: str
    en: str
    keyed: bool = False
    check: Check | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.params.items() if not p.required}

    def describe(self) -> dict[str, Any]:
        params = {name: p.describe() for name, p in self.params.items()}
        return {"name": self.name, "zh": self.zh, "en": self.en, "keyed": self.keyed, "params": params}

    def resolve(self, column: str, given: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters with defaults filled in; raises DesensitizeError naming the column and the problem."""
        for name in given:
            if name not in self.params:
                raise errors.unknown_param(column, self.name, name, self.params)
        resolved = {}
        for name, param in self.params.items():
            if name not in given:
                if param.required:
                    raise errors.missing_param(column, self.name, name, param.rule_zh, param.rule_en)
                resolved[name] = param.default
            elif not param.valid(given[name]):
                raise errors.bad_param(column, self.name, name, given[name], param.rule_zh, param.rule_en)
            else:
                resolved[name] = given[name]
        if self.check is not None:
            self.check(column, given, resolved)
        return resolved


def is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return (is_whole(value) and abs(value) <= LARGEST_WHOLE) or (isinstance(value, float) and math.isfinite(value))


def whole(zh: str, en: str, *, low: int, high: int, default: Any = REQUIRED, none: bool = False) -> Param:
    """A whole number in [low, high] (or None when ``none``)."""
    rule_zh = f"{low} 到 {high} 之间的整数" + ("，或 null" if none else "")
    rule_en = f"a whole number from {low} to {high}" + (", or null" if none else "")
    return Param(
        zh, en, rule_zh, rule_en, lambda v: (none and v is None) or (is_whole(v) and low <= v <= high), default
    )


def positive(zh: str, en: str, *, default: Any = REQUIRED) -> Param:
    """A finite number above zero."""
    rule_zh, rule_en = f"大于 0 且不超过 {LARGEST_WHOLE} 的数", f"a number above 0 and at most {LARGEST_WHOLE}"
    return Param(zh, en, rule_zh, rule_en, lambda v: is_number(v) and v > 0, default)


def number(zh: str, en: str, *, default: Any = REQUIRED) -> Param:
    """Any finite number."""
    rule_zh, rule_en = f"绝对值不超过 {LARGEST_WHOLE} 的数", f"a finite number of at most {LARGEST_WHOLE} either way"
    return Param(zh, en, rule_zh, rule_en, is_number, default)


def choice(zh: str, en: str, options: tuple[str, ...], *, default: Any = REQUIRED) -> Param:
    """One of a few strings."""
    listed = " / ".join(options)
    return Param(
        zh, en, f"以下之一：{listed}", f"one of {listed}", lambda v: isinstance(v, str) and v in options, default
    )


def text(zh: str, en: str, *, low: int, high: int, default: Any = REQUIRED, none: bool = False) -> Param:
    """A string of low..high characters (or None when ``none``)."""
    rule_zh = f"长度 {low} 到 {high} 个字符的字符串" + ("，或 null" if none else "")
    rule_en = f"a string of {low} to {high} characters" + (", or null" if none else "")
    return Param(
        zh,
        en,
        rule_zh,
        rule_en,
        lambda v: (none and v is None) or (isinstance(v, str) and low <= len(v) <= high),
        default,
    )


def rising(zh: str, en: str, *, default: Any = REQUIRED, most: int = 50) -> Param:
    """A non-empty, strictly increasing list of whole numbers above zero."""

    def valid(v: Any) -> bool:
        return (
            isinstance(v, list | tuple)
            and 0 < len(v) <= most
            and all(is_whole(x) and 0 < x <= 1000 for x in v)
            and all(a < b for a, b in itertools.pairwise(v))
        )

    rule_zh = f"1 到 {most} 个严格递增的正整数（不超过 1000）组成的列表"
    rule_en = f"a list of 1 to {most} strictly increasing whole numbers above 0 (at most 1000)"
    return Param(zh, en, rule_zh, rule_en, valid, default)
