"""Python jobs, what the platform checks rather than the job declares: a failure says only "failed" whatever
the job did; any output the platform cannot read fails that job and never the worker; tables over personal data
are refused and self-declared counts too; no protected input value leaves in any output, as it is, reversed,
with a prefix or suffix, or hashed; models that memorize their rows are refused (needs /usr/bin/bwrap)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import test_adversarial
from python_worlds import build_stations, station_rows, submit_py
from sqlalchemy import select
from test_adversarial import ROWS, World, _database, _drop, actor, released, run

from gongshu.clock import FakeClock
from gongshu.config import Settings
from gongshu.db import Database
from gongshu.ledger.models import LedgerEvent
from gongshu.platform import Platform
from gongshu.sandbox import jobs, runner
from gongshu.sandbox.errors import IsolationError
from gongshu.sandbox.models import Job
from gongshu.sandbox.py_jobs import run_python
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from sandbox_setup import Sandbox, build_sandbox

pytestmark = [
    pytest.mark.skipif(not Path("/usr/bin/bwrap").exists(), reason="bubblewrap is not installed"),
    pytest.mark.xdist_group("bwrap"),
]
T = "居民收入抽样信息"
S = "空气质量监测信息"
GENERIC = {"kind": "run-failed", "rule": "run-failed", "zh": "作业运行失败", "en": "the job failed", "place": ""}


def _world(request: pytest.FixtureRequest, folder: Path, build: Callable[..., Sandbox], rows: list) -> Iterator[World]:
    url, name = _database(request, folder)
    settings = Settings(  # type: ignore[call-arg]
        home=folder / "home", database_url=url, _env_file=None, py_cpu_seconds=20, py_wall_seconds=60
    )
    platform = Platform(settings, clock=FakeClock(), db=Database(settings.db_url))
    try:
        yield World(platform, build(platform, folder, rows), rows)
    finally:
        platform.close()
        _drop(request, name)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The adversarial suite's income sandbox (personal: ID numbers), with the default memory limit."""
    yield from _world(request, tmp_path_factory.mktemp("people"), lambda p, f, r: build_sandbox(p, f, data=r), ROWS)


