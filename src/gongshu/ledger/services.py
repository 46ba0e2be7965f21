"""Ledger use cases: append in the caller's transaction, read events and heads, build proofs."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from gongshu.errors import Invalid, NotFound
from gongshu.ledger import merkle
from gongshu.ledger.events import EventDraft, payload_hash
from gongshu.ledger.format import EVENT_FIELDS, canonical_json, leaf_data_fast, tree_head_message
from gongshu.ledger.models import LedgerEvent, LedgerHead, LedgerNode, LedgerState


class Signer(Protocol):
    """Signs tree heads. ``sign`` is deterministic for Ed25519 and never blocks on I/O."""

    @property
    def key_id(self) -> str: ...

    @property
    def public_b64(self) -> str: ...

    def sign(self, message: bytes) -> str: ...


@dataclass
class LedgerWriter:
    """Appends drafts to the log inside an open write transaction and signs the new head."""

    signer: Signer
    algo: str = "sha256"

    def __post_init__(self) -> None:
        self.hasher = merkle.Hasher(self.algo)

    def append(self, session: Session, drafts: Sequence[EventDraft], now: datetime) -> int:
        """Sequence ``drafts`` after the current head; returns the new tree size.

        Takes the state row's lock (PostgreSQL ``FOR UPDATE``; SQLite writers are already
        serialized by ``BEGIN IMMEDIATE``), so concurrent writers get consecutive sequence numbers.
        This is the hot path of every write: it uses the transaction's own DBAPI cursor directly
        (see bench/ledger_append).
        """
        conn = session.connection()
        sql = _Statements.for_dialect(conn.dialect.paramstyle, conn.dialect.name)
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            return self._append(cur, sql, drafts, now)
        finally:
            cur.close()

    def _append(self, cur: Any, sql: _Statements, drafts: Sequence[EventDraft], now: datetime) -> int:
        cur.execute(sql.lock)
        found = cur.fetchone()
        if found is None:
            raise RuntimeError("ledger_state row 1 is missing: run `gongshu db upgrade`")
        size, frontier = int(found[0]), _decode_frontier(found[1])
        ts = _ts(now)
        rows: list[tuple[Any, ...]] = []
        nodes: list[tuple[int, int, str]] = []
        for draft in drafts:
            fields = self._fields(draft, size, ts)
            detail = canonical_json(fields["detail"]).decode()
            leaf = self.hasher.leaf(leaf_data_fast(fields, detail))
            frontier, done = merkle.frontier_append(frontier, size, leaf, self.hasher)
            nodes.extend((lv, ix, h.hex()) for lv, ix, h in done)
            rows.append((*(fields[k] for k in EVENT_FIELDS[:-1]), detail, leaf.hex()))
            size += 1
        cur.executemany(sql.insert_event, rows)
        if nodes:
            cur.executemany(sql.insert_node, nodes)
        root = merkle.frontier_root(frontier, self.hasher).hex()
        signature = self.signer.sign(tree_head_message(self.algo, size, ts, root))
        cur.execute(sql.insert_head, (size, ts, self.algo, root, self.signer.key_id, signature))
        cur.execute(sql.update_state, (size, ",".join(h.hex() for h in frontier)))
        return size

    def _fields(self, d: EventDraft, seq: int, ts: str) -> dict[str, Any]:
        """The event's leaf fields (EVENT_FIELDS), ``detail`` still a dict."""
        return {
            "seq": seq,
            "ts": ts,
            "actor": d.actor,
            "org": d.org,
            "role": d.role,
            "action": d.action,
            "object_type": d.object_type,
            "object_id": str(d.object_id),
            "agreement": d.agreement,
            "payload_hash": payload_hash(d.payload, self.algo),
            "detail": d.detail,
        }


@dataclass(frozen=True)
class _Statements:
    lock: str
    insert_event: str
    insert_node: str
    insert_head: str
    update_state: str

    @staticmethod
    @functools.cache
    def for_dialect(paramstyle: str, dialect: str) -> _Statements:
        def marks(n: int) -> str:
            return ", ".join(["?" if paramstyle == "qmark" else "%s"] * n)

        p = marks(1)
        cols = ", ".join([*EVENT_FIELDS, "leaf_hash"])
        return _Statements(
            lock="SELECT size, frontier FROM ledger_state WHERE id = 1"
            + (" FOR UPDATE" if dialect != "sqlite" else ""),
            insert_event=f"INSERT INTO ledger_event ({cols}) VALUES ({marks(len(EVENT_FIELDS) + 1)})",
            insert_node=f"INSERT INTO ledger_node (level, idx, hash) VALUES ({marks(3)})",
            insert_head="INSERT INTO ledger_head (tree_size, ts, algo, root_hash, key_id, signature) "
            f"VALUES ({marks(6)})",
            update_state=f"UPDATE ledger_state SET size = {p}, frontier = {p} WHERE id = 1",
        )


def _ts(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _decode_frontier(text: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in text.split(",")] if text else []


def event_dict(ev: LedgerEvent) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "ts": ev.ts,
        "actor": ev.actor,
        "org": ev.org,
        "role": ev.role,
        "action": ev.action,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "agreement": ev.agreement,
        "payload_hash": ev.payload_hash,
        "detail": json.loads(ev.detail),
        "leaf_hash": ev.leaf_hash,
    }


def head_dict(h: LedgerHead) -> dict[str, Any]:
    return {
        "tree_size": h.tree_size,
        "ts": h.ts,
        "algo": h.algo,
        "root_hash": h.root_hash,
        "key_id": h.key_id,
        "signature": h.signature,
    }


def latest_head(session: Session) -> LedgerHead | None:
    return session.execute(select(LedgerHead).order_by(LedgerHead.tree_size.desc()).limit(1)).scalar_one_or_none()


