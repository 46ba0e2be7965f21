"""Sandbox tables: jobs (the durable queue), their outputs, review decisions, privacy budgets and the
query history that counters differencing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongshu.db import Base, UTCDateTime
from gongshu.identity.models import Organization


class Job(Base):
    """One SQL query or Python model run on real data under one agreement; also its queue entry."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_queue", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # sql | python
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(Text)  # the SQL or the Python module source
    code_hash: Mapped[str] = mapped_column(String(64))
    entry: Mapped[str] = mapped_column(String(100), default="")  # Python entry point
    declared_outputs: Mapped[str] = mapped_column(Text, default="[]")  # JSON file names (Python)
    engine: Mapped[str] = mapped_column(String(16), default="duckdb")
    dp: Mapped[bool] = mapped_column(Boolean, default=False)
    epsilon: Mapped[float] = mapped_column(Float, default=0.0)  # ε asked for (DP) and charged once run
    # Person-level DP contribution bounds the developer gave: rows per person in all, groups per person (0: the
    # platform estimates them privately from the data)
    rows_per_person: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    groups_per_person: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    inputs: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{code, table, version, sha256}]
    policy_report: Mapped[str] = mapped_column(Text, default="")  # JSON findings of the SQL policy
    control_report: Mapped[str] = mapped_column(Text, default="")  # JSON of output control
    checks: Mapped[str] = mapped_column(Text, default="")  # JSON findings of the automatic checks
    error: Mapped[str] = mapped_column(Text, default="")  # JSON {"zh", "en", "kind"} when refused or failed
    log: Mapped[str] = mapped_column(Text, default="")  # Python jobs: what the program printed (truncated)
    claimed_by: Mapped[str] = mapped_column(String(120), default="")  # host:pid of the worker
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    org: Mapped[Organization] = relationship(lazy="joined")
    outputs: Mapped[list[JobOutput]] = relationship(order_by="JobOutput.id", lazy="selectin")


class JobOutput(Base):
    """A file a job produced, after output control: its hash, kind and a preview for reviewers."""

    __tablename__ = "job_output"
    __table_args__ = (UniqueConstraint("job_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # table | metrics | model
    path: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    preview: Mapped[str] = mapped_column(Text, default="")  # JSON {"columns", "rows"} of the controlled table
    # Models stay inside (原始数据不出域): a model's file leaves only once the bureau approved its download.
    download_approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    download_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class JobReview(Base):
    """一模型一审定: one reviewer's decision on one job's outputs."""

    __tablename__ = "job_review"
    __table_args__ = (UniqueConstraint("job_id", "reviewer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    decision: Mapped[str] = mapped_column(String(16))  # approve | reject
    comment: Mapped[str] = mapped_column(Text, default="")
    # JSON {"usability": bool, "consistency": bool, "compliance": bool, "security": bool}: 可用性、一致性、
    # 合规性、安全性, each checked or not ("" for reviews recorded before the checklist, and the system's own)
    checklist: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())

    org: Mapped[Organization] = relationship(lazy="joined")


class JobDisposal(Base):
    """The return or destruction (归还 / 销毁) of what a job delivered, recorded by the developer once the
    agreement has ended."""

    __tablename__ = "job_disposal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # returned | destroyed
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PrivacyBudget(Base):
    """An agreement's ε budget; ``spent`` only grows, by a conditional UPDATE that cannot overspend."""

    __tablename__ = "privacy_budget"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), primary_key=True)
    total: Mapped[float] = mapped_column(Float)
    spent: Mapped[float] = mapped_column(Float, default=0.0)
    # Results released without DP so far; the query audit's snapshot, bumped by a conditional UPDATE so that a
    # result audited against an outdated history is never recorded.
    releases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QueryRecord(Base):
    """A SQL query that ran under an agreement: its population (FROM + WHERE), kept to detect
    differencing pairs in later queries, and the cells it released, for the query audit."""

    __tablename__ = "query_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id"))
    source: Mapped[str] = mapped_column(Text)  # normalized FROM clause (tables and joins)
    population: Mapped[str] = mapped_column(Text)  # normalized WHERE ("" = every row)
    dp: Mapped[bool] = mapped_column(Boolean, default=False)
    # The query audit's record (audit.Cells as JSON) and its source; None under DP.
    cells_source: Mapped[str | None] = mapped_column(Text, nullable=True)
    cells: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