@pytest.fixture(scope="module", params=BACKENDS)
def stations(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A sandbox over non-personal data (air-quality stations), one per module and backend."""
    yield from _world(request, tmp_path_factory.mktemp("stations"), build_stations, station_rows())


def outcome(w: World, number: str) -> dict:
    """Run the queued job ``number`` and read what it left (files by name: models are binary)."""
    assert Worker(w.platform, execute).run_one() == number
    with w.platform.uow() as uow:
        job = uow.session.execute(select(Job).where(Job.number == number)).scalar_one()
        folder = w.platform.settings.jobs_dir / number
        return {
            "status": job.status,
            "error": json.loads(job.error) if job.error else None,
            "files": sorted(p.name for p in folder.iterdir()) if folder.is_dir() else [],
            "checks": {f["rule"]: f["passed"] for f in json.loads(job.checks or "[]")},
            "log": job.log,
        }


def ids(w: World, n: int = 200) -> list[str]:
    return [str(r[0]) for r in w.rows[1 : n + 1]]


def ledgered(w: World, number: str, action: str) -> str:
    with w.platform.uow() as uow:
        events = uow.session.execute(
            select(LedgerEvent).where(LedgerEvent.object_id == number, LedgerEvent.action == action)
        ).scalars()
        return " ".join(e.detail for e in events)


def read(body: str) -> str:
    return READ + textwrap.dedent(body)


READ = f"t = pq.read_table(inputs[{T!r}]).to_pylist()\nsecret = t[0]['身份证号']\n"

# -- 1. a failure says "failed", whatever the job did ------------------------------------------------------

FAILURES = {
    "plain-exit": "raise SystemExit(1)",
    "exit-code-from-data": READ + "sys.exit(ord(secret[0]))",
    "exception-with-ids": READ + "raise ValueError(', '.join(r['身份证号'] for r in t[:40]))",
    "exception-class-from-data": READ + "raise (KeyError if secret[6] == '1' else OSError)(secret)",
    "file-outside": "open('/etc/passwd').read()",
    "memory": "hog = []\nwhile True:\n    hog.append(bytearray(64 << 20))",
}


def test_every_failure_shows_the_submitter_the_same_bytes_and_the_log_keeps_what_happened(world):
    errors, events = {}, {}
    for name, body in FAILURES.items():
        number = submit_py(world, body, ["m.json"])
        s = run(world.platform, number)
        assert s["status"] == "failed"
        errors[name] = s["error"]
        events[name] = ledgered(world, number, "job.fail")
        assert not [i for i in ids(world) if i in json.dumps(s["error"]) + events[name]]
        if name == "exception-with-ids":  # what the job printed stays on the job's log, for reviewers
            with world.platform.uow() as uow:
                log = uow.session.execute(select(Job.log).where(Job.number == number)).scalar_one()
            assert ids(world)[0] in log and "[gongshu] stopped" in log
    assert all(e == GENERIC for e in errors.values()), errors
    assert len({json.dumps(e, sort_keys=True) for e in errors.values()}) == 1
    # each event names its own code's hash (the ledger's trace of what ran); nothing else differs
    hashes = {name: json.loads(e)["code_sha256"] for name, e in events.items()}
    assert len(set(hashes.values())) == len(FAILURES)
    same = {
        json.dumps({k: v for k, v in json.loads(e).items() if k != "code_sha256"}, sort_keys=True)
        for e in events.values()
    }
    assert len(same) == 1, events


# -- 2. an output the platform cannot read fails that job, never the worker ---------------------------------


@pytest.mark.parametrize(
    "column",
    ["pa.array([[1, 2], [3]])", "pa.array([{'a': 1}, {'a': 2}])", "pa.array([b'x', b'y'])"],
    ids=["list", "struct", "binary"],
)
def test_an_unexpected_column_type_fails_that_job_and_the_next_job_on_the_worker_completes(stations, column):
    table = f"pa.table({{'区县': ['高新区', '金水区'], '__n': {column}}})"  # today: a count the cast chokes on
    bad = submit_py(stations, f"pq.write_table({table}, os.path.join(out, 't.parquet'))", ["t.parquet"])
    good = submit_py(stations, "json.dump({'accuracy': 0.81}, open(os.path.join(out, 'm.json'), 'w'))", ["m.json"])
    worker = Worker(stations.platform, execute)
    assert worker.run_one() == bad
    assert worker.run_one() == good
    s = test_adversarial.status(stations.platform, bad)
    assert (s["status"], s["error"]) == ("failed", GENERIC)
    assert test_adversarial.status(stations.platform, good)["status"] == "in_review"


def test_inputs_that_cannot_be_projected_fail_the_job_with_the_same_message_and_raise_nothing_else(world):
    number = submit_py(world, "pass", ["m.json"])
    with world.platform.uow() as uow:
        ctx = runner.context(uow, uow.session.execute(select(Job).where(Job.number == number)).scalar_one())
    assert not isinstance(ctx, str)
    broken = replace(ctx, tables=[replace(t, path=Path("/nonexistent/table.parquet")) for t in ctx.tables])
    with pytest.raises(IsolationError) as e:
        run_python(world.platform, broken)
    assert (e.value.kind, e.value.zh, e.value.en) == ("run-failed", GENERIC["zh"], GENERIC["en"])
    with world.platform.uow(write=True) as uow:  # leave the module's queue empty
        jobs.cancel(uow, actor(world.platform, world.sb.developer), number)


def test_a_refusal_names_its_rule_and_never_which_outputs_the_data_let_through(stations):
    write = "json.dump({{'accuracy': 0.8}}, open(os.path.join(out, '{}'), 'w'))"
    said = []
    for name in ("a.json", "b.json"):
        s = run(stations.platform, submit_py(stations, write.format(name), ["a.json", "b.json"]))
        assert (s["status"], s["error"]["rule"]) == ("refused", "declared-outputs")
        said.append(s["error"])
    assert said[0] == said[1] and "a.json" not in json.dumps(said[0])


# -- 3. person counts come from the platform, never from the job --------------------------------------------


def test_a_python_table_over_personal_data_is_refused_even_with_a_made_up_count(world):
    body = read("""
        rows = {'id_reversed': [r['身份证号'][::-1] for r in t], '__n': [50] * len(t)}
        pq.write_table(pa.table(rows), os.path.join(out, 't.parquet'))
    """)
    s = run(world.platform, submit_py(world, body, ["t.parquet"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "python-personal-table")
    assert s["outputs"] == {} and not released(s, world.rows)


def test_a_python_table_over_non_personal_data_may_not_declare_its_counts(stations):
    body = f"""
        t = pq.read_table(inputs[{S!r}])
        g = t.group_by('区县').aggregate([('PM25', 'mean'), ('PM25', 'count')])
        g = g.rename_columns(['pm25_mean', '__n', '区县'])
        pq.write_table(g, os.path.join(out, 't.parquet'))
    """
    s = run(stations.platform, submit_py(stations, body, ["t.parquet"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "declared-counts")


def test_an_honest_aggregate_table_over_non_personal_data_goes_to_review(stations):
    body = f"""
        t = pq.read_table(inputs[{S!r}])
        g = t.group_by('区县').aggregate([('PM25', 'mean')])
        pq.write_table(g, os.path.join(out, 't.parquet'))
    """
    number = submit_py(stations, body, ["t.parquet"])
    s = outcome(stations, number)
    assert s["status"] == "in_review", (s["error"], s["log"][-2000:])
    assert s["files"] == ["t.parquet"] and s["checks"]["input-values"] and s["checks"]["declared-counts"]


# -- 4. no protected input value leaves, however it is written ----------------------------------------------

LEAKS = {
    "ids-in-metrics": "{'patients': [r['身份证号'] for r in t], 'accuracy': 0.9}",
    "ids-as-keys": "{r['身份证号']: r['月收入'] for r in t[:5]}",
    "reversed-id": "{'note': t[7]['身份证号'][::-1]}",
    "id-with-prefix-and-suffix": "{'who': 'P-' + t[3]['身份证号'] + '-x'}",
    "sha256-of-ids": "[hashlib.sha256(r['身份证号'].encode()).hexdigest() for r in t]",
    "md5-of-one-id": "{'h': hashlib.md5(t[9]['身份证号'].encode()).hexdigest().upper()}",
    "id-as-number": "{'v': int(next(r['身份证号'] for r in t if r['身份证号'].isdigit()))}",
    "id-spaced": "{'v': ' '.join(t[2]['身份证号'][i:i + 4] for i in range(0, 18, 4))}",
}


@pytest.mark.parametrize("payload", list(LEAKS.values()), ids=list(LEAKS))
def test_a_metrics_file_holding_input_values_is_refused(world, payload):
    body = READ + f"json.dump({payload}, open(os.path.join(out, 'm.json'), 'w'), ensure_ascii=False)"
    s = run(world.platform, submit_py(world, body, ["m.json"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "input-values"), s["error"]
    assert not released(s, world.rows) and s["files"] == {}


ONNX_ROWS = read("""
    import onnx
    from onnx import TensorProto, helper
    rows = [r for r in t if r['身份证号'].isdigit()][:69]
    init = [
        helper.make_tensor('ids', TensorProto.INT64, [len(rows)], [int(r['身份证号']) for r in rows]),
        helper.make_tensor('names', TensorProto.STRING, [len(rows)], [r['身份证号'].encode() for r in rows]),
        helper.make_tensor('incomes', TensorProto.FLOAT, [len(rows)], [float(r['月收入']) for r in rows]),
    ]
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [1])
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, [1])
    node = helper.make_node('Identity', ['x'], ['y'])
    graph = helper.make_graph([node], 'g', [x], [y], initializer=[INIT])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)]), os.path.join(out, 'm.onnx'))
