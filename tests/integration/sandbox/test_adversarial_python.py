"""The adversarial suite, Python part: a model job that reads files it was not given, opens a socket, bombs
forks or memory, writes outside /out, or hands back pickle, identifiers or one row per person ends failed or
refused with the kind recorded, and nothing of it can be downloaded (needs /usr/bin/bwrap)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import test_adversarial
from test_adversarial import World, actor, check_nothing_left, leaks, released, run

from gongshu.errors import Invalid
from gongshu.grants.agreements import get_agreement
from gongshu.sandbox import jobs, views
from gongshu.sandbox.access import granted_tables
from gongshu.sandbox.jobs import get_job

# Python jobs run one at a time on one test worker: the isolation tests count every job process
# on the machine.
pytestmark = [
    pytest.mark.skipif(not Path("/usr/bin/bwrap").exists(), reason="bubblewrap is not installed"),
    pytest.mark.xdist_group("bwrap"),
]
T = "居民收入抽样信息"
world = test_adversarial.world  # the same module-scoped sandbox fixture, one per module and backend


def submit_py(w: World, body: str, outputs: list[str]) -> str:
    code = "import json, os, socket\nimport pyarrow as pa, pyarrow.parquet as pq\n\n\ndef main(inputs, out):\n"
    code += textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"
    with w.platform.uow(write=True) as uow:
        return jobs.submit_python(uow, actor(w.platform, w.sb.developer), w.sb.agreement, code, outputs=outputs).number


def parquet_of(w: World) -> Path:
    with w.platform.uow() as uow:
        return granted_tables(uow, get_agreement(uow, actor(w.platform, "jrj"), w.sb.agreement))[0].path


def ends(w: World, number: str, status: str, kind: str, rule: str | None = None, *, logged: str = "") -> dict:
    """The job ends with ``status``; a failure says only "run-failed" to the submitter, while its log (for
    reviewers) names what stopped it (``logged``)."""
    s = run(w.platform, number)
    assert (s["status"], s["error"]["kind"]) == (status, kind), s["error"]
    if rule is not None:
        assert s["error"]["rule"] == rule
    if status == "failed":
        assert f"[gongshu] stopped: {logged}" in s["said"]
    check_nothing_left(w.platform, w.sb, number, s)
    assert not released(s, w.rows)
    return s


def _secrets(w: World) -> list[tuple[str, str]]:
    return [
        ("/etc/passwd", "files"),
        (str(w.platform.settings.home / "gongshu.db"), "files"),  # the platform's database file (SQLite)
        (str(parquet_of(w)), "files"),  # the original resource, not the projected input
    ]


FAILED = "run-failed"  # every failure looks the same to the submitter


@pytest.mark.parametrize("which", [0, 1, 2], ids=["etc-passwd", "platform-db", "resource-parquet"])
def test_reading_a_file_outside_the_inputs_fails_the_job_and_its_log_says_files(world, which):
    path, _ = _secrets(world)[which]
    number = submit_py(world, f"open({path!r}, 'rb').read()", ["m.json"])
    s = ends(world, number, "failed", FAILED, logged="access to a file outside the inputs")
    assert "root:" not in s["said"]


def test_a_job_that_catches_its_failed_reads_and_returns_them_gets_nothing_of_them_out(world):
    paths = [p for p, _ in _secrets(world)]
    body = f"""
        got = {{}}
        for p in {paths!r}:
            try:
                got[p] = open(p, 'rb').read(4096).decode('latin-1')
            except Exception as e:
                got[p] = type(e).__name__
        json.dump(got, open(os.path.join(out, 'm.json'), 'w'))
    """
    s = run(world.platform, submit_py(world, body, ["m.json"]))
    assert s["status"] == "in_review"
    got = json.loads(s["files"]["m.json"])
    assert set(got.values()) <= {"FileNotFoundError", "PermissionError"} and not released(s, world.rows)


def test_a_socket_to_the_database_port_fails_the_job_and_its_log_says_network(world):
    number = submit_py(world, "socket.create_connection(('127.0.0.1', 5432), timeout=2)", ["m.json"])
    ends(world, number, "failed", FAILED, logged="network access")


def test_a_fork_bomb_is_stopped_by_the_process_limit(world):
    body = """
        while True:
            os.fork()
    """
    ends(world, submit_py(world, body, ["m.json"]), "failed", FAILED, logged="process limit")


def test_a_memory_bomb_is_stopped_by_the_memory_limit(world):
    body = """
        hog = []
        while True:
            hog.append(bytearray(64 << 20))
    """
    ends(world, submit_py(world, body, ["m.json"]), "failed", FAILED, logged="memory limit")


def test_writing_outside_the_output_folder_fails_the_job_and_its_log_says_files(world):
    body = f"open('/data/{T}.parquet', 'wb').write(b'x')"
    ends(world, submit_py(world, body, ["m.json"]), "failed", FAILED, logged="access to a file outside the inputs")
    assert parquet_of(world).read_bytes()[:4] == b"PAR1"


def test_a_pickle_output_is_refused_by_name_and_in_disguise(world):
    with world.platform.uow(write=True) as uow, pytest.raises(Invalid):
        jobs.submit_python(
            uow,
            actor(world.platform, world.sb.developer),
            world.sb.agreement,
            "def main(i, o): pass",
            outputs=["m.pkl"],
        )
    body = """
        import pickle
        pickle.dump({'x': 1}, open(os.path.join(out, 'model.skops'), 'wb'))
    """
    ends(world, submit_py(world, body, ["model.skops"]), "refused", "control", "file-type")


ROWWISE = f"t = pq.read_table(inputs[{T!r}])\n"


@pytest.mark.parametrize(
    ("columns", "n"),
    [("['区县', '月收入']", None), ("['身份证号', '区县']", 10), ("['区县', '月收入']", 1)],
    ids=["no-count-column", "id-number-column", "row-per-person"],
)
def test_a_table_output_over_personal_data_is_refused_whatever_count_it_declares(world, columns, n):
    write = f"t = t.select({columns})" + (f".append_column('__n', pa.array([{n}] * len(t)))" if n else "")
    body = ROWWISE + write + "\npq.write_table(t, os.path.join(out, 't.parquet'))"
    ends(world, submit_py(world, body, ["t.parquet"]), "refused", "control", "python-personal-table")


def test_what_a_job_prints_never_reaches_the_developer_with_raw_values(world):
    number = submit_py(world, ROWWISE + "print(t.to_pylist())\nraise SystemExit(1)", ["m.json"])
    run(world.platform, number)
    with world.platform.uow() as uow:
        me = actor(world.platform, world.sb.developer)
        shown = json.dumps(views.job_view(uow, me, get_job(uow, me, number)), ensure_ascii=False)
    assert not [i for i in leaks(shown, world.rows) if len(i) == 18]
