"""Catalog API: search and read the 目录, publish resources and versions, DCAT, 一数一源 conflicts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from gongshu.api.deps import ActorDep, ReadUow, WriteUow
from gongshu.api.uploads import received
from gongshu.catalog import dcat, services
from gongshu.catalog.attributes import DOMAINS, OpenAttr, ShareAttr, UpdateCycle
from gongshu.catalog.models import Resource, ResourceVersion
from gongshu.errors import Invalid

router = APIRouter(tags=["catalog"])


class ItemIn(BaseModel):
    description: str = ""
    authoritative: bool = False


class MetaIn(BaseModel):
    title: str = Field(examples=["企业登记信息"])
    summary: str = ""
    domain: str = Field(default="其他", examples=["市场监管"])
    share: str = Field(default="conditional", description="unconditional | conditional | none")
    share_condition: str = ""
    open: str = Field(default="none", description="unconditional | conditional | none")
    update_cycle: str = Field(default="irregular")
    items: dict[str, ItemIn] = Field(default_factory=dict, description="per column: description, authoritative")

    def to_meta(self) -> services.ResourceMeta:
        return services.ResourceMeta(
            title=self.title,
            summary=self.summary,
            domain=self.domain,
            share=self.share,
            share_condition=self.share_condition,
            open=self.open,
            update_cycle=self.update_cycle,
            items={k: services.ItemMeta(v.description, v.authoritative) for k, v in self.items.items()},
        )


class DatabaseIn(BaseModel):
    meta: MetaIn
    url: str = Field(description="SQLAlchemy URL of the source database")
    table: str
    db_schema: str | None = Field(default=None, alias="schema")


class ItemOut(BaseModel):
    name: str
    data_type: str
    description: str
    authoritative: bool


class VersionOut(BaseModel):
    number: int
    sha256: str
    rows: int
    bytes: int
    columns: list[dict[str, str]]
    source_format: str
    source_name: str
    encoding: str
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, v: ResourceVersion) -> VersionOut:
        return cls(
            number=v.number,
            sha256=v.sha256,
            rows=v.rows,
            bytes=v.bytes,
            columns=json.loads(v.columns),
            source_format=v.source_format,
            source_name=v.source_name,
            encoding=v.encoding,
            created_at=v.created_at,
            created_by=v.created_by,
        )


class ResourceOut(BaseModel):
    code: str
    title: str
    summary: str
    provider: str
    provider_name: str
    domain: str
    share: str
    share_label: str
    share_condition: str
    open: str
    open_label: str
    update_cycle: str
    update_cycle_label: str
    overdue: bool
    format: str
    published_at: datetime
    updated_at: datetime
    current_version: int
    items: list[ItemOut]

    @classmethod
    def of(cls, r: Resource, now: datetime) -> ResourceOut:
        return cls(
            code=r.code,
            title=r.title,
            summary=r.summary,
            provider=r.provider.code,
            provider_name=r.provider.name,
            domain=r.domain,
            share=r.share,
            share_label=ShareAttr(r.share).zh,
            share_condition=r.share_condition,
            open=r.open,
            open_label=OpenAttr(r.open).zh,
            update_cycle=r.update_cycle,
            update_cycle_label=UpdateCycle(r.update_cycle).zh,
            overdue=services.is_overdue(r, now),
            format=r.format,
            published_at=r.published_at,
            updated_at=r.updated_at,
            current_version=r.current_version,
            items=[
                ItemOut(name=i.name, data_type=i.data_type, description=i.description, authoritative=i.authoritative)
                for i in r.items
            ],
        )


class SearchOut(BaseModel):
    total: int
    results: list[ResourceOut]


class ConflictOut(BaseModel):
    item: str
    claims: list[dict[str, str]]


def _parse_meta(text: str) -> MetaIn:
    try:
        return MetaIn.model_validate_json(text)
    except ValidationError as e:
        raise Invalid(f"元数据格式错误：{e.errors()[0]['msg']}", f"invalid metadata: {e.errors()[0]['msg']}") from e


@router.get("/resources", response_model=SearchOut)
def search(
    uow: ReadUow,
    actor: ActorDep,
    q: str = "",
    provider: str | None = None,
    domain: str | None = None,
    share: str | None = None,
    open: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SearchOut:
    found, total = services.search(
        uow, actor, q, services.Filters(provider, domain, share, open), limit=limit, offset=offset
    )
    now = uow.clock.now()
    return SearchOut(total=total, results=[ResourceOut.of(r, now) for r in found])


@router.post("/resources", response_model=ResourceOut, status_code=201)
def publish(
    uow: WriteUow,
    actor: ActorDep,
    file: Annotated[UploadFile, File()],
    meta: Annotated[str, Form(description="MetaIn as JSON")],
) -> ResourceOut:
    parsed = _parse_meta(meta)
    with received(file, uow.settings.tmp_dir, uow.settings.max_upload_mb) as (path, name):
        res = services.publish_resource(uow, actor, parsed.to_meta(), services.FileSource(path, name))
    return ResourceOut.of(res, uow.clock.now())


@router.post("/resources/from-database", response_model=ResourceOut, status_code=201)
def publish_from_database(body: DatabaseIn, uow: WriteUow, actor: ActorDep) -> ResourceOut:
    source = services.DatabaseSource(body.url, body.table, body.db_schema)
    return ResourceOut.of(services.publish_resource(uow, actor, body.meta.to_meta(), source), uow.clock.now())


@router.get("/resources/{code}", response_model=ResourceOut)
def show(code: str, uow: ReadUow, actor: ActorDep) -> ResourceOut:
    return ResourceOut.of(services.get_resource(uow, actor, code), uow.clock.now())


@router.put("/resources/{code}", response_model=ResourceOut)
def update(code: str, body: MetaIn, uow: WriteUow, actor: ActorDep) -> ResourceOut:
    return ResourceOut.of(services.update_metadata(uow, actor, code, body.to_meta()), uow.clock.now())


@router.get("/resources/{code}/versions", response_model=list[VersionOut])
def versions(code: str, uow: ReadUow, actor: ActorDep) -> list[VersionOut]:
    return [VersionOut.of(v) for v in services.versions(uow, actor, code)]


@router.post("/resources/{code}/versions", response_model=VersionOut, status_code=201)
def add_version(code: str, uow: WriteUow, actor: ActorDep, file: Annotated[UploadFile, File()]) -> VersionOut:
    with received(file, uow.settings.tmp_dir, uow.settings.max_upload_mb) as (path, name):
        return VersionOut.of(services.add_version(uow, actor, code, services.FileSource(path, name)))


@router.get("/resources/{code}/dcat", response_class=JSONResponse)
def dcat_jsonld(code: str, request: Request, uow: ReadUow, actor: ActorDep) -> JSONResponse:
    """The resource's catalog metadata as DCAT JSON-LD."""
    res = services.get_resource(uow, actor, code)
    doc = dcat.dataset(res, services.current_version(uow, actor, code), str(request.base_url))
    return JSONResponse(doc, media_type="application/ld+json")


@router.get("/catalog/conflicts", response_model=list[ConflictOut])
def conflicts(uow: ReadUow, actor: ActorDep) -> list[ConflictOut]:
    return [
        ConflictOut(item=c.item, claims=[{"code": code, "title": t, "provider": p} for code, t, p in c.claims])
        for c in services.source_conflicts(uow, actor)
    ]


@router.get("/catalog/vocabularies")
def vocabularies() -> dict[str, Any]:
    """The allowed values of domain, share, open and update_cycle, with their Chinese labels."""
    return {
        "domain": list(DOMAINS),
        "share": {s.value: s.zh for s in ShareAttr},
        "open": {o.value: o.zh for o in OpenAttr},
        "update_cycle": {c.value: c.zh for c in UpdateCycle},
    }
