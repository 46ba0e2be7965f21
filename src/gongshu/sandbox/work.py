"""The one function workers call: run a claimed job with the real engines and isolation, then release it
at once where the agreement says DP results need no manual review."""

from __future__ import annotations

from gongshu.platform import Platform
from gongshu.sandbox import review, runner
from gongshu.sandbox.py_jobs import run_python
from gongshu.sandbox.sql_jobs import run_sql
from gongshu.sandbox.states import JobStatus


def execute(platform: Platform, number: str) -> str:
    status = runner.execute(platform, number, run_sql, run_python)
    return review.auto_release(platform, number) if status == JobStatus.IN_REVIEW.value else status
