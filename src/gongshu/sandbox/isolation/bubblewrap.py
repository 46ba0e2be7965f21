"""BubblewrapIsolation: run a Python job under bubblewrap with namespaces, an unprivileged user and rlimits.

The sandbox sees ``/usr`` (and ``/bin``, ``/lib*``), the Python installation and the platform's site-packages,
all read-only; the inputs read-only at ``/data/<name>.parquet``; the job's ``out`` folder writable at ``/out``;
a fresh ``/tmp``, ``/proc`` and a minimal ``/dev``. Nothing else: not ``/etc``, not the platform's code, data
or settings. bwrap runs as root without a user namespace; the launcher (``entry.py``) then drops to a user id
of its own (random, above ``UID_BASE``) with no capabilities, so that RLIMIT_NPROC counts its processes (root is
exempt from it) and ``no_new_privs`` keeps it there. See docs/adr/0005-sandbox-isolation.md.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import signal
import site
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from gongshu.sandbox.errors import IsolationError
from gongshu.sandbox.isolation import entry as entry_module
from gongshu.sandbox.isolation.outcome import classify, read_log
from gongshu.sandbox.isolation.ports import PyLimits, PyRun

BWRAP = Path("/usr/bin/bwrap")
UID_BASE = 1_000_000  # job users: UID_BASE .. UID_BASE + UID_SPAN, none of them in /etc/passwd
UID_SPAN = 1_000_000
MB = 1024 * 1024
SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",  # one thread per pool: threads count against the process limit
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
_ROOT_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


class BubblewrapIsolation:
    """The Isolation port on bubblewrap (``/usr/bin/bwrap``); see ``ports.Isolation`` for the contract."""

    def __init__(self, bwrap: Path = BWRAP, *, site_dirs: Sequence[Path] | None = None) -> None:
        self.bwrap = Path(bwrap)
        self.python = Path(os.path.realpath(sys.executable))
        self.prefix = Path(sys.base_prefix)
        dirs = site_dirs if site_dirs is not None else [Path(p) for p in site.getsitepackages()]
        self.site_dirs = [d for d in dirs if d.is_dir()]

    def run(
        self,
        job_dir: Path,
        *,
        code: str,
        entry: str,
        inputs: Mapping[str, Path],
        outputs: Sequence[str],
        limits: PyLimits,
    ) -> PyRun:
        """Run ``entry`` of ``code`` over ``inputs``; returns what happened and the declared outputs found."""
        self._check_ready(entry, inputs, outputs)
        uid = UID_BASE + secrets.randbelow(UID_SPAN)
        files = _prepare(
            Path(job_dir), code, entry, inputs, uid, [f"/opt/site/{i}" for i in range(len(self.site_dirs))]
        )
        started = time.monotonic()
        exit_code, timed_out, cpu = _execute(self._argv(files, inputs, limits), files, limits)
        text = read_log(files["log"])
        self._check_started(files["status"], text)
        status, reason = classify(
            exit_code, timed_out=timed_out, cpu_seconds=cpu, cpu_limit=limits.cpu_seconds, log=text
        )
        found = collect_outputs(files["out"], outputs)
        return PyRun(status, reason, exit_code, text, found, round(time.monotonic() - started, 3))

    def _check_ready(self, entry: str, inputs: Mapping[str, Path], outputs: Sequence[str]) -> None:
        if not (self.bwrap.is_file() and os.access(self.bwrap, os.X_OK)):
            raise IsolationError(
                "unavailable",
                f"未找到 bubblewrap（{self.bwrap}）：请安装 bubblewrap（apt-get install bubblewrap；make run 会安装）",
                f"bubblewrap not found at {self.bwrap}: install bubblewrap (apt-get install bubblewrap; make run does)",
            )
        if not entry.isidentifier():
            raise IsolationError("invalid", f"入口函数名无效：{entry!r}", f"invalid entry point name {entry!r}")
        for name in [*inputs, *outputs]:
            check_name(name)
        for name, path in inputs.items():
            if not Path(path).is_file():
                raise IsolationError("files", f"输入 {name} 的文件不存在：{path}", f"input {name}: no file at {path}")

    def _argv(self, files: Mapping[str, Path], inputs: Mapping[str, Path], limits: PyLimits) -> list[str]:
        argv = [str(self.bwrap), "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
        argv += ["--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
        argv += ["--ro-bind", "/usr", "/usr"]
        argv += [arg for d in _ROOT_DIRS for arg in _root_dir(Path(d))]
        argv += _parents(["/gongshu/x", "/data/x", "/out", "/opt/site/x", str(self.prefix), str(self.python)])
        if not self.prefix.is_relative_to("/usr"):
            argv += ["--ro-bind", str(self.prefix), str(self.prefix)]
        if not self.python.is_relative_to("/usr") and not self.python.is_relative_to(self.prefix):
            argv += ["--ro-bind", str(self.python), str(self.python)]
        for i, d in enumerate(self.site_dirs):
            argv += ["--ro-bind", str(d), f"/opt/site/{i}"]
        argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", str(limits.file_mb * MB)]
        argv += ["--tmpfs", "/tmp", "--perms", "1777", "--size", str(limits.file_mb * MB), "--tmpfs", "/dev/shm"]
        for name, path in inputs.items():
            argv += ["--ro-bind", str(Path(path).resolve()), f"/data/{name}.parquet"]
        argv += [
            "--ro-bind",
            str(files["entry"]),
            "/gongshu/entry.py",
            "--ro-bind",
            str(files["code"]),
            "/gongshu/job.py",
        ]
        argv += ["--ro-bind", str(files["job"]), "/gongshu/job.json", "--bind", str(files["out"]), "/out"]
        argv += ["--remount-ro", "/", "--chdir", "/tmp", "--clearenv"]
        argv += [arg for k, v in SANDBOX_ENV.items() for arg in ("--setenv", k, v)]
        argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]
        # -s -S -B -P: no user site, no site module, no bytecode, no script folder on sys.path (-I without -E,
        # so that PYTHONHASHSEED of the cleared environment holds)
        return [*argv, str(self.python), "-s", "-S", "-B", "-P", "/gongshu/entry.py", "/gongshu/job.json"]

    def _check_started(self, status: Path, log: str) -> None:
        if "child-pid" not in status.read_text(encoding="utf-8", errors="replace"):
            raise IsolationError(
                "setup", f"沙箱未能启动：{log.strip()[-500:]}", f"the sandbox could not start: {log.strip()[-500:]}"
            )


def check_name(name: str) -> None:
    """Refuse a table or output name that is not one plain file name (no folder, no dot first, no NUL)."""
    if not name or name != Path(name).name or name.startswith(".") or "\0" in name or len(name) > 200:
        raise IsolationError(
            "invalid", f"名称无效：{name!r}（只能是文件名）", f"invalid name {name!r}: must be a plain file name"
        )


def collect_outputs(out_dir: Path, declared: Sequence[str]) -> dict[str, Path]:
    """Declared names that are regular files directly in ``out_dir`` (``lstat``: a symlink is never followed)."""
    found: dict[str, Path] = {}
    for name in declared:
        path = out_dir / name
        try:
            st = path.lstat()
        except OSError:
            continue
        if path.is_symlink() or not _is_regular(st.st_mode) or st.st_nlink != 1:
            continue
        found[name] = path
    return found


def _is_regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def _parents(paths: Sequence[str]) -> list[str]:
    """``--dir`` for every folder above ``paths`` (outside /usr), world-readable: bwrap would make them 0700."""
    argv: list[str] = []
    for path in paths:
        for parent in reversed(Path(path).parents[:-1]):
            if not parent.is_relative_to("/usr") and str(parent) not in argv:
                argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def _root_dir(path: Path) -> list[str]:
    if path.is_symlink():
        return ["--symlink", os.readlink(path), str(path)]
    return ["--ro-bind", str(path), str(path)] if path.is_dir() else []


def _prepare(
    job_dir: Path, code: str, entry: str, inputs: Mapping[str, Path], uid: int, sys_path: list[str]
) -> dict[str, Path]:
    """Write the launcher, the code and the job description; make an empty out folder owned by the job user."""
    box = job_dir / "sandbox"
    box.mkdir(parents=True, exist_ok=True)
    files = {name: box / name for name in ("entry.py", "job.py", "job.json", "log.txt", "status.json")}
    shutil.copyfile(Path(entry_module.__file__), files["entry.py"])
    files["job.py"].write_text(code, encoding="utf-8")
    job = {"uid": uid, "gid": uid, "sys_path": sys_path, "code": "/gongshu/job.py", "entry": entry, "out": "/out"}
    job["inputs"] = {name: f"/data/{name}.parquet" for name in inputs}
    files["job.json"].write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    for name in ("entry.py", "job.py", "job.json"):
        files[name].chmod(0o644)
    out = job_dir / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(mode=0o700)
    os.chown(out, uid, uid)
    return {
        "entry": files["entry.py"],
        "code": files["job.py"],
        "job": files["job.json"],
        "log": files["log.txt"],
        "status": files["status.json"],
        "out": out,
    }


def _limiter(limits: PyLimits) -> Callable[[], None]:
    """The function run in the forked child before bwrap starts: set the rlimits every descendant inherits."""
    table = {
        resource.RLIMIT_CPU: (limits.cpu_seconds, limits.cpu_seconds + 5),
        resource.RLIMIT_AS: (limits.memory_mb * MB, limits.memory_mb * MB),
        resource.RLIMIT_NPROC: (limits.processes, limits.processes),
        resource.RLIMIT_FSIZE: (limits.file_mb * MB, limits.file_mb * MB),
        resource.RLIMIT_CORE: (0, 0),
    }

    def apply() -> None:
        for which, value in table.items():
            resource.setrlimit(which, value)

    return apply


def _execute(argv: list[str], files: Mapping[str, Path], limits: PyLimits) -> tuple[int, bool, float]:
    """Run bwrap in a session of its own and kill the session at the wall-time limit. Returns the exit code
    (128 + signal when signalled), whether it was killed for time, and the job's CPU seconds (``wait4``)."""
    with files["log"].open("wb") as log, files["status"].open("wb") as status:
        argv = [argv[0], "--json-status-fd", str(status.fileno()), *argv[1:]]
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(status.fileno(),),
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            start_new_session=True,
            preexec_fn=_limiter(limits),  # only setrlimit calls: safe after fork
        )
        lock, state = threading.Lock(), {"done": False, "killed": False}

        def kill() -> None:
            with lock:
                if not state["done"]:
                    state["killed"] = True
                    os.killpg(proc.pid, signal.SIGKILL)  # bwrap dies; --die-with-parent ends the sandbox

        timer = threading.Timer(limits.wall_seconds, kill)
        timer.daemon = True
        timer.start()
        _, wait_status, usage = os.wait4(proc.pid, 0)
        with lock:
            state["done"] = True
        timer.cancel()
    code = os.waitstatus_to_exitcode(wait_status)
    proc.returncode = code
    return (code if code >= 0 else 128 - code), state["killed"], usage.ru_utime + usage.ru_stime
