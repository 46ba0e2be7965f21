"""What a finished job ran into: status and reason from its exit, its CPU time and its log; the log made safe."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Mapping
from pathlib import Path

from gongshu.sandbox.isolation.entry import EXIT_CODES
from gongshu.sandbox.isolation.ports import Reason, Status

LOG_BYTES = 64 * 1024
LIMIT_REASONS = frozenset({"timeout", "cpu", "memory", "processes", "file_size"})  # stopped by a limit: "killed"
_BY_CODE: dict[int, Reason] = {code: kind for kind, code in EXIT_CODES.items()}  # type: ignore[misc]
_BY_SIGNAL: dict[int, Reason] = {signal.SIGXCPU: "cpu", signal.SIGXFSZ: "file_size"}
# Read in the log when the job caught the exception itself and exited non-zero; most telling first.
_LOG_HINTS: tuple[tuple[Reason, re.Pattern[str]], ...] = (
    ("memory", re.compile(r"MemoryError|bad_alloc|Cannot allocate memory|out of memory")),
    ("processes", re.compile(r"BlockingIOError: \[Errno 11\]|fork.*Resource temporarily unavailable")),
    ("file_size", re.compile(r"\[Errno 27\] File too large")),
    ("network", re.compile(r"\[Errno (101|111|113|99)\]|gaierror|ConnectionRefusedError")),
    ("files", re.compile(r"PermissionError|FileNotFoundError|Read-only file system")),
)
_SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|DATABASE_URL|DB_URL|DSN", re.IGNORECASE)


def classify(
    exit_code: int | None, *, timed_out: bool, cpu_seconds: float, cpu_limit: int, log: str
) -> tuple[Status, Reason]:
    """Status and reason of a job from bwrap's exit code (128 + signal for a signalled job)."""
    if timed_out:
        return "killed", "timeout"
    if exit_code == 0:
        return "succeeded", ""
    reason = _reason(exit_code, cpu_seconds, cpu_limit, log)
    return ("killed" if reason in LIMIT_REASONS else "failed"), reason


def _reason(exit_code: int | None, cpu_seconds: float, cpu_limit: int, log: str) -> Reason:
    if exit_code is not None and exit_code in _BY_CODE:
        return _BY_CODE[exit_code]
    if exit_code is not None and exit_code > 128:
        sig = exit_code - 128
        if sig in _BY_SIGNAL:
            return _BY_SIGNAL[sig]
        if sig == signal.SIGKILL:  # the hard CPU limit, or the kernel's OOM killer
            return "cpu" if cpu_seconds >= cpu_limit else "memory"
    return next((reason for reason, pattern in _LOG_HINTS if pattern.search(log[-8192:])), "error")


def read_log(path: Path, limit: int = LOG_BYTES, env: Mapping[str, str] | None = None) -> str:
    """The job's output, its head and tail kept when longer than ``limit`` bytes, secrets of ``env`` redacted."""
    size = path.stat().st_size
    with path.open("rb") as f:
        if size <= limit:
            raw = f.read()
        else:
            head = f.read(limit // 2)
            f.seek(size - limit // 2)
            cut = f"\n… [{size - limit} bytes cut / 已截去 {size - limit} 字节] …\n".encode()
            raw = head + cut + f.read()
    return redact(raw.decode("utf-8", errors="replace"), os.environ if env is None else env)


def redact(text: str, env: Mapping[str, str]) -> str:
    """``text`` with the value of every secret-looking variable of ``env`` replaced (defence in depth)."""
    for name, value in env.items():
        if len(value) >= 6 and (name.startswith("GONGSHU_") or _SECRET_NAME.search(name)):
            text = text.replace(value, "[redacted]")
    return text
