"""Catalog tables: resources (目录), their versions (Parquet files), information items, search terms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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
