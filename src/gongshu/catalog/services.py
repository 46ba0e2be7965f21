"""Catalog use cases: publish a resource from a file or database table, new versions, metadata,
search, 一数一源 conflicts, overdue flags."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Select, delete, func, insert, select

from gongshu.catalog import classification, quality
from gongshu.catalog.attributes import DOMAINS, OpenAttr, ShareAttr, UpdateCycle
from gongshu.catalog.errors import InvalidMetadata, ResourceNotFound
from gongshu.catalog.ingest import IngestResult, ingest_database, ingest_file
from gongshu.catalog.models import InfoItem, Resource, ResourceVersion, SearchTerm
from gongshu.catalog.policy import check_manage
from gongshu.catalog.search import index_terms, normalize, query_terms
from gongshu.catalog.versions import next_version_number
from gongshu.identity import Actor, Permission, Role, can, check, event
from gongshu.identity.models import Organization
from gongshu.platform import UnitOfWork


@dataclass(frozen=True)
class FileSource:
    path: Path
    name: str = ""
    format: str | None = None


@dataclass(frozen=True)
class DatabaseSource:
    url: str
    table: str
    schema: str | None = None


Source = FileSource | DatabaseSource


@dataclass(frozen=True)
class ItemMeta:
    description: str = ""
    authoritative: bool = False


@dataclass
class ResourceMeta:
    """What a provider declares about a resource (资源名称, 摘要, 领域, 共享/开放属性, 更新周期)."""

    title: str
    summary: str = ""
    domain: str = "其他"
    share: str = ShareAttr.CONDITIONAL.value
    share_condition: str = ""
    open: str = OpenAttr.NONE.value
    update_cycle: str = UpdateCycle.IRREGULAR.value
    items: dict[str, ItemMeta] = field(default_factory=dict)

    def validate(self) -> None:
        problems = _meta_problems(self)
        if problems:
            raise InvalidMetadata("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems))


def _meta_problems(m: ResourceMeta) -> list[tuple[str, str]]:
    out = []
    if not m.title.strip() or len(m.title) > 200:
        out.append(("资源名称不能为空且不超过 200 字", "the title must be 1-200 characters"))
    if m.domain not in DOMAINS:
        out.append((f"领域分类 {m.domain!r} 不在目录中", f"domain {m.domain!r} is not one of {', '.join(DOMAINS)}"))
    for value, enum, zh in (
        (m.share, ShareAttr, "共享属性"),
        (m.open, OpenAttr, "开放属性"),
        (m.update_cycle, UpdateCycle, "更新周期"),
    ):
        if value not in {e.value for e in enum}:
            out.append(
                (f"{zh} {value!r} 无效", f"{enum.__name__} {value!r} is not one of " + ", ".join(e.value for e in enum))
            )
    if m.share == ShareAttr.NONE and m.open != OpenAttr.NONE:
        out.append(("不予共享的资源不能开放", "a resource that is not shared cannot be opened"))
    return out


# -- staging: file work happens before any transaction is opened -----------------------------


def _stage(uow: UnitOfWork, source: Source) -> IngestResult:
    dest = uow.settings.tmp_dir / f"stage-{uuid.uuid4().hex}.parquet"
    uow.on_rollback(lambda: dest.unlink(missing_ok=True))
    if isinstance(source, DatabaseSource):
        return ingest_database(source.url, source.table, dest, schema=source.schema)
    return ingest_file(source.path, dest, format=source.format)


def _place(uow: UnitOfWork, staged: IngestResult, code: str, number: int) -> str:
    rel = f"resources/{code}/v{number}.parquet"
    final = uow.settings.data_dir / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        raise InvalidMetadata(f"版本文件 {rel} 已存在", f"version file {rel} already exists")
    os.replace(staged.path, final)
    uow.on_rollback(lambda: final.unlink(missing_ok=True))
    return rel


def _source_name(source: Source) -> str:
    if isinstance(source, DatabaseSource):
        return f"table {source.schema + '.' if source.schema else ''}{source.table}"
    return source.name or source.path.name


# -- publishing ------------------------------------------------------------------------------


def publish_resource(uow: UnitOfWork, actor: Actor, meta: ResourceMeta, source: Source) -> Resource:
    """A provider ingests a new data resource: version 1, catalog entry, items, search index."""
    check(actor, Permission.RESOURCE_PUBLISH)
    meta.validate()
    staged = _stage(uow, source)
    scanned = classification.scan(staged.path)
    org = _actor_org(uow, actor)
    now = uow.clock.now()
    code = _next_code(uow, org, now)
    res = Resource(
        code=code,
        title=meta.title.strip(),
        summary=meta.summary.strip(),
        provider_id=org.id,
        domain=meta.domain,
        share=meta.share,
        share_condition=meta.share_condition.strip(),
        open=meta.open,
        update_cycle=meta.update_cycle,
        format=staged.source_format,
        published_at=now,
        updated_at=now,
        current_version=0,
    )
    uow.session.add(res)
    uow.session.flush()
    version = _add_version_row(uow, actor, res, staged, _source_name(source), now)
    _sync_items(uow, res, staged, meta.items)
    _reindex(uow, res)
    classification.record_scan(uow, res, version.number, scanned, now=now)
    quality.record_report(uow, res, version, classification.typed_columns(scanned))
    uow.record(
        event(
            actor,
            "resource.publish",
            "resource",
            code,
            {"meta": _meta_payload(res), "version": version.number, "sha256": version.sha256},
            title=res.title,
            version=version.number,
            rows=version.rows,
            sha256=version.sha256,
        )
    )
    uow.commit()
    return res


def add_version(
    uow: UnitOfWork, actor: Actor, code: str, source: Source, items: dict[str, ItemMeta] | None = None
) -> ResourceVersion:
    """Re-ingest: a new immutable version; items follow the new columns, descriptions are kept."""
    check(actor, Permission.RESOURCE_PUBLISH)
    staged = _stage(uow, source)
    scanned = classification.scan(staged.path)
    res = _owned_resource(uow, actor, code)
    now = uow.clock.now()
    version = _add_version_row(uow, actor, res, staged, _source_name(source), now)
    res.updated_at, res.format = now, staged.source_format
    _sync_items(uow, res, staged, items or {})
    _reindex(uow, res)
    changes = classification.record_scan(uow, res, version.number, scanned, now=now)
    quality.record_report(uow, res, version, classification.typed_columns(scanned))
    uow.record(
        event(
            actor,
            "resource.version",
            "resource",
            code,
            {"version": version.number, "sha256": version.sha256},
            version=version.number,
            rows=version.rows,
            sha256=version.sha256,
            scan_changes=changes,
        )
    )
    uow.commit()
    return version


def _add_version_row(
    uow: UnitOfWork, actor: Actor, res: Resource, staged: IngestResult, source_name: str, now: datetime
) -> ResourceVersion:
    number = next_version_number(uow, res) if res.id else 1
    rel = _place(uow, staged, res.code, number)
    version = ResourceVersion(
        resource_id=res.id,
        number=number,
        path=rel,
        sha256=staged.sha256,
        rows=staged.rows,
        bytes=staged.bytes,
        columns=json.dumps([{"name": c.name, "type": c.type} for c in staged.columns], ensure_ascii=False),
        source_format=staged.source_format,
        source_name=source_name[:400],
        encoding=staged.encoding or "",
        created_at=now,
        created_by=actor.username,
    )
    uow.session.add(version)
    res.current_version = number
    uow.session.flush()
    return version


def _sync_items(uow: UnitOfWork, res: Resource, staged: IngestResult, declared: dict[str, ItemMeta]) -> None:
    unknown = set(declared) - {c.name for c in staged.columns}
    if unknown:
        raise InvalidMetadata(
            f"信息项 {', '.join(sorted(unknown))} 不在数据的列中",
            f"items {', '.join(sorted(unknown))} are not columns of the data",
        )
    old = {i.name: i for i in res.items}
    res.items = [
        _item(pos, c.name, c.type, old.get(c.name), declared.get(c.name)) for pos, c in enumerate(staged.columns)
    ]


def _item(pos: int, name: str, dtype: str, old: InfoItem | None, meta: ItemMeta | None) -> InfoItem:
    item = old or InfoItem(name=name, norm_name=normalize(name), description="", authoritative=False)
    item.position, item.data_type = pos, dtype
    if meta is not None:
        item.description, item.authoritative = meta.description.strip(), meta.authoritative
    return item


def _reindex(uow: UnitOfWork, res: Resource) -> None:
    uow.session.flush()
    uow.session.execute(delete(SearchTerm).where(SearchTerm.resource_id == res.id))
    terms = index_terms(res.title, res.summary, res.domain, [i.name for i in res.items])
    if terms:
        uow.session.execute(
            insert(SearchTerm), [{"resource_id": res.id, "term": t, "weight": w} for t, w in terms.items()]
        )


def rescan(uow: UnitOfWork, actor: Actor, code: str) -> int:
    """Scan the current version again (the recognizers changed); returns the differences found,
    which the provider then reviews and accepts."""
    res = _owned_resource(uow, actor, code)
    version = current_version(uow, actor, code)
    uow.session.rollback()  # the scan is file work: hold no transaction meanwhile
    scanned = classification.scan(uow.settings.data_dir / version.path)
    res = _owned_resource(uow, actor, code)
    changes = classification.record_scan(uow, res, version.number, scanned, now=uow.clock.now())
    uow.record(
        event(
            actor,
            "resource.rescan",
            "resource",
            code,
            {"version": version.number, "changes": changes},
            version=version.number,
            changes=changes,
            recognizers=scanned.recognizers_version,
        )
    )
    uow.commit()
    return changes


def update_metadata(uow: UnitOfWork, actor: Actor, code: str, meta: ResourceMeta) -> Resource:
    """Change the declared metadata (the data stays; items' descriptions and authority may change)."""
    check(actor, Permission.RESOURCE_PUBLISH)
    meta.validate()
    res = _owned_resource(uow, actor, code)
    by_name = {i.name: i for i in res.items}
    unknown = set(meta.items) - set(by_name)
    if unknown:
        raise InvalidMetadata(f"信息项 {', '.join(sorted(unknown))} 不存在", f"no items {', '.join(sorted(unknown))}")
    res.title, res.summary, res.domain = meta.title.strip(), meta.summary.strip(), meta.domain
    res.share, res.share_condition, res.open = meta.share, meta.share_condition.strip(), meta.open
    res.update_cycle, res.updated_at = meta.update_cycle, uow.clock.now()
    for name, im in meta.items.items():
        by_name[name].description, by_name[name].authoritative = im.description.strip(), im.authoritative
    _reindex(uow, res)
    uow.record(event(actor, "resource.update", "resource", code, _meta_payload(res), title=res.title))
    uow.commit()
    return res


def _meta_payload(res: Resource) -> dict[str, object]:
    return {
        "title": res.title,
        "summary": res.summary,
        "domain": res.domain,
        "share": res.share,
        "open": res.open,
        "update_cycle": res.update_cycle,
        "items": [[i.name, i.description, i.authoritative] for i in res.items],
    }


def _actor_org(uow: UnitOfWork, actor: Actor) -> Organization:
    org = uow.session.get(Organization, actor.org_id) if actor.org_id else None
    if org is None or org.kind != Role.PROVIDER.value:
        raise InvalidMetadata(
            "只有数据提供部门可以发布数据资源", "only a data-providing department can publish resources"
        )
    return org


def _next_code(uow: UnitOfWork, org: Organization, now: datetime) -> str:
    n = uow.session.execute(
        select(func.count()).select_from(Resource).where(Resource.provider_id == org.id)
    ).scalar_one()
    return f"{org.code.upper()}-{now.year}-{int(n) + 1:05d}"


def _owned_resource(uow: UnitOfWork, actor: Actor, code: str) -> Resource:
    res = get_resource(uow, actor, code)
    check_manage(actor, res)
    return res


# -- reading ---------------------------------------------------------------------------------


def can_see(actor: Actor, res: Resource) -> bool:
    """Signed-in users see the whole catalog; the public sees the open catalog only."""
    return can(actor, Permission.CATALOG_READ_ALL) or res.open != OpenAttr.NONE.value


def get_resource(uow: UnitOfWork, actor: Actor, code: str) -> Resource:
    check(actor, Permission.CATALOG_READ)
    res = uow.session.execute(select(Resource).where(Resource.code == code)).unique().scalar_one_or_none()
    if res is None or not can_see(actor, res):
        raise ResourceNotFound(code)
    return res


def versions(uow: UnitOfWork, actor: Actor, code: str) -> list[ResourceVersion]:
    res = get_resource(uow, actor, code)
    q = select(ResourceVersion).where(ResourceVersion.resource_id == res.id).order_by(ResourceVersion.number.desc())
    return list(uow.session.execute(q).scalars())


def current_version(uow: UnitOfWork, actor: Actor, code: str) -> ResourceVersion:
    """The latest original (not derived) version: what the resource currently holds."""
    res = get_resource(uow, actor, code)
    return next(v for v in versions(uow, actor, code) if v.number == res.current_version)


@dataclass(frozen=True)
class Filters:
    provider: str | None = None
    domain: str | None = None
    share: str | None = None
    open: str | None = None


def search(
    uow: UnitOfWork, actor: Actor, query: str = "", filters: Filters = Filters(), *, limit: int = 50, offset: int = 0
) -> tuple[list[Resource], int]:
    """Resources matching every filter, ranked by how many query words they contain, then weight."""
    check(actor, Permission.CATALOG_READ)
    q = select(Resource)
    terms = query_terms(query)
    if query.strip() and not terms:
        return [], 0
    if terms:
        hits = (
            select(SearchTerm.resource_id, func.count().label("n"), func.sum(SearchTerm.weight).label("w"))
            .where(SearchTerm.term.in_(terms))
            .group_by(SearchTerm.resource_id)
            .subquery()
        )
        q = q.join(hits, hits.c.resource_id == Resource.id).order_by(hits.c.n.desc(), hits.c.w.desc(), Resource.code)
    else:
        q = q.order_by(Resource.updated_at.desc(), Resource.code)
    q = _filtered(q, actor, filters)
    total = uow.session.execute(select(func.count()).select_from(q.order_by(None).subquery())).scalar_one()
    rows = uow.session.execute(q.limit(min(limit, 200)).offset(offset)).unique().scalars().all()
    return list(rows), int(total)


def _filtered(q: Select[Resource], actor: Actor, f: Filters) -> Select[Resource]:
    if f.provider:
        q = q.join(Organization, Organization.id == Resource.provider_id).where(Organization.code == f.provider)
    if f.domain:
        q = q.where(Resource.domain == f.domain)
    if f.share:
        q = q.where(Resource.share == f.share)
    if f.open:
        q = q.where(Resource.open == f.open)
    if not can(actor, Permission.CATALOG_READ_ALL):
        q = q.where(Resource.open != OpenAttr.NONE.value)
    return q


def domain_counts(uow: UnitOfWork, actor: Actor) -> dict[str, int]:
    """How many resources the actor can see in each 领域分类 (domains with none are left out)."""
    check(actor, Permission.CATALOG_READ)
    q = _filtered(select(Resource), actor, Filters()).subquery()
    rows = uow.session.execute(select(q.c.domain, func.count()).group_by(q.c.domain)).all()
    return {domain: int(n) for domain, n in rows}


def is_overdue(res: Resource, now: datetime) -> bool:
    """True when the last version is older than the update cycle allows (更新超期)."""
    period = UpdateCycle(res.update_cycle).period
    return period is not None and now - res.updated_at > period


@dataclass(frozen=True)
class SourceConflict:
    """一数一源 violated: more than one provider claims to be the authoritative source of an item."""

    item: str
    claims: list[tuple[str, str, str]]  # (resource code, resource title, provider name)


def source_conflicts(uow: UnitOfWork, actor: Actor) -> list[SourceConflict]:
    check(actor, Permission.CATALOG_READ_ALL)
    multi = (
        select(InfoItem.norm_name)
        .join(Resource, Resource.id == InfoItem.resource_id)
        .where(InfoItem.authoritative.is_(True))
        .group_by(InfoItem.norm_name)
        .having(func.count(func.distinct(Resource.provider_id)) > 1)
    )
    rows = uow.session.execute(
        select(InfoItem.norm_name, InfoItem.name, Resource.code, Resource.title, Organization.name)
        .join(Resource, Resource.id == InfoItem.resource_id)
        .join(Organization, Organization.id == Resource.provider_id)
        .where(InfoItem.authoritative.is_(True), InfoItem.norm_name.in_(multi))
        .order_by(InfoItem.norm_name, Resource.code)
    ).all()
    out: dict[str, SourceConflict] = {}
    for norm, name, code, title, org in rows:
        out.setdefault(norm, SourceConflict(name, [])).claims.append((code, title, org))
    return list(out.values())


def conflicting_items(uow: UnitOfWork, actor: Actor, res: Resource) -> set[str]:
    """Names of this resource's authoritative items that another provider also claims (empty for
    the public, who do not see the whole catalog)."""
    if not can(actor, Permission.CATALOG_READ_ALL):
        return set()
    names = {i.norm_name: i.name for i in res.items if i.authoritative}
    if not names:
        return set()
    conflicts = source_conflicts(uow, actor)
    return {names[normalize(c.item)] for c in conflicts if normalize(c.item) in names}
