"""What a job may read under an agreement: the granted tables, their items as the policy sees them
(grades, identifier types, declared ranges) and the Parquet files of the versions in use."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from gongshu.catalog.classification import column_types, effective_grades, person_identifiers
from gongshu.catalog.models import Resource, ResourceVersion
from gongshu.catalog.quality import declared_rules
from gongshu.grants.models import Agreement
from gongshu.platform import UnitOfWork
from gongshu.sandbox.spec import IDENTIFIER_TYPES, PERSON_TYPES, ColumnSpec, TableSpec

NUMERIC = re.compile(
    r"^(u?int\d*|u?tinyint|u?smallint|u?integer|u?bigint|u?hugeint|float\d*|double|real|decimal.*|numeric.*|halffloat)$",
    re.I,
)
ENTITY_PREFERENCE = ("cn_id_card", "cn_uscc", "passport", "cn_hk_macau_permit", "cn_mobile", "bank_card")


@dataclass(frozen=True)
class GrantedTable:
    """One granted resource as a job sees it."""

    code: str
    title: str
    provider_id: int
    version: int
    sha256: str
    path: Path
    spec: TableSpec


def inputs_json(tables: list[GrantedTable]) -> str:
    """The job's inputs as recorded on it and in the ledger: code, SQL name, version and content hash."""
    records = [{"code": t.code, "table": t.spec.name, "version": t.version, "sha256": t.sha256} for t in tables]
    return json.dumps(records, ensure_ascii=False)


def input_codes(inputs: str) -> set[str]:
    return {i["code"] for i in json.loads(inputs)}


def provider_orgs(uow: UnitOfWork, inputs: str) -> set[int]:
    """The organizations providing the resources of a job's inputs (``Job.inputs``)."""
    codes = input_codes(inputs)
    if not codes:
        return set()
    return set(uow.session.execute(select(Resource.provider_id).where(Resource.code.in_(codes))).scalars())


def granted_tables(uow: UnitOfWork, agreement: Agreement) -> list[GrantedTable]:
    """Every resource the agreement grants, at its current version, with the granted items only."""
    content = json.loads(agreement.content)
    names = _sql_names([r["title"] for r in content["resources"]], [r["code"] for r in content["resources"]])
    return [_table(uow, r, name) for r, name in zip(content["resources"], names, strict=True)]


def _sql_names(titles: list[str], codes: list[str]) -> list[str]:
    """Tables are named by resource title (中文表名); a title shared by two resources falls back to the code."""
    return [t if titles.count(t) == 1 else c.replace("-", "_") for t, c in zip(titles, codes, strict=True)]


def _table(uow: UnitOfWork, granted: dict[str, Any], name: str) -> GrantedTable:
    res = uow.session.execute(select(Resource).where(Resource.code == granted["code"])).unique().scalar_one()
    version = uow.session.execute(
        select(ResourceVersion).where(
            ResourceVersion.resource_id == res.id, ResourceVersion.number == res.current_version
        )
    ).scalar_one()
    path = uow.settings.data_dir / version.path
    grades = effective_grades(uow, res)
    types = column_types(uow, res)
    kinds = {c["name"]: c["type"] for c in json.loads(version.columns)}
    rules = declared_rules(uow, res) or []
    ranges, enums = _ranges(rules), _enums(rules)
    whole = grades.get("")
    columns = {}
    for item in granted["items"]:
        g = grades.get(item) or whole
        type_ = (types.get(item) or [""])[0]
        columns[item] = ColumnSpec(
            name=item,
            protected=bool(g and g.protected) or type_ in IDENTIFIER_TYPES,
            identifier=type_ in IDENTIFIER_TYPES,
            numeric=bool(NUMERIC.match(kinds.get(item, ""))),
            bounds=ranges.get(item),
            type=type_,
            personal=bool(g and (g.personal or g.sensitive_personal)),
            public_values=enums.get(item),
        )
    persons = person_identifiers(uow, res)  # the table is about persons: its rows are theirs
    entity = persons[0] if persons else _entity(types)
    spec = TableSpec(
        personal=bool(persons) or (entity is not None and (types.get(entity) or [""])[0] in PERSON_TYPES),
        name=name,
        columns=columns,
        entity=entity,
        entity_unique=entity is None or unique(str(path), version.sha256, entity),
        rows=version.rows,
    )
    return GrantedTable(res.code, res.title, res.provider_id, version.number, version.sha256, path, spec)


def _entity(types: dict[str, list[str]]) -> str | None:
    """The column that identifies a person or entity: the strongest identifier type found."""
    for wanted in ENTITY_PREFERENCE:
        for column, found in types.items():
            if found and found[0] == wanted:
                return column
    return None


def _enums(rules: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Declared value lists (validity rules with ``enum``): the public values of a DP group key."""
    out = {}
    for rule in rules:
        params = rule.get("params", rule)
        if rule.get("kind") == "validity" and isinstance(params.get("enum"), list) and params.get("column"):
            out[params["column"]] = tuple(str(v) for v in params["enum"])
    return out


def _ranges(rules: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """Declared numeric ranges (quality rules of kind "range" with both bounds): DP clamping bounds."""
    out = {}
    for rule in rules:
        params = rule.get("params", rule)
        if (
            rule.get("kind") == "range"
            and isinstance(params.get("min"), int | float)
            and isinstance(params.get("max"), int | float)
        ):
            out[params["column"]] = (float(params["min"]), float(params["max"]))
    return out


@lru_cache(maxsize=256)
def unique(path: str, sha256: str, column: str) -> bool:
    """Whether each value of ``column`` occurs once in the (immutable) version; cached by content hash."""
    del sha256  # part of the cache key: a version's file never changes
    con = duckdb.connect()
    try:
        ident = '"' + column.replace('"', '""') + '"'
        row = con.execute(f"SELECT count({ident}) = count(DISTINCT {ident}) FROM read_parquet(?)", [path]).fetchone()
    finally:
        con.close()
    return bool(row and row[0])
