"""共享与开放: access requests between departments and for conditionally open data, reading shared
data inside the platform, and the open-data API (无条件开放 resources, downloadable by anyone)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, BackgroundTasks
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from gongshu.api.deps import ActorDep, ReadUow, WriteUow
from gongshu.catalog import opendata, services, sharing
from gongshu.catalog.models import AccessRequest, Resource
from gongshu.classify.desensitize import Plan

router = APIRouter(tags=["sharing"])


class RequestIn(BaseModel):
    resource: str
    kind: Literal["share", "open"]
    reason: str
    fields: list[str]
    starts_at: datetime
    ends_at: datetime


class RequestOut(BaseModel):
    number: str
    kind: str
    resource: str
    resource_title: str
    requester: str
    reason: str
    fields: list[str]
    starts_at: datetime
    ends_at: datetime
    status: str
    comment: str
    plan: dict[str, Any] | None
    decided_by: str

    @classmethod
    def of(cls, r: AccessRequest, res: Resource) -> RequestOut:
        return cls(
            number=r.number,
            kind=r.kind,
            resource=res.code,
            resource_title=res.title,
            requester=r.requester,
            reason=r.reason,
            fields=json.loads(r.fields),
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            status=r.status,
            comment=r.comment,
            plan=json.loads(r.plan) if r.plan else None,
            decided_by=r.decided_by,
        )


class DecideIn(BaseModel):
    approve: bool
    comment: str = ""
    plan: dict[str, Any] | None = Field(default=None, description="desensitization rule for the reader")


class PageOut(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    total: int
    offset: int
    desensitized: list[str]


@router.post("/access-requests", response_model=RequestOut, status_code=201)
def request_access(body: RequestIn, uow: WriteUow, actor: ActorDep) -> RequestOut:
    res = services.get_resource(uow, actor, body.resource)
    req = sharing.request_access(
        uow,
        actor,
        res,
        kind=body.kind,
        reason=body.reason,
        fields=body.fields,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
    )
    return RequestOut.of(req, res)


@router.get("/access-requests", response_model=list[RequestOut])
def list_requests(uow: ReadUow, actor: ActorDep, to_review: bool = False) -> list[RequestOut]:
    """Requests my organization made, or with ``to_review`` those about my organization's resources."""
    return [RequestOut.of(r, res) for r, res in sharing.list_requests(uow, actor, mine=not to_review)]


@router.get("/access-requests/{number}", response_model=RequestOut)
def show_request(number: str, uow: ReadUow, actor: ActorDep) -> RequestOut:
    return RequestOut.of(*sharing.get_request(uow, actor, number))


@router.post("/access-requests/{number}/decision", response_model=RequestOut)
def decide(number: str, body: DecideIn, uow: WriteUow, actor: ActorDep) -> RequestOut:
    plan = Plan.from_json(body.plan) if body.plan else None
    sharing.decide(uow, actor, number, approve=body.approve, comment=body.comment, plan=plan)
    return RequestOut.of(*sharing.get_request(uow, actor, number))


@router.post("/access-requests/{number}/revoke", response_model=RequestOut)
def revoke(number: str, uow: WriteUow, actor: ActorDep) -> RequestOut:
    sharing.revoke(uow, actor, number)
    return RequestOut.of(*sharing.get_request(uow, actor, number))


@router.get("/access-requests/{number}/rows", response_model=PageOut)
def read_rows(number: str, uow: WriteUow, actor: ActorDep, limit: int = 100, offset: int = 0) -> PageOut:
    """Read granted data inside the platform; graded items come desensitized. Every read is ledgered."""
    page = sharing.read(uow, actor, number, limit=limit, offset=offset)
    return PageOut(
        columns=page.columns, rows=page.rows, total=page.total, offset=page.offset, desensitized=page.desensitized
    )


# -- open data ----------------------------------------------------------------------------------


@router.get("/open/resources")
def open_catalog(uow: ReadUow, q: str = "", limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The open catalog (开放目录): every resource whose 开放属性 is not 不予开放."""
    found, total = opendata.catalog(uow, q, limit=limit, offset=offset)
    return {"total": total, "results": [opendata.entry(uow, r) for r in found]}


@router.get("/open/resources/{code}")
def open_entry(code: str, uow: ReadUow) -> dict[str, Any]:
    return opendata.entry(uow, opendata.get_open(uow, code))


@router.get("/open/resources/{code}/data", response_class=FileResponse)
def download(
    code: str,
    uow: WriteUow,
    actor: ActorDep,
    background: BackgroundTasks,
    format: Literal["csv", "json", "parquet"] = "csv",
) -> FileResponse:
    """Download open data: 无条件开放 by anyone; 有条件开放 with an approved application."""
    out = opendata.download(uow, actor, code, format)
    background.add_task(out.path.unlink, missing_ok=True)
    return FileResponse(out.path, media_type=out.media_type, filename=out.filename, background=background)
