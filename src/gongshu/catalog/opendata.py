"""开放数据: the open catalog, and downloads of 无条件开放 resources by anyone (有条件开放 ones with an
approved application) — always from a version in which no protected item is left as it was."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from gongshu.catalog import classification, services
from gongshu.catalog.attributes import OpenAttr
from gongshu.catalog.errors import ResourceNotFound
from gongshu.catalog.models import AccessRequest, Resource, ResourceVersion
from gongshu.catalog.states import RequestStatus
from gongshu.errors import Invalid, NotAuthenticated, PermissionDenied
from gongshu.identity import PUBLIC, Actor, event
from gongshu.platform import UnitOfWork

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json", "parquet": "application/vnd.apache.parquet"}


def catalog(uow: UnitOfWork, query: str = "", *, limit: int = 50, offset: int = 0) -> tuple[list[Resource], int]:
    return services.search(uow, PUBLIC, query, limit=limit, offset=offset)


def get_open(uow: UnitOfWork, code: str) -> Resource:
    return services.get_resource(uow, PUBLIC, code)


def entry(uow: UnitOfWork, res: Resource) -> dict[str, Any]:
    """What the open catalog says of a resource (no data, no grades beyond the open attribute)."""
    version = find_open_version(uow, res)
    return {
        "code": res.code,
        "title": res.title,
        "summary": res.summary,
        "provider": res.provider.name,
        "domain": res.domain,
        "open": res.open,
        "open_label": OpenAttr(res.open).zh,
        "update_cycle": res.update_cycle,
        "updated_at": res.updated_at.isoformat(),
        "items": [i.name for i in res.items],
        "downloadable": version is not None,
        "rows": version.rows if version else None,
        "formats": list(FORMATS) if version else [],
        "data_url": f"/api/v1/open/resources/{res.code}/data" if version else None,
    }


def find_open_version(uow: UnitOfWork, res: Resource) -> ResourceVersion | None:
    """The version that may be opened: the current one when no item is protected; otherwise the
    newest derived version of it that the provider marked 可开放."""
    grades = classification.effective_grades(uow, res)
    protected = any(g.protected for c, g in grades.items() if c)
    q = select(ResourceVersion).where(ResourceVersion.resource_id == res.id)
    if protected:
        q = q.where(
            ResourceVersion.kind == "desensitized",
            ResourceVersion.openable.is_(True),
            ResourceVersion.derived_from == res.current_version,
        )
    else:
        q = q.where(ResourceVersion.number == res.current_version)
    return uow.session.execute(q.order_by(ResourceVersion.number.desc()).limit(1)).scalar_one_or_none()


@dataclass(frozen=True)
class Download:
    path: Path
    media_type: str
    filename: str


def download(uow: UnitOfWork, actor: Actor, code: str, fmt: str) -> Download:
    """Write the open version in ``fmt`` to a temporary file (the caller streams then deletes it)."""
    if fmt not in FORMATS:
        raise Invalid(f"格式 {fmt!r} 无效，可选 csv、json、parquet", f"format {fmt!r} must be csv, json or parquet")
    res = services.get_resource(uow, actor, code)  # the public only ever finds open resources
    fields = _allowed_fields(uow, actor, res)
    version = find_open_version(uow, res)
    if version is None:
        raise ResourceNotFound(code)
    out = _export(uow.settings.data_dir / version.path, uow.settings.tmp_dir, fields, fmt)
    uow.on_rollback(lambda: out.unlink(missing_ok=True))
    uow.record(
        event(
            actor,
            "open.download",
            "resource",
            res.code,
            {"version": version.number, "format": fmt},
            version=version.number,
            format=fmt,
            rows=version.rows,
        )
    )
    uow.commit()
    return Download(out, FORMATS[fmt], f"{res.code}-v{version.number}.{fmt}")


def _allowed_fields(uow: UnitOfWork, actor: Actor, res: Resource) -> list[str] | None:
    """None: every column (无条件开放); else the fields of the actor's approved open application."""
    if res.open == OpenAttr.UNCONDITIONAL:
        return None
    if res.open != OpenAttr.CONDITIONAL:
        raise PermissionDenied(f"{res.code} 不予开放", f"{res.code} is not open")
    if not actor.signed_in:
        raise NotAuthenticated(
            "有条件开放数据须登录并获批申请", "conditionally open data needs sign-in and an approved application"
        )
    now = uow.clock.now()
    req = uow.session.execute(
        select(AccessRequest)
        .where(
            AccessRequest.resource_id == res.id,
            AccessRequest.kind == "open",
            AccessRequest.requester_org_id == actor.org_id,
            AccessRequest.status == RequestStatus.APPROVED.value,
            AccessRequest.starts_at <= now,
            AccessRequest.ends_at > now,
        )
        .order_by(AccessRequest.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if req is None:
        raise PermissionDenied(
            f"{res.code} 为有条件开放，请先申请并获批", f"{res.code} is conditionally open: apply first"
        )
    return list(json.loads(req.fields))


def _export(src: Path, tmp: Path, fields: list[str] | None, fmt: str) -> Path:
    out = tmp / f"open-{uuid.uuid4().hex}.{fmt}"
    cols = "*" if fields is None else ", ".join('"' + f.replace('"', '""') + '"' for f in fields)
    options = {
        "csv": "FORMAT csv, HEADER true",
        "json": "FORMAT json, ARRAY true",
        "parquet": "FORMAT parquet, COMPRESSION zstd",
    }[fmt]
    target = str(out).replace("'", "''")
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT {cols} FROM read_parquet(?)) TO '{target}' ({options})", [str(src)])
    finally:
        con.close()
    return out
