"""A desensitization plan: which operator each column gets, which columns are dropped, and its validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gongshu.classify.desensitize import errors
from gongshu.classify.desensitize.registry import OPERATORS

PLAN_KEYS = {"steps", "drop"}
STEP_KEYS = {"column", "operator", "params"}


@dataclass(frozen=True)
class Step:
    """One column's operator and the parameters given for it (defaults are filled in when the plan is applied)."""

    column: str
    operator: str
    params: dict[str, Any] = field(default_factory=dict)

    def resolved(self) -> dict[str, Any]:
        """The parameters with defaults filled in; raises DesensitizeError for an unknown operator or bad values."""
        spec = OPERATORS.get(self.operator)
        if spec is None:
            raise errors.unknown_operator(self.column, self.operator, OPERATORS)
        return spec.resolve(self.column, self.params)

    def to_json(self) -> dict[str, Any]:
        return {"column": self.column, "operator": self.operator, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Step:
        if not isinstance(data, Mapping):
            raise errors.bad_plan(where, "对象 {column, operator, params}", "an object {column, operator, params}")
        for key in data:
            if key not in STEP_KEYS:
                raise errors.bad_plan(
                    f"{where}.{key}", "column、operator 或 params 之一", "one of column, operator, params"
                )
        column, operator, params = data.get("column"), data.get("operator"), data.get("params", {})
        if not isinstance(column, str) or not column:
            raise errors.bad_plan(f"{where}.column", "非空的列名字符串", "a non-empty column name")
        if not isinstance(operator, str) or not operator:
            raise errors.bad_plan(f"{where}.operator", "算子名称字符串", "an operator name")
        if not isinstance(params, Mapping) or not all(isinstance(k, str) for k in params):
            raise errors.bad_plan(f"{where}.params", "参数对象", "an object of parameters")
        return cls(column, operator, dict(params))


@dataclass(frozen=True)
class Plan:
    """Steps applied column by column, and columns dropped entirely; every other column is copied as it is."""

    steps: Sequence[Step]
    drop: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "drop", tuple(self.drop))

    @property
    def keyed(self) -> bool:
        """Whether any step needs the platform's key."""
        return any(OPERATORS[s.operator].keyed for s in self.steps if s.operator in OPERATORS)

    @classmethod
    def from_json(cls, data: dict[str, Any] | list[Any]) -> Plan:
        """A plan from ``{"steps": [...], "drop": [...]}`` (or a bare list of steps); checks shape and parameters."""
        if isinstance(data, list):
            data = {"steps": data}
        if not isinstance(data, Mapping):
            raise errors.bad_plan(
                "plan", '对象 {"steps": [...], "drop": [...]}', 'an object {"steps": [...], "drop": [...]}'
            )
        for key in data:
            if key not in PLAN_KEYS:
                raise errors.bad_plan(str(key), "steps 或 drop", "steps or drop")
        steps, drop = data.get("steps", []), data.get("drop", [])
        if not isinstance(steps, list):
            raise errors.bad_plan("steps", "步骤列表", "a list of steps")
        if not isinstance(drop, list) or not all(isinstance(c, str) and c for c in drop):
            raise errors.bad_plan("drop", "列名列表", "a list of column names")
        plan = cls([Step.from_json(s, f"steps[{i}]") for i, s in enumerate(steps)], drop)
        plan.check_steps()
        return plan

    def to_json(self) -> dict[str, Any]:
        return {"steps": [s.to_json() for s in self.steps], "drop": list(self.drop)}

    def check_steps(self) -> None:
        """Raise DesensitizeError for an unknown operator, bad parameters or a column given two steps."""
        seen: set[str] = set()
        for step in self.steps:
            if step.column in seen:
                raise errors.duplicate_step(step.column)
            seen.add(step.column)
            step.resolved()

    def validate(self, columns: Sequence[str]) -> None:
        """Raise DesensitizeError unless the plan fits a table with ``columns``.

        Every step and dropped column must exist, a column may not be both dropped and transformed, and at least
        one column must remain.
        """
        self.check_steps()
        present = set(columns)
        for step in self.steps:
            if step.column not in present:
                raise errors.unknown_column(step.column, columns, role_zh="脱敏步骤的列", role_en="the step's column")
        for column in self.drop:
            if column not in present:
                raise errors.unknown_column(column, columns, role_zh="要删除的列", role_en="the dropped column")
            if any(s.column == column for s in self.steps):
                raise errors.dropped_and_transformed(column)
        if present <= set(self.drop):
            raise errors.drops_every_column()
