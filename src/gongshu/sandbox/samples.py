"""样本数据: the developer of an agreement in force downloads a synthetic sample of each granted
resource — the real schema, fake values — to develop on; every download is ledgered."""

from __future__ import annotations

import hashlib

from gongshu.errors import Invalid
from gongshu.identity import event
from gongshu.identity.policy import Actor
from gongshu.platform import UnitOfWork
from gongshu.sandbox.access import granted_tables
from gongshu.sandbox.jobs import check_usable, privacy
from gongshu.sandbox.sample import make_sample, sample_bytes

FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


def sample(uow: UnitOfWork, actor: Actor, agreement_number: str, code: str, fmt: str = "csv") -> tuple[str, bytes]:
    """(file name, bytes) of the synthetic sample of one granted resource."""
    if fmt not in FORMATS:
        raise Invalid("样本格式须为 csv 或 parquet", "the sample format must be csv or parquet")
    agreement = check_usable(uow, actor, agreement_number)
    table = next((t for t in granted_tables(uow, agreement) if t.code == code), None)
    if table is None:
        raise Invalid(
            f"协议 {agreement_number} 未授权资源 {code}", f"agreement {agreement_number} grants no resource {code}"
        )
    types = {c.name: c.type for c in table.spec.columns.values() if c.type}
    seed = int(hashlib.sha256(f"{agreement.number}/{code}/{table.sha256}".encode()).hexdigest()[:8], 16)
    data = make_sample(
        table.path,
        columns=list(table.spec.columns),
        types=types,
        min_cell=int(privacy(agreement).get("min_cell_count", uow.settings.default_min_cell)),
        rows=uow.settings.sample_rows,
        seed=seed,
    )
    body = sample_bytes(data, "parquet" if fmt == "parquet" else "csv")
    uow.record(
        event(
            actor,
            "sample.download",
            "agreement",
            agreement.number,
            {
                "resource": code,
                "version": table.version,
                "rows": data.num_rows,
                "format": fmt,
                "sha256": hashlib.sha256(body).hexdigest(),
            },
        )
    )
    uow.commit()
    return f"{code}-sample.{fmt}", body
