"""Version bookkeeping shared by ingest and desensitization: numbering and stored schemas."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import func, select

from gongshu.catalog.ingest.types import logical_type
from gongshu.catalog.models import Resource, ResourceVersion
from gongshu.platform import UnitOfWork


def next_version_number(uow: UnitOfWork, res: Resource) -> int:
    """Original and derived versions share one sequence per resource."""
    n = uow.session.execute(
        select(func.max(ResourceVersion.number)).where(ResourceVersion.resource_id == res.id)
    ).scalar_one()
    return int(n or 0) + 1


def parquet_columns(path: Path) -> list[dict[str, str]]:
    schema = pq.read_schema(path)
    return [{"name": f.name, "type": logical_type(f.type) or str(f.type)} for f in schema]
