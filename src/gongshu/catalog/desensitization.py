"""脱敏: a provider's desensitization plan turns a version into a derived version, with its
k-anonymity (and l-diversity) reported; a derived version may be marked 可开放 only when k is high
enough and no protected column is left as it was."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import select

from gongshu.catalog import classification
from gongshu.catalog.errors import InvalidMetadata
from gongshu.catalog.models import Resource, ResourceVersion
from gongshu.catalog.policy import check_manage
from gongshu.catalog.versions import next_version_number, parquet_columns
from gongshu.classify.desensitize import Anonymity, Plan, apply_plan, k_anonymity
from gongshu.identity import Actor, event
from gongshu.platform import UnitOfWork


def get_version(uow: UnitOfWork, res: Resource, number: int) -> ResourceVersion:
    v = uow.session.execute(
        select(ResourceVersion).where(ResourceVersion.resource_id == res.id, ResourceVersion.number == number)
    ).scalar_one_or_none()
    if v is None:
        raise InvalidMetadata(f"资源 {res.code} 没有第 {number} 版", f"resource {res.code} has no version {number}")
    return v


def unprotected_columns(uow: UnitOfWork, res: Resource, plan: Plan, columns: Sequence[str]) -> list[str]:
    """Protected columns (grade general-3 and up, or personal) that the plan leaves untouched; an item
    personal only because the resource is about persons is de-linked once its identifiers are transformed
    (they are protected in their own right), and the k-anonymity gate covers the rest."""
    grades = classification.effective_grades(uow, res)
    touched = {s.column for s in plan.steps} | set(plan.drop) | classification.linked_columns(uow, res)
    return [c for c in columns if c not in touched and c in grades and grades[c].protected]


def desensitize(
    uow: UnitOfWork,
    actor: Actor,
    res: Resource,
    plan: Plan,
    *,
    source_version: int | None = None,
    quasi_identifiers: Sequence[str] = (),
    sensitive: str | None = None,
) -> ResourceVersion:
    """Apply ``plan`` to an original version (default: the current one) into a new derived version."""
    check_manage(actor, res)
    src = get_version(uow, res, source_version or res.current_version)
    if src.kind != "original":
        raise InvalidMetadata("只能对原始版本脱敏", "only an original version can be desensitized")
    columns = [c["name"] for c in json.loads(src.columns)]
    plan.validate(columns)
    code, src_path = res.code, uow.settings.data_dir / src.path
    uow.session.rollback()  # file work below holds no transaction
    staged = uow.settings.tmp_dir / f"desens-{uuid.uuid4().hex}.parquet"
    uow.on_rollback(lambda: staged.unlink(missing_ok=True))
    key = uow.platform.desensitization_key
    applied = apply_plan(src_path, staged, plan, key=key)
    anon = _anonymity(staged, quasi_identifiers, sensitive, uow.settings.k_min)
    res = uow.session.execute(select(Resource).where(Resource.code == code)).unique().scalar_one()
    number = next_version_number(uow, res)
    rel = f"resources/{code}/v{number}-desensitized.parquet"
    final = uow.settings.data_dir / rel
    staged.replace(final)
    uow.on_rollback(lambda: final.unlink(missing_ok=True))
    version = ResourceVersion(
        resource_id=res.id,
        number=number,
        path=rel,
        sha256=applied.sha256,
        rows=applied.rows,
        bytes=applied.bytes,
        columns=json.dumps(parquet_columns(final), ensure_ascii=False),
        source_format="parquet",
        source_name=f"v{src.number} 脱敏",
        encoding="",
        created_at=uow.clock.now(),
        created_by=actor.username,
        kind="desensitized",
        derived_from=src.number,
        plan=json.dumps(plan.to_json(), ensure_ascii=False),
        anonymity=json.dumps(asdict(anon), ensure_ascii=False) if anon else "",
        k=anon.k if anon else None,
        openable=False,
    )
    uow.session.add(version)
    uow.session.flush()
    uow.record(
        event(
            actor,
            "resource.desensitize",
            "resource",
            code,
            {"from": src.number, "plan": plan.to_json(), "sha256": applied.sha256},
            version=number,
            derived_from=src.number,
            k=version.k,
            sha256=applied.sha256,
        )
    )
    uow.commit()
    return version


def _anonymity(path: Path, quasi: Sequence[str], sensitive: str | None, k_min: int) -> Anonymity | None:
    if not quasi:
        return None
    return k_anonymity(path, list(quasi), k_min=k_min, sensitive=sensitive)


def mark_openable(uow: UnitOfWork, actor: Actor, res: Resource, number: int, openable: bool = True) -> ResourceVersion:
    """Mark a derived version 可开放 (or withdraw the mark). Refused while k is below the platform's
    minimum, when no k was measured, or when a protected column was left untouched."""
    check_manage(actor, res)
    v = get_version(uow, res, number)
    if openable:
        _check_openable(uow, res, v)
    v.openable = openable
    uow.record(
        event(
            actor,
            "version.openable" if openable else "version.withdraw_open",
            "resource",
            res.code,
            {"version": number, "openable": openable},
            version=number,
            k=v.k,
        )
    )
    uow.commit()
    return v


def _check_openable(uow: UnitOfWork, res: Resource, v: ResourceVersion) -> None:
    k_min = uow.settings.k_min
    if v.kind != "desensitized":
        grades = classification.effective_grades(uow, res)
        protected = [c for c, g in grades.items() if c and g.protected]
        if protected:
            raise InvalidMetadata(
                f"第 {v.number} 版含受保护信息项（{'、'.join(protected)}），须先脱敏",
                f"version {v.number} holds protected items ({', '.join(protected)}); desensitize it first",
            )
        return
    if v.k is None or v.k < k_min:
        raise InvalidMetadata(
            f"第 {v.number} 版 k 匿名值为 {v.k if v.k is not None else '未测'}，低于开放所需的 {k_min}",
            f"version {v.number} has k = {v.k if v.k is not None else 'unmeasured'}, below the minimum {k_min} "
            "for opening; generalize the quasi-identifiers further",
            k=v.k or 0,
            k_min=k_min,
        )
    columns = [c["name"] for c in json.loads(v.columns)]
    left = unprotected_columns(uow, res, Plan.from_json(json.loads(v.plan)), columns)
    if left:
        raise InvalidMetadata(
            f"脱敏方案未处理受保护信息项：{'、'.join(left)}",
            f"the plan leaves protected items as they were: {', '.join(left)}",
        )
