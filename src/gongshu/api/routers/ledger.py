"""Ledger API: signed tree heads, events, inclusion and consistency proofs, the public key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gongshu.api.deps import ActorDep, PlatformDep, ReadUow
from gongshu.identity import ledger_scope
from gongshu.ledger import services

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("/public-key")
def public_key(platform: PlatformDep) -> dict[str, str]:
    """The Ed25519 key that signs tree heads (base64 of the 32 raw bytes)."""
    return {
        "algorithm": "ed25519",
        "key_id": platform.signer.key_id,
        "public_key": platform.signer.public_b64,
        "hash": platform.settings.ledger_hash,
    }


@router.get("/head")
def head(uow: ReadUow) -> dict[str, Any]:
    """The latest signed tree head (public: anyone may hold the platform to it)."""
    latest = services.latest_head(uow.session)
    return services.head_dict(latest) if latest else {"tree_size": 0}


@router.get("/heads/{tree_size}")
def head_at(tree_size: int, uow: ReadUow) -> dict[str, Any]:
    return services.head_dict(services.get_head(uow.session, tree_size))


@router.get("/events")
def events(
    uow: ReadUow,
    actor: ActorDep,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    before: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Newest first; members of an organization see their own organization's events, the bureau,
    regulators and the operator see all."""
    rows = services.list_events(
        uow.session,
        org=ledger_scope(actor),
        object_type=object_type,
        object_id=object_id,
        action=action,
        before=before,
        limit=limit,
    )
    return [services.event_dict(e) for e in rows]


@router.get("/events/{seq}")
def event(seq: int, uow: ReadUow, actor: ActorDep) -> dict[str, Any]:
    return services.event_dict(services.get_event(uow.session, seq, org=ledger_scope(actor)))


@router.get("/proof/inclusion")
def inclusion(index: int, uow: ReadUow, platform: PlatformDep, tree_size: int | None = None) -> dict[str, Any]:
    """Audit path for event ``index`` under the head of ``tree_size`` (default: the latest)."""
    return services.inclusion_proof(uow.session, index, tree_size, platform.settings.ledger_hash)


@router.get("/proof/consistency")
def consistency(first: int, uow: ReadUow, platform: PlatformDep, second: int | None = None) -> dict[str, Any]:
    return services.consistency_proof(uow.session, first, second, platform.settings.ledger_hash)
