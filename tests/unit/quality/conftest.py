"""Fixtures for quality tests: small Parquet files written per test and one-rule runs over them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.classify.quality import Context, QualityReport, RuleResult, parse_rules, run_rules


@pytest.fixture
def parquet(tmp_path: Path) -> Callable[..., Path]:
    """Write ``columns`` (name -> values, or a pyarrow Table) to ``tmp_path/name`` and return the path."""

    def write(columns: dict[str, list[Any]] | pa.Table, name: str = "data.parquet") -> Path:
        path = tmp_path / name
        pq.write_table(columns if isinstance(columns, pa.Table) else pa.table(columns), path)
        return path

    return write


@pytest.fixture
def report(parquet: Callable[..., Path]) -> Callable[..., QualityReport]:
    """Run declared rules (plain dicts) over ``columns``; keyword arguments go to Context."""

    def run(columns: dict[str, list[Any]] | pa.Table, /, *rules: dict[str, Any], **ctx: Any) -> QualityReport:
        return run_rules(parse_rules(list(rules)), Context(parquet(columns), **ctx))

    return run


@pytest.fixture
def check(report: Callable[..., QualityReport]) -> Callable[..., RuleResult]:
    """Run one rule of ``kind`` with ``params`` over ``columns`` and return its result."""

    def run(
        columns: dict[str, list[Any]] | pa.Table, kind: str, /, ctx: Mapping[str, Any] = {}, **params: Any
    ) -> RuleResult:
        return report(columns, {"kind": kind, "params": params}, **ctx).results[0]

    return run
