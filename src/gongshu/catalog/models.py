"""Catalog tables: resources (目录), their versions (Parquet files), information items, search terms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongshu.db import Base, UTCDateTime
from gongshu.identity.models import Organization


class Resource(Base):
    """A 数据资源 as the catalog lists it; the data lives in its versions."""

    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    domain: Mapped[str] = mapped_column(String(32), index=True)
    share: Mapped[str] = mapped_column(String(16))
    share_condition: Mapped[str] = mapped_column(Text, default="")
    open: Mapped[str] = mapped_column(String(16))
    update_cycle: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    current_version: Mapped[int] = mapped_column(Integer, default=0)

    provider: Mapped[Organization] = relationship(lazy="joined")
    items: Mapped[list[InfoItem]] = relationship(
        order_by="InfoItem.position", cascade="all, delete-orphan", back_populates="resource"
    )


class ResourceVersion(Base):
    """One ingest: an immutable Parquet file with its content hash."""

    __tablename__ = "resource_version"
    __table_args__ = (UniqueConstraint("resource_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(BigInteger)
    bytes: Mapped[int] = mapped_column(BigInteger)
    columns: Mapped[str] = mapped_column(Text)  # JSON list of {"name", "type"}
    source_format: Mapped[str] = mapped_column(String(16))
    source_name: Mapped[str] = mapped_column(String(400))
    encoding: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="original", server_default="original")
    derived_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan: Mapped[str] = mapped_column(Text, default="", server_default="")  # desensitization plan (derived)
    anonymity: Mapped[str] = mapped_column(Text, default="", server_default="")  # k / l-diversity report JSON
    k: Mapped[int | None] = mapped_column(Integer, nullable=True)
    openable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 可开放


class InfoItem(Base):
    """A 信息项: one column as the catalog describes it."""

    __tablename__ = "info_item"
    __table_args__ = (UniqueConstraint("resource_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    norm_name: Mapped[str] = mapped_column(String(200), index=True)
    data_type: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    authoritative: Mapped[bool] = mapped_column(Boolean, default=False)

    resource: Mapped[Resource] = relationship(back_populates="items")


class SearchTerm(Base):
    """Inverted index for catalog search: a segmented word, where it occurs, how much it weighs."""

    __tablename__ = "search_term"
    __table_args__ = (Index("ix_search_term_term", "term"),)

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    weight: Mapped[int] = mapped_column(Integer)


class ScanRecord(Base):
    """One scan of one version by the classify engine: what it found, with which recognizers."""

    __tablename__ = "scan_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    recognizers_version: Mapped[str] = mapped_column(String(64))
    grade: Mapped[str] = mapped_column(String(16))
    personal: Mapped[bool] = mapped_column(Boolean)
    sensitive_personal: Mapped[bool] = mapped_column(Boolean)
    result: Mapped[str] = mapped_column(Text)  # JSON: per column findings with recognizer versions
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ColumnTag(Base):
    """A sensitive type found in a column, why (recognizer, version, share, score) and who decided."""

    __tablename__ = "column_tag"
    __table_args__ = (UniqueConstraint("resource_id", "column", "type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    column: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # suggested | confirmed | removed
    recognizer: Mapped[str] = mapped_column(String(64))
    recognizer_version: Mapped[str] = mapped_column(String(32))
    share: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    seen_in_version: Mapped[int] = mapped_column(Integer)  # 0 when the latest scan no longer finds it
    changed: Mapped[bool] = mapped_column(Boolean, default=False)  # a rescan difference awaiting review
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")


class ColumnGrade(Base):
    """The grade of one column (or of the whole resource when ``column`` is empty): the engine's
    suggestion and the provider's confirmation, which is what every later check uses."""

    __tablename__ = "column_grade"
    __table_args__ = (UniqueConstraint("resource_id", "column"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    column: Mapped[str] = mapped_column(String(200))
    suggested: Mapped[str] = mapped_column(String(16))
    suggested_personal: Mapped[bool] = mapped_column(Boolean)
    suggested_sensitive: Mapped[bool] = mapped_column(Boolean)
    confirmed: Mapped[str | None] = mapped_column(String(16), nullable=True)
    personal: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    sensitive_personal: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    confirmed_by: Mapped[str] = mapped_column(String(64), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed: Mapped[bool] = mapped_column(Boolean, default=False)  # suggestion moved since confirmation


class QualityRuleSet(Base):
    """The quality rules a provider declared for a resource (JSON list of rules)."""

    __tablename__ = "quality_rule_set"

    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), primary_key=True)
    rules: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QualityReportRecord(Base):
    """A quality report of one version: score 0–100 and per-rule results (counts, never values)."""

    __tablename__ = "quality_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    report: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Objection(Base):
    """A data quality objection (异议) on a resource or an item: 核实 → 补正, or rejected with a reason."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    item: Mapped[str] = mapped_column(String(200), default="")
    raised_by: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    response: Mapped[str] = mapped_column(Text, default="")
    corrected_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verify_due: Mapped[datetime] = mapped_column(UTCDateTime())
    correct_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AccessRequest(Base):
    """A request to read another department's resource (共享) or to obtain conditionally open data (开放)."""

    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # share | open
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    requester_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    requester: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    fields: Mapped[str] = mapped_column(Text)  # JSON list of item names
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(Text, default="")  # the owner's desensitization rule for the reader
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