""")


@pytest.mark.parametrize("init", ["init[0]", "init[1]"], ids=["ids-int64", "ids-strings"])
def test_an_onnx_model_whose_initializer_holds_69_rows_of_ids_is_refused(world, init):
    s = outcome(world, submit_py(world, ONNX_ROWS.replace("INIT", init), ["m.onnx"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "input-values"), s["error"]


def test_an_onnx_model_spelling_ids_in_code_points_is_refused(world):
    body = ONNX_ROWS.replace(
        "initializer=[INIT]",
        "initializer=[helper.make_tensor('c', TensorProto.INT32, [36], [ord(c) for c in rows[0]['身份证号'] * 2])]",
    )
    s = outcome(world, submit_py(world, body, ["m.onnx"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "input-values"), s["error"]


def test_a_csv_with_reversed_protected_strings_is_refused_on_non_personal_data(stations):
    body = f"""
        t = pq.read_table(inputs[{S!r}]).to_pylist()
        lines = [f"{{i}},{{r['监测点地址'][::-1]}}" for i, r in enumerate(t[:5])]
        open(os.path.join(out, 't.csv'), 'w').write('k,v\\n' + '\\n'.join(lines))
    """
    s = run(stations.platform, submit_py(stations, body, ["t.csv"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "input-values"), s["error"]


HONEST_METRICS = read("""
    import numpy as np
    y = np.array([r['月收入'] > 7000 for r in t])
    json.dump({'accuracy': 0.8312, 'auc': 0.77, 'rows': len(t), 'positive_share': float(y.mean()),
               'features': ['区县', '行业']}, open(os.path.join(out, 'm.json'), 'w'), ensure_ascii=False)
