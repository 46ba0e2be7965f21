"""The Python job sandbox on real bubblewrap and real processes: a normal model job succeeds; reading other
files, opening sockets, fork and memory bombs, busy loops, huge files, escaping /out and reading secrets fail."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongshu.sandbox.errors import IsolationError
from gongshu.sandbox.isolation import BubblewrapIsolation, PyLimits, PyRun
from gongshu.sandbox.isolation.bubblewrap import SANDBOX_ENV, UID_BASE
from gongshu.sandbox.isolation.formats import validate_output

REPO = Path(__file__).resolve().parents[3]
# Python jobs run one at a time on one test worker: the isolation tests count every job process
# on the machine.
pytestmark = [
    pytest.mark.skipif(not Path("/usr/bin/bwrap").exists(), reason="bubblewrap is not installed"),
    pytest.mark.xdist_group("bwrap"),
]


def job(
    tmp_path: Path,
    body: str,
    *,
    inputs: dict[str, Path] | None = None,
    outputs: tuple[str, ...] = ("seen.json",),
    limits: PyLimits | None = None,
) -> PyRun:
    """Run ``body`` as the body of ``main(inputs, out)``; ``see(**kw)`` in it records observations in seen.json."""
    code = "import json, os, sys\nfrom pathlib import Path\n\n"
    code += "def see(**kw):\n    Path('/out/seen.json').write_text(json.dumps(kw))\n\n"
    code += "def main(inputs, out):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    return BubblewrapIsolation().run(
        tmp_path / "job",
        code=code,
        entry="main",
        inputs=inputs or {},
        outputs=list(outputs),
        limits=limits or PyLimits(),
    )


def seen(run: PyRun) -> dict:
    assert "seen.json" in run.outputs, run.log
    return json.loads(run.outputs["seen.json"].read_text())


def settled_job_processes(seconds: float = 3.0) -> list[int]:
    """Job processes still alive after the kernel had ``seconds`` to reap the killed ones."""
    deadline = time.monotonic() + seconds
    while (found := job_processes()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def job_processes() -> list[int]:
    """Processes on this machine owned by a job user."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if uid >= UID_BASE:
            found.append(int(status.parent.name))
    return found


