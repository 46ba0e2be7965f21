"""Python jobs under review (issue 10 §4): reviewers read a JSON output pretty-printed and what the program printed;
the submitter reads neither, and of a failed job only "failed" and its rule (needs /usr/bin/bwrap)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongshu.identity import services as identity
from gongshu.platform import Platform
from gongshu.sandbox import jobs
from gongshu.sandbox.jobs import get_job
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.views import job_view
from gongshu.sandbox.work import execute
from sandbox_setup import Sandbox, build_sandbox

pytestmark = [
    pytest.mark.skipif(not Path("/usr/bin/bwrap").exists(), reason="bubblewrap is not installed"),
    pytest.mark.xdist_group("bwrap"),
    pytest.mark.usefixtures("backend"),
]
MARK = "73519.25"  # a value the job computes (its code says 73519 + 0.25), as text
COMPUTED = "73519 + 0.25"


def actor(platform: Platform, username: str):
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, username))


def ran(platform: Platform, sb: Sandbox, body: str, outputs: list[str]) -> str:
    code = "import json, os\n\n\ndef main(inputs, out):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    with platform.uow(write=True) as uow:
        number = jobs.submit_python(uow, actor(platform, sb.developer), sb.agreement, code, outputs=outputs).number
    assert Worker(platform, execute).run_one() == number
    return number


def view(platform: Platform, username: str, number: str) -> dict:
    with platform.uow() as uow:
        who = actor(platform, username)
        return job_view(uow, who, get_job(uow, who, number))


@pytest.fixture
def sb(platform: Platform, tmp_path: Path) -> Sandbox:
    return build_sandbox(platform, tmp_path)


def test_reviewers_read_a_json_output_and_the_log_and_the_submitter_neither(platform, sb):
    body = f"print('fitted on rows', {COMPUTED})\n"
    body += f"json.dump({{'loss': {COMPUTED}}}, open(os.path.join(out, 'metrics.json'), 'w'))"
    number = ran(platform, sb, body, ["metrics.json"])
    reviewer = view(platform, sb.operators[0], number)
    assert reviewer["status"] == "in_review", reviewer["error"]
    [out] = reviewer["outputs"]
    assert out["content"] == {"type": "json", "text": '{\n  "loss": ' + MARK + "\n}", "truncated": False}
    assert MARK in reviewer["log"]
    for who in (sb.developer, sb.colleague):
        seen = json.dumps(view(platform, who, number), ensure_ascii=False)
        assert MARK not in seen and view(platform, who, number)["log"] == ""


def test_a_failed_python_job_tells_its_submitter_only_failed_and_the_rule(platform, sb):
    number = ran(platform, sb, f"print('secret', {COMPUTED})\nraise ValueError(str({COMPUTED}))", ["m.json"])
    shown = view(platform, sb.developer, number)
    assert shown["status"] == "failed"
    assert shown["error"]["zh"] == "作业运行失败" and shown["error"]["rule"]
    said = json.dumps({k: v for k, v in shown.items() if k != "code"}, ensure_ascii=False)  # its own code aside
    assert MARK not in said and "ValueError" not in said and "退出码" not in said and "exit code" not in said
    reviewer = view(platform, sb.provider, number)
    assert MARK in reviewer["log"] and "ValueError" in reviewer["log"]