def get_head(session: Session, tree_size: int) -> LedgerHead:
    head = session.get(LedgerHead, tree_size)
    if head is None:
        raise NotFound(
            f"没有大小为 {tree_size} 的签名树头",
            f"no signed tree head of size {tree_size}",
            tree_size=tree_size,
        )
    return head


def get_event(session: Session, seq: int, *, org: str | None = None) -> LedgerEvent:
    """Event ``seq``; with ``org``, only if that organization's member recorded it."""
    ev = session.get(LedgerEvent, seq)
    if ev is None or (org is not None and ev.org != org):
        raise NotFound(f"账本中没有第 {seq} 条事件", f"ledger event {seq} does not exist", seq=seq)
    return ev


def list_events(
    session: Session,
    *,
    org: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[LedgerEvent]:
    """Newest first; ``org`` limits to events by that organization's members."""
    q = select(LedgerEvent).order_by(LedgerEvent.seq.desc()).limit(min(limit, 500))
    if org is not None:
        q = q.where(LedgerEvent.org == org)
    if object_type:
        q = q.where(LedgerEvent.object_type == object_type)
    if object_id:
        q = q.where(LedgerEvent.object_id == object_id)
    if action:
        q = q.where(LedgerEvent.action == action)
    if before is not None:
        q = q.where(LedgerEvent.seq < before)
    return list(session.execute(q).scalars())


def _node_lookup(session: Session, needed: set[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    found: dict[tuple[int, int], bytes] = {}
    leaves = [ix for lv, ix in needed if lv == 0]
    if leaves:
        for seq, h in session.execute(
            select(LedgerEvent.seq, LedgerEvent.leaf_hash).where(LedgerEvent.seq.in_(leaves))
        ):
            found[(0, seq)] = bytes.fromhex(h)
    by_level: dict[int, list[int]] = {}
    for lv, ix in needed:
        if lv > 0:
            by_level.setdefault(lv, []).append(ix)
    if by_level:  # one index range per level: a row-value IN list makes SQLite scan the table
        cond = or_(*(and_(LedgerNode.level == lv, LedgerNode.idx.in_(ixs)) for lv, ixs in by_level.items()))
        for lv, ix, h in session.execute(select(LedgerNode.level, LedgerNode.idx, LedgerNode.hash).where(cond)):
            found[(lv, ix)] = bytes.fromhex(h)
    return found


def _getter(found: dict[tuple[int, int], bytes]) -> Any:
    def get(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise Invalid(
                f"账本节点 ({level},{index}) 缺失；请运行 gongshu ledger verify",
                f"ledger node ({level},{index}) is missing; run `gongshu ledger verify`",
            ) from None

    return get


def _check_size(session: Session, tree_size: int | None) -> int:
    head = latest_head(session)
    latest = head.tree_size if head else 0
    size = latest if tree_size is None else tree_size
    if size < 1 or size > latest:
        raise Invalid(
            f"树大小 {size} 不在 1..{latest} 之内",
            f"tree size {size} is outside 1..{latest}",
            tree_size=size,
        )
    return size


def inclusion_proof(session: Session, index: int, tree_size: int | None, algo: str) -> dict[str, Any]:
    """Audit path for event ``index`` in the tree of ``tree_size`` (default: latest head)."""
    size = _check_size(session, tree_size)
    if not 0 <= index < size:
        raise Invalid(
            f"事件序号 {index} 不在 0..{size - 1} 之内",
            f"event index {index} is outside 0..{size - 1}",
            index=index,
        )
    ranges = merkle.inclusion_proof_ranges(index, size)
    found = _node_lookup(session, merkle.needed_nodes(ranges) | {(0, index)})
    path = merkle.inclusion_proof(index, size, _getter(found), merkle.Hasher(algo))
    return {
        "index": index,
        "tree_size": size,
        "leaf_hash": found[(0, index)].hex(),
        "audit_path": [h.hex() for h in path],
        "head": head_dict(get_head(session, size)),
    }


def consistency_proof(session: Session, first: int, second: int | None, algo: str) -> dict[str, Any]:
    """Proof that the tree of size ``first`` is a prefix of the tree of size ``second``."""
    size2 = _check_size(session, second)
    if not 1 <= first <= size2:
        raise Invalid(
            f"较小的树大小 {first} 须在 1..{size2} 之内",
            f"first tree size {first} must be in 1..{size2}",
        )
    ranges = merkle.consistency_proof_ranges(first, size2)
    found = _node_lookup(session, merkle.needed_nodes(ranges))
    proof = merkle.consistency_proof(first, size2, _getter(found), merkle.Hasher(algo))
    return {
        "first": head_dict(get_head(session, first)) if session.get(LedgerHead, first) else {"tree_size": first},
        "second": head_dict(get_head(session, size2)),
        "proof": [h.hex() for h in proof],
    }


def iter_events(session: Session, chunk: int = 20_000) -> Iterator[dict[str, Any]]:
    """Every stored event in sequence order, as stored (for verification and export)."""
    last = -1
    while True:
        rows = (
            session.execute(select(LedgerEvent).where(LedgerEvent.seq > last).order_by(LedgerEvent.seq).limit(chunk))
            .scalars()
            .all()
        )
        if not rows:
            return
        for ev in rows:
            yield event_dict(ev)
        last = rows[-1].seq
        session.expunge_all()


def all_heads(session: Session) -> list[dict[str, Any]]:
    return [head_dict(h) for h in session.execute(select(LedgerHead).order_by(LedgerHead.tree_size)).scalars()]


def state_size(session: Session) -> int:
    state = session.get(LedgerState, 1)
    return state.size if state else 0