@pytest.fixture
def table(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    x = rng.normal(size=200)
    path = tmp_path / "data" / "企业.parquet"
    path.parent.mkdir()
    pq.write_table(pa.table({"x": x, "y": (x + rng.normal(scale=0.5, size=200) > 0).astype("int64")}), path)
    return path


def test_a_normal_job_trains_a_model_and_returns_its_declared_outputs(tmp_path: Path, table: Path) -> None:
    body = """
        import numpy as np, pyarrow.parquet as pq, skops.io as sio
        from sklearn.linear_model import LogisticRegression
        t = pq.read_table(inputs["企业"])
        X, y = np.asarray(t["x"]).reshape(-1, 1), np.asarray(t["y"])
        model = LogisticRegression().fit(X, y)
        Path(out, "scores.csv").write_text("band,score\\n" + "".join(f"{i},{p:.3f}\\n" for i, p in
                                           enumerate(model.predict_proba(X[:5])[:, 1])))
        Path(out, "metrics.json").write_text(json.dumps({"accuracy": model.score(X, y)}))
        sio.dump(model, Path(out, "model.skops"))
    """
    run = job(tmp_path, body, inputs={"企业": table}, outputs=("scores.csv", "metrics.json", "model.skops"))
    assert (run.status, run.reason, run.exit_code) == ("succeeded", "", 0), run.log
    assert sorted(run.outputs) == ["metrics.json", "model.skops", "scores.csv"]
    assert [validate_output(p).place for p in run.outputs.values()] == ["table", "metrics", "model"]
    assert json.loads(run.outputs["metrics.json"].read_text())["accuracy"] > 0.6


def test_the_job_runs_as_an_unprivileged_user_without_capabilities(tmp_path: Path) -> None:
    body = """
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        see(uid=os.getuid(), caps=status["CapEff"].strip(), nnp=status["NoNewPrivs"].strip(),
            root=sorted(os.listdir("/")))
    """
    got = seen(job(tmp_path, body))
    assert got["uid"] >= UID_BASE
    assert (got["caps"], got["nnp"]) == ("0000000000000000", "1")
    assert "etc" not in got["root"] and "work" not in got["root"] and "home" not in got["root"]


@pytest.mark.parametrize("path", ["/etc/shadow", "/etc/passwd", str(REPO / "pyproject.toml")])
def test_reading_a_file_of_the_machine_fails_with_files(tmp_path: Path, path: str) -> None:
    run = job(tmp_path, f"print(open({path!r}).read())")
    assert (run.status, run.reason) == ("failed", "files")
    assert "root:" not in run.log and "[project]" not in run.log


def test_the_job_sees_only_the_inputs_it_was_granted(tmp_path: Path, table: Path) -> None:
    sibling = table.with_name("个人.parquet")
    pq.write_table(pa.table({"id": ["secret"]}), sibling)
    body = f"""
        see(data=sorted(os.listdir("/data")), inputs=inputs, out=out,
            sibling=os.path.exists({str(sibling)!r}), granted_host_path=os.path.exists({str(table)!r}),
            readable=open(inputs["企业"], "rb").read(4).decode())
    """
    got = seen(job(tmp_path, body, inputs={"企业": table}))
    assert got == {
        "data": ["企业.parquet"],
        "inputs": {"企业": "/data/企业.parquet"},
        "out": "/out",
        "sibling": False,
        "granted_host_path": False,
        "readable": "PAR1",
    }


def test_the_platform_database_named_in_the_parent_environment_is_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "home" / "gongshu.db"
    db.parent.mkdir()
    db.write_text("the platform's database")
    monkeypatch.setenv("GONGSHU_DATABASE_URL", f"sqlite:///{db}")
    run = job(tmp_path, f"url = os.environ.get('GONGSHU_DATABASE_URL'); print(url); open(url or {str(db)!r}).read()")
    assert (run.status, run.reason) == ("failed", "files")
    assert "None" in run.log and "the platform's database" not in run.log


def test_the_environment_holds_no_secret_of_the_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGSHU_SECRET_KEY", "s3cr3t-value-7f2a")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-s3cr3t-9b1c")
    got = seen(job(tmp_path, "see(env=dict(os.environ))"))
    assert set(got["env"]) <= {*SANDBOX_ENV, "PWD"}
    assert "s3cr3t" not in json.dumps(got)


@pytest.mark.parametrize("address", [("127.0.0.1", 5432), ("8.8.8.8", 53)])
def test_opening_a_socket_fails_with_network(tmp_path: Path, address: tuple[str, int]) -> None:
    """127.0.0.1:5432 is the PostgreSQL server of these machines: reachable from the test, not from the job."""
    run = job(tmp_path, f"import socket\nsocket.create_connection({address!r}, timeout=3)")
    assert (run.status, run.reason) == ("failed", "network"), run.log


def test_a_fork_bomb_is_stopped_and_the_machine_survives(tmp_path: Path) -> None:
    started = time.monotonic()
    run = job(tmp_path, "while True:\n    os.fork()")
    assert (run.status, run.reason) == ("killed", "processes"), run.log
    assert time.monotonic() - started < 15
    assert settled_job_processes() == []
    assert subprocess.run(["true"], check=False).returncode == 0


def test_allocating_4_gb_fails_with_memory(tmp_path: Path) -> None:
    run = job(tmp_path, "block = bytearray(4 * 1024**3)")
    assert (run.status, run.reason) == ("killed", "memory")


def test_a_busy_loop_is_stopped_at_the_cpu_limit(tmp_path: Path) -> None:
    run = job(tmp_path, "while True:\n    pass", limits=PyLimits(cpu_seconds=1, wall_seconds=20))
    assert (run.status, run.reason) == ("killed", "cpu")
    assert run.seconds < 10


def test_a_job_past_its_wall_time_is_killed_with_its_children(tmp_path: Path) -> None:
    run = job(tmp_path, "import time\nos.fork()\ntime.sleep(60)", limits=PyLimits(wall_seconds=1))
    assert (run.status, run.reason) == ("killed", "timeout")
    assert run.seconds < 5
    assert settled_job_processes(5.0) == []  # the child sleeps 60 s: one that survived would still be there


def test_a_background_process_does_not_outlive_the_job(tmp_path: Path) -> None:
    body = """
        import time
        if os.fork() == 0:
            time.sleep(1)
            Path(out, "late.csv").write_text("a\\n1\\n")
    """
    run = job(tmp_path, body, outputs=("late.csv",))
    time.sleep(1.5)
    assert run.status == "succeeded"
    assert not (tmp_path / "job" / "out" / "late.csv").exists()


