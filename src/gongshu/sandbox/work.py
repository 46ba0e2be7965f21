"""The one function workers call: run a claimed job with the real engines and isolation."""

from __future__ import annotations

from gongshu.platform import Platform
from gongshu.sandbox import runner
from gongshu.sandbox.py_jobs import run_python
from gongshu.sandbox.sql_jobs import run_sql


def execute(platform: Platform, number: str) -> str:
    return runner.execute(platform, number, run_sql, run_python)
