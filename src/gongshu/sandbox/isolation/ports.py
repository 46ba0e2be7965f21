"""The Isolation port: run one developer's Python model job in a sandbox, within limits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

Status = Literal["succeeded", "failed", "killed"]
Reason = Literal["", "timeout", "memory", "cpu", "processes", "file_size", "network", "files", "error"]


@dataclass(frozen=True)
class PyLimits:
    """Resource limits for one Python job."""

    cpu_seconds: int = 60
    memory_mb: int = 1024  # address space of each process
    processes: int = 32  # processes and threads of the job together
    file_mb: int = 256  # largest file the job may write (also the size of its /tmp)
    wall_seconds: float = 120.0


@dataclass(frozen=True)
class PyRun:
    """What a job did: its status, the limit or isolation rule it ran into, its log and its outputs."""

    status: Status
    reason: Reason  # "" when it succeeded
    exit_code: int | None
    log: str  # stdout and stderr together, truncated
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


class Isolation(Protocol):
    """Runs a developer's module in a worker cut off from everything but its inputs and its out folder.

    Contract: ``code`` is the text of one Python module defining ``entry``, which is called as
    ``entry(inputs, out_dir)`` with ``inputs`` mapping each table name to the path of a read-only Parquet file
    (``/data/<name>.parquet``) and ``out_dir`` the only writable folder (``/out``) as strings, so the same code
    runs unchanged on the synthetic sample when the developer passes their own paths. The job has no network,
    sees no other file of the platform, no environment of the platform (no secrets) and runs under ``limits``
    (CPU seconds, memory, processes, file size, wall time). ``run`` never raises for anything the job does:
    a job that fails or breaks a limit gives a ``PyRun`` with status "failed" or "killed" and a reason.
    ``outputs`` holds only the declared names that exist as regular files (never symlinks) directly in
    ``job_dir / "out"``, which is emptied first: calling ``run`` again on the same folder starts afresh.
    ``IsolationError`` is raised only when the sandbox itself cannot be set up (no bubblewrap, bad names).
    """

    def run(
        self,
        job_dir: Path,
        *,
        code: str,
        entry: str,
        inputs: Mapping[str, Path],
        outputs: Sequence[str],
        limits: PyLimits,
    ) -> PyRun: ...
