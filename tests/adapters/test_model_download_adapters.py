"""Approving a model's download through the API and the CLI: only the data bureau, and only then does the
developer get the model file (needs /usr/bin/bwrap)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factories import bearer
from gongshu.cli.common import use_platform
from gongshu.cli.main import app
from gongshu.identity import services as identity
from gongshu.platform import Platform
from gongshu.sandbox import jobs, review
from gongshu.sandbox.queue import Worker
from gongshu.sandbox.work import execute
from model_jobs import LR_MODEL, LR_OUTPUTS
from sandbox_setup import build_sandbox

pytestmark = [
    pytest.mark.skipif(not Path("/usr/bin/bwrap").exists(), reason="bubblewrap is not installed"),
    pytest.mark.xdist_group("bwrap"),
]


def actor(platform: Platform, username: str):
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, username))


@pytest.fixture
def approved(platform: Platform, tmp_path: Path):
    sb = build_sandbox(platform, tmp_path)
    with platform.uow(write=True) as uow:
        number = jobs.submit_python(
            uow, actor(platform, sb.developer), sb.agreement, LR_MODEL, outputs=LR_OUTPUTS
        ).number
    assert Worker(platform, execute).run_one() == number
    for who in sb.operators:
        with platform.uow(write=True) as uow:
            review.decide(uow, actor(platform, who), number, "approve", "同意", review.ALL_PASSED)
    return sb, number


def test_the_api_lets_only_the_bureau_approve_a_model_download(client: TestClient, platform: Platform, approved):
    sb, number = approved
    dev, bureau = bearer(platform, sb.developer), bearer(platform, sb.bureau)
    url = f"/api/v1/jobs/{number}/outputs/lr.onnx"
    assert client.get(url, headers=dev).status_code == 409
    assert client.post(f"{url}/download-approval", headers=dev).status_code == 403
    r = client.post(f"{url}/download-approval", headers=bureau)
    assert r.status_code == 200, r.text
    assert r.json() == {"number": number, "output": "lr.onnx", "kind": "model", "download_approved_by": sb.bureau}
    got = client.get(url, headers=dev)
    assert got.status_code == 200 and got.content[:1]


@pytest.fixture
def cli(platform: Platform) -> Iterator[CliRunner]:
    use_platform(platform)
    yield CliRunner()
    use_platform(None)


def test_the_cli_approves_a_model_download_as_the_bureau_and_refuses_anyone_else(cli, platform: Platform, approved):
    sb, number = approved
    refused = cli.invoke(app, ["job", "approve-model-download", number, "lr.onnx", "--as", sb.operators[0]])
    assert refused.exit_code != 0
    done = cli.invoke(app, ["job", "approve-model-download", number, "lr.onnx", "--as", sb.bureau])
    assert done.exit_code == 0, done.stdout + done.stderr
    with platform.uow(write=True) as uow:
        assert review.output_file(uow, actor(platform, sb.developer), number, "lr.onnx")[1].is_file()
