"""The launcher that runs inside the sandbox: drop to the job's user, load the developer's module, call its entry.

It is started as ``python -I -S -B /gongshu/entry.py /gongshu/job.json`` and uses the standard library only.
The developer's module defines the entry point named in the job (``main`` by default)::

    def main(inputs: dict[str, str], out_dir: str) -> None:
        table = pyarrow.parquet.read_table(inputs["企业登记信息"])
        ...
        pathlib.Path(out_dir, "scores.csv").write_text(...)

``inputs`` maps each granted table name to a read-only Parquet path (``/data/<name>.parquet``) and ``out_dir`` is
the only writable folder (``/out``). Run the same function on the synthetic sample locally by passing your own
paths: ``main({"企业登记信息": "sample/企业登记信息.parquet"}, "out")``.

What the job ran into is told to the platform by the exit code (``EXIT_CODES``), found from the exception that
ended it (the exception, its cause and its context are all looked at).
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import socket
import sys
import traceback

EXIT_CODES = {"error": 1, "memory": 81, "network": 82, "files": 83, "processes": 84, "file_size": 85}

_ERRNO_KINDS = {
    errno.EFBIG: "file_size",
    errno.ENOMEM: "memory",
    errno.EAGAIN: "processes",
    errno.ENETUNREACH: "network",
    errno.EHOSTUNREACH: "network",
    errno.ECONNREFUSED: "network",
    errno.EADDRNOTAVAIL: "network",
    errno.ENETDOWN: "network",
    errno.ENOENT: "files",
    errno.EACCES: "files",
    errno.EPERM: "files",
    errno.EROFS: "files",
}


def kind_of(exc: BaseException) -> str:
    """The limit or isolation rule behind an exception, looking through its causes; "error" if none."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _one_kind(current)
        if found != "error":
            return found
        current = current.__cause__ or current.__context__
    return "error"


def _one_kind(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, socket.gaierror | socket.herror | TimeoutError):
        return "network"
    if isinstance(exc, OSError) and exc.errno is not None:
        return _ERRNO_KINDS.get(exc.errno, "error")
    return "error"


def drop_privileges(uid: int, gid: int) -> None:
    """Become the job's unprivileged user (no capabilities left), so that RLIMIT_NPROC holds."""
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() == 0 or os.geteuid() == 0:  # pragma: no cover - setresuid raises instead
        raise SystemExit("could not drop privileges")


def load_entry(path: str, name: str) -> object:
    """Import the developer's module from ``path`` and return its attribute ``name``."""
    spec = importlib.util.spec_from_file_location("job", path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for paths without a .py suffix
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["job"] = module
    spec.loader.exec_module(module)
    entry = getattr(module, name, None)
    if not callable(entry):
        raise AttributeError(f"the module defines no function {name!r} / 模块中没有函数 {name!r}")
    return entry


def main(argv: list[str]) -> int:
    """Run the job described by the JSON file ``argv[1]``; returns the process exit code."""
    with open(argv[1], encoding="utf-8") as f:
        job = json.load(f)
    drop_privileges(job["uid"], job["gid"])
    sys.path[:] = [*sys.path, *job["sys_path"]]
    try:
        entry = load_entry(job["code"], job["entry"])
        entry(dict(job["inputs"]), job["out"])  # type: ignore[operator]
    except SystemExit as e:
        if isinstance(e.code, int) or e.code is None:
            return e.code or 0
        print(e.code, file=sys.stderr)
        return 1
    except BaseException as e:
        traceback.print_exc()
        return EXIT_CODES[kind_of(e)]
    return 0


if __name__ == "__main__":
    sys.stdout.flush()
    code = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
