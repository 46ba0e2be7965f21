"""Sandbox API (可信环境): what an agreement grants, synthetic samples, SQL and Python jobs, their review
(一模型一审定) and the download of approved outputs."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field, model_validator

from gongshu.api.deps import ActorDep, ReadUow, WriteUow
from gongshu.errors import Invalid
from gongshu.sandbox import jobs, model_downloads, review, samples
from gongshu.sandbox.views import agreement_view, job_view

router = APIRouter(tags=["sandbox"])


class JobIn(BaseModel):
    """A SQL query (DuckDB dialect) or a Python model (source text with an entry point and declared outputs)."""

    agreement: str
    sql: str | None = None
    python: str | None = Field(default=None, description="Python source defining entry(inputs, outputs)")
    entry: str = "main"
    outputs: list[str] = Field(default_factory=list, description="Python: the output files, e.g. result.csv")
    dp: bool = False
    epsilon: float | None = Field(default=None, gt=0)
    rows_per_person: int = Field(
        default=0, ge=0, le=1024, description="DP: rows each person contributes in all (0: estimated privately)"
    )
    groups_per_person: int = Field(
        default=0, ge=0, le=1024, description="DP: groups each person contributes to (0: estimated privately)"
    )
    title: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> JobIn:
        if (self.sql is None) == (self.python is None):
            raise ValueError("give exactly one of sql and python")
        return self


class DecisionIn(BaseModel):
    decision: str = Field(description="approve or reject")
    comment: str = Field(default="", description="required for every review")
    checklist: dict[str, bool] = Field(
        default_factory=dict,
        description="usability, consistency, compliance, security (可用性、一致性、合规性、安全性): each passed or "
        "not; an approval needs all four",
    )


class DisposalIn(BaseModel):
    kind: str = Field(description="returned or destroyed (归还 / 销毁)")
    note: str = ""


@router.get("/sandbox/agreements/{number}")
def agreement(number: str, uow: ReadUow, actor: ActorDep) -> dict[str, Any]:
    """The granted tables (SQL names, items, protected items), privacy terms and ε budget of an agreement."""
    return agreement_view(uow, actor, number)


@router.get("/sandbox/agreements/{number}/samples/{code}", response_class=Response)
def sample(number: str, code: str, uow: WriteUow, actor: ActorDep, format: str = "csv") -> Response:
    """样本数据: a synthetic sample of one granted resource (real schema, fake values), CSV or Parquet."""
    filename, body = samples.sample(uow, actor, number, code, format)
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=samples.FORMATS[format], headers={"Content-Disposition": disposition})


@router.post("/jobs", status_code=201)
def submit(body: JobIn, uow: WriteUow, actor: ActorDep) -> dict[str, Any]:
    """Submit a job; a SQL query the policy refuses gets 422 naming the rule and the place, and no job."""
    if body.sql is not None:
        job = jobs.submit_sql(
            uow,
            actor,
            body.agreement,
            body.sql,
            dp=body.dp,
            epsilon=body.epsilon,
            title=body.title,
            rows_per_person=body.rows_per_person,
            groups_per_person=body.groups_per_person,
        )
    else:
        job = jobs.submit_python(
            uow, actor, body.agreement, body.python or "", entry=body.entry, outputs=body.outputs, title=body.title
        )
    return job_view(uow, actor, job)


@router.post("/jobs/python", status_code=201)
def submit_python_file(
    uow: WriteUow,
    actor: ActorDep,
    agreement: Annotated[str, Form()],
    file: Annotated[UploadFile, File(description="the Python module")],
    outputs: Annotated[list[str], Form(description="declared output files")],
    entry: Annotated[str, Form()] = "main",
    title: Annotated[str, Form()] = "",
) -> dict[str, Any]:
    """Submit a Python model as an uploaded .py file."""
    code = _source(file, jobs.MAX_CODE)
    job = jobs.submit_python(uow, actor, agreement, code, entry=entry, outputs=outputs, title=title)
    return job_view(uow, actor, job)


def _source(file: UploadFile, limit: int) -> str:
    raw = file.file.read(limit * 4 + 1)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("代码文件须为 UTF-8 编码", "the code file must be UTF-8") from e


@router.get("/jobs")
def list_jobs(uow: ReadUow, actor: ActorDep, status: str | None = None) -> list[dict[str, Any]]:
    """The jobs the caller may see, newest first (without their code)."""
    return [job_view(uow, actor, j, with_code=False) for j in jobs.list_jobs(uow, actor, status=status)]


@router.get("/jobs/review-queue")
def review_queue(uow: ReadUow, actor: ActorDep) -> list[dict[str, Any]]:
    """Jobs in review the caller may decide and has not decided yet."""
    return [job_view(uow, actor, j, with_code=False) for j in review.review_queue(uow, actor)]


@router.get("/jobs/{number}")
def show(number: str, uow: ReadUow, actor: ActorDep) -> dict[str, Any]:
    """One job: code, inputs with versions and hashes, reports, checks, reviews; the outputs' values (previews and
    contents) and the log only for reviewers, and for the submitter once approved (before: the shape only)."""
    return job_view(uow, actor, jobs.get_job(uow, actor, number))


@router.post("/jobs/{number}/cancel")
def cancel(number: str, uow: WriteUow, actor: ActorDep) -> dict[str, Any]:
    return job_view(uow, actor, jobs.cancel(uow, actor, number))


@router.post("/jobs/{number}/reviews")
def decide(number: str, body: DecisionIn, uow: WriteUow, actor: ActorDep) -> dict[str, Any]:
    """一模型一审定: approve or reject, with the checklist and a comment; release needs independent approvals."""
    return job_view(uow, actor, review.decide(uow, actor, number, body.decision, body.comment, body.checklist))


@router.post("/jobs/{number}/disposal", status_code=201)
def dispose(number: str, body: DisposalIn, uow: WriteUow, actor: ActorDep) -> dict[str, Any]:
    """归还 / 销毁: the developer records the return or destruction of what a job delivered, once the agreement
    has ended."""
    review.record_disposal(uow, actor, number, body.kind, body.note)
    return job_view(uow, actor, jobs.get_job(uow, actor, number))


@router.post("/jobs/{number}/outputs/{name}/download-approval")
def approve_model_download(number: str, name: str, uow: WriteUow, actor: ActorDep) -> dict[str, Any]:
    """Models stay inside: the data bureau lets an approved job's model file be downloaded (memorization checked)."""
    out = model_downloads.approve_model_download(uow, actor, number, name)
    return {"number": number, "output": out.name, "kind": out.kind, "download_approved_by": out.download_approved_by}


@router.get("/jobs/{number}/outputs/{name}", response_class=FileResponse)
def output(number: str, name: str, uow: WriteUow, actor: ActorDep) -> FileResponse:
    """An approved output, for the submitting organization while the agreement is in force; 409 otherwise."""
    out, path = review.output_file(uow, actor, number, name)
    return FileResponse(path, filename=out.name, media_type="application/octet-stream")