def test_writing_a_1_gb_file_stops_at_the_file_size_limit(tmp_path: Path) -> None:
    body = """
        with open(Path(out, "big.csv"), "wb") as f:
            for _ in range(1024):
                f.write(b"x" * 1024 * 1024)
    """
    run = job(tmp_path, body, outputs=("big.csv",), limits=PyLimits(file_mb=16))
    assert (run.status, run.reason) == ("killed", "file_size")
    assert (tmp_path / "job" / "out" / "big.csv").stat().st_size <= 16 * 1024 * 1024


def test_writing_outside_the_out_folder_fails(tmp_path: Path, table: Path) -> None:
    body = """
        errors = {}
        for path in ["/x", "/usr/x", "/data/x", inputs["企业"], "/gongshu/job.py", "/opt/site/0/x.py", "/proc/x"]:
            try:
                open(path, "a").close()
                errors[path] = None
            except OSError as e:
                errors[path] = type(e).__name__
        see(errors=errors)
    """
    got = seen(job(tmp_path, body, inputs={"企业": table}))
    assert len(got["errors"]) == 7 and None not in got["errors"].values(), got
    assert table.read_bytes()[:4] == b"PAR1"


def test_a_symlink_in_out_is_not_returned(tmp_path: Path) -> None:
    run = job(tmp_path, "os.symlink('/etc/passwd', Path(out, 'scores.csv'))", outputs=("scores.csv",))
    assert run.status == "succeeded"
    assert run.outputs == {}


def test_an_undeclared_output_is_not_returned(tmp_path: Path) -> None:
    body = "Path(out, 'scores.csv').write_text('a\\n1\\n')\nPath(out, 'raw.csv').write_text('a\\n1\\n')"
    run = job(tmp_path, body, outputs=("scores.csv", "missing.json"))
    assert list(run.outputs) == ["scores.csv"]


def test_a_pickle_output_is_returned_but_refused(tmp_path: Path) -> None:
    body = """
        import pickle
        Path(out, "model.pkl").write_bytes(pickle.dumps({"w": [1.0]}))
        Path(out, "model.skops").write_bytes(pickle.dumps({"w": [1.0]}))
    """
    run = job(tmp_path, body, outputs=("model.pkl", "model.skops"))
    verdicts = [validate_output(p) for p in run.outputs.values()]
    assert len(verdicts) == 2
    assert all(not v.passed and "pickle" in v.en and "pickle" in v.zh for v in verdicts)


def test_running_again_in_the_same_folder_starts_from_an_empty_out_folder(tmp_path: Path) -> None:
    job(tmp_path, "Path(out, 'scores.csv').write_text('a\\n1\\n')", outputs=("scores.csv",))
    run = job(tmp_path, "pass", outputs=("scores.csv",))
    assert run.outputs == {}


def test_the_log_is_truncated_and_keeps_its_end(tmp_path: Path) -> None:
    run = job(tmp_path, "print('x' * 300_000)\nprint('the end')")
    assert len(run.log.encode()) < 70_000
    assert "bytes cut" in run.log and run.log.rstrip().endswith("the end")


def test_a_job_without_its_entry_point_fails_with_error(tmp_path: Path) -> None:
    run = BubblewrapIsolation().run(tmp_path, code="x = 1\n", entry="main", inputs={}, outputs=[], limits=PyLimits())
    assert (run.status, run.reason) == ("failed", "error")
    assert "main" in run.log


def test_missing_bubblewrap_raises_an_error_saying_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(IsolationError) as e:
        BubblewrapIsolation(tmp_path / "bwrap").run(
            tmp_path, code="", entry="main", inputs={}, outputs=[], limits=PyLimits()
        )
    assert e.value.kind == "unavailable" and "install bubblewrap" in e.value.en and "安装" in e.value.zh


@pytest.mark.parametrize("name", ["../x.csv", "a/b.csv", ".hidden", ""])
def test_an_output_name_that_is_not_a_plain_file_name_is_refused_before_anything_runs(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(IsolationError) as e:
        BubblewrapIsolation().run(tmp_path, code="", entry="main", inputs={}, outputs=[name], limits=PyLimits())
    assert e.value.kind == "invalid"
    assert not (tmp_path / "out").exists()
