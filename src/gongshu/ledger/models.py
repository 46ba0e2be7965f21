"""Ledger tables: events (the leaves), perfect subtree nodes, signed tree heads, the head state."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gongshu.db import Base


class LedgerEvent(Base):
    """One leaf: who did what to which object, when, and the hash of what changed."""

    __tablename__ = "ledger_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(120))
    org: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(128), index=True)
    agreement: Mapped[str] = mapped_column(String(64), default="")
    payload_hash: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    leaf_hash: Mapped[str] = mapped_column(String(64))


class LedgerNode(Base):
    """A perfect, aligned internal node (level >= 1) of the Merkle tree, kept for O(log n) proofs."""

    __tablename__ = "ledger_node"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """A signed tree head: the root over the first ``tree_size`` events, signed with Ed25519."""

    __tablename__ = "ledger_head"

    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(32))
    algo: Mapped[str] = mapped_column(String(16))
    root_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))


class LedgerState(Base):
    """The single row writers lock to sequence events: size and frontier of the tree."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    frontier: Mapped[str] = mapped_column(Text, default="")
