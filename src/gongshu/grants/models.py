"""Grants tables: applications and their frozen versions, attachments, reviews, agreements, signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongshu.db import Base, UTCDateTime
from gongshu.identity.models import Organization


class Application(Base):
    """一场景一申请: one developer organization's application for one scenario."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the version being edited or reviewed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_instance_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    org: Mapped[Organization] = relationship(lazy="joined")


class ApplicationVersion(Base):
    """The content of one version; frozen once submitted (a returned application gets a new one)."""

    __tablename__ = "application_version"
    __table_args__ = (UniqueConstraint("application_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)  # JSON: scenario, purpose, resources and items, period, …
    frozen: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Attachment(Base):
    """A qualification document (资质材料), stored in the domain after type, size and malware checks."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(400))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Review(Base):
    """一需求一审核: one stage of the review of one application version."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))  # bureau | provider | regulator
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    resources: Mapped[str] = mapped_column(Text, default="[]")  # JSON codes this part covers (provider stage)
    decision: Mapped[str] = mapped_column(String(16))
    approved_items: Mapped[str] = mapped_column(Text, default="")  # JSON {code: [items]} for a partial approval
    comment: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    org: Mapped[Organization] = relationship(lazy="joined")


class Agreement(Base):
    """一场景一授权: the signed agreement an approved application becomes."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    developer_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    operator_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    content: Mapped[str] = mapped_column(Text)  # canonical agreement JSON: what every party signs
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    epsilon: Mapped[float] = mapped_column(Float)
    renews: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was suspended or revoked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Signature(Base):
    """One party's signature over the agreement's canonical JSON."""

    __tablename__ = "agreement_signature"
    __table_args__ = (UniqueConstraint("agreement_id", "party"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    party: Mapped[str] = mapped_column(String(16))  # bureau | operator | developer
    org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    signer: Mapped[str] = mapped_column(String(64))
    algorithm: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(128))
    signature: Mapped[str] = mapped_column(String(256))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