""")

HONEST_ONNX = read("""
    import numpy as np, onnx
    from onnx import TensorProto, helper
    from sklearn.linear_model import LogisticRegression
    X = np.array([[r['区县'] == '高新区', r['行业'] == '制造业'] for r in t], dtype=float)
    y = np.array([r['月收入'] > 7000 for r in t], dtype=int)
    m = LogisticRegression().fit(X, y)
    node = helper.make_node('LinearClassifier', ['x'], ['label', 'p'], domain='ai.onnx.ml',
                            coefficients=[float(v) for v in np.vstack([-m.coef_, m.coef_]).ravel()],
                            intercepts=[float(-m.intercept_[0]), float(m.intercept_[0])], classlabels_ints=[0, 1],
                            post_transform='LOGISTIC')
    graph = helper.make_graph([node], 'lr', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [None, 2])],
                              [helper.make_tensor_value_info('label', TensorProto.INT64, [None]),
                               helper.make_tensor_value_info('p', TensorProto.FLOAT, [None, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17), helper.make_opsetid('ai.onnx.ml', 3)])
    onnx.save(model, os.path.join(out, 'lr.onnx'))
""")


@pytest.mark.parametrize(
    ("body", "name"), [(HONEST_METRICS, "m.json"), (HONEST_ONNX, "lr.onnx")], ids=["metrics", "onnx-lr"]
)
def test_honest_metrics_and_an_onnx_logistic_regression_go_to_review(world, body, name):
    s = outcome(world, submit_py(world, body, [name]))
    assert s["status"] == "in_review", (s["error"], s["log"][-2000:])
    assert s["files"] == [name] and s["checks"]["input-values"] and s["checks"]["memorization"]


# -- 5. models that memorize their rows are refused ------------------------------------------------------------

SKOPS = read("""
    import numpy as np, skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.tree import DecisionTreeClassifier
    X = np.array([[r['月收入'] / 1000, r['区县'] == '高新区'] for r in t], dtype=float)
    y = np.array([r['行业'] == '制造业' for r in t], dtype=int)
    sio.dump(MODEL.fit(X, y), os.path.join(out, 'm.skops'))
""")


@pytest.mark.parametrize(
    "model",
    ["KNeighborsClassifier(n_neighbors=3, algorithm='brute')", "DecisionTreeClassifier()"],
    ids=["knn", "deep-tree"],
)
def test_a_nearest_neighbour_or_fully_grown_tree_model_is_refused_as_memorization(world, model):
    s = outcome(world, submit_py(world, SKOPS.replace("MODEL", model), ["m.skops"]))
    assert (s["status"], s["error"]["rule"]) == ("refused", "memorization"), s["error"]


@pytest.mark.parametrize(
    "model", ["LogisticRegression()", "DecisionTreeClassifier(min_samples_leaf=20)"], ids=["logistic", "small-tree"]
)
def test_a_small_model_passes_the_memorization_check(world, model):
    s = outcome(world, submit_py(world, SKOPS.replace("MODEL", model), ["m.skops"]))
    assert s["status"] == "in_review", (s["error"], s["log"][-2000:])
